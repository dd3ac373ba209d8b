/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.js';
import { OrgState } from '../src/state.js';
import { ORG_RULES, type DeployCandidate } from '../src/metadata/deployRules.js';
import { parseComponentXml } from '../src/metadata/componentXml.js';
import { call, connectionFor, rejection } from './helpers.js';

type ApiError = { errorCode: string; message: string; fields?: string[] };

/**
 * What real orgs enforce on users and permissions (issue 9; eca-metadata.md section 8, oauth-client-credentials.md
 * section 6): multi-currency users, usernames, license texts, PermissionDependency, describe labels, the Integration
 * license and its PSL, API_DISABLED_FOR_ORG, sandbox usernames.
 */
describe('emulator: real-org users and permissions', () => {
  let emu: Emulator;
  afterEach(async () => emu?.stop());

  async function start(options: EmulatorOptions = {}): Promise<void> {
    emu = await startEmulator(options);
  }

  function user(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      Username: 'int@example.com',
      LastName: 'Integration',
      Email: 'int@example.com',
      Alias: 'int',
      TimeZoneSidKey: 'America/Los_Angeles',
      LocaleSidKey: 'en_US',
      EmailEncodingKey: 'UTF-8',
      LanguageLocaleKey: 'en_US',
      ProfileId: emu.state.profileByName('Standard User')?.Id,
      ...overrides,
    };
  }

  async function insert(sobject: string, body: Record<string, unknown>): Promise<{ status: number; errors: ApiError[]; id?: string }> {
    const response = await call(emu.instanceUrl, `/services/data/v66.0/sobjects/${sobject}`, { token: emu.admin.accessToken, body });
    return response.status === 201
      ? { status: 201, errors: [], id: (response.body as { id: string }).id }
      : { status: response.status, errors: response.body as ApiError[] };
  }

  describe('users', () => {
    it('multi-currency: CurrencyIsoCode is on the User describe (default = corporate) and required; unknown elsewhere', async () => {
      await start({ multiCurrency: 'EUR' });
      const describe = await connectionFor(emu).describe('User');
      const field = describe.fields.find((f) => f.name === 'CurrencyIsoCode') as { picklistValues?: Array<{ value: string; defaultValue: boolean }> } | undefined;
      expect(field?.picklistValues?.find((v) => v.defaultValue)?.value).to.equal('EUR');
      const missing = await insert('User', user());
      expect(missing.errors).to.deep.equal([
        { message: 'Required fields are missing: [CurrencyIsoCode]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['CurrencyIsoCode'] },
      ]);
      expect((await insert('User', user({ CurrencyIsoCode: 'EUR' }))).status).to.equal(201);
      expect(emu.state.findUserByUsername('int@example.com')?.CurrencyIsoCode).to.equal('EUR');
      await emu.stop();
      await start();
      expect((await connectionFor(emu).describe('User')).fields.map((f) => f.name)).to.not.include('CurrencyIsoCode');
      expect((await insert('User', user({ CurrencyIsoCode: 'EUR' }))).errors[0].errorCode).to.equal('INVALID_FIELD');
    });

    it('accepts `_` in domain labels and sandbox suffixes with digits; non-email usernames are FIELD_INTEGRITY_EXCEPTION', async () => {
      await start();
      expect((await insert('User', user({ Username: 'pavan@unitedtechno.com2025_04_21_12-23-0.demo' }))).status).to.equal(201);
      expect((await insert('User', user({ Username: 'int@acme.com.uat2' }))).status).to.equal(201);
      expect((await insert('User', user({ Username: 'int.user' }))).errors).to.deep.equal([
        { message: 'Username must be in the form of an email address (for example, john@acme.com)', errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['Username'] },
      ]);
    });

    it('a Developer Edition has two Salesforce licenses: LICENSE_LIMIT_EXCEEDED names the license; UserLicense shows the seats', async () => {
      await start({ orgKind: 'developer' });
      const conn = connectionFor(emu);
      const before = await conn.query<{ Name: string; TotalLicenses: number; UsedLicenses: number }>(
        "SELECT Name, TotalLicenses, UsedLicenses FROM UserLicense WHERE Name = 'Salesforce'"
      );
      expect(before.records[0]).to.include({ TotalLicenses: 2, UsedLicenses: 1 });
      expect((await insert('User', user())).status).to.equal(201);
      expect((await insert('User', user({ Username: 'third@example.com' }))).errors).to.deep.equal([
        { message: 'License Limit Exceeded - Salesforce', errorCode: 'LICENSE_LIMIT_EXCEEDED', fields: [] },
      ]);
    });

    it('a sandbox suffixes its usernames with the sandbox name', async () => {
      await start({ orgKind: 'sandbox', sandboxName: 'dev1' });
      expect(emu.admin.username).to.match(/\.emulator\.example\.com\.dev1$/);
    });
  });

  describe('permissions', () => {
    it('describe of Profile/PermissionSet lists the org\'s Permissions<Name> fields with their labels', async () => {
      await start();
      emu.control.setOrgPermissions({ remove: ['ViewDataLeakageEvents'] });
      const fields = (await connectionFor(emu).describe('Profile')).fields;
      expect(fields.find((f) => f.name === 'PermissionsViewAllData')?.label).to.equal('View All Data');
      expect(fields.find((f) => f.name === 'PermissionsViewEventLogFiles')?.label).to.equal('View Event Log Files');
      expect(fields.map((f) => f.name)).to.not.include('PermissionsViewDataLeakageEvents');
    });

    for (const [format, expected] of [
      ['apiName', { Permission: 'ViewAllData', RequiredPermission: 'ViewEventLogFiles' }],
      ['label', { Permission: 'View All Data', RequiredPermission: 'View Event Log Files' }],
    ] as const) {
      it(`Tooling PermissionDependency answers in the ${format} format`, async () => {
        await start({ permissionDependencyFormat: format });
        const result = await connectionFor(emu).tooling.query<Record<string, string>>(
          'SELECT Permission, PermissionType, RequiredPermission, RequiredPermissionType FROM PermissionDependency'
        );
        expect(result.records.map((r) => ({ Permission: r.Permission, RequiredPermission: r.RequiredPermission }))).to.deep.include(expected);
      });
    }

    it('Tooling PermissionDependency can answer nothing (format none)', async () => {
      await start({ permissionDependencyFormat: 'none' });
      const result = await connectionFor(emu).tooling.query('SELECT Permission, RequiredPermission FROM PermissionDependency');
      expect(result.totalSize).to.equal(0);
    });

    function candidate(type: string, fullName: string, xml: string): DeployCandidate {
      const parsed = parseComponentXml(xml);
      return { type, fullName, fileName: `${fullName}`, xml, elements: 'children' in parsed ? parsed.children : [], problems: [] };
    }

    function deployProblems(state: OrgState, c: DeployCandidate): string[] {
      for (const rule of ORG_RULES) rule(state, [c], { version: 66, ignoreWarnings: false });
      return c.problems.filter((p) => p.problemType === 'Error').map((p) => p.problem);
    }

    const profile = (license: string, body: string): string =>
      `<?xml version="1.0" encoding="UTF-8"?><Profile xmlns="http://soap.sforce.com/2006/04/metadata"><custom>true</custom>${body}<userLicense>${license}</userLicense></Profile>`;
    const perm = (name: string, enabled = true): string => `<userPermissions><enabled>${String(enabled)}</enabled><name>${name}</name></userPermissions>`;

    it('a profile deploy fails "depends on permission(s)" (labels) without what the org requires, and passes with it', () => {
      const state = new OrgState();
      state.permissionDependencies = [['ViewAllData', 'ViewEventLogFiles'], ['ViewAllData', 'ViewPlatformEvents']];
      expect(deployProblems(state, candidate('Profile', 'P', profile('Salesforce', perm('ViewAllData'))))).to.deep.equal([
        'Permission View All Data depends on permission(s): View Event Log Files, View Real-Time Event Monitoring Data',
      ]);
      expect(deployProblems(state, candidate('Profile', 'P', profile('Salesforce', perm('ViewAllData') + perm('ViewEventLogFiles') + perm('ViewPlatformEvents'))))).to.deep.equal([]);
      // A permission the org doesn't have is neither required nor accepted.
      state.orgPermissions.delete('ViewPlatformEvents');
      expect(deployProblems(state, candidate('Profile', 'P', profile('Salesforce', perm('ViewAllData') + perm('ViewEventLogFiles'))))).to.deep.equal([]);
      expect(deployProblems(state, candidate('Profile', 'P', profile('Salesforce', perm('ViewPlatformEvents'))))).to.deep.equal([
        'Unknown user permission: ViewPlatformEvents',
      ]);
    });

    it('an Integration-license profile refuses standard-object permissions', () => {
      const state = new OrgState();
      const objects = '<objectPermissions><allowRead>true</allowRead><object>Account</object></objectPermissions>';
      expect(deployProblems(state, candidate('Profile', 'I', profile('Salesforce Integration', objects + perm('ApiEnabled'))))).to.deep.equal([
        "The user license doesn't allow the permission: Read Accounts",
      ]);
      const custom = '<objectPermissions><allowRead>true</allowRead><object>Invoice__c</object></objectPermissions>';
      expect(deployProblems(state, candidate('Profile', 'I', profile('Salesforce Integration', custom + perm('ApiEnabled'))))).to.deep.equal([]);
    });
  });

  describe('the Salesforce Integration license and its PSL', () => {
    it('refuses a permission set to an Integration user before SalesforceAPIIntegrationPsl, then accepts it; PSL seats count', async () => {
      await start();
      const integration = emu.state.profileByName('Minimum Access - API Only Integrations')!;
      const created = await insert('User', user({ ProfileId: integration.Id, FirstName: 'Api' }));
      const ps = emu.control.seedPermissionSet({ name: 'Data_Access', label: 'Data Access', objectPermissions: ['Account'] });
      const refused = await insert('PermissionSetAssignment', { AssigneeId: created.id, PermissionSetId: ps.Id });
      expect(refused.errors).to.deep.equal([
        {
          message: 'Can\'t assign permission set "Data Access" to user "Api Integration". The user license doesn\'t allow the permission: Read Accounts',
          errorCode: 'FIELD_INTEGRITY_EXCEPTION',
          fields: ['PermissionSetId'],
        },
      ]);
      const conn = connectionFor(emu);
      const psl = (await conn.query<{ Id: string; TotalLicenses: number; UsedLicenses: number }>(
        "SELECT Id, TotalLicenses, UsedLicenses FROM PermissionSetLicense WHERE DeveloperName = 'SalesforceAPIIntegrationPsl'"
      )).records[0];
      expect(psl).to.include({ TotalLicenses: 5, UsedLicenses: 0 });
      expect((await insert('PermissionSetLicenseAssign', { AssigneeId: created.id, PermissionSetLicenseId: psl.Id })).status).to.equal(201);
      expect((await insert('PermissionSetAssignment', { AssigneeId: created.id, PermissionSetId: ps.Id })).status).to.equal(201);
      emu.control.setPermissionSetLicenseSeats({ developerName: 'SalesforceAPIIntegrationPsl', seats: 1 });
      const other = await insert('User', user({ Username: 'int2@example.com', ProfileId: integration.Id }));
      expect((await insert('PermissionSetLicenseAssign', { AssigneeId: other.id, PermissionSetLicenseId: psl.Id })).errors[0]).to.deep.include({
        errorCode: 'LICENSE_LIMIT_EXCEEDED',
        message: 'License Limit Exceeded - Salesforce API Integration',
      });
    });
  });

  it('REST refuses a user without API Enabled with API_DISABLED_FOR_ORG', async () => {
    await start();
    emu.control.seedProfile({ name: 'No Api', permissions: {} });
    emu.control.seedUser({ Username: 'noapi@example.com', LastName: 'NoApi', Email: 'noapi@example.com', profileName: 'No Api' });
    const { accessToken } = emu.control.createSession({ username: 'noapi@example.com' });
    const error = await rejection(connectionFor(emu, accessToken).query('SELECT Id FROM Organization'));
    expect(error.errorCode).to.equal('API_DISABLED_FOR_ORG');
    expect(error.message).to.equal('The REST API is not enabled for this Organization.');
  });
});
