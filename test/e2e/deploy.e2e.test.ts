/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { Messages } from '@salesforce/core';
import { type Emulator, startEmulator } from '../../emulator/src/index.js';
import type { DeployResult } from '../../src/commands/eca/clientcreds/deploy.js';
import { type AppProject, type AppProjectOptions, policyXml, writeAppProject } from '../deploy/fixtures.js';
import { type CliResult, makeProject, REPO_ROOT, runCli, runNode, type TempProject } from './harness.js';
import { loginToEmulator } from './orgLogin.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

/**
 * `sf eca clientcreds deploy` end to end: bin/run.js in a child process against the org emulator, logged in as a
 * user of `sf org login access-token` would be. Every test checks the emulator's state, not only the exit code.
 */

const APP = 'My_Integration';
const RUN_AS = 'integration.user@example.com.test';
const PROFILE = 'My Integration Profile';
const POLICY = 'ExtlClntAppOauthConfigurablePolicies';

type Ctx = { emu: Emulator; project: TempProject; app: AppProject };

type LogEntry = { method: string; path: string; soapMethod?: string; status: number };

async function setup(appOptions: AppProjectOptions = {}): Promise<Ctx> {
  const emu = await startEmulator({ deployInProgressPolls: 1 });
  const project = await makeProject();
  const app = await writeAppProject({ profileName: PROFILE, runAs: RUN_AS, ...appOptions }, project.dir);
  await loginToEmulator(emu, project.home, 'emu');
  emu.control.clearRequestLog();
  return { emu, project, app };
}

async function teardown(ctx: Ctx | undefined): Promise<void> {
  if (!ctx) return;
  await ctx.emu.stop();
  await ctx.project.cleanup();
}

function deploy(ctx: Ctx, extra: string[] = [], json = true): Promise<CliResult<DeployResult>> {
  return runCli<DeployResult>(['eca', 'clientcreds', 'deploy', '--target-org', 'emu', ...extra, ...(json ? ['--json'] : [])], {
    cwd: ctx.project.dir,
    home: ctx.project.home,
    timeoutMs: 150_000,
  });
}

function log(ctx: Ctx): LogEntry[] {
  return ctx.emu.control.requestLog() as LogEntry[];
}

function usersNamed(ctx: Ctx, username: string): number {
  return [...ctx.emu.state.users.values()].filter((u) => u.Username.toLowerCase() === username.toLowerCase()).length;
}

function policyOf(ctx: Ctx): Record<string, unknown> | undefined {
  return ctx.emu.state.satelliteOf(APP, POLICY)?.fields as Record<string, unknown> | undefined;
}

/** Asserts the app is fully set up in the emulator for the client credentials flow with `runAs`. */
function expectDeployed(ctx: Ctx, runAs = RUN_AS): void {
  const { state } = ctx.emu;
  expect(state.getComponent('ExternalClientApplication', APP), 'header').to.not.equal(undefined);
  expect(state.satelliteOf(APP, 'ExtlClntAppGlobalOauthSettings')?.fields.isClientCredentialsFlowEnabled).to.equal('true');
  expect(state.satelliteOf(APP, 'ExtlClntAppOauthSettings'), 'oauth settings').to.not.equal(undefined);
  expect(state.componentsOfApp(APP, POLICY), 'one OAuth policy per app').to.have.length(1);
  expect(policyOf(ctx)?.clientCredentialsFlowUser).to.equal(runAs);
  expect(policyOf(ctx)?.isClientCredentialsFlowEnabled).to.equal('true');
  const user = state.findUserByUsername(runAs);
  expect(user, 'Run As user').to.not.equal(undefined);
  expect(user?.IsActive).to.equal(true);
  expect(usersNamed(ctx, runAs), 'never duplicated').to.equal(1);
  expect(state.profileByName(PROFILE)?.Id).to.equal(user?.ProfileId);
}

