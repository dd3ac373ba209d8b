/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { startEmulator, type Emulator } from '../src/index.js';
import { call, connectionFor, rejection, seedCcApp, seedRunAsUser } from './helpers.js';

type Rec = Record<string, unknown>;

/** The SOQL subset through jsforce (org-wire-protocol.md section 6). */
describe('emulator SOQL', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator();
  });
  afterEach(async () => emu.stop());

  const q = async (soql: string): Promise<{ totalSize: number; records: Rec[] }> => connectionFor(emu).query<Rec>(soql);

  it('finds a user by username, with a relationship field and record attributes', async () => {
    const result = await q(`SELECT Id, Username, IsActive, Profile.Name FROM User WHERE Username = '${emu.admin.username}'`);
    expect(result.totalSize).to.equal(1);
    const [user] = result.records;
    expect(user).to.include({ Id: emu.admin.userId, Username: emu.admin.username, IsActive: true });
    expect(user.attributes).to.deep.equal({ type: 'User', url: `/services/data/v66.0/sobjects/User/${emu.admin.userId}` });
    expect(user.Profile).to.have.property('Name', 'System Administrator');
  });

  it('compares strings case-insensitively, and supports IN, AND, OR, NOT, LIKE, ORDER BY, LIMIT and COUNT()', async () => {
    const names = (records: Rec[]): unknown[] => records.map((r) => r.Name);
    expect(names((await q("SELECT Name FROM Profile WHERE Name = 'system administrator'")).records)).to.deep.equal(['System Administrator']);
    const inList = await q("SELECT Id, Name FROM Profile WHERE Name IN ('Standard User', 'Minimum Access - Salesforce') ORDER BY Name");
    expect(names(inList.records)).to.deep.equal(['Minimum Access - Salesforce', 'Standard User']);
    const orQuery = await q("SELECT Name FROM Profile WHERE (Name = 'Standard User' OR Name LIKE 'Minimum%') AND NOT Name = 'Minimum Access - Salesforce' ORDER BY Name DESC");
    expect(names(orQuery.records)).to.deep.equal(['Standard User', 'Minimum Access - API Only Integrations']);
    expect((await q('SELECT Name FROM Profile LIMIT 2')).records).to.have.length(2);
    const count = await q('SELECT COUNT() FROM Profile');
    expect(count.totalSize).to.equal(4);
    expect(count.records).to.deep.equal([]);
  });

  it('exposes profile permissions and the user license', async () => {
    const [profile] = (await q("SELECT Id, PermissionsApiEnabled, PermissionsApiUserOnly, UserLicense.Name FROM Profile WHERE Name = 'Minimum Access - API Only Integrations'")).records;
    expect(profile).to.include({ PermissionsApiEnabled: true, PermissionsApiUserOnly: true });
    expect(profile.UserLicense).to.have.property('Name', 'Salesforce Integration');
  });

  it("answers UserPermissionAccess with the session user's effective permissions", async () => {
    const admin = (await q('SELECT PermissionsManageUsers, PermissionsManageInternalUsers, PermissionsModifyAllData, PermissionsViewClientSecret FROM UserPermissionAccess')).records;
    expect(admin).to.have.length(1);
    expect(admin[0]).to.include({ PermissionsManageUsers: true, PermissionsManageInternalUsers: true, PermissionsModifyAllData: true, PermissionsViewClientSecret: false });
    // Another user's session sees that user's permissions, including a permission set's.
    const runAs = seedRunAsUser(emu);
    emu.control.assignPermissionSet({ username: runAs, permissionSet: 'Api_Integration_Access' });
    const { accessToken } = emu.control.createSession({ username: runAs });
    const [own] = (await connectionFor(emu, accessToken).query<Rec>('SELECT PermissionsApiEnabled, PermissionsManageUsers FROM UserPermissionAccess')).records;
    expect(own).to.include({ PermissionsApiEnabled: true, PermissionsManageUsers: false });
  });

  it('queries permission sets and assignments', async () => {
    const runAs = seedRunAsUser(emu);
    emu.control.assignPermissionSet({ username: runAs, permissionSet: 'Api_Integration_Access' });
    const [ps] = (await q("SELECT Id, Name, Label FROM PermissionSet WHERE Name = 'Api_Integration_Access'")).records;
    expect(ps.Label).to.equal('API Integration Access');
    const assignments = await q(`SELECT Id, PermissionSet.Name, Assignee.Username FROM PermissionSetAssignment WHERE PermissionSetId = '${String(ps.Id)}'`);
    expect(assignments.records).to.have.length(1);
    expect(assignments.records[0].Assignee).to.have.property('Username', runAs);
    expect(assignments.records[0].PermissionSet).to.have.property('Name', 'Api_Integration_Access');
  });

  it('queries ExternalClientApplication and ExtlClntAppOauthPlcyCnfg from stored components', async () => {
    const runAs = seedRunAsUser(emu);
    const app = seedCcApp(emu, { runAs });
    const [eca] = (await q("SELECT Id, DeveloperName, MasterLabel, DistributionState FROM ExternalClientApplication WHERE DeveloperName = 'My_Integration'")).records;
    expect(eca).to.include({ Id: app.appId, DistributionState: 'Local', MasterLabel: 'My_Integration' });
    expect(String(eca.Id)).to.match(/^0xI/);
    const [policy] = (await q(`SELECT ClientCredentialsFlowUser, IsClientCredentialsFlowEnabled, PermittedUsersPolicyType, ExternalClientApplication.DeveloperName FROM ExtlClntAppOauthPlcyCnfg WHERE ExternalClientApplicationId = '${app.appId}'`)).records;
    expect(policy).to.include({ ClientCredentialsFlowUser: runAs, IsClientCredentialsFlowEnabled: true, PermittedUsersPolicyType: 'AllSelfAuthorized' });
    expect(policy.ExternalClientApplication).to.have.property('DeveloperName', 'My_Integration');
  });

  it('answers an unknown object with INVALID_TYPE (the ScratchOrgInfo probe)', async () => {
    const error = await rejection(q('SELECT Id FROM ScratchOrgInfo limit 1'));
    expect(error.errorCode).to.equal('INVALID_TYPE');
    expect(error.message).to.contain("sObject type 'ScratchOrgInfo' is not supported.");
    expect(error.message).to.contain('ERROR at Row:1:Column:16');
  });

  it('answers an unknown field or relationship with INVALID_FIELD', async () => {
    const error = await rejection(q('SELECT Id, Nope FROM User'));
    expect(error.errorCode).to.equal('INVALID_FIELD');
    expect(error.message).to.contain("No such column 'Nope' on entity 'User'");
    const rel = await rejection(q('SELECT Nope.Name FROM User'));
    expect(rel.errorCode).to.equal('INVALID_FIELD');
    const inWhere = await rejection(q("SELECT Id FROM User WHERE Nope = 'x'"));
    expect(inWhere.errorCode).to.equal('INVALID_FIELD');
  });

  it('answers broken syntax with MALFORMED_QUERY', async () => {
    for (const soql of ['SELECT FROM User', "SELECT Id FROM User WHERE Username = 'x", 'SELECT Id FROM User LIMIT x', 'SELECT Id FROM User GROUP BY Id']) {
      // eslint-disable-next-line no-await-in-loop
      const error = await rejection(q(soql));
      expect(error.errorCode, soql).to.equal('MALFORMED_QUERY');
    }
  });

  it('answers columns=true for sf data query', async () => {
    const encoded = encodeURIComponent('SELECT Id, Name FROM Organization');
    const { body } = await call(emu.instanceUrl, `/services/data/v66.0/query?q=${encoded}&columns=true`, { token: emu.admin.accessToken });
    expect(body).to.include({ entityName: 'Organization', idSelected: true, groupBy: false });
    expect((body as { columnMetadata: Array<{ columnName: string; joinColumns: unknown[] }> }).columnMetadata.map((c) => c.columnName)).to.deep.equal(['Id', 'Name']);
  });

  it('serves SourceMember over the Tooling API only in scratch orgs', async () => {
    const soql = encodeURIComponent('SELECT MemberIdOrName, MemberType, MemberName, RevisionCounter FROM SourceMember WHERE RevisionCounter > 0');
    const production = await call(emu.instanceUrl, `/services/data/v66.0/tooling/query?q=${soql}`, { token: emu.admin.accessToken });
    expect(production.status).to.equal(400);
    expect(production.body).to.have.nested.property('[0].errorCode', 'INVALID_TYPE');
    await emu.stop();
    emu = await startEmulator({ orgKind: 'scratch' });
    seedCcApp(emu, { runAs: emu.admin.username });
    const scratch = await call(emu.instanceUrl, `/services/data/v66.0/tooling/query?q=${soql}`, { token: emu.admin.accessToken });
    expect(scratch.status).to.equal(200);
    expect((scratch.body as { records: Rec[] }).records.map((r) => r.MemberType)).to.include('ExternalClientApplication');
    const describe = await call(emu.instanceUrl, '/services/data/v66.0/tooling/sobjects/SourceMember/describe', { token: emu.admin.accessToken });
    expect(describe.body).to.have.property('name', 'SourceMember');
  });

  it('answers the SourceMember describe probe with 404 outside scratch orgs (no source tracking)', async () => {
    const describe = await call(emu.instanceUrl, '/services/data/v66.0/tooling/sobjects/SourceMember/describe', { token: emu.admin.accessToken });
    expect(describe.status).to.equal(404);
  });
});
