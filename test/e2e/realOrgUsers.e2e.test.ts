/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { Messages } from '@salesforce/core';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../emulator/src/index.js';
import type { DeployResult } from '../../src/commands/eca/clientcreds/deploy.js';
import { type CliResult, makeProject, runCli, type TempProject } from './harness.js';
import { loginToEmulator } from './orgLogin.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const deployMessages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

/**
 * Issue 9, the user and permission half: the default journey generate -> deploy -> test -> rerun against an emulator
 * that enforces what real orgs do (permission dependencies, Integration license + PSL, multi-currency, license seats,
 * sandbox usernames, API_DISABLED_FOR_ORG), through bin/run.js.
 */

const APP = 'Real_Org';
const RUN_AS = 'real.integration@acme_corp.example.com.uat2';
const POLICY = 'ExtlClntAppOauthConfigurablePolicies';
const INTEGRATION_PROFILE = 'Minimum Access - API Only Integrations';

type Ctx = { emu: Emulator; project: TempProject };
type LogEntry = { method: string; path: string; soapMethod?: string; soql?: string; status: number };

async function setup(options: EmulatorOptions = {}, sourceApiVersion = '66.0'): Promise<Ctx> {
  const emu = await startEmulator({ deployInProgressPolls: 1, ...options });
  // `test` reads the app's consumer secret from the org.
  emu.control.setSetting({ name: 'enableClientSecretInRestApiAccess', value: true });
  emu.control.grantPermission({ username: emu.admin.username, permission: 'ViewClientSecret' });
  const project = await makeProject({ sourceApiVersion });
  await loginToEmulator(emu, project.home, 'emu');
  return { emu, project };
}

function cli<T = unknown>(ctx: Ctx, args: string[]): Promise<CliResult<T>> {
  return runCli<T>(['eca', 'clientcreds', ...args, '--json'], { cwd: ctx.project.dir, home: ctx.project.home, timeoutMs: 150_000 });
}

function generate(ctx: Ctx, extra: string[] = [], runAs = RUN_AS): Promise<CliResult> {
  return cli(ctx, ['generate', '--name', APP, '--contact-email', 'admin@example.com', '--run-as-username', runAs, ...extra]);
}

function deploy(ctx: Ctx, extra: string[] = []): Promise<CliResult<DeployResult>> {
  return cli<DeployResult>(ctx, ['deploy', '--name', APP, '--target-org', 'emu', ...extra]);
}

function tokenTest(ctx: Ctx): Promise<CliResult<{ success: boolean; runAsUsername?: string }>> {
  return cli(ctx, ['test', '--name', APP, '--target-org', 'emu']);
}

function log(ctx: Ctx): LogEntry[] {
  return ctx.emu.control.requestLog() as LogEntry[];
}

function ok<T>(run: CliResult<T>, what: string): T {
  expect(run.exitCode, `${what}: ${run.stdout}${run.stderr}`).to.equal(0);
  return run.json?.result as T;
}

/** Every file under the project's force-app, joined: to prove deploy never edits them. */
async function projectFilesText(ctx: Ctx): Promise<string> {
  const root = join(ctx.project.dir, 'force-app');
  const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
  const texts = await Promise.all(files.map((f) => readFile(join(f.parentPath, f.name), 'utf8')));
  return texts.join('\n');
}

/** generate -> deploy -> test -> deploy again -> test; returns both deploy results. */
async function journey(ctx: Ctx, generateExtra: string[] = [], runAs = RUN_AS): Promise<[DeployResult, DeployResult]> {
  ok(await generate(ctx, generateExtra, runAs), 'generate');
  const before = await projectFilesText(ctx);
  const first = ok(await deploy(ctx), 'deploy');
  expect(ok(await tokenTest(ctx), 'test').success).to.equal(true);
  ctx.emu.control.clearRequestLog();
  const second = ok(await deploy(ctx), 'deploy again');
  expect(log(ctx).filter((e) => e.method === 'POST' && e.path.endsWith('/sobjects/User')), 'rerun creates no user').to.have.length(0);
  expect(ok(await tokenTest(ctx), 'test again').success).to.equal(true);
  expect(await projectFilesText(ctx), 'deploy never edits the project files').to.equal(before);
  return [first, second];
}

