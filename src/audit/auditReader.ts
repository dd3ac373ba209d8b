/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { XmlNode, XmlValue } from '../metadata/xml.js';
import { type OrgApi, soqlString } from '../org/orgApi.js';
import { type OrgConnectedApp, type OrgEcaApp, readConnectedApps, readEcaApps } from '../org/orgApps.js';
import { type AuditedApp, POWERFUL_PERMISSIONS, type RunAsUser } from './auditRules.js';

/**
 * Reads, without changing anything, every app of the org with the client credentials flow on or half on, and what
 * its tokens can do. Only what every org answers the same way: the Metadata API (list + read of the ECA types and
 * ConnectedApp, ExternalClientAppSettings) and the documented User, Profile, PermissionSet and
 * PermissionSetAssignment objects. Setup objects such as ExtlClntAppOauthPlcyCnfg are not needed.
 */

const text = (fields: XmlNode | undefined, name: string): string | undefined => {
  const value = fields?.[name];
  return typeof value === 'string' ? value : undefined;
};
const isTrue = (value: string | undefined): boolean => value === 'true';
const nonEmpty = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined);
const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const values = (value: XmlValue | undefined): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === 'string' && v !== '');
const node = (value: XmlValue | undefined): XmlNode | undefined =>
  typeof value === 'object' && !Array.isArray(value) ? value : undefined;

type AppWithoutUser = Omit<AuditedApp, 'runAs' | 'secretReadableByRest'>;

/** An ECA's client credentials settings; undefined when the flow is off everywhere and no Run As user is set. */
export function ecaSettings(app: OrgEcaApp): AppWithoutUser | undefined {
  const global = app.satellites.ExtlClntAppGlobalOauthSettings?.fields;
  const policy = app.satellites.ExtlClntAppOauthConfigurablePolicies?.fields;
  const oauth = app.satellites.ExtlClntAppOauthSettings?.fields;
  const appPolicy = app.satellites.ExtlClntAppConfigurablePolicies?.fields;
  const flow = {
    global: isTrue(text(global, 'isClientCredentialsFlowEnabled')),
    policy: isTrue(text(policy, 'isClientCredentialsFlowEnabled')),
  };
  const runAsUsername = nonEmpty(text(policy, 'clientCredentialsFlowUser'));
  if (!flow.global && !flow.policy && !runAsUsername) return undefined;
  const timeout = text(policy, 'sessionTimeoutInMinutes');
  return {
    kind: 'ExternalClientApplication',
    name: app.name,
    managed: app.managed,
    flow,
    runAsUsername,
    permittedUsers: text(policy, 'permittedUsersPolicyType') ?? 'AllSelfAuthorized',
    preAuthorizedProfiles: list(text(policy, 'commaSeparatedProfile')),
    preAuthorizedPermissionSets: list(text(policy, 'commaSeparatedPermissionSet')),
    ipRelaxation: text(policy, 'ipRelaxationPolicyType'),
    scopes: list(text(oauth, 'commaSeparatedOauthScopes')),
    ...(timeout ? { sessionTimeoutMinutes: Number(timeout) } : {}),
    refreshTokenPolicy: text(policy, 'refreshTokenPolicyType'),
    ...(appPolicy
      ? { oauthPluginEnabled: text(appPolicy, 'isEnabled') !== 'false' && text(appPolicy, 'isOauthPluginEnabled') !== 'false' }
      : {}),
  };
}

/** A connected app's client credentials settings; undefined when the flow is off and no execution user is set. */
export function connectedAppSettings(app: OrgConnectedApp): AppWithoutUser | undefined {
  const config = node(app.record.fields.oauthConfig);
  const policy = node(app.record.fields.oauthPolicy);
  const enabled = isTrue(text(config, 'isClientCredentialEnabled'));
  const runAsUsername = nonEmpty(text(config, 'oauthClientCredentialUser'));
  if (!enabled && !runAsUsername) return undefined;
  return {
    kind: 'ConnectedApp',
    name: app.name,
    managed: app.managed,
    flow: { global: enabled, policy: enabled },
    runAsUsername,
    // Permitted Users policies don't apply to a connected app's execution user (Help) [D]: reported, not scored.
    permittedUsers: isTrue(text(config, 'isAdminApproved')) ? 'AdminApproved' : 'AllSelfAuthorized',
    preAuthorizedProfiles: values(app.record.fields.profileName),
    preAuthorizedPermissionSets: values(app.record.fields.permissionSetName),
    ipRelaxation: text(policy, 'ipRelaxation'),
    scopes: values(config?.scopes),
    refreshTokenPolicy: text(policy, 'refreshTokenPolicy'),
  };
}

type Row = Record<string, unknown>;
const field = (row: Row | undefined, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Row)[key] : undefined), row);
const bool = (value: unknown): boolean => value === true || value === 'true';

