/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Messages, SfError } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'sfdxProject');

/**
 * Checks sfdx-project.json before @salesforce/core reads it: core reports a truncated file as "Error (1)" without
 * the file, and crashes with a TypeError on a string `packageDirectories` or a numeric `path`. Every problem becomes
 * an InvalidProjectFileError naming the file (and the line, for JSON syntax), so every command exits 1 with the fix.
 */
export const PROJECT_FILE = 'sfdx-project.json';

export async function checkProjectFile(root: string): Promise<void> {
  const file = join(root, PROJECT_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    // Not on disk (core's test setup keeps project files in memory): core reads and reports it.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw invalid(file, e instanceof Error ? e.message : String(e));
  }
  const problem = projectJsonProblem(text);
  if (problem) throw invalid(file, problem);
}

/** What is wrong with the text of an sfdx-project.json (undefined when usable). Pure; exported for tests. */
export function projectJsonProblem(text: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return messages.getMessage('problem.syntax', [syntaxWhere(text, e)]);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return messages.getMessage('problem.notObject');
  const dirs = (json as Record<string, unknown>).packageDirectories;
  if (!Array.isArray(dirs) || dirs.length === 0) return messages.getMessage('problem.packageDirectories');
  for (const [i, dir] of dirs.entries()) {
    const path = typeof dir === 'object' && dir !== null ? (dir as Record<string, unknown>).path : undefined;
    if (typeof path !== 'string' || !path.trim()) return messages.getMessage('problem.path', [String(i)]);
  }
  const version = (json as Record<string, unknown>).sourceApiVersion;
  if (version !== undefined && typeof version !== 'string') return messages.getMessage('problem.sourceApiVersion');
  return undefined;
}

/** "line L, column C" of a JSON syntax error, or "the end of the file" when the text stops early. */
function syntaxWhere(text: string, e: unknown): string {
  const message = e instanceof Error ? e.message : '';
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return messages.getMessage('where.lineColumn', [lineColumn[1], lineColumn[2]]);
  const position = /position (\d+)/.exec(message) ?? tokenPosition(text, message);
  if (position) {
    const before = text.slice(0, Number(position[1])).split('\n');
    return messages.getMessage('where.lineColumn', [String(before.length), String(before[before.length - 1].length + 1)]);
  }
  return messages.getMessage('where.end', [String(text.split('\n').length)]);
}

/**
 * Where V8's `Unexpected token 'f', ..."path": force-app"... is not valid JSON` points: the excerpt found in the
 * text, then the token in it (the message has no position of its own).
 */
function tokenPosition(text: string, message: string): [string, string] | undefined {
  const found = /Unexpected token '([\s\S]+?)', (?:\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON/.exec(message);
  if (!found) return undefined;
  const [, token, excerpt] = found;
  const at = text.indexOf(excerpt);
  const inExcerpt = excerpt.indexOf(token);
  return at >= 0 && inExcerpt >= 0 ? ['', String(at + inExcerpt)] : undefined;
}

function invalid(file: string, problem: string): SfError {
  return messages.createError('error.InvalidProjectFile', [file, problem], [file]);
}
