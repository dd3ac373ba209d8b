/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth wire fields are snake_case */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Emulator, startEmulator } from '../../emulator/src/index.js';
import { writeAppProject } from '../deploy/fixtures.js';
import { type CliResult, makeProject, runCli, type TempProject } from './harness.js';
import { loginToEmulator } from './orgLogin.js';

/**
 * Issue 13 through bin/run.js: bad input refused before any org change, exit codes, secrets in echoes, no prompt
 * without a terminal. Every deploy case checks the emulator's request log: nothing that changes the org was sent.
 */

const RUN_AS = 'integration.user@example.com.test';
const PROFILE = 'My Integration Profile';

type LogEntry = { method: string; path: string; soapMethod?: string };

/** Everything the sf logger wrote under a HOME (~/.sf/*.log). */
async function logText(home: string): Promise<string> {
  const dir = join(home, '.sf');
  const names = await readdir(dir).catch(() => [] as string[]);
  const texts = await Promise.all(names.filter((n) => n.endsWith('.log')).map((n) => readFile(join(dir, n), 'utf8')));
  return texts.join('\n');
}

/** Requests that change an org: metadata deploys and REST inserts. */
function changes(emu: Emulator): LogEntry[] {
  return (emu.control.requestLog() as LogEntry[]).filter((e) => e.soapMethod === 'deploy' || (e.method === 'POST' && e.path.includes('/sobjects/')));
}

describe('hardening (e2e, emulator)', function () {
  this.timeout(180_000);
  let emu: Emulator;
  let project: TempProject;

  before(async () => {
    emu = await startEmulator({ deployInProgressPolls: 1 });
  });
  after(() => emu.stop());
  beforeEach(async () => {
    project = await makeProject();
    await loginToEmulator(emu, project.home, 'emu');
    emu.control.clearRequestLog();
  });
  afterEach(() => project.cleanup());

  const deploy = (extra: string[] = []): Promise<CliResult> =>
    runCli(['eca', 'clientcreds', 'deploy', '--target-org', 'emu', '--json', ...extra], { cwd: project.dir, home: project.home });

  it('deploy --run-as-username "not a user" is refused before any request that changes the org', async () => {
    await writeAppProject({ profileName: PROFILE, runAs: RUN_AS }, project.dir);
    const result = await deploy(['--run-as-username', 'not a user']);
    expect(result.exitCode, result.stdout).to.equal(1);
    expect(result.json?.name).to.equal('InvalidRunAsUsernameError');
    expect(changes(emu)).to.deep.equal([]);
  });

  for (const name of ['constructor', 'valueOf', '__proto__']) {
    it(`a permission set named ${name} is not found in the org: refused before any change, also with --dry-run`, async () => {
      await writeAppProject({ profileName: PROFILE, runAs: RUN_AS, permsets: [name] }, project.dir);
      for (const extra of [[], ['--dry-run']]) {
        // eslint-disable-next-line no-await-in-loop
        const result = await deploy(extra);
        expect(result.exitCode, result.stdout).to.equal(1);
        expect(result.json?.name).to.equal('OrgNotReadyError');
        expect(result.json?.message).to.include(name);
      }
      expect(changes(emu)).to.deep.equal([]);
    });
  }

  it('a file with a DOCTYPE is refused in the pre-flight check, before any change', async () => {
    const app = await writeAppProject({ profileName: PROFILE, runAs: RUN_AS }, project.dir);
    const path = app.files.extlClntAppOauthSettings;
    const xml = await readFile(path, 'utf8');
    await writeFile(path, xml.replace(/\?>\n/, '?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n'));
    const result = await deploy();
    expect(result.exitCode, result.stdout).to.equal(1);
    expect(result.json?.message).to.match(/DOCTYPE/);
    expect(changes(emu)).to.deep.equal([]);
  });

  const BROKEN_PROJECTS: Array<[string, string]> = [
    ['a string packageDirectories', '{"packageDirectories": "force-app"}'],
    ['a numeric path', '{"packageDirectories": [{"path": 42, "default": true}]}'],
    ['truncated JSON', '{"packageDirectories": [{"path": "force-app", "default": true}'],
  ];
  for (const [what, content] of BROKEN_PROJECTS) {
    it(`sfdx-project.json with ${what}: generate and deploy exit 1 naming the file`, async () => {
      await writeFile(join(project.dir, 'sfdx-project.json'), content);
      const generate = await runCli(
        ['eca', 'clientcreds', 'generate', '--name', 'X_App', '--contact-email', 'a@example.com', '--run-as-username', RUN_AS, '--json'],
        { cwd: project.dir, home: project.home }
      );
      for (const result of [generate, await deploy()]) {
        expect(result.exitCode, result.stdout + result.stderr).to.equal(1);
        expect(result.json?.name).to.equal('InvalidProjectFileError');
        expect(result.json?.message).to.include('sfdx-project.json');
      }
    });
  }

  describe('test', () => {
    let echo: Server;
    let echoUrl: string;
    before(async () => {
      // A token endpoint (or proxy) that echoes the request's Authorization header and body in its error.
      echo = createServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'invalid_client', error_description: `\u001b[2Jecho: ${req.headers.authorization ?? ''} ${body}` }));
        });
      });
      await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
      echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => echo.close(() => resolve())));

    for (const secret of ['ab1', 'a-much-longer-Secret+/=']) {
      it(`never shows a ${secret.length}-character secret in any form an endpoint echoes (raw, encoded, Basic), nor escape sequences`, async () => {
        for (const basic of [true, false]) {
          // eslint-disable-next-line no-await-in-loop
          const result = await runCli(
            ['eca', 'clientcreds', 'test', '--instance-url', echoUrl, '--client-id', 'key1', '--run-as-username', RUN_AS, ...(basic ? ['--basic-auth'] : []), '--json'],
            { cwd: project.dir, home: project.home, env: { SF_CLIENT_SECRET: secret, SF_LOG_LEVEL: 'trace' } }
          );
          // eslint-disable-next-line no-await-in-loop
          const output = result.stdout + result.stderr + (await logText(project.home));
          expect(result.exitCode, output).to.equal(1);
          expect(output).to.include('echo:');
          for (const form of [secret, encodeURIComponent(secret), Buffer.from(`key1:${secret}`).toString('base64')]) {
            expect(output, form).to.not.match(new RegExp(`(?<![A-Za-z0-9])${form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`));
          }
          expect(output).to.not.include('\u001b[2J');
        }
      });
    }

    it('without a secret and without a terminal (CI), fails at once naming the variable, no prompt', async () => {
      const result = await runCli(['eca', 'clientcreds', 'test', '--instance-url', echoUrl, '--client-id', 'key1'], {
        cwd: project.dir,
        home: project.home,
        timeoutMs: 30_000,
      });
      expect(result.exitCode, result.stderr).to.equal(1);
      expect(result.stderr).to.include('SF_CLIENT_SECRET');
      expect(result.stderr).to.not.match(/unsettled top-level await|Warning: Detected/);
    });

    it('--client-secret-env "" is a flag error (exit 2)', async () => {
      const result = await runCli(['eca', 'clientcreds', 'test', '--instance-url', echoUrl, '--client-id', 'key1', '--client-secret-env', '', '--json'], {
        cwd: project.dir,
        home: project.home,
        env: { SF_CLIENT_SECRET: 'x' },
      });
      expect(result.exitCode, result.stdout).to.equal(2);
    });
  });
});
