/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { type EcaTypeName, type GeneratedTypeName, SATELLITE_TYPES } from '../metadata/ecaTypes.js';
import { orgRecordFields } from '../metadata/componentCompare.js';
import type { XmlNode } from '../metadata/xml.js';
import { errorCodeOf, type OrgApi, soqlString } from '../org/orgApi.js';
import { nameRecord } from '../org/nameLookup.js';
import type { AppFiles } from '../project/projectFiles.js';

/**
 * What the org already has for this deploy, read in as few requests as possible and all before anything changes:
 * - listMetadata of the header + 4 satellite types: 2 calls (at most 3 types per call), names only;
 * - readMetadata only when the app exists and a satellite is not under the project's name (to find the one whose
 * <externalClientApplication> is this app: Setup-style or deploy-generated names);
 * - one SOQL query each for the Run As user, the profiles, the permission sets and the deploying user's permissions
 * (UserPermissionAccess: effective permissions from profile and permission sets), and one readMetadata of the org's
 * ExternalClientAppSettings, sent in parallel;
 * - the Run As user's permission set assignments, only when the user exists;
 * - readMetadata of what the org holds of the project's components (one call per type, in parallel), so that deploy
 * sends only what differs.
 */

export type InventoryRequest = {
  appName: string;
  /** The fullName each of the app's types has in the project. */
  localNames: Partial<Record<EcaTypeName, string>>;
  runAsUsername: string;
  /** Profile the Run As user needs (user definition), if known. */
  profileName?: string;
  /** Other profile names that must exist (the policy's commaSeparatedProfile). */
  otherProfileNames: string[];
  /** Permission set API names that must exist (user definition permsets and the policy's commaSeparatedPermissionSet). */
  permissionSetNames: string[];
  /** The profile file of the project (its fullName), whose org content is read. */
  projectProfile?: string;
  /** Permission set files of the project (fullNames), whose org content is read. */
  projectPermissionSets?: string[];
};

export type OrgUser = {
  id: string;
  username: string;
  isActive: boolean;
  profileId?: string;
  profileName?: string;
  /** "API Enabled" on the user's profile (undefined when the org did not say). */
  profileApiEnabled?: boolean;
  /** "API Enabled" granted by one of the user's permission sets. */
  apiEnabledByPermissionSet: boolean;
};

export type OrgProfile = { id: string; name: string; apiEnabled?: boolean; apiUserOnly?: boolean };

export type DeployingUserPermissions = {
  customizeApplication: boolean;
  manageUsers: boolean;
  modifyAllData: boolean;
};

export type OrgComponent = {
  fullName: string;
  /** How it was found to be this app's: same name as the project's file, or read and matched by externalClientApplication. */
  matchedBy: 'name' | 'externalClientApplication';
};

export type OrgInventory = {
  /** False when the org answers INVALID_TYPE for the ECA types (feature off or API too old). */
  ecaAvailable: boolean;
  /** Undefined when the org would not tell (then the org itself refuses what is not allowed). */
  permissions?: DeployingUserPermissions;
  appExists: boolean;
  /** This app's satellites in the org, by type. */
  components: Partial<Record<EcaTypeName, OrgComponent>>;
  /** Profiles found, by name. */
  profiles: Record<string, OrgProfile>;
  runAsUser?: OrgUser;
  /** Permission sets found, name -> Id. */
  permissionSets: Record<string, string>;
  /** PermissionSetIds assigned to the Run As user. */
  assignedPermissionSetIds: string[];
  /** What the org holds of the project's components (readMetadata), by contentKey(type, fullName). */
  content: Record<string, XmlNode>;
  /** Number of org requests the inventory made (for the request budget tests and --json diagnostics). */
  requests: number;
};

/** Key of `OrgInventory.content`. */
export function contentKey(type: GeneratedTypeName, fullName: string): string {
  return `${type}:${fullName}`;
}

