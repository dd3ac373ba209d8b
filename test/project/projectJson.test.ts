/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Messages, SfError } from '@salesforce/core';
import { checkProjectFile, PROJECT_FILE, projectJsonProblem } from '../../src/project/projectJson.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'sfdxProject');

const VALID = { packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '66.0' };
const json = (value: unknown): string => JSON.stringify(value, null, 2);

describe('project/projectJson', () => {
  describe('projectJsonProblem', () => {
    it('accepts a usable file: with or without sourceApiVersion, several package directories, a UTF-8 BOM', () => {
      expect(projectJsonProblem(json(VALID))).to.equal(undefined);
      expect(projectJsonProblem(json({ packageDirectories: [{ path: 'force-app' }] }))).to.equal(undefined);
      expect(projectJsonProblem(json({ packageDirectories: [{ path: 'force-app', default: true }, { path: 'other' }], name: 'x' }))).to.equal(undefined);
      expect(projectJsonProblem('\uFEFF' + json(VALID))).to.equal(undefined);
    });

    it('names the line and column of a syntax error', () => {
      // Line 3 is `    { "path": "force-app", }`: 4 spaces and 23 characters come before the "}" after the comma.
      const text = '{\n  "packageDirectories": [\n    { "path": "force-app", }\n  ]\n}\n';
      expect(projectJsonProblem(text)).to.equal(messages.getMessage('problem.syntax', [messages.getMessage('where.lineColumn', ['3', '28'])]));
    });

    it('says where the file stops when it is cut short', () => {
      // Three lines: "{", the packageDirectories line, and the empty line after the last newline.
      const text = '{\n  "packageDirectories": [\n';
      expect(projectJsonProblem(text)).to.equal(messages.getMessage('problem.syntax', [messages.getMessage('where.end', ['3'])]));
      expect(projectJsonProblem('')).to.equal(messages.getMessage('problem.syntax', [messages.getMessage('where.end', ['1'])]));
    });

    it('names the line of text after the JSON value', () => {
      const text = json(VALID) + '\n}';
      const lines = text.split('\n').length;
      expect(projectJsonProblem(text)).to.equal(messages.getMessage('problem.syntax', [messages.getMessage('where.lineColumn', [String(lines), '1'])]));
    });

    // V8's message for an unexpected token ("Unexpected token 'f', "..." is not valid JSON", e.g. an unquoted path)
    // has neither "line L column C" nor "position N": the token is found through the message's excerpt.
    it('names the line of an unquoted value instead of saying the file stops early', () => {
      const text = '{\n  "packageDirectories": [{ "path": force-app }]\n}\n';
      const problem = projectJsonProblem(text) ?? '';
      expect(problem).to.include('line 2');
      expect(problem).to.not.include('stops early');
    });

    it('refuses JSON that is not an object', () => {
      for (const text of ['[]', 'null', '"force-app"', '42', 'true', '[{"path":"force-app"}]']) {
        expect(projectJsonProblem(text), text).to.equal(messages.getMessage('problem.notObject'));
      }
    });

    it('refuses a missing, empty or non-list packageDirectories (core crashes on a string)', () => {
      for (const value of [{}, { packageDirectories: [] }, { packageDirectories: 'force-app' }, { packageDirectories: { path: 'force-app' } }, { packageDirectories: null }]) {
        expect(projectJsonProblem(json(value)), json(value)).to.equal(messages.getMessage('problem.packageDirectories'));
      }
    });

    it('names the first package directory entry without a text path (core crashes on a number)', () => {
      const cases: Array<[unknown[], number]> = [
        [[{ path: 42 }], 0],
        [[{ default: true }], 0],
        [[null], 0],
        [['force-app'], 0],
        [[{ path: '' }], 0],
        [[{ path: 'force-app' }, { path: '   ' }], 1],
        [[{ path: 'force-app' }, { path: 'b' }, { path: ['c'] }, { path: 1 }], 2],
      ];
      for (const [dirs, index] of cases) {
        expect(projectJsonProblem(json({ packageDirectories: dirs })), json(dirs)).to.equal(messages.getMessage('problem.path', [String(index)]));
      }
    });

    it('refuses a sourceApiVersion that is not text', () => {
      for (const version of [66, null, ['66.0'], { v: '66.0' }]) {
        expect(projectJsonProblem(json({ ...VALID, sourceApiVersion: version })), json(version)).to.equal(messages.getMessage('problem.sourceApiVersion'));
      }
    });

    it('reports the first problem of a file with several', () => {
      expect(projectJsonProblem(json({ packageDirectories: [{ path: 1 }], sourceApiVersion: 66 }))).to.equal(messages.getMessage('problem.path', ['0']));
    });
  });

  describe('checkProjectFile', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'eca-projectjson-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    async function failure(root: string): Promise<SfError> {
      try {
        await checkProjectFile(root);
      } catch (e) {
        expect(e).to.be.instanceOf(SfError);
        return e as SfError;
      }
      return expect.fail('checkProjectFile accepted the file');
    }

    it('accepts a usable file', async () => {
      await writeFile(join(dir, PROJECT_FILE), json(VALID));
      await checkProjectFile(dir);
    });

    it('leaves a missing file to @salesforce/core (its test setup keeps project files in memory)', async () => {
      await checkProjectFile(dir);
    });

    it('throws InvalidProjectFileError naming the file, the problem and the fix, with exit code 1', async () => {
      const file = join(dir, PROJECT_FILE);
      await writeFile(file, '{"packageDirectories": "force-app"}');
      const error = await failure(dir);
      expect(error.name).to.equal('InvalidProjectFileError');
      expect(error.message).to.equal(messages.getMessage('error.InvalidProjectFile', [file, messages.getMessage('problem.packageDirectories')]));
      expect(error.actions).to.deep.equal(messages.getMessages('error.InvalidProjectFile.actions', [file]));
      expect(error.exitCode).to.equal(1);
    });

    it('names the line of a syntax error in the file', async () => {
      await writeFile(join(dir, PROJECT_FILE), '{\n  "packageDirectories": [\n    { "path": "force-app", }\n  ]\n}\n');
      expect((await failure(dir)).message).to.include(messages.getMessage('where.lineColumn', ['3', '28']));
    });

    it('turns a file that cannot be read into the same error', async () => {
      await mkdir(join(dir, PROJECT_FILE)); // a folder where the file should be: EISDIR
      const error = await failure(dir);
      expect(error.name).to.equal('InvalidProjectFileError');
      expect(error.message).to.include(join(dir, PROJECT_FILE));
    });
  });
});
