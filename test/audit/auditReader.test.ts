/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { readAuditInventory } from '../../src/audit/auditReader.js';
import { metadataOrgApi, type MetadataOrg } from '../org/metadataOrgFake.js';

function org(): MetadataOrg {
  return {
    records: {
      ExternalClientApplication: [{ fullName: 'On' }, { fullName: 'Off' }, { fullName: 'Half' }],
      ExtlClntAppGlobalOauthSettings: [
        { fullName: 'On_glbloauth', externalClientApplication: 'On', isClientCredentialsFlowEnabled: 'true' },
        { fullName: 'Half_glbloauth', externalClientApplication: 'Half', isClientCredentialsFlowEnabled: 'true' },
        { fullName: 'Off_glbloauth', externalClientApplication: 'Off', isClientCredentialsFlowEnabled: 'false' },
      ],
      ExtlClntAppOauthSettings: [{ fullName: 'On_oauth', externalClientApplication: 'On', commaSeparatedOauthScopes: 'Api, RefreshToken' }],
      ExtlClntAppOauthConfigurablePolicies: [
        {
          fullName: 'On_oauthPlcy',
          externalClientApplication: 'On',
          isClientCredentialsFlowEnabled: 'true',
          clientCredentialsFlowUser: 'Admin@Example.com',
          sessionTimeoutInMinutes: '30',
          ipRelaxationPolicyType: 'Bypass',
        },
      ],
      ExtlClntAppConfigurablePolicies: [],
      ConnectedApp: [
        { fullName: 'CA_On', oauthConfig: { isClientCredentialEnabled: 'true', oauthClientCredentialUser: 'gone@example.com', scopes: 'Full' } },
        { fullName: 'CA_Off', oauthConfig: { isClientCredentialEnabled: 'false' } },
      ],
      ExternalClientAppSettings: [{ fullName: 'ExternalClientApp', enableClientSecretInRestApiAccess: 'true' }],
    },
    query: (soql): Array<Record<string, unknown>> => {
      if (soql.includes('FROM User ')) {
        return soql.includes("'admin@example.com'") ? [{ Id: '005A', Username: 'admin@example.com', IsActive: true, UserType: 'Standard', ProfileId: '00eA' }] : [];
      }
      if (soql.includes('FROM Profile ')) {
        return [{ Id: '00eA', Name: 'System Administrator', UserLicense: { Name: 'Salesforce' }, PermissionsModifyAllData: true, PermissionsApiUserOnly: false }];
      }
      if (soql.includes('FROM PermissionSetAssignment ')) {
        return [
          { AssigneeId: '005A', PermissionSet: { Name: 'X00eA', IsOwnedByProfile: true, PermissionsModifyAllData: true } },
          { AssigneeId: '005A', PermissionSet: { Name: 'Apex_Devs', IsOwnedByProfile: false, PermissionsAuthorApex: true } },
        ];
      }
      return [];
    },
  };
}

describe('audit/auditReader', () => {
  it('reads every app with the flow on or half on, its Run As user and where each power comes from', async () => {
    const api = metadataOrgApi(org());
    const inventory = await readAuditInventory(api);
    expect(inventory.apps.map((a) => a.name)).to.deep.equal(['CA_On', 'Half', 'On']);
    expect(inventory).to.deep.include({ ecaCount: 3, connectedAppCount: 2 });
    const on = inventory.apps.find((a) => a.name === 'On')!;
    expect(on).to.deep.include({ scopes: ['Api', 'RefreshToken'], sessionTimeoutMinutes: 30, ipRelaxation: 'Bypass', secretReadableByRest: true });
    expect(on.runAs).to.deep.include({
      username: 'admin@example.com',
      profileName: 'System Administrator',
      license: 'Salesforce',
      apiOnly: false,
      permissionSets: ['Apex_Devs'],
    });
    // The profile's own permission set is not counted twice.
    expect(on.runAs?.permissions).to.deep.equal({ ModifyAllData: ['profile System Administrator'], AuthorApex: ['permission set Apex_Devs'] });
    const ca = inventory.apps.find((a) => a.name === 'CA_On')!;
    expect(ca).to.deep.include({ kind: 'ConnectedApp', runAsUsername: 'gone@example.com', scopes: ['Full'], secretReadableByRest: false });
    expect(ca.runAs).to.equal(undefined);
  });

  it('only reads: list, read and query, three queries for all Run As users', async () => {
    const api = metadataOrgApi(org());
    await readAuditInventory(api);
    expect(new Set(api.calls.map((c) => c.method))).to.deep.equal(new Set(['listMetadata', 'readMetadata', 'query']));
    expect(api.calls.filter((c) => c.method === 'query')).to.have.length(3);
  });
});
