/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import type { OrgState } from '../src/state.js';
import { EXECUTION_USER_PROBLEM } from '../src/metadata/validate.js';
import { rejection } from './helpers.js';
import { appPolicyXml, ecaXml, globalOauthXml, oauthPolicyXml, oauthSettingsXml, profileXml } from './metadataFixtures.js';
import { asArray, failuresOf, faultOf, MetadataDriver, successesOf, type Component } from './metadataHarness.js';

const NS = 'http://soap.sforce.com/2006/04/metadata';
const RUN_AS = 'integration.user@example.com.emu';

const header = (app: string, xml = ecaXml(app)): Component => ({ type: 'ExternalClientApplication', fullName: app, xml });
const globalSettings = (app: string, xml = globalOauthXml(app)): Component => ({
  type: 'ExtlClntAppGlobalOauthSettings',
  fullName: `${app}_glbloauth`,
  xml,
});
const oauthSettings = (app: string, xml = oauthSettingsXml(app)): Component => ({
  type: 'ExtlClntAppOauthSettings',
  fullName: `${app}_oauth`,
  xml,
});
const oauthPolicy = (app: string, xml: string, fullName = `${app}_oauthPlcy`): Component => ({
  type: 'ExtlClntAppOauthConfigurablePolicies',
  fullName,
  xml,
});
const appPolicy = (app: string): Component => ({ type: 'ExtlClntAppConfigurablePolicies', fullName: `${app}_plcy`, xml: appPolicyXml(app) });
const profile = (name: string, xml = profileXml()): Component => ({ type: 'Profile', fullName: name, xml });

function seedRunAsUser(state: OrgState, username = RUN_AS): void {
  const integration = state.profileByName('Minimum Access - API Only Integrations');
  state.addUser({ Username: username, LastName: 'Integration', Email: 'integration@example.com', ProfileId: integration?.Id ?? '' });
}

function allFive(app: string, policyOptions: Parameters<typeof oauthPolicyXml>[1] = { runAs: RUN_AS }): Component[] {
  return [header(app), globalSettings(app), oauthSettings(app), appPolicy(app), oauthPolicy(app, oauthPolicyXml(app, policyOptions))];
}

