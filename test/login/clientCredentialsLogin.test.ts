/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { SfError } from '@salesforce/core';
import { expect } from 'chai';
import { type LoginDeps, type LoginInput, loginWithClientCredentials } from '../../src/login/clientCredentialsLogin.js';
import { resolveTokenEndpoint } from '../../src/oauth/tokenEndpoint.js';
import { SecretRedactor } from '../../src/security/redact.js';
import type { TokenCheckInput, TokenCheckResult } from '../../src/tokenCheck/tokenCheck.js';

const TOKEN = '00D000000000001!AQ.token-value';
const INPUT: LoginInput = {
  endpoint: resolveTokenEndpoint({ instanceUrl: 'https://acme.my.salesforce.com' }),
  clientId: 'FAKE-KEY-1',
  clientSecret: 'S3CRETVALUE',
  credentialsFromOrg: false,
  apiVersion: '66.0',
  waitMs: 0,
  alias: 'ci',
  setDefault: true,
};

function checked(overrides: Partial<TokenCheckResult> = {}): TokenCheckResult {
  return {
    success: true,
    tokenEndpoint: 'https://acme.my.salesforce.com/services/oauth2/token',
    credentialsSource: 'flags',
    authMethod: 'body',
    scopes: ['api'],
    instanceUrl: 'https://acme.my.salesforce.com',
    runAsUsername: 'integration@acme.com',
    orgId: '00D000000000001AAA',
    attempts: 1,
    waitedMs: 0,
    elapsedMs: 1,
    accessToken: TOKEN,
    expiresAt: '2026-12-03T06:00:00.000Z',
    ...overrides,
  };
}

function deps(result: TokenCheckResult, stored: string[] = [], checks: TokenCheckInput[] = []): LoginDeps {
  return {
    redactor: new SecretRedactor(),
    check: (input): Promise<TokenCheckResult> => {
      checks.push(input);
      return Promise.resolve(result);
    },
    store: (input): ReturnType<LoginDeps['store']> => {
      stored.push(`${input.accessToken} ${input.instanceUrl} ${input.alias ?? ''} ${String(input.setDefault)}`);
      return Promise.resolve({ username: 'Integration@acme.com', orgId: '00D000000000001AAA', instanceUrl: input.instanceUrl });
    },
    renewCommand: 'sf eca clientcreds login --client-id FAKE-KEY-1 --instance-url https://acme.my.salesforce.com --alias ci',
  };
}

describe('login/clientCredentialsLogin', () => {
  it('keeps the checked token, stores it with alias and default, and returns no token', async () => {
    const stored: string[] = [];
    const checks: TokenCheckInput[] = [];
    const result = await loginWithClientCredentials(INPUT, deps(checked(), stored, checks));
    expect(checks[0]).to.include({ showToken: true, basicAuth: false, clientId: 'FAKE-KEY-1' });
    expect(stored).to.deep.equal([`${TOKEN} https://acme.my.salesforce.com ci true`]);
    expect(result).to.include({ username: 'Integration@acme.com', alias: 'ci', isDefault: true, expiresAt: '2026-12-03T06:00:00.000Z' });
    expect(JSON.stringify(result)).to.not.include(TOKEN).and.to.not.include('S3CRETVALUE');
  });

  it('refuses to trust a stored login for another user than the one the check proved', async () => {
    try {
      await loginWithClientCredentials(INPUT, deps(checked({ runAsUsername: 'other@acme.com' })));
      expect.fail('expected a failure');
    } catch (error) {
      expect((error as SfError).name).to.equal('StoredUserDiffersError');
    }
  });

  it('stores nothing when the check fails', async () => {
    const stored: string[] = [];
    const failing: LoginDeps = { ...deps(checked(), stored), check: () => Promise.reject(new SfError('nope', 'WrongSecretError')) };
    try {
      await loginWithClientCredentials(INPUT, failing);
      expect.fail('expected a failure');
    } catch (error) {
      expect((error as SfError).name).to.equal('WrongSecretError');
    }
    expect(stored).to.deep.equal([]);
  });
});
