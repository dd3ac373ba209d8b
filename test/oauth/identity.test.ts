/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth wire fields are snake_case */
import { expect } from 'chai';
import {
  IdentityUrlError,
  parseIdentityUrl,
  sameSalesforceId,
  sameUsername,
  verifyIdentity,
} from '../../src/oauth/identity.js';
import { ACCESS_TOKEN, BASE, FakeFetch, ORG_ID, USER_ID } from './fakeFetch.js';

const ID_URL = `https://login.salesforce.com/id/${ORG_ID}/${USER_ID}`;
const USER_PATH = `/services/data/v66.0/sobjects/User/${USER_ID}`;

describe('oauth/identity', () => {
  describe('parseIdentityUrl', () => {
    it('reads org and user id from the last two segments, whatever the host', () => {
      expect(parseIdentityUrl(ID_URL)).to.deep.equal({ orgId: ORG_ID, userId: USER_ID });
      expect(parseIdentityUrl(`http://127.0.0.1:5555/id/${ORG_ID}/${USER_ID}`)).to.deep.equal({ orgId: ORG_ID, userId: USER_ID });
      expect(parseIdentityUrl('https://x.my.salesforce.com/id/00D000000000001/005000000000002')).to.deep.equal({
        orgId: '00D000000000001',
        userId: '005000000000002',
      });
    });
    it('rejects URLs that are not identity URLs', () => {
      for (const bad of ['', 'not a url', `https://h/${ORG_ID}/${USER_ID}`, `https://h/id/${USER_ID}/${ORG_ID}`, 'https://h/id/00Dx/005y']) {
        expect(parseIdentityUrl(bad), bad).to.equal(undefined);
      }
    });
  });

  it('compares ids on their 15-character form and usernames case-insensitively', () => {
    expect(sameSalesforceId('00D000000000001AAA', '00D000000000001')).to.equal(true);
    expect(sameSalesforceId('00D000000000001AAA', '00D000000000002AAA')).to.equal(false);
    expect(sameSalesforceId(undefined, '00D000000000001')).to.equal(false);
    expect(sameUsername('Integration@Acme.com', 'integration@acme.com ')).to.equal(true);
    expect(sameUsername('a@acme.com', 'b@acme.com')).to.equal(false);
  });

  describe('verifyIdentity', () => {
    it('makes exactly one REST call that returns the username and proves API access', async () => {
      const fake = new FakeFetch().on('GET', USER_PATH, {
        status: 200,
        json: { attributes: { type: 'User' }, Id: USER_ID, Username: 'integration@acme.com', IsActive: true },
      });
      const identity = await verifyIdentity({ instanceUrl: `${BASE}/`, accessToken: ACCESS_TOKEN, idUrl: ID_URL, apiVersion: '66.0', fetch: fake.fetch });
      expect(identity).to.deep.equal({
        orgId: ORG_ID,
        userId: USER_ID,
        username: 'integration@acme.com',
        active: true,
        usernameSource: 'rest',
        apiCheck: { request: `GET ${USER_PATH}`, status: 200, ok: true },
        requests: 1,
      });
      expect(fake.requests).to.have.length(1);
      expect(fake.requests[0].url).to.equal(`${BASE}${USER_PATH}?fields=Username,IsActive`);
      expect(fake.requests[0].headers.authorization).to.equal(`Bearer ${ACCESS_TOKEN}`);
    });

    it('falls back to userinfo for the username when the REST API refuses the token', async () => {
      const fake = new FakeFetch()
        .on('GET', USER_PATH, { status: 401, json: [{ errorCode: 'INVALID_SESSION_ID', message: 'This session is not valid for use with the REST API' }] })
        .on('GET', '/services/oauth2/userinfo', { status: 200, json: { preferred_username: 'integration@acme.com', active: true } });
      const identity = await verifyIdentity({ instanceUrl: BASE, accessToken: ACCESS_TOKEN, idUrl: ID_URL, apiVersion: '66.0', fetch: fake.fetch });
      expect(identity.apiCheck).to.deep.equal({
        request: `GET ${USER_PATH}`,
        status: 401,
        ok: false,
        errorCode: 'INVALID_SESSION_ID',
        message: 'This session is not valid for use with the REST API',
      });
      expect(identity).to.include({ username: 'integration@acme.com', usernameSource: 'userinfo', requests: 2 });
    });

    it('reports a network failure of the REST call as a failed API check', async () => {
      const fake = new FakeFetch()
        .on('GET', USER_PATH, () => new TypeError('fetch failed', { cause: new Error('ECONNRESET') }))
        .on('GET', '/services/oauth2/userinfo', { status: 403, json: { error: 'forbidden' } });
      const identity = await verifyIdentity({ instanceUrl: BASE, accessToken: ACCESS_TOKEN, idUrl: ID_URL, apiVersion: '66.0', fetch: fake.fetch });
      expect(identity.apiCheck).to.include({ ok: false, status: 0, errorCode: 'NETWORK_ERROR' });
      expect(identity.username).to.equal(undefined);
    });

    it('throws IdentityUrlError for a malformed id', async () => {
      const fake = new FakeFetch();
      try {
        await verifyIdentity({ instanceUrl: BASE, accessToken: ACCESS_TOKEN, idUrl: 'nope', apiVersion: '66.0', fetch: fake.fetch });
        expect.fail('should have thrown');
      } catch (error) {
        expect(error).to.be.instanceOf(IdentityUrlError);
      }
      expect(fake.requests).to.have.length(0);
    });
  });
});
