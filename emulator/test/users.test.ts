/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth, identity and sObject wire names */
import { expect } from 'chai';
import { startEmulator, type Emulator } from '../src/index.js';
import { call, connectionFor, rejection } from './helpers.js';

type ApiError = { errorCode: string; message: string; fields?: string[] };

/** sobjects/User insert and update with Salesforce's validation; PermissionSetAssignment (oauth section 6). */
describe('emulator users and permission set assignments', () => {
  let emu: Emulator;
  let integrationProfileId: string;

  beforeEach(async () => {
    emu = await startEmulator();
    integrationProfileId = emu.state.profileByName('Minimum Access - API Only Integrations')?.Id ?? '';
  });
  afterEach(async () => emu.stop());

  function validUser(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      Username: 'integration.user@example.com.emu',
      LastName: 'Integration',
      FirstName: 'Api',
      Email: 'integration@example.com',
      Alias: 'intuser',
      TimeZoneSidKey: 'America/Los_Angeles',
      LocaleSidKey: 'en_US',
      EmailEncodingKey: 'UTF-8',
      LanguageLocaleKey: 'en_US',
      ProfileId: integrationProfileId,
      ...overrides,
    };
  }

  /** Raw insert, to see the exact error array. */
  async function insert(body: Record<string, unknown>): Promise<{ status: number; errors: ApiError[]; id?: string }> {
    const response = await call(emu.instanceUrl, '/services/data/v66.0/sobjects/User', { token: emu.admin.accessToken, body });
    return response.status === 201
      ? { status: 201, errors: [], id: (response.body as { id: string }).id }
      : { status: response.status, errors: response.body as ApiError[] };
  }

  it('inserts a valid user with jsforce, visible to queries and GET by id', async () => {
    const conn = connectionFor(emu);
    const result = await conn.sobject('User').create(validUser());
    expect(result.success).to.equal(true);
    expect(result.id).to.match(/^005[A-Za-z0-9]{15}$/);
    const record = await conn.request<Record<string, unknown>>(`/services/data/v66.0/sobjects/User/${result.id ?? ''}?fields=Username,IsActive,ProfileId`);
    expect(record).to.include({ Username: 'integration.user@example.com.emu', IsActive: true, ProfileId: integrationProfileId });
    expect(record).to.not.have.property('Email');
  });

  it('lists every missing required field in one REQUIRED_FIELD_MISSING', async () => {
    const { status, errors } = await insert(validUser({ Alias: undefined, TimeZoneSidKey: '', ProfileId: undefined }));
    expect(status).to.equal(400);
    expect(errors).to.deep.equal([
      { message: 'Required fields are missing: [Alias, TimeZoneSidKey, ProfileId]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['Alias', 'TimeZoneSidKey', 'ProfileId'] },
    ]);
  });

  it('rejects an alias over 8 characters with STRING_TOO_LONG', async () => {
    const { errors } = await insert(validUser({ Alias: 'integrati' }));
    expect(errors).to.deep.equal([{ message: 'Alias: data value too large: integrati (max length=8)', errorCode: 'STRING_TOO_LONG', fields: ['Alias'] }]);
  });

  it('rejects a malformed email with INVALID_EMAIL_ADDRESS and a malformed username', async () => {
    const { errors } = await insert(validUser({ Email: 'not-an-email', Username: 'not a username' }));
    expect(errors.map((e) => e.errorCode)).to.have.members(['INVALID_EMAIL_ADDRESS', 'FIELD_INTEGRITY_EXCEPTION']);
    expect(errors.find((e) => e.errorCode === 'FIELD_INTEGRITY_EXCEPTION')?.message).to.equal(
      'Username must be in the form of an email address (for example, john@acme.com)'
    );
    expect(errors.find((e) => e.errorCode === 'INVALID_EMAIL_ADDRESS')?.message).to.equal('Email: invalid email address: not-an-email');
  });

  it('rejects a username taken in this org or in another org with DUPLICATE_USERNAME', async () => {
    const sameOrg = await insert(validUser({ Username: emu.admin.username.toUpperCase() }));
    expect(sameOrg.errors[0]).to.include({ errorCode: 'DUPLICATE_USERNAME' });
    expect(sameOrg.errors[0].message).to.contain('already exists in this or another Salesforce organization');
    emu.control.reserveUsername({ username: 'taken@example.com' });
    const otherOrg = await insert(validUser({ Username: 'taken@example.com' }));
    expect(otherOrg.errors[0]).to.include({ errorCode: 'DUPLICATE_USERNAME' });
  });

  it('rejects an unknown or malformed ProfileId', async () => {
    const unknown = await insert(validUser({ ProfileId: '00e000000000000AAA' }));
    expect(unknown.errors).to.deep.equal([{ message: 'invalid cross reference id', errorCode: 'INVALID_CROSS_REFERENCE_KEY', fields: ['ProfileId'] }]);
    const malformed = await insert(validUser({ ProfileId: emu.admin.userId }));
    expect(malformed.errors[0]).to.include({ errorCode: 'FIELD_INTEGRITY_EXCEPTION' });
  });

  it('rejects bad picklist values and unknown fields', async () => {
    const picklist = await insert(validUser({ TimeZoneSidKey: 'Mars/Olympus', EmailEncodingKey: 'UTF-9' }));
    expect(picklist.errors.map((e) => e.fields?.[0])).to.have.members(['TimeZoneSidKey', 'EmailEncodingKey']);
    expect(picklist.errors[0].errorCode).to.equal('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    const unknownField = await insert(validUser({ Nope__c: 'x' }));
    expect(unknownField.errors).to.deep.equal([{ message: "No such column 'Nope__c' on sobject of type User", errorCode: 'INVALID_FIELD' }]);
  });

  it('enforces the five Salesforce Integration licenses (adjustable with setLicenseLimit)', async () => {
    for (let i = 0; i < 5; i++) {
      // eslint-disable-next-line no-await-in-loop
      expect((await insert(validUser({ Username: `int${i}@example.com.emu` }))).status).to.equal(201);
    }
    const over = await insert(validUser({ Username: 'one.too.many@example.com.emu' }));
    expect(over.errors).to.deep.equal([{ message: 'License Limit Exceeded - Salesforce Integration', errorCode: 'LICENSE_LIMIT_EXCEEDED', fields: [] }]);
    // An inactive user needs no license.
    expect((await insert(validUser({ Username: 'inactive@example.com.emu', IsActive: false }))).status).to.equal(201);
    emu.control.setLicenseLimit({ license: 'Salesforce Integration', limit: null });
    expect((await insert(validUser({ Username: 'one.too.many@example.com.emu' }))).status).to.equal(201);
  });

  it('updates a user (PATCH 204) and validates the update', async () => {
    const conn = connectionFor(emu);
    const { id } = await conn.sobject('User').create(validUser());
    const updated = await conn.sobject('User').update({ Id: id ?? '', IsActive: false, LastName: 'Renamed' });
    expect(updated.success).to.equal(true);
    expect(emu.state.findUserByUsername('integration.user@example.com.emu')).to.include({ IsActive: false, LastName: 'Renamed' });
    const clash = await call(emu.instanceUrl, `/services/data/v66.0/sobjects/User/${id ?? ''}`, {
      method: 'PATCH',
      token: emu.admin.accessToken,
      body: { Username: emu.admin.username },
    });
    expect(clash.status).to.equal(400);
    expect(clash.body).to.have.nested.property('[0].errorCode', 'DUPLICATE_USERNAME');
    const missing = await call(emu.instanceUrl, '/services/data/v66.0/sobjects/User/005000000000000AAA', {
      method: 'PATCH',
      token: emu.admin.accessToken,
      body: { LastName: 'X' },
    });
    expect(missing.status).to.equal(404);
  });

  it('refuses user inserts by a user without Manage Users', async () => {
    emu.control.seedUser({ Username: 'plain@example.com.emu', LastName: 'Plain', Email: 'p@example.com', profileName: 'Standard User' });
    const { accessToken } = emu.control.createSession({ username: 'plain@example.com.emu' });
    const error = await rejection(connectionFor(emu, accessToken).sobject('User').create(validUser()));
    expect(error.errorCode).to.equal('INSUFFICIENT_ACCESS_OR_READONLY');
  });

  it('assigns a permission set, rejects a duplicate with DUPLICATE_VALUE and a license mismatch', async () => {
    const conn = connectionFor(emu);
    const { id: userId } = await conn.sobject('User').create(validUser());
    const ps = emu.state.permissionSetByName('Api_Integration_Access');
    const assignment = await conn.sobject('PermissionSetAssignment').create({ AssigneeId: userId, PermissionSetId: ps?.Id });
    expect(assignment.id).to.match(/^0Pa/);
    const duplicate = await rejection(conn.sobject('PermissionSetAssignment').create({ AssigneeId: userId, PermissionSetId: ps?.Id }));
    expect(duplicate.errorCode).to.equal('DUPLICATE_VALUE');
    const mismatch = await rejection(conn.sobject('PermissionSetAssignment').create({ AssigneeId: emu.admin.userId, PermissionSetId: ps?.Id }));
    expect(mismatch.errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION');
    const badRef = await rejection(conn.sobject('PermissionSetAssignment').create({ AssigneeId: '005000000000000AAA', PermissionSetId: ps?.Id }));
    expect(badRef.errorCode).to.equal('INVALID_CROSS_REFERENCE_KEY');
    const missing = await rejection(conn.sobject('PermissionSetAssignment').create({ AssigneeId: userId }));
    expect(missing.errorCode).to.equal('REQUIRED_FIELD_MISSING');
  });

  it('answers GET of an unknown record or object with NOT_FOUND', async () => {
    const unknownRecord = await call(emu.instanceUrl, '/services/data/v66.0/sobjects/User/005000000000000AAA', { token: emu.admin.accessToken });
    expect(unknownRecord.status).to.equal(404);
    expect(unknownRecord.body).to.deep.equal([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
    const unknownObject = await call(emu.instanceUrl, '/services/data/v66.0/sobjects/Nope/describe', { token: emu.admin.accessToken });
    expect(unknownObject.status).to.equal(404);
    const describe = await call(emu.instanceUrl, '/services/data/v66.0/sobjects/User/describe', { token: emu.admin.accessToken });
    expect(describe.body).to.have.property('name', 'User');
  });
});