/** Deploys components straight through SDR (like `sf project deploy start`), to give the org a prior state. */
async function seedWithSdr(ctx: Ctx, files: Record<string, string>): Promise<void> {
  // A folder of metadata-format-compatible source files beside the project (removed with it).
  const seedDir = join(ctx.project.dir, '..', 'seed');
  for (const [path, content] of Object.entries(files)) {
    // eslint-disable-next-line no-await-in-loop
    await mkdir(join(seedDir, path, '..'), { recursive: true });
    // eslint-disable-next-line no-await-in-loop
    await writeFile(join(seedDir, path), content);
  }
  const script = `
import { Org } from '@salesforce/core';
import { ComponentSet } from '@salesforce/source-deploy-retrieve';
const org = await Org.create({ aliasOrUsername: 'emu' });
const set = ComponentSet.fromSource(process.env.SEED_DIR);
const deploy = await set.deploy({ usernameOrConnection: org.getConnection() });
const result = await deploy.pollStatus({ frequency: 200 });
process.stdout.write(JSON.stringify({ status: result.response.status }));
`;
  const result = await runNode<never>(['--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    home: ctx.project.home,
    env: { SEED_DIR: seedDir },
  });
  expect((result.json as { status?: string } | undefined)?.status, result.stderr).to.equal('Succeeded');
  ctx.emu.control.clearRequestLog();
}

