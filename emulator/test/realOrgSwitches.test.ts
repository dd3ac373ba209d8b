/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { ecaXml, globalOauthXml, oauthPolicyXml, oauthSettingsXml } from './metadataFixtures.js';
import { failuresOf, MetadataDriver, type Component } from './metadataHarness.js';

/**
 * The org behaviours reported by one source [T] and the switches that choose them (emulator/README.md, "Real-org
 * switches"): additive or replacing pre-authorization lists, declarative global OAuth settings, and the elements a
 * newer org returns on read.
 */

const RUN_AS = 'integration.user@example.com.emu';
const APP = 'Switch_App';
const POLICY = 'ExtlClntAppOauthConfigurablePolicies';

const app = (policy: Parameters<typeof oauthPolicyXml>[1], global = globalOauthXml(APP)): Component[] => [
  { type: 'ExternalClientApplication', fullName: APP, xml: ecaXml(APP) },
  { type: 'ExtlClntAppGlobalOauthSettings', fullName: `${APP}_glbloauth`, xml: global },
  { type: 'ExtlClntAppOauthSettings', fullName: `${APP}_oauth`, xml: oauthSettingsXml(APP) },
  { type: POLICY, fullName: `${APP}_oauthPlcy`, xml: oauthPolicyXml(APP, policy) },
];
const policyOnly = (policy: Parameters<typeof oauthPolicyXml>[1]): Component[] => [app(policy)[3]];

describe('emulator real-org switches', () => {
  let driver: MetadataDriver;
  afterEach(async () => driver?.stop());

  async function start(options: Parameters<typeof MetadataDriver.start>[0] = {}): Promise<void> {
    driver = await MetadataDriver.start(options);
    driver.emu.control.seedUser({ Username: RUN_AS, LastName: 'Integration', Email: 'i@example.com', profileName: 'Minimum Access - API Only Integrations' });
    driver.emu.control.seedPermissionSet({ name: 'Set_A' });
    driver.emu.control.seedPermissionSet({ name: 'Set_B' });
  }
  const lists = (): Record<string, unknown> => {
    const f = driver.state.getComponent(POLICY, `${APP}_oauthPlcy`)?.fields ?? {};
    return { permissionSets: f.commaSeparatedPermissionSet, profiles: f.commaSeparatedProfile };
  };

  it("additive (default): names join the policy's; a name it already has fails with the reported wording", async () => {
    await start();
    expect((await driver.deploy(app({ runAs: RUN_AS, permissionSets: 'Set_A', profiles: 'System Administrator' }))).status).to.equal('Succeeded');
    expect((await driver.deploy(policyOnly({ runAs: RUN_AS, permissionSets: 'Set_B' }))).status).to.equal('Succeeded');
    expect(lists()).to.deep.equal({ permissionSets: 'Set_A,Set_B', profiles: 'System Administrator' });
    const again = await driver.deploy(policyOnly({ runAs: RUN_AS, permissionSets: 'Set_B', profiles: 'system administrator' }));
    expect(failuresOf(again).map((f) => f[2])).to.have.members([
      'The permission set names are already taken: Set_B',
      'The profile names are already taken: system administrator',
    ]);
  });

  it('replace: the deployed list is the list, a list left out is cleared', async () => {
    await start({ preauthListSemantics: 'replace' });
    await driver.deploy(app({ runAs: RUN_AS, permissionSets: 'Set_A', profiles: 'System Administrator' }));
    expect((await driver.deploy(policyOnly({ runAs: RUN_AS, permissionSets: 'Set_A,Set_B' }))).status).to.equal('Succeeded');
    expect(lists()).to.deep.equal({ permissionSets: 'Set_A,Set_B', profiles: undefined });
    expect(driver.emu.control.setOrgBehaviour({ preauthListSemantics: 'additive' })).to.include({ preauthListSemantics: 'additive' });
    expect(() => driver.emu.control.setOrgBehaviour({ preauthListSemantics: 'both' as never })).to.throw(/additive or replace/);
  });

  it('declarative global OAuth settings (default): a deploy without certificate clears it; the switch keeps it', async () => {
    await start();
    const withCert = globalOauthXml(APP, [['certificate', 'MIIC-cert']]);
    await driver.deploy(app({ runAs: RUN_AS, permissionSets: 'Set_A' }, withCert));
    const global = (): Record<string, unknown> => driver.state.getComponent('ExtlClntAppGlobalOauthSettings', `${APP}_glbloauth`)?.fields ?? {};
    expect(global().certificate).to.equal('MIIC-cert');
    await driver.deploy([app({ runAs: RUN_AS }, globalOauthXml(APP))[1]]);
    expect(global().certificate).to.equal(undefined);
    driver.emu.control.setOrgBehaviour({ declarativeGlobalOauth: false });
    await driver.deploy([app({ runAs: RUN_AS }, withCert)[1]]);
    await driver.deploy([app({ runAs: RUN_AS }, globalOauthXml(APP))[1]]);
    expect(global().certificate).to.equal('MIIC-cert');
  });

  it('read returns the newer elements (isEnforceRefreshTokenTTL 67.0, isDPopEnabled/isMtlsEnabled 68.0) only at versions that have them', async () => {
    await start({ maxApiVersion: '68.0' });
    await driver.deploy(app({ runAs: RUN_AS, permissionSets: 'Set_A' }));
    const readAt = async (version: string): Promise<Record<string, unknown>> => {
      driver.conn.version = version;
      return (await driver.read('ExtlClntAppGlobalOauthSettings', [`${APP}_glbloauth`]))[0];
    };
    const at66 = await readAt('66.0');
    expect(at66).to.not.have.any.keys('isEnforceRefreshTokenTTL', 'isDPopEnabled', 'isMtlsEnabled');
    expect(await readAt('67.0')).to.include({ isEnforceRefreshTokenTTL: 'false' }).and.not.have.property('isDPopEnabled');
    expect(await readAt('68.0')).to.include({ isEnforceRefreshTokenTTL: 'false', isDPopEnabled: 'false', isMtlsEnabled: 'false' });
  });

  it('version-gated fields: commaSeparatedProfile only from 62.0', async () => {
    await start();
    const at61 = await driver.deploy(app({ runAs: RUN_AS, profiles: 'System Administrator', extra: [] }), { version: '61.0' });
    expect(failuresOf(at61).map((f) => f[2])).to.deep.equal([
      'Error parsing file: Element {http://soap.sforce.com/2006/04/metadata}commaSeparatedProfile invalid at this location in type ExtlClntAppOauthConfigurablePolicies',
    ]);
    expect((await driver.deploy(app({ runAs: RUN_AS, profiles: 'System Administrator' }), { version: '62.0' })).status).to.equal('Succeeded');
  });
});
