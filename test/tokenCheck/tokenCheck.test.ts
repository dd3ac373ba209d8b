/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth wire fields are snake_case */
import { SfError } from '@salesforce/core';
import { expect } from 'chai';
import { Messages } from '@salesforce/core';
import type { AppOauthSettings } from '../../src/appSettings/appSettings.js';
import { type TokenCheckInput, type TokenCheckDeps, type TokenCheckOrg, runTokenCheck } from '../../src/tokenCheck/tokenCheck.js';
import type { OrgAccess } from '../../src/orgCredentials/orgAccess.js';
import { resolveTokenEndpoint } from '../../src/oauth/tokenEndpoint.js';
import { SecretRedactor } from '../../src/security/redact.js';
import { ACCESS_TOKEN, BASE, FakeFetch, ORG_ID, USER_ID, tokenBody } from '../oauth/fakeFetch.js';
import { appSettings } from '../appSettings/appSettingsFixture.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.test');

const SECRET = 'TheConsumerSecret0123456789';
const USER_PATH = `/services/data/v66.0/sobjects/User/${USER_ID}`;
const TOKEN_PATH = '/services/oauth2/token';
const REVOKE_PATH = '/services/oauth2/revoke';

function input(overrides: Partial<TokenCheckInput> = {}): TokenCheckInput {
  return {
    endpoint: resolveTokenEndpoint({ instanceUrl: BASE }),
    clientId: 'FAKE-KEY-1',
    clientSecret: SECRET,
    credentialsFromOrg: false,
    basicAuth: false,
    appName: 'My_App',
    apiVersion: '66.0',
    waitMs: 0,
    showToken: false,
    ...overrides,
  };
}

const orgSettings = appSettings;

function fakeOrg(settings: AppOauthSettings, calls: string[] = [], orgId = ORG_ID, keys: string[] = ['FAKE-KEY-1']): TokenCheckOrg {
  return {
    orgId,
    readConsumerKeys: (name): Promise<string[]> => {
      calls.push(`keys:${name}`);
      return Promise.resolve(keys);
    },
    readAppSettings: (name): Promise<AppOauthSettings> => {
      calls.push(`settings:${name}`);
      return Promise.resolve(settings);
    },
    lookupRunAs: (value): ReturnType<OrgAccess['lookupRunAs']> => {
      calls.push(`lookup:${value}`);
      return Promise.resolve({ value, exists: false, usernameForEmail: 'integration@acme.com.prod' });
    },
  };
}

function okOrg(fake: FakeFetch, username = 'integration@acme.com'): FakeFetch {
  return fake
    .on('POST', TOKEN_PATH, { status: 200, json: tokenBody() })
    .on('POST', REVOKE_PATH, { status: 200 })
    .on('GET', USER_PATH, { status: 200, json: { Username: username, IsActive: true } });
}

function deps(fake: FakeFetch, extra: Partial<TokenCheckDeps> = {}): TokenCheckDeps & { warnings: string[]; sleeps: number[] } {
  const warnings: string[] = [];
  const sleeps: number[] = [];
  let clock = 1_000_000;
  return {
    redactor: new SecretRedactor(),
    fetch: fake.fetch,
    now: () => clock,
    sleep: (ms: number): Promise<void> => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    onWarning: (m: string) => warnings.push(m),
    warnings,
    sleeps,
    ...extra,
  };
}

async function failure(promise: Promise<unknown>): Promise<SfError> {
  try {
    await promise;
  } catch (error) {
    return error as SfError;
  }
  throw new Error('expected a failure');
}

