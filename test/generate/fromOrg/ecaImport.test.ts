/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { buildAppDefinition, type AppDefinitionInput } from '../../../src/generate/appDefinition.js';
import { ecaRefusal, importedEcaComponents, orgDefaults, type OverridableInput } from '../../../src/generate/fromOrg/ecaImport.js';
import { parseMetadataXml } from '../../../src/metadata/xml.js';
import type { OrgEcaApp } from '../../../src/org/orgApps.js';

function setupMadeApp(overrides: Partial<OrgEcaApp> = {}): OrgEcaApp {
  return {
    kind: 'eca',
    name: 'Billing',
    managed: false,
    header: {
      fullName: 'Billing',
      fields: { contactEmail: 'owner@example.com', label: 'Billing Sync', orgScopedExternalApp: '00D000000000001:Billing', distributionState: 'Local' },
    },
    satellites: {
      ExtlClntAppGlobalOauthSettings: {
        fullName: 'Billing_glbloauth',
        fields: {
          externalClientApplication: 'Billing',
          callbackUrl: 'https://example.com/cb',
          consumerKey: 'KEY',
          isClientCredentialsFlowEnabled: 'false',
          isPkceRequired: 'true',
          shouldRotateConsumerSecret: 'true',
          label: 'Billing_glbloauth',
        },
      },
      ExtlClntAppOauthSettings: {
        fullName: 'Billing_oauth',
        fields: { externalClientApplication: 'Billing', commaSeparatedOauthScopes: 'Api, Chatter', oauthLink: '00D:888', label: 'Billing_oauth' },
      },
      ExtlClntAppOauthConfigurablePolicies: {
        fullName: 'Billing_oauth_defaultPolicy',
        fields: {
          externalClientApplication: 'Billing',
          isClientCredentialsFlowEnabled: 'false',
          permittedUsersPolicyType: 'AdminApprovedPreAuthorized',
          commaSeparatedPermissionSet: 'Existing_Access',
          ipRelaxationPolicyType: 'Bypass',
          isNamedUserJwtEnabled: 'false',
          label: 'Billing_oauth_defaultPolicy',
        },
      },
    },
    ...overrides,
  };
}

function definition(input: Partial<AppDefinitionInput> = {}): ReturnType<typeof buildAppDefinition>['definition'] {
  return buildAppDefinition({
    name: 'Billing',
    contactEmail: 'owner@example.com',
    runAsUsername: 'int@example.com',
    existingProfile: 'Minimum Access - API Only Integrations',
    permissionSets: ['Billing_Access'],
    permittedUsers: 'AdminApprovedPreAuthorized',
    apiVersion: '64.0',
    ...input,
  }).definition;
}

function fieldsOf(components: ReturnType<typeof importedEcaComponents>['components'], type: string): Record<string, unknown> {
  const component = components.find((c) => c.type === type);
  if (!component) throw new Error(`no ${type}`);
  return parseMetadataXml(component.content).fields;
}

