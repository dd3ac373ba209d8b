/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages } from '@salesforce/core';
import { expect } from 'chai';
import type { AppOauthSettings } from '../../src/appSettings/appSettings.js';
import {
  type DiagnosisContext,
  OAUTH_ERROR_TABLE,
  PROPAGATION_WINDOW_MS,
  describeAnswer,
  diagnoseOAuthError,
  diagnoseRestError,
  diagnoseTransportFailure,
  REST_ERROR_TABLE,
  diagnosisError,
  findRow,
} from '../../src/oauth/oauthErrors.js';
import type { OAuthErrorResponse } from '../../src/oauth/tokenClient.js';
import { SecretRedactor } from '../../src/security/redact.js';
import { appSettings } from '../appSettings/appSettingsFixture.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.test');

const HOST = 'acme.my.salesforce.com';
const NOW = Date.parse('2026-11-22T12:00:00Z');
const POLICY_FILE = 'force-app/main/default/extlClntAppOauthPolicies/My_App_oauthPlcy.ecaOauthPlcy-meta.xml';
const GLOBAL_FILE = 'force-app/main/default/extlClntAppGlobalOauthSets/My_App_glbloauth.ecaGlblOauth-meta.xml';

function answer(error: string | undefined, description?: string, status = 400): OAuthErrorResponse {
  return { outcome: 'oauth-error', status, error, errorDescription: description };
}

function settings(overrides: Partial<AppOauthSettings> = {}): AppOauthSettings {
  return appSettings({
    locations: { ExtlClntAppOauthConfigurablePolicies: POLICY_FILE, ExtlClntAppGlobalOauthSettings: GLOBAL_FILE },
    ...overrides,
  });
}

const ctx = (overrides: Partial<DiagnosisContext> = {}): DiagnosisContext => ({
  tokenHost: HOST,
  appName: 'My_App',
  now: NOW,
  ...overrides,
});

