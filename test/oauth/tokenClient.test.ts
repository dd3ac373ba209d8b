/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth wire fields are snake_case */
import { expect } from 'chai';
import { buildTokenRequest, parseTokenResponse, requestClientCredentialsToken } from '../../src/oauth/tokenClient.js';
import { ACCESS_TOKEN, BASE, FakeFetch, tokenBody } from './fakeFetch.js';

const TOKEN_URL = `${BASE}/services/oauth2/token`;
const SECRET = 'se+cr/et=&x y';

describe('oauth/tokenClient', () => {
  describe('buildTokenRequest', () => {
    it('puts URL-encoded credentials in the form body by default', () => {
      const { headers, body } = buildTokenRequest({ tokenUrl: TOKEN_URL, clientId: 'FAKE.key+1', clientSecret: SECRET });
      expect(headers['content-type']).to.equal('application/x-www-form-urlencoded');
      expect(headers.authorization).to.equal(undefined);
      const form = new URLSearchParams(body);
      expect(form.get('grant_type')).to.equal('client_credentials');
      expect(form.get('client_id')).to.equal('FAKE.key+1');
      expect(form.get('client_secret')).to.equal(SECRET);
      expect(body).to.not.include('+cr/'); // '+' and '/' must be encoded, or the server reads a different secret
    });

    it('sends HTTP Basic with only the grant type in the body', () => {
      const { headers, body } = buildTokenRequest({ tokenUrl: TOKEN_URL, clientId: 'key', clientSecret: SECRET, basicAuth: true });
      expect(body).to.equal('grant_type=client_credentials');
      expect(headers.authorization).to.equal('Basic ' + Buffer.from(`key:${SECRET}`).toString('base64'));
    });
  });

  describe('requestClientCredentialsToken', () => {
    it('stops reading a huge answer at 1 MB instead of holding it in memory (issue 13: a 200 MB token response)', async () => {
      let pulled = 0;
      const chunk = new Uint8Array(64 * 1024).fill(0x61);
      const endless = new ReadableStream<Uint8Array>({
        pull(controller): void {
          pulled += chunk.byteLength;
          if (pulled > 200 * 1024 * 1024) controller.close();
          else controller.enqueue(chunk);
        },
      });
      const fetch = (): Promise<Response> => Promise.resolve(new Response(endless, { status: 200 }));
      const outcome = await requestClientCredentialsToken({ tokenUrl: TOKEN_URL, clientId: 'k', clientSecret: 's', fetch });
      expect(outcome.outcome).to.equal('transport-error');
      expect(pulled).to.be.lessThan(4 * 1024 * 1024);
    });

    it('keeps at most 1000 characters of an error description (issue 13: a 5 MB description)', () => {
      const outcome = parseTokenResponse(400, JSON.stringify({ error: 'invalid_grant', error_description: 'x'.repeat(5_000_000) }));
      expect(outcome.outcome).to.equal('oauth-error');
      const description = outcome.outcome === 'oauth-error' ? outcome.errorDescription ?? '' : '';
      expect(description.length).to.be.lessThan(1100);
      expect(description).to.match(/more characters\)$/);
    });

    it('POSTs to the token URL without following redirects and returns the typed token', async () => {
      const fake = new FakeFetch().on('POST', '/services/oauth2/token', { status: 200, json: tokenBody({ scope: 'api id' }) });
      const outcome = await requestClientCredentialsToken({ tokenUrl: TOKEN_URL, clientId: 'k', clientSecret: 's', fetch: fake.fetch });
      expect(outcome).to.deep.equal({
        outcome: 'token',
        status: 200,
        accessToken: ACCESS_TOKEN,
        instanceUrl: BASE,
        id: tokenBody().id,
        tokenType: 'Bearer',
        scopes: ['api', 'id'],
        issuedAt: '1678833535086',
        tokenFormat: 'opaque',
        apiInstanceUrl: undefined,
      });
      expect(fake.requests).to.have.length(1);
      expect(fake.requests[0]).to.include({ method: 'POST', url: TOKEN_URL });
    });

    it('returns an OAuth error with status, error and description', async () => {
      const fake = new FakeFetch().on('POST', '/services/oauth2/token', {
        status: 400,
        json: { error: 'invalid_client', error_description: 'invalid client credentials' },
      });
      const outcome = await requestClientCredentialsToken({ tokenUrl: TOKEN_URL, clientId: 'k', clientSecret: 's', fetch: fake.fetch });
      expect(outcome).to.deep.equal({
        outcome: 'oauth-error',
        status: 400,
        error: 'invalid_client',
        errorDescription: 'invalid client credentials',
      });
    });

    it('returns a timeout as a transport failure', async () => {
      const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      const fake = new FakeFetch().on('POST', '/services/oauth2/token', () => timeout);
      const outcome = await requestClientCredentialsToken({ tokenUrl: TOKEN_URL, clientId: 'k', clientSecret: 's', fetch: fake.fetch });
      expect(outcome).to.include({ outcome: 'transport-error', kind: 'timeout' });
    });

    it('returns the network cause (code and message) of "fetch failed"', async () => {
      const cause = Object.assign(new Error('getaddrinfo ENOTFOUND nope.my.salesforce.com'), { code: 'ENOTFOUND' });
      const fake = new FakeFetch().on('POST', '/services/oauth2/token', () => new TypeError('fetch failed', { cause }));
      const outcome = await requestClientCredentialsToken({ tokenUrl: TOKEN_URL, clientId: 'k', clientSecret: 's', fetch: fake.fetch });
      expect(outcome).to.deep.equal({
        outcome: 'transport-error',
        kind: 'network',
        message: 'ENOTFOUND: getaddrinfo ENOTFOUND nope.my.salesforce.com',
      });
    });

    it('really times out against a server that never answers', async () => {
      const never = (_url: string, init?: RequestInit): Promise<Response> =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
      const outcome = await requestClientCredentialsToken({ tokenUrl: TOKEN_URL, clientId: 'k', clientSecret: 's', fetch: never, timeoutMs: 20 });
      expect(outcome).to.include({ outcome: 'transport-error', kind: 'timeout' });
    });
  });

  describe('parseTokenResponse', () => {
    it('keeps the start of a non-OAuth body', () => {
      const html = '<html><body>' + 'x'.repeat(1000) + '</body></html>';
      const outcome = parseTokenResponse(404, html);
      expect(outcome.outcome).to.equal('oauth-error');
      if (outcome.outcome === 'oauth-error') {
        expect(outcome.bodySnippet).to.have.length(300);
        expect(outcome.error).to.equal(undefined);
      }
    });

    it('reports the Location of a redirect', () => {
      expect(parseTokenResponse(302, '', 'https://new.my.salesforce.com/services/oauth2/token')).to.include({
        status: 302,
        location: 'https://new.my.salesforce.com/services/oauth2/token',
      });
    });

    it('treats a 200 without access_token as an unexpected answer', () => {
      expect(parseTokenResponse(200, '{"hello":"world"}')).to.include({ outcome: 'oauth-error', status: 200 });
    });

    it('accepts a numeric issued_at and a missing scope', () => {
      const body = JSON.stringify({ ...tokenBody(), issued_at: 1_678_833_535_086, scope: undefined });
      const outcome = parseTokenResponse(200, body);
      expect(outcome).to.include({ outcome: 'token', issuedAt: '1678833535086' });
      if (outcome.outcome === 'token') expect(outcome.scopes).to.deep.equal([]);
    });
  });
});
