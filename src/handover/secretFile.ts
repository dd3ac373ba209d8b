/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, lstat, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Messages } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'handover');

/**
 * Writes a file that holds a secret (the one place the secret goes to disk, because the user named the file):
 * mode 0600 from the start, never over an existing file without --force (and then atomically, through a 0600 temp
 * file renamed over it), and never inside a git work tree unless git ignores the path (a secret committed by
 * accident is a leak). checkSecretFile() runs every check without writing, so rotate can refuse before it changes
 * anything in the org.
 */

export type SecretFileTarget = { path: string; force: boolean };

export type SecretFileCheck = {
  /** Absolute path. */
  path: string;
  exists: boolean;
  /** The git work tree the path is in (and is ignored by), if any. */
  gitWorkTree?: string;
};

const execFileAsync = promisify(execFile);

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** The closest folder at or above `dir` holding `.git` (a folder, or a file for worktrees/submodules). */
export async function findGitWorkTree(dir: string): Promise<string | undefined> {
  let current = resolve(dir);
  for (;;) {
    // eslint-disable-next-line no-await-in-loop
    if (await exists(join(current, '.git'))) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** Whether git ignores the path (`git check-ignore -q`: exit 0 ignored, 1 not ignored, other: error). */
export async function isGitIgnored(workTree: string, path: string): Promise<boolean | 'no-git'> {
  try {
    await execFileAsync('git', ['-C', workTree, 'check-ignore', '-q', '--', path], { timeout: 10_000 });
    return true;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 1) return false;
    return 'no-git';
  }
}

/** Every check of writeSecretFile, without writing. Throws the error that writing would. */
export async function checkSecretFile(target: SecretFileTarget): Promise<SecretFileCheck> {
  const path = resolve(target.path);
  const parent = dirname(path);
  const parentStat = await stat(parent).catch(() => undefined);
  if (!parentStat?.isDirectory()) throw messages.createError('error.NoSuchFolder', [parent]);
  const fileExists = await exists(path);
  if (fileExists) {
    const fileStat = await stat(path).catch(() => undefined);
    if (fileStat && !fileStat.isFile()) throw messages.createError('error.NotAFile', [path]);
    if (!target.force) throw messages.createError('error.FileExists', [path]);
  }
  const workTree = await findGitWorkTree(parent);
  if (workTree) {
    const ignored = await isGitIgnored(workTree, path);
    if (ignored === 'no-git') throw messages.createError('error.GitUnavailable', [path, workTree]);
    if (!ignored) throw messages.createError('error.NotGitIgnored', [path, workTree], [basename(path), path]);
  }
  return { path, exists: fileExists, gitWorkTree: workTree };
}

/** Writes content with mode 0600 after checkSecretFile's checks. Returns the absolute path. */
export async function writeSecretFile(target: SecretFileTarget, content: string): Promise<SecretFileCheck> {
  const check = await checkSecretFile(target);
  if (!check.exists) {
    // 'wx': fails if someone created the file since the check; never follows into an existing file.
    const handle = await open(check.path, 'wx', 0o600);
    try {
      await handle.writeFile(content, 'utf8');
    } finally {
      await handle.close();
    }
    await chmod(check.path, 0o600);
    return check;
  }
  // --force over an existing file: write a 0600 temp file next to it and rename it over, so the old content is
  // replaced whole (or not at all) and the result is 0600 whatever the old file's mode was.
  const temp = join(dirname(check.path), `.${basename(check.path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(content, 'utf8');
    } finally {
      await handle.close();
    }
    await chmod(temp, 0o600);
    await rename(temp, check.path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return check;
}