describe('tokenCheck/tokenCheck', () => {
  it('passes: token, identity from one REST call, expected user from the flag', async () => {
    const fake = okOrg(new FakeFetch());
    const d = deps(fake);
    const result = await runTokenCheck(input({ runAsUsernameFlag: 'Integration@acme.com' }), d);
    expect(result).to.deep.include({
      success: true,
      tokenEndpoint: `${BASE}/services/oauth2/token`,
      credentialsSource: 'flags',
      authMethod: 'body',
      tokenType: 'Bearer',
      scopes: ['api'],
      instanceUrl: BASE,
      runAsUsername: 'integration@acme.com',
      runAsUserId: USER_ID,
      expectedRunAsUsername: 'Integration@acme.com',
      expectedRunAsSource: 'flag',
      orgId: ORG_ID,
      tokenFormat: 'opaque',
      issuedAt: '2023-03-14T22:38:55.086Z',
      attempts: 1,
      waitedMs: 0,
    });
    expect(result.accessToken).to.equal(undefined);
    expect(result.apiCheck).to.deep.equal({ request: `GET ${USER_PATH}`, status: 200, ok: true });
    // One token request, one REST call with the token, then the test token is revoked.
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal([`POST ${TOKEN_PATH}`, `GET ${USER_PATH}`, `POST ${REVOKE_PATH}`]);
    expect(new URLSearchParams(fake.requests[2].body).get('token')).to.equal(ACCESS_TOKEN);
    expect(result.tokenRevoked).to.equal(true);
    // Without --target-org the org can't be compared: said as a warning, not hidden.
    expect(d.warnings).to.have.length(1);
    expect(JSON.stringify(result)).to.not.include(SECRET).and.to.not.include(ACCESS_TOKEN);
  });

  it('returns the token only with showToken, keeps it valid and says when it expires', async () => {
    const fake = okOrg(new FakeFetch()).on('POST', '/services/oauth2/introspect', {
      status: 200,
      json: { active: true, exp: 1_700_007_200, username: 'integration@acme.com' },
    });
    const result = await runTokenCheck(input({ showToken: true, runAsUsernameFlag: 'integration@acme.com' }), deps(fake));
    expect(result.accessToken).to.equal(ACCESS_TOKEN);
    expect(result.tokenRevoked).to.equal(undefined);
    expect(result.expiresAt).to.equal('2023-11-15T00:13:20.000Z');
    expect(fake.requests.map((r) => r.path)).to.not.include(REVOKE_PATH);
    const introspection = new URLSearchParams(fake.requests[2].body);
    expect(introspection.get('token')).to.equal(ACCESS_TOKEN);
    expect(introspection.get('client_secret')).to.equal(SECRET);
    expect(introspection.get('grant_type')).to.equal(null);
  });

  it('shows the token even when introspection fails', async () => {
    const fake = okOrg(new FakeFetch()).on('POST', '/services/oauth2/introspect', { status: 401, json: { error: 'invalid_client' } });
    const result = await runTokenCheck(input({ showToken: true, runAsUsernameFlag: 'integration@acme.com' }), deps(fake));
    expect(result).to.include({ success: true, accessToken: ACCESS_TOKEN, expiresAt: undefined });
  });

  it('warns when the revoke fails, without failing the test', async () => {
    const fake = new FakeFetch()
      .on('POST', TOKEN_PATH, { status: 200, json: tokenBody() })
      .on('POST', REVOKE_PATH, { status: 400, json: { error: 'unsupported_token_type' } })
      .on('GET', USER_PATH, { status: 200, json: { Username: 'integration@acme.com' } });
    const d = deps(fake);
    const result = await runTokenCheck(input({ runAsUsernameFlag: 'integration@acme.com' }), d);
    expect(result).to.include({ success: true, tokenRevoked: false });
    expect(d.warnings).to.include(messages.getMessage('warning.RevokeFailed', ['400']));
  });

  it('takes the expected Run As user from the project policy, then from the org', async () => {
    const project = orgSettings({ source: 'project', runAsUser: 'integration@acme.com' });
    const fromProject = await runTokenCheck(input({ projectSettings: project }), deps(okOrg(new FakeFetch())));
    expect(fromProject).to.include({ expectedRunAsUsername: 'integration@acme.com', expectedRunAsSource: 'project' });

    const calls: string[] = [];
    const fromOrg = await runTokenCheck(input({ org: fakeOrg(orgSettings(), calls) }), deps(okOrg(new FakeFetch())));
    expect(fromOrg).to.include({ expectedRunAsUsername: 'integration@acme.com', expectedRunAsSource: 'org', expectedOrgId: ORG_ID });
    expect(calls).to.deep.equal(['settings:My_App']);
  });

  it('fails when the token runs as another user, with the partial result in the error data', async () => {
    const error = await failure(
      runTokenCheck(input({ runAsUsernameFlag: 'integration@acme.com' }), deps(okOrg(new FakeFetch(), 'admin@acme.com')))
    );
    expect(error.name).to.equal('WrongRunAsUserError');
    expect(error.message).to.include('admin@acme.com').and.to.include('integration@acme.com');
    // The token for the wrong user is revoked too.
    expect(error.data).to.deep.include({ tokenRevoked: true });
    expect(error.data).to.deep.include({ success: false, runAsUsername: 'admin@acme.com', expectedRunAsUsername: 'integration@acme.com' });
  });

  it('fails when the token belongs to another org than --target-org', async () => {
    const error = await failure(runTokenCheck(input({ org: fakeOrg(orgSettings(), [], '00D000000000999AAA') }), deps(okOrg(new FakeFetch()))));
    expect(error.name).to.equal('WrongOrgError');
  });

  it('fails when the REST API refuses the token, still naming the user from userinfo', async () => {
    const fake = new FakeFetch()
      .on('POST', TOKEN_PATH, { status: 200, json: tokenBody() })
      .on('GET', USER_PATH, { status: 401, json: [{ errorCode: 'INVALID_SESSION_ID', message: 'This session is not valid for use with the REST API' }] })
      .on('GET', '/services/oauth2/userinfo', { status: 200, json: { preferred_username: 'integration@acme.com' } });
    const error = await failure(runTokenCheck(input({ runAsUsernameFlag: 'integration@acme.com' }), deps(fake)));
    expect(error.name).to.equal('ApiAccessDeniedError');
    expect(error.data).to.deep.include({ runAsUsername: 'integration@acme.com' });
  });

  it('retries invalid_client_id with backoff under --wait and reports attempts and time waited', async () => {
    let calls = 0;
    const fake = new FakeFetch()
      .on('POST', TOKEN_PATH, () =>
        ++calls < 3 ? { status: 400, json: { error: 'invalid_client_id', error_description: 'client identifier invalid' } } : { status: 200, json: tokenBody() }
      )
      .on('GET', USER_PATH, { status: 200, json: { Username: 'integration@acme.com' } });
    const retries: number[] = [];
    const d = deps(fake, { onRetry: (e) => retries.push(e.attempt) });
    const result = await runTokenCheck(input({ waitMs: 10 * 60_000, runAsUsernameFlag: 'integration@acme.com' }), d);
    expect(result).to.include({ success: true, attempts: 3, waitedMs: 6000 });
    expect(d.sleeps).to.deep.equal([2000, 4000]);
    expect(retries).to.deep.equal([1, 2]);
  });

  it('gives up at the deadline with PropagationTimeout', async () => {
    const fake = new FakeFetch().on('POST', TOKEN_PATH, { status: 400, json: { error: 'invalid_client_id', error_description: 'client identifier invalid' } });
    const d = deps(fake);
    const error = await failure(runTokenCheck(input({ waitMs: 60_000 }), d));
    expect(error.name).to.equal('PropagationTimeoutError');
    expect(d.sleeps.reduce((a, b) => a + b, 0)).to.equal(60_000);
    expect(error.data).to.deep.include({ attempts: d.sleeps.length + 1 });
  });

  it('does not retry without --wait, and diagnoses propagation when the key came from the org', async () => {
    const fake = new FakeFetch().on('POST', TOKEN_PATH, { status: 400, json: { error: 'invalid_client_id', error_description: 'client identifier invalid' } });
    const d = deps(fake);
    const error = await failure(runTokenCheck(input({ credentialsFromOrg: true }), d));
    expect(error.name).to.equal('PropagationDelayError');
    expect(error.actions?.[0]).to.include('--wait 10');
    expect(d.sleeps).to.deep.equal([]);
  });

  it('tells a wrong --client-id from propagation by comparing with the org keys, and does not wait for it', async () => {
    const calls: string[] = [];
    const fake = new FakeFetch().on('POST', TOKEN_PATH, { status: 400, json: { error: 'invalid_client_id', error_description: 'client identifier invalid' } });
    const d = deps(fake);
    const org = fakeOrg(orgSettings({ appLastModified: '2020-01-01T00:00:00.000Z' }), calls, ORG_ID, ['FAKE-KEY-other']);
    const error = await failure(runTokenCheck(input({ org, waitMs: 10 * 60_000 }), d));
    expect(error.name).to.equal('ClientIdMismatchError');
    expect(d.sleeps).to.deep.equal([]);
    expect(calls).to.have.members(['settings:My_App', 'keys:My_App']);
  });

  it('calls invalid_client_id propagation when the --client-id key is the org key, reading the org only once', async () => {
    const calls: string[] = [];
    let attempts = 0;
    const fake = new FakeFetch()
      .on('POST', TOKEN_PATH, () =>
        ++attempts < 3 ? { status: 400, json: { error: 'invalid_client_id', error_description: 'client identifier invalid' } } : { status: 200, json: tokenBody() }
      )
      .on('GET', USER_PATH, { status: 200, json: { Username: 'integration@acme.com' } });
    const org = fakeOrg(orgSettings({ appLastModified: '2020-01-01T00:00:00.000Z' }), calls);
    const noWait = await failure(runTokenCheck(input({ org }), deps(fake)));
    expect(noWait.name).to.equal('PropagationDelayError');
    attempts = 0;
    calls.length = 0;
    const result = await runTokenCheck(input({ org, waitMs: 60_000 }), deps(fake));
    expect(result.attempts).to.equal(3);
    expect(calls).to.deep.equal(['settings:My_App', 'keys:My_App']);
  });

  it('does not retry a wrong secret under --wait', async () => {
    const fake = new FakeFetch().on('POST', TOKEN_PATH, { status: 400, json: { error: 'invalid_client', error_description: 'invalid client credentials' } });
    const d = deps(fake);
    const error = await failure(runTokenCheck(input({ waitMs: 60_000 }), d));
    expect(error.name).to.equal('WrongSecretError');
    expect(d.sleeps).to.deep.equal([]);
  });

  it('reads the org to say which switch is off', async () => {
    const calls: string[] = [];
    const fake = new FakeFetch().on('POST', TOKEN_PATH, { status: 400, json: { error: 'invalid_grant', error_description: 'client credentials flow not enabled' } });
    const error = await failure(runTokenCheck(input({ org: fakeOrg(orgSettings({ policyCcEnabled: false }), calls) }), deps(fake)));
    expect(error.name).to.equal('FlowDisabledInPolicyError');
    expect(calls).to.deep.equal(['settings:My_App']);
  });

  it('looks the Run As value up in the org for "no client credentials user enabled"', async () => {
    const calls: string[] = [];
    const fake = new FakeFetch().on('POST', TOKEN_PATH, { status: 400, json: { error: 'invalid_grant', error_description: 'no client credentials user enabled' } });
    const error = await failure(
      runTokenCheck(input({ org: fakeOrg(orgSettings({ runAsUser: 'integration@acme.com' }), calls) }), deps(fake))
    );
    expect(error.name).to.equal('RunAsEmailNotUsernameError');
    expect(calls).to.deep.equal(['settings:My_App', 'lookup:integration@acme.com']);
  });

  it('never lets the secret or the token into an error, even when the server echoes them', async () => {
    const fake = new FakeFetch().on('POST', TOKEN_PATH, {
      status: 400,
      json: { error: 'weird_error', error_description: `bad secret ${SECRET} for token ${ACCESS_TOKEN}` },
    });
    const error = await failure(runTokenCheck(input(), deps(fake)));
    expect(error.name).to.equal('UnknownOAuthError');
    const everything = JSON.stringify({ message: error.message, actions: error.actions, data: error.data });
    expect(everything).to.include('weird_error').and.to.not.include(SECRET).and.to.not.include(ACCESS_TOKEN);
  });

  it('logs each step for troubleshooting, redacted', async () => {
    const lines: string[] = [];
    const fake = new FakeFetch()
      .on('POST', TOKEN_PATH, { status: 200, json: tokenBody({ scope: `api ${SECRET}` }) })
      .on('GET', USER_PATH, { status: 200, json: { Username: 'integration@acme.com' } });
    await runTokenCheck(input({ runAsUsernameFlag: 'integration@acme.com' }), deps(fake, { log: (m) => lines.push(m) }));
    expect(lines).to.have.length(4);
    expect(lines[0]).to.include('token request 1');
    expect(lines[2]).to.include(`identity: org ${ORG_ID} user ${USER_ID}`);
    expect(lines.join('\n')).to.not.include(SECRET).and.to.not.include(ACCESS_TOKEN);
  });

  it('diagnoses an unreachable host', async () => {
    const fake = new FakeFetch().on('POST', TOKEN_PATH, () => new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') }));
    const error = await failure(runTokenCheck(input(), deps(fake)));
    expect(error.name).to.equal('TokenEndpointUnreachableError');
    expect(error.exitCode).to.equal(1);
  });

  it('never sends the token over plain http to a remote instance_url', async () => {
    const fake = new FakeFetch().on('POST', TOKEN_PATH, { status: 200, json: tokenBody({ instance_url: 'http://acme.my.salesforce.com' }) });
    const error = await failure(runTokenCheck(input({ runAsUsernameFlag: 'integration@acme.com' }), deps(fake)));
    expect(error.name).to.equal('InsecureInstanceUrlError');
    // Only the token request and the revoke, both to the https token host.
    expect(fake.requests.map((r) => r.url)).to.deep.equal([`${BASE}${TOKEN_PATH}`, `${BASE}${REVOKE_PATH}`]);
  });

  it('sends HTTP Basic when asked', async () => {
    const fake = okOrg(new FakeFetch());
    const result = await runTokenCheck(input({ basicAuth: true, runAsUsernameFlag: 'integration@acme.com' }), deps(fake));
    expect(result.authMethod).to.equal('basic');
    expect(fake.requests[0].headers.authorization).to.match(/^Basic /);
    expect(fake.requests[0].body).to.equal('grant_type=client_credentials');
  });
});
