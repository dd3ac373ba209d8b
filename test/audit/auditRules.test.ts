/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import {
  atOrAbove,
  type AuditedApp,
  evaluate,
  halfEnabled,
  ipRelaxed,
  managedApp,
  noRunAsUser,
  noSessionTimeout,
  oauthPluginOff,
  permittedUsers,
  powerfulPermissions,
  refreshTokenForever,
  runAsFullLicense,
  runAsNotApiOnly,
  runAsUserInactive,
  runAsUserMissing,
  type RunAsUser,
  secretReadable,
  unusedScopes,
} from '../../src/audit/auditRules.js';

const integrationUser: RunAsUser = {
  username: 'int@example.com',
  isActive: true,
  profileName: 'Minimum Access - API Only Integrations',
  license: 'Salesforce Integration',
  apiOnly: true,
  permissions: {},
  permissionSets: ['App_Access'],
};

function app(overrides: Partial<AuditedApp> = {}): AuditedApp {
  return {
    kind: 'ExternalClientApplication',
    name: 'Healthy',
    managed: false,
    flow: { global: true, policy: true },
    runAsUsername: 'int@example.com',
    runAs: integrationUser,
    permittedUsers: 'AdminApprovedPreAuthorized',
    preAuthorizedProfiles: [],
    preAuthorizedPermissionSets: ['App_Access'],
    ipRelaxation: 'Enforce',
    scopes: ['Api'],
    sessionTimeoutMinutes: 15,
    refreshTokenPolicy: 'Zero',
    oauthPluginEnabled: true,
    secretReadableByRest: false,
    ...overrides,
  };
}

const rules = (findings: Array<{ rule: string }>): string[] => findings.map((f) => f.rule);

describe('audit/auditRules', () => {
  it('finds nothing in a healthy app', () => {
    expect(evaluate(app())).to.deep.equal([]);
  });

  it('halfEnabled: on in one place only (ECA), never for a connected app', () => {
    expect(rules(halfEnabled(app({ flow: { global: true, policy: false } })))).to.deep.equal(['halfEnabled']);
    expect(halfEnabled(app({ flow: { global: false, policy: true } }))[0].tokens).to.deep.equal(['OAuth policy', 'global OAuth settings']);
    expect(halfEnabled(app())).to.deep.equal([]);
    expect(halfEnabled(app({ kind: 'ConnectedApp', flow: { global: true, policy: false } }))).to.deep.equal([]);
  });

  it('Run As user: none, missing, inactive, not API Only, a full license', () => {
    expect(rules(noRunAsUser(app({ runAsUsername: undefined, runAs: undefined })))).to.deep.equal(['noRunAsUser']);
    expect(rules(runAsUserMissing(app({ runAs: undefined })))).to.deep.equal(['runAsUserMissing']);
    expect(runAsUserMissing(app())).to.deep.equal([]);
    expect(rules(runAsUserInactive(app({ runAs: { ...integrationUser, isActive: false } })))).to.deep.equal(['runAsUserInactive']);
    expect(rules(runAsNotApiOnly(app({ runAs: { ...integrationUser, apiOnly: false } })))).to.deep.equal(['runAsNotApiOnly']);
    expect(rules(runAsFullLicense(app({ runAs: { ...integrationUser, apiOnly: false, license: 'Salesforce' } })))).to.deep.equal([
      'runAsFullLicense',
    ]);
    expect(runAsFullLicense(app({ runAs: { ...integrationUser, license: 'Salesforce' } }))).to.deep.equal([]);
  });

  it('one finding per powerful permission, with its source, the worst first', () => {
    const admin = { ...integrationUser, permissions: { ViewAllData: ['profile Admin'], ModifyAllData: ['profile Admin', 'permission set X'] } };
    const found = powerfulPermissions(app({ runAs: admin }));
    expect(found.map((f) => [f.rule, f.severity])).to.deep.equal([
      ['permission.ModifyAllData', 'critical'],
      ['permission.ViewAllData', 'high'],
    ]);
    expect(found[0].tokens).to.deep.equal(['int@example.com', 'profile Admin, permission set X']);
    expect(evaluate(app({ runAs: admin }))[0].severity).to.equal('critical');
  });

  it('permitted users: a Run As user not pre-authorized (ECA), self-authorization for all', () => {
    expect(rules(permittedUsers(app({ preAuthorizedPermissionSets: [] })))).to.deep.equal(['runAsNotPreAuthorized']);
    expect(permittedUsers(app({ preAuthorizedPermissionSets: [], preAuthorizedProfiles: ['minimum access - api only integrations'] }))).to.deep.equal(
      []
    );
    expect(rules(permittedUsers(app({ permittedUsers: 'AllSelfAuthorized' })))).to.deep.equal(['allSelfAuthorized']);
    // Connected apps: permitted users don't apply to the execution user.
    expect(permittedUsers(app({ kind: 'ConnectedApp', permittedUsers: 'AdminApproved', preAuthorizedPermissionSets: [] }))).to.deep.equal([]);
  });

  it('IP relaxation, scopes, refresh tokens, timeouts, secrets, disabled and managed apps', () => {
    expect(rules(ipRelaxed(app({ ipRelaxation: 'BYPASS' })))).to.deep.equal(['ipRelaxed']);
    expect(ipRelaxed(app({ ipRelaxation: 'Enforce_RelaxRefresh' }))).to.deep.equal([]);
    expect(rules(unusedScopes(app({ scopes: ['Full', 'RefreshToken', 'OfflineAccess'] })))).to.deep.equal(['scopeFull', 'scopeRefreshToken']);
    expect(unusedScopes(app({ scopes: ['RefreshToken', 'OfflineAccess'] }))[0].tokens).to.deep.equal(['RefreshToken, OfflineAccess']);
    expect(rules(refreshTokenForever(app({ refreshTokenPolicy: 'infinite' })))).to.deep.equal(['refreshTokenInfinite']);
    expect(rules(noSessionTimeout(app({ sessionTimeoutMinutes: undefined })))).to.deep.equal(['noSessionTimeout']);
    expect(noSessionTimeout(app({ kind: 'ConnectedApp', sessionTimeoutMinutes: undefined }))).to.deep.equal([]);
    expect(rules(secretReadable(app({ secretReadableByRest: true })))).to.deep.equal(['secretReadableByRest']);
    expect(rules(oauthPluginOff(app({ oauthPluginEnabled: false })))).to.deep.equal(['oauthPluginOff']);
    expect(rules(managedApp(app({ managed: true })))).to.deep.equal(['managedApp']);
  });

  it('orders severities for --fail-on', () => {
    expect(atOrAbove('critical', 'high')).to.equal(true);
    expect(atOrAbove('high', 'high')).to.equal(true);
    expect(atOrAbove('medium', 'high')).to.equal(false);
    expect(atOrAbove('info', 'info')).to.equal(true);
  });
});
