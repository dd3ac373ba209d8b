/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages, SfError } from '@salesforce/core';
import { expect } from 'chai';
import { buildAppDefinition, AppDefinitionInput, DEFAULT_TIME_ZONE } from '../../src/generate/appDefinition.js';
import { validateTimeZone } from '../../src/generate/appDefinitionRules.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.generate');

const base: AppDefinitionInput = {
  name: 'Billing_Sync',
  contactEmail: 'admin@example.com',
  runAsUsername: 'billing.integration@example.com',
};

function rejection(input: AppDefinitionInput): SfError {
  try {
    buildAppDefinition(input);
  } catch (error) {
    expect(error).to.be.instanceOf(SfError);
    return error as SfError;
  }
  return expect.fail('buildAppDefinition accepted the input');
}

describe('buildAppDefinition', () => {
  it('applies the documented defaults', () => {
    const { definition, warnings } = buildAppDefinition(base);
    expect(warnings).to.deep.equal([]);
    expect(definition.apiVersion).to.equal('66.0');
    expect(definition.app).to.deep.equal({
      name: 'Billing_Sync',
      label: 'Billing Sync',
      description: messages.getMessage('default.appDescription'),
      contactEmail: 'admin@example.com',
    });
    expect(definition.oauth).to.deep.equal({
      callbackUrl: 'https://login.salesforce.com/services/oauth2/success',
      scopes: ['Api'],
      pkceRequired: false,
      refreshTokenRotation: false,
      jwtAccessTokens: false,
    });
    expect(definition.profile).to.deep.equal({
      kind: 'custom',
      name: 'Billing_Sync Integration',
      description: messages.getMessage('default.profileDescription', ['Billing_Sync']),
      userLicense: 'Salesforce',
      apiOnlyUser: false,
      viewAllData: true,
      viewAllObjects: [],
    });
    expect(definition.policy).to.deep.equal({
      runAsUsername: 'billing.integration@example.com',
      permittedUsers: 'AdminApprovedPreAuthorized',
      ipRelaxation: 'Enforce',
      sessionTimeoutMinutes: undefined,
      refreshTokenPolicy: 'Zero',
      refreshTokenValidity: undefined,
      preAuthorizedProfiles: ['Billing_Sync Integration'],
      preAuthorizedPermissionSets: ['Billing_Sync_Access'],
    });
    expect(definition.accessPermissionSet).to.deep.equal({
      name: 'Billing_Sync_Access',
      label: 'Billing Sync Access',
      description: messages.getMessage('default.permissionSetDescription', ['Billing_Sync']),
      userPermissions: [],
      viewAllObjects: [],
    });
    expect(definition.permissionSets).to.deep.equal(['Billing_Sync_Access']);
    expect(definition.user).to.deep.equal({
      username: 'billing.integration@example.com',
      lastName: 'Integration',
      firstName: undefined,
      email: 'admin@example.com',
      alias: 'billingi',
      locale: 'en_US',
      timeZone: 'America/Los_Angeles',
      language: 'en_US',
      emailEncoding: 'UTF-8',
    });
  });

  it('checks a time zone given, and leaves the default unchecked because the default passes the same check', () => {
    expect(validateTimeZone(DEFAULT_TIME_ZONE)).to.equal(DEFAULT_TIME_ZONE);
    expect(buildAppDefinition(base).definition.user.timeZone).to.equal(DEFAULT_TIME_ZONE);
    expect(buildAppDefinition({ ...base, userTimeZone: 'Europe/Paris' }).definition.user.timeZone).to.equal('Europe/Paris');
  });

  it('uses the project sourceApiVersion when no version is given, and warns when the flag is above it', () => {
    expect(buildAppDefinition({ ...base, projectApiVersion: '62.0' }).definition.apiVersion).to.equal('62.0');
    const { definition, warnings } = buildAppDefinition({ ...base, projectApiVersion: '62.0', apiVersion: '64.0' });
    expect(definition.apiVersion).to.equal('64.0');
    expect(warnings).to.deep.equal([messages.getMessage('warning.ApiVersionAboveProject', ['64.0', '62.0'])]);
  });

  it('warns about an API version newer than the field tables', () => {
    const { warnings } = buildAppDefinition({ ...base, apiVersion: '70.0' });
    expect(warnings).to.deep.equal([messages.getMessage('warning.ApiVersionNewerThanKnown', ['70.0', '68.0'])]);
  });

  it('pre-authorizes an existing profile and the permission sets, which also go to the user', () => {
    const { definition } = buildAppDefinition({
      ...base,
      existingProfile: 'Minimum Access - API Only Integrations',
      permissionSets: ['Billing_Access', 'Api_Access', 'Billing_Access'],
    });
    expect(definition.profile).to.deep.equal({ kind: 'existing', name: 'Minimum Access - API Only Integrations' });
    expect(definition.permissionSets).to.deep.equal(['Billing_Sync_Access', 'Billing_Access', 'Api_Access']);
    expect(definition.policy.preAuthorizedProfiles).to.deep.equal(['Minimum Access - API Only Integrations']);
    expect(definition.policy.preAuthorizedPermissionSets).to.deep.equal(['Billing_Sync_Access', 'Billing_Access', 'Api_Access']);
  });

  it('lists the profile in the policy only from API 62.0 (commaSeparatedProfile), the permission set always', () => {
    for (const [apiVersion, profiles] of [
      ['60.0', []],
      ['61.0', []],
      ['62.0', ['Billing_Sync Integration']],
    ] as const) {
      const { definition } = buildAppDefinition({ ...base, apiVersion });
      expect(definition.policy.preAuthorizedProfiles, apiVersion).to.deep.equal(profiles);
      expect(definition.policy.preAuthorizedPermissionSets, apiVersion).to.deep.equal(['Billing_Sync_Access']);
    }
  });

  it('without the access permission set: only --permission-sets, and a warning when nothing pre-authorizes by permission set', () => {
    const off = buildAppDefinition({ ...base, accessPermissionSet: false, permissionSets: ['Api_Access'] });
    expect(off.definition.accessPermissionSet).to.equal(undefined);
    expect(off.definition.permissionSets).to.deep.equal(['Api_Access']);
    expect(off.warnings).to.deep.equal([]);
    const none = buildAppDefinition({ ...base, accessPermissionSet: false, apiVersion: '60.0' });
    expect(none.definition.policy.preAuthorizedPermissionSets).to.deep.equal([]);
    expect(none.warnings).to.deep.equal([messages.getMessage('warning.NoPermissionSetPreAuthorization', ['60.0'])]);
  });

  it('pre-authorizes nothing with AllSelfAuthorized', () => {
    const { definition } = buildAppDefinition({ ...base, permittedUsers: 'allselfauthorized', permissionSets: ['A_B'] });
    expect(definition.policy.permittedUsers).to.equal('AllSelfAuthorized');
    expect(definition.policy.preAuthorizedProfiles).to.deep.equal([]);
    expect(definition.policy.preAuthorizedPermissionSets).to.deep.equal([]);
    expect(definition.permissionSets).to.deep.equal(['Billing_Sync_Access', 'A_B']);
  });

  it('takes the custom profile options and the specific refresh token policy', () => {
    const { definition } = buildAppDefinition({
      ...base,
      profileName: 'Billing Api',
      apiOnlyUser: true,
      viewAllData: false,
      viewAllObjects: ['Account', 'Invoice__c'],
      userLicense: 'Salesforce Platform',
      refreshTokenPolicy: 'SpecificLifetime',
      refreshTokenValidity: '90 Days',
      sessionTimeout: 120,
      ipRelaxation: 'bypass',
    });
    expect(definition.profile).to.include({
      kind: 'custom',
      name: 'Billing Api',
      apiOnlyUser: true,
      viewAllData: false,
      userLicense: 'Salesforce Platform',
    });
    expect(definition.profile.kind === 'custom' && definition.profile.viewAllObjects).to.deep.equal(['Account', 'Invoice__c']);
    expect(definition.policy.refreshTokenValidity).to.deep.equal({ period: 90, unit: 'Days' });
    expect(definition.policy.sessionTimeoutMinutes).to.equal(120);
    expect(definition.policy.ipRelaxation).to.equal('Bypass');
  });

  describe('the Salesforce Integration license (eca-metadata.md section 8.2)', () => {
    it('uses the standard Integration profile and moves the data permissions into the access permission set', () => {
      const { definition } = buildAppDefinition({ ...base, userLicense: 'Salesforce Integration', viewAllObjects: ['Account'] });
      expect(definition.profile).to.deep.equal({ kind: 'existing', name: 'Minimum Access - API Only Integrations' });
      expect(definition.accessPermissionSet).to.deep.include({ userPermissions: ['ViewAllData'], viewAllObjects: ['Account'] });
      expect(definition.permissionSets).to.deep.equal(['Billing_Sync_Access']);
    });
    it('keeps a named custom Integration profile free of data permissions', () => {
      const { definition } = buildAppDefinition({ ...base, userLicense: 'Salesforce Integration', profileName: 'Billing Api', viewAllObjects: ['Account'] });
      expect(definition.profile).to.include({ kind: 'custom', userLicense: 'Salesforce Integration', viewAllData: false });
      expect(definition.profile.kind === 'custom' && definition.profile.viewAllObjects).to.deep.equal([]);
      expect(definition.accessPermissionSet).to.deep.include({ userPermissions: ['ViewAllData'], viewAllObjects: ['Account'] });
    });
    it('refuses to drop the permission set that would carry the data permissions', () => {
      expect(() => buildAppDefinition({ ...base, userLicense: 'Salesforce Integration', accessPermissionSet: false }))
        .to.throw()
        .with.property('name', 'IntegrationLicenseNeedsPermissionSetError');
      const { definition } = buildAppDefinition({ ...base, userLicense: 'Salesforce Integration', accessPermissionSet: false, viewAllData: false });
      expect(definition.accessPermissionSet).to.equal(undefined);
    });
  });

  describe('rejects contradictory flags', () => {
    it('--profile-name with --existing-profile', () => {
      const error = rejection({ ...base, profileName: 'A', existingProfile: 'B' });
      expect(error.message).to.equal(messages.getMessage('error.ProfileNameAndExistingProfile'));
    });
    it('custom-profile options with --existing-profile, naming them', () => {
      const error = rejection({ ...base, existingProfile: 'B', apiOnlyUser: true, viewAllObjects: ['Account'] });
      expect(error.message).to.equal(
        messages.getMessage('error.ProfileOptionsWithExistingProfile', ['--api-only-user, --view-all-objects'])
      );
    });
    it('--no-view-all-data with --existing-profile', () => {
      const error = rejection({ ...base, existingProfile: 'B', viewAllData: false });
      expect(error.message).to.equal(messages.getMessage('error.ProfileOptionsWithExistingProfile', ['--view-all-data']));
    });
    it('--session-timeout with --jwt-access-tokens', () => {
      const error = rejection({ ...base, jwtAccessTokens: true, sessionTimeout: 30 });
      expect(error.message).to.equal(messages.getMessage('error.SessionTimeoutWithJwt'));
    });
    it('--refresh-token-validity without a specific policy', () => {
      const error = rejection({ ...base, refreshTokenValidity: '90 Days' });
      expect(error.message).to.equal(messages.getMessage('error.RefreshTokenValidityWithoutSpecificPolicy', ['Zero']));
    });
    it('a specific refresh token policy without a validity', () => {
      const error = rejection({ ...base, refreshTokenPolicy: 'SpecificInactivity' });
      expect(error.message).to.equal(messages.getMessage('error.RefreshTokenPolicyNeedsValidity', ['SpecificInactivity']));
    });
    it('--jwt-access-tokens below API 61.0', () => {
      const error = rejection({ ...base, jwtAccessTokens: true, apiVersion: '60.0' });
      expect(error.message).to.equal(messages.getMessage('error.JwtNeedsApiVersion', ['60.0']));
      expect(buildAppDefinition({ ...base, jwtAccessTokens: true, apiVersion: '61.0' }).definition.oauth.jwtAccessTokens).to.equal(true);
    });
  });

  describe('rejects bad input through the rules', () => {
    const cases: Array<[string, Partial<AppDefinitionInput>, string]> = [
      ['app name', { name: 'My-App' }, 'AppNameFormatError'],
      ['contact email', { contactEmail: 'nobody' }, 'InvalidEmailError'],
      ['username', { runAsUsername: 'nobody' }, 'InvalidUsernameError'],
      ['callback URL', { callbackUrl: 'http://example.com' }, 'CallbackUrlNotHttpsError'],
      ['scope', { scopes: ['Nope'] }, 'UnknownScopeError'],
      ['API version', { apiVersion: '59.0' }, 'ApiVersionTooLowError'],
      ['project API version', { projectApiVersion: '57.0' }, 'ProjectApiVersionTooLowError'],
      ['profile name', { profileName: 'a/b' }, 'InvalidProfileNameError'],
      ['permission set', { permissionSets: ['Has Space'] }, 'InvalidPermissionSetNameError'],
      ['object', { viewAllObjects: ['Bad Object'] }, 'InvalidObjectNameError'],
      ['label', { label: 'two\nlines' }, 'ControlCharactersError'],
      ['user email', { userEmail: 'x@' }, 'InvalidEmailError'],
      ['alias', { userAlias: 'muchtoolong' }, 'InvalidAliasError'],
      ['time zone', { userTimeZone: 'Nowhere/Land' }, 'InvalidTimeZoneError'],
      ['permitted users', { permittedUsers: 'AdminApproved' }, 'InvalidEnumValueError'],
    ];
    for (const [what, change, name] of cases) {
      it(what, () => expect(rejection({ ...base, ...change }).name).to.equal(name));
    }
  });
});
