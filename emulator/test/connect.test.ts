/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth, identity and sObject wire names */
import { expect } from 'chai';
import { startEmulator, type Emulator } from '../src/index.js';
import { call, connectionFor, rejection, seedCcApp, seedRunAsUser } from './helpers.js';

type Consumer = { id: string; key?: string; secret?: string; name: string; url: string; stagedCredentialsUrl?: string };

/** Connect REST consumer credentials and their gating (oauth-client-credentials.md section 5). */
describe('emulator Connect REST OAuth credentials', () => {
  let emu: Emulator;
  let app: ReturnType<typeof seedCcApp>;
  const base = '/services/data/v66.0/apps/oauth';

  beforeEach(async () => {
    emu = await startEmulator();
    app = seedCcApp(emu, { runAs: seedRunAsUser(emu) });
  });
  afterEach(async () => emu.stop());

  function allowSecrets(): void {
    emu.control.setSetting({ name: 'enableClientSecretInRestApiAccess', value: true });
    emu.control.grantPermission({ username: emu.admin.username, permission: 'ViewClientSecret' });
  }

  it('lists apps with OAuth usage, then their consumers and the key (jsforce)', async () => {
    const conn = connectionFor(emu);
    const usage = await conn.request<{ apps: Array<{ developerName: string; identifier: string }> }>(`${base}/usage`);
    expect(usage.apps).to.deep.include({ developerName: app.app, identifier: app.appId, name: app.app, type: 'ExternalClientApplication' });
    const list = await conn.request<{ consumers: Consumer[] }>(`${base}/credentials/${app.appId}`);
    expect(list.consumers).to.have.length(1);
    const [consumer] = list.consumers;
    expect(consumer.id).to.match(/^888/);
    expect(consumer.key).to.equal(app.key);
    expect(consumer).to.not.have.property('secret');
    const keyOnly = await conn.request<Consumer>(`${base}/credentials/${app.appId}/${consumer.id}`);
    expect(keyOnly).to.include({ key: app.key, stagedCredentialsUrl: `${consumer.url}/staged` });
    expect(keyOnly).to.not.have.property('secret');
  });

  it('pages the usage list (pageSize <= 100)', async () => {
    seedCcApp(emu, { app: 'Second_App', runAs: 'integration.user@example.com.emu' });
    const first = await call(emu.instanceUrl, `${base}/usage?pageSize=1`, { token: emu.admin.accessToken });
    const body = first.body as { apps: unknown[]; nextPageUrl: string | null; totalSize: number };
    expect(body.apps).to.have.length(1);
    expect(body.totalSize).to.equal(2);
    expect(body.nextPageUrl).to.equal(`${base}/usage?page=1&pageSize=1`);
    const last = await call(emu.instanceUrl, body.nextPageUrl ?? '', { token: emu.admin.accessToken });
    expect(last.body).to.include({ nextPageUrl: null });
    expect((await call(emu.instanceUrl, `${base}/usage?pageSize=101`, { token: emu.admin.accessToken })).status).to.equal(400);
  });

  it('refuses the secret while the org setting is off, then without ViewClientSecret', async () => {
    const consumerId = emu.state.credentials.get(app.app)?.consumerId ?? '';
    const url = `${base}/credentials/${app.appId}/${consumerId}?part=keyandsecret`;
    const settingOff = await call(emu.instanceUrl, url, { token: emu.admin.accessToken });
    expect(settingOff.status).to.equal(403);
    expect(settingOff.body).to.have.nested.property('[0].errorCode', 'FUNCTIONALITY_NOT_ENABLED');
    expect((settingOff.body as Array<{ message: string }>)[0].message).to.contain('not currently enabled');
    emu.control.setSetting({ name: 'enableClientSecretInRestApiAccess', value: true });
    const noPermission = await call(emu.instanceUrl, url, { token: emu.admin.accessToken });
    expect(noPermission.status).to.equal(403);
    expect(noPermission.body).to.have.nested.property('[0].errorCode', 'INSUFFICIENT_ACCESS');
    expect((noPermission.body as Array<{ message: string }>)[0].message).to.contain('not enabled for this user');
    emu.control.grantPermission({ username: emu.admin.username, permission: 'ViewClientSecret' });
    const allowed = await call(emu.instanceUrl, url, { token: emu.admin.accessToken });
    expect(allowed.body).to.include({ key: app.key, secret: app.secret });
    const secretOnly = await call(emu.instanceUrl, url.replace('keyandsecret', 'secret'), { token: emu.admin.accessToken });
    expect(secretOnly.body).to.include({ secret: app.secret });
    expect(secretOnly.body).to.not.have.property('key');
    const badPart = await call(emu.instanceUrl, url.replace('keyandsecret', 'everything'), { token: emu.admin.accessToken });
    expect(badPart.status).to.equal(400);
  });

  it('requires External Client App Developer (or Admin) for credentials', async () => {
    emu.control.seedUser({ Username: 'viewer@example.com.emu', LastName: 'Viewer', Email: 'v@example.com', profileName: 'Standard User', permissions: ['ExternalClientAppViewer'] });
    const { accessToken } = emu.control.createSession({ username: 'viewer@example.com.emu' });
    const conn = connectionFor(emu, accessToken);
    expect((await conn.request<{ apps: unknown[] }>(`${base}/usage`)).apps).to.have.length(1);
    const error = await rejection(conn.request(`${base}/credentials/${app.appId}`));
    expect(error.errorCode).to.equal('INSUFFICIENT_ACCESS');
    emu.control.assignPermissionSet({ username: 'viewer@example.com.emu', permissionSet: 'External_Client_App_Developer' });
    const list = await conn.request<{ consumers: Consumer[] }>(`${base}/credentials/${app.appId}`);
    expect(list.consumers[0].key).to.equal(app.key);
  });

  it('answers unknown apps, consumers and versions before the resource existed with NOT_FOUND', async () => {
    const consumerId = emu.state.credentials.get(app.app)?.consumerId ?? '';
    for (const path of [
      `${base}/credentials/0xI000000000000AAA`,
      `${base}/credentials/${app.appId}/888000000000000AAA`,
      `/services/data/v59.0/apps/oauth/credentials/${app.appId}`,
      '/services/data/v58.0/apps/oauth/usage',
      `/services/data/v64.0/apps/oauth/credentials/${app.appId}/${consumerId}/staged`,
    ]) {
      // eslint-disable-next-line no-await-in-loop
      const response = await call(emu.instanceUrl, path, { token: emu.admin.accessToken });
      expect(response.status, path).to.equal(404);
    }
  });

  type Staged = { id: string; key: string; secret: string; state: string; url: string; expirationDate: string };
  const token = (key: string, secret: string): ReturnType<typeof call> =>
    call(emu.instanceUrl, '/services/oauth2/token', { form: { grant_type: 'client_credentials', client_id: key, client_secret: secret } });

  it('stages credentials (POST {} -> collection), promotes them, and keeps the previous pair Rotated until deleted', async () => {
    allowSecrets();
    const consumerId = emu.state.credentials.get(app.app)?.consumerId ?? '';
    const stagedUrl = `${base}/credentials/${app.appId}/${consumerId}/staged`;
    expect((await call(emu.instanceUrl, stagedUrl, { token: emu.admin.accessToken })).status).to.equal(404);
    const created = await call(emu.instanceUrl, stagedUrl, { method: 'POST', token: emu.admin.accessToken, body: {} });
    expect(created.status).to.equal(201);
    const [staged] = (created.body as { stagedCredentials: Staged[] }).stagedCredentials;
    expect(staged).to.include({ state: 'Active', url: `${base}/credentials/${app.appId}/${consumerId}` });
    expect(staged.key).to.not.equal(app.key);
    // One staged entry at a time.
    expect((await call(emu.instanceUrl, stagedUrl, { method: 'POST', token: emu.admin.accessToken, body: {} })).status).to.equal(400);
    // Not promoted yet: the staged key is unknown to the token endpoint (stagedPairWorksBeforePromotion false).
    expect((await token(staged.key, staged.secret)).body).to.have.property('error', 'invalid_client_id');

    const rotated = await call(emu.instanceUrl, `${stagedUrl}/${staged.id}`, { method: 'PATCH', token: emu.admin.accessToken, body: { command: 'rotate' } });
    expect(rotated.body).to.include({ id: staged.id, key: app.key, secret: app.secret, state: 'Rotated' });
    expect((await token(staged.key, staged.secret)).body).to.have.property('access_token');
    // The previous pair keeps working until it is deleted.
    expect((await token(app.key, app.secret)).body).to.have.property('access_token');
    expect((await call(emu.instanceUrl, `${stagedUrl}/${staged.id}`, { method: 'PATCH', token: emu.admin.accessToken, body: { command: 'rotate' } })).status).to.equal(400);
    expect((await call(emu.instanceUrl, `${stagedUrl}/${staged.id}`, { method: 'DELETE', token: emu.admin.accessToken })).status).to.equal(204);
    expect((await token(app.key, app.secret)).body).to.have.property('error', 'invalid_client_id');
  });

  it('expires a Rotated pair after 30 days', async () => {
    allowSecrets();
    const consumerId = emu.state.credentials.get(app.app)?.consumerId ?? '';
    const stagedUrl = `${base}/credentials/${app.appId}/${consumerId}/staged`;
    const created = await call(emu.instanceUrl, stagedUrl, { method: 'POST', token: emu.admin.accessToken, body: {} });
    const [staged] = (created.body as { stagedCredentials: Staged[] }).stagedCredentials;
    await call(emu.instanceUrl, `${stagedUrl}/${staged.id}`, { method: 'PATCH', token: emu.admin.accessToken, body: { command: 'rotate' } });
    const entry = emu.state.credentials.get(app.app)?.staged[0];
    if (entry) entry.expiresAt = emu.state.now() - 1;
    expect((await token(app.key, app.secret)).body).to.have.property('error', 'invalid_client_id');
    expect((await call(emu.instanceUrl, stagedUrl, { token: emu.admin.accessToken })).status).to.equal(404);
  });

  it('gives a staged pair tokens before promotion when stagedPairWorksBeforePromotion is on, and refuses refused secrets', async () => {
    await emu.stop();
    emu = await startEmulator({ stagedPairWorksBeforePromotion: true });
    app = seedCcApp(emu, { runAs: seedRunAsUser(emu) });
    allowSecrets();
    const first = emu.control.stageCredentials({ app: app.app });
    const [staged] = emu.control.getStagedCredentials({ app: app.app });
    expect(staged).to.include({ id: first.id, state: 'Active' });
    expect((await token(staged.consumerKey, staged.consumerSecret)).body).to.have.property('access_token');
    emu.control.refuseStagedSecrets({ app: app.app });
    expect((await token(staged.consumerKey, staged.consumerSecret)).body).to.have.property('error', 'invalid_client');
  });

  it('drops a staged POST without a body (as Salesforce resets it) and deletes staged credentials', async () => {
    allowSecrets();
    const consumerId = emu.state.credentials.get(app.app)?.consumerId ?? '';
    const stagedUrl = `${emu.instanceUrl}${base}/credentials/${app.appId}/${consumerId}/staged`;
    const headers = { authorization: `Bearer ${emu.admin.accessToken}` };
    const error = await rejection(fetch(stagedUrl, { method: 'POST', headers }));
    expect(error).to.be.instanceOf(TypeError);
    const created = await call(emu.instanceUrl, `${base}/credentials/${app.appId}/${consumerId}/staged`, { method: 'POST', token: emu.admin.accessToken, body: {} });
    const { id } = (created.body as { stagedCredentials: Array<{ id: string }> }).stagedCredentials[0];
    const deleted = await fetch(`${stagedUrl}/${id}`, { method: 'DELETE', headers });
    expect(deleted.status).to.equal(204);
    expect(emu.state.credentials.get(app.app)?.staged).to.deep.equal([]);
  });
});
