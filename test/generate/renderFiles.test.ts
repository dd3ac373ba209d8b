/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { join } from 'node:path';
import { expect } from 'chai';
import { loadTemplates, renderFiles, RenderedFile, Templates } from '../../src/generate/renderFiles.js';
import { parseMetadataXml, textOf, XmlNode } from '../../src/metadata/xml.js';
import { missingRequiredElements, unknownOrTooNewElements } from '../../src/metadata/ecaSchema.js';
import type { GeneratedTypeName } from '../../src/metadata/ecaTypes.js';
import { buildAppDefinition, AppDefinitionInput } from '../../src/generate/appDefinition.js';
import { validateComponent } from '../../emulator/src/metadata/validate.js';

const PROJECT = join('/', 'work', 'proj');
const METADATA = join(PROJECT, 'force-app', 'main', 'default');
const base: AppDefinitionInput = {
  name: 'Billing_Sync',
  label: 'Billing & Sync',
  contactEmail: 'admin@example.com',
  runAsUsername: 'billing.integration@example.com',
};

let templates: Templates;

function render(input: Partial<AppDefinitionInput> = {}): RenderedFile[] {
  return renderFiles(buildAppDefinition({ ...base, ...input }).definition, { projectDir: PROJECT, metadataDir: METADATA }, templates);
}

function file(files: RenderedFile[], type: RenderedFile['type']): RenderedFile {
  const found = files.find((f) => f.type === type);
  if (!found) expect.fail(`no ${type} file`);
  return found;
}

/**
 * What the plugin's own field tables say is wrong in a rendered file (empty when nothing): another root, an element
 * unknown, too new, removed or never emitted at the version, a required element missing.
 */
function templateProblems(rendered: RenderedFile, apiVersion: string): string[] {
  const type = rendered.type as GeneratedTypeName;
  const { root, order } = parseMetadataXml(rendered.content);
  return [
    ...(root === type ? [] : [`root ${root}`]),
    ...unknownOrTooNewElements(type, order, apiVersion).map((p) => `${p.element} (${p.problem})`),
    ...missingRequiredElements(type, order).map((e) => `${e} (missing)`),
  ];
}

function parsed(files: RenderedFile[], type: RenderedFile['type']): { fields: XmlNode; order: string[]; root: string } {
  return parseMetadataXml(file(files, type).content);
}

function expectAlphabetical(order: string[]): void {
  expect(order).to.deep.equal([...order].sort());
}

