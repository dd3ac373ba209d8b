/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth form fields are snake_case */
import { expect } from 'chai';
import { CONNECTED_APP_CREATION_PROBLEM, CONSUMER_KEY_PROBLEM } from '../src/metadata/connectedAppRules.js';
import { EXECUTION_USER_PROBLEM } from '../src/metadata/validate.js';
import { call } from './helpers.js';
import { failuresOf, MetadataDriver, type Component } from './metadataHarness.js';

const RUN_AS = 'ca.integration@example.com.emu';

function connectedAppXml(oauthConfig: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <contactEmail>admin@example.com</contactEmail>
    <label>Legacy</label>
    <oauthConfig>
        <callbackUrl>https://login.salesforce.com/services/oauth2/callback</callbackUrl>
        ${oauthConfig}
        <scopes>Api</scopes>
    </oauthConfig>
    ${extra}
</ConnectedApp>
`;
}

const enabled = (user = RUN_AS): string =>
  `<isClientCredentialEnabled>true</isClientCredentialEnabled><oauthClientCredentialUser>${user}</oauthClientCredentialUser>`;
const component = (fullName: string, xml: string): Component => ({ type: 'ConnectedApp', fullName, xml });

describe('emulator connected apps (eca-metadata.md section 9)', () => {
  let driver: MetadataDriver;
  beforeEach(async () => {
    driver = await MetadataDriver.start();
    const profile = driver.state.profileByName('Minimum Access - API Only Integrations');
    driver.state.addUser({ Username: RUN_AS, LastName: 'Integration', Email: 'i@example.com', ProfileId: profile?.Id ?? '' });
  });
  afterEach(() => driver.stop());

  it('refuses to create a connected app (Spring 26), unless Support enabled creation', async () => {
    const result = await driver.deploy([component('Brand_New', connectedAppXml(enabled()))]);
    expect(result.success).to.equal(false);
    expect(failuresOf(result)).to.deep.equal([['ConnectedApp', 'Brand_New', CONNECTED_APP_CREATION_PROBLEM]]);
    expect(driver.state.getComponent('ConnectedApp', 'Brand_New')).to.equal(undefined);

    driver.state.config.allowConnectedAppCreation = true;
    const allowed = await driver.deploy([component('Brand_New', connectedAppXml(enabled()))]);
    expect(allowed.success).to.equal(true);
  });

  it('enables the flow on an existing app and keeps its consumer key; a key in the file is refused', async () => {
    const creds = driver.emu.control.seedConnectedApp({ name: 'Legacy' })!;
    const result = await driver.deploy([component('Legacy', connectedAppXml(enabled()))]);
    expect(result.success, JSON.stringify(failuresOf(result))).to.equal(true);
    const stored = driver.emu.control.getConnectedApp({ name: 'Legacy' })!;
    expect(stored.fields.oauthConfig).to.deep.include({ consumerKey: creds.consumerKey, isClientCredentialEnabled: 'true' });

    const withKey = await driver.deploy([component('Legacy', connectedAppXml(`<consumerKey>${creds.consumerKey}</consumerKey>${enabled()}`))]);
    expect(failuresOf(withKey)).to.deep.equal([['ConnectedApp', 'Legacy', CONSUMER_KEY_PROBLEM]]);
  });

  it('needs an existing active execution user when the flow is on', async () => {
    driver.emu.control.seedConnectedApp({ name: 'Legacy' });
    const unknown = await driver.deploy([component('Legacy', connectedAppXml(enabled('nobody@example.com')))]);
    expect(failuresOf(unknown)).to.deep.equal([['ConnectedApp', 'Legacy', EXECUTION_USER_PROBLEM]]);
    const noUser = await driver.deploy([component('Legacy', connectedAppXml('<isClientCredentialEnabled>true</isClientCredentialEnabled>'))]);
    expect(failuresOf(noUser)).to.have.length(1);
    driver.state.findUserByUsername(RUN_AS)!.IsActive = false;
    const inactive = await driver.deploy([component('Legacy', connectedAppXml(enabled()))]);
    expect(failuresOf(inactive)).to.have.length(1);
  });

  it('refuses to change a managed (namespaced) app, and lists it as installed', async () => {
    driver.emu.control.seedConnectedApp({ name: 'acme__Partner' });
    const result = await driver.deploy([component('acme__Partner', connectedAppXml(enabled()))]);
    expect(failuresOf(result)[0][2]).to.match(/managed/i);
    const listed = await driver.list(['ConnectedApp']);
    expect(listed.find((p) => p.fullName === 'acme__Partner')).to.deep.include({ namespacePrefix: 'acme', manageableState: 'installed' });
  });

  it('reads a connected app with its key and without its secret', async () => {
    const creds = driver.emu.control.seedConnectedApp({ name: 'Legacy', scopes: ['Api', 'RefreshToken'] })!;
    const [record] = await driver.read('ConnectedApp', ['Legacy']);
    const oauthConfig = record.oauthConfig as Record<string, unknown>;
    expect(oauthConfig.consumerKey).to.equal(creds.consumerKey);
    expect(JSON.stringify(record)).to.not.include(creds.consumerSecret);
    expect(oauthConfig.scopes).to.deep.equal(['Api', 'RefreshToken']);
  });

  describe('client credentials grant', () => {
    async function token(key: string, secret: string): Promise<{ status: number; body: Record<string, unknown> }> {
      const response = await call(driver.emu.instanceUrl, '/services/oauth2/token', {
        form: { grant_type: 'client_credentials', client_id: key, client_secret: secret },
      });
      return { status: response.status, body: response.body as Record<string, unknown> };
    }

    it('issues a token for the execution user; permitted-users policies do not apply to it', async () => {
      const creds = driver.emu.control.seedConnectedApp({
        name: 'Legacy',
        clientCredentialsEnabled: true,
        runAsUsername: RUN_AS,
        isAdminApproved: true,
        profileNames: ['System Administrator'],
      })!;
      const ok = await token(creds.consumerKey, creds.consumerSecret);
      expect(ok.status).to.equal(200);
      const session = driver.state.resolveSession(String(ok.body.access_token));
      expect(driver.state.users.get(session!.userId)?.Username).to.equal(RUN_AS);
    });

    it('answers the flow-off, secret, user and inactive-user errors', async () => {
      const off = driver.emu.control.seedConnectedApp({ name: 'Off', runAsUsername: RUN_AS })!;
      expect((await token(off.consumerKey, off.consumerSecret)).body.error).to.equal('invalid_grant');
      const on = driver.emu.control.seedConnectedApp({ name: 'On', clientCredentialsEnabled: true, runAsUsername: RUN_AS })!;
      expect((await token(on.consumerKey, 'wrong')).body.error).to.equal('invalid_client');
      driver.state.findUserByUsername(RUN_AS)!.IsActive = false;
      expect((await token(on.consumerKey, on.consumerSecret)).body.error).to.equal('inactive_user');
      const noUser = driver.emu.control.seedConnectedApp({ name: 'NoUser', clientCredentialsEnabled: true })!;
      expect((await token(noUser.consumerKey, noUser.consumerSecret)).body).to.deep.include({ error: 'invalid_grant' });
    });
  });

  it('seeds a Setup-made ECA with the flow off under Setup names', () => {
    const creds = driver.emu.control.seedSetupEca({ name: 'Setup_App' });
    expect(creds?.consumerKey).to.be.a('string');
    expect(driver.state.satelliteOf('Setup_App', 'ExtlClntAppOauthConfigurablePolicies')?.fullName).to.equal('Setup_App_oauthPlcy');
    expect(driver.state.satelliteOf('Setup_App', 'ExtlClntAppGlobalOauthSettings')?.fields.isClientCredentialsFlowEnabled).to.equal('false');
  });
});
