/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { checkLicenses, withLicensePhase } from '../../src/deploy/licenses.js';
import type { Phase, Plan } from '../../src/deploy/deployPlan.js';
import type { OrgInventory } from '../../src/deploy/orgInventory.js';
import type { AppFiles } from '../../src/project/projectFiles.js';
import { fakeApi, fakeOrg } from './fakeOrgApi.js';

/** The org side of these tests: SOQL answered by the first matching pattern (the code under test is not stubbed). */
function orgAnswering(answers: Array<[RegExp, Array<Record<string, unknown>>]>): ReturnType<typeof fakeApi> & { soql: string[] } {
  const api = fakeApi(fakeOrg());
  const soql: string[] = [];
  api.query = (<T extends Record<string, unknown>>(q: string): Promise<T[]> => {
    soql.push(q);
    return Promise.resolve((answers.find(([re]) => re.test(q))?.[1] ?? []) as T[]);
  }) as typeof api.query;
  return Object.assign(api, { soql });
}

const files = {
  appName: 'My_App',
  runAsUsername: 'int@example.com',
  profileName: 'My Profile',
  header: { fields: { contactEmail: 'admin@example.com' } },
  profile: { fullName: 'My Profile', fields: { userLicense: 'Salesforce' } },
} as unknown as AppFiles;

const inventory = { profiles: {}, permissionSets: {}, assignedPermissionSetIds: [] } as unknown as OrgInventory;

function plan(creating: boolean): Plan {
  return { dryRun: false, steps: [{ step: 'user', action: creating ? 'create' : 'unchanged', target: '', reason: '' }] } as unknown as Plan;
}

describe('deploy licenses', () => {
  it('blocks before anything changes when the license has no seat, naming the Integration license and the exact flags', async () => {
    const api = orgAnswering([
      [/FROM UserLicense/, [
        { Name: 'Salesforce', TotalLicenses: 2, UsedLicenses: 2 },
        { Name: 'Salesforce Integration', TotalLicenses: 5, UsedLicenses: 1 },
      ]],
    ]);
    const check = await checkLicenses(api, files, inventory, plan(true));
    expect(check.report).to.deep.equal({ userLicense: 'Salesforce', seats: { total: 2, used: 2 } });
    expect(check.blockers).to.have.length(1);
    expect(check.blockers[0]).to.include('2 of 2 used').and.include('(4 free)');
    expect(check.blockers[0]).to.include(
      'sf eca clientcreds generate --name My_App --contact-email admin@example.com --run-as-username int@example.com --user-license "Salesforce Integration" --force'
    );
  });

  it('reads no seats when the user exists, and none when a seat is free', async () => {
    const api = orgAnswering([[/FROM UserLicense/, [{ Name: 'Salesforce', TotalLicenses: 2, UsedLicenses: 1 }]]]);
    expect((await checkLicenses(api, files, inventory, plan(true))).blockers).to.deep.equal([]);
    const existing = orgAnswering([]);
    await checkLicenses(existing, files, inventory, plan(false));
    expect(existing.soql.filter((q) => q.includes('UserLicense'))).to.deep.equal([]);
  });

  it('plans the SalesforceAPIIntegrationPsl assignment for an Integration user, before the permission sets', async () => {
    const integration = { ...files, profile: undefined, profileName: 'Minimum Access - API Only Integrations' } as AppFiles;
    const api = orgAnswering([
      [/FROM UserLicense/, [{ Name: 'Salesforce Integration', TotalLicenses: 5, UsedLicenses: 0 }]],
      [/FROM PermissionSetLicense /, [{ Id: '0PL1', DeveloperName: 'SalesforceAPIIntegrationPsl', TotalLicenses: 5, UsedLicenses: 0 }]],
    ]);
    const check = await checkLicenses(api, integration, inventory, plan(true));
    expect(check.blockers).to.deep.equal([]);
    expect(check.phase).to.deep.equal({ kind: 'assignPermissionSetLicense', permissionSetLicenseId: '0PL1', developerName: 'SalesforceAPIIntegrationPsl' });
    const phases: Phase[] = [
      { kind: 'createUser', user: {} as never, profileName: 'x' },
      { kind: 'assignPermissionSets', names: ['A'] },
      { kind: 'deploy', steps: ['app'], components: [], checkOnly: false, policyIsNew: true },
    ];
    expect(withLicensePhase(phases, check.phase, false).map((p) => p.kind)).to.deep.equal([
      'createUser',
      'assignPermissionSetLicense',
      'assignPermissionSets',
      'deploy',
    ]);
    expect(withLicensePhase(phases, check.phase, true), 'none in a dry run').to.equal(phases);
  });

  it('skips the PSL when the existing user has it; blocks when no PSL seat is left or the org has none', async () => {
    const integration = { ...files, profile: undefined, profileName: 'Minimum Access - API Only Integrations' } as AppFiles;
    const withUser = { ...inventory, runAsUser: { id: '005A', profileName: 'Minimum Access - API Only Integrations' } } as OrgInventory;
    const psl = [/FROM PermissionSetLicense /, [{ Id: '0PL1', DeveloperName: 'SalesforceAPIIntegrationPsl', TotalLicenses: 1, UsedLicenses: 1 }]] as [RegExp, Array<Record<string, unknown>>];
    const assigned = await checkLicenses(orgAnswering([psl, [/FROM PermissionSetLicenseAssign/, [{ Id: '2LA1' }]]]), integration, withUser, plan(false));
    expect(assigned).to.deep.include({ blockers: [] });
    expect(assigned.phase).to.equal(undefined);
    expect(assigned.report.permissionSetLicense?.status).to.equal('assigned');
    const full = await checkLicenses(orgAnswering([psl]), integration, withUser, plan(false));
    expect(full.blockers[0]).to.include('SalesforceAPIIntegrationPsl').and.include('1 of 1');
    const none = await checkLicenses(orgAnswering([]), integration, withUser, plan(false));
    expect(none.blockers[0]).to.include('no permission set license SalesforceAPIIntegrationPsl');
  });
});