describe('emulator metadata deploy (jsforce metadata API over HTTP)', () => {
  let driver: MetadataDriver;
  beforeEach(async () => {
    driver = await MetadataDriver.start();
    seedRunAsUser(driver.state);
  });
  afterEach(async () => {
    await driver.stop();
  });

  it('deploys the five ECA components and a profile, with a success per component and one for package.xml', async () => {
    const result = await driver.deploy([...allFive('My_App'), profile('My_Integration_Profile')]);
    expect(result.status).to.equal('Succeeded');
    expect(result.success).to.equal(true);
    expect(result.numberComponentsDeployed).to.equal(6);
    expect(successesOf(result)).to.have.deep.members([
      ['ExternalClientApplication', 'My_App'],
      ['ExtlClntAppGlobalOauthSettings', 'My_App_glbloauth'],
      ['ExtlClntAppOauthSettings', 'My_App_oauth'],
      ['ExtlClntAppConfigurablePolicies', 'My_App_plcy'],
      ['ExtlClntAppOauthConfigurablePolicies', 'My_App_oauthPlcy'],
      ['Profile', 'My_Integration_Profile'],
      ['', 'package.xml'],
    ]);
    const eca = asArray(result.details?.componentSuccesses).find((s) => s.fullName === 'My_App');
    expect(eca).to.include({ created: true, changed: true, fileName: 'externalClientApps/My_App.eca' });
    const state = driver.state;
    expect(state.getComponent('ExtlClntAppOauthConfigurablePolicies', 'My_App_oauthPlcy')?.fields).to.include({
      clientCredentialsFlowUser: RUN_AS,
      isClientCredentialsFlowEnabled: 'true',
    });
    // No default policies when the deploy brings its own.
    expect(state.componentsOfApp('My_App', 'ExtlClntAppOauthConfigurablePolicies').map((c) => c.fullName)).to.deep.equal([
      'My_App_oauthPlcy',
    ]);
    const creds = state.credentials.get('My_App');
    expect(creds?.consumerKey).to.match(/^EMU[A-Za-z0-9]{80}$/);
    expect(creds?.appId).to.equal(state.getComponent('ExternalClientApplication', 'My_App')?.id);
    const record = state.profileByName('My_Integration_Profile');
    expect(record?.permissions).to.include({ ApiEnabled: true, ApiUserOnly: true });
    // The Profile component and the Profile record are one thing with one Id, as in a real org.
    expect(state.getComponent('Profile', 'My_Integration_Profile')?.id).to.equal(record?.Id);
    expect(state.licenses.get(record?.UserLicenseId ?? '')?.Name).to.equal('Salesforce Integration');
  });

  it('answers Queued, then InProgress deployInProgressPolls times, then the final status', async () => {
    const d = await MetadataDriver.start({ deployInProgressPolls: 2 });
    const state = d.state;
    const id = await d.startDeploy([header('Polled')]);
    expect((await d.status(id)).status).to.equal('InProgress');
    expect((await d.status(id)).status).to.equal('InProgress');
    expect(state.getComponent('ExternalClientApplication', 'Polled')).to.equal(undefined);
    const done = await d.status(id);
    expect(done).to.include({ status: 'Succeeded', done: true });
    expect(state.getComponent('ExternalClientApplication', 'Polled')).to.not.equal(undefined);
    await d.stop();
  });

  it('answers the legacy checkStatus (jsforce locator.check) with done/state', async () => {
    const id = await driver.startDeploy([header('Legacy')]);
    expect(await driver.conn.metadata.checkStatus(id)).to.include({ id, done: false, state: 'InProgress' });
    expect(await driver.conn.metadata.checkStatus(id)).to.include({ id, done: true, state: 'Completed' });
    expect(await driver.status(id)).to.include({ status: 'Succeeded' });
  });

  it('deploys a zip with its files under unpackaged/ (singlePackage=false)', async () => {
    const result = await driver.deploy([header('Wrapped')], { unpackaged: true });
    expect(result.status).to.equal('Succeeded');
    expect(asArray(result.details?.componentSuccesses).map((s) => s.fileName)).to.deep.equal([
      'unpackaged/externalClientApps/Wrapped.eca',
      'unpackaged/package.xml',
    ]);
  });

  it('maps standard profile fullNames (Admin) to their profiles instead of creating new ones', async () => {
    const before = driver.state.profiles.size;
    const admin = profileXml({ license: 'Salesforce', permissions: { ViewClientSecret: true } }).replace('<custom>true', '<custom>false');
    expect((await driver.deploy([profile('Admin', admin)])).status).to.equal('Succeeded');
    expect(driver.state.profiles.size).to.equal(before);
    expect(driver.state.profileByName('System Administrator')?.permissions).to.include({ ViewClientSecret: true, ModifyAllData: true });
  });

  it('finishes a deploy nobody polls (--async) before answering later Metadata API calls', async () => {
    const id = await driver.startDeploy([header('Unpolled')]);
    expect(driver.state.getComponent('ExternalClientApplication', 'Unpolled')).to.equal(undefined);
    const listed = await driver.list(['ExternalClientApplication']);
    expect(listed.map((p) => p.fullName)).to.deep.equal(['Unpolled']);
    expect(await driver.status(id)).to.include({ status: 'Succeeded', done: true });
  });

  it('reports a redeploy of the same file as unchanged', async () => {
    await driver.deploy([header('Same')]);
    const again = await driver.deploy([header('Same')]);
    expect(asArray(again.details?.componentSuccesses).find((s) => s.fullName === 'Same')).to.include({
      created: false,
      changed: false,
    });
  });

  it('check-only validates everything and changes nothing', async () => {
    const result = await driver.deploy(allFive('Checked'), { checkOnly: true });
    expect(result.status).to.equal('Succeeded');
    expect(result.checkOnly).to.equal(true);
    expect(successesOf(result)).to.have.length(6);
    expect(driver.state.listComponents()).to.deep.equal([]);
    expect(driver.state.credentials.size).to.equal(0);

    const failing = await driver.deploy(allFive('Checked', { runAs: 'nobody@example.com' }), { checkOnly: true });
    expect(failing.status).to.equal('Failed');
    expect(failuresOf(failing)).to.deep.equal([['ExtlClntAppOauthConfigurablePolicies', 'Checked_oauthPlcy', EXECUTION_USER_PROBLEM]]);
  });

  it('fails an unknown element with its line and rolls the whole deploy back', async () => {
    const bad = oauthSettingsXml('Bad', [['isClientCredentialEnabled', 'true']]);
    const result = await driver.deploy([header('Bad'), globalSettings('Bad'), oauthSettings('Bad', bad)]);
    expect(result.status).to.equal('Failed');
    expect(result.numberComponentsDeployed).to.equal(0);
    expect(asArray(result.details?.componentSuccesses)).to.deep.equal([]);
    const failure = asArray(result.details?.componentFailures)[0];
    expect(failure).to.include({
      componentType: 'ExtlClntAppOauthSettings',
      fullName: 'Bad_oauth',
      fileName: 'extlClntAppOauthSettings/Bad_oauth.ecaOauth',
      problemType: 'Error',
      problem: `Error parsing file: Element {${NS}}isClientCredentialEnabled invalid at this location in type ExtlClntAppOauthSettings`,
      lineNumber: 6,
    });
    expect(driver.state.listComponents()).to.deep.equal([]);
  });

  it('with rollbackOnError=false deploys what passes (SucceededPartial)', async () => {
    const result = await driver.deploy([header('Partial'), oauthSettings('Partial', '<broken')], { rollbackOnError: false });
    expect(result.status).to.equal('SucceededPartial');
    expect(driver.state.getComponent('ExternalClientApplication', 'Partial')).to.not.equal(undefined);
    expect(driver.state.getComponent('ExtlClntAppOauthSettings', 'Partial_oauth')).to.equal(undefined);
  });

  it('gates fields by the package.xml version', async () => {
    const newer = globalSettings('Versioned', globalOauthXml('Versioned', [['isCodeCredFlowEnabled', 'false']]));
    const at60 = await driver.deploy([header('Versioned'), newer], { version: '60.0' });
    expect(failuresOf(at60)).to.deep.equal([
      [
        'ExtlClntAppGlobalOauthSettings',
        'Versioned_glbloauth',
        `Error parsing file: Element {${NS}}isCodeCredFlowEnabled invalid at this location in type ExtlClntAppGlobalOauthSettings`,
      ],
    ]);
    expect((await driver.deploy([header('Versioned'), newer], { version: '61.0' })).status).to.equal('Succeeded');
  });

  it('rejects a package.xml version above the org maximum, and unknown types', async () => {
    const tooNew = await driver.deploy([header('TooNew')], { version: '67.0' });
    expect(failuresOf(tooNew)).to.deep.equal([['', 'package.xml', 'Invalid API version 67.0: this org supports API versions up to 66.0']]);
    const unknown = await driver.deploy([header('Typed'), { type: 'ExtlClntAppGlobalOauthSetting', fullName: 'X', xml: '<x/>' }]);
    expect(failuresOf(unknown)).to.deep.equal([['', 'package.xml', "Unknown type name 'ExtlClntAppGlobalOauthSetting' specified in package.xml"]]);
    expect(driver.state.listComponents()).to.deep.equal([]);
  });

  it('fails a member named in package.xml that the zip lacks', async () => {
    const manifest = `<?xml version="1.0" encoding="UTF-8"?><Package xmlns="${NS}"><types><members>Ghost</members><name>ExternalClientApplication</name></types><version>66.0</version></Package>`;
    const result = await driver.deploy([], { manifest });
    expect(failuresOf(result)).to.deep.equal([
      [
        'ExternalClientApplication',
        'Ghost',
        "An object 'Ghost' of type ExternalClientApplication was named in package.xml, but was not found in zipped directory",
      ],
    ]);
  });

  it('needs the satellites’ ExternalClientApplication in the deploy or in the org', async () => {
    const orphan = await driver.deploy([oauthSettings('Orphan')]);
    expect(failuresOf(orphan)).to.deep.equal([
      ['ExtlClntAppOauthSettings', 'Orphan_oauth', 'In field: externalClientApplication - no ExternalClientApplication named Orphan found'],
    ]);
    await driver.deploy([header('Orphan')]);
    expect((await driver.deploy([oauthSettings('Orphan')])).status).to.equal('Succeeded');
  });

  describe('Run As user (clientCredentialsFlowUser)', () => {
    it('must be an existing username', async () => {
      const result = await driver.deploy(allFive('RunAs', { runAs: 'integration.user@example.com' }));
      expect(failuresOf(result)).to.deep.equal([['ExtlClntAppOauthConfigurablePolicies', 'RunAs_oauthPlcy', EXECUTION_USER_PROBLEM]]);
    });
    it('must be active', async () => {
      const user = driver.state.findUserByUsername(RUN_AS);
      if (user) user.IsActive = false;
      const result = await driver.deploy(allFive('RunAs'));
      expect(failuresOf(result)).to.deep.equal([['ExtlClntAppOauthConfigurablePolicies', 'RunAs_oauthPlcy', EXECUTION_USER_PROBLEM]]);
    });
    it('matches usernames case-insensitively', async () => {
      expect((await driver.deploy(allFive('RunAs', { runAs: RUN_AS.toUpperCase() }))).status).to.equal('Succeeded');
    });
  });

  describe('default policies and one OAuth policy per app', () => {
    it('generates <oauthSettings>_defaultPolicy and <App>_defaultPolicy for an app deployed without them', async () => {
      const result = await driver.deploy([header('Dflt'), globalSettings('Dflt'), oauthSettings('Dflt')]);
      expect(result.status).to.equal('Succeeded');
      expect(driver.state.getComponent('ExtlClntAppOauthConfigurablePolicies', 'Dflt_oauth_defaultPolicy')?.fields).to.deep.equal({
        externalClientApplication: 'Dflt',
        ipRelaxationPolicyType: 'Enforce',
        isClientCredentialsFlowEnabled: 'false',
        isGuestCodeCredFlowEnabled: 'false',
        isTokenExchangeFlowEnabled: 'false',
        label: 'Dflt_oauth_defaultPolicy',
        permittedUsersPolicyType: 'AllSelfAuthorized',
        refreshTokenPolicyType: 'SpecificLifetime',
        refreshTokenValidityPeriod: '365',
        refreshTokenValidityUnit: 'Days',
        requiredSessionLevel: 'STANDARD',
      });
      expect(driver.state.getComponent('ExtlClntAppConfigurablePolicies', 'Dflt_defaultPolicy')?.fields).to.deep.include({
        externalClientApplication: 'Dflt',
        isEnabled: 'true',
        isOauthPluginEnabled: 'true',
      });
    });

    it('shows each API version only its fields (readMetadata at the endpoint version, retrieve at the request version)', async () => {
      await driver.deploy([header('Ver'), globalSettings('Ver'), oauthSettings('Ver')]);
      const at66 = await driver.read('ExtlClntAppOauthConfigurablePolicies', ['Ver_oauth_defaultPolicy']);
      const at60 = await driver.read('ExtlClntAppOauthConfigurablePolicies', ['Ver_oauth_defaultPolicy'], driver.connectionAt('60.0'));
      expect(at66[0]).to.have.property('isGuestCodeCredFlowEnabled', 'false');
      expect(at60[0]).to.not.have.property('isGuestCodeCredFlowEnabled');
      expect(at60[0]).to.include({ fullName: 'Ver_oauth_defaultPolicy', refreshTokenValidityPeriod: '365' });
    });

    it('fails a second policy name with DUPLICATE_VALUE and accepts the policy under the existing name', async () => {
      await driver.deploy([header('Dup'), globalSettings('Dup'), oauthSettings('Dup'), appPolicy('Dup')]);
      const second = await driver.deploy([oauthPolicy('Dup', oauthPolicyXml('Dup', { runAs: RUN_AS }))]);
      expect(failuresOf(second)).to.deep.equal([
        ['ExtlClntAppOauthConfigurablePolicies', 'Dup_oauthPlcy', 'DUPLICATE_VALUE: ExtlClntAppOauthSettingsId duplicates value on Dup_oauth_defaultPolicy'],
      ]);
      const reuse = await driver.deploy([oauthPolicy('Dup', oauthPolicyXml('Dup', { runAs: RUN_AS }), 'Dup_oauth_defaultPolicy')]);
      expect(reuse.status).to.equal('Succeeded');
      expect(driver.state.getComponent('ExtlClntAppOauthConfigurablePolicies', 'Dup_oauth_defaultPolicy')?.fields).to.include({
        isClientCredentialsFlowEnabled: 'true',
        clientCredentialsFlowUser: RUN_AS,
      });
    });

    it('fails two policies for one app in the same deploy', async () => {
      const xml = oauthPolicyXml('Two', { runAs: RUN_AS });
      const result = await driver.deploy([...allFive('Two'), oauthPolicy('Two', xml, 'Two_other')]);
      expect(failuresOf(result)).to.deep.equal([
        ['ExtlClntAppOauthConfigurablePolicies', 'Two_other', 'DUPLICATE_VALUE: ExtlClntAppOauthSettingsId duplicates value on Two_oauthPlcy'],
      ]);
    });

    it('needs the app’s OAuth settings before its OAuth policy', async () => {
      await driver.deploy([header('NoSettings')]);
      const result = await driver.deploy([oauthPolicy('NoSettings', oauthPolicyXml('NoSettings', { runAs: RUN_AS }))]);
      expect(failuresOf(result)[0][2]).to.equal('In field: externalClientApplication - no ExtlClntAppOauthSettings found for NoSettings');
    });
  });

  it('checks commaSeparatedPermissionSet and commaSeparatedProfile names', async () => {
    const bad = await driver.deploy(
      allFive('Names', { runAs: RUN_AS, permissionSets: 'Api_Integration_Access, Missing_Set', profiles: 'No Such Profile' })
    );
    expect(failuresOf(bad).map((f) => f[2])).to.deep.equal([
      "INVALID_FIELD: We couldn't find permission sets called Missing_Set",
      "INVALID_FIELD: We couldn't find profiles called No Such Profile",
    ]);
    const good = await driver.deploy([
      ...allFive('Names', { runAs: RUN_AS, permissionSets: 'Api_Integration_Access', profiles: 'System Administrator, New_Profile' }),
      profile('New_Profile'),
    ]);
    expect(good.status).to.equal('Succeeded');
  });

  it('overlays Profile deploys on the existing profile', async () => {
    // Without ViewAllData's dependencies (realOrgUsers.test.ts covers them).
    driver.state.permissionDependencies = [];
    await driver.deploy([profile('Overlay', profileXml({ permissions: { ApiEnabled: true } }))]);
    await driver.deploy([profile('Overlay', profileXml({ permissions: { ViewAllData: true } }))]);
    expect(driver.state.profileByName('Overlay')?.permissions).to.include({ ApiEnabled: true, ViewAllData: true });
    await driver.deploy([profile('Overlay', profileXml({ permissions: { ApiEnabled: false } }))]);
    expect(driver.state.profileByName('Overlay')?.permissions).to.include({ ApiEnabled: false, ViewAllData: true });
  });

  it('fails a Profile whose userLicense the org does not have, or that changes an existing profile’s license', async () => {
    const result = await driver.deploy([profile('Licensed', profileXml({ license: 'Salesforce API Integration' }))]);
    expect(failuresOf(result)).to.deep.equal([['Profile', 'Licensed', 'In field: userLicense - no UserLicense named Salesforce API Integration found']]);
    await driver.deploy([profile('Licensed')]);
    const change = await driver.deploy([profile('Licensed', profileXml({ license: 'Salesforce' }))]);
    expect(failuresOf(change)).to.deep.equal([
      ['Profile', 'Licensed', "You can't change the user license of profile Licensed from Salesforce Integration to Salesforce."],
    ]);
  });

  describe('consumer key and secret', () => {
    it('keeps the app’s credentials across redeploys; rotation needs ignoreWarnings', async () => {
      await driver.deploy(allFive('Keys'));
      const first = { ...driver.state.credentials.get('Keys') };
      await driver.deploy(allFive('Keys'));
      expect(driver.state.credentials.get('Keys')?.consumerKey).to.equal(first.consumerKey);
      const rotate = globalSettings('Keys', globalOauthXml('Keys').replace('<shouldRotateConsumerKey>false', '<shouldRotateConsumerKey>true'));
      const warned = await driver.deploy([rotate]);
      expect(warned.status).to.equal('Failed');
      expect(asArray(warned.details?.componentFailures)[0].problemType).to.equal('Warning');
      expect((await driver.deploy([rotate], { ignoreWarnings: true })).status).to.equal('Succeeded');
      expect(driver.state.credentials.get('Keys')?.consumerKey).to.not.equal(first.consumerKey);
      expect(driver.state.credentials.get('Keys')?.consumerSecret).to.equal(first.consumerSecret);
    });
    it('never stores the key or secret in the component fields', async () => {
      await driver.deploy(allFive('Stored'));
      const fields = JSON.stringify(driver.state.listComponents().map((c) => c.fields));
      const creds = driver.state.credentials.get('Stored');
      expect(fields).to.not.contain(creds?.consumerKey);
      expect(fields).to.not.contain(creds?.consumerSecret);
    });
  });

  it('accepts this org’s generated links only when they point at the app’s own consumer and name', async () => {
    await driver.deploy(allFive('Linked'));
    const orgId = driver.state.org.Id;
    const consumerId = driver.state.credentials.get('Linked')?.consumerId ?? '';
    const own = await driver.deploy([
      header('Linked', ecaXml('Linked', [['orgScopedExternalApp', `${orgId}:Linked`]])),
      oauthSettings('Linked', oauthSettingsXml('Linked', [['oauthLink', `${orgId}:${consumerId}`]])),
    ]);
    expect(own.status).to.equal('Succeeded');
    const wrong = await driver.deploy([
      header('Linked', ecaXml('Linked', [['orgScopedExternalApp', `${orgId}:Other`]])),
      oauthSettings('Linked', oauthSettingsXml('Linked', [['oauthLink', `${orgId}:888000000000000AAA`]])),
    ]);
    expect(failuresOf(wrong).map((f) => f[1])).to.deep.equal(['Linked', 'Linked_oauth']);
    const foreign = await driver.deploy([oauthSettings('Linked', oauthSettingsXml('Linked', [['oauthLink', `00D000000000XYZ:${consumerId}`]]))]);
    expect(foreign.status).to.equal('Failed');
  });

  it('fails a component named by an injected fault with its problem text', async () => {
    driver.state.faults.componentFailures.push({ type: 'ExternalClientApplication', fullName: 'Faulty', problem: 'Injected problem.' });
    const result = await driver.deploy([header('Faulty')]);
    expect(failuresOf(result)).to.deep.equal([['ExternalClientApplication', 'Faulty', 'Injected problem.']]);
  });

  it('keeps a deploy started while stuck InProgress until cancelled', async () => {
    driver.state.faults.deployStuckInProgress = true;
    const id = await driver.startDeploy([header('Stuck')]);
    for (let i = 0; i < 3; i++) {
      // eslint-disable-next-line no-await-in-loop
      expect((await driver.status(id)).status).to.equal('InProgress');
    }
    const cancel = await driver.conn.metadata.cancelDeploy(id);
    expect(cancel).to.include({ done: 'true', id }); // jsforce has no schema for cancelDeploy: strings
    expect(await driver.status(id)).to.include({ status: 'Canceled', done: true, success: false });
    expect(driver.state.getComponent('ExternalClientApplication', 'Stuck')).to.equal(undefined);
  });

  describe('ExternalClientAppSettings (the org opt-in)', () => {
    const settings = (fields: Record<string, boolean>, fullName = 'ExternalClientApp'): Component => ({
      type: 'ExternalClientAppSettings',
      fullName,
      xml:
        `<?xml version="1.0" encoding="UTF-8"?>\n<ExternalClientAppSettings xmlns="${NS}">\n` +
        Object.entries(fields)
          .map(([name, value]) => `    <${name}>${String(value)}</${name}>\n`)
          .join('') +
        '</ExternalClientAppSettings>\n',
    });

    it('fails every ECA component while external client apps are off; a deploy can turn them on', async () => {
      driver.state.settings.enableExternalClientApps = false;
      const off = await driver.deploy([header('Off')]);
      expect(failuresOf(off)[0][2]).to.match(/External client apps aren't enabled/);
      // enableExternalClientApps exists only up to 62.0 (metadata-fields-by-version.md section 6).
      const on = await driver.deploy([settings({ enableExternalClientApps: true }), header('Off')], { version: '62.0' });
      expect(on.status).to.equal('Succeeded');
      expect(driver.state.settings.enableExternalClientApps).to.equal(true);
    });

    it('reads and deploys the settings (only the fields in the file change), under their one name', async () => {
      const [read] = await driver.read('ExternalClientAppSettings', ['ExternalClientApp']);
      expect(read).to.include({ fullName: 'ExternalClientApp', enableClientSecretInRestApiAccess: 'false' });
      // Removed at 63.0: a 66.0 read does not show it.
      expect(read).to.not.have.property('enableExternalClientApps');
      expect((await driver.deploy([settings({ enableClientSecretInRestApiAccess: true })])).status).to.equal('Succeeded');
      expect(driver.state.settings).to.include({ enableClientSecretInRestApiAccess: true, enableExternalClientApps: true });
      expect((await driver.deploy([settings({ enableClientSecretInRestApiAccess: true }, 'Other')])).status).to.equal('Failed');
      const removed = await driver.deploy([settings({ enableExternalClientApps: true })]);
      expect(failuresOf(removed)[0][2]).to.contain('enableExternalClientApps invalid at this location');
    });
  });

  describe('SOAP faults', () => {
    it('answers INVALID_SESSION_ID for an unknown or expired session', async () => {
      const response = await driver.call('checkDeployStatus', '<asyncProcessId>0Af</asyncProcessId>', '66.0', 'nope');
      expect(response.status).to.equal(500);
      expect(faultOf(response)).to.deep.equal({
        faultcode: 'sf:INVALID_SESSION_ID',
        faultstring: 'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session',
      });
      driver.state.expireSession(driver.token);
      expect((await driver.call('listMetadata', '')).status).to.equal(500);
      const err = await rejection(driver.list(['ExternalClientApplication']));
      expect(err.name).to.equal('sf:INVALID_SESSION_ID');
    });
    it('limits listMetadata to 3 queries and readMetadata to 10 names', async () => {
      const queries = '<queries><type>Profile</type></queries>'.repeat(4);
      expect((await driver.call('listMetadata', queries)).body).to.contain('listMetadata accepts at most 3 queries');
      const names = Array.from({ length: 11 }, (_, i) => `<fullNames>N${i}</fullNames>`).join('');
      expect((await driver.call('readMetadata', `<type>Profile</type>${names}`)).body).to.contain('LIMIT_EXCEEDED');
    });
    it('describes the emulated types', async () => {
      const result = await driver.conn.metadata.describe('66.0');
      const objects = asArray(result.metadataObjects);
      expect(objects.map((o) => [o.xmlName, o.directoryName, o.suffix])).to.deep.include.members([
        ['ExternalClientApplication', 'externalClientApps', 'eca'],
        ['ExtlClntAppOauthConfigurablePolicies', 'extlClntAppOauthPolicies', 'ecaOauthPlcy'],
      ]);
    });
    it('answers an endpoint version above the org maximum, unknown ids and unknown types with faults', async () => {
      expect((await driver.call('describeMetadata', '', '67.0')).body).to.contain('UNSUPPORTED_API_VERSION');
      expect((await driver.call('checkDeployStatus', '<asyncProcessId>0Af000000000000AAA</asyncProcessId>')).body).to.contain(
        'INVALID_CROSS_REFERENCE_KEY'
      );
      expect((await driver.call('listMetadata', '<queries><type>Nope</type></queries>')).body).to.contain('INVALID_TYPE');
    });
  });
});
