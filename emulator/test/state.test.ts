/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { caseSafeSuffix, IdFactory, to18 } from '../src/ids.js';
import { OrgState, SESSION_TTL_MS } from '../src/state.js';

/** The org state and ids, directly (no server). */
describe('emulator ids', () => {
  it('computes the case-safe suffix Salesforce appends to 15-character ids', () => {
    expect(caseSafeSuffix('001A0000006Vm9r')).to.equal('IAC');
    expect(to18('005000000000001')).to.equal('005000000000001AAA');
    expect(to18('005000000000001AAA')).to.equal('005000000000001AAA');
  });

  it('hands out distinct 18-character ids with the requested prefix', () => {
    const ids = new IdFactory('AB12');
    const [a, b] = [ids.next('0xI'), ids.next('0xI')];
    expect(a).to.match(/^0xIAB12[0-9A-Za-z]{8}[A-Z0-5]{3}$/);
    expect(a).to.not.equal(b);
  });
});

describe('emulator OrgState', () => {
  let state: OrgState;
  beforeEach(() => {
    state = new OrgState();
  });

  it('seeds the standard profiles, the admin and permission sets', () => {
    expect([...state.profiles.values()].map((p) => p.Name)).to.have.members([
      'System Administrator',
      'Standard User',
      'Minimum Access - Salesforce',
      'Minimum Access - API Only Integrations',
    ]);
    const integration = state.profileByName('minimum access - api only integrations');
    expect(state.licenses.get(integration?.UserLicenseId ?? '')?.Name).to.equal('Salesforce Integration');
    expect(state.hasPermission(state.adminUserId, 'ModifyAllData')).to.equal(true);
    expect(state.hasPermission(state.adminUserId, 'ViewClientSecret')).to.equal(false);
    expect(state.settings).to.include({ enableExternalClientApps: true, enableClientSecretInRestApiAccess: false });
  });

  it('creates a deployed Profile from Minimum Access permissions, and overlays later deploys', () => {
    const created = state.upsertProfileFromMetadata('ECA Integration', {
      custom: 'true',
      userLicense: 'Salesforce Integration',
      userPermissions: [
        { enabled: 'true', name: 'ApiEnabled' },
        { enabled: 'true', name: 'ApiUserOnly' },
      ],
    });
    expect(created.Id).to.match(/^00e/);
    expect(state.licenses.get(created.UserLicenseId)?.Name).to.equal('Salesforce Integration');
    expect(created.permissions).to.include({ ApiEnabled: true, ApiUserOnly: true });
    // A later deploy removes a permission only when it says false (eca-metadata.md section 8).
    const updated = state.upsertProfileFromMetadata('ECA Integration', {
      userPermissions: { enabled: 'false', name: 'ApiUserOnly' },
      loginIpRanges: { startAddress: '10.0.0.0', endAddress: '10.0.0.255' },
    });
    expect(updated.Id).to.equal(created.Id);
    expect(updated.permissions).to.include({ ApiEnabled: true, ApiUserOnly: false });
    expect(updated.loginIpRanges).to.deep.equal([{ startAddress: '10.0.0.0', endAddress: '10.0.0.255' }]);
  });

  it('stores components by type and fullName, keeps id and createdDate on update, finds satellites by app', () => {
    const header = state.putComponent('ExternalClientApplication', 'App', { label: 'App' });
    expect(header.id).to.match(/^0xI/);
    state.putComponent('ExtlClntAppOauthSettings', 'Renamed_Settings', { externalClientApplication: 'App', label: 'x' });
    state.putComponent('ExtlClntAppOauthSettings', 'Other_oauth', { externalClientApplication: 'Other', label: 'y' });
    const again = state.putComponent('ExternalClientApplication', 'App', { label: 'App 2' });
    expect(again.id).to.equal(header.id);
    expect(again.createdDate).to.equal(header.createdDate);
    expect(state.getComponent('ExternalClientApplication', 'App')?.fields.label).to.equal('App 2');
    expect(state.satelliteOf('App', 'ExtlClntAppOauthSettings')?.fullName).to.equal('Renamed_Settings');
    expect(state.componentsOfApp('App').map((c) => c.fullName)).to.deep.equal(['Renamed_Settings']);
  });

  it('creates app credentials once, tied to the app id, with an obviously fake EMU key', () => {
    const header = state.putComponent('ExternalClientApplication', 'App', { label: 'App' });
    const creds = state.ensureAppCredentials('App');
    expect(creds).to.include({ appName: 'App', appId: header.id });
    expect(creds.consumerId).to.match(/^888/);
    expect(creds.consumerKey).to.match(/^EMU[0-9A-Za-z]{80}$/);
    expect(state.ensureAppCredentials('App')).to.equal(creds);
    expect(state.credentialsByKey(creds.consumerKey)).to.equal(creds);
    const oldKey = creds.consumerKey;
    state.rotateCredentials('App');
    expect(creds.consumerKey).to.not.equal(oldKey);
    expect(state.credentialsByKey(oldKey)).to.equal(undefined);
  });

  it('resolves sessions until they expire', () => {
    let now = 1_000_000;
    state.now = (): number => now;
    const session = state.createSession(state.adminUserId);
    expect(session.token).to.match(/^00D\w{12}!AQ[.\w]+$/);
    expect(state.resolveSession(session.token)).to.equal(session);
    now += SESSION_TTL_MS;
    expect(state.resolveSession(session.token)).to.equal(undefined);
    const other = state.createSession(state.adminUserId);
    expect(state.expireSession(other.token)).to.equal(true);
    expect(state.resolveSession(other.token)).to.equal(undefined);
    expect(state.resolveSession(undefined)).to.equal(undefined);
  });

  it('finds users case-insensitively and knows usernames taken elsewhere', () => {
    expect(state.findUserByUsername(state.admin.Username.toUpperCase())?.Id).to.equal(state.adminUserId);
    state.foreignUsernames.add('taken@example.com');
    expect(state.isUsernameTaken('taken@example.com')).to.equal(true);
    expect(state.isUsernameTaken('free@example.com')).to.equal(false);
  });

  it('derives IsSandbox and TrialExpirationDate from the org kind', () => {
    expect(new OrgState({ orgKind: 'scratch' }).org).to.include({ IsSandbox: true });
    expect(new OrgState({ orgKind: 'scratch' }).org.TrialExpirationDate).to.be.a('string');
    expect(new OrgState({ orgKind: 'sandbox' }).org).to.include({ IsSandbox: true, TrialExpirationDate: null });
    expect(new OrgState({ orgKind: 'production' }).org).to.include({ IsSandbox: false, TrialExpirationDate: null });
  });
});