/** Every diagnosis, from the reference's error catalogue (oauth-client-credentials.md section 3) and the variants. */
const CASES: Array<{ name: string; answer: OAuthErrorResponse; ctx?: Partial<DiagnosisContext>; key: string; retryable?: boolean }> = [
  { name: 'generic login host', answer: answer('invalid_grant', 'request not supported on this domain'), key: 'WrongHost' },
  { name: 'unknown_error retry your request', answer: answer('unknown_error', 'retry your request'), key: 'WrongHost' },
  {
    name: 'HTTP 500 unknown_error retry your request (Salesforce failing, not a wrong host: issue 13)',
    answer: answer('unknown_error', 'retry your request', 500),
    key: 'ServerUnavailable',
    retryable: true,
  },
  { name: 'no Run As user (nothing known)', answer: answer('invalid_grant', 'no client credentials user enabled'), key: 'NoRunAsUser' },
  {
    name: 'no Run As user (policy without clientCredentialsFlowUser)',
    answer: answer('invalid_grant', 'no client credentials user enabled'),
    ctx: { settings: settings({ runAsUser: undefined }) },
    key: 'RunAsUserMissing',
  },
  {
    name: 'email given instead of username',
    answer: answer('invalid_grant', 'no client credentials user enabled'),
    ctx: { settings: settings({ runAsUser: 'jane@acme.com' }), runAsLookup: { value: 'jane@acme.com', exists: false, usernameForEmail: 'jane@acme.com.prod' } },
    key: 'RunAsEmailNotUsername',
  },
  {
    name: 'Run As user not in the org',
    answer: answer('invalid_grant', 'no client credentials user enabled'),
    ctx: { runAsLookup: { value: 'ghost@acme.com', exists: false } },
    key: 'RunAsUserNotFound',
  },
  { name: 'unknown key', answer: answer('invalid_client_id', 'client identifier invalid'), key: 'UnknownClientId', retryable: true },
  {
    name: 'unknown key, credentials read from the org (propagation)',
    answer: answer('invalid_client_id', 'client identifier invalid'),
    ctx: { credentialsFromOrg: true },
    key: 'PropagationDelay',
    retryable: true,
  },
  {
    name: 'unknown key, app changed minutes ago (propagation)',
    answer: answer('invalid_client_id', 'client identifier invalid'),
    ctx: { settings: settings({ appLastModified: new Date(NOW - 60_000).toISOString() }) },
    key: 'PropagationDelay',
    retryable: true,
  },
  {
    name: 'unknown key, app changed long ago',
    answer: answer('invalid_client_id', 'client identifier invalid'),
    ctx: { settings: settings({ appLastModified: new Date(NOW - PROPAGATION_WINDOW_MS - 1).toISOString() }) },
    key: 'UnknownClientId',
    retryable: true,
  },
  {
    name: 'unknown key, app not in the org',
    answer: answer('invalid_client_id', 'client identifier invalid'),
    ctx: { settings: settings({ appFound: false }) },
    key: 'UnknownClientIdAppMissing',
    retryable: true,
  },
  {
    name: 'unknown key after --wait ran out',
    answer: answer('invalid_client_id', 'client identifier invalid'),
    ctx: { waitMinutes: 2, credentialsFromOrg: true },
    key: 'PropagationTimeout',
    retryable: true,
  },
  {
    name: 'unknown key that is not the app key in the org',
    answer: answer('invalid_client_id', 'client identifier invalid'),
    ctx: { clientIdKnown: false, waitMinutes: 5 },
    key: 'ClientIdMismatch',
  },
  {
    name: 'unknown key that is the app key in the org (propagation)',
    answer: answer('invalid_client_id', 'client identifier invalid'),
    ctx: { clientIdKnown: true },
    key: 'PropagationDelay',
    retryable: true,
  },
  { name: 'wrong secret', answer: answer('invalid_client', 'invalid client credentials'), key: 'WrongSecret' },
  {
    name: 'secret from the org rejected (rotation not propagated)',
    answer: answer('invalid_client', 'invalid client credentials'),
    ctx: { credentialsFromOrg: true },
    key: 'SecretNotPropagated',
    retryable: true,
  },
  { name: 'app must be installed', answer: answer('invalid_client', 'app must be installed into org'), key: 'AppNotInstalled' },
  {
    name: 'not admin approved',
    answer: answer('invalid_app_access', 'user is not admin approved to access this app'),
    ctx: { settings: settings({ policyPermissionSets: ['My_App_Access'], policyProfiles: [] }) },
    key: 'NotAdminApproved',
  },
  { name: 'no valid scopes', answer: answer('invalid_grant', 'no valid scopes defined'), ctx: { settings: settings({ scopes: ['Full'] }) }, key: 'NoValidScopes' },
  {
    name: 'app or OAuth plugin disabled',
    answer: answer('oauth_flow_disabled', 'The external client app or the OAuth plugin is disabled.'),
    ctx: { settings: settings({ oauthPluginEnabled: false }) },
    key: 'AppDisabled',
  },
  {
    name: 'CC flag off in both places',
    answer: answer('invalid_grant', 'client credentials flow not enabled'),
    ctx: { settings: settings({ globalCcEnabled: false, policyCcEnabled: false }) },
    key: 'FlowDisabledInBoth',
  },
  {
    name: 'CC flag off in the global settings only',
    answer: answer('unsupported_grant_type', 'grant type not supported'),
    ctx: { settings: settings({ globalCcEnabled: false }) },
    key: 'FlowDisabledInGlobalSettings',
  },
  {
    name: 'CC flag off in the policy only',
    answer: answer('unauthorized_client', 'client credentials flow is not enabled for this app'),
    ctx: { settings: settings({ policyCcEnabled: false }) },
    key: 'FlowDisabledInPolicy',
  },
  { name: 'CC flag off, place unknown', answer: answer('unsupported_grant_type', 'grant type not supported'), key: 'FlowDisabled' },
  { name: 'IP restrictions', answer: answer('invalid_grant', 'IP restricted or invalid login hours'), key: 'IpRestricted' },
  { name: 'inactive user', answer: answer('inactive_user', 'User is inactive'), key: 'InactiveUser' },
  { name: 'inactive user without description', answer: answer('inactive_user'), key: 'InactiveUser' },
  { name: 'inactive org', answer: answer('inactive_org', 'Org is locked, closed, or suspended'), key: 'InactiveOrg' },
  { name: 'rate limit', answer: answer('rate_limit_exceeded', 'Number of logins exceeded'), key: 'RateLimited' },
  { name: 'bad Basic header', answer: answer('invalid_basic_auth_header', 'invalid basic auth header'), key: 'InvalidBasicAuthHeader' },
  { name: 'server error code', answer: answer('server_error', 'internal error'), key: 'ServerUnavailable', retryable: true },
  { name: 'HTTP 503 HTML page', answer: { outcome: 'oauth-error', status: 503, bodySnippet: '<html>Down</html>' }, key: 'ServerUnavailable', retryable: true },
  {
    name: 'redirect',
    answer: { outcome: 'oauth-error', status: 301, location: 'https://new.my.salesforce.com/services/oauth2/token' },
    key: 'TokenEndpointRedirected',
  },
  { name: 'HTML 404', answer: { outcome: 'oauth-error', status: 404, bodySnippet: '<html>Not found</html>' }, key: 'UnexpectedTokenResponse' },
  { name: 'an error nobody mapped', answer: answer('brand_new_error', 'something new'), key: 'UnknownOAuthError' },
  { name: 'invalid_grant with an unmapped description', answer: answer('invalid_grant', 'authentication failure'), key: 'UnknownOAuthError' },
];