describe('generate/fromOrg/ecaImport', () => {
  it('keeps the org names and settings, switches the flow on in both places and sets the Run As user', () => {
    const { components } = importedEcaComponents(setupMadeApp(), definition(), new Set());
    expect(components.map((c) => c.fullName)).to.deep.equal(['Billing', 'Billing_glbloauth', 'Billing_oauth', 'Billing_oauth_defaultPolicy']);
    expect(fieldsOf(components, 'ExtlClntAppGlobalOauthSettings')).to.deep.include({
      isClientCredentialsFlowEnabled: 'true',
      isPkceRequired: 'true',
      callbackUrl: 'https://example.com/cb',
      shouldRotateConsumerSecret: 'false',
    });
    const policy = fieldsOf(components, 'ExtlClntAppOauthConfigurablePolicies');
    expect(policy).to.deep.include({
      isClientCredentialsFlowEnabled: 'true',
      clientCredentialsFlowUser: 'int@example.com',
      ipRelaxationPolicyType: 'Bypass',
      commaSeparatedPermissionSet: 'Existing_Access,Billing_Access',
      commaSeparatedProfile: 'Minimum Access - API Only Integrations',
    });
    expect(fieldsOf(components, 'ExtlClntAppOauthSettings').commaSeparatedOauthScopes).to.equal('Api, Chatter');
  });

  it('never writes org-specific fields or a never-emit element', () => {
    const { components } = importedEcaComponents(setupMadeApp(), definition(), new Set());
    const all = components.map((c) => c.content).join('\n');
    for (const name of ['consumerKey', 'oauthLink', 'orgScopedExternalApp', 'isNamedUserJwtEnabled']) expect(all).to.not.include(name);
  });

  it('writes elements alphabetically, as retrieved files are', () => {
    const { components } = importedEcaComponents(setupMadeApp(), definition(), new Set());
    for (const c of components) {
      const { order } = parseMetadataXml(c.content);
      expect(order).to.deep.equal([...order].sort());
    }
  });

  it('applies only the flags the user gave', () => {
    const given = new Set<OverridableInput>(['scopes', 'ipRelaxation']);
    const { components } = importedEcaComponents(setupMadeApp(), definition({ scopes: ['Api'], ipRelaxation: 'Enforce', pkce: false }), given);
    expect(fieldsOf(components, 'ExtlClntAppOauthSettings').commaSeparatedOauthScopes).to.equal('Api');
    expect(fieldsOf(components, 'ExtlClntAppOauthConfigurablePolicies').ipRelaxationPolicyType).to.equal('Enforce');
    // --pkce was not in `given`: the org's value stays.
    expect(fieldsOf(components, 'ExtlClntAppGlobalOauthSettings').isPkceRequired).to.equal('true');
  });

  it('leaves the pre-authorization lists alone when all users may self-authorize', () => {
    const app = setupMadeApp();
    app.satellites.ExtlClntAppOauthConfigurablePolicies!.fields.permittedUsersPolicyType = 'AllSelfAuthorized';
    const { components } = importedEcaComponents(app, definition({ permittedUsers: 'AllSelfAuthorized' }), new Set());
    const policy = fieldsOf(components, 'ExtlClntAppOauthConfigurablePolicies');
    expect(policy.commaSeparatedPermissionSet).to.equal('Existing_Access');
    expect(policy).to.not.have.property('commaSeparatedProfile');
  });

  it('gives an app without a policy one under the Setup name, and drops settings the API version does not know', () => {
    const app = setupMadeApp();
    delete app.satellites.ExtlClntAppOauthConfigurablePolicies;
    app.satellites.ExtlClntAppGlobalOauthSettings!.fields.isCodeCredFlowEnabled = 'false';
    app.satellites.ExtlClntAppGlobalOauthSettings!.fields.someFutureField = 'x';
    const { components, warnings } = importedEcaComponents(app, definition({ apiVersion: '60.0' }), new Set());
    expect(components.find((c) => c.type === 'ExtlClntAppOauthConfigurablePolicies')?.fullName).to.equal('Billing_oauthPlcy');
    const global = fieldsOf(components, 'ExtlClntAppGlobalOauthSettings');
    expect(global).to.not.have.property('someFutureField');
    expect(global).to.not.have.property('isCodeCredFlowEnabled');
    expect(warnings.join('\n')).to.include('someFutureField').and.to.include('isCodeCredFlowEnabled');
    // commaSeparatedProfile exists from 62.0: at 60.0 only the permission set pre-authorizes.
    expect(fieldsOf(components, 'ExtlClntAppOauthConfigurablePolicies')).to.not.have.property('commaSeparatedProfile');
  });

  it('refuses managed apps and apps without OAuth settings', () => {
    expect(ecaRefusal(setupMadeApp({ managed: true, namespacePrefix: 'pkg' }), '64.0')?.key).to.equal('error.ManagedApp');
    const noOauth = setupMadeApp();
    delete noOauth.satellites.ExtlClntAppOauthSettings;
    expect(ecaRefusal(noOauth, '64.0')?.key).to.equal('error.NoOauthSettings');
    expect(ecaRefusal(setupMadeApp(), '59.0')?.key).to.equal('error.ApiVersionTooLowForFlow');
    expect(ecaRefusal(setupMadeApp(), '64.0')).to.equal(undefined);
  });

  it('reads the contact email and permitted users the org has', () => {
    expect(orgDefaults(setupMadeApp())).to.deep.equal({ contactEmail: 'owner@example.com', permittedUsers: 'AdminApprovedPreAuthorized' });
  });
});
