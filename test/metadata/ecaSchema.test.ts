/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import {
  type ElementProblem,
  invalidEnumValues,
  missingRequiredElements,
  unknownOrTooNewElements,
} from '../../src/metadata/ecaSchema.js';

describe('ecaSchema', () => {
  describe('unknownOrTooNewElements', () => {
    it('accepts fields that exist at the version', () => {
      expect(
        unknownOrTooNewElements('ExtlClntAppGlobalOauthSettings', ['callbackUrl', 'isClientCredentialsFlowEnabled'], '60.0')
      ).to.deep.equal([]);
    });
    it('reports a field newer than the version with its first version', () => {
      expect(unknownOrTooNewElements('ExtlClntAppGlobalOauthSettings', ['isNamedUserJwtEnabled'], '60.0')).to.deep.equal([
        { element: 'isNamedUserJwtEnabled', problem: 'tooNew', since: '61.0' },
      ]);
      expect(unknownOrTooNewElements('ExtlClntAppConfigurablePolicies', ['startPage'], 61)).to.deep.equal([
        { element: 'startPage', problem: 'tooNew', since: '62.0' },
      ]);
      expect(unknownOrTooNewElements('ExtlClntAppConfigurablePolicies', ['startPage'], '62.0')).to.deep.equal([]);
    });
    it('reports fields of other types and ConnectedApp names as unknown, once each', () => {
      expect(
        unknownOrTooNewElements('ExtlClntAppOauthConfigurablePolicies', ['ipRelaxation', 'ipRelaxation', 'scopes'], '66.0')
      ).to.deep.equal([
        { element: 'ipRelaxation', problem: 'unknown' },
        { element: 'scopes', problem: 'unknown' },
      ]);
      expect(unknownOrTooNewElements('ExtlClntAppConfigurablePolicies', ['ipRelaxationPolicyType'], '66.0')).to.deep.equal([
        { element: 'ipRelaxationPolicyType', problem: 'unknown' },
      ]);
    });
    it('reports never-emit fields with the reason', () => {
      const problems = unknownOrTooNewElements('ExtlClntAppOauthSettings', ['oauthLink'], '66.0');
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ element: 'oauthLink', problem: 'neverEmit' });
      expect(problems[0].reason).to.be.a('string').with.length.greaterThan(0);
      for (const [type, element] of [
        ['ExternalClientApplication', 'orgScopedExternalApp'],
        ['ExternalClientApplication', 'managedType'],
        ['ExtlClntAppGlobalOauthSettings', 'consumerKey'],
        ['ExtlClntAppGlobalOauthSettings', 'consumerSecret'],
        ['ExtlClntAppOauthConfigurablePolicies', 'isNamedUserJwtEnabled'],
      ] as const) {
        expect(unknownOrTooNewElements(type, [element], '62.0')[0]?.problem, `${type}.${element}`).to.equal('neverEmit');
      }
    });
    it('does not report Profile elements it does not model', () => {
      expect(unknownOrTooNewElements('Profile', ['custom', 'loginIpRanges', 'fieldPermissions'], '66.0')).to.deep.equal([]);
    });
    it('is not fooled by Object.prototype names', () => {
      expect(unknownOrTooNewElements('ExternalClientApplication', ['constructor', 'toString'], '66.0')).to.have.length(2);
    });
  });

  it('follows the WSDL versions: since and until (metadata-fields-by-version.md)', () => {
    const policy = (element: string, version: string): ElementProblem[] => unknownOrTooNewElements('ExtlClntAppOauthConfigurablePolicies', [element], version);
    expect(policy('commaSeparatedProfile', '61.0')).to.deep.equal([{ element: 'commaSeparatedProfile', problem: 'tooNew', since: '62.0' }]);
    expect(policy('commaSeparatedProfile', '62.0')).to.deep.equal([]);
    expect(policy('isNamedUserJwtEnabled', '63.0').map((p) => p.problem)).to.deep.equal(['neverEmit']);
    expect(policy('isNamedUserJwtEnabled', '64.0')).to.deep.equal([{ element: 'isNamedUserJwtEnabled', problem: 'removed', until: '63.0' }]);
    expect(unknownOrTooNewElements('ExtlClntAppOauthSettings', ['clientAssertionCertificate', 'isFirstPartyAppEnabled'], '61.0').map((p) => p.since)).to.deep.equal([
      '62.0',
      '62.0',
    ]);
    // Only in @salesforce/types after the 66.0 WSDL: inferred version, droppable (never blocks a deploy).
    expect(unknownOrTooNewElements('ExtlClntAppGlobalOauthSettings', ['isEnforceRefreshTokenTTL', 'isDPopEnabled'], '66.0')).to.deep.equal([
      { element: 'isEnforceRefreshTokenTTL', problem: 'tooNew', since: '67.0', typesRelease: '1.7.3', droppable: true },
      { element: 'isDPopEnabled', problem: 'tooNew', since: '68.0', typesRelease: '1.9.0', droppable: true },
    ]);
    expect(unknownOrTooNewElements('ExtlClntAppGlobalOauthSettings', ['isEnforceRefreshTokenTTL', 'isDPopEnabled'], '68.0')).to.deep.equal([]);
  });

  it('combines existence, version and never-emit for the policy fields', () => {
    const policy = (element: string, version: string): string[] =>
      unknownOrTooNewElements('ExtlClntAppOauthConfigurablePolicies', [element], version).map((p) => p.problem);
    expect(policy('clientCredentialsFlowUser', '60.0')).to.deep.equal([]);
    expect(policy('isGuestCodeCredFlowEnabled', '60.0')).to.deep.equal(['tooNew']);
    expect(policy('isNamedUserJwtEnabled', '62.0')).to.deep.equal(['neverEmit']);
    expect(unknownOrTooNewElements('ExtlClntAppOauthSettings', ['nonsense'], '66.0')).to.deep.equal([
      { element: 'nonsense', problem: 'unknown' },
    ]);
  });

  it('missingRequiredElements lists required fields not present', () => {
    expect(missingRequiredElements('ExtlClntAppConfigurablePolicies', ['label'])).to.deep.equal([
      'externalClientApplication',
      'isEnabled',
    ]);
    expect(missingRequiredElements('ExternalClientApplication', ['label'])).to.deep.equal([]);
  });

  it('invalidEnumValues checks enumerations of the type', () => {
    expect(
      invalidEnumValues('ExtlClntAppOauthConfigurablePolicies', {
        permittedUsersPolicyType: 'AdminApproved',
        ipRelaxationPolicyType: 'Enforce',
        label: 'anything',
      })
    ).to.deep.equal([
      {
        element: 'permittedUsersPolicyType',
        value: 'AdminApproved',
        allowed: ['AdminApprovedPreAuthorized', 'AllSelfAuthorized'],
      },
    ]);
    expect(invalidEnumValues('ExternalClientApplication', { distributionState: 'Global' })).to.have.length(1);
  });
});
