/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { startEmulator, type Emulator } from '../../emulator/src/index.js';
import type { AuditResult } from '../../src/commands/eca/clientcreds/audit.js';
import { type CliResult, makeProject, runCli, type TempProject } from './harness.js';
import { loginToEmulator } from './orgLogin.js';

/**
 * End to end: `audit` against an org seeded with risky, half-enabled and healthy client credentials apps (External
 * Client Apps and connected apps) and apps without the flow. Every finding comes from org state.
 */

const ALIAS = 'emu';
const INTEGRATION_PROFILE = 'Minimum Access - API Only Integrations';

describe('eca clientcreds audit (e2e, emulator)', function () {
  this.timeout(180_000);
  let emu: Emulator;
  let project: TempProject;
  let admin: string;

  before(async () => {
    emu = await startEmulator();
    project = await makeProject();
    admin = (await loginToEmulator(emu, project.home, ALIAS)).username;

    // Healthy: API Only integration user pre-authorized by a permission set, Api only, a timeout, IP enforced.
    emu.control.seedPermissionSet({ name: 'Healthy_Access', permissions: {} });
    emu.control.seedUser({
      Username: 'healthy@audit.example.com',
      LastName: 'Healthy',
      Email: 'healthy@audit.example.com',
      profileName: INTEGRATION_PROFILE,
      permissionSets: ['Healthy_Access'],
    });
    emu.control.seedSetupEca({
      name: 'Healthy_App',
      scopes: 'Api',
      globalFields: { isClientCredentialsFlowEnabled: 'true' },
      policyFields: {
        isClientCredentialsFlowEnabled: 'true',
        clientCredentialsFlowUser: 'healthy@audit.example.com',
        permittedUsersPolicyType: 'AdminApprovedPreAuthorized',
        commaSeparatedPermissionSet: 'Healthy_Access',
        sessionTimeoutInMinutes: '15',
        refreshTokenPolicyType: 'Zero',
      },
    });
    // Risky: runs as the admin (System Administrator), IP bypass, Full and RefreshToken, anyone may self-authorize.
    emu.control.seedSetupEca({
      name: 'Risky_App',
      scopes: 'Full, RefreshToken',
      globalFields: { isClientCredentialsFlowEnabled: 'true' },
      policyFields: { isClientCredentialsFlowEnabled: 'true', clientCredentialsFlowUser: admin, ipRelaxationPolicyType: 'Bypass' },
    });
    // Half-enabled: on in the global settings only, no Run As user.
    emu.control.seedSetupEca({ name: 'Half_App', globalFields: { isClientCredentialsFlowEnabled: 'true' } });
    // Flow off: not listed.
    emu.control.seedSetupEca({ name: 'Off_App' });
    // Connected apps: one on with an inactive execution user, one off.
    emu.control.seedUser({
      Username: 'retired@audit.example.com',
      LastName: 'Retired',
      Email: 'retired@audit.example.com',
      profileName: INTEGRATION_PROFILE,
      IsActive: false,
    });
    emu.control.seedConnectedApp({
      name: 'Legacy_CA',
      clientCredentialsEnabled: true,
      runAsUsername: 'retired@audit.example.com',
      ipRelaxation: 'BYPASS',
    });
    emu.control.seedConnectedApp({ name: 'Off_CA' });
  });

  after(async () => {
    await emu?.stop();
    await project?.cleanup();
  });

  function audit(args: string[]): Promise<CliResult<AuditResult>> {
    return runCli<AuditResult>(['eca', 'clientcreds', 'audit', '--target-org', ALIAS, ...args], {
      cwd: project.dir,
      home: project.home,
      timeoutMs: 120_000,
    });
  }

  const rulesOf = (result: AuditResult, app: string): string[] => result.apps.find((a) => a.name === app)?.findings.map((f) => f.rule) ?? [];

  it('lists every app with the flow on or half on, with its findings, and changes nothing', async () => {
    const before = JSON.stringify(emu.state.listComponents());
    const { exitCode, json, stderr } = await audit(['--json']);
    expect(exitCode, stderr).to.equal(0);
    const result = json!.result!;
    expect(result.apps.map((a) => a.name)).to.deep.equal(['Half_App', 'Healthy_App', 'Legacy_CA', 'Risky_App']);
    expect(result.appsInOrg).to.deep.equal({ externalClientApps: 4, connectedApps: 2 });

    const healthy = result.apps.find((a) => a.name === 'Healthy_App')!;
    expect(healthy.flow).to.equal('on');
    expect(healthy.runAsUser).to.deep.include({ username: 'healthy@audit.example.com', isActive: true, apiOnly: true, profileName: INTEGRATION_PROFILE });
    expect(healthy.findings.filter((f) => f.severity !== 'info')).to.deep.equal([]);

    const risky = result.apps.find((a) => a.name === 'Risky_App')!;
    expect(risky.worst).to.equal('critical');
    expect(rulesOf(result, 'Risky_App')).to.include.members([
      'permission.ModifyAllData',
      'permission.ViewAllData',
      'runAsNotApiOnly',
      'ipRelaxed',
      'scopeFull',
      'scopeRefreshToken',
      'allSelfAuthorized',
    ]);
    expect(risky.findings.every((f) => f.fix.length > 0)).to.equal(true);

    expect(result.apps.find((a) => a.name === 'Half_App')?.flow).to.equal('half');
    expect(rulesOf(result, 'Half_App')).to.include.members(['halfEnabled', 'noRunAsUser']);
    expect(rulesOf(result, 'Legacy_CA')).to.include.members(['runAsUserInactive', 'ipRelaxed']);
    expect(JSON.stringify(emu.state.listComponents())).to.equal(before);
  });

  it('--fail-on sets exit code 3 when a finding is at or above the severity, 0 otherwise', async () => {
    const failing = await audit(['--fail-on', 'critical', '--json']);
    expect(failing.exitCode).to.equal(3);
    expect(failing.json?.result?.failed).to.equal(true);
    expect(failing.json?.status).to.equal(3);

    // Retire the risky apps: the rest has nothing critical.
    emu.control.setAppField({ app: 'Risky_App', type: 'ExtlClntAppOauthConfigurablePolicies', field: 'clientCredentialsFlowUser', value: 'healthy@audit.example.com' });
    const passing = await audit(['--fail-on', 'critical', '--json']);
    expect(passing.exitCode, passing.stdout).to.equal(0);
    expect(passing.json?.result?.failed).to.equal(false);
  });

  it('prints a table and the findings with their fixes for people, within 100 columns', async () => {
    const { exitCode, stdout } = await audit(['--fail-on', 'medium']);
    expect(exitCode).to.equal(3);
    expect(stdout).to.include('Legacy_CA');
    expect(stdout).to.include('Fix:');
    const tooWide = stdout.split('\n').filter((line) => line.length > 100 && !line.includes('@'));
    expect(tooWide).to.deep.equal([]);
  });
});
