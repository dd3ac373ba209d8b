/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { packageFiles } from '../../src/project/packageWalk.js';

describe('project packageWalk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'package-walk-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const put = async (path: string): Promise<void> => {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), 'x');
  };

  it('lists every file below each package directory, in nested folders, with its name and path', async () => {
    await put('force-app/main/default/profiles/P.profile-meta.xml');
    await put('force-app/main/default/a/b/c/deep.txt');
    await put('other/connectedApps/C.connectedApp-meta.xml');
    const files = await packageFiles([join(dir, 'force-app'), join(dir, 'other')]);
    expect(files.map((f) => relative(dir, f.path)).sort()).to.deep.equal([
      'force-app/main/default/a/b/c/deep.txt',
      'force-app/main/default/profiles/P.profile-meta.xml',
      'other/connectedApps/C.connectedApp-meta.xml',
    ]);
    expect(files.find((f) => f.path.endsWith('deep.txt'))?.name).to.equal('deep.txt');
  });

  it('skips node_modules, CLI state, git and hidden folders; a missing or file package directory has no files', async () => {
    for (const skipped of ['node_modules', '.sfdx', '.sf', '.git', '.hidden']) {
      // eslint-disable-next-line no-await-in-loop
      await put(`force-app/${skipped}/X.profile-meta.xml`);
    }
    await put('force-app/kept/.hidden-file-meta.xml');
    await put('a-file');
    const files = await packageFiles([join(dir, 'force-app'), join(dir, 'missing'), join(dir, 'a-file')]);
    expect(files.map((f) => relative(dir, f.path))).to.deep.equal(['force-app/kept/.hidden-file-meta.xml']);
  });
});
