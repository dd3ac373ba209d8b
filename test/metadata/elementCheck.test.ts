/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { Messages } from '@salesforce/core';
import { checkElements, type ElementFinding } from '../../src/metadata/elementCheck.js';
import { KNOWN_MAX_API_VERSION, SCHEMAS } from '../../src/metadata/ecaSchema.js';
import type { GeneratedTypeName } from '../../src/metadata/ecaTypes.js';
import type { XmlNode } from '../../src/metadata/xml.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

const GLOBAL = 'ExtlClntAppGlobalOauthSettings';
const OAUTH = 'ExtlClntAppOauthSettings';
const POLICY = 'ExtlClntAppOauthConfigurablePolicies';
const APP_POLICY = 'ExtlClntAppConfigurablePolicies';
const ECA = 'ExternalClientApplication';

/** Checks a file whose top-level elements are `fields` (in that order), as read by parseMetadataXml. */
function check(type: GeneratedTypeName, fields: XmlNode, apiVersion: string): ElementFinding[] {
  return checkElements(type, fields, Object.keys(fields), apiVersion);
}

const findingOf = (findings: ElementFinding[], element: string): ElementFinding | undefined => findings.find((f) => f.element === element);

describe('metadata/elementCheck', () => {
  it('finds nothing in a clean client credentials file', () => {
    const fields = { externalClientApplication: 'My_App', isClientCredentialsFlowEnabled: 'true', isConsumerSecretOptional: 'false', label: 'My_App_glbloauth' };
    expect(check(GLOBAL, fields, '66.0')).to.deep.equal([]);
    const policy = {
      clientCredentialsFlowUser: 'integration@acme.com.uat2',
      externalClientApplication: 'My_App',
      isClientCredentialsFlowEnabled: 'true',
      label: 'My_App_oauthPlcy',
      permittedUsersPolicyType: 'AdminApprovedPreAuthorized',
      refreshTokenPolicyType: 'Infinite',
    };
    expect(check(POLICY, policy, '60.0')).to.deep.equal([]);
  });

  describe('elements the type does not have', () => {
    it('block the deploy, naming the element and the type', () => {
      const findings = check(ECA, { label: 'A', lable: 'typo' }, '66.0');
      expect(findings).to.deep.equal([{ element: 'lable', blocking: true, message: messages.getMessage('problem.unknownElement', ['lable', ECA]) }]);
    });

    it(`still block at the newest version the tables know (${KNOWN_MAX_API_VERSION}.0)`, () => {
      expect(findingOf(check(ECA, { lable: 'x' }, `${KNOWN_MAX_API_VERSION}.0`), 'lable')?.blocking).to.equal(true);
    });

    it('only warn in a file newer than the tables: the element may be new', () => {
      const version = `${KNOWN_MAX_API_VERSION + 1}.0`;
      expect(check(ECA, { isBrandNew: 'true' }, version)).to.deep.equal([
        {
          element: 'isBrandNew',
          blocking: false,
          message: messages.getMessage('warning.unknownElementNewerVersion', ['isBrandNew', ECA, version, `${KNOWN_MAX_API_VERSION}.0`]),
        },
      ]);
    });

    it('include names of Object.prototype members, without failing on them', () => {
      // A file can name an element "constructor" or "__proto__" (JSON.parse makes __proto__ an own key, like a parser would).
      const fields = JSON.parse('{"constructor":"x","__proto__":"y","toString":"z","distributionState":"Local"}') as XmlNode;
      const findings = checkElements(ECA, fields, ['constructor', '__proto__', 'toString', 'distributionState'], '66.0');
      expect(findings).to.deep.equal(
        ['constructor', '__proto__', 'toString'].map((element) => ({
          element,
          blocking: true,
          message: messages.getMessage('problem.unknownElement', [element, ECA]),
        }))
      );
      expect(({} as Record<string, unknown>).y).to.equal(undefined);
    });

    it('are reported once however often they occur', () => {
      const findings = checkElements(OAUTH, { trustedIpRange: ['a', 'b'] }, ['trustedIpRange', 'trustedIpRange'], '66.0');
      expect(findings.filter((f) => f.element === 'trustedIpRange')).to.have.length(1);
    });

    it('are not reported for Profile and PermissionSet, whose tables list only what the plugin writes', () => {
      expect(check('Profile', { custom: 'true', userLicense: 'Salesforce Integration', fieldPermissions: { field: 'Account.Name' } }, '66.0')).to.deep.equal([]);
      expect(check('PermissionSet', { label: 'Access', applicationVisibilities: { application: 'x' } }, '66.0')).to.deep.equal([]);
    });
  });

  describe('elements newer than the deploy API version', () => {
    it('block with the version that has them (a WSDL element)', () => {
      // isCodeCredFlowEnabled exists from 61.0 on the global OAuth settings.
      expect(SCHEMAS[GLOBAL].isCodeCredFlowEnabled.since).to.equal(61);
      expect(check(GLOBAL, { isCodeCredFlowEnabled: 'false' }, '60.0')).to.deep.equal([
        {
          element: 'isCodeCredFlowEnabled',
          blocking: true,
          message: messages.getMessage('problem.tooNewElement', ['isCodeCredFlowEnabled', '61.0', '60.0', '61.0']),
        },
      ]);
      expect(check(GLOBAL, { isCodeCredFlowEnabled: 'false' }, '61.0')).to.deep.equal([]);
    });

    it('are left out of the deployed copy with a warning when orgs return them on retrieve', () => {
      // commaSeparatedCustomScopes (61.0) is returned by real orgs: a retrieved file deployed at 60.0 still deploys.
      expect(check(OAUTH, { commaSeparatedCustomScopes: 'custom' }, '60.0')).to.deep.equal([
        {
          element: 'commaSeparatedCustomScopes',
          blocking: false,
          drop: true,
          message: messages.getMessage('warning.droppedElement', ['commaSeparatedCustomScopes', '61.0', '60.0']),
        },
      ]);
      expect(check(OAUTH, { commaSeparatedCustomScopes: 'custom' }, '61.0')).to.deep.equal([]);
    });

    it('are left out with a warning naming the @salesforce/types release when their version is only inferred', () => {
      expect(SCHEMAS[GLOBAL].isDPopEnabled).to.include({ since: 68, typesRelease: '1.9.0' });
      expect(check(GLOBAL, { isDPopEnabled: 'false' }, '66.0')).to.deep.equal([
        {
          element: 'isDPopEnabled',
          blocking: false,
          drop: true,
          message: messages.getMessage('warning.typesOnlyElement', ['isDPopEnabled', '1.9.0', '66.0', '68.0']),
        },
      ]);
      expect(check(GLOBAL, { isDPopEnabled: 'false' }, '68.0')).to.deep.equal([]);
    });

    it('reads the major version from strings like "60" and "60.0"', () => {
      expect(findingOf(check(GLOBAL, { isCodeCredFlowEnabled: 'x' }, '60'), 'isCodeCredFlowEnabled')?.blocking).to.equal(true);
    });
  });

  describe('elements removed in the deploy API version', () => {
    it('block, naming the last version that had them', () => {
      // isClientCredentialEnabled existed only at 58.0 (replaced by isClientCredentialsFlowEnabled).
      expect(check(GLOBAL, { isClientCredentialEnabled: 'true' }, '60.0')).to.deep.equal([
        {
          element: 'isClientCredentialEnabled',
          blocking: true,
          message: messages.getMessage('problem.removedElement', ['isClientCredentialEnabled', '58.0', '60.0']),
        },
      ]);
    });

    it('block a deprecated policy element past its range, and only warn inside it', () => {
      // isNamedUserJwtEnabled on the OAuth policy: 61.0-63.0 only, and never to be written.
      expect(findingOf(check(POLICY, { isNamedUserJwtEnabled: 'false' }, '64.0'), 'isNamedUserJwtEnabled')).to.include({ blocking: true });
      const inside = findingOf(check(POLICY, { isNamedUserJwtEnabled: 'false' }, '62.0'), 'isNamedUserJwtEnabled');
      expect(inside).to.deep.equal({
        element: 'isNamedUserJwtEnabled',
        blocking: false,
        message: messages.getMessage('warning.neverEmitElement', ['isNamedUserJwtEnabled', SCHEMAS[POLICY].isNamedUserJwtEnabled.neverEmit ?? '']),
      });
      expect(findingOf(check(POLICY, { isNamedUserJwtEnabled: 'false' }, '60.0'), 'isNamedUserJwtEnabled')).to.include({ blocking: true });
    });
  });

  describe('elements that must not be in a file', () => {
    it('block a consumer secret, without repeating its value', () => {
      const secret = 'D8F2A1B0C9E7SECRETVALUE1234567890ABCDEF';
      const findings = check(GLOBAL, { consumerSecret: secret, externalClientApplication: 'My_App' }, '66.0');
      expect(findings).to.deep.equal([{ element: 'consumerSecret', blocking: true, message: messages.getMessage('problem.secretInFile') }]);
      expect(JSON.stringify(findings)).to.not.include(secret);
    });

    it('only warn for org-generated elements (they fail only in another org)', () => {
      const key = 'FAKE-KEY-of-a-retrieved-file';
      const global = check(GLOBAL, { consumerKey: key, externalClientApplication: 'My_App' }, '66.0');
      expect(global).to.deep.equal([
        {
          element: 'consumerKey',
          blocking: false,
          message: messages.getMessage('warning.neverEmitElement', ['consumerKey', SCHEMAS[GLOBAL].consumerKey.neverEmit ?? '']),
        },
      ]);
      expect(findingOf(check(ECA, { orgScopedExternalApp: '0xI000000000001' }, '66.0'), 'orgScopedExternalApp')).to.include({ blocking: false });
      expect(findingOf(check(OAUTH, { oauthLink: 'x', externalClientApplication: 'A' }, '66.0'), 'oauthLink')).to.include({ blocking: false });
      expect(global.some((f) => f.drop)).to.equal(false);
    });
  });

  describe('enumeration values', () => {
    it('block a value the enumeration does not have, listing the allowed ones', () => {
      const findings = check(POLICY, { externalClientApplication: 'A', permittedUsersPolicyType: 'AllUsers' }, '66.0');
      expect(findings).to.deep.equal([
        {
          element: 'permittedUsersPolicyType',
          blocking: true,
          message: messages.getMessage('problem.invalidEnum', ['AllUsers', 'permittedUsersPolicyType', 'AdminApprovedPreAuthorized, AllSelfAuthorized']),
        },
      ]);
    });

    it('are case-sensitive and checked for every enumeration of the file', () => {
      const findings = check(POLICY, { externalClientApplication: 'A', refreshTokenPolicyType: 'infinite', refreshTokenValidityUnit: 'Years', policyAction: 'Block' }, '66.0');
      expect(findings.map((f) => [f.element, f.blocking])).to.have.deep.members([
        ['refreshTokenPolicyType', true],
        ['refreshTokenValidityUnit', true],
      ]);
    });

    it('accept every allowed value', () => {
      for (const value of SCHEMAS[ECA].distributionState.values ?? []) {
        expect(check(ECA, { distributionState: value, label: 'A' }, '66.0'), value).to.deep.equal([]);
      }
    });

    it('are not checked on nested elements (only scalars have a value)', () => {
      expect(check(ECA, { distributionState: { nested: 'Nope' } as XmlNode, label: 'A' }, '66.0')).to.deep.equal([]);
    });
  });

  describe('required elements', () => {
    it('only warn when missing (the API may default them)', () => {
      expect(check(APP_POLICY, { externalClientApplication: 'A', label: 'A_plcy' }, '66.0')).to.deep.equal([
        { element: 'isEnabled', blocking: false, message: messages.getMessage('warning.missingRequired', ['isEnabled']) },
      ]);
      expect(check('PermissionSet', { description: 'x' }, '66.0')).to.deep.equal([
        { element: 'label', blocking: false, message: messages.getMessage('warning.missingRequired', ['label']) },
      ]);
    });

    it('leave a missing <externalClientApplication> to the satellite matching', () => {
      for (const type of [GLOBAL, OAUTH, POLICY] as const) {
        expect(check(type, { label: 'x' }, '66.0').map((f) => f.element), type).to.not.include('externalClientApplication');
      }
    });
  });

  it('reports every problem of a file at once, blocking and not', () => {
    const fields = { consumerSecret: 's', consumerKey: 'k', isCodeCredFlowEnabled: 'true', isDPopEnabled: 'true', bogus: 'x', label: 'L' };
    const findings = check(GLOBAL, fields, '60.0');
    expect(findings.map((f) => f.element)).to.have.members(['consumerSecret', 'consumerKey', 'isCodeCredFlowEnabled', 'isDPopEnabled', 'bogus']);
    expect(findings.filter((f) => f.blocking).map((f) => f.element)).to.have.members(['consumerSecret', 'isCodeCredFlowEnabled', 'bogus']);
    expect(findings.filter((f) => f.drop).map((f) => f.element)).to.deep.equal(['isDPopEnabled']);
  });
});
