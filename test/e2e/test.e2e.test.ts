/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Messages } from '@salesforce/core';
import { expect } from 'chai';
import { startEmulator, type Emulator } from '../../emulator/src/index.js';
import type { TokenCheckResult } from '../../src/commands/eca/clientcreds/test.js';
import { type AppFixture, deployApp, writeAppFiles } from './clientcredsApp.js';
import { type CliResult, makeProject, runCli, type TempProject } from './harness.js';
import { loginToEmulator } from './orgLogin.js';

/**
 * End to end: bin/run.js eca clientcreds test against the org emulator. Every failure below is produced by org
 * state (a switch turned off in the deployed components, a user deactivated, a setting missing), never by stubbing
 * the command. Apps are deployed through the SOAP Metadata API by the fixture, from the same files the project holds.
 */

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.test');

const ALIAS = 'emu';
const INTEGRATION_PROFILE = 'Minimum Access - API Only Integrations';

describe('eca clientcreds test (e2e, emulator)', function () {
  this.timeout(180_000);
  let emu: Emulator;
  let project: TempProject;
  let adminUsername: string;
  let appCount = 0;
  let userCount = 0;

  before(async () => {
    emu = await startEmulator();
    project = await makeProject();
    adminUsername = (await loginToEmulator(emu, project.home, ALIAS)).username;
    // Reading secrets through Connect REST is off by default; most tests read credentials from the org.
    emu.control.setSetting({ name: 'enableClientSecretInRestApiAccess', value: true });
    emu.control.grantPermission({ username: adminUsername, permission: 'ViewClientSecret' });
  });

  after(async () => {
    await emu?.stop();
    await project?.cleanup();
  });

  afterEach(() => {
    emu.control.setPropagationDelay({ ms: 0 });
  });

  /** A fresh Run As user (API-only integration profile). */
  function newUser(overrides: { Email?: string; profileName?: string } = {}): string {
    userCount++;
    const username = `integration${userCount}@e2e.example.com.prod`;
    emu.control.seedUser({
      Username: username,
      LastName: `Integration ${userCount}`,
      Email: overrides.Email ?? `integration${userCount}@e2e.example.com`,
      Alias: `int${userCount}`,
      profileName: overrides.profileName ?? INTEGRATION_PROFILE,
    });
    return username;
  }

  /** A fresh app with its own Run As user, written to the project and deployed to the org. */
  async function newApp(overrides: Partial<AppFixture> = {}): Promise<AppFixture & { files: Record<string, string> }> {
    appCount++;
    const app: AppFixture = { name: `E2E_App_${appCount}`, runAsUsername: overrides.runAsUsername ?? newUser(), ...overrides };
    const files = await writeAppFiles(project.dir, app);
    await deployApp(emu, app);
    return { ...app, files };
  }

  function credentials(app: string): { key: string; secret: string } {
    const creds = emu.control.getAppCredentials({ app });
    if (!creds) throw new Error(`no credentials for ${app}`);
    return { key: creds.consumerKey, secret: creds.consumerSecret };
  }

  /** Live sessions (access tokens) of a user in the org. */
  function sessionsOf(username: string): string[] {
    const userId = emu.state.findUserByUsername(username)?.Id;
    return [...emu.state.sessions.values()].filter((session) => session.userId === userId).map((session) => session.token);
  }

  function run(args: string[], env: Record<string, string> = {}): Promise<CliResult<TokenCheckResult>> {
    return runCli<TokenCheckResult>(['eca', 'clientcreds', 'test', ...args], { cwd: project.dir, home: project.home, env, timeoutMs: 120_000 });
  }

  /** Runs with --json and expects a failure named `name`, exit code 1. */
  async function expectFailure(args: string[], name: string, env: Record<string, string> = {}): Promise<NonNullable<CliResult['json']>> {
    const result = await run([...args, '--json'], env);
    expect(result.json, result.stderr).to.not.equal(undefined);
    expect(result.json?.name, result.stdout).to.equal(name);
    expect(result.exitCode).to.equal(1);
    return result.json!;
  }

  describe('success', () => {
    it('reads key and secret from the org, gets a token, and proves it runs as the Run As user', async () => {
      const app = await newApp();
      const result = await run(['--target-org', ALIAS, '--name', app.name, '--json']);
      expect(result.exitCode, result.stdout + result.stderr).to.equal(0);
      const r = result.json?.result;
      expect(r).to.deep.include({
        success: true,
        appName: app.name,
        tokenEndpoint: `${emu.instanceUrl}/services/oauth2/token`,
        credentialsSource: 'org',
        authMethod: 'body',
        tokenType: 'Bearer',
        runAsUsername: app.runAsUsername,
        expectedRunAsUsername: app.runAsUsername,
        expectedRunAsSource: 'project',
        attempts: 1,
      });
      expect(r?.orgId?.slice(0, 15)).to.equal(emu.orgId.slice(0, 15));
      expect(r?.scopes).to.include('api');
      expect(r?.apiCheck).to.include({ ok: true, status: 200 });
      expect(r?.accessToken).to.equal(undefined);
      expect(result.stdout).to.not.include(credentials(app.name).secret);
      // The test token was revoked: the Run As user has no live session left.
      expect(r?.tokenRevoked).to.equal(true);
      expect(sessionsOf(app.runAsUsername)).to.have.length(0);
    });

    it('makes one token request and one REST call with the token (plus three Connect REST reads for the credentials)', async () => {
      const app = await newApp();
      emu.control.clearRequestLog();
      const result = await run(['--target-org', ALIAS, '--name', app.name, '--json']);
      expect(result.exitCode).to.equal(0);
      const log = emu.control.requestLog().map((r) => `${r.method} ${r.path.replace(/\/+/g, '/').split('?')[0]}`);
      expect(log.filter((l) => l.includes('/services/oauth2/token'))).to.have.length(1);
      expect(log.filter((l) => l.includes('/apps/oauth/'))).to.have.length(3);
      expect(log.filter((l) => l.includes('/sobjects/User/'))).to.have.length(1);
      expect(log.filter((l) => l.includes('/userinfo'))).to.have.length(0);
      expect(log.filter((l) => l.includes('/Soap/'))).to.have.length(0);
    });

    it('passes with --client-id, the secret in SF_CLIENT_SECRET, --instance-url and HTTP Basic; prints a summary', async () => {
      const app = await newApp();
      const { key, secret } = credentials(app.name);
      const result = await run(
        ['--client-id', key, '--instance-url', emu.instanceUrl, '--basic-auth', '--run-as-username', app.runAsUsername],
        { SF_CLIENT_SECRET: secret }
      );
      expect(result.exitCode, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.include(
        messages.getMessage('success', [`${emu.instanceUrl}/services/oauth2/token`, app.runAsUsername, emu.orgId])
      );
      expect(result.stdout).to.include(messages.getMessage('label.runAsUsername'));
      // Without --target-org the org can't be compared: a warning says so.
      expect(result.stderr).to.include(messages.getMessage('warning.NoExpectedOrg', [emu.orgId]));
      expect(result.stdout + result.stderr).to.not.include(secret);
    });

    it('returns the access token only with --show-token', async () => {
      const app = await newApp();
      const result = await run(['--target-org', ALIAS, '--name', app.name, '--show-token', '--json']);
      expect(result.exitCode).to.equal(0);
      // Assert the format, not the value, so a failure diff does not print a token.
      expect(/^00D\w{12,15}!/.test(result.json?.result?.accessToken ?? '')).to.equal(true);
      // Shown tokens are kept valid, and the org's introspection says until when.
      expect(sessionsOf(app.runAsUsername)).to.have.length(1);
      expect(Date.parse(result.json?.result?.expiresAt ?? '')).to.be.greaterThan(Date.now());
      expect(result.json?.warnings).to.deep.include(messages.getMessage('warning.ShowToken'));
    });
  });

  describe('after the plugin\'s own generate and deploy', () => {
    it('passes on the files generate wrote and deploy deployed (contract A), waiting for propagation', async () => {
      // deploy creates the Run As user from the user definition generate writes.
      const runAs = 'generated.integration@e2e.example.com.prod';
      const name = 'Generated_App';
      const steps: string[][] = [
        ['eca', 'clientcreds', 'generate', '--name', name, '--contact-email', 'admin@e2e.example.com', '--run-as-username', runAs],
        ['eca', 'clientcreds', 'deploy', '--name', name, '--target-org', ALIAS],
      ];
      for (const args of steps) {
        // eslint-disable-next-line no-await-in-loop
        const step = await runCli(args, { cwd: project.dir, home: project.home, timeoutMs: 120_000 });
        expect(step.exitCode, `${args[2]}: ${step.stdout}${step.stderr}`).to.equal(0);
      }
      emu.control.setPropagationDelay({ ms: 3000 });
      const result = await run(['--target-org', ALIAS, '--name', name, '--wait', '1', '--json']);
      expect(result.exitCode, result.stdout + result.stderr).to.equal(0);
      expect(result.json?.result).to.deep.include({ success: true, runAsUsername: runAs, expectedRunAsSource: 'project' });
    });
  });

  describe('credentials from the org', () => {
    it('says which org setting to turn on when secrets are not readable through REST', async () => {
      const app = await newApp();
      emu.control.setSetting({ name: 'enableClientSecretInRestApiAccess', value: false });
      try {
        const json = await expectFailure(['--target-org', ALIAS, '--name', app.name], 'SecretApiSettingOffError');
        expect(json.actions?.[0]).to.include('enableClientSecretInRestApiAccess');
      } finally {
        emu.control.setSetting({ name: 'enableClientSecretInRestApiAccess', value: true });
      }
    });

    it('says which permission the user lacks', async () => {
      const app = await newApp();
      emu.control.revokePermission({ username: adminUsername, permission: 'ViewClientSecret' });
      try {
        const json = await expectFailure(['--target-org', ALIAS, '--name', app.name], 'SecretPermissionMissingError');
        expect(json.message).to.include('ViewClientSecret');
      } finally {
        emu.control.grantPermission({ username: adminUsername, permission: 'ViewClientSecret' });
      }
    });

    it('says the login expired when the target org session is no longer valid', async () => {
      const app = await newApp();
      // Another user: auth files are per username, so re-logging the admin would expire the suite's own login.
      const other = 'second.admin@e2e.example.com';
      emu.control.seedUser({ Username: other, LastName: 'Admin', Email: other, Alias: 'adm2', profileName: 'System Administrator' });
      const { accessToken } = emu.control.createSession({ username: other });
      await loginToEmulator(emu, project.home, 'expiring', { accessToken });
      emu.control.expireSession({ token: accessToken });
      await expectFailure(['--target-org', 'expiring', '--name', app.name], 'OrgSessionExpiredError');
    });

    it('lists the apps it found when --name is not in the org', async () => {
      const app = await newApp();
      const json = await expectFailure(['--target-org', ALIAS, '--name', `${app.name}_Typo`], 'AppNotFoundInOrgError');
      expect(json.message).to.include(app.name);
    });
  });

  describe('diagnoses produced by org state', () => {
    it('wrong host: the generic login host refuses the grant', async () => {
      const app = await newApp();
      const { key, secret } = credentials(app.name);
      const json = await expectFailure(['--client-id', key, '--instance-url', emu.loginUrl], 'WrongHostError', { SF_CLIENT_SECRET: secret });
      expect(json.message).to.include('request not supported on this domain');
    });

    it('flow off in the OAuth policy: says it is the policy', async () => {
      const app = await newApp();
      emu.control.setAppField({ app: app.name, type: 'ExtlClntAppOauthConfigurablePolicies', field: 'isClientCredentialsFlowEnabled', value: 'false' });
      const json = await expectFailure(['--target-org', ALIAS, '--name', app.name], 'FlowDisabledInPolicyError');
      expect(json.actions?.[0]).to.include(`${app.name}_oauthPlcy`);
    });

    it('flow off in the global OAuth settings: says it is the global settings', async () => {
      const app = await newApp();
      emu.control.setAppField({ app: app.name, type: 'ExtlClntAppGlobalOauthSettings', field: 'isClientCredentialsFlowEnabled', value: 'false' });
      const json = await expectFailure(['--target-org', ALIAS, '--name', app.name], 'FlowDisabledInGlobalSettingsError');
      expect(json.actions?.[0]).to.include(`${app.name}_glbloauth`);
    });

    it('flow off in both places', async () => {
      const app = await newApp();
      for (const type of ['ExtlClntAppGlobalOauthSettings', 'ExtlClntAppOauthConfigurablePolicies']) {
        emu.control.setAppField({ app: app.name, type, field: 'isClientCredentialsFlowEnabled', value: 'false' });
      }
      await expectFailure(['--target-org', ALIAS, '--name', app.name], 'FlowDisabledInBothError');
    });

    it('no Run As user on the policy', async () => {
      const app = await newApp();
      emu.control.setAppField({ app: app.name, type: 'ExtlClntAppOauthConfigurablePolicies', field: 'clientCredentialsFlowUser', value: null });
      await expectFailure(['--target-org', ALIAS, '--name', app.name], 'RunAsUserMissingError');
    });

    it('an email instead of the Username: names the real Username', async () => {
      const username = newUser({ Email: 'jane.integration@e2e.example.com' });
      const app = await newApp({ runAsUsername: username });
      emu.control.setAppField({
        app: app.name,
        type: 'ExtlClntAppOauthConfigurablePolicies',
        field: 'clientCredentialsFlowUser',
        value: 'jane.integration@e2e.example.com',
      });
      const json = await expectFailure(['--target-org', ALIAS, '--name', app.name], 'RunAsEmailNotUsernameError');
      expect(json.message).to.equal(
        messages.getMessage('error.RunAsEmailNotUsername', ['jane.integration@e2e.example.com', username]) +
          '\n' +
          messages.getMessage('info.ServerAnswer', ['HTTP 400 invalid_grant: no client credentials user enabled'])
      );
    });

    it('unknown consumer key', async () => {
      const app = await newApp();
      const { secret } = credentials(app.name);
      await expectFailure(['--client-id', 'FAKE-KEY-not-of-this-org', '--instance-url', emu.instanceUrl], 'UnknownClientIdError', {
        SF_CLIENT_SECRET: secret,
      });
    });

    it('a --client-id that is not the app key in --target-org: says so, without waiting', async () => {
      const app = await newApp();
      const { secret } = credentials(app.name);
      const json = await expectFailure(
        ['--client-id', 'FAKE-KEY-not-of-this-org', '--target-org', ALIAS, '--name', app.name, '--wait', '10'],
        'ClientIdMismatchError',
        { SF_CLIENT_SECRET: secret }
      );
      expect((json.data as { attempts: number }).attempts).to.equal(1);
    });

    it('wrong secret', async () => {
      const app = await newApp();
      const { key } = credentials(app.name);
      await expectFailure(['--client-id', key, '--instance-url', emu.instanceUrl], 'WrongSecretError', { SF_CLIENT_SECRET: 'NotTheSecret12345' });
    });

    it('Run As user not admin-approved', async () => {
      const app = await newApp({ permittedUsers: 'AdminApprovedPreAuthorized', permissionSets: 'Read_Only_Access' });
      const json = await expectFailure(['--target-org', ALIAS, '--name', app.name], 'NotAdminApprovedError');
      expect(json.actions?.[0]).to.include('Read_Only_Access');
    });

    it('inactive Run As user', async () => {
      const app = await newApp();
      emu.control.deactivateUser({ username: app.runAsUsername });
      const json = await expectFailure(['--target-org', ALIAS, '--name', app.name], 'InactiveUserError');
      expect(json.message).to.include(app.runAsUsername);
    });

    it('IP restrictions on the Run As user profile', async () => {
      emu.control.seedProfile({
        name: 'E2E Restricted Integration',
        license: 'Salesforce Integration',
        permissions: { ApiEnabled: true },
        loginIpRanges: [{ startAddress: '10.0.0.1', endAddress: '10.0.0.2' }],
      });
      const app = await newApp({ runAsUsername: newUser({ profileName: 'E2E Restricted Integration' }) });
      await expectFailure(['--target-org', ALIAS, '--name', app.name], 'IpRestrictedError');
    });

    it('no usable scope', async () => {
      const app = await newApp();
      emu.control.setAppField({ app: app.name, type: 'ExtlClntAppOauthSettings', field: 'commaSeparatedOauthScopes', value: 'Full' });
      await expectFailure(['--target-org', ALIAS, '--name', app.name], 'NoValidScopesError');
    });

    it('OAuth plugin disabled', async () => {
      const app = await newApp();
      emu.control.setAppField({ app: app.name, type: 'ExtlClntAppConfigurablePolicies', field: 'isOauthPluginEnabled', value: 'false' });
      const json = await expectFailure(['--target-org', ALIAS, '--name', app.name], 'AppDisabledError');
      expect(json.message).to.include('isOauthPluginEnabled');
    });
  });

  describe('identity', () => {
    it('fails when the token runs as another user than the project policy says', async () => {
      const app = await newApp();
      const other = newUser();
      // The org's policy drifted from the project file: the token now runs as `other`.
      emu.control.setAppField({ app: app.name, type: 'ExtlClntAppOauthConfigurablePolicies', field: 'clientCredentialsFlowUser', value: other });
      const json = await expectFailure(['--target-org', ALIAS, '--name', app.name], 'WrongRunAsUserError');
      expect(json.message).to.equal(messages.getMessage('error.WrongRunAsUser', [other, app.runAsUsername]));
      expect(json.data).to.deep.include({ runAsUsername: other, expectedRunAsUsername: app.runAsUsername, success: false });
    });

    it('fails when --run-as-username names another user', async () => {
      const app = await newApp();
      await expectFailure(['--target-org', ALIAS, '--name', app.name, '--run-as-username', adminUsername], 'WrongRunAsUserError');
    });
  });

  describe('propagation delay', () => {
    it('without --wait: diagnosed as propagation delay, with the retry command', async () => {
      const app = await newApp();
      emu.control.setPropagationDelay({ ms: 10 * 60_000 });
      const json = await expectFailure(['--target-org', ALIAS, '--name', app.name], 'PropagationDelayError');
      expect(json.actions).to.deep.equal(messages.getMessages('error.PropagationDelay.actions'));
    });

    it('with --wait: retries until the key propagates and says how long it took', async () => {
      const app = await newApp();
      // The key stays unknown until 8 s from now: longer than the CLI's start-up, far shorter than --wait 1.
      const createdAt = emu.state.credentials.get(app.name)?.createdAt ?? emu.state.now();
      emu.control.setPropagationDelay({ ms: emu.state.now() - createdAt + 8000 });
      const result = await run(['--target-org', ALIAS, '--name', app.name, '--wait', '1']);
      expect(result.exitCode, result.stdout + result.stderr).to.equal(0);
      const waited = messages.getMessage('info.waited', ['ATTEMPTS', 'SECONDS']).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const attempts = new RegExp(waited.replace('ATTEMPTS', '(\\d+)').replace('SECONDS', '\\d+')).exec(result.stdout)?.[1];
      expect(Number(attempts), result.stdout).to.be.greaterThan(1);
    });
    // Giving up at the deadline is covered by test/tokenCheck/tokenCheck.test.ts: --wait counts whole minutes.
  });

  describe('bad input', () => {
    it('refuses login.salesforce.com with the My Domain to use, before any request', async () => {
      emu.control.clearRequestLog();
      const json = await expectFailure(['--target-org', ALIAS, '--name', 'X', '--instance-url', 'https://login.salesforce.com'], 'LoginHostNotSupportedError');
      expect(json.actions?.[0]).to.include(`--instance-url ${emu.instanceUrl}`);
      expect(emu.control.requestLog().filter((r) => r.path.includes('oauth2/token'))).to.deep.equal([]);
    });
  });

  describe('secrets never leak', () => {
    it('keeps secret and token out of stdout, stderr, --json and the trace log files', async () => {
      const app = await newApp();
      const { key, secret } = credentials(app.name);
      // Record every token the org issues (the command revokes them, so they are gone from the org afterwards).
      const issued: string[] = [];
      const createSession = emu.state.createSession.bind(emu.state);
      emu.state.createSession = (...args: Parameters<typeof createSession>): ReturnType<typeof createSession> => {
        const session = createSession(...args);
        issued.push(session.token);
        return session;
      };
      const env = { SF_LOG_LEVEL: 'trace' };
      let runs: Array<CliResult<TokenCheckResult>>;
      try {
        runs = [
          await run(['--target-org', ALIAS, '--name', app.name, '--json'], env),
          await run(['--target-org', ALIAS, '--name', app.name], env),
          await run(['--client-id', key, '--instance-url', emu.instanceUrl, '--json'], { ...env, SF_CLIENT_SECRET: secret }),
          await run(['--client-id', key, '--client-secret', secret, '--instance-url', emu.instanceUrl, '--basic-auth'], env),
          // Failing runs too: the error path must be as tight as the success path.
          await run(['--client-id', key, '--instance-url', emu.loginUrl, '--json'], { ...env, SF_CLIENT_SECRET: secret }),
          await run(['--target-org', ALIAS, '--name', app.name, '--run-as-username', adminUsername, '--json'], env),
        ];
      } finally {
        emu.state.createSession = createSession;
      }
      expect(runs.map((r) => r.exitCode)).to.deep.equal([0, 0, 0, 0, 1, 1]);
      // Every token issued during these runs (five runs got one): the CLI must never show them.
      const tokens = issued;
      expect(tokens).to.have.length(5);
      // ...and each was revoked after its check, also the one for the wrong user.
      expect(tokens.filter((token) => emu.state.sessions.has(token))).to.have.length(0);

      const logDir = join(project.home, '.sf');
      const logFiles = (await readdir(logDir)).filter((f) => /^sf-.*\.log$/.test(f));
      expect(logFiles.length, 'trace log files').to.be.greaterThan(0);
      const logs = (await Promise.all(logFiles.map((f) => readFile(join(logDir, f), 'utf8')))).join('\n');
      // The command's own debug lines are there: the check below reads what the command logs, not an empty file.
      expect(logs).to.include('token request 1 to').and.to.include('identity: org');

      const haystacks: Array<[string, string]> = [
        ...runs.flatMap((r, i): Array<[string, string]> => [
          [`run ${i} stdout`, r.stdout],
          [`run ${i} stderr`, r.stderr],
        ]),
        ['log files', logs],
      ];
      for (const [where, text] of haystacks) {
        // Boolean checks, so a failure message never prints the secret itself.
        expect(text.includes(secret), `consumer secret in ${where}`).to.equal(false);
        expect(
          tokens.some((t) => text.includes(t)),
          `access token in ${where}`
        ).to.equal(false);
      }
    });
  });
});
