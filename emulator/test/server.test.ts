/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth, identity and sObject wire names */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { startEmulator, type Emulator } from '../src/index.js';
import { call, connectionFor, rejection } from './helpers.js';

/** Transport: slash collapsing, listeners, faults, request log, control API over HTTP, stop. */
describe('emulator server and control API', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator();
  });
  afterEach(async () => emu.stop());

  it('listens on 127.0.0.1 with two different random ports', () => {
    expect(emu.instanceUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.loginUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.loginUrl).to.not.equal(emu.instanceUrl);
    expect(emu.orgId).to.match(/^00D[A-Za-z0-9]{15}$/);
  });

  it('collapses leading double slashes (jsforce sends //services/...)', async () => {
    const response = await call(emu.instanceUrl, '//services/data', {});
    expect(response.status).to.equal(200);
    const log = emu.control.requestLog();
    expect(log.at(-1)).to.include({ method: 'GET', path: '/services/data', status: 200, listener: 'instance' });
  });

  it('logs the SOQL of query requests', async () => {
    await connectionFor(emu).query(`SELECT Id FROM User WHERE Username = '${emu.admin.username}'`);
    expect(emu.control.requestLog().at(-1)).to.include({
      path: '/services/data/v66.0/query',
      soql: `SELECT Id FROM User WHERE Username = '${emu.admin.username}'`,
    });
  });

  it('logs requests with the SOAP method and clears the log', async () => {
    await call(emu.instanceUrl, '/services/Soap/m/66.0', {
      method: 'POST',
      body: '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><listMetadata/></soapenv:Body></soapenv:Envelope>',
      headers: { 'content-type': 'text/xml' },
    });
    expect(emu.control.requestLog().at(-1)).to.include({ path: '/services/Soap/m/66.0', soapMethod: 'listMetadata' });
    emu.control.clearRequestLog();
    expect(emu.control.requestLog()).to.deep.equal([]);
  });

  it('fails the next N requests matching a path with HTTP 500, then recovers', async () => {
    emu.control.failNext({ kind: 'http500', path: '/query', times: 2 });
    const first = await call(emu.instanceUrl, '/services/data/v66.0/query?q=SELECT+Id+FROM+Organization', { token: emu.admin.accessToken });
    expect(first.status).to.equal(500);
    expect(first.body).to.have.nested.property('[0].errorCode', 'UNKNOWN_EXCEPTION');
    // jsforce retries a 500 (its default retry policy): the second attempt is past the fault.
    const result = await connectionFor(emu).query('SELECT Id FROM Organization');
    expect(result.totalSize).to.equal(1);
    expect(emu.control.requestLog().map((e) => e.status)).to.deep.equal([500, 500, 200]);
  });

  it('matches a fault by HTTP method: a POST fault lets a GET of the same path through', async () => {
    emu.control.failNext({ kind: 'http500', path: '/sobjects/User', method: 'POST' });
    const describe = await call(emu.instanceUrl, '/services/data/v66.0/sobjects/User/describe', { token: emu.admin.accessToken });
    expect(describe.status).to.equal(200);
    const insert = await call(emu.instanceUrl, '/services/data/v66.0/sobjects/User', {
      method: 'POST',
      token: emu.admin.accessToken,
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(insert.status).to.equal(500);
    expect(emu.state.faults.http).to.deep.equal([]);
  });

  it('answers a SOAP fault for a faulted SOAP method', async () => {
    emu.control.failNext({ kind: 'http500', soapMethod: 'checkDeployStatus' });
    const response = await call(emu.instanceUrl, '/services/Soap/m/66.0', {
      method: 'POST',
      body: '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><checkDeployStatus/></soapenv:Body></soapenv:Envelope>',
      headers: { 'content-type': 'text/xml' },
    });
    expect(response.status).to.equal(500);
    expect(response.text).to.contain('<faultcode>sf:UNKNOWN_EXCEPTION</faultcode>');
  });

  it('drops the connection for the next matching request', async () => {
    emu.control.failNext({ kind: 'drop', path: '/services/data' });
    const error = await rejection(call(emu.instanceUrl, '/services/data', {}));
    expect(error).to.be.instanceOf(TypeError); // undici: fetch failed (socket closed)
    expect((await call(emu.instanceUrl, '/services/data', {})).status).to.equal(200);
    expect(emu.control.requestLog().map((e) => e.status)).to.deep.equal([0, 200]);
  });

  it('never answers the next matching request with a hang fault, until the client gives up', async () => {
    emu.control.failNext({ kind: 'hang', path: '/services/data' });
    const error = await rejection(fetch(`${emu.instanceUrl}/services/data`, { signal: AbortSignal.timeout(300) }));
    expect(error.name).to.equal('TimeoutError');
    expect((await call(emu.instanceUrl, '/services/data', {})).status).to.equal(200);
    expect(emu.control.requestLog().map((e) => e.status)).to.deep.equal([0, 200]);
  });

  it('puts the given ErrorId in an http500 fault', async () => {
    emu.control.failNext({ kind: 'http500', path: '/query', errorId: '1439237453-53165 (-1594178683)' });
    const first = await call(emu.instanceUrl, '/services/data/v66.0/query?q=SELECT+Id+FROM+Organization', { token: emu.admin.accessToken });
    expect(first.body).to.have.nested.property('[0].message').that.includes('ErrorId if you contact support: 1439237453-53165 (-1594178683)');
  });

  it('exposes the control API over HTTP', async () => {
    const seeded = await call(emu.instanceUrl, '/__emulator/seedUser', {
      body: { Username: 'http.user@example.com.emu', LastName: 'Http', Email: 'h@example.com', profileName: 'Standard User' },
    });
    expect(seeded.status).to.equal(200);
    expect(seeded.body).to.have.nested.property('result.Username', 'http.user@example.com.emu');
    expect(emu.state.findUserByUsername('http.user@example.com.emu')?.IsActive).to.equal(true);

    const bad = await call(emu.instanceUrl, '/__emulator/seedUser', {
      body: { Username: 'x@example.com', LastName: 'X', Email: 'x@example.com', profileName: 'Nope' },
    });
    expect(bad.status).to.equal(400);
    expect(bad.body).to.deep.equal({ error: 'no profile Nope' });
    expect((await call(emu.instanceUrl, '/__emulator/noSuchMethod', { body: {} })).status).to.equal(404);

    const log = await call(emu.instanceUrl, '/__emulator/requestLog', {});
    expect(log.body).to.deep.equal({ result: [] }); // control calls are not logged
  });

  it('sets and clears faults over HTTP, and rejects bad fault requests', async () => {
    const post = (method: string, body: unknown): ReturnType<typeof call> => call(emu.instanceUrl, `/__emulator/${method}`, { body });
    expect((await post('failNext', { kind: 'explode', path: '/x' })).body).to.deep.equal({ error: 'kind must be http500, drop, hang or expireSession, not explode' });
    expect((await post('failNext', { kind: 'http500' })).status).to.equal(400);
    expect((await post('failNext', { kind: 'drop', soapMethod: 'deploy', times: 3 })).body).to.deep.equal({ result: { pending: 1 } });
    await post('setDeployStuck', { stuck: true });
    await post('injectComponentFailure', { type: 'ExternalClientApplication', fullName: 'App', problem: 'Nope.' });
    await post('setLatency', { ms: 5 });
    expect(emu.state.faults).to.deep.include({ deployStuckInProgress: true, extraLatencyMs: 5 });
    expect(emu.state.faults.componentFailures).to.deep.equal([{ type: 'ExternalClientApplication', fullName: 'App', problem: 'Nope.' }]);
    await post('clearFaults', {});
    expect(emu.state.faults).to.deep.equal({
      http: [],
      deployStuckInProgress: false,
      componentFailures: [],
      extraLatencyMs: 0,
      refusedSecrets: new Set(),
      refuseStagedSecretsOf: new Set(),
    });
    expect((await call(emu.instanceUrl, '/__emulator/seedUser', { body: 'not json', headers: { 'content-type': 'application/json' } })).status).to.equal(400);
    expect((await post('getAppCredentials', { app: 'Nope' })).body).to.deep.equal({ result: null });
  });

  it('summarises the org over HTTP without secrets', async () => {
    emu.state.putComponent('ExternalClientApplication', 'Snap_App', { label: 'Snap' });
    const creds = emu.state.ensureAppCredentials('Snap_App');
    const { body, text } = await call(emu.instanceUrl, '/__emulator/snapshot', { body: {} });
    const result = (body as { result: { users: Array<{ Username: string; Profile: string }>; components: unknown[] } }).result;
    expect(result.users).to.deep.include({ Id: emu.admin.userId, Username: emu.admin.username, IsActive: true, Profile: 'System Administrator', PermissionSets: [] });
    expect(result.components).to.deep.equal([{ type: 'ExternalClientApplication', fullName: 'Snap_App', id: creds.appId }]);
    expect(text).to.not.contain(creds.consumerSecret).and.to.not.contain(creds.consumerKey).and.to.not.contain(emu.admin.accessToken);
  });

  it('answers only token requests on the login listener', async () => {
    const data = await call(emu.loginUrl, '/services/data', {});
    expect(data.status).to.equal(404);
    const token = await call(emu.loginUrl, '/services/oauth2/token', { form: { grant_type: 'client_credentials' } });
    expect(token.body).to.deep.equal({ error: 'invalid_grant', error_description: 'request not supported on this domain' });
    expect(emu.control.requestLog().at(-1)).to.include({ listener: 'login', status: 400 });
  });

  it('seeds profiles, permission sets and settings', () => {
    emu.control.seedProfile({ name: 'Custom Integration', license: 'Salesforce Integration', permissions: { ApiEnabled: true } });
    emu.control.seedPermissionSet({ name: 'My_PS', permissions: { ViewClientSecret: true } });
    emu.control.seedUser({ Username: 's@example.com.emu', LastName: 'S', Email: 's@example.com', profileName: 'Custom Integration', permissionSets: ['My_PS'] });
    expect([...emu.state.effectivePermissions(emu.state.findUserByUsername('s@example.com.emu')?.Id ?? '')]).to.have.members([
      'ApiEnabled',
      'ViewClientSecret',
    ]);
    expect(() => emu.control.revokePermission({ username: 's@example.com.emu', permission: 'ViewClientSecret' })).to.throw(
      'ViewClientSecret still comes from permission set My_PS'
    );
    emu.control.grantPermission({ username: 's@example.com.emu', permission: 'ExternalClientAppDeveloper' });
    expect(emu.control.revokePermission({ username: 's@example.com.emu', permission: 'ExternalClientAppDeveloper' })).to.not.include(
      'ExternalClientAppDeveloper'
    );
    expect(emu.control.setSetting({ name: 'enableClientSecretInRestApiAccess', value: true })).to.include({
      enableClientSecretInRestApiAccess: true,
      enableExternalClientApps: true,
    });
  });

  it('survives a client that aborts in the middle of a request body', async () => {
    await new Promise<void>((resolve) => {
      const req = request(`${emu.instanceUrl}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '1000' },
      });
      req.on('error', () => resolve());
      req.write('grant_type=client_', () => req.destroy());
    });
    expect((await call(emu.instanceUrl, '/services/data', {})).status).to.equal(200);
  });

  it('delays requests by the configured latency, but not the control API; stop() ends a delayed request', async () => {
    emu.control.setLatency({ ms: 10 * 60_000 });
    // A ten-minute delay: the request cannot answer within this test's timeout; control calls are not delayed.
    const delayed = fetch(`${emu.instanceUrl}/services/data`).then(
      (r) => r.status,
      () => 'closed'
    );
    expect((await call(emu.instanceUrl, '/__emulator/requestLog', {})).status).to.equal(200);
    await emu.stop();
    expect(await delayed).to.equal('closed');
  });

  it('applies the latencyMs option to every request', async () => {
    await emu.stop();
    emu = await startEmulator({ latencyMs: 10 * 60_000 });
    const delayed = fetch(`${emu.instanceUrl}/services/data`).then(
      (r) => r.status,
      () => 'closed'
    );
    await emu.stop();
    expect(await delayed).to.equal('closed');
    expect(emu.control.requestLog()).to.deep.equal([]);
  });

  it('fails to start on a port in use, leaving nothing listening', async () => {
    const instancePort = Number(new URL(emu.instanceUrl).port);
    const error = await rejection(startEmulator({ port: instancePort }));
    expect(error.message).to.contain('EADDRINUSE');
    // The login port is taken: the instance listener the second emulator opened first is closed again.
    const loginPort = Number(new URL(emu.loginUrl).port);
    const freePort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    expect((await rejection(startEmulator({ port: freePort, loginPort }))).message).to.contain('EADDRINUSE');
    const stillFree = createServer();
    await new Promise<void>((resolve, reject) => {
      stillFree.once('error', reject);
      stillFree.listen(freePort, '127.0.0.1', () => resolve());
    });
    await new Promise((resolve) => stillFree.close(resolve));
  });

  it('stops both listeners', async () => {
    await emu.stop();
    expect((await rejection(fetch(`${emu.instanceUrl}/services/data`))).name).to.equal('TypeError');
    expect((await rejection(fetch(`${emu.loginUrl}/services/oauth2/token`, { method: 'POST' }))).name).to.equal('TypeError');
  });
});
