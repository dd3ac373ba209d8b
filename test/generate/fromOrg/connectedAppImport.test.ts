/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import {
  connectedAppFilePath,
  connectedAppRefusal,
  consumerKeyOf,
  importedConnectedApp,
} from '../../../src/generate/fromOrg/connectedAppImport.js';
import { parseMetadataXml } from '../../../src/metadata/xml.js';
import type { OrgConnectedApp } from '../../../src/org/orgApps.js';

function legacyApp(overrides: Partial<OrgConnectedApp> = {}): OrgConnectedApp {
  return {
    kind: 'connectedApp',
    name: 'Legacy',
    managed: false,
    record: {
      fullName: 'Legacy',
      fields: {
        contactEmail: 'owner@example.com',
        label: 'Legacy',
        profileName: ['System Administrator', 'Standard User'],
        oauthConfig: {
          callbackUrl: 'https://example.com/cb',
          consumerKey: 'CAKEY',
          consumerSecret: 'never-here',
          isAdminApproved: 'true',
          isClientCredentialEnabled: 'false',
          scopes: ['Api', 'RefreshToken'],
        },
        oauthPolicy: { ipRelaxation: 'ENFORCE', refreshTokenPolicy: 'infinite' },
      },
    },
    ...overrides,
  };
}

describe('generate/fromOrg/connectedAppImport', () => {
  it('switches the flow on for the Run As user and keeps every other setting', () => {
    const { root, fields } = parseMetadataXml(importedConnectedApp(legacyApp(), 'int@example.com'));
    expect(root).to.equal('ConnectedApp');
    expect(fields.oauthConfig).to.deep.include({
      isClientCredentialEnabled: 'true',
      oauthClientCredentialUser: 'int@example.com',
      callbackUrl: 'https://example.com/cb',
      isAdminApproved: 'true',
    });
    expect(fields.oauthPolicy).to.deep.equal({ ipRelaxation: 'ENFORCE', refreshTokenPolicy: 'infinite' });
    expect(fields.profileName).to.deep.equal(['System Administrator', 'Standard User']);
  });

  it('never writes the consumer key or secret (a redeploy with a key is refused)', () => {
    const xml = importedConnectedApp(legacyApp(), 'int@example.com');
    expect(xml).to.not.include('consumerKey');
    expect(xml).to.not.include('consumerSecret');
    expect(xml).to.not.include('never-here');
    expect(consumerKeyOf(legacyApp())).to.equal('CAKEY');
  });

  it('refuses managed apps, apps without OAuth, and API versions before the client credentials fields', () => {
    expect(connectedAppRefusal(legacyApp({ managed: true, namespacePrefix: 'acme' }), '64.0')?.key).to.equal('error.ManagedApp');
    const noOauth = legacyApp();
    delete noOauth.record.fields.oauthConfig;
    expect(connectedAppRefusal(noOauth, '64.0')?.key).to.equal('error.NoOauthSettings');
    expect(connectedAppRefusal(legacyApp(), '55.0')?.key).to.equal('error.ApiVersionTooLowForConnectedApp');
    expect(connectedAppRefusal(legacyApp(), '56.0')).to.equal(undefined);
  });

  it('puts the file where SDR looks for connected apps', () => {
    expect(connectedAppFilePath('Legacy')).to.equal('connectedApps/Legacy.connectedApp-meta.xml');
  });
});