describe('e2e: a real org\'s users and permissions (issue 9)', function () {
  this.timeout(600_000);
  let ctx: Ctx | undefined;

  afterEach(async () => {
    await ctx?.emu.stop();
    await ctx?.project.cleanup();
    ctx = undefined;
  });

  describe('permission dependencies of View All Data', () => {
    for (const format of ['apiName', 'label'] as const) {
      it(`adds what PermissionDependency (${format}s) requires to the deployed profile, in a multi-currency org`, async () => {
        ctx = await setup({ permissionDependencyFormat: format, multiCurrency: 'EUR' });
        const [first, second] = await journey(ctx);
        const added = first.permissionsAdded.filter((a) => a.type === 'Profile');
        expect(second.permissionsAdded, 'rerun: the org already has what the profile needs').to.deep.equal([]);
        expect(added.map((a) => a.permission)).to.have.members(['ViewPlatformEvents', 'ViewDataLeakageEvents', 'ViewEventLogFiles']);
        expect(added.every((a) => a.requiredBy === 'ViewAllData' && a.source === 'PermissionDependency')).to.equal(true);
        expect(added[0].filePath).to.match(/^force-app\/.*\.profile-meta\.xml$/);
        const user = ctx.emu.state.findUserByUsername(RUN_AS);
        expect(user?.CurrencyIsoCode, 'the org currency on the new user').to.equal('EUR');
        const profile = ctx.emu.state.profiles.get(user!.ProfileId);
        expect(profile?.permissions).to.include({ ViewAllData: true, ViewPlatformEvents: true, ViewEventLogFiles: true });
      });
    }

    it('retries once with what the org names ("depends on permission(s)", labels) when PermissionDependency says nothing', async () => {
      ctx = await setup({ permissionDependencyFormat: 'none' });
      ok(await generate(ctx), 'generate');
      const first = ok(await deploy(ctx), 'deploy');
      expect(first.permissionsAdded.map((a) => [a.permission, a.source])).to.deep.include.members([
        ['ViewPlatformEvents', 'deployError'],
        ['ViewEventLogFiles', 'deployError'],
      ]);
      const profileDeploys = log(ctx).filter((e) => e.soapMethod === 'deploy');
      expect(profileDeploys.length, 'one failed profile deploy, one retry, then the app').to.equal(3);
      expect(ok(await tokenTest(ctx), 'test').success).to.equal(true);
    });

    it('adds only the permissions the org has', async () => {
      ctx = await setup();
      ctx.emu.control.setOrgPermissions({ remove: ['ViewDataLeakageEvents'] });
      const [first] = await journey(ctx);
      expect(first.permissionsAdded.map((a) => a.permission)).to.have.members(['ViewPlatformEvents', 'ViewEventLogFiles']);
    });

    it('maps the labels of the org\'s error to API names through the describe', async () => {
      ctx = await setup({ permissionDependencyFormat: 'none' });
      ctx.emu.control.setPermissionDependencies({ dependencies: [['ViewAllData', 'ViewRoles']] });
      ok(await generate(ctx), 'generate');
      const first = ok(await deploy(ctx), 'deploy');
      expect(first.permissionsAdded).to.deep.equal([
        {
          type: 'Profile',
          fullName: first.permissionsAdded[0].fullName,
          filePath: first.permissionsAdded[0].filePath,
          permission: 'ViewRoles',
          label: 'View Roles and Role Hierarchy',
          requiredBy: 'ViewAllData',
          requiredByLabel: 'View All Data',
          source: 'deployError',
        },
      ]);
    });
  });

  describe('the Salesforce Integration license', () => {
    for (const apiVersion of ['60.0', '66.0']) {
    it(`journey at API ${apiVersion}: PSL before the permission set, object access in the permission set`, async () => {
      ctx = await setup({ multiCurrency: 'EUR' }, apiVersion);
      const [first, second] = await journey(ctx, ['--user-license', 'Salesforce Integration', '--view-all-objects', 'Account']);
      const user = ctx.emu.state.findUserByUsername(RUN_AS)!;
      expect(ctx.emu.state.profiles.get(user.ProfileId)?.Name).to.equal(INTEGRATION_PROFILE);
      expect(ctx.emu.state.permissionSetLicensesOf(user.Id).map((l) => l.DeveloperName)).to.deep.equal(['SalesforceAPIIntegrationPsl']);
      expect(ctx.emu.state.permissionSetsOf(user.Id).map((p) => p.Name)).to.include(`${APP}_Access`);
      expect(first.licenses).to.deep.include({ userLicense: 'Salesforce Integration', permissionSetLicense: { developerName: 'SalesforceAPIIntegrationPsl', status: 'assign' } });
      expect(second.licenses.permissionSetLicense?.status).to.equal('assigned');
      expect(first.components.map((c) => c.type)).to.not.include('Profile');
    });
    }

    for (const format of ['label', 'none'] as const) {
      it(`journey with PermissionDependency format ${format}: View All Data in the permission set gets what it needs`, async () => {
        ctx = await setup({ permissionDependencyFormat: format });
        const [first] = await journey(ctx, ['--user-license', 'Salesforce Integration']);
        const added = first.permissionsAdded.filter((a) => a.type === 'PermissionSet');
        expect(added.map((a) => a.permission)).to.include.members(['ViewPlatformEvents', 'ViewEventLogFiles']);
        expect(added[0].source).to.equal(format === 'none' ? 'deployError' : 'PermissionDependency');
        const ps = ctx.emu.state.permissionSetByName(`${APP}_Access`);
        expect(ps?.permissions).to.include({ ViewAllData: true, ViewPlatformEvents: true });
      });
    }

    it('stops before changing anything when no PSL seat is left', async () => {
      ctx = await setup();
      ctx.emu.control.setPermissionSetLicenseSeats({ developerName: 'SalesforceAPIIntegrationPsl', seats: 0 });
      ok(await generate(ctx, ['--user-license', 'Salesforce Integration']), 'generate');
      const run = await deploy(ctx);
      expect(run.exitCode).to.equal(1);
      expect(run.json?.name).to.equal('OrgNotReadyError');
      expect(run.json?.message).to.include('SalesforceAPIIntegrationPsl');
      expect(ctx.emu.state.findUserByUsername(RUN_AS), 'no user created').to.equal(undefined);
    });
  });

  describe('license seats', () => {
    it('names the Integration license and the exact flags when no Salesforce seat is left (Developer Edition: two)', async () => {
      ctx = await setup({ orgKind: 'developer' });
      ctx.emu.control.seedUser({ Username: 'second.user@example.com', LastName: 'Second', Email: 'second@example.com' });
      ok(await generate(ctx), 'generate');
      const run = await deploy(ctx);
      expect(run.exitCode).to.equal(1);
      expect(run.json?.name).to.equal('OrgNotReadyError');
      expect(run.json?.message).to.include('(2 of 2 used)');
      expect(run.json?.message).to.include('--user-license "Salesforce Integration" --force');
      expect(ctx.emu.state.findUserByUsername(RUN_AS), 'nothing created').to.equal(undefined);
      expect(log(ctx).filter((e) => e.soapMethod === 'deploy'), 'nothing deployed').to.have.length(0);
      // The way out the error names works.
      ok(await generate(ctx, ['--user-license', 'Salesforce Integration', '--force']), 'generate again');
      ok(await deploy(ctx), 'deploy with the Integration license');
      expect(ok(await tokenTest(ctx), 'test').success).to.equal(true);
    });
  });

  describe('sandboxes', () => {
    const PRODUCTION_USER = 'real.integration@acme.example.com';

    for (const [license, generateFlags] of [
      ['Salesforce', []],
      ['Salesforce Integration', ['--user-license', 'Salesforce Integration']],
    ] as const) {
      it(`${license} license: uses the one user with the sandbox suffix, in the deployed copy only, and test accepts it`, async () => {
        ctx = await setup({ orgKind: 'sandbox', sandboxName: 'uat2', multiCurrency: 'EUR' });
        const sandboxUser = `${PRODUCTION_USER}.uat2`;
        // The sandbox copy of production: the user (with its profile) exists under the suffixed username.
        const profile = license === 'Salesforce' ? `${APP} Integration` : INTEGRATION_PROFILE;
        if (license === 'Salesforce') ctx.emu.control.seedProfile({ name: profile, permissions: { ApiEnabled: true } });
        ctx.emu.control.seedUser({ Username: sandboxUser, LastName: 'Integration', Email: 'i@example.com.invalid', profileName: profile });
        const [first, second] = await journey(ctx, [...generateFlags], PRODUCTION_USER);
        expect(first.runAsUsernameResolved).to.deep.equal({ fromProject: PRODUCTION_USER, inOrg: sandboxUser, suffix: 'uat2' });
        expect(second.runAsUsernameResolved?.inOrg).to.equal(sandboxUser);
        expect(ctx.emu.state.satelliteOf(APP, POLICY)?.fields.clientCredentialsFlowUser).to.equal(sandboxUser);
        expect(ctx.emu.state.findUserByUsername(PRODUCTION_USER), 'no second user').to.equal(undefined);
        const user = ctx.emu.state.findUserByUsername(sandboxUser)!;
        expect(ctx.emu.state.permissionSetsOf(user.Id).map((p) => p.Name)).to.include(`${APP}_Access`);
        if (license !== 'Salesforce') {
          expect(ctx.emu.state.permissionSetLicensesOf(user.Id).map((l) => l.DeveloperName)).to.deep.equal(['SalesforceAPIIntegrationPsl']);
        }
      });
    }

    it('lists the candidates when several users have a sandbox suffix', async () => {
      ctx = await setup({ orgKind: 'sandbox' });
      for (const suffix of ['uat2', 'dev1']) {
        ctx.emu.control.seedUser({ Username: `${PRODUCTION_USER}.${suffix}`, LastName: 'Integration', Email: 'i@example.com', profileName: INTEGRATION_PROFILE });
      }
      ok(await generate(ctx, ['--existing-profile', INTEGRATION_PROFILE], PRODUCTION_USER), 'generate');
      const run = await deploy(ctx);
      expect(run.exitCode).to.equal(1);
      expect(run.json?.name).to.equal('SandboxUsernameAmbiguousError');
      expect(run.json?.message).to.include(`${PRODUCTION_USER}.uat2`).and.include(`${PRODUCTION_USER}.dev1`);
      expect(log(ctx).filter((e) => e.soapMethod === 'deploy')).to.have.length(0);
    });
  });

  describe('user creation errors', () => {
    it('explains FIELD_INTEGRITY_EXCEPTION for a username that is not email-shaped', async () => {
      ctx = await setup();
      ok(await generate(ctx), 'generate');
      // The flag is refused before any org request...
      const flagged = await deploy(ctx, ['--run-as-username', 'not-an-email']);
      expect(flagged.exitCode).to.equal(1);
      expect(flagged.json?.name).to.equal('InvalidRunAsUsernameError');
      expect(log(ctx).filter((e) => e.method === 'POST')).to.deep.equal([]);
      // ...a hand-edited policy and user definition reach the org, whose refusal is explained.
      for (const file of [
        join(ctx.project.dir, 'force-app/main/default/extlClntAppOauthPolicies', `${APP}_oauthPlcy.ecaOauthPlcy-meta.xml`),
        join(ctx.project.dir, 'config', `${APP}.user-def.json`),
      ]) {
        // eslint-disable-next-line no-await-in-loop
        await writeFile(file, (await readFile(file, 'utf8')).split(RUN_AS).join('not-an-email'));
      }
      const run = await deploy(ctx);
      expect(run.exitCode, run.stdout + run.stderr).to.equal(1);
      expect(run.json?.name).to.equal('UsernameNotEmailError');
      expect(run.json?.message).to.include('not-an-email');
      expect((run.json?.actions ?? []).join('\n')).to.include('--run-as-username');
      expect(deployMessages.getMessage('error.UsernameNotEmail', ['x'])).to.include('FIELD_INTEGRITY_EXCEPTION');
    });
  });

  describe('test: API_DISABLED_FOR_ORG', () => {
    it('says the Run As user lacks API Enabled, with the fix', async () => {
      ctx = await setup();
      await journey(ctx, ['--existing-profile', INTEGRATION_PROFILE]);
      const user = ctx.emu.state.findUserByUsername(RUN_AS)!;
      const profile = ctx.emu.state.profiles.get(user.ProfileId)!;
      profile.permissions.ApiEnabled = false;
      const run = await tokenTest(ctx);
      expect(run.exitCode).to.equal(1);
      expect(run.json?.name).to.equal('RunAsApiDisabledError');
      expect(run.json?.message).to.include('API_DISABLED_FOR_ORG');
      expect((run.json?.actions ?? []).join('\n')).to.include('ApiEnabled');
    });
  });
});
