/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/src/index.js';
import { type AppFixture, deployApp, writeAppFiles } from './clientcredsApp.js';
import { type CliResult, makeProject, runCli, type TempProject } from './harness.js';
import { loginToEmulator } from './orgLogin.js';

/**
 * Shared set-up of the credentials, rotate and login e2e suites: an emulator whose admin may read secrets, a temp
 * project logged in as ALIAS, apps deployed with their own Run As user, and the secret checks (stdout, stderr,
 * --json, ~/.sf logs, every file under HOME).
 */

export const ALIAS = 'emu';
const INTEGRATION_PROFILE = 'Minimum Access - API Only Integrations';

export type Suite = {
  emu: Emulator;
  project: TempProject;
  adminUsername: string;
  newApp(overrides?: Partial<AppFixture>): Promise<AppFixture>;
  credentials(app: string): { key: string; secret: string };
  run<T>(command: string, args: string[], env?: Record<string, string>): Promise<CliResult<T>>;
  /** Whether the org gives this pair a token right now (the token is revoked at once). */
  tokenWorks(pair: { key: string; secret: string }): Promise<boolean>;
  cleanup(): Promise<void>;
};

export async function startSuite(options: EmulatorOptions = {}): Promise<Suite> {
  const emu = await startEmulator(options);
  const project = await makeProject();
  const adminUsername = (await loginToEmulator(emu, project.home, ALIAS)).username;
  emu.control.setSetting({ name: 'enableClientSecretInRestApiAccess', value: true });
  emu.control.grantPermission({ username: adminUsername, permission: 'ViewClientSecret' });
  let count = 0;
  return {
    emu,
    project,
    adminUsername,
    async newApp(overrides: Partial<AppFixture> = {}): Promise<AppFixture> {
      count++;
      const runAsUsername = `handover${count}@e2e.example.com.${emu.orgId.slice(-6).toLowerCase()}`;
      emu.control.seedUser({
        Username: runAsUsername,
        LastName: `Handover ${count}`,
        Email: `handover${count}@e2e.example.com`,
        Alias: `ho${count}`,
        profileName: INTEGRATION_PROFILE,
      });
      const app: AppFixture = { name: `Handover_App_${count}`, runAsUsername, ...overrides };
      await writeAppFiles(project.dir, app);
      await deployApp(emu, app);
      return app;
    },
    credentials(app: string): { key: string; secret: string } {
      const creds = emu.control.getAppCredentials({ app });
      if (!creds) throw new Error(`no credentials for ${app}`);
      return { key: creds.consumerKey, secret: creds.consumerSecret };
    },
    run<T>(command: string, args: string[], env: Record<string, string> = {}): Promise<CliResult<T>> {
      return runCli<T>(['eca', 'clientcreds', command, ...args], { cwd: project.dir, home: project.home, env, timeoutMs: 120_000 });
    },
    async tokenWorks(pair: { key: string; secret: string }): Promise<boolean> {
      const response = await fetch(`${emu.instanceUrl}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams([
          ['grant_type', 'client_credentials'],
          ['client_id', pair.key],
          ['client_secret', pair.secret],
        ]).toString(),
      });
      const body = (await response.json()) as { access_token?: string };
      if (body.access_token) emu.state.expireSession(body.access_token);
      return typeof body.access_token === 'string';
    },
    async cleanup(): Promise<void> {
      await emu.stop();
      await project.cleanup();
    },
  };
}

/** Every file under a folder (recursively), as text. */
async function filesUnder(dir: string): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      // eslint-disable-next-line no-await-in-loop
      out.push(...(await filesUnder(path)));
    } else if (entry.isFile()) {
      // eslint-disable-next-line no-await-in-loop
      out.push([path, await readFile(path, 'utf8').catch(() => '')]);
    }
  }
  return out;
}

/**
 * Asserts that no secret appears in the runs' stdout/stderr, the sf log files, or any file under HOME and the project
 * those under `allowedFolders` (the files the user named). Boolean checks, so a failure never prints the secret itself. Returns the log text.
 */
export async function expectNoSecrets(
  suite: Suite,
  runs: Array<CliResult<unknown>>,
  secrets: string[],
  allowedFolders: string[] = []
): Promise<string> {
  const homeFiles = await filesUnder(suite.project.home);
  const projectFiles = await filesUnder(suite.project.dir);
  const logs = homeFiles
    .filter(([path]) => /\/\.sf\/sf-.*\.log$/.test(path))
    .map(([, text]) => text)
    .join('\n');
  expect(logs.length, 'trace log files').to.be.greaterThan(0);
  const haystacks: Array<[string, string]> = [
    ...runs.flatMap((r, i): Array<[string, string]> => [
      [`run ${i} stdout`, r.stdout],
      [`run ${i} stderr`, r.stderr],
    ]),
    ...[...homeFiles, ...projectFiles].filter(([path]) => !allowedFolders.some((folder) => path.startsWith(folder + '/'))),
  ];
  for (const [where, text] of haystacks) {
    for (const [i, secret] of secrets.entries()) {
      expect(text.includes(secret), `secret ${i} in ${where}`).to.equal(false);
    }
  }
  return logs;
}
