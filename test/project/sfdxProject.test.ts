/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { SfError } from '@salesforce/core';
import { findProject } from '../../src/project/sfdxProject.js';

/** Issue 13: a malformed sfdx-project.json must fail with a message naming the file, not a TypeError or "Error (1)". */
describe('project/sfdxProject', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eca-sfdxproject-'));
    await mkdir(join(dir, 'force-app'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function failure(content: string): Promise<SfError> {
    await writeFile(join(dir, 'sfdx-project.json'), content);
    try {
      await findProject(dir);
    } catch (e) {
      return e as SfError;
    }
    throw new Error('findProject accepted the file');
  }

  const cases: Array<{ name: string; content: string; expected: RegExp }> = [
    { name: 'a string packageDirectories', content: '{"packageDirectories": "force-app"}', expected: /packageDirectories/ },
    { name: 'a numeric path', content: '{"packageDirectories": [{"path": 42, "default": true}]}', expected: /entry 0 has no text "path"/ },
    {
      name: 'truncated JSON',
      content: '{\n  "packageDirectories": [\n    {"path": "force-app", "default": true}\n',
      expected: /not valid JSON \(at .*line/,
    },
    { name: 'a JSON array', content: '[]', expected: /JSON object/ },
  ];
  for (const c of cases) {
    it(`names the file for ${c.name}`, async () => {
      const e = await failure(c.content);
      expect(e.name).to.equal('InvalidProjectFileError');
      expect(e.message).to.include(join(dir, 'sfdx-project.json'));
      expect(e.message).to.match(c.expected);
      expect(e.message).to.not.match(/TypeError|Cannot read/);
    });
  }

  it('accepts a valid project', async () => {
    await writeFile(
      join(dir, 'sfdx-project.json'),
      JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '66.0' })
    );
    const project = await findProject(dir);
    expect(project.defaultPackageDir).to.equal(join(dir, 'force-app'));
    expect(project.sourceApiVersion).to.equal('66.0');
  });
});