describe('renderFiles', () => {
  before(async () => {
    templates = await loadTemplates();
  });

  it('writes the contract paths and component names', () => {
    const files = render();
    expect(files.map((f) => [f.type, f.path, f.fullName])).to.deep.equal([
      ['ExternalClientApplication', join(METADATA, 'externalClientApps/Billing_Sync.eca-meta.xml'), 'Billing_Sync'],
      [
        'ExtlClntAppGlobalOauthSettings',
        join(METADATA, 'extlClntAppGlobalOauthSets/Billing_Sync_glbloauth.ecaGlblOauth-meta.xml'),
        'Billing_Sync_glbloauth',
      ],
      [
        'ExtlClntAppOauthSettings',
        join(METADATA, 'extlClntAppOauthSettings/Billing_Sync_oauth.ecaOauth-meta.xml'),
        'Billing_Sync_oauth',
      ],
      [
        'ExtlClntAppOauthConfigurablePolicies',
        join(METADATA, 'extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy-meta.xml'),
        'Billing_Sync_oauthPlcy',
      ],
      [
        'ExtlClntAppConfigurablePolicies',
        join(METADATA, 'extlClntAppPolicies/Billing_Sync_plcy.ecaPlcy-meta.xml'),
        'Billing_Sync_plcy',
      ],
      ['Profile', join(METADATA, 'profiles/Billing_Sync Integration.profile-meta.xml'), 'Billing_Sync Integration'],
      ['PermissionSet', join(METADATA, 'permissionsets/Billing_Sync_Access.permissionset-meta.xml'), 'Billing_Sync_Access'],
      ['UserDefinition', join(PROJECT, 'config/Billing_Sync.user-def.json'), undefined],
      ['Manifest', join(PROJECT, 'manifest/Billing_Sync.package.xml'), undefined],
    ]);
  });

  for (const apiVersion of ['60.0', '66.0']) {
    describe(`at API ${apiVersion}`, () => {
      const high = apiVersion === '66.0';

      it('ExternalClientApplication: label, contact, description, Local; alphabetical; escaped', () => {
        const { root, fields, order } = parsed(render({ apiVersion }), 'ExternalClientApplication');
        expect(root).to.equal('ExternalClientApplication');
        expect(order).to.deep.equal(['contactEmail', 'description', 'distributionState', 'isProtected', 'label']);
        expect(fields).to.include({ contactEmail: 'admin@example.com', distributionState: 'Local', label: 'Billing & Sync' });
        expect(file(render({ apiVersion }), 'ExternalClientApplication').content).to.include('Billing &amp; Sync');
      });

      it('ExtlClntAppGlobalOauthSettings: client credentials on, secrets required, JWT switch only from 61.0', () => {
        const { fields, order } = parsed(render({ apiVersion }), 'ExtlClntAppGlobalOauthSettings');
        expectAlphabetical(order);
        expect(fields).to.include({
          callbackUrl: 'https://login.salesforce.com/services/oauth2/success',
          externalClientApplication: 'Billing_Sync',
          isClientCredentialsFlowEnabled: 'true',
          isConsumerSecretOptional: 'false',
          isSecretRequiredForRefreshToken: 'true',
          isPkceRequired: 'false',
          isRefreshTokenRotationEnabled: 'false',
          label: 'Billing_Sync_glbloauth',
          shouldRotateConsumerKey: 'false',
          shouldRotateConsumerSecret: 'false',
        });
        expect(order.includes('isNamedUserJwtEnabled')).to.equal(high);
        for (const never of ['consumerKey', 'consumerSecret']) expect(order).to.not.include(never);
      });

      it('ExtlClntAppOauthSettings: one scopes element, no oauthLink', () => {
        const { fields, order } = parsed(render({ apiVersion, scopes: ['api', 'chatter'] }), 'ExtlClntAppOauthSettings');
        expect(order).to.deep.equal(['commaSeparatedOauthScopes', 'externalClientApplication', 'label']);
        expect(fields).to.include({ commaSeparatedOauthScopes: 'Api, Chatter', label: 'Billing_Sync_oauth' });
      });

      it('ExtlClntAppOauthConfigurablePolicies: client credentials, Run As user, pre-authorized profile; guest flow only from 61.0', () => {
        const { fields, order } = parsed(render({ apiVersion, permissionSets: ['P_One', 'P_Two'] }), 'ExtlClntAppOauthConfigurablePolicies');
        expectAlphabetical(order);
        expect(fields).to.include({
          clientCredentialsFlowUser: 'billing.integration@example.com',
          commaSeparatedPermissionSet: 'Billing_Sync_Access,P_One,P_Two',
          externalClientApplication: 'Billing_Sync',
          ipRelaxationPolicyType: 'Enforce',
          isClientCredentialsFlowEnabled: 'true',
          permittedUsersPolicyType: 'AdminApprovedPreAuthorized',
          refreshTokenPolicyType: 'Zero',
          label: 'Billing_Sync_oauthPlcy',
        });
        expect(order.includes('isGuestCodeCredFlowEnabled')).to.equal(high);
        // commaSeparatedProfile exists only from 62.0: a 60.0 file must not carry it.
        expect(fields.commaSeparatedProfile).to.equal(high ? 'Billing_Sync Integration' : undefined);
        for (const absent of ['isNamedUserJwtEnabled', 'sessionTimeoutInMinutes', 'refreshTokenValidityPeriod']) {
          expect(order).to.not.include(absent);
        }
      });

      it('ExtlClntAppConfigurablePolicies: enabled with the OAuth plugin; start page None only from 63.0', () => {
        const { fields, order } = parsed(render({ apiVersion }), 'ExtlClntAppConfigurablePolicies');
        expectAlphabetical(order);
        expect(fields).to.include({ externalClientApplication: 'Billing_Sync', isEnabled: 'true', isOauthPluginEnabled: 'true' });
        expect(textOf(fields, 'startPage')).to.equal(high ? 'None' : undefined);
      });

      it('Profile: custom, Salesforce license, API Enabled and View All Data, sorted object permissions', () => {
        const files = render({ apiVersion, viewAllObjects: ['Invoice__c', 'Account'], apiOnlyUser: true });
        const { fields, order } = parsed(files, 'Profile');
        expect(order).to.deep.equal([
          'custom',
          'description',
          'objectPermissions',
          'objectPermissions',
          'userLicense',
          'userPermissions',
          'userPermissions',
          'userPermissions',
        ]);
        expect(fields).to.include({ custom: 'true', userLicense: 'Salesforce' });
        const objects = fields.objectPermissions as XmlNode[];
        expect(objects.map((o) => o.object)).to.deep.equal(['Account', 'Invoice__c']);
        expect(objects[0]).to.deep.equal({
          allowCreate: 'false',
          allowDelete: 'false',
          allowEdit: 'false',
          allowRead: 'true',
          modifyAllRecords: 'false',
          object: 'Account',
          viewAllRecords: 'true',
        });
        expect(fields.userPermissions).to.deep.equal([
          { enabled: 'true', name: 'ApiEnabled' },
          { enabled: 'true', name: 'ApiUserOnly' },
          { enabled: 'true', name: 'ViewAllData' },
        ]);
      });

      it('user definition: the contract shape, username = policy Run As user', () => {
        const files = render({ apiVersion, permissionSets: ['P_One'], userFirstName: 'Billing' });
        const userDef = JSON.parse(file(files, 'UserDefinition').content) as Record<string, unknown>;
        expect(userDef).to.deep.equal({
          Username: 'billing.integration@example.com',
          LastName: 'Integration',
          FirstName: 'Billing',
          Email: 'admin@example.com',
          Alias: 'billingi',
          profileName: 'Billing_Sync Integration',
          permsets: ['Billing_Sync_Access', 'P_One'],
          LocaleSidKey: 'en_US',
          TimeZoneSidKey: 'America/Los_Angeles',
          LanguageLocaleKey: 'en_US',
          EmailEncodingKey: 'UTF-8',
        });
        expect(textOf(parsed(files, 'ExtlClntAppOauthConfigurablePolicies').fields, 'clientCredentialsFlowUser')).to.equal(
          userDef.Username
        );
      });

      it('manifest: every generated component, types sorted, version = API version', () => {
        const { root, fields, order } = parsed(render({ apiVersion }), 'Manifest');
        expect(root).to.equal('Package');
        expect(order.at(-1)).to.equal('version');
        expect(fields.version).to.equal(apiVersion);
        expect(fields.types).to.deep.equal([
          { members: 'Billing_Sync', name: 'ExternalClientApplication' },
          { members: 'Billing_Sync_plcy', name: 'ExtlClntAppConfigurablePolicies' },
          { members: 'Billing_Sync_glbloauth', name: 'ExtlClntAppGlobalOauthSettings' },
          { members: 'Billing_Sync_oauthPlcy', name: 'ExtlClntAppOauthConfigurablePolicies' },
          { members: 'Billing_Sync_oauth', name: 'ExtlClntAppOauthSettings' },
          { members: 'Billing_Sync_Access', name: 'PermissionSet' },
          { members: 'Billing_Sync Integration', name: 'Profile' },
        ]);
      });

      it('PermissionSet: the app access permission set, alphabetical, no permissions by default', () => {
        const { root, fields, order } = parsed(render({ apiVersion }), 'PermissionSet');
        expect(root).to.equal('PermissionSet');
        expect(order).to.deep.equal(['description', 'hasActivationRequired', 'label']);
        expect(fields).to.include({ hasActivationRequired: 'false', label: 'Billing Sync Access' });
      });
    });
  }

  /** Every API version from 60.0 to 68.0, each with no options, every option, and an existing profile. */
  function everyVersionAndOption(): Array<{ version: string; files: RenderedFile[] }> {
    const variants: Array<Partial<AppDefinitionInput>> = [
      {},
      {
        pkce: true,
        refreshTokenRotation: true,
        ipRelaxation: 'Enforce_RelaxRefresh',
        refreshTokenPolicy: 'SpecificInactivity',
        refreshTokenValidity: '3 Months',
        sessionTimeout: 60,
        permissionSets: ['P_One'],
        viewAllObjects: ['Account'],
        apiOnlyUser: true,
        scopes: ['Api', 'OpenID', 'CustomPermissions'],
      },
      { existingProfile: 'Minimum Access - API Only Integrations', permittedUsers: 'AllSelfAuthorized' },
    ];
    const cases: Array<{ version: string; files: RenderedFile[] }> = [];
    for (let version = 60; version <= 68; version++) {
      for (const variant of variants) {
        const jwt = version >= 61 && variant.pkce === true ? { jwtAccessTokens: true, sessionTimeout: undefined } : {};
        const files = render({ ...variant, ...jwt, apiVersion: `${version}.0` }).filter((r) => r.fullName);
        cases.push({ version: `${version}.0`, files });
      }
    }
    return cases;
  }

  it("passes the emulator's independent validator at every API version from 60.0 to 68.0, with and without options", () => {
    for (const { version, files } of everyVersionAndOption()) {
      for (const f of files) expect(validateComponent(f.type, f.content, version), `${f.type} at ${version}`).to.deep.equal([]);
    }
  });

  it("emits, by the plugin's own field tables, only elements each API version knows and every required one", () => {
    // generate used to make this check at run time; the templates are fixed, so every version and option is checked here.
    let checked = 0;
    for (const { version, files } of everyVersionAndOption()) {
      for (const f of files) {
        expect(templateProblems(f, version), `${f.type} at ${version}`).to.deep.equal([]);
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(9 * 3 * 6);
  });

  it('emits the hardening and policy options', () => {
    const files = render({
      apiVersion: '62.0',
      pkce: true,
      refreshTokenRotation: true,
      jwtAccessTokens: true,
      ipRelaxation: 'Bypass',
      refreshTokenPolicy: 'SpecificLifetime',
      refreshTokenValidity: '90 Days',
      callbackUrl: 'http://localhost:1717/OauthRedirect',
    });
    expect(parsed(files, 'ExtlClntAppGlobalOauthSettings').fields).to.include({
      isPkceRequired: 'true',
      isRefreshTokenRotationEnabled: 'true',
      isNamedUserJwtEnabled: 'true',
      callbackUrl: 'http://localhost:1717/OauthRedirect',
    });
    expect(parsed(files, 'ExtlClntAppOauthConfigurablePolicies').fields).to.include({
      ipRelaxationPolicyType: 'Bypass',
      refreshTokenPolicyType: 'SpecificLifetime',
      refreshTokenValidityPeriod: '90',
      refreshTokenValidityUnit: 'Days',
    });
    const withTimeout = parsed(render({ sessionTimeout: 120 }), 'ExtlClntAppOauthConfigurablePolicies');
    expect(withTimeout.fields.sessionTimeoutInMinutes).to.equal('120');
    expectAlphabetical(withTimeout.order);
  });

  it('with an existing profile: no Profile file, the existing profile in policy, user and not in the manifest', () => {
    const files = render({ existingProfile: 'Minimum Access - API Only Integrations', apiVersion: '62.0' });
    expect(files.map((f) => f.type)).to.not.include('Profile');
    expect(parsed(files, 'ExtlClntAppOauthConfigurablePolicies').fields.commaSeparatedProfile).to.equal(
      'Minimum Access - API Only Integrations'
    );
    expect(JSON.parse(file(files, 'UserDefinition').content)).to.include({
      profileName: 'Minimum Access - API Only Integrations',
    });
    const types = parsed(files, 'Manifest').fields.types as XmlNode[];
    expect(types.map((t) => t.name)).to.not.include('Profile');
    expect(types).to.have.length(6);
  });

  it('with AllSelfAuthorized: no pre-authorized profile or permission sets in the policy', () => {
    const { order } = parsed(
      render({ permittedUsers: 'AllSelfAuthorized', permissionSets: ['P_One'], apiVersion: '66.0' }),
      'ExtlClntAppOauthConfigurablePolicies'
    );
    expect(order).to.not.include('commaSeparatedProfile');
    expect(order).to.not.include('commaSeparatedPermissionSet');
  });

  it('without View All Data: only API Enabled', () => {
    expect(parsed(render({ viewAllData: false }), 'Profile').fields.userPermissions).to.deep.equal({
      enabled: 'true',
      name: 'ApiEnabled',
    });
  });

  it('never writes a consumer key, secret, oauthLink or orgScopedExternalApp', () => {
    for (const f of render({ apiVersion: '66.0' })) {
      for (const never of ['consumerKey', 'consumerSecret', 'oauthLink', 'orgScopedExternalApp']) {
        expect(f.content, f.path).to.not.include(never);
      }
    }
  });

  it('the field-table check finds a template that emits a field unknown at the API version', () => {
    const broken: Templates = {
      ...templates,
      ExtlClntAppConfigurablePolicies: templates.ExtlClntAppConfigurablePolicies.replace(
        '<isEnabled>',
        '<isMobilePluginEnabled>false</isMobilePluginEnabled>\n    <isEnabled>'
      ),
    };
    const definition = buildAppDefinition({ ...base, apiVersion: '61.0' }).definition;
    const [policies] = renderFiles(definition, { projectDir: PROJECT, metadataDir: METADATA }, broken).filter(
      (f) => f.type === 'ExtlClntAppConfigurablePolicies'
    );
    expect(templateProblems(policies, '61.0')).to.deep.equal(['isMobilePluginEnabled (tooNew)']);
  });

  it('the field-table check finds a template that emits a never-emit field', () => {
    const broken: Templates = {
      ...templates,
      ExtlClntAppOauthSettings: templates.ExtlClntAppOauthSettings.replace('<label>', '<oauthLink>x</oauthLink>\n    <label>'),
    };
    const definition = buildAppDefinition(base).definition;
    const [settings] = renderFiles(definition, { projectDir: PROJECT, metadataDir: METADATA }, broken).filter(
      (f) => f.type === 'ExtlClntAppOauthSettings'
    );
    expect(templateProblems(settings, definition.apiVersion)).to.deep.equal(['oauthLink (neverEmit)']);
  });
});
