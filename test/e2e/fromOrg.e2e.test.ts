/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readdir, readFile } from 'node:fs/promises';

import { expect } from 'chai';
import { startEmulator, type Emulator } from '../../emulator/src/index.js';
import type { MetadataFields } from '../../emulator/src/state.js';
import type { ImportResult } from '../../src/generate/fromOrg/importApp.js';
import type { DeployResult } from '../../src/commands/eca/clientcreds/deploy.js';
import type { TokenCheckResult } from '../../src/commands/eca/clientcreds/test.js';
import { type CliResult, makeProject, runCli, type TempProject } from './harness.js';
import { loginToEmulator } from './orgLogin.js';

/**
 * End to end: `generate --from-org` brings apps made outside the project (a Setup-made External Client App, a legacy
 * Connected App) into it with the client credentials flow on, then `deploy` and `test` work on them. Refusals
 * (no such app, managed app, app without OAuth) write nothing and change nothing in the org.
 */

const ALIAS = 'emu';
const INTEGRATION_PROFILE = 'Minimum Access - API Only Integrations';

describe('eca clientcreds generate --from-org (e2e, emulator)', function () {
  this.timeout(240_000);
  let emu: Emulator;
  let project: TempProject;
  let userCount = 0;

  before(async () => {
    emu = await startEmulator();
    project = await makeProject();
    const admin = (await loginToEmulator(emu, project.home, ALIAS)).username;
    emu.control.setSetting({ name: 'enableClientSecretInRestApiAccess', value: true });
    emu.control.grantPermission({ username: admin, permission: 'ViewClientSecret' });
  });

  after(async () => {
    await emu?.stop();
    await project?.cleanup();
  });

  function newUser(profileName = INTEGRATION_PROFILE): string {
    userCount++;
    const username = `fromorg${userCount}@e2e.example.com.prod`;
    emu.control.seedUser({ Username: username, LastName: `From Org ${userCount}`, Email: `fromorg${userCount}@e2e.example.com`, profileName });
    return username;
  }

  function cli<T>(command: string, args: string[]): Promise<CliResult<T>> {
    return runCli<T>(['eca', 'clientcreds', command, ...args], { cwd: project.dir, home: project.home, timeoutMs: 180_000 });
  }

  function policiesOf(app: string): Array<{ fullName: string; fields: MetadataFields }> {
    return emu.state
      .listComponents('ExtlClntAppOauthConfigurablePolicies')
      .filter((c) => c.fields.externalClientApplication === app)
      .map((c) => ({ fullName: c.fullName, fields: c.fields }));
  }

  async function projectFiles(): Promise<string[]> {
    const entries = await readdir(project.dir, { recursive: true });
    return entries.filter((e) => !e.startsWith('.')).sort();
  }

  function orgSnapshot(): string {
    return JSON.stringify(emu.state.listComponents().map((c) => [c.type, c.fullName, c.fields]));
  }

  it('brings in a Setup-made External Client App with the flow off, keeps its settings and names, deploys it and gets a token', async () => {
    const runAs = newUser();
    const creds = emu.control.seedSetupEca({
      name: 'Setup_Made_App',
      scopes: 'Api, CustomPermissions',
      // A policy under a name the org generated, and settings generate would not choose.
      names: { policy: 'Setup_Made_App_oauth_defaultPolicy' },
      globalFields: { isPkceRequired: 'true', callbackUrl: 'https://example.com/oauth/callback' },
      policyFields: { ipRelaxationPolicyType: 'Bypass', refreshTokenValidityPeriod: '30' },
    });
    expect(creds).to.not.equal(null);

    const generated = await cli<ImportResult>('generate', [
      '--from-org',
      '--target-org',
      ALIAS,
      '--name',
      'Setup_Made_App',
      '--run-as-username',
      runAs,
      '--json',
    ]);
    expect(generated.exitCode, generated.stdout + generated.stderr).to.equal(0);
    const result = generated.json!.result!;
    expect(result.fromOrg).to.deep.include({ kind: 'ExternalClientApplication', runAsUserExists: true });
    expect(result.profileGenerated).to.equal(false);
    expect(result.profileName).to.equal(INTEGRATION_PROFILE);
    // The existing user gets the app's access permission set, as a generated app's Run As user does: the user
    // definition carries it for deploy to assign (no user is created: the username exists).
    expect(result.files.map((f) => f.type)).to.include.members(['UserDefinition', 'PermissionSet']);
    expect(result.accessPermissionSet).to.equal('Setup_Made_App_Access');
    const policyFile = result.files.find((f) => f.type === 'ExtlClntAppOauthConfigurablePolicies');
    expect(policyFile?.fullName).to.equal('Setup_Made_App_oauth_defaultPolicy');
    const policyXml = await readFile(policyFile!.path, 'utf8');
    expect(policyXml).to.include('<isClientCredentialsFlowEnabled>true</isClientCredentialsFlowEnabled>');
    expect(policyXml).to.include(`<clientCredentialsFlowUser>${runAs}</clientCredentialsFlowUser>`);
    expect(policyXml).to.include('<ipRelaxationPolicyType>Bypass</ipRelaxationPolicyType>');
    const globalXml = await readFile(result.files.find((f) => f.type === 'ExtlClntAppGlobalOauthSettings')!.path, 'utf8');
    expect(globalXml).to.not.include('consumerKey');
    expect(globalXml).to.include('<isClientCredentialsFlowEnabled>true</isClientCredentialsFlowEnabled>');
    const oauthXml = await readFile(result.files.find((f) => f.type === 'ExtlClntAppOauthSettings')!.path, 'utf8');
    expect(oauthXml).to.not.include('oauthLink');

    const deployed = await cli<DeployResult>('deploy', ['--name', 'Setup_Made_App', '--target-org', ALIAS, '--json']);
    expect(deployed.exitCode, deployed.stdout + deployed.stderr).to.equal(0);

    const user = emu.state.findUserByUsername(runAs)!;
    expect(emu.state.permissionSetsOf(user.Id).map((p) => p.Name)).to.include('Setup_Made_App_Access');

    const policies = policiesOf('Setup_Made_App');
    expect(policies.map((p) => p.fullName)).to.deep.equal(['Setup_Made_App_oauth_defaultPolicy']);
    expect(policies[0].fields).to.deep.include({
      isClientCredentialsFlowEnabled: 'true',
      clientCredentialsFlowUser: runAs,
      ipRelaxationPolicyType: 'Bypass',
      permittedUsersPolicyType: 'AllSelfAuthorized',
      refreshTokenValidityPeriod: '30',
    });
    const global = emu.state.satelliteOf('Setup_Made_App', 'ExtlClntAppGlobalOauthSettings')!.fields;
    expect(global).to.deep.include({ isClientCredentialsFlowEnabled: 'true', isPkceRequired: 'true', callbackUrl: 'https://example.com/oauth/callback' });
    expect(emu.state.satelliteOf('Setup_Made_App', 'ExtlClntAppOauthSettings')!.fields.commaSeparatedOauthScopes).to.equal('Api, CustomPermissions');
    expect(emu.control.getAppCredentials({ app: 'Setup_Made_App' })?.consumerKey).to.equal(creds!.consumerKey);

    const tested = await cli<TokenCheckResult>('test', ['--name', 'Setup_Made_App', '--target-org', ALIAS, '--json']);
    expect(tested.exitCode, tested.stdout + tested.stderr).to.equal(0);
    expect(tested.json?.result).to.deep.include({ success: true, runAsUsername: runAs });

    // Reading the deployed app again writes the same files.
    const again = await cli<ImportResult>('generate', ['--from-org', '--target-org', ALIAS, '--name', 'Setup_Made_App', '--run-as-username', runAs, '--json']);
    expect(again.exitCode, again.stderr).to.equal(0);
    expect(again.json?.result?.files.map((f) => [f.type, f.status])).to.deep.equal(result.files.map((f) => [f.type, 'unchanged']));
  });

  it('needs an org with --from-org, and --contact-email without it', async () => {
    const noOrg = await runCli(['eca', 'clientcreds', 'generate', '--from-org', '--name', 'X', '--run-as-username', 'u@example.com'], {
      cwd: project.dir,
      home: project.home,
      env: { SF_TARGET_ORG: '' },
    });
    expect(noOrg.exitCode).to.equal(1);
    expect(noOrg.stderr).to.include('NoTargetOrgError');
    const noEmail = await cli('generate', ['--name', 'X', '--run-as-username', 'u@example.com']);
    expect(noEmail.exitCode).to.equal(2);
  });

  it('pre-authorizes a new Run As user on an admin-approved app and writes the profile and user definition as generate does', async () => {
    emu.control.seedSetupEca({ name: 'Approved_App', policyFields: { permittedUsersPolicyType: 'AdminApprovedPreAuthorized' } });
    const runAs = 'approved.integration@e2e.example.com.prod';
    const generated = await cli<ImportResult>('generate', [
      '--from-org',
      '--target-org',
      ALIAS,
      '--name',
      'Approved_App',
      '--run-as-username',
      runAs,
      '--json',
    ]);
    expect(generated.exitCode, generated.stdout + generated.stderr).to.equal(0);
    const result = generated.json!.result!;
    expect(result.fromOrg.runAsUserExists).to.equal(false);
    expect(result.profileGenerated).to.equal(true);
    expect(result.files.map((f) => f.type)).to.include.members(['Profile', 'UserDefinition']);

    const deployed = await cli<DeployResult>('deploy', ['--name', 'Approved_App', '--target-org', ALIAS, '--json']);
    expect(deployed.exitCode, deployed.stdout + deployed.stderr).to.equal(0);
    expect(policiesOf('Approved_App')).to.have.length(1);
    expect(policiesOf('Approved_App')[0].fields.commaSeparatedProfile).to.equal(result.profileName);
    const tested = await cli<TokenCheckResult>('test', ['--name', 'Approved_App', '--target-org', ALIAS, '--json']);
    expect(tested.exitCode, tested.stdout + tested.stderr).to.equal(0);
    expect(tested.json?.result?.runAsUsername).to.equal(runAs);
  });

  it('enables the flow on a connected app, deploys it with its key unchanged, and gets a token with its key and secret', async () => {
    const runAs = newUser();
    const creds = emu.control.seedConnectedApp({ name: 'Legacy_Connected_App', scopes: ['Api'], isAdminApproved: true })!;

    const generated = await cli<ImportResult>('generate', [
      '--from-org',
      '--target-org',
      ALIAS,
      '--name',
      'Legacy_Connected_App',
      '--run-as-username',
      runAs,
      '--json',
    ]);
    expect(generated.exitCode, generated.stdout + generated.stderr).to.equal(0);
    const result = generated.json!.result!;
    expect(result.fromOrg).to.deep.include({ kind: 'ConnectedApp', consumerKey: creds.consumerKey });
    const appFile = result.files.find((f) => f.type === 'ConnectedApp')!;
    expect(appFile.path).to.match(/connectedApps[\\/]Legacy_Connected_App\.connectedApp-meta\.xml$/);
    const xml = await readFile(appFile.path, 'utf8');
    expect(xml).to.include('<isClientCredentialEnabled>true</isClientCredentialEnabled>');
    expect(xml).to.include(`<oauthClientCredentialUser>${runAs}</oauthClientCredentialUser>`);
    expect(xml).to.not.include('consumerKey');

    // A Run As username that is no username is refused before any org request, as for an ECA.
    const before = emu.control.requestLog().length;
    const badRunAs = await cli('deploy', ['--name', 'Legacy_Connected_App', '--target-org', ALIAS, '--run-as-username', 'not a user', '--json']);
    expect(badRunAs.exitCode).to.equal(1);
    expect(badRunAs.json?.name).to.equal('InvalidRunAsUsernameError');
    expect(emu.control.requestLog().slice(before).filter((e) => e.method !== 'GET' && !e.soapMethod?.startsWith('list'))).to.deep.equal([]);

    const deployed = await cli<DeployResult>('deploy', ['--name', 'Legacy_Connected_App', '--target-org', ALIAS, '--json']);
    expect(deployed.exitCode, deployed.stdout + deployed.stderr).to.equal(0);
    expect(deployed.json?.result?.components[0]).to.deep.include({ type: 'ConnectedApp', state: 'Changed' });
    const inOrg = emu.control.getConnectedApp({ name: 'Legacy_Connected_App' })!;
    expect(inOrg.fields.oauthConfig).to.deep.include({
      consumerKey: creds.consumerKey,
      isClientCredentialEnabled: 'true',
      oauthClientCredentialUser: runAs,
    });

    // Its secret can't be read by API: test says so instead of failing on Connect REST.
    const noSecret = await cli<TokenCheckResult>('test', ['--name', 'Legacy_Connected_App', '--target-org', ALIAS, '--json']);
    expect(noSecret.exitCode).to.equal(1);
    expect(noSecret.json?.name).to.equal('ConnectedAppNeedsCredentialsError');

    const tested = await cli<TokenCheckResult>('test', [
      '--name',
      'Legacy_Connected_App',
      '--target-org',
      ALIAS,
      '--client-id',
      creds.consumerKey,
      '--client-secret',
      creds.consumerSecret,
      '--json',
    ]);
    expect(tested.exitCode, tested.stdout + tested.stderr).to.equal(0);
    // The expected Run As user is the execution user of the project's connected app file.
    expect(tested.json?.result).to.deep.include({ success: true, runAsUsername: runAs, expectedRunAsUsername: runAs, expectedRunAsSource: 'project' });
  });

  it('a connected app with a new Run As user: generate writes its user definition, deploy creates the user first', async () => {
    const creds = emu.control.seedConnectedApp({ name: 'Legacy_New_User', scopes: ['Api'] })!;
    const runAs = 'legacy.new@e2e.example.com.prod';
    const refused = await cli('generate', ['--from-org', '--target-org', ALIAS, '--name', 'Legacy_New_User', '--run-as-username', runAs, '--json']);
    expect(refused.json?.name).to.equal('ConnectedAppRunAsUserMissingError');

    const generated = await cli<ImportResult>('generate', [
      '--from-org',
      '--target-org',
      ALIAS,
      '--name',
      'Legacy_New_User',
      '--run-as-username',
      runAs,
      '--existing-profile',
      INTEGRATION_PROFILE,
      '--json',
    ]);
    expect(generated.exitCode, generated.stdout + generated.stderr).to.equal(0);
    expect(generated.json?.result?.files.map((f) => f.type)).to.deep.equal(['ConnectedApp', 'UserDefinition', 'Manifest']);

    const dryRun = await cli<DeployResult>('deploy', ['--name', 'Legacy_New_User', '--target-org', ALIAS, '--dry-run', '--json']);
    expect(dryRun.exitCode, dryRun.stdout + dryRun.stderr).to.equal(0);
    expect(emu.state.findUserByUsername(runAs)).to.equal(undefined);

    const deployed = await cli<DeployResult>('deploy', ['--name', 'Legacy_New_User', '--target-org', ALIAS, '--json']);
    expect(deployed.exitCode, deployed.stdout + deployed.stderr).to.equal(0);
    expect(deployed.json?.result?.steps.map((s) => [s.step, s.status])).to.deep.equal([['user', 'done']]);
    expect(emu.state.findUserByUsername(runAs)?.IsActive).to.equal(true);

    const tested = await cli<TokenCheckResult>('test', [
      '--name',
      'Legacy_New_User',
      '--target-org',
      ALIAS,
      '--client-id',
      creds.consumerKey,
      '--client-secret',
      creds.consumerSecret,
      '--json',
    ]);
    expect(tested.exitCode, tested.stdout + tested.stderr).to.equal(0);
    expect(tested.json?.result?.runAsUsername).to.equal(runAs);
  });

  it('refuses a name that is neither an External Client App nor a connected app, writing and changing nothing', async () => {
    const before = [await projectFiles(), orgSnapshot()];
    const result = await cli('generate', ['--from-org', '--target-org', ALIAS, '--name', 'No_Such_App', '--run-as-username', newUser(), '--json']);
    expect(result.exitCode).to.equal(1);
    expect(result.json?.name).to.equal('AppNotFoundError');
    expect(result.json?.message).to.include("Spring '26");
    expect([await projectFiles(), orgSnapshot()]).to.deep.equal(before);
  });

  it('refuses managed apps (a connected app, an ECA) and an app without OAuth settings, writing nothing', async () => {
    emu.control.seedConnectedApp({ name: 'acme__Partner_App', clientCredentialsEnabled: false });
    emu.control.seedSetupEca({ name: 'No_Oauth_App', withoutOauth: true });
    emu.control.seedSetupEca({ name: 'pkg__Installed_Eca', headerFields: { distributionState: 'Packaged' } });
    const before = [await projectFiles(), orgSnapshot()];
    const managed = await cli('generate', ['--from-org', '--target-org', ALIAS, '--name', 'acme__Partner_App', '--run-as-username', newUser(), '--json']);
    expect(managed.exitCode).to.equal(1);
    expect(managed.json?.name).to.equal('ManagedAppError');
    const managedEca = await cli('generate', ['--from-org', '--target-org', ALIAS, '--name', 'pkg__Installed_Eca', '--run-as-username', newUser(), '--json']);
    expect(managedEca.exitCode).to.equal(1);
    expect(managedEca.json?.name).to.equal('ManagedAppError');
    const noOauth = await cli('generate', ['--from-org', '--target-org', ALIAS, '--name', 'No_Oauth_App', '--run-as-username', newUser(), '--json']);
    expect(noOauth.exitCode).to.equal(1);
    expect(noOauth.json?.name).to.equal('NoOauthSettingsError');
    expect([await projectFiles(), orgSnapshot()]).to.deep.equal(before);
  });

  it('deploy refuses a connected app file whose app is not in the org (no new connected apps), changing nothing', async () => {
    const runAs = newUser();
    emu.control.seedConnectedApp({ name: 'Gone_App' });
    const generated = await cli<ImportResult>('generate', ['--from-org', '--target-org', ALIAS, '--name', 'Gone_App', '--run-as-username', runAs, '--json']);
    expect(generated.exitCode, generated.stderr).to.equal(0);
    emu.state.deleteComponent('ConnectedApp', 'Gone_App');
    const before = orgSnapshot();
    const deployed = await cli('deploy', ['--name', 'Gone_App', '--target-org', ALIAS, '--json']);
    expect(deployed.exitCode).to.equal(1);
    expect(deployed.json?.name).to.equal('NotInOrgError');
    expect(orgSnapshot()).to.equal(before);
  });
});