const LIST_BATCHES: EcaTypeName[][] = [
  ['ExternalClientApplication', 'ExtlClntAppGlobalOauthSettings', 'ExtlClntAppOauthSettings'],
  ['ExtlClntAppOauthConfigurablePolicies', 'ExtlClntAppConfigurablePolicies'],
];

const READ_BATCH = 10;

/** What to ask the org about, from the project's files: the app's local names, the Run As user, profiles and permission sets. */
export function inventoryRequest(files: AppFiles): InventoryRequest {
  return {
    appName: files.appName,
    localNames: {
      ExtlClntAppGlobalOauthSettings: files.globalOauth.fullName,
      ExtlClntAppOauthSettings: files.oauthSettings.fullName,
      ExtlClntAppOauthConfigurablePolicies: files.oauthPolicy.fullName,
      ...(files.appPolicy ? { ExtlClntAppConfigurablePolicies: files.appPolicy.fullName } : {}),
    },
    runAsUsername: files.runAsUsername,
    profileName: files.profileName,
    otherProfileNames: files.policyProfiles,
    permissionSetNames: [...(files.userDef?.definition.permsets ?? []), ...files.policyPermissionSets],
    ...(files.profile ? { projectProfile: files.profile.fullName } : {}),
    projectPermissionSets: files.permissionSets.map((p) => p.fullName),
  };
}

export async function readOrgInventory(api: OrgApi, request: InventoryRequest): Promise<OrgInventory> {
  let requests = 0;
  const count = <T>(p: Promise<T>): Promise<T> => {
    requests++;
    return p;
  };

  const profileNames = unique([request.profileName, ...request.otherProfileNames]);
  const [listed, users, profiles, permissionSets, permissions, ecaSetting] = await Promise.all([
    listAll(api, count),
    count(
      api.query<{
        Id: string;
        Username: string;
        IsActive: boolean;
        ProfileId?: string;
        Profile?: { Name?: string; PermissionsApiEnabled?: boolean } | null;
      }>(
        `SELECT Id, Username, IsActive, ProfileId, Profile.Name, Profile.PermissionsApiEnabled FROM User WHERE Username = ${soqlString(
          request.runAsUsername
        )}`
      )
    ),
    profileNames.length
      ? count(
          api.query<{ Id: string; Name: string; PermissionsApiEnabled?: boolean; PermissionsApiUserOnly?: boolean }>(
            `SELECT Id, Name, PermissionsApiEnabled, PermissionsApiUserOnly FROM Profile WHERE Name IN (${profileNames
              .map(soqlString)
              .join(', ')})`
          )
        )
      : Promise.resolve([]),
    request.permissionSetNames.length
      ? count(
          api.query<{ Id: string; Name: string }>(
            `SELECT Id, Name FROM PermissionSet WHERE Name IN (${unique(request.permissionSetNames).map(soqlString).join(', ')})`
          )
        )
      : Promise.resolve([]),
    readPermissions(api, count),
    readEcaSetting(api, count),
  ]);

  const user = users[0];
  const runAsUser: OrgUser | undefined = user
    ? {
        id: user.Id,
        username: user.Username,
        isActive: asBoolean(user.IsActive) === true,
        profileId: user.ProfileId,
        profileName: user.Profile?.Name,
        profileApiEnabled: asBoolean(user.Profile?.PermissionsApiEnabled),
        apiEnabledByPermissionSet: false,
      }
    : undefined;

  const profileMap: Record<string, OrgProfile> = nameRecord();
  for (const p of profiles) {
    profileMap[p.Name] = {
      id: p.Id,
      name: p.Name,
      apiEnabled: asBoolean(p.PermissionsApiEnabled),
      apiUserOnly: asBoolean(p.PermissionsApiUserOnly),
    };
  }
  if (runAsUser && !runAsUser.profileName && runAsUser.profileId) {
    runAsUser.profileName = Object.values(profileMap).find((p) => p.id === runAsUser.profileId)?.name;
  }
  const permissionSetMap: Record<string, string> = nameRecord(permissionSets.map((p) => [p.Name, p.Id] as const));

  const appExists = listed.names.ExternalClientApplication?.includes(request.appName) === true;
  const [components, assignments] = await Promise.all([
    appExists
      ? findAppComponents(api, request, listed.names, count)
      : Promise.resolve({}),
    // An existing user's assignments: which wanted permission sets it has, and whether one grants API Enabled.
    runAsUser
      ? count(
          api.query<{ PermissionSetId: string; PermissionSet?: { PermissionsApiEnabled?: boolean } | null }>(
            `SELECT PermissionSetId, PermissionSet.PermissionsApiEnabled FROM PermissionSetAssignment WHERE AssigneeId = ${soqlString(
              runAsUser.id
            )}`
          )
        )
      : Promise.resolve([]),
  ]);
  if (runAsUser) runAsUser.apiEnabledByPermissionSet = assignments.some((a) => asBoolean(a.PermissionSet?.PermissionsApiEnabled) === true);

  const toRead: Array<[GeneratedTypeName, string[]]> = [
    ['ExternalClientApplication', appExists ? [request.appName] : []],
    ...(Object.entries(components) as Array<[EcaTypeName, OrgComponent]>).map(
      ([type, c]): [GeneratedTypeName, string[]] => [type, [c.fullName]]
    ),
    ['Profile', request.projectProfile && profileMap[request.projectProfile] ? [request.projectProfile] : []],
    ['PermissionSet', (request.projectPermissionSets ?? []).filter((n) => permissionSetMap[n])],
  ];
  const content = await readContent(api, toRead.filter(([, names]) => names.length > 0), count);

  return {
    ecaAvailable: listed.available && ecaSetting !== false,
    permissions,
    appExists,
    components,
    profiles: profileMap,
    runAsUser,
    permissionSets: permissionSetMap,
    assignedPermissionSetIds: assignments.map((a) => a.PermissionSetId),
    content,
    requests,
  };
}

