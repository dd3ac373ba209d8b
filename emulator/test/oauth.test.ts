/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth, identity and sObject wire names */
import { OAuth2 } from '@jsforce/jsforce-node';
import { expect } from 'chai';
import { startEmulator, type Emulator } from '../src/index.js';
import { call, connectionFor, rejection, seedCcApp, seedRunAsUser } from './helpers.js';

/** The client credentials token endpoint: every error of oauth-client-credentials.md section 3, and success. */
describe('emulator OAuth client credentials', () => {
  let emu: Emulator;
  let runAs: string;

  beforeEach(async () => {
    emu = await startEmulator();
    runAs = seedRunAsUser(emu);
  });
  afterEach(async () => emu.stop());

  /** jsforce's call: form body with client_id and client_secret (oauth section 7). */
  async function jsforceToken(key: string, secret: string, loginUrl = emu.instanceUrl): Promise<Record<string, string>> {
    const oauth2 = new OAuth2({ loginUrl, clientId: key, clientSecret: secret });
    return (await oauth2.requestToken({ grant_type: 'client_credentials' })) as unknown as Record<string, string>;
  }

  async function tokenError(key: string, secret: string, loginUrl?: string): Promise<{ error: string; description: string }> {
    const error = await rejection(jsforceToken(key, secret, loginUrl));
    return { error: error.name, description: error.message };
  }

  it('issues a token that runs as the Run As user (body credentials)', async () => {
    const app = seedCcApp(emu, { runAs, scopes: 'Api, RefreshToken' });
    const token = await jsforceToken(app.key, app.secret);
    const user = emu.state.findUserByUsername(runAs);
    expect(token.token_type).to.equal('Bearer');
    expect(token.instance_url).to.equal(emu.instanceUrl);
    expect(token.id).to.equal(`${emu.instanceUrl}/id/${emu.orgId}/${user?.Id}`);
    expect(token.scope).to.equal('api');
    expect(token.access_token).to.match(/^00D\w{12,15}!/);
    expect(token.issued_at).to.match(/^\d{13}$/);
    expect(token).to.not.have.property('refresh_token');
    expect(token).to.not.have.property('expires_in');

    const userinfo = await call(emu.instanceUrl, '/services/oauth2/userinfo', { token: token.access_token });
    expect(userinfo.body).to.include({ preferred_username: runAs, user_id: user?.Id, is_salesforce_integration_user: true });
    const identity = await call(emu.instanceUrl, new URL(token.id).pathname, { token: token.access_token });
    expect(identity.body).to.include({ username: runAs });
    const conn = connectionFor(emu, token.access_token);
    const result = await conn.query<{ Username: string }>(`SELECT Username FROM User WHERE Id = '${user?.Id}'`);
    expect(result.records[0].Username).to.equal(runAs);
  });

  it('accepts HTTP Basic client authentication', async () => {
    const app = seedCcApp(emu, { runAs });
    const basic = Buffer.from(`${encodeURIComponent(app.key)}:${encodeURIComponent(app.secret)}`).toString('base64');
    const response = await call(emu.instanceUrl, '/services/oauth2/token', {
      form: { grant_type: 'client_credentials' },
      headers: { authorization: `Basic ${basic}` },
    });
    expect(response.status).to.equal(200);
    expect(response.body).to.have.property('access_token');
  });

  it('rejects a malformed Basic header with invalid_basic_auth_header', async () => {
    seedCcApp(emu, { runAs });
    const response = await call(emu.instanceUrl, '/services/oauth2/token', {
      form: { grant_type: 'client_credentials' },
      headers: { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` },
    });
    expect(response.status).to.equal(400);
    expect(response.body).to.have.property('error', 'invalid_basic_auth_header');
  });

  it('answers "request not supported on this domain" on the generic login host', async () => {
    const app = seedCcApp(emu, { runAs });
    expect(await tokenError(app.key, app.secret, emu.loginUrl)).to.deep.equal({
      error: 'invalid_grant',
      description: 'request not supported on this domain',
    });
  });

  it('answers invalid_client_id for an unknown key', async () => {
    const app = seedCcApp(emu, { runAs });
    expect(await tokenError(`${app.key}x`, app.secret)).to.deep.equal({
      error: 'invalid_client_id',
      description: 'client identifier invalid',
    });
  });

  it('answers invalid_client_id during the propagation window, then succeeds', async () => {
    const app = seedCcApp(emu, { runAs });
    emu.control.setPropagationDelay({ ms: 10 * 60_000 });
    expect((await tokenError(app.key, app.secret)).error).to.equal('invalid_client_id');
    emu.control.setPropagationDelay({ ms: 0 });
    expect(await jsforceToken(app.key, app.secret)).to.have.property('access_token');
  });

  it('answers invalid_client for a wrong secret', async () => {
    const app = seedCcApp(emu, { runAs });
    expect(await tokenError(app.key, `${app.secret}x`)).to.deep.equal({
      error: 'invalid_client',
      description: 'invalid client credentials',
    });
  });

  for (const field of ['isEnabled', 'isOauthPluginEnabled'] as const) {
    it(`answers oauth_flow_disabled when ${field} is false`, async () => {
      const app = seedCcApp(emu, { runAs, [field]: 'false' });
      expect(await tokenError(app.key, app.secret)).to.deep.equal({
        error: 'oauth_flow_disabled',
        description: 'The external client app or the OAuth plugin is disabled.',
      });
    });
  }

  for (const flag of ['globalCc', 'policyCc'] as const) {
    it(`answers the configured flag-off error when ${flag} is off`, async () => {
      const app = seedCcApp(emu, { runAs, [flag]: 'false' });
      expect(await tokenError(app.key, app.secret)).to.deep.equal({
        error: 'invalid_grant',
        description: 'client credentials flow not enabled',
      });
    });
  }

  it('uses the ccFlagOffError option for a flag that is off', async () => {
    await emu.stop();
    emu = await startEmulator({ ccFlagOffError: 'unsupported_grant_type' });
    runAs = seedRunAsUser(emu);
    const app = seedCcApp(emu, { runAs, policyCc: 'false' });
    expect((await tokenError(app.key, app.secret)).error).to.equal('unsupported_grant_type');
  });

  it('answers "no client credentials user enabled" without a Run As user', async () => {
    const app = seedCcApp(emu, {});
    expect(await tokenError(app.key, app.secret)).to.deep.equal({
      error: 'invalid_grant',
      description: 'no client credentials user enabled',
    });
  });

  it('answers "no client credentials user enabled" when the Run As is not a username (e.g. an email)', async () => {
    const app = seedCcApp(emu, { runAs: 'integration@example.com' });
    expect((await tokenError(app.key, app.secret)).description).to.equal('no client credentials user enabled');
  });

  it('answers inactive_user for an inactive Run As user', async () => {
    const app = seedCcApp(emu, { runAs });
    emu.control.deactivateUser({ username: runAs });
    expect(await tokenError(app.key, app.secret)).to.deep.equal({ error: 'inactive_user', description: 'User is inactive' });
  });

  it('enforces AdminApprovedPreAuthorized through profiles and permission sets', async () => {
    const app = seedCcApp(emu, { runAs, permittedUsers: 'AdminApprovedPreAuthorized', permissionSets: 'Api_Integration_Access' });
    expect(await tokenError(app.key, app.secret)).to.deep.equal({
      error: 'invalid_app_access',
      description: 'user is not admin approved to access this app',
    });
    emu.control.assignPermissionSet({ username: runAs, permissionSet: 'Api_Integration_Access' });
    expect(await jsforceToken(app.key, app.secret)).to.have.property('access_token');

    const byProfile = seedCcApp(emu, {
      app: 'Other_App',
      runAs,
      permittedUsers: 'AdminApprovedPreAuthorized',
      profiles: 'System Administrator, Minimum Access - API Only Integrations',
    });
    // A profile entry does not authorize the client credentials Run As user by default (one report, [T]) ...
    expect(await tokenError(byProfile.key, byProfile.secret)).to.deep.equal({
      error: 'invalid_app_access',
      description: 'user is not admin approved to access this app',
    });
    // ... and does with the switch preauthProfileHonoured.
    expect(emu.control.setOrgBehaviour({ preauthProfileHonoured: true })).to.include({ preauthProfileHonoured: true });
    expect(await jsforceToken(byProfile.key, byProfile.secret)).to.have.property('access_token');
  });

  it('answers "no valid scopes defined" when only filtered scopes remain', async () => {
    const app = seedCcApp(emu, { runAs, scopes: 'Full, RefreshToken, Web' });
    expect(await tokenError(app.key, app.secret)).to.deep.equal({ error: 'invalid_grant', description: 'no valid scopes defined' });
  });

  it('answers "IP restricted or invalid login hours" when profile login IP ranges exclude loopback', async () => {
    const app = seedCcApp(emu, { runAs });
    emu.control.setProfileLoginIpRanges({
      profile: 'Minimum Access - API Only Integrations',
      ranges: [{ startAddress: '10.0.0.0', endAddress: '10.255.255.255' }],
    });
    expect(await tokenError(app.key, app.secret)).to.deep.equal({
      error: 'invalid_grant',
      description: 'IP restricted or invalid login hours',
    });
    emu.control.setAppField({ app: app.app, type: 'ExtlClntAppOauthConfigurablePolicies', field: 'ipRelaxationPolicyType', value: 'Bypass' });
    expect(await jsforceToken(app.key, app.secret)).to.have.property('access_token');
  });

  it('answers unsupported_grant_type for a misspelt grant or a JSON body', async () => {
    const misspelt = await call(emu.instanceUrl, '/services/oauth2/token', { form: { grant_type: 'client_credential' } });
    expect(misspelt.status).to.equal(400);
    expect(misspelt.body).to.deep.equal({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
    const jsonBody = await call(emu.instanceUrl, '/services/oauth2/token', { body: { grant_type: 'client_credentials' } });
    expect(jsonBody.body).to.have.property('error', 'unsupported_grant_type');
  });

  it('reflects policy changes made through the control API (Run As changed to an unknown user)', async () => {
    const app = seedCcApp(emu, { runAs });
    expect(await jsforceToken(app.key, app.secret)).to.have.property('access_token');
    emu.control.setAppField({ app: app.app, type: 'ExtlClntAppOauthConfigurablePolicies', field: 'clientCredentialsFlowUser', value: null });
    expect((await tokenError(app.key, app.secret)).description).to.equal('no client credentials user enabled');
  });

  it('gives a Run As user without API Enabled a token the REST API refuses', async () => {
    emu.control.seedProfile({ name: 'No Api', permissions: {} });
    emu.control.seedUser({ Username: 'noapi@example.com.emu', LastName: 'NoApi', Email: 'noapi@example.com', profileName: 'No Api' });
    const app = seedCcApp(emu, { runAs: 'noapi@example.com.emu' });
    const token = await jsforceToken(app.key, app.secret);
    const error = await rejection(connectionFor(emu, token.access_token).query('SELECT Id FROM Organization'));
    expect(error.errorCode).to.equal('API_DISABLED_FOR_ORG');
    expect(error.message).to.equal('The REST API is not enabled for this Organization.');
  });

  it('introspects and revokes its tokens', async () => {
    const app = seedCcApp(emu, { runAs });
    const token = await jsforceToken(app.key, app.secret);
    const introspection = await call(emu.instanceUrl, '/services/oauth2/introspect', {
      form: { token: token.access_token, token_type_hint: 'access_token', client_id: app.key, client_secret: app.secret },
    });
    expect(introspection.body).to.include({ active: true, username: runAs, scope: 'api', client_id: app.key });
    await new OAuth2({ loginUrl: emu.instanceUrl }).revokeToken(token.access_token);
    const after = await call(emu.instanceUrl, '/services/oauth2/userinfo', { token: token.access_token });
    expect(after.status).to.equal(403);
    const revokedAgain = await rejection(new OAuth2({ loginUrl: emu.instanceUrl }).revokeToken(token.access_token));
    expect(revokedAgain.name).to.equal('ERROR_HTTP_400');
  });
});
