/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { ID_PREFIX, to15 } from '../ids.js';
import type { OrgState, ProfileRecord, StoredComponent, UserRecord } from '../state.js';
import { permissionLabel } from '../userPermissions.js';

/**
 * The sObjects the emulator exposes to SOQL and record GETs, as flat records computed from the org state. Field names
 * are canonical (case as in Salesforce); lookups are case-insensitive. Relationship fields (Profile.Name) follow an
 * Id field to another object.
 */

export type FieldType = 'id' | 'string' | 'boolean' | 'datetime' | 'reference' | 'picklist' | 'email' | 'int';
export type Row = Record<string, unknown>;

export type ObjectDef = {
  name: string;
  keyPrefix: string;
  fields: Record<string, FieldType>;
  /** Relationship name -> [id field, target object]. */
  relationships: Record<string, [string, string]>;
  /** The rows; `viewerId` is the session user, for objects about the current user (UserPermissionAccess). */
  rows: (state: OrgState, viewerId?: string) => Row[];
  /** Only visible to the Tooling API. */
  tooling?: boolean;
  /** Tooling objects of source tracking, which exist only in scratch orgs. */
  scratchOnly?: boolean;
};

/** Permission fields exposed as Permissions<Name> on Profile and PermissionSet. */
export const PERMISSION_FIELDS = [
  'ApiEnabled',
  'ApiUserOnly',
  'ViewAllData',
  'ModifyAllData',
  'ManageUsers',
  'ManageInternalUsers',
  'CustomizeApplication',
  'ViewSetup',
  'AuthorApex',
  'ExternalClientAppAdmin',
  'ExternalClientAppDeveloper',
  'ExternalClientAppViewer',
  'ViewClientSecret',
  'ChatterInternalUser',
  'ViewAllForecasts',
  'ViewPlatformEvents',
  'ViewDataLeakageEvents',
  'ViewEventLogFiles',
  'ViewPublicDashboards',
  'ViewPublicReports',
];

function permissionColumns(): Record<string, FieldType> {
  return Object.fromEntries(PERMISSION_FIELDS.map((p) => [`Permissions${p}`, 'boolean' as FieldType]));
}

function permissionValues(perms: Record<string, boolean>): Row {
  return Object.fromEntries(PERMISSION_FIELDS.map((p) => [`Permissions${p}`, perms[p] === true]));
}

export function userRow(user: UserRecord): Row {
  return {
    Id: user.Id,
    Username: user.Username,
    LastName: user.LastName,
    FirstName: user.FirstName,
    Name: user.FirstName ? `${user.FirstName} ${user.LastName}` : user.LastName,
    Email: user.Email,
    Alias: user.Alias,
    CommunityNickname: user.CommunityNickname,
    ProfileId: user.ProfileId,
    IsActive: user.IsActive,
    TimeZoneSidKey: user.TimeZoneSidKey,
    LocaleSidKey: user.LocaleSidKey,
    EmailEncodingKey: user.EmailEncodingKey,
    LanguageLocaleKey: user.LanguageLocaleKey,
    UserType: user.UserType,
    CreatedDate: user.CreatedDate,
    LastModifiedDate: user.LastModifiedDate,
  };
}

function profileRow(p: ProfileRecord): Row {
  return {
    Id: p.Id,
    Name: p.Name,
    UserLicenseId: p.UserLicenseId,
    UserType: 'Standard',
    Description: p.description ?? null,
    IsCustom: p.custom,
    CreatedDate: p.CreatedDate,
    LastModifiedDate: p.LastModifiedDate,
    ...permissionValues(p.permissions),
  };
}

function field(c: StoredComponent | undefined, name: string): string | null {
  const value = c?.fields[name];
  return typeof value === 'string' ? value : null;
}

function appIdOf(state: OrgState, appName: string | null): string | null {
  if (!appName) return null;
  return state.getComponent('ExternalClientApplication', appName)?.id ?? null;
}

const COMMON_DATES: Record<string, FieldType> = { CreatedDate: 'datetime', LastModifiedDate: 'datetime' };

