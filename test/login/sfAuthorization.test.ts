/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth wire fields are snake_case */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Global, Org, StateAggregator } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { storeAccessToken } from '../../src/login/sfAuthorization.js';

/** What $$.fakeConnectionRequest resolves to (core types it as AnyJson). */
type FakeAnswer = ReturnType<TestContext['fakeConnectionRequest']>;

const TOKEN = 'FAKE-ACCESS-TOKEN.for-the-store-test_0123456789';
const ORG_ID = '00D000000000001AAA';
const USER_ID = '005000000000001AAA';

type Seen = { method: string; url: string; authorization?: string };

/**
 * The org, as AuthInfo asks it who a token belongs to (userinfo, then the User record; org-wire-protocol.md section 2):
 * answers only requests that carry the right token.
 */
function orgServer(username: string, seen: Seen[]): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
    const url = req.url ?? '';
    if (url === '/services/oauth2/userinfo') {
      return send(200, { user_id: USER_ID, organization_id: ORG_ID, preferred_username: 'userinfo-name@acme.com', email: 'ops@acme.com' });
    }
    if (url.startsWith(`/services/data/v51.0/sobjects/User/${USER_ID}`)) return send(200, { Id: USER_ID, Username: username });
    return send(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  });
}

describe('login/sfAuthorization', () => {
  const $$ = new TestContext();
  let server: Server;
  let instanceUrl: string;
  let seen: Seen[];
  let username: string;
  let alias: string;

  beforeEach(async () => {
    // Unique per test: the alias file is a real file shared by every test of the run.
    username = `integration.${$$.uniqid()}@acme.com.uat2`;
    alias = `eca-${$$.uniqid()}`;
    seen = [];
    server = orgServer(username, seen);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    instanceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The Organization query core makes after the user look-up goes through Connection.request.
    $$.fakeConnectionRequest = (request): FakeAnswer => {
      const url = typeof request === 'string' ? request : (request as { url: string }).url;
      if (decodeURIComponent(url).includes('FROM Organization')) {
        return Promise.resolve({
          totalSize: 1,
          done: true,
          records: [{ Name: 'Acme', InstanceName: 'CS1', IsSandbox: true, TrialExpirationDate: null, NamespacePrefix: null, OrganizationType: 'Enterprise Edition' }],
        }) as FakeAnswer;
      }
      return Promise.resolve({ records: [] }) as FakeAnswer;
    };
  });

  afterEach(async () => {
    const aggregator = await StateAggregator.getInstance();
    if (aggregator.aliases.getUsername(alias)) await aggregator.aliases.unsetAndSave(alias);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    $$.restore();
  });

  /** The stored auth file (TestContext keeps ~/.sfdx/<username>.json in memory). */
  const storedAuth = (): Record<string, unknown> => $$.getConfigStubContents('AuthInfoConfig');
  const localConfig = (): Record<string, unknown> => $$.getConfigStubContents('Config');
  const aliasFile = async (): Promise<string> => readFile(join(tmpdir(), Global.SFDX_STATE_FOLDER, 'alias.json'), 'utf8');

  it('asks the org whose token it is and returns that user, org and instance', async () => {
    const stored = await storeAccessToken({ accessToken: TOKEN, instanceUrl, setDefault: false });
    // The username is the org's User record, not userinfo's preferred_username, and not anything the caller passed.
    expect(stored).to.deep.equal({ username, orgId: ORG_ID, instanceUrl });
    expect(seen.slice(0, 2).map((s) => [s.method, s.url])).to.deep.equal([
      ['GET', '/services/oauth2/userinfo'],
      ['GET', `/services/data/v51.0/sobjects/User/${USER_ID}`],
    ]);
    expect(seen.every((s) => s.authorization === `Bearer ${TOKEN}`)).to.equal(true);
  });

  it('stores the login under the username, like sf org login access-token: the token encrypted, no client id or secret', async () => {
    await storeAccessToken({ accessToken: TOKEN, instanceUrl, setDefault: false });
    const auth = storedAuth();
    expect(auth).to.include({ username, orgId: ORG_ID, instanceUrl, loginUrl: instanceUrl });
    expect(auth.accessToken).to.be.a('string').and.not.equal(TOKEN);
    expect(auth).to.not.have.any.keys('clientId', 'clientSecret', 'refreshToken', 'privateKey', 'password', 'authCode');
    // Nothing written anywhere holds the token in clear.
    expect(JSON.stringify($$.configStubs)).to.not.include(TOKEN);
  });

  it('stores a login that an sf command then uses by its alias, with the same token', async () => {
    await storeAccessToken({ accessToken: TOKEN, instanceUrl, alias, setDefault: false });
    const org = await Org.create({ aliasOrUsername: alias });
    expect(org.getUsername()).to.equal(username);
    expect(org.getOrgId()).to.equal(ORG_ID);
    expect(org.getConnection().accessToken).to.equal(TOKEN);
    expect(org.getConnection().instanceUrl).to.equal(instanceUrl);
  });

  it('sets the alias in the alias file (and only the username there, no token)', async () => {
    await storeAccessToken({ accessToken: TOKEN, instanceUrl, alias, setDefault: false });
    expect((await StateAggregator.getInstance()).aliases.getUsername(alias)).to.equal(username);
    const file = await aliasFile();
    expect((JSON.parse(file) as { orgs: Record<string, string> }).orgs[alias]).to.equal(username);
    expect(file).to.not.include(TOKEN);
    expect(localConfig()).to.not.have.property('target-org');
  });

  it('with setDefault makes the alias the target-org, and never the dev hub', async () => {
    await storeAccessToken({ accessToken: TOKEN, instanceUrl, alias, setDefault: true });
    expect(localConfig()['target-org']).to.equal(alias);
    expect(localConfig()).to.not.have.property('target-dev-hub');
  });

  it('with setDefault and no alias makes the username the target-org', async () => {
    await storeAccessToken({ accessToken: TOKEN, instanceUrl, setDefault: true });
    expect(localConfig()['target-org']).to.equal(username);
    expect((await StateAggregator.getInstance()).aliases.get(username)).to.equal(null);
  });

  it('stores nothing, and sets no alias or default, when the org refuses the token', async () => {
    const wrong = 'FAKE-ACCESS-TOKEN.wrong_abcdefghijklmnopqrstuvwxyz';
    const error = await storeAccessToken({ accessToken: wrong, instanceUrl, alias, setDefault: true }).then(
      () => expect.fail('a refused token was stored'),
      (e: Error) => e
    );
    expect(error.message).to.include('Session expired or invalid').and.not.include(wrong);
    expect(seen.map((s) => s.url)).to.deep.equal(['/services/oauth2/userinfo']);
    expect(storedAuth()).to.deep.equal({});
    expect((await StateAggregator.getInstance()).aliases.getUsername(alias)).to.equal(null);
    expect(localConfig()).to.not.have.property('target-org');
  });
});