type Counter = <T>(p: Promise<T>) => Promise<T>;

/** readMetadata of components by type (one call per type, at most READ_BATCH names each, in parallel). */
async function readContent(
  api: OrgApi,
  byType: Array<[GeneratedTypeName, string[]]>,
  count: Counter
): Promise<Record<string, XmlNode>> {
  const content: Record<string, XmlNode> = {};
  await Promise.all(
    byType.map(async ([type, names]) => {
      for (let i = 0; i < names.length; i += READ_BATCH) {
        // eslint-disable-next-line no-await-in-loop
        const records = await count(api.readMetadata(type, names.slice(i, i + READ_BATCH)));
        for (const record of records) {
          if (typeof record.fullName === 'string' && record.fullName) {
            content[contentKey(type, record.fullName)] = orgRecordFields(record);
          }
        }
      }
    })
  );
  return content;
}

/** The org's current policy of the app, read again (after a deploy, to see what its pre-authorization lists became). */
export async function readComponent(api: OrgApi, type: GeneratedTypeName, fullName: string): Promise<XmlNode | undefined> {
  const [record] = await api.readMetadata(type, [fullName]);
  return record && typeof record.fullName === 'string' && record.fullName ? orgRecordFields(record) : undefined;
}

async function listAll(
  api: OrgApi,
  count: Counter
): Promise<{ available: boolean; names: Partial<Record<EcaTypeName, string[]>> }> {
  try {
    const results = await Promise.all(LIST_BATCHES.map((types) => count(api.listMetadata(types))));
    const names: Partial<Record<EcaTypeName, string[]>> = {};
    for (const item of results.flat()) {
      const type = item.type as EcaTypeName;
      names[type] = [...(names[type] ?? []), item.fullName];
    }
    return { available: true, names };
  } catch (e) {
    if (isInvalidType(e)) return { available: false, names: {} };
    throw e;
  }
}

