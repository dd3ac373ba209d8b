/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { Messages, type SfError } from '@salesforce/core';
import type { UserDefinition } from '../../src/project/projectFiles.js';
import { assignPermissionSets, createUser, profileIdByName, userRecord } from '../../src/deploy/userProvisioning.js';
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
    expect(api.calls).to.have.length(1);
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
