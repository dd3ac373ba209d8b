/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth, identity and sObject wire names */
import { expect } from 'chai';
import { startEmulator, type Emulator } from '../src/index.js';
import { call, connectionFor, rejection } from './helpers.js';

/** Auth and identity, discovery, sessions (org-wire-protocol.md section 2 and 6). */
describe('emulator identity and discovery', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator();
  });
  afterEach(async () => emu.stop());

  it('answers userinfo with the admin user and the org', async () => {
    const { status, body } = await call(emu.instanceUrl, '/services/oauth2/userinfo', { token: emu.admin.accessToken });
    expect(status).to.equal(200);
    expect(body).to.include({
      user_id: emu.admin.userId,
      organization_id: emu.orgId,
      preferred_username: emu.admin.username,
      sub: `${emu.instanceUrl}/id/${emu.orgId}/${emu.admin.userId}`,
    });
  });

  it('answers the identity URL through jsforce (oauth_token parameter) and with a Bearer header', async () => {
    const conn = connectionFor(emu);
    const viaJsforce = await conn.request<{ username: string }>(`${emu.instanceUrl}/id/${emu.orgId}/${emu.admin.userId}`);
    expect(viaJsforce.username).to.equal(emu.admin.username);
    const viaQuery = await call(emu.instanceUrl, `/services/data/v66.0/limits?oauth_token=${encodeURIComponent(emu.admin.accessToken)}`);
    expect(viaQuery.status).to.equal(401); // only the identity URL reads oauth_token
    const unknownUser = await call(emu.instanceUrl, `/id/${emu.orgId}/005000000000000AAA`, { token: emu.admin.accessToken });
    expect(unknownUser.status).to.equal(404);
  });

  it('answers userinfo for an unknown token with 403', async () => {
    const { status } = await call(emu.instanceUrl, '/services/oauth2/userinfo', { token: '00D000000000000!AQ.bad' });
    expect(status).to.equal(403);
  });

  it('lists versions as an array up to maxApiVersion, and 404s versions above it', async () => {
    await emu.stop();
    emu = await startEmulator({ maxApiVersion: '64.0' });
    const conn = connectionFor(emu, emu.admin.accessToken, '64.0');
    const versions = await conn.request<Array<{ version: string; url: string }>>('/services/data');
    expect(versions).to.be.an('array');
    expect(versions.at(-1)).to.include({ version: '64.0', url: '/services/data/v64.0' });
    expect(versions.map((v) => v.version)).to.include.members(['51.0', '60.0']);
    const above = await call(emu.instanceUrl, '/services/data/v65.0/limits', { token: emu.admin.accessToken });
    expect(above.status).to.equal(404);
  });

  it('serves the resource map, v51.0 User by id and the limits', async () => {
    const conn = connectionFor(emu);
    const resources = await conn.request<Record<string, string>>('/services/data/v66.0');
    expect(resources.sobjects).to.equal('/services/data/v66.0/sobjects');
    const user = await conn.request<{ Username: string }>(`/services/data/v51.0/sobjects/User/${emu.admin.userId}`);
    expect(user.Username).to.equal(emu.admin.username);
    const limits = await conn.request<{ DailyApiRequests: { Max: number } }>('/services/data/v66.0/limits');
    expect(limits.DailyApiRequests.Max).to.be.a('number');
  });

  it('answers an unknown or expired session with 401 INVALID_SESSION_ID', async () => {
    const unknown = await rejection(connectionFor(emu, '00D000000000000!AQ.unknown').query('SELECT Id FROM Organization'));
    expect(unknown.errorCode).to.equal('INVALID_SESSION_ID');
    expect(unknown.message).to.equal('Session expired or invalid');

    const { accessToken } = emu.control.createSession({ username: emu.admin.username });
    const conn = connectionFor(emu, accessToken);
    await conn.query('SELECT Id FROM Organization');
    emu.control.expireSession({ token: accessToken });
    const raw = await call(emu.instanceUrl, '/services/data/v66.0/query?q=SELECT+Id+FROM+Organization', { token: accessToken });
    expect(raw.status).to.equal(401);
    expect(raw.body).to.deep.equal([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });

  it('answers a deactivated user\'s session with INVALID_SESSION_ID', async () => {
    emu.control.seedUser({ Username: 'u@example.com.emu', LastName: 'U', Email: 'u@example.com' });
    const { accessToken } = emu.control.createSession({ username: 'u@example.com.emu' });
    emu.control.deactivateUser({ username: 'u@example.com.emu' });
    const error = await rejection(connectionFor(emu, accessToken).query('SELECT Id FROM Organization'));
    expect(error.errorCode).to.equal('INVALID_SESSION_ID');
  });

  for (const [orgKind, isSandbox, trial] of [
    ['production', false, false],
    ['developer', false, false],
    ['sandbox', true, false],
    ['scratch', true, true],
  ] as const) {
    it(`reports a ${orgKind} org through the Organization query`, async () => {
      await emu.stop();
      emu = await startEmulator({ orgKind });
      const result = await connectionFor(emu).query<{ IsSandbox: boolean; TrialExpirationDate: string | null }>(
        'SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization'
      );
      expect(result.records[0].IsSandbox).to.equal(isSandbox);
      expect(result.records[0].TrialExpirationDate !== null).to.equal(trial);
    });
  }

  it('gives each emulator its own org id and users', async () => {
    const other = await startEmulator();
    try {
      expect(other.orgId).to.not.equal(emu.orgId);
      expect(other.admin.username).to.not.equal(emu.admin.username);
      const cross = await call(other.instanceUrl, '/services/oauth2/userinfo', { token: emu.admin.accessToken });
      expect(cross.status).to.equal(403);
    } finally {
      await other.stop();
    }
  });
});