async function readPermissions(api: OrgApi, count: Counter): Promise<DeployingUserPermissions | undefined> {
  try {
    const rows = await count(
      api.query<{
        PermissionsCustomizeApplication?: boolean;
        PermissionsManageUsers?: boolean;
        PermissionsManageInternalUsers?: boolean;
        PermissionsModifyAllData?: boolean;
      }>(
        'SELECT PermissionsCustomizeApplication, PermissionsManageUsers, PermissionsManageInternalUsers, PermissionsModifyAllData FROM UserPermissionAccess'
      )
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      customizeApplication: asBoolean(row.PermissionsCustomizeApplication) ?? false,
      // Creating an internal user needs "Manage Internal Users" (oauth-client-credentials.md section 6); "Manage Users"
      // includes it.
      manageUsers: asBoolean(row.PermissionsManageUsers) === true || asBoolean(row.PermissionsManageInternalUsers) === true,
      modifyAllData: asBoolean(row.PermissionsModifyAllData) ?? false,
    };
  } catch (e) {
    // Only an org that doesn't know the object/fields is tolerated; session or network errors stop the run.
    if (isInvalidType(e) || errorCodeOf(e) === 'INVALID_FIELD') return undefined;
    throw e;
  }
}

/**
 * The org setting ExternalClientAppSettings.enableExternalClientApps (eca-metadata.md section 7), read as the
 * settings component "ExternalClientApp". Only an explicit false blocks; an org that doesn't return it (or the
 * emulator, which doesn't model settings reads) leaves it unknown, and the deploy's own error is explained instead.
 */
async function readEcaSetting(api: OrgApi, count: Counter): Promise<boolean | undefined> {
  try {
    const [record] = await count(api.readMetadata('ExternalClientAppSettings', ['ExternalClientApp']));
    return asBoolean(record?.enableExternalClientApps);
  } catch (e) {
    if (isInvalidType(e) || errorCodeOf(e) === 'INVALID_FIELD') return undefined;
    throw e;
  }
}

/**
 * For each satellite type: the project's name when the org has it (no read needed), else the listed component whose
 * externalClientApplication is this app, read in batches of 10, names starting with "<App>_" first.
 */
async function findAppComponents(
  api: OrgApi,
  request: InventoryRequest,
  listed: Partial<Record<EcaTypeName, string[]>>,
  count: Counter,
  types: readonly EcaTypeName[] = SATELLITE_TYPES
): Promise<Partial<Record<EcaTypeName, OrgComponent>>> {
  const found: Partial<Record<EcaTypeName, OrgComponent>> = {};
  await Promise.all(
    types.map(async (type) => {
      const names = listed[type] ?? [];
      const local = request.localNames[type];
      if (local && names.includes(local)) {
        found[type] = { fullName: local, matchedBy: 'name' };
        return;
      }
      const prefix = `${request.appName}_`;
      const ordered = [...names.filter((n) => n.startsWith(prefix)), ...names.filter((n) => !n.startsWith(prefix))];
      for (let i = 0; i < ordered.length; i += READ_BATCH) {
        // eslint-disable-next-line no-await-in-loop
        const records = await count(api.readMetadata(type, ordered.slice(i, i + READ_BATCH)));
        const match = records.find(
          (r) => typeof r.fullName === 'string' && r.fullName && r.externalClientApplication === request.appName
        );
        if (match) {
          found[type] = { fullName: match.fullName as string, matchedBy: 'externalClientApplication' };
          return;
        }
      }
    })
  );
  return found;
}

/** The fullName of the app's component of one satellite type in the org (list + read), or undefined. */
export async function findAppComponent(api: OrgApi, appName: string, type: EcaTypeName): Promise<string | undefined> {
  const listed = await api.listMetadata([type]);
  const found = await findAppComponents(
    api,
    { appName, localNames: {}, runAsUsername: '', otherProfileNames: [], permissionSetNames: [] },
    { [type]: listed.filter((l) => l.type === type).map((l) => l.fullName) },
    (p) => p,
    [type]
  );
  return found[type]?.fullName;
}

function unique(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => Boolean(v)))];
}

function asBoolean(value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  return value === true || value === 'true';
}

function isInvalidType(e: unknown): boolean {
  return errorCodeOf(e) === 'INVALID_TYPE' || (e instanceof Error && e.message.includes('INVALID_TYPE'));
}
