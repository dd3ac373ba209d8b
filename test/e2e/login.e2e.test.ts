/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { LoginResult } from '../../src/commands/eca/clientcreds/login.js';
import { REPO_ROOT, runNode } from './harness.js';
import { ALIAS, type Suite, expectNoSecrets, startSuite } from './tokenCommands.js';

/**
 * End to end: bin/run.js eca clientcreds login against the org emulator, then @salesforce/core (as every sf command)
 * uses the stored login by its alias. The real `sf data query` on the alias runs in test/sf-cli/journey.sfcli.ts.
 */

/** What any sf command does with --target-org <alias>: Org.create, then a REST query with the stored token. */
const QUERY_SCRIPT = `
import { Org } from '@salesforce/core';
const org = await Org.create({ aliasOrUsername: process.env.E2E_ALIAS });
const conn = org.getConnection();
const result = await conn.query('SELECT Id, Username FROM User WHERE Username = ' + "'" + org.getUsername() + "'");
process.stdout.write(JSON.stringify({ username: org.getUsername(), records: result.records.map((r) => r.Username) }));
`;

describe('eca clientcreds login (e2e, emulator)', function () {
  this.timeout(180_000);
  let suite: Suite;

  before(async () => {
    suite = await startSuite();
  });
  after(async () => suite?.cleanup());

  const login = (args: string[], env: Record<string, string> = {}): ReturnType<Suite['run']> =>
    suite.run<LoginResult>('login', args, env);

  async function queryAs(alias: string): Promise<{ username?: string; records?: string[]; exitCode: number | null; stderr: string }> {
    const result = await runNode<never>(['--input-type=module', '-e', QUERY_SCRIPT], {
      cwd: REPO_ROOT,
      home: suite.project.home,
      env: { E2E_ALIAS: alias },
    });
    return { ...(result.json as { username?: string; records?: string[] } | undefined), exitCode: result.exitCode, stderr: result.stderr };
  }

  it('logs in as the Run As user with the credentials read from the org; a command then runs as that user', async () => {
    const app = await suite.newApp();
    const result = await login(['--name', app.name, '--target-org', ALIAS, '--alias', 'integration', '--json']);
    expect(result.exitCode, result.stdout + result.stderr).to.equal(0);
    const r = result.json?.result as LoginResult;
    expect(r).to.include({
      username: app.runAsUsername,
      alias: 'integration',
      isDefault: false,
      instanceUrl: suite.emu.instanceUrl,
      credentialsSource: 'org',
      appName: app.name,
    });
    expect(r.expiresAt).to.be.a('string');
    expect(r.renewCommand).to.include(`--name ${app.name}`).and.to.include('--alias integration');
    expect(JSON.stringify(r)).to.not.match(/00D\w{12,15}!/);
    const query = await queryAs('integration');
    expect(query.exitCode, query.stderr).to.equal(0);
    expect(query).to.deep.include({ username: app.runAsUsername, records: [app.runAsUsername] });
  });

  it('logs in with --client-id, --instance-url and the secret from SF_CLIENT_SECRET, and --set-default', async () => {
    const app = await suite.newApp();
    const { key, secret } = suite.credentials(app.name);
    const result = await login(
      ['--client-id', key, '--instance-url', suite.emu.instanceUrl, '--alias', 'ci', '--set-default', '--json'],
      { SF_CLIENT_SECRET: secret }
    );
    expect(result.exitCode, result.stdout + result.stderr).to.equal(0);
    expect(result.json?.result).to.include({ username: app.runAsUsername, isDefault: true, credentialsSource: 'flags' });
    const config = JSON.parse(await readFile(join(suite.project.dir, '.sf', 'config.json'), 'utf8')) as Record<string, string>;
    expect(config['target-org']).to.equal('ci');
    expect((await queryAs('ci')).records).to.deep.equal([app.runAsUsername]);
  });

  it('human output says when the token expires and how to renew it', async () => {
    const app = await suite.newApp();
    const result = await login(['--name', app.name, '--target-org', ALIAS, '--alias', 'human']);
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.stdout).to.include('expires at').and.to.include('eca clientcreds login --name');
  });

  it('without a secret and without a terminal, fails naming the variable (never prompts)', async () => {
    const app = await suite.newApp();
    const { key } = suite.credentials(app.name);
    const result = await login(['--client-id', key, '--instance-url', suite.emu.instanceUrl, '--alias', 'nosecret']);
    expect(result.exitCode).to.equal(1);
    expect(result.stderr).to.include('SF_CLIENT_SECRET');
  });

  it('a refused secret gets the diagnosis of test and stores nothing', async () => {
    const app = await suite.newApp();
    const { key } = suite.credentials(app.name);
    const result = await login(['--client-id', key, '--instance-url', suite.emu.instanceUrl, '--alias', 'wrong', '--json'], {
      SF_CLIENT_SECRET: 'not-the-secret-at-all',
    });
    expect(result.exitCode).to.equal(1);
    expect(result.json?.name).to.equal('WrongSecretError');
    const files = await readdir(join(suite.project.home, '.sfdx'));
    expect(files.some((f) => f.startsWith(app.runAsUsername))).to.equal(false);
  });

  it('a token for another user than the expected Run As user is refused and not stored', async () => {
    const app = await suite.newApp();
    const result = await login(['--name', app.name, '--target-org', ALIAS, '--alias', 'other', '--run-as-username', suite.adminUsername, '--json']);
    expect(result.exitCode).to.equal(1);
    expect(result.json?.name).to.equal('WrongRunAsUserError');
    // The token of the failed check was revoked: the Run As user has no live session.
    const userId = suite.emu.state.findUserByUsername(app.runAsUsername)?.Id;
    expect([...suite.emu.state.sessions.values()].filter((s) => s.userId === userId && s.expiresAt > Date.now())).to.have.length(0);
    const files = await readdir(join(suite.project.home, '.sfdx'));
    expect(files.some((f) => f.startsWith(app.runAsUsername))).to.equal(false);
  });

  it('keeps the secret and the token out of stdout, stderr, --json, trace logs and files (the auth file holds it encrypted)', async () => {
    const app = await suite.newApp();
    const { key, secret } = suite.credentials(app.name);
    const issued: string[] = [];
    const createSession = suite.emu.state.createSession.bind(suite.emu.state);
    suite.emu.state.createSession = (...args: Parameters<typeof createSession>): ReturnType<typeof createSession> => {
      const session = createSession(...args);
      issued.push(session.token);
      return session;
    };
    const env = { SF_LOG_LEVEL: 'trace' };
    let runs;
    try {
      runs = [
        await login(['--name', app.name, '--target-org', ALIAS, '--alias', 'trace1', '--json'], env),
        await login(['--client-id', key, '--instance-url', suite.emu.instanceUrl, '--alias', 'trace2'], { ...env, SF_CLIENT_SECRET: secret }),
        await login(['--client-id', key, '--instance-url', suite.emu.instanceUrl, '--alias', 'trace3', '--json'], {
          ...env,
          SF_CLIENT_SECRET: `${secret}x`,
        }),
      ];
    } finally {
      suite.emu.state.createSession = createSession;
    }
    expect(runs.map((r) => r.exitCode)).to.deep.equal([0, 0, 1]);
    expect(issued.length).to.be.greaterThan(1);
    const logs = await expectNoSecrets(suite, runs, [secret, ...issued]);
    expect(logs).to.include('stored the authorization of');
  });
});