export const OBJECTS: Record<string, ObjectDef> = {
  User: {
    name: 'User',
    keyPrefix: ID_PREFIX.User,
    fields: {
      Id: 'id',
      Username: 'string',
      LastName: 'string',
      FirstName: 'string',
      Name: 'string',
      Email: 'email',
      Alias: 'string',
      CommunityNickname: 'string',
      ProfileId: 'reference',
      IsActive: 'boolean',
      TimeZoneSidKey: 'picklist',
      LocaleSidKey: 'picklist',
      EmailEncodingKey: 'picklist',
      LanguageLocaleKey: 'picklist',
      UserType: 'picklist',
      ...COMMON_DATES,
    },
    relationships: { Profile: ['ProfileId', 'Profile'] },
    rows: (state) => [...state.users.values()].map(userRow),
  },
  Profile: {
    name: 'Profile',
    keyPrefix: ID_PREFIX.Profile,
    fields: {
      Id: 'id',
      Name: 'string',
      UserLicenseId: 'reference',
      UserType: 'picklist',
      Description: 'string',
      IsCustom: 'boolean',
      ...COMMON_DATES,
      ...permissionColumns(),
    },
    relationships: { UserLicense: ['UserLicenseId', 'UserLicense'] },
    rows: (state) => [...state.profiles.values()].map(profileRow),
  },
  UserLicense: {
    name: 'UserLicense',
    keyPrefix: ID_PREFIX.UserLicense,
    fields: { Id: 'id', Name: 'string', LicenseDefinitionKey: 'string', Status: 'picklist', TotalLicenses: 'int', UsedLicenses: 'int' },
    relationships: {},
    rows: (state) =>
      [...state.licenses.values()].map((l) => {
        const limit = state.licenseLimits[l.Name];
        const used = [...state.users.values()].filter((u) => u.IsActive && state.licenseNameOf(u.Id) === l.Name).length;
        // Unlimited in the emulator = a large number of seats, as an org with many licenses reports.
        return { ...l, Status: 'Active', TotalLicenses: limit ?? 1000, UsedLicenses: used };
      }),
  },
  PermissionSetLicense: {
    name: 'PermissionSetLicense',
    keyPrefix: ID_PREFIX.PermissionSetLicense,
    fields: { Id: 'id', DeveloperName: 'string', MasterLabel: 'string', Status: 'picklist', TotalLicenses: 'int', UsedLicenses: 'int' },
    relationships: {},
    rows: (state) =>
      [...state.permissionSetLicenses.values()].map((l) => ({
        ...l,
        Status: 'Active',
        UsedLicenses: [...state.permissionSetLicenseAssignments.values()].filter((a) => a.PermissionSetLicenseId === l.Id).length,
      })),
  },
  PermissionSetLicenseAssign: {
    name: 'PermissionSetLicenseAssign',
    keyPrefix: ID_PREFIX.PermissionSetLicenseAssign,
    fields: { Id: 'id', AssigneeId: 'reference', PermissionSetLicenseId: 'reference' },
    relationships: { Assignee: ['AssigneeId', 'User'], PermissionSetLicense: ['PermissionSetLicenseId', 'PermissionSetLicense'] },
    rows: (state) => [...state.permissionSetLicenseAssignments.values()].map((a) => ({ ...a })),
  },
  PermissionSet: {
    name: 'PermissionSet',
    keyPrefix: ID_PREFIX.PermissionSet,
    fields: {
      Id: 'id',
      Name: 'string',
      Label: 'string',
      IsOwnedByProfile: 'boolean',
      ProfileId: 'reference',
      LicenseId: 'reference',
      CreatedDate: 'datetime',
      ...permissionColumns(),
    },
    relationships: { License: ['LicenseId', 'UserLicense'], Profile: ['ProfileId', 'Profile'] },
    rows: (state) =>
      [...state.permissionSets.values()].map((ps) => ({
        Id: ps.Id,
        Name: ps.Name,
        Label: ps.Label,
        IsOwnedByProfile: ps.IsOwnedByProfile,
        ProfileId: null,
        LicenseId: ps.LicenseName ? state.licenseByName(ps.LicenseName)?.Id ?? null : null,
        CreatedDate: ps.CreatedDate,
        ...permissionValues(ps.permissions),
      })),
  },
  PermissionSetAssignment: {
    name: 'PermissionSetAssignment',
    keyPrefix: ID_PREFIX.PermissionSetAssignment,
    fields: { Id: 'id', AssigneeId: 'reference', PermissionSetId: 'reference', SystemModstamp: 'datetime' },
    relationships: { Assignee: ['AssigneeId', 'User'], PermissionSet: ['PermissionSetId', 'PermissionSet'] },
    rows: (state) => [...state.assignments.values()].map((a) => ({ ...a })),
  },
  // The current user's effective permissions (profile + permission sets + grants), one row (API 29.0+).
  UserPermissionAccess: {
    name: 'UserPermissionAccess',
    keyPrefix: '',
    fields: { Id: 'id', ...permissionColumns() },
    relationships: {},
    rows: (state, viewerId) => {
      if (!viewerId) return [];
      const granted = state.effectivePermissions(viewerId);
      return [{ Id: viewerId, ...permissionValues(Object.fromEntries([...granted].map((p) => [p, true]))) }];
    },
  },
  Organization: {
    name: 'Organization',
    keyPrefix: ID_PREFIX.Organization,
    fields: {
      Id: 'id',
      Name: 'string',
      InstanceName: 'string',
      IsSandbox: 'boolean',
      TrialExpirationDate: 'datetime',
      NamespacePrefix: 'string',
      OrganizationType: 'picklist',
      DefaultCurrencyIsoCode: 'picklist',
    },
    relationships: {},
    rows: (state) => [
      {
        Id: state.org.Id,
        Name: state.org.Name,
        InstanceName: state.org.InstanceName,
        IsSandbox: state.org.IsSandbox,
        TrialExpirationDate: state.org.TrialExpirationDate,
        NamespacePrefix: state.org.NamespacePrefix,
        OrganizationType: state.org.OrganizationType,
        DefaultCurrencyIsoCode: state.config.multiCurrency ?? 'USD',
      },
    ],
  },
  ExternalClientApplication: {
    name: 'ExternalClientApplication',
    keyPrefix: ID_PREFIX.ExternalClientApplication,
    fields: {
      Id: 'id',
      DeveloperName: 'string',
      MasterLabel: 'string',
      DistributionState: 'picklist',
      ContactEmail: 'email',
      ...COMMON_DATES,
    },
    relationships: {},
    rows: (state) =>
      state.listComponents('ExternalClientApplication').map((c) => ({
        Id: c.id,
        DeveloperName: c.fullName,
        MasterLabel: field(c, 'label') ?? c.fullName,
        DistributionState: field(c, 'distributionState') ?? 'Local',
        ContactEmail: field(c, 'contactEmail'),
        CreatedDate: c.createdDate,
        LastModifiedDate: c.lastModifiedDate,
      })),
  },
  ExtlClntAppOauthPlcyCnfg: {
    name: 'ExtlClntAppOauthPlcyCnfg',
    keyPrefix: ID_PREFIX.ExtlClntAppOauthConfigurablePolicies,
    fields: {
      Id: 'id',
      DeveloperName: 'string',
      ExternalClientApplicationId: 'reference',
      ClientCredentialsFlowUser: 'string',
      IsClientCredentialsFlowEnabled: 'boolean',
      PermittedUsersPolicyType: 'picklist',
      ...COMMON_DATES,
    },
    relationships: { ExternalClientApplication: ['ExternalClientApplicationId', 'ExternalClientApplication'] },
    rows: (state) =>
      state.listComponents('ExtlClntAppOauthConfigurablePolicies').map((c) => ({
        Id: c.id,
        DeveloperName: c.fullName,
        ExternalClientApplicationId: appIdOf(state, field(c, 'externalClientApplication')),
        ClientCredentialsFlowUser: field(c, 'clientCredentialsFlowUser'),
        IsClientCredentialsFlowEnabled: field(c, 'isClientCredentialsFlowEnabled') === 'true',
        PermittedUsersPolicyType: field(c, 'permittedUsersPolicyType') ?? 'AllSelfAuthorized',
        CreatedDate: c.createdDate,
        LastModifiedDate: c.lastModifiedDate,
      })),
  },
  ExtlClntAppOauthSettings: {
    name: 'ExtlClntAppOauthSettings',
    keyPrefix: ID_PREFIX.ExtlClntAppOauthSettings,
    fields: {
      Id: 'id',
      DeveloperName: 'string',
      ExternalClientApplicationId: 'reference',
      OauthLink: 'string',
      CommaSeparatedOauthScopes: 'string',
      ...COMMON_DATES,
    },
    relationships: { ExternalClientApplication: ['ExternalClientApplicationId', 'ExternalClientApplication'] },
    rows: (state) =>
      state.listComponents('ExtlClntAppOauthSettings').map((c) => {
        const app = field(c, 'externalClientApplication');
        const creds = app ? state.credentials.get(app) : undefined;
        return {
          Id: c.id,
          DeveloperName: c.fullName,
          ExternalClientApplicationId: appIdOf(state, app),
          // "ExtlClntAppOauthSettings.OauthLink holds the consumer Id" (oauth section 5 [T]); format of eca section 4.
          OauthLink: creds ? `${to15(state.org.Id)}:${creds.consumerId}` : null,
          CommaSeparatedOauthScopes: field(c, 'commaSeparatedOauthScopes'),
          CreatedDate: c.createdDate,
          LastModifiedDate: c.lastModifiedDate,
        };
      }),
  },
  // Tooling API 46.0+ (eca section 8.1): one row per dependency; the value format is a switch ([U]).
  PermissionDependency: {
    name: 'PermissionDependency',
    keyPrefix: '2Pd',
    tooling: true,
    fields: { Id: 'id', Permission: 'string', PermissionType: 'string', RequiredPermission: 'string', RequiredPermissionType: 'string' },
    relationships: {},
    rows: (state) => {
      const format = state.config.permissionDependencyFormat;
      if (format === 'none') return [];
      const name = (p: string): string => (format === 'label' ? permissionLabel(p) : p);
      return state.permissionDependencies.map(([p, r], i) => ({
        Id: `2Pd${String(i).padStart(12, '0')}`,
        Permission: name(p),
        PermissionType: 'User Permission',
        RequiredPermission: name(r),
        RequiredPermissionType: 'User Permission',
      }));
    },
  },
  SourceMember: {
    name: 'SourceMember',
    keyPrefix: '0MZ',
    tooling: true,
    scratchOnly: true,
    fields: {
      Id: 'id',
      MemberIdOrName: 'string',
      MemberType: 'string',
      MemberName: 'string',
      IsNameObsolete: 'boolean',
      RevisionCounter: 'int',
      IsNewMember: 'boolean',
      ChangedBy: 'string',
      LastModifiedDate: 'datetime',
    },
    relationships: {},
    // Source tracking exists in scratch orgs only (wire section 3.4): one row per stored component.
    rows: (state) =>
      state.listComponents().map((c, i) => ({
        Id: `0MZ${c.id.slice(3)}`,
        MemberIdOrName: c.id,
        MemberType: c.type,
        MemberName: c.fullName,
        IsNameObsolete: false,
        RevisionCounter: i + 1,
        IsNewMember: false,
        ChangedBy: c.lastModifiedById,
        LastModifiedDate: c.lastModifiedDate,
      })),
  },
};

/** The object definition for a name (case-insensitive), honouring API kind (REST vs Tooling) and org kind. */
export function findObject(state: OrgState, name: string, tooling: boolean): ObjectDef | undefined {
  const def = Object.values(OBJECTS).find((o) => o.name.toLowerCase() === name.toLowerCase());
  if (!def) return undefined;
  if (def.tooling && (!tooling || (def.scratchOnly && state.config.orgKind !== 'scratch'))) return undefined;
  return def;
}

export function canonicalField(def: ObjectDef, name: string): string | undefined {
  return Object.keys(def.fields).find((f) => f.toLowerCase() === name.toLowerCase());
}

export function canonicalRelationship(def: ObjectDef, name: string): string | undefined {
  return Object.keys(def.relationships).find((r) => r.toLowerCase() === name.toLowerCase());
}

/** The record with this id (15 or 18 chars) of an object, or undefined. */
export function findRow(state: OrgState, def: ObjectDef, id: string): Row | undefined {
  return def.rows(state).find((r) => r.Id === id || to15(String(r.Id)) === id);
}

export function recordUrl(version: string, type: string, id: unknown): string {
  return `/services/data/v${version}/sobjects/${type}/${String(id)}`;
}
