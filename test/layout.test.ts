/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from './e2e/harness.js';

/**
 * The map of src/ (README "Where things live", design.md): commands (and oclif hooks) on top, one folder per job below them, then the
 * modules several jobs share. Arrows point down only: a job never imports another job, and a shared module never
 * imports a job. tokenCheck is test's job and also how rotate and login prove their tokens, so it sits between.
 */
const TOP = ['commands', 'hooks'];
const JOBS = ['generate', 'deploy', 'handover', 'rotation', 'login', 'audit'];
const BETWEEN = ['tokenCheck'];
const SHARED = ['cli', 'oauth', 'orgCredentials', 'appSettings', 'project', 'org', 'metadata', 'security', 'output'];

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
}

/** Top folder under src/ of every relative import (static or dynamic) of a file. */
function importedFolders(file: string, text: string, src: string): string[] {
  const specs = [...text.matchAll(/(?:from|import\(?)\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specs.map((spec) => relative(src, resolve(file, '..', spec)).split(sep)[0]);
}

describe('layout of src/', () => {
  it('knows every folder of src/', async () => {
    const folders = (await readdir(join(REPO_ROOT, 'src'), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.sort()).to.deep.equal([...TOP, ...JOBS, ...BETWEEN, ...SHARED].sort());
  });

  it('imports point down only: no job imports another job, no shared module imports a job or tokenCheck', async () => {
    const src = join(REPO_ROOT, 'src');
    const upward: string[] = [];
    for (const file of await sourceFiles(src)) {
      const own = relative(src, file).split(sep)[0];
      if (TOP.includes(own) || own.endsWith('.ts')) continue;
      // eslint-disable-next-line no-await-in-loop
      const text = await readFile(file, 'utf8');
      for (const target of importedFolders(file, text, src)) {
        if (target === own || target.endsWith('.js')) continue;
        const wrong =
          TOP.includes(target) ||
          (JOBS.includes(own) && JOBS.includes(target)) ||
          (BETWEEN.includes(own) && JOBS.includes(target)) ||
          (SHARED.includes(own) && (JOBS.includes(target) || BETWEEN.includes(target)));
        if (wrong) upward.push(`${relative(src, file)} -> ${target}`);
      }
    }
    expect(upward).to.deep.equal([]);
  });
});