describe('oauth/oauthErrors', () => {
  for (const c of CASES) {
    it(`${c.name} -> ${c.key}`, () => {
      const diagnosis = diagnoseOAuthError(c.answer, ctx(c.ctx));
      expect(diagnosis.key).to.equal(c.key);
      expect(diagnosis.retryable).to.equal(c.retryable ?? false);
      // The message and its actions exist, use every token, and leave no placeholder behind.
      const error = diagnosisError(diagnosis);
      expect(error.name).to.equal(c.key.endsWith('Error') ? c.key : `${c.key}Error`);
      expect(error.message).to.not.include('%s');
      expect(error.actions ?? [], 'actions').to.have.length.greaterThan(0);
      for (const action of error.actions ?? []) expect(action).to.not.include('%s');
      // Salesforce's own answer is always shown verbatim, after the diagnosis.
      expect(error.message).to.include(messages.getMessage('info.ServerAnswer', [describeAnswer(c.answer)]));
    });
  }

  it('has no message without a use: every error key is created somewhere in src', async () => {
    const { readFile, readdir } = await import('node:fs/promises');
    const root = new URL('../../', import.meta.url);
    const catalogue = await readFile(new URL('messages/eca.clientcreds.test.md', root), 'utf8');
    const keys = [...catalogue.matchAll(/^# error\.(\w+)$/gm)].map((m) => m[1]);
    const dir = new URL('src/', root);
    const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.ts'));
    const source = (await Promise.all(files.map((f) => readFile(new URL(f, dir), 'utf8')))).join('\n');
    const unused = keys.filter((key) => !source.includes(`'error.${key}'`) && !source.includes(`key: '${key}'`));
    expect(unused).to.deep.equal([]);
  });

  it('hits every row of the table with at least one case', () => {
    const hit = new Set(CASES.map((c) => findRow(c.answer)));
    const missed = OAUTH_ERROR_TABLE.filter((row) => !hit.has(row)).map((row) => row.cause);
    expect(missed).to.deep.equal([]);
  });

  it('names the policy file to fix when the policy has no Run As user', () => {
    const error = diagnosisError(
      diagnoseOAuthError(answer('invalid_grant', 'no client credentials user enabled'), ctx({ settings: settings({ runAsUser: undefined, source: 'project' }) }))
    );
    expect(error.message).to.include(POLICY_FILE);
    expect(error.actions?.[0]).to.include(POLICY_FILE);
  });

  it('gives the real username when the policy has an email', () => {
    const error = diagnosisError(
      diagnoseOAuthError(
        answer('invalid_grant', 'no client credentials user enabled'),
        ctx({ runAsLookup: { value: 'jane@acme.com', exists: false, usernameForEmail: 'jane@acme.com.prod' } })
      )
    );
    expect(error.message).to.equal(
      messages.getMessage('error.RunAsEmailNotUsername', ['jane@acme.com', 'jane@acme.com.prod']) +
        '\n' +
        messages.getMessage('info.ServerAnswer', ['HTTP 400 invalid_grant: no client credentials user enabled'])
    );
    expect(error.actions?.[0]).to.include('jane@acme.com.prod');
  });

  it('says where to turn the flow on, naming both files when both are off', () => {
    const error = diagnosisError(
      diagnoseOAuthError(answer('unsupported_grant_type'), ctx({ settings: settings({ globalCcEnabled: false, policyCcEnabled: false }) }))
    );
    expect(error.actions?.join('\n')).to.include(GLOBAL_FILE).and.to.include(POLICY_FILE);
  });

  it('lists the policy profiles and permission sets for admin approval', () => {
    const error = diagnosisError(
      diagnoseOAuthError(
        answer('invalid_app_access', 'user is not admin approved to access this app'),
        ctx({ settings: settings({ policyProfiles: ['Integration'], policyPermissionSets: ['A', 'B'] }) })
      )
    );
    expect(error.message).to.include('integration@acme.com');
    expect(error.actions?.[0]).to.include('profiles Integration; permission sets A, B');
  });

  it('says which app switch is off for oauth_flow_disabled', () => {
    const d = diagnoseOAuthError(answer('oauth_flow_disabled'), ctx({ settings: settings({ appEnabled: false, oauthPluginEnabled: false }) }));
    expect(d.tokens[1]).to.equal('isEnabled + isOauthPluginEnabled');
  });

  it('shows an unknown error verbatim with its HTTP status', () => {
    const error = diagnosisError(diagnoseOAuthError(answer('brand_new_error', 'something new', 418), ctx()));
    expect(error.message.split('\n')[0]).to.equal(messages.getMessage('error.UnknownOAuthError', ['418', 'brand_new_error', 'something new']));
    expect(error.data).to.deep.equal({ diagnosis: 'UnknownOAuthError', serverAnswer: 'HTTP 418 brand_new_error: something new', retryable: false });
  });

  it('redacts secrets echoed by the server', () => {
    const redactor = new SecretRedactor().register('S3cr3tValue');
    const error = diagnosisError(diagnoseOAuthError(answer('weird', 'bad secret S3cr3tValue'), ctx()), (t) => redactor.redact(t));
    expect(error.message).to.not.include('S3cr3tValue');
    expect(JSON.stringify(error.data)).to.not.include('S3cr3tValue');
  });

  it('diagnoses transport failures', () => {
    const unreachable = diagnoseTransportFailure({ outcome: 'transport-error', kind: 'network', message: 'ECONNREFUSED: connect' }, ctx());
    expect(unreachable.key).to.equal('TokenEndpointUnreachable');
    expect(diagnosisError(unreachable).message).to.include(HOST).and.to.include('ECONNREFUSED');
    const timeout = diagnoseTransportFailure({ outcome: 'transport-error', kind: 'timeout', message: 'aborted' }, ctx());
    expect(timeout.key).to.equal('TokenRequestTimeout');
  });

  describe('REST answers to a new token (identity check)', () => {
    it('API_DISABLED_FOR_ORG: the Run As user lacks API Enabled, with the fix', () => {
      const diagnosis = diagnoseRestError(
        { status: 403, errorCode: 'API_DISABLED_FOR_ORG', message: 'The REST API is not enabled for this Organization.' },
        { runAsUsername: 'int@example.com' }
      );
      expect(diagnosis?.key).to.equal('RunAsApiDisabled');
      const error = diagnosisError(diagnosis!);
      expect(error.name).to.equal('RunAsApiDisabledError');
      expect(error.message.split('\n')[0]).to.equal(messages.getMessage('error.RunAsApiDisabled', ['int@example.com']));
      expect(error.message).to.include('HTTP 403 API_DISABLED_FOR_ORG: The REST API is not enabled for this Organization.');
      expect(error.actions?.[0]).to.include('ApiEnabled');
    });

    it('leaves other REST errors (INVALID_SESSION_ID: a token not valid for REST) to the generic messages', () => {
      expect(diagnoseRestError({ status: 401, errorCode: 'INVALID_SESSION_ID' }, {})).to.equal(undefined);
    });

    it('has a message and fix for every row', () => {
      for (const row of REST_ERROR_TABLE) {
        expect(messages.getMessage(`error.${row.key}`, ['x'])).to.not.equal('');
        expect(messages.getMessages(`error.${row.key}.actions`, ['x'])).to.not.deep.equal([]);
      }
    });
  });
});
