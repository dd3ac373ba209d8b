/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { Messages, type SfError } from '@salesforce/core';
import type { UserDefinition } from '../../src/project/projectFiles.js';
import {
  assignPermissionSetLicense,
  assignPermissionSets,
  createUser,
  orgUserFields,
  profileIdByName,
  userRecord,
} from '../../src/deploy/userProvisioning.js';
import { fakeApi, fakeOrg } from './fakeOrgApi.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

const definition: UserDefinition = {
  Username: 'integration.user@example.com.test',
  LastName: 'Integration',
  FirstName: '',
  Email: 'admin@example.com',
  Alias: 'integ',
  profileName: 'My Integration Profile',
  permsets: ['A'],
  LocaleSidKey: 'en_US',
  TimeZoneSidKey: 'America/Los_Angeles',
  LanguageLocaleKey: 'en_US',
  EmailEncodingKey: 'UTF-8',
};

async function rejection(p: Promise<unknown>): Promise<SfError> {
  try {
    await p;
  } catch (e) {
    return e as SfError;
  }
  expect.fail('expected an error');
}

describe('deploy userProvisioning', () => {
  it('sends the User fields of the definition with the profile Id, not profileName/permsets or empty values', () => {
    expect(userRecord(definition, '00e000000000002AAA')).to.deep.equal({
      ProfileId: '00e000000000002AAA',
      Username: 'integration.user@example.com.test',
      LastName: 'Integration',
      Email: 'admin@example.com',
      Alias: 'integ',
      LocaleSidKey: 'en_US',
      TimeZoneSidKey: 'America/Los_Angeles',
      LanguageLocaleKey: 'en_US',
      EmailEncodingKey: 'UTF-8',
    });
  });

  it('creates the user through POST sobjects/User and returns its Id', async () => {
    const org = fakeOrg();
    const api = fakeApi(org);
    const id = await createUser(api, definition, '00e000000000002AAA');
    expect(id).to.match(/^005/);
    expect(org.users.map((u) => u.Username)).to.deep.equal([definition.Username]);
    // The User describe (is the org multi-currency?), then the insert.
    expect(api.calls.map((c) => `${c.method} ${c.arg}`)).to.deep.equal(['describe User', 'create User']);
    expect(api.calls[1].extra).to.not.have.property('CurrencyIsoCode');
  });

  describe('multi-currency orgs (CurrencyIsoCode)', () => {
    const currencyField = (values: Array<{ value: string; active?: boolean; defaultValue?: boolean }>): Array<{
      name: string;
      label: string;
      picklistValues: typeof values;
    }> => [{ name: 'CurrencyIsoCode', label: 'User Currency', picklistValues: values }];

    it('sends the org\'s default currency when User has CurrencyIsoCode', async () => {
      const org = fakeOrg({ describes: { User: currencyField([{ value: 'USD', active: true }, { value: 'EUR', active: true, defaultValue: true }]) } });
      const api = fakeApi(org);
      await createUser(api, definition, '00e000000000002AAA');
      expect(api.calls.find((c) => c.method === 'create')?.extra).to.include({ CurrencyIsoCode: 'EUR' });
    });

    it('falls back to Organization.DefaultCurrencyIsoCode when the picklist has no default', async () => {
      const api = fakeApi(fakeOrg({ describes: { User: currencyField([{ value: 'USD' }, { value: 'EUR' }]) } }));
      const query = api.query.bind(api);
      api.query = (<T extends Record<string, unknown>>(soql: string): Promise<T[]> =>
        soql.includes('FROM Organization') ? Promise.resolve([{ DefaultCurrencyIsoCode: 'GBP' }] as unknown as T[]) : query<T>(soql)) as typeof api.query;
      expect(await orgUserFields(api)).to.deep.equal({ CurrencyIsoCode: 'GBP' });
    });

    it('sends nothing in a single-currency org, and the definition\'s own value wins', async () => {
      expect(await orgUserFields(fakeApi(fakeOrg()))).to.deep.equal({});
      const own = { ...definition, CurrencyIsoCode: 'CHF' } as UserDefinition;
      expect(userRecord(own, '00e1', { CurrencyIsoCode: 'EUR' })).to.include({ CurrencyIsoCode: 'CHF' });
    });
  });

  it('explains a username that is not email-shaped (FIELD_INTEGRITY_EXCEPTION)', async () => {
    const api = fakeApi(
      fakeOrg({
        createErrors: {
          User: { errorCode: 'FIELD_INTEGRITY_EXCEPTION', message: 'Username must be in the form of an email address (for example, john@acme.com): Username: [Username]' },
        },
      })
    );
    const error = await rejection(createUser(api, definition, '00e000000000002AAA'));
    expect(error.name).to.equal('UsernameNotEmailError');
    expect(error.message).to.equal(messages.getMessage('error.UsernameNotEmail', [definition.Username]));
  });

  it('explains LICENSE_LIMIT_EXCEEDED with the license name and the Integration license as the way out', async () => {
    for (const message of ['License Limit Exceeded - Salesforce: []', 'License Limit Exceeded - Salesforce']) {
      const api = fakeApi(fakeOrg({ createErrors: { User: { errorCode: 'LICENSE_LIMIT_EXCEEDED', message } } }));
      // eslint-disable-next-line no-await-in-loop
      const error = await rejection(createUser(api, definition, '00e000000000002AAA'));
      expect(error.name).to.equal('LicenseLimitExceededError');
      expect(error.message).to.equal(messages.getMessage('error.LicenseLimitExceeded', [definition.Username, 'Salesforce']));
      expect(error.actions?.join('\n')).to.include('--user-license "Salesforce Integration"');
    }
  });

  it('assigns a permission set license, treating an existing assignment as done', async () => {
    const created = fakeApi(fakeOrg());
    await assignPermissionSetLicense(created, '005X', '0PL1');
    expect(created.calls).to.deep.equal([
      { method: 'create', arg: 'PermissionSetLicenseAssign', extra: { AssigneeId: '005X', PermissionSetLicenseId: '0PL1' } },
    ]);
    const duplicate = fakeApi(fakeOrg({ createErrors: { PermissionSetLicenseAssign: { errorCode: 'DUPLICATE_VALUE', message: 'duplicate' } } }));
    await assignPermissionSetLicense(duplicate, '005X', '0PL1');
    const other = fakeApi(fakeOrg({ createErrors: { PermissionSetLicenseAssign: { errorCode: 'LICENSE_LIMIT_EXCEEDED', message: 'x' } } }));
    expect((await rejection(assignPermissionSetLicense(other, '005X', '0PL1'))).name).to.equal('LICENSE_LIMIT_EXCEEDED');
  });

  it('explains a username taken in another org and how to choose another one', async () => {
    const api = fakeApi(fakeOrg({ createErrors: { User: { errorCode: 'DUPLICATE_USERNAME', message: 'Duplicate Username' } } }));
    const error = await rejection(createUser(api, definition, '00e000000000002AAA'));
    expect(error.name).to.equal('UsernameTakenError');
    expect(error.message).to.equal(messages.getMessage('error.UsernameTaken', [definition.Username]));
  });

  it('says another run is creating the user when the username was taken in this org meanwhile (issue 13)', async () => {
    const org = fakeOrg({ createErrors: { User: { errorCode: 'DUPLICATE_USERNAME', message: 'Duplicate Username' } } });
    // The other deploy's insert landed between this run's inventory and its own insert.
    org.users.push({ Id: '005000000000050AAA', Username: definition.Username, IsActive: true, ProfileId: '00e000000000002AAA' });
    const error = await rejection(createUser(fakeApi(org), definition, '00e000000000002AAA'));
    expect(error.name).to.equal('UserBeingCreatedError');
    expect(error.message).to.equal(messages.getMessage('error.UserBeingCreated', [definition.Username]));
    expect(error.message).to.not.include('another org');
  });

  it('turns a field validation error into a message pointing at the user definition', async () => {
    const api = fakeApi(fakeOrg({ createErrors: { User: { errorCode: 'INVALID_EMAIL_ADDRESS', message: 'Email: invalid email address' } } }));
    const error = await rejection(createUser(api, definition, '00e000000000002AAA'));
    expect(error.name).to.equal('UserRejectedError');
    expect(error.message).to.include('INVALID_EMAIL_ADDRESS');
  });

  it('leaves session, server and access errors to the caller', async () => {
    for (const errorCode of ['INVALID_SESSION_ID', 'UNKNOWN_EXCEPTION', 'INSUFFICIENT_ACCESS']) {
      const api = fakeApi(fakeOrg({ createErrors: { User: { errorCode, message: 'x' } } }));
      // eslint-disable-next-line no-await-in-loop
      const error = await rejection(createUser(api, definition, '00e000000000002AAA'));
      expect(error.name).to.equal(errorCode);
    }
  });

  it('resolves a profile Id by name, or says the profile is missing', async () => {
    const api = fakeApi(fakeOrg());
    expect(await profileIdByName(api, 'System Administrator')).to.equal('00e000000000001AAA');
    const error = await rejection(profileIdByName(api, 'Nope'));
    expect(error.name).to.equal('ProfileNotFoundError');
  });

  it('assigns permission sets, treating an existing assignment as done', async () => {
    const org = fakeOrg({ assignments: [{ AssigneeId: '005X', PermissionSetId: '0PS1' }] });
    await assignPermissionSets(fakeApi(org), '005X', ['0PS1', '0PS2']);
    expect(org.assignments).to.deep.equal([
      { AssigneeId: '005X', PermissionSetId: '0PS1' },
      { AssigneeId: '005X', PermissionSetId: '0PS2' },
    ]);
  });
});
