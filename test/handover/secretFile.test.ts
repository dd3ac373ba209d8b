/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SfError } from '@salesforce/core';
import { expect } from 'chai';
import { checkSecretFile, findGitWorkTree, writeSecretFile } from '../../src/handover/secretFile.js';

async function failure(promise: Promise<unknown>): Promise<SfError> {
  try {
    await promise;
  } catch (error) {
    return error as SfError;
  }
  throw new Error('expected a failure');
}

describe('handover/secretFile', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'secret-file-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('creates a new file with mode 0600', async () => {
    const path = join(dir, 'a.env');
    const check = await writeSecretFile({ path, force: false }, 'X=1\n');
    expect(check).to.include({ path, exists: false });
    expect(await readFile(path, 'utf8')).to.equal('X=1\n');
    expect((await stat(path)).mode & 0o777).to.equal(0o600);
  });

  it('never writes over an existing file without force; with force replaces it whole, 0600, no temp file left', async () => {
    const path = join(dir, 'a.env');
    await writeFile(path, 'OLD\n', { mode: 0o644 });
    expect((await failure(writeSecretFile({ path, force: false }, 'NEW\n'))).name).to.equal('FileExistsError');
    expect(await readFile(path, 'utf8')).to.equal('OLD\n');
    const check = await writeSecretFile({ path, force: true }, 'NEW\n');
    expect(check.exists).to.equal(true);
    expect(await readFile(path, 'utf8')).to.equal('NEW\n');
    expect((await stat(path)).mode & 0o777).to.equal(0o600);
    expect(await readdir(dir)).to.deep.equal(['a.env']);
  });

  it('refuses a missing folder and a path that is a folder', async () => {
    expect((await failure(checkSecretFile({ path: join(dir, 'nope', 'a.env'), force: false }))).name).to.equal('NoSuchFolderError');
    await mkdir(join(dir, 'sub'));
    expect((await failure(checkSecretFile({ path: join(dir, 'sub'), force: true }))).name).to.equal('NotAFileError');
  });

  it('refuses a path inside a git work tree unless git ignores it', async () => {
    execFileSync('git', ['init', '-q', dir]);
    await mkdir(join(dir, 'config'));
    const path = join(dir, 'config', 'creds.env');
    expect(await findGitWorkTree(join(dir, 'config'))).to.equal(dir);
    const refused = await failure(writeSecretFile({ path, force: false }, 'S=1\n'));
    expect(refused.name).to.equal('NotGitIgnoredError');
    expect(refused.actions?.[0]).to.include('creds.env');
    expect(existsSync(path)).to.equal(false);
    await writeFile(join(dir, '.gitignore'), '*.env\n');
    expect((await writeSecretFile({ path, force: false }, 'S=1\n')).gitWorkTree).to.equal(dir);
  });
});
