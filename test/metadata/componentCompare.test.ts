/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { differingElements, orgRecordFields, splitNames } from '../../src/metadata/componentCompare.js';

describe('metadata componentCompare', () => {
  it('ignores org-owned elements and elements the org adds that the file does not name', () => {
    const local = { callbackUrl: 'https://a.example.com/cb', isPkceRequired: 'false', label: 'X_glbloauth' };
    const org = {
      fullName: 'X_glbloauth',
      callbackUrl: 'https://a.example.com/cb',
      isPkceRequired: 'false',
      label: 'X_glbloauth',
      consumerKey: 'KEY',
      certificate: 'MIIC',
      isEnforceRefreshTokenTTL: 'false',
    };
    expect(differingElements('ExtlClntAppGlobalOauthSettings', local, org)).to.deep.equal([]);
    expect(differingElements('ExtlClntAppGlobalOauthSettings', { ...local, consumerKey: 'OTHER' }, org)).to.deep.equal([]);
  });

  it('reports elements whose value differs or that the org lacks', () => {
    const org = { callbackUrl: 'https://a.example.com/cb' };
    expect(differingElements('ExtlClntAppGlobalOauthSettings', { callbackUrl: 'https://b.example.com/cb' }, org)).to.deep.equal([
      'callbackUrl',
    ]);
    expect(differingElements('ExtlClntAppGlobalOauthSettings', { isPkceRequired: 'true' }, org)).to.deep.equal(['isPkceRequired']);
    // An org that leaves a false boolean out holds the same as a file that says false.
    expect(differingElements('ExtlClntAppGlobalOauthSettings', { isPkceRequired: 'false' }, org)).to.deep.equal([]);
  });

  it('compares comma-separated lists as sets (order, spaces and case do not matter) and text trimmed', () => {
    expect(
      differingElements('ExtlClntAppOauthSettings', { commaSeparatedOauthScopes: 'Api, Chatter ', label: ' L ' }, {
        commaSeparatedOauthScopes: 'chatter,Api',
        label: 'L',
      })
    ).to.deep.equal([]);
    expect(differingElements('ExtlClntAppOauthSettings', { commaSeparatedOauthScopes: 'Api' }, { commaSeparatedOauthScopes: 'Api,Web' })).to.deep.equal([
      'commaSeparatedOauthScopes',
    ]);
  });

  it('skips the elements the caller compares itself', () => {
    expect(
      differingElements('ExtlClntAppOauthConfigurablePolicies', { commaSeparatedProfile: 'A' }, {}, ['commaSeparatedProfile'])
    ).to.deep.equal([]);
  });

  it('Profile and PermissionSet overlay: the file entries need only be among the org entries, by key', () => {
    const org = {
      userPermissions: [
        { enabled: 'true', name: 'ApiEnabled' },
        { enabled: 'true', name: 'ViewSetup' },
      ],
      objectPermissions: { allowRead: 'true', object: 'Account', viewAllRecords: 'true', viewAllFields: 'false' },
    };
    expect(
      differingElements('Profile', { userPermissions: { enabled: 'true', name: 'ApiEnabled' }, objectPermissions: { allowRead: 'true', object: 'Account' } }, org)
    ).to.deep.equal([]);
    expect(differingElements('PermissionSet', { userPermissions: { enabled: 'true', name: 'ViewAllData' } }, org)).to.deep.equal([
      'userPermissions',
    ]);
    expect(differingElements('Profile', { userPermissions: { enabled: 'false', name: 'ApiEnabled' } }, org)).to.deep.equal([
      'userPermissions',
    ]);
  });

  it('turns a readMetadata record (booleans, numbers, xsi:type attributes) into the file shape', () => {
    expect(orgRecordFields({ $: { 'xsi:type': 'X' }, fullName: 'A', isEnabled: true, n: 5, list: [true, 'x'], nested: { a: false } })).to.deep.equal({
      fullName: 'A',
      isEnabled: 'true',
      n: '5',
      list: ['true', 'x'],
      nested: { a: 'false' },
    });
    expect(splitNames(' a, ,b ,')).to.deep.equal(['a', 'b']);
  });
});
