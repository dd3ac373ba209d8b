/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { EXECUTION_USER_PROBLEM, validateComponent, type Problem } from '../src/metadata/validate.js';
import {
  appPolicyXml,
  ecaXml,
  globalOauthXml,
  oauthPolicyXml,
  oauthSettingsXml,
  profileXml,
} from './metadataFixtures.js';

const NS = 'http://soap.sforce.com/2006/04/metadata';
const codes = (problems: Problem[]): string[] => problems.map((p) => p.code);

/** Replaces the first occurrence of `<name>…</name>` (or inserts before the root's closing tag when absent). */
function withElement(xml: string, name: string, value: string | undefined): string {
  const re = new RegExp(`\\s*<${name}>[^<]*</${name}>`);
  if (value === undefined) return xml.replace(re, '');
  if (re.test(xml)) return xml.replace(re, `\n    <${name}>${value}</${name}>`);
  return xml.replace(/\n<\/(\w+)>\n$/, `\n    <${name}>${value}</${name}>\n</$1>\n`);
}

describe('emulator metadata validateComponent', () => {
  describe('accepts the reference samples', () => {
    const samples: Array<[string, string]> = [
      ['ExternalClientApplication', ecaXml('My_Integration')],
      ['ExtlClntAppGlobalOauthSettings', globalOauthXml('My_Integration')],
      ['ExtlClntAppOauthSettings', oauthSettingsXml('My_Integration')],
      [
        'ExtlClntAppOauthConfigurablePolicies',
        oauthPolicyXml('My_Integration', { runAs: 'integration.user@example.com.prod', permissionSets: 'My_Access' }),
      ],
      ['ExtlClntAppConfigurablePolicies', appPolicyXml('My_Integration')],
      ['Profile', profileXml()],
    ];
    for (const [type, xml] of samples) {
      it(`${type} at 60.0 and 66.0`, () => {
        expect(validateComponent(type, xml, '60.0')).to.deep.equal([]);
        expect(validateComponent(type, xml, '66.0')).to.deep.equal([]);
      });
    }
  });

  it('reports an unknown element the way the Metadata API parser does, with its position', () => {
    const xml = withElement(oauthSettingsXml('App'), 'foo', 'bar');
    const problems = validateComponent('ExtlClntAppOauthSettings', xml, '60.0');
    expect(problems).to.have.length(1);
    expect(problems[0]).to.include({
      code: 'UNKNOWN_ELEMENT',
      problem: `Error parsing file: Element {${NS}}foo invalid at this location in type ExtlClntAppOauthSettings`,
      problemType: 'Error',
      element: 'foo',
      lineNumber: 6,
      columnNumber: 5,
    });
  });

  it('reports a field newer than the deploy API version in the unknown-element shape', () => {
    const xml = globalOauthXml('App', [['isCodeCredFlowEnabled', 'false']]);
    expect(validateComponent('ExtlClntAppGlobalOauthSettings', xml, '61.0')).to.deep.equal([]);
    const problems = validateComponent('ExtlClntAppGlobalOauthSettings', xml, '60.0');
    expect(codes(problems)).to.deep.equal(['NEWER_THAN_API_VERSION']);
    expect(problems[0].problem).to.equal(
      `Error parsing file: Element {${NS}}isCodeCredFlowEnabled invalid at this location in type ExtlClntAppGlobalOauthSettings`
    );
  });

  it('rejects isGuestCodeCredFlowEnabled (in the reference sample) below 61.0', () => {
    const xml = oauthPolicyXml('App', { runAs: 'u@example.com', extra: [['isGuestCodeCredFlowEnabled', 'false']] });
    expect(codes(validateComponent('ExtlClntAppOauthConfigurablePolicies', xml, '60.0'))).to.deep.equal([
      'NEWER_THAN_API_VERSION',
    ]);
    expect(validateComponent('ExtlClntAppOauthConfigurablePolicies', xml, '61.0')).to.deep.equal([]);
  });

  it('gates the client credentials fields at 60.0', () => {
    const problems = validateComponent('ExtlClntAppGlobalOauthSettings', globalOauthXml('App'), '59.0');
    expect(problems.map((p) => p.element)).to.deep.equal(['isClientCredentialsFlowEnabled']);
  });

  it('knows ExtlClntAppConfigurablePolicies only from 60.0 (unknown type before)', () => {
    const problems = validateComponent('ExtlClntAppConfigurablePolicies', appPolicyXml('App'), '59.0');
    expect(problems).to.deep.equal([
      {
        code: 'TYPE_NOT_AVAILABLE',
        problem: "Unknown type name 'ExtlClntAppConfigurablePolicies' specified in package.xml",
        problemType: 'Error',
      },
    ]);
  });

  it('accepts isNamedUserJwtEnabled in the OAuth policy only at API 61-63', () => {
    const xml = oauthPolicyXml('App', { runAs: 'u@example.com', extra: [['isNamedUserJwtEnabled', 'false']] });
    expect(codes(validateComponent('ExtlClntAppOauthConfigurablePolicies', xml, '60.0'))).to.deep.equal([
      'NEWER_THAN_API_VERSION',
    ]);
    expect(validateComponent('ExtlClntAppOauthConfigurablePolicies', xml, '61.0')).to.deep.equal([]);
    expect(validateComponent('ExtlClntAppOauthConfigurablePolicies', xml, '63.0')).to.deep.equal([]);
    expect(codes(validateComponent('ExtlClntAppOauthConfigurablePolicies', xml, '64.0'))).to.deep.equal([
      'REMOVED_IN_API_VERSION',
    ]);
  });

  it('reports ConnectedApp field names in ECA files', () => {
    const xml = withElement(globalOauthXml('App'), 'isClientCredentialEnabled', 'true');
    const problems = validateComponent('ExtlClntAppGlobalOauthSettings', xml, '62.0');
    expect(codes(problems)).to.deep.equal(['CONNECTED_APP_ELEMENT']);
    expect(problems[0].problem).to.contain('{' + NS + '}isClientCredentialEnabled invalid at this location');
  });

  it('reports bad boolean, enum and int values', () => {
    const policy = oauthPolicyXml('App', {
      runAs: 'u@example.com',
      extra: [
        ['isGuestCodeCredFlowEnabled', 'yes'],
        ['sessionTimeoutInMinutes', 'ten'],
      ],
    }).replace('AdminApprovedPreAuthorized', 'AdminApproved');
    const problems = validateComponent('ExtlClntAppOauthConfigurablePolicies', policy, '62.0');
    expect(problems.map((p) => [p.element, p.problem])).to.have.deep.members([
      ['isGuestCodeCredFlowEnabled', "Error parsing file: 'yes' is not a valid value for the type xsd:boolean"],
      [
        'permittedUsersPolicyType',
        "Error parsing file: 'AdminApproved' is not a valid value for the enum 'PermittedUsersPolicyType'",
      ],
      ['sessionTimeoutInMinutes', "Error parsing file: 'ten' is not a valid value for the type xsd:int"],
    ]);
  });

  it('checks guestJwtTimeout against the values of the API version', () => {
    const xml = oauthPolicyXml('App', { runAs: 'u@example.com', extra: [['guestJwtTimeout', '60']] });
    expect(codes(validateComponent('ExtlClntAppOauthConfigurablePolicies', xml, '64.0'))).to.deep.equal(['INVALID_VALUE']);
    expect(validateComponent('ExtlClntAppOauthConfigurablePolicies', xml, '65.0')).to.deep.equal([]);
  });

  it('reports missing required fields, also when empty', () => {
    const noApp = withElement(oauthSettingsXml('App'), 'externalClientApplication', undefined);
    expect(validateComponent('ExtlClntAppOauthSettings', noApp, '60.0')).to.deep.equal([
      {
        code: 'REQUIRED_FIELD_MISSING',
        problem: 'Required field is missing: externalClientApplication',
        problemType: 'Error',
        element: 'externalClientApplication',
      },
    ]);
    const emptyLabel = withElement(ecaXml('App'), 'label', '');
    expect(codes(validateComponent('ExternalClientApplication', emptyLabel, '60.0'))).to.deep.equal([
      'REQUIRED_FIELD_MISSING',
    ]);
    const noEnabled = withElement(appPolicyXml('App'), 'isEnabled', undefined);
    expect(validateComponent('ExtlClntAppConfigurablePolicies', noEnabled, '60.0').map((p) => p.element)).to.deep.equal([
      'isEnabled',
    ]);
  });

  it('reports required fields of nested types and unknown nested elements', () => {
    const xml = oauthSettingsXml('App').replace(
      '</ExtlClntAppOauthSettings>',
      '    <trustedIpRanges>\n        <startIpAddress>10.0.0.1</startIpAddress>\n        <bogus>x</bogus>\n    </trustedIpRanges>\n</ExtlClntAppOauthSettings>'
    );
    const problems = validateComponent('ExtlClntAppOauthSettings', xml, '60.0');
    expect(problems.map((p) => [p.code, p.element])).to.deep.equal([
      ['UNKNOWN_ELEMENT', 'trustedIpRanges.bogus'],
      ['REQUIRED_FIELD_MISSING', 'trustedIpRanges.endIpAddress'],
    ]);
    expect(problems[0].problem).to.equal(
      `Error parsing file: Element {${NS}}bogus invalid at this location in type ExtlClntAppOauthIpRange`
    );
  });

  it('reports a single-valued element given twice as duplicated', () => {
    const xml = ecaXml('App', [['label', 'Again']]);
    const problems = validateComponent('ExternalClientApplication', xml, '60.0');
    expect(problems.map((p) => p.problem)).to.deep.equal([
      'Error parsing file: Element label is duplicated at this location in type ExternalClientApplication',
    ]);
  });

  describe('org-generated and internal fields', () => {
    const orgId = '00D000000000001AAA';
    it('rejects oauthLink and orgScopedExternalApp without an org, or from another org', () => {
      const settings = oauthSettingsXml('App', [['oauthLink', '00D0000000000XYZ:888000000000001']]);
      expect(codes(validateComponent('ExtlClntAppOauthSettings', settings, '60.0'))).to.deep.equal(['ORG_GENERATED_FIELD']);
      expect(codes(validateComponent('ExtlClntAppOauthSettings', settings, '60.0', { orgId }))).to.deep.equal([
        'ORG_GENERATED_FIELD',
      ]);
      const eca = ecaXml('App', [['orgScopedExternalApp', '00D0000000000XYZ:App']]);
      expect(codes(validateComponent('ExternalClientApplication', eca, '60.0', { orgId }))).to.deep.equal([
        'ORG_GENERATED_FIELD',
      ]);
    });
    it("accepts them with this org's Id (a retrieve round trip)", () => {
      const settings = oauthSettingsXml('App', [['oauthLink', '00D000000000001:888000000000001']]);
      expect(validateComponent('ExtlClntAppOauthSettings', settings, '60.0', { orgId })).to.deep.equal([]);
      const eca = ecaXml('App', [['orgScopedExternalApp', '00D000000000001AAA:App']]);
      expect(validateComponent('ExternalClientApplication', eca, '60.0', { orgId })).to.deep.equal([]);
    });
    it('rejects managedType and internal distribution states', () => {
      const eca = ecaXml('App', [['managedType', 'Managed']]).replace('>Local<', '>Managed<');
      expect(codes(validateComponent('ExternalClientApplication', eca, '60.0'))).to.deep.equal([
        'INTERNAL_VALUE',
        'INTERNAL_VALUE',
      ]);
    });
  });

  it('requires a Run As user when the policy enables the client credentials flow', () => {
    const xml = oauthPolicyXml('App', { runAs: 'u@example.com' }).replace(
      /\s*<clientCredentialsFlowUser>[^<]*<\/clientCredentialsFlowUser>/,
      ''
    );
    const problems = validateComponent('ExtlClntAppOauthConfigurablePolicies', xml, '60.0');
    expect(problems.map((p) => [p.code, p.problem])).to.deep.equal([['EXECUTION_USER_MISSING', EXECUTION_USER_PROBLEM]]);
  });

  it('checks OAuth scope tokens', () => {
    const xml = withElement(oauthSettingsXml('App'), 'commaSeparatedOauthScopes', 'Api, RefreshToken, api');
    const problems = validateComponent('ExtlClntAppOauthSettings', xml, '60.0');
    expect(codes(problems)).to.deep.equal(['INVALID_OAUTH_SCOPE']);
    expect(problems[0].problem).to.contain("'api'");
  });

  it('reports misspelt well-known user permissions in a Profile, and objectPermissions.viewAllFields before 63.0', () => {
    expect(codes(validateComponent('Profile', profileXml({ permissions: { APIEnabled: true } }), '60.0'))).to.deep.equal([
      'UNKNOWN_USER_PERMISSION',
    ]);
    const objectPerms = profileXml().replace(
      '</Profile>',
      '    <objectPermissions>\n        <allowRead>true</allowRead>\n        <object>Account</object>\n        <viewAllFields>false</viewAllFields>\n    </objectPermissions>\n</Profile>'
    );
    expect(validateComponent('Profile', objectPerms, '63.0')).to.deep.equal([]);
    expect(codes(validateComponent('Profile', objectPerms, '62.0'))).to.deep.equal(['NEWER_THAN_API_VERSION']);
  });

  it('reports malformed XML, a wrong root and a missing namespace', () => {
    const malformed = validateComponent('ExternalClientApplication', '<ExternalClientApplication><label>x</ExternalClientApplication>', '60.0');
    expect(codes(malformed)).to.deep.equal(['MALFORMED_XML']);
    expect(malformed[0].problem).to.match(/^Error parsing file: /);
    expect(codes(validateComponent('ExtlClntAppOauthSettings', ecaXml('App'), '60.0'))).to.deep.equal(['WRONG_ROOT']);
    const noNs = ecaXml('App').replace(` xmlns="${NS}"`, '');
    expect(codes(validateComponent('ExternalClientApplication', noNs, '60.0'))).to.deep.equal(['WRONG_NAMESPACE']);
  });

  it('reports types it does not model as unknown', () => {
    expect(codes(validateComponent('ApexClass', '<ApexClass/>', '60.0'))).to.deep.equal(['TYPE_NOT_AVAILABLE']);
  });
});