const NS = 'http://soap.sforce.com/2006/04/metadata';
const setupStyleApp = (policyName: string, withPolicy: boolean): Record<string, string> => ({
  [`externalClientApps/${APP}.eca-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?>
<ExternalClientApplication xmlns="${NS}">
    <contactEmail>admin@example.com</contactEmail>
    <distributionState>Local</distributionState>
    <isProtected>false</isProtected>
    <label>Made in Setup</label>
</ExternalClientApplication>
`,
  [`extlClntAppGlobalOauthSets/${APP}_glbloauth.ecaGlblOauth-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppGlobalOauthSettings xmlns="${NS}">
    <callbackUrl>https://login.salesforce.com/services/oauth2/success</callbackUrl>
    <externalClientApplication>${APP}</externalClientApplication>
    <isClientCredentialsFlowEnabled>false</isClientCredentialsFlowEnabled>
    <label>${APP}_glbloauth</label>
</ExtlClntAppGlobalOauthSettings>
`,
  [`extlClntAppOauthSettings/${APP}_oauth.ecaOauth-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppOauthSettings xmlns="${NS}">
    <commaSeparatedOauthScopes>Api</commaSeparatedOauthScopes>
    <externalClientApplication>${APP}</externalClientApplication>
    <label>${APP}_oauth</label>
</ExtlClntAppOauthSettings>
`,
  ...(withPolicy
    ? {
        [`extlClntAppOauthPolicies/${policyName}.ecaOauthPlcy-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppOauthConfigurablePolicies xmlns="${NS}">
    <externalClientApplication>${APP}</externalClientApplication>
    <isClientCredentialsFlowEnabled>false</isClientCredentialsFlowEnabled>
    <label>${policyName}</label>
</ExtlClntAppOauthConfigurablePolicies>
`,
      }
    : {}),
});

function expectCleanFailure(result: CliResult, errorName: string): void {
  expect(result.exitCode, result.stderr).to.equal(1);
  expect(result.stderr).to.include(errorName);
  expect(result.stderr, 'no stack trace').not.to.match(/\n\s+at .+\(.+:\d+:\d+\)/);
}

describe('e2e: sf eca clientcreds deploy', function () {
  this.timeout(240_000);
  let ctx: Ctx | undefined;
  afterEach(async () => {
    await teardown(ctx);
    ctx = undefined;
  });

  it('loading the command (as --help does) loads none of its job: no deploy modules, SDR, progress renderer or XML parser', async () => {
    const home = await makeProject();
    try {
      // A loader hook sees every module, ESM and CommonJS alike (require.cache would miss the ESM ones).
      const script = `
import { registerHooks } from 'node:module';
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
await import('./lib/commands/eca/clientcreds/deploy.js');
process.stdout.write(JSON.stringify({
  // org/requestTimeout.js belongs to the command base (EcaCommand gives every org request a timeout), not to the job.
  job: loaded.filter((u) => !u.includes('/node_modules/') && /\\/lib\\/(deploy|project|org)\\//.test(u) && !u.endsWith('/lib/org/requestTimeout.js')).length,
  sdr: loaded.some((u) => u.includes('source-deploy-retrieve')),
  mso: loaded.some((u) => u.includes('multi-stage-output')),
  xml: loaded.some((u) => u.includes('fast-xml-parser')),
  command: loaded.some((u) => u.endsWith('/lib/commands/eca/clientcreds/deploy.js')),
}));`;
      const result = await runNode<never>(['--input-type=module', '-e', script], { cwd: REPO_ROOT, home: home.home });
      expect(result.json, result.stderr).to.deep.equal({ job: 0, sdr: false, mso: false, xml: false, command: true });
    } finally {
      await home.cleanup();
    }
  });

  it('fresh org: profile, Run As user, app and policy, in the request budget; no secret printed', async () => {
    ctx = await setup();
    const result = await deploy(ctx, [], false);
    expect(result.exitCode, result.stderr).to.equal(0);
    expectDeployed(ctx);

    // The request budget of a fresh deploy (deployInProgressPolls: 1, i.e. two status polls per deploy).
    const entries = log(ctx);
    const kinds = entries.map((e) => e.soapMethod ?? `${e.method} ${e.path.replace(/\/v\d+\.\d/, '/vXX.X').replace(/\?.*/, '')}`);
    expect(kinds.filter((k) => k === 'listMetadata')).to.have.length(2);
    expect(kinds.filter((k) => k === 'readMetadata')).to.have.length(1); // the org's ExternalClientAppSettings
    expect(kinds.filter((k) => k === 'deploy')).to.have.length(2);
    expect(kinds.filter((k) => k === 'checkDeployStatus')).to.have.length(4);
    expect(kinds.filter((k) => k === 'POST /services/data/vXX.X/sobjects/User')).to.have.length(1);
    // Run As user, profiles, own permissions, sandbox copies of the Run As user, license seats, the new profile's Id.
    expect(kinds.filter((k) => k === 'GET /services/data/vXX.X/query')).to.have.length(6);
    // The profile enables permissions: the org's permissions (describe) and their dependencies (Tooling).
    expect(kinds.filter((k) => k === 'GET /services/data/vXX.X/sobjects/Profile/describe')).to.have.length(1);
    expect(kinds.filter((k) => k === 'GET /services/data/vXX.X/tooling/query')).to.have.length(1);
    // Is the org multi-currency (User.CurrencyIsoCode)?
    expect(kinds.filter((k) => k === 'GET /services/data/vXX.X/sobjects/User/describe')).to.have.length(1);
    expect(entries).to.have.length(19);

    const creds = ctx.emu.control.getAppCredentials({ app: APP }) as { consumerKey: string; consumerSecret: string };
    for (const secret of [creds.consumerKey, creds.consumerSecret, ctx.emu.admin.accessToken]) {
      expect(result.stdout).not.to.include(secret);
      expect(result.stderr).not.to.include(secret);
    }
    expect(result.stdout).to.include(messages.getMessage('output.tokenUrl', [`${ctx.emu.instanceUrl}/services/oauth2/token`]));
    expect(result.stdout).to.include(`sf eca clientcreds test --name ${APP} --target-org`);
    expect(result.stdout).to.include(messages.getMessage('output.runAs', [RUN_AS]));
    for (const key of ['output.stepsTitle', 'output.componentsTitle', 'column.step']) {
      expect(result.stdout, key).to.include(messages.getMessage(key));
    }
    // One line per component under its package folder, with the path whole.
    expect(result.stdout.split('\n')).to.include('force-app/main/default/');
    expect(result.stdout).to.match(/^ {2}Created +externalClientApps\/My_Integration\.eca-meta\.xml$/m);
    // eslint-disable-next-line no-control-regex
    const visible = result.stdout.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').split('\n');
    expect(Math.max(...visible.map((l) => l.length)), result.stdout).to.be.at.most(100);
    // Without a terminal the tables keep to 100 columns: long paths and reasons wrap instead of stretching them.
    // The Steps table is everything between its title and the Components title (its borders differ with CI set).
    const lines = result.stdout.split('\n');
    const tableLines = lines.slice(lines.indexOf(messages.getMessage('output.stepsTitle')) + 1, lines.indexOf(messages.getMessage('output.componentsTitle')));
    expect(tableLines.length, result.stdout).to.be.greaterThan(10);
    expect(Math.max(...tableLines.map((l) => l.length)), result.stdout).to.be.at.most(100);
  });

  it('--json returns every step and component; a second run changes nothing and duplicates nothing', async () => {
    ctx = await setup({ permsets: ['Integration_Access'] });
    ctx.emu.control.seedPermissionSet({ name: 'Integration_Access' });
    const first = await deploy(ctx);
    expect(first.exitCode, first.stderr).to.equal(0);
    const result = first.json?.result as DeployResult;
    expect(result.steps.map((s) => `${s.step}:${s.action}:${s.status}`)).to.deep.equal([
      'profile:create:done',
      'permissionSetFiles:skip:done',
      'user:create:done',
      'permissionSets:create:done',
      'app:create:done',
      'oauthPolicy:create:done',
    ]);
    expect(result.components.map((c) => `${c.type}:${c.state}`)).to.deep.equal([
      'Profile:Created',
      'ExternalClientApplication:Created',
      'ExtlClntAppGlobalOauthSettings:Created',
      'ExtlClntAppOauthSettings:Created',
      'ExtlClntAppConfigurablePolicies:Created',
      `${POLICY}:Created`,
    ]);
    expect(result).to.deep.include({ name: APP, dryRun: false, runAsUsername: RUN_AS, tokenUrl: `${ctx.emu.instanceUrl}/services/oauth2/token` });
    const user = ctx.emu.state.findUserByUsername(RUN_AS)!;
    expect(ctx.emu.state.permissionSetsOf(user.Id).map((p) => p.Name)).to.include('Integration_Access');
    const usersBefore = ctx.emu.state.users.size;
    const appId = ctx.emu.state.getComponent('ExternalClientApplication', APP)?.id;
    ctx.emu.control.clearRequestLog();

    const second = await deploy(ctx);
    expect(second.exitCode, second.stderr).to.equal(0);
    const again = second.json?.result as DeployResult;
    // Never clobber: the org already holds every component, so nothing is deployed.
    expect(again.steps.map((s) => `${s.step}:${s.action}:${s.status}`)).to.deep.equal([
      'profile:unchanged:done',
      'permissionSetFiles:skip:done',
      'user:unchanged:done',
      'permissionSets:unchanged:done',
      'app:unchanged:done',
      'oauthPolicy:unchanged:done',
    ]);
    expect(again.components.every((c) => c.state === 'Unchanged')).to.equal(true);
    expect(ctx.emu.state.users.size).to.equal(usersBefore);
    expect(ctx.emu.state.getComponent('ExternalClientApplication', APP)?.id).to.equal(appId);
    expectDeployed(ctx);
    // No deploy, no user or assignment requests.
    expect(log(ctx).filter((e) => e.soapMethod === 'deploy')).to.have.length(0);
    expect(log(ctx).filter((e) => e.method === 'POST' && e.path.includes('/sobjects/'))).to.have.length(0);
  });

  it('adopts the Setup-style policy name of an app made in Setup instead of failing on one-policy-per-app', async () => {
    ctx = await setup();
    await seedWithSdr(ctx, setupStyleApp(`${APP}_oauthPlcy`, true));
    // The project's policy has another name (e.g. renamed, or written by another tool).
    const renamed = join(ctx.app.metaDir, 'extlClntAppOauthPolicies', `${APP}_Policies.ecaOauthPlcy-meta.xml`);
    await rename(ctx.app.files.extlClntAppOauthPolicies, renamed);
    const result = await deploy(ctx);
    expect(result.exitCode, result.stderr).to.equal(0);
    const policy = result.json?.result?.components.find((c) => c.type === POLICY);
    expect(policy).to.deep.include({ fullName: `${APP}_oauthPlcy`, localFullName: `${APP}_Policies`, adopted: true });
    expect(result.json?.warnings?.join('\n')).to.include(
      messages.getMessage('info.adopted', [POLICY, `${APP}_oauthPlcy`, `${APP}_Policies`])
    );
    expectDeployed(ctx);
    expect(ctx.emu.state.getComponent(POLICY, `${APP}_Policies`)).to.equal(undefined);
    expect(ctx.emu.state.getComponent('ExternalClientApplication', APP)?.fields.label).to.equal(APP);
  });

  it('adopts the default policy an earlier deploy generated (<oauth>_defaultPolicy)', async () => {
    ctx = await setup();
    await seedWithSdr(ctx, setupStyleApp('unused', false));
    const generated = ctx.emu.state.componentsOfApp(APP, POLICY).map((c) => c.fullName);
    expect(generated).to.deep.equal([`${APP}_oauth_defaultPolicy`]);
    const result = await deploy(ctx);
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.json?.result?.steps.find((s) => s.step === 'oauthPolicy')?.reason).to.equal(
      messages.getMessage('reason.policyAdopted', [`${APP}_oauthPlcy`, RUN_AS])
    );
    expectDeployed(ctx);
    expect(ctx.emu.state.satelliteOf(APP, POLICY)?.fullName).to.equal(`${APP}_oauth_defaultPolicy`);
  });

  it('deploys exactly what `sf eca clientcreds generate` wrote (contract A), with a permission set', async () => {
    const emu = await startEmulator({ deployInProgressPolls: 1 });
    const project = await makeProject();
    ctx = { emu, project, app: undefined as unknown as AppProject };
    emu.control.seedPermissionSet({ name: 'Billing_Access' });
    await loginToEmulator(emu, project.home, 'emu');
    const generated = await runCli(
      [
        'eca', 'clientcreds', 'generate', '--name', APP, '--contact-email', 'admin@example.com',
        '--run-as-username', RUN_AS, '--permission-sets', 'Billing_Access', '--json',
      ],
      { cwd: project.dir, home: project.home }
    );
    expect(generated.exitCode, generated.stderr).to.equal(0);
    const profileName = (generated.json?.result as { profileName: string }).profileName;
    const result = await deploy(ctx);
    expect(result.exitCode, result.stderr).to.equal(0);
    // The six of generate's defaults plus its access permission set, deployed with the profile before the assignment.
    expect(result.json?.result?.components.map((c) => c.state)).to.deep.equal(Array(7).fill('Created'));
    expect(emu.state.permissionSetsOf(emu.state.findUserByUsername(RUN_AS)!.Id).map((p) => p.Name)).to.include(`${APP}_Access`);
    const user = emu.state.findUserByUsername(RUN_AS);
    expect(emu.state.profileByName(profileName)?.Id).to.equal(user?.ProfileId);
    expect(emu.state.permissionSetsOf(user!.Id).map((p) => p.Name)).to.include('Billing_Access');
    expect(policyOf(ctx)?.clientCredentialsFlowUser).to.equal(RUN_AS);
    expect(policyOf(ctx)?.isClientCredentialsFlowEnabled).to.equal('true');
  });

  it('with `generate --existing-profile`: no profile deploy, the user gets the org profile', async () => {
    const emu = await startEmulator({ deployInProgressPolls: 1 });
    const project = await makeProject();
    ctx = { emu, project, app: undefined as unknown as AppProject };
    await loginToEmulator(emu, project.home, 'emu');
    const existing = 'Minimum Access - API Only Integrations';
    const generated = await runCli(
      [
        'eca', 'clientcreds', 'generate', '--name', APP, '--contact-email', 'admin@example.com',
        '--run-as-username', RUN_AS, '--existing-profile', existing, '--json',
      ],
      { cwd: project.dir, home: project.home }
    );
    expect(generated.exitCode, generated.stderr).to.equal(0);
    emu.control.clearRequestLog();
    const result = await deploy(ctx);
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.json?.result?.steps[0]).to.deep.include({ step: 'profile', action: 'skip', target: existing });
    expect(result.json?.result?.components.map((c) => c.type)).not.to.include('Profile');
    // The access permission set first (it is assigned before the policy names it), then the app.
    expect(log(ctx).filter((e) => e.soapMethod === 'deploy')).to.have.length(2);
    const user = emu.state.findUserByUsername(RUN_AS);
    expect(user?.ProfileId).to.equal(emu.state.profileByName(existing)?.Id);
    expect(policyOf(ctx)?.clientCredentialsFlowUser).to.equal(RUN_AS);
  });

  it('SF_LOG_LEVEL=trace: no consumer key, secret or token in output or ~/.sf logs, also when reading org settings', async () => {
    ctx = await setup();
    const first = await deploy(ctx);
    expect(first.exitCode, first.stderr).to.equal(0);
    // A project name that differs from the org's makes the next run read the org's global OAuth settings.
    await rename(
      ctx.app.files.extlClntAppGlobalOauthSets,
      join(ctx.app.metaDir, 'extlClntAppGlobalOauthSets', 'Renamed.ecaGlblOauth-meta.xml')
    );
    ctx.emu.control.clearRequestLog();
    const traced = await runCli<DeployResult>(['eca', 'clientcreds', 'deploy', '--target-org', 'emu', '--json'], {
      cwd: ctx.project.dir,
      home: ctx.project.home,
      env: { SF_LOG_LEVEL: 'trace' },
    });
    expect(traced.exitCode, traced.stderr).to.equal(0);
    // The settings, the search for the renamed global OAuth settings and the content reads (consumerKey among them).
    expect(log(ctx).filter((e) => e.soapMethod === 'readMetadata').length).to.be.greaterThan(2);
    const creds = ctx.emu.control.getAppCredentials({ app: APP }) as { consumerKey: string; consumerSecret: string };
    const sfDir = join(ctx.project.home, '.sf');
    const logs = (await readdir(sfDir)).filter((f) => f.endsWith('.log'));
    expect(logs, 'trace log written').to.not.have.length(0);
    const texts = [traced.stdout, traced.stderr, ...(await Promise.all(logs.map((f) => readFile(join(sfDir, f), 'utf8'))))];
    for (const secret of [creds.consumerKey, creds.consumerSecret, ctx.emu.admin.accessToken]) {
      for (const text of texts) expect(text.includes(secret)).to.equal(false);
    }
  });

  it('--dry-run validates with check-only deploys, reports the user it would create and changes nothing', async () => {
    ctx = await setup();
    const usersBefore = ctx.emu.state.users.size;
    const result = await deploy(ctx, ['--dry-run']);
    expect(result.exitCode, result.stderr).to.equal(0);
    const r = result.json?.result as DeployResult;
    expect(r.dryRun).to.equal(true);
    expect(r.steps.find((s) => s.step === 'user')).to.deep.include({ action: 'create', status: 'wouldRun', target: RUN_AS });
    expect(r.steps.find((s) => s.step === 'app')?.status).to.equal('validated');
    expect(result.json?.warnings?.join('\n')).to.include(messages.getMessage('warning.policyNotValidated', [RUN_AS]));
    expect(ctx.emu.state.users.size).to.equal(usersBefore);
    expect(ctx.emu.state.findUserByUsername(RUN_AS)).to.equal(undefined);
    expect(ctx.emu.state.listComponents()).to.have.length(0);
    expect(ctx.emu.state.profileByName(PROFILE)).to.equal(undefined);
    expect(log(ctx).filter((e) => e.method === 'POST' && e.path.includes('/sobjects/'))).to.have.length(0);
    expect(log(ctx).filter((e) => e.soapMethod === 'deploy')).to.have.length(1);
  });

  it('--run-as-username deploys the policy and creates the user with the override, files unchanged', async () => {
    ctx = await setup();
    const override = 'integration.user@example.com.uat';
    const before = await readFile(ctx.app.files.extlClntAppOauthPolicies, 'utf8');
    const result = await deploy(ctx, ['--run-as-username', override]);
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.json?.result?.runAsUsername).to.equal(override);
    expectDeployed(ctx, override);
    expect(ctx.emu.state.findUserByUsername(RUN_AS)).to.equal(undefined);
    expect(await readFile(ctx.app.files.extlClntAppOauthPolicies, 'utf8')).to.equal(before);
  });

  it('deploys files the project lists in .forceignore (global OAuth settings kept out of source control)', async () => {
    ctx = await setup();
    await ctx.app.write('.forceignore', '**/extlClntAppGlobalOauthSets/**\n');
    const result = await deploy(ctx);
    expect(result.exitCode, result.stderr).to.equal(0);
    expectDeployed(ctx);
    expect(result.json?.result?.components.find((c) => c.type === 'ExtlClntAppGlobalOauthSettings')?.state).to.equal('Created');
  });

  it('an inactive Run As user is reported before anything is deployed', async () => {
    ctx = await setup();
    ctx.emu.control.seedProfile({ name: PROFILE, permissions: { ApiEnabled: true } });
    ctx.emu.control.seedUser({ Username: RUN_AS, LastName: 'Integration', Email: 'admin@example.com', profileName: PROFILE, IsActive: false });
    ctx.emu.control.clearRequestLog();
    const result = await deploy(ctx, [], false);
    expectCleanFailure(result, 'OrgNotReadyError');
    expect(result.stderr).to.include(messages.getMessage('blocker.userInactive', [RUN_AS]).slice(0, 60));
    expect(log(ctx).filter((e) => e.soapMethod === 'deploy')).to.have.length(0);
    expect(ctx.emu.state.listComponents()).to.have.length(0);
  });

  it('a Run As user without API access is reported before anything is deployed; a permission set granting it is enough', async () => {
    ctx = await setup();
    ctx.emu.control.seedProfile({ name: PROFILE, permissions: { ApiEnabled: false } });
    ctx.emu.control.seedUser({ Username: RUN_AS, LastName: 'Integration', Email: 'admin@example.com', profileName: PROFILE });
    const result = await deploy(ctx);
    expect(result.exitCode).to.equal(1);
    expect(result.json?.message).to.include(messages.getMessage('blocker.userNoApi', [RUN_AS, PROFILE]));
    expect(ctx.emu.state.listComponents()).to.have.length(0);
    ctx.emu.control.seedPermissionSet({ name: 'Api_Access', permissions: { ApiEnabled: true } });
    ctx.emu.control.assignPermissionSet({ username: RUN_AS, permissionSet: 'Api_Access' });
    const rerun = await deploy(ctx);
    expect(rerun.exitCode, rerun.stderr).to.equal(0);
    expectDeployed(ctx);
  });

  it('bad project files stop it before any request, with the file and the fix', async () => {
    ctx = await setup();
    await ctx.app.write(`force-app/main/default/extlClntAppOauthPolicies/${APP}_oauthPlcy.ecaOauthPlcy-meta.xml`, policyXml('Other_App', RUN_AS));
    await ctx.app.write('config/My_Integration.user-def.json', '{ "Username": ');
    const result = await deploy(ctx);
    expect(result.exitCode).to.equal(1);
    expect(result.json?.name).to.equal('InvalidProjectFilesError');
    expect(result.json?.message).to.include(`extlClntAppOauthPolicies/${APP}_oauthPlcy.ecaOauthPlcy-meta.xml`);
    expect(result.json?.message).to.include('config/My_Integration.user-def.json: malformed JSON');
    expect(log(ctx).filter((e) => !e.path.startsWith('/services/data') || e.method !== 'GET' || e.path.includes('query'))).to.have.length(0);
    expect(ctx.emu.state.listComponents()).to.have.length(0);
    expect(ctx.emu.state.findUserByUsername(RUN_AS)).to.equal(undefined);
  });

  describe('faults, each followed by a rerun that finishes the job', () => {
    it('expired session: clear message, exit 1; rerun after a new login', async () => {
      ctx = await setup();
      ctx.emu.control.expireSession({ token: ctx.emu.admin.accessToken });
      const result = await deploy(ctx, [], false);
      expectCleanFailure(result, 'SessionExpiredError');
      expect(ctx.emu.state.listComponents()).to.have.length(0);
      const session = ctx.emu.control.createSession({ username: ctx.emu.admin.username }) as { token?: string; accessToken?: string };
      await loginToEmulator(ctx.emu, ctx.project.home, 'emu', { accessToken: session.token ?? session.accessToken });
      const rerun = await deploy(ctx);
      expect(rerun.exitCode, rerun.stderr).to.equal(0);
      expectDeployed(ctx);
    });

    it('HTTP 500 creating the user: lists what was done; rerun continues without duplicating', async () => {
      ctx = await setup();
      // The insert itself (not the User describe that precedes it).
      ctx.emu.control.failNext({ kind: 'http500', path: '=/services/data/v66.0/sobjects/User' });
      const result = await deploy(ctx, [], false);
      expectCleanFailure(result, 'OrgServerError');
      expect(result.stderr).to.include(`- profile: create ${PROFILE}`);
      expect(ctx.emu.state.profileByName(PROFILE)).to.not.equal(undefined);
      expect(ctx.emu.state.findUserByUsername(RUN_AS)).to.equal(undefined);
      const rerun = await deploy(ctx);
      expect(rerun.exitCode, rerun.stderr).to.equal(0);
      // The profile the first run deployed is in the org as the file says: not deployed again.
      expect(rerun.json?.result?.steps[0]).to.deep.include({ step: 'profile', action: 'unchanged' });
      expectDeployed(ctx);
    });

    it('dropped connection on the metadata deploy: exit 1 (not 10), no stack trace; rerun succeeds', async () => {
      ctx = await setup();
      ctx.emu.control.failNext({ kind: 'drop', soapMethod: 'deploy' });
      const result = await deploy(ctx, [], false);
      expectCleanFailure(result, 'OrgUnreachableError');
      expect(ctx.emu.state.listComponents()).to.have.length(0);
      const rerun = await deploy(ctx);
      expect(rerun.exitCode, rerun.stderr).to.equal(0);
      expectDeployed(ctx);
    });

    it('component failure: the component, file, problem and what to do; user kept; rerun succeeds', async () => {
      ctx = await setup();
      const problem = 'Enter a valid execution user for the OAuth client credentials flow.';
      ctx.emu.control.injectComponentFailure({ type: POLICY, fullName: `${APP}_oauthPlcy`, problem });
      const result = await deploy(ctx);
      expect(result.exitCode).to.equal(1);
      expect(result.json?.name).to.equal('ComponentFailuresError');
      expect(result.json?.message).to.include(`${POLICY} ${APP}_oauthPlcy (force-app/main/default/extlClntAppOauthPolicies/${APP}_oauthPlcy.ecaOauthPlcy-meta.xml): ${problem}`);
      expect(result.json?.message).to.include(messages.getMessage('advice.executionUser'));
      expect(result.json?.message).to.include(`- user: create ${RUN_AS}`);
      const data = result.json?.data as { steps: Array<{ step: string; status: string }> };
      expect(data.steps.map((s) => `${s.step}:${s.status}`)).to.deep.equal([
        'profile:done',
        'permissionSetFiles:done',
        'user:done',
        'permissionSets:done',
        'app:failed',
        'oauthPolicy:failed',
      ]);
      expect(ctx.emu.state.getComponent('ExternalClientApplication', APP), 'rolled back').to.equal(undefined);
      expect(usersNamed(ctx, RUN_AS)).to.equal(1);
      ctx.emu.control.clearFaults();
      const rerun = await deploy(ctx);
      expect(rerun.exitCode, rerun.stderr).to.equal(0);
      expect(rerun.json?.result?.steps.find((s) => s.step === 'user')?.action).to.equal('unchanged');
      expectDeployed(ctx);
    });

    it('External Client Apps turned off: stops before anything changes, with how to turn them on; rerun after enabling', async () => {
      // The org opt-in enableExternalClientApps exists only up to API 62.0 (metadata-fields-by-version.md section 6).
      ctx = await setup({ sourceApiVersion: '62.0' });
      ctx.emu.control.setSetting({ name: 'enableExternalClientApps', value: false });
      const result = await deploy(ctx);
      expect(result.exitCode).to.equal(1);
      expect(result.json?.name).to.equal('OrgNotReadyError');
      expect(result.json?.message).to.include(messages.getMessage('blocker.ecaUnavailable'));
      expect(log(ctx).filter((e) => e.soapMethod === 'deploy' || e.method === 'POST' && e.path.includes('/sobjects/'))).to.have.length(0);
      expect(ctx.emu.state.listComponents()).to.have.length(0);
      expect(ctx.emu.state.findUserByUsername(RUN_AS)).to.equal(undefined);
      ctx.emu.control.setSetting({ name: 'enableExternalClientApps', value: true });
      const rerun = await deploy(ctx);
      expect(rerun.exitCode, rerun.stderr).to.equal(0);
      expectDeployed(ctx);
    });

    it('deploy stuck in progress: --wait exceeded with the deploy id and how to check; rerun succeeds', async () => {
      ctx = await setup();
      ctx.emu.control.setDeployStuck({ stuck: true });
      const result = await deploy(ctx, ['--wait', '1'], false);
      expectCleanFailure(result, 'DeployWaitExceededError');
      const deployId = /deploy (0Af\w+) didn't finish/.exec(result.stderr)?.[1];
      expect(deployId, result.stderr).to.be.a('string');
      expect(result.stderr).to.include(`sf project deploy report --job-id ${deployId!}`);
      expect(ctx.emu.state.findUserByUsername(RUN_AS)).to.equal(undefined);
      ctx.emu.control.setDeployStuck({ stuck: false });
      const rerun = await deploy(ctx);
      expect(rerun.exitCode, rerun.stderr).to.equal(0);
      expectDeployed(ctx);
    });
  });
});