const PERMISSION_COLUMNS = [...POWERFUL_PERMISSIONS.map((p) => p.name), 'ApiUserOnly'].map((p) => `Permissions${p}`);

/** The Run As users, their profiles and permission sets: three queries whatever the number of apps. */
export async function readRunAsUsers(api: OrgApi, usernames: readonly string[]): Promise<Map<string, RunAsUser>> {
  const out = new Map<string, RunAsUser>();
  const unique = [...new Set(usernames.map((u) => u.toLowerCase()))];
  if (unique.length === 0) return out;
  const users = await api.query<Row>(
    `SELECT Id, Username, IsActive, UserType, ProfileId FROM User WHERE Username IN (${unique.map(soqlString).join(', ')})`
  );
  if (users.length === 0) return out;
  const ids = users.map((u) => String(u.Id));
  const profileIds = [...new Set(users.map((u) => String(u.ProfileId)))];
  const [profiles, assignments] = await Promise.all([
    api.query<Row>(
      `SELECT Id, Name, UserLicense.Name, ${PERMISSION_COLUMNS.join(', ')} FROM Profile WHERE Id IN (${profileIds.map(soqlString).join(', ')})`
    ),
    api.query<Row>(
      `SELECT AssigneeId, PermissionSet.Name, PermissionSet.IsOwnedByProfile, ${PERMISSION_COLUMNS.map((c) => `PermissionSet.${c}`).join(
        ', '
      )} FROM PermissionSetAssignment WHERE AssigneeId IN (${ids.map(soqlString).join(', ')})`
    ),
  ]);
  for (const user of users) {
    const profile = profiles.find((p) => p.Id === user.ProfileId);
    const profileName = typeof profile?.Name === 'string' ? profile.Name : undefined;
    const own = assignments.filter((a) => a.AssigneeId === user.Id && !bool(field(a, 'PermissionSet.IsOwnedByProfile')));
    const permissions: Record<string, string[]> = {};
    let apiOnly = bool(profile?.PermissionsApiUserOnly);
    for (const name of POWERFUL_PERMISSIONS.map((p) => p.name)) {
      const sources: string[] = [];
      if (bool(profile?.[`Permissions${name}`])) sources.push(`profile ${profileName ?? ''}`.trim());
      for (const a of own) if (bool(field(a, `PermissionSet.Permissions${name}`))) sources.push(`permission set ${String(field(a, 'PermissionSet.Name'))}`);
      if (sources.length > 0) permissions[name] = sources;
    }
    if (own.some((a) => bool(field(a, 'PermissionSet.PermissionsApiUserOnly')))) apiOnly = true;
    const license = field(profile, 'UserLicense.Name');
    out.set(String(user.Username).toLowerCase(), {
      username: String(user.Username),
      isActive: bool(user.IsActive),
      ...(typeof user.UserType === 'string' ? { userType: user.UserType } : {}),
      ...(profileName ? { profileName } : {}),
      ...(typeof license === 'string' ? { license } : {}),
      apiOnly,
      permissions,
      permissionSets: own.map((a) => String(field(a, 'PermissionSet.Name'))),
    });
  }
  return out;
}

/** Whether the org lets Connect REST return ECA consumer secrets (ExternalClientAppSettings); false when it won't say. */
async function secretsReadableByRest(api: OrgApi): Promise<boolean> {
  try {
    const [settings] = await api.readMetadata('ExternalClientAppSettings', ['ExternalClientApp']);
    return String(settings?.enableClientSecretInRestApiAccess) === 'true';
  } catch {
    return false;
  }
}

export type AuditInventory = { apps: AuditedApp[]; ecaCount: number; connectedAppCount: number };

/** Every client credentials app of the org, with its Run As user. */
export async function readAuditInventory(api: OrgApi): Promise<AuditInventory> {
  const [ecas, connectedApps, restSecrets] = await Promise.all([readEcaApps(api), readConnectedApps(api), secretsReadableByRest(api)]);
  const settings = [
    ...ecas.map(ecaSettings).filter((a): a is AppWithoutUser => a !== undefined),
    ...connectedApps.map(connectedAppSettings).filter((a): a is AppWithoutUser => a !== undefined),
  ];
  const users = await readRunAsUsers(
    api,
    settings.map((a) => a.runAsUsername).filter((u): u is string => u !== undefined)
  );
  const apps = settings
    .map(
      (app): AuditedApp => ({
        ...app,
        ...(app.runAsUsername && users.has(app.runAsUsername.toLowerCase()) ? { runAs: users.get(app.runAsUsername.toLowerCase()) } : {}),
        secretReadableByRest: app.kind === 'ExternalClientApplication' && restSecrets,
      })
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  return { apps, ecaCount: ecas.length, connectedAppCount: connectedApps.length };
}
