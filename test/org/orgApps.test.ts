/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { findOrgApp, namespaceOfName, readConnectedApps, readEcaApps } from '../../src/org/orgApps.js';
import { metadataOrgApi, type MetadataOrg } from './metadataOrgFake.js';

function setupMadeOrg(): MetadataOrg {
  return {
    records: {
      ExternalClientApplication: [
        {
          fullName: 'Billing',
          contactEmail: 'a@example.com',
          label: 'Billing',
          orgScopedExternalApp: '00D:Billing',
          description: { $: { 'xsi:nil': 'true' } },
        },
        { fullName: 'Other', contactEmail: 'b@example.com', label: 'Other' },
        { fullName: 'pkg__Partner', contactEmail: 'p@example.com', label: 'Partner', namespacePrefix: 'pkg', manageableState: 'installed' },
      ],
      ExtlClntAppGlobalOauthSettings: [{ fullName: 'Billing_glbloauth', externalClientApplication: 'Billing', consumerKey: 'KEY' }],
      ExtlClntAppOauthSettings: [{ fullName: 'Billing_oauth', externalClientApplication: 'Billing', commaSeparatedOauthScopes: 'Api' }],
      // Names say nothing: a policy named after Billing belongs to Other.
      ExtlClntAppOauthConfigurablePolicies: [
        { fullName: 'Billing_oauthPlcy', externalClientApplication: 'Other' },
        { fullName: 'Billing_oauth_defaultPolicy', externalClientApplication: 'Billing', isClientCredentialsFlowEnabled: 'false' },
      ],
      ExtlClntAppConfigurablePolicies: [],
      ConnectedApp: [
        { fullName: 'Legacy', label: 'Legacy', oauthConfig: { consumerKey: 'CAKEY', scopes: ['Api', 'RefreshToken'] } },
        { fullName: 'acme__Installed', label: 'Installed', namespacePrefix: 'acme', manageableState: 'installed' },
      ],
    },
  };
}

describe('org/orgApps', () => {
  it('reads an ECA with its satellites matched by <externalClientApplication>, not by name', async () => {
    const api = metadataOrgApi(setupMadeOrg());
    const [app] = await readEcaApps(api, 'billing');
    expect(app.name).to.equal('Billing');
    expect(app.managed).to.equal(false);
    expect(app.satellites.ExtlClntAppOauthConfigurablePolicies?.fullName).to.equal('Billing_oauth_defaultPolicy');
    expect(app.satellites.ExtlClntAppGlobalOauthSettings?.fields.consumerKey).to.equal('KEY');
    expect(app.satellites.ExtlClntAppConfigurablePolicies).to.equal(undefined);
    expect(app.header.fields).to.not.have.property('$');
    // A nil element is no value.
    expect(app.header.fields).to.not.have.property('description');
    // listMetadata at most 3 types per call.
    expect(api.calls.filter((c) => c.method === 'listMetadata').every((c) => c.arg.split(',').length <= 3)).to.equal(true);
  });

  it('marks packaged apps managed (namespace, manageableState) and keeps repeated elements as lists', async () => {
    const api = metadataOrgApi(setupMadeOrg());
    const ecas = await readEcaApps(api);
    expect(ecas.find((a) => a.name === 'pkg__Partner')).to.deep.include({ managed: true, namespacePrefix: 'pkg' });
    const cas = await readConnectedApps(api);
    expect(cas.map((a) => [a.name, a.managed])).to.deep.equal([
      ['Legacy', false],
      ['acme__Installed', true],
    ]);
    expect((cas[0].record.fields.oauthConfig as Record<string, unknown>).scopes).to.deep.equal(['Api', 'RefreshToken']);
  });

  it('finds an ECA first, else a connected app, else nothing', async () => {
    const api = metadataOrgApi(setupMadeOrg());
    expect((await findOrgApp(api, 'Billing'))?.kind).to.equal('eca');
    expect((await findOrgApp(api, 'Legacy'))?.kind).to.equal('connectedApp');
    expect(await findOrgApp(api, 'Nothing')).to.equal(undefined);
  });

  it('lists nothing for types the org does not know (INVALID_TYPE)', async () => {
    const org = setupMadeOrg();
    org.invalidTypes = ['ConnectedApp'];
    expect(await readConnectedApps(metadataOrgApi(org))).to.deep.equal([]);
  });

  it('reads more than 10 names in batches', async () => {
    const many = Array.from({ length: 23 }, (_, i) => ({ fullName: `App_${i}`, label: `App ${i}` }));
    const api = metadataOrgApi({ records: { ConnectedApp: many } });
    expect(await readConnectedApps(api)).to.have.length(23);
    expect(api.calls.filter((c) => c.method === 'readMetadata')).to.have.length(3);
  });

  it('tells a namespace prefix from a plain name', () => {
    expect(namespaceOfName('acme__App')).to.equal('acme');
    expect(namespaceOfName('My_App')).to.equal(undefined);
  });
});
