/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth and identity wire fields are snake_case */
import type { AppCredentials, MetadataFields, OrgState, StoredComponent, UserRecord } from '../state.js';

/**
 * The client credentials grant decided from the org state (oauth-client-credentials.md section 3), reading the ECA
 * components the metadata module stores. Checks run in this order: client id, propagation window, secret, app/plugin
 * switches, both CC flags, Run As user, user active, permitted users, scopes, IP ranges.
 */

export type OAuthError = { error: string; error_description: string };
export type GrantResult = { ok: true; creds: AppCredentials; user: UserRecord; scopes: string[] } | { ok: false; error: OAuthError };

const fail = (error: string, description: string): GrantResult => ({ ok: false, error: { error, error_description: description } });

/** Token scope names of the metadata scope tokens (eca-metadata.md section 4); the mapping beyond Api/Web/Full/RefreshToken is [U]. */
const SCOPE_NAMES: Record<string, string[]> = {
  api: ['api'],
  web: ['web'],
  full: ['full'],
  refreshtoken: ['refresh_token', 'offline_access'],
  offlineaccess: ['offline_access'],
  basic: ['id'],
  chatter: ['chatter_api'],
  customapplications: ['visualforce'],
  openid: ['openid'],
  profile: ['profile'],
  email: ['email'],
  address: ['address'],
  phone: ['phone'],
  custompermissions: ['custom_permissions'],
  wave: ['wave_api'],
  eclair: ['eclair_api'],
  pardot: ['pardot_api'],
  lightning: ['lightning'],
  content: ['content'],
};

/** Scopes the client credentials flow drops (oauth section 1 "Scopes" [T]). */
const FILTERED_SCOPES = new Set(['full', 'web', 'refresh_token', 'offline_access']);

/** The token scopes an app's OAuth settings grant to a client credentials token. */
export function grantedScopes(commaSeparated: string | undefined): string[] {
  const names = (commaSeparated ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .flatMap((s) => SCOPE_NAMES[s.toLowerCase()] ?? [s.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()]);
  return [...new Set(names)].filter((s) => !FILTERED_SCOPES.has(s));
}

function str(fields: MetadataFields | undefined, name: string): string | undefined {
  const value = fields?.[name];
  return typeof value === 'string' ? value : undefined;
}

function ipToNumber(ip: string): number | undefined {
  const v4 = ip.replace(/^::ffff:/, '');
  const parts = v4.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** Whether the address is allowed by login IP ranges (none = no restriction). IPv6 loopback counts as 127.0.0.1. */
export function ipAllowed(ranges: Array<{ startAddress: string; endAddress: string }>, address: string): boolean {
  if (ranges.length === 0) return true;
  const ip = ipToNumber(address === '::1' ? '127.0.0.1' : address);
  if (ip === undefined) return false;
  return ranges.some((r) => {
    const start = ipToNumber(r.startAddress);
    const end = ipToNumber(r.endAddress);
    return start !== undefined && end !== undefined && ip >= start && ip <= end;
  });
}

const CC_FLAG_OFF_DESCRIPTION: Record<string, string> = {
  invalid_grant: 'client credentials flow not enabled',
  unsupported_grant_type: 'grant type not supported',
  unauthorized_client: 'client credentials flow not enabled',
};

type Satellites = {
  plcy?: MetadataFields;
  global?: MetadataFields;
  policy?: MetadataFields;
  oauth?: MetadataFields;
};

function satellites(state: OrgState, app: string): Satellites {
  return {
    plcy: state.satelliteOf(app, 'ExtlClntAppConfigurablePolicies')?.fields,
    global: state.satelliteOf(app, 'ExtlClntAppGlobalOauthSettings')?.fields,
    policy: state.satelliteOf(app, 'ExtlClntAppOauthConfigurablePolicies')?.fields,
    oauth: state.satelliteOf(app, 'ExtlClntAppOauthSettings')?.fields,
  };
}

/** The app-level switches: app/plugin enabled, both client credentials flags. */
function appError(state: OrgState, s: Satellites): GrantResult | undefined {
  if (str(s.plcy, 'isEnabled') === 'false' || str(s.plcy, 'isOauthPluginEnabled') === 'false') {
    return fail('oauth_flow_disabled', 'The external client app or the OAuth plugin is disabled.');
  }
  if (str(s.global, 'isClientCredentialsFlowEnabled') !== 'true' || str(s.policy, 'isClientCredentialsFlowEnabled') !== 'true') {
    const code = state.config.ccFlagOffError;
    return fail(code, CC_FLAG_OFF_DESCRIPTION[code]);
  }
  return undefined;
}

function isAdminApproved(state: OrgState, policy: MetadataFields | undefined, user: UserRecord): boolean {
  if (str(policy, 'permittedUsersPolicyType') !== 'AdminApprovedPreAuthorized') return true;
  const profileName = state.profiles.get(user.ProfileId)?.Name;
  const split = (v: string | undefined): string[] =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
  const profiles = split(str(policy, 'commaSeparatedProfile'));
  const permSets = split(str(policy, 'commaSeparatedPermissionSet'));
  // A profile entry is reported not to authorize the client credentials Run As user (eca-metadata.md section 5 [T]).
  const byProfile = state.config.preauthProfileHonoured && profileName !== undefined && profiles.includes(profileName.toLowerCase());
  return (
    byProfile ||
    state.permissionSetsOf(user.Id).some((ps) => permSets.includes(ps.Name.toLowerCase()))
  );
}

/** Relax IP restrictions (Bypass*) exempts the user from IP restrictions; Enforce (the default) applies them [U]. */
function ipRestricted(state: OrgState, policy: MetadataFields | undefined, user: UserRecord, remoteAddress: string): boolean {
  const relaxation = str(policy, 'ipRelaxationPolicyType') ?? 'Enforce';
  const profile = state.profiles.get(user.ProfileId);
  return !relaxation.startsWith('Bypass') && profile !== undefined && !ipAllowed(profile.loginIpRanges, remoteAddress);
}

export function clientCredentialsGrant(
  state: OrgState,
  clientId: string | undefined,
  clientSecret: string | undefined,
  remoteAddress: string
): GrantResult {
  // The primary pair, a Rotated previous pair, or (switch) a staged pair (oauth section 8.3).
  const pair = clientId ? state.pairByKey(clientId) : undefined;
  const creds = pair?.creds;
  const header = creds ? state.getComponent('ExternalClientApplication', creds.appName) : undefined;
  if ((!creds || !header) && clientId) {
    const connectedApp = connectedAppByKey(state, clientId);
    if (connectedApp) return connectedAppGrant(state, connectedApp, clientSecret, remoteAddress);
  }
  if (!pair || !creds || !header) return fail('invalid_client_id', 'client identifier invalid');
  const refused = pairError(state, pair, clientSecret);
  if (refused) return refused;

  const s = satellites(state, creds.appName);
  const disabled = appError(state, s);
  if (disabled) return disabled;
  const runAs = str(s.policy, 'clientCredentialsFlowUser');
  const user = runAs ? state.findUserByUsername(runAs) : undefined;
  if (!user) return fail('invalid_grant', 'no client credentials user enabled');
  if (!user.IsActive) return fail('inactive_user', 'User is inactive');
  if (!isAdminApproved(state, s.policy, user)) return fail('invalid_app_access', 'user is not admin approved to access this app');
  const scopes = grantedScopes(str(s.oauth, 'commaSeparatedOauthScopes'));
  if (scopes.length === 0) return fail('invalid_grant', 'no valid scopes defined');
  if (ipRestricted(state, s.policy, user, remoteAddress)) return fail('invalid_grant', 'IP restricted or invalid login hours');
  return { ok: true, creds, user, scopes };
}

/** The key not yet propagated, or a wrong secret. */
function pairError(state: OrgState, pair: { secret: string; createdAt: number }, clientSecret: string | undefined): GrantResult | undefined {
  // A new or rotated key is unknown to the token service until it propagates (oauth section 3 [T]).
  if (state.now() < pair.createdAt + state.config.propagationDelayMs) return fail('invalid_client_id', 'client identifier invalid');
  if (!clientSecret || clientSecret !== pair.secret || state.faults.refusedSecrets.has(clientSecret)) {
    return fail('invalid_client', 'invalid client credentials');
  }
  return undefined;
}

// --- Connected apps (eca-metadata.md section 9) -------------------------------------------------------------------

function oauthConfigOf(component: StoredComponent): MetadataFields | undefined {
  const value = component.fields.oauthConfig;
  return typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function connectedAppByKey(state: OrgState, clientId: string): StoredComponent | undefined {
  return state.listComponents('ConnectedApp').find((c) => str(oauthConfigOf(c), 'consumerKey') === clientId);
}

/** ConnectedApp `oauthConfig/scopes` (repeated) -> the comma-separated form grantedScopes reads. */
function connectedAppScopes(config: MetadataFields | undefined): string {
  const scopes = config?.scopes;
  return (Array.isArray(scopes) ? scopes : scopes === undefined ? [] : [scopes]).filter((s) => typeof s === 'string').join(',');
}

/**
 * The client credentials grant of a connected app: secret, isClientCredentialEnabled, the execution user
 * (oauthClientCredentialUser, existing and active), scopes, IP relaxation (oauthPolicy/ipRelaxation BYPASS*).
 * Permitted Users policies (isAdminApproved, profileName, permissionSetName) don't apply to the execution user
 * (Help xcloud.connected_app_client_credentials_setup, eca section 9.2) [D].
 */
function connectedAppGrant(
  state: OrgState,
  app: StoredComponent,
  clientSecret: string | undefined,
  remoteAddress: string
): GrantResult {
  const config = oauthConfigOf(app);
  const secret = state.connectedAppSecrets.get(app.fullName);
  if (!clientSecret || clientSecret !== secret) return fail('invalid_client', 'invalid client credentials');
  if (str(config, 'isClientCredentialEnabled') !== 'true') {
    const code = state.config.ccFlagOffError;
    return fail(code, CC_FLAG_OFF_DESCRIPTION[code]);
  }
  const runAs = str(config, 'oauthClientCredentialUser');
  const user = runAs ? state.findUserByUsername(runAs) : undefined;
  if (!user) return fail('invalid_grant', 'no client credentials user enabled');
  if (!user.IsActive) return fail('inactive_user', 'User is inactive');
  const scopes = grantedScopes(connectedAppScopes(config));
  if (scopes.length === 0) return fail('invalid_grant', 'no valid scopes defined');
  const policy = app.fields.oauthPolicy;
  const relaxation = typeof policy === 'object' && !Array.isArray(policy) ? str(policy, 'ipRelaxation') ?? 'ENFORCE' : 'ENFORCE';
  const profile = state.profiles.get(user.ProfileId);
  if (!relaxation.startsWith('BYPASS') && profile && !ipAllowed(profile.loginIpRanges, remoteAddress)) {
    return fail('invalid_grant', 'IP restricted or invalid login hours');
  }
  const creds: AppCredentials = {
    appName: app.fullName,
    appId: app.id,
    consumerId: app.id,
    consumerKey: str(config, 'consumerKey') ?? '',
    consumerSecret: secret,
    createdAt: 0,
    staged: [],
  };
  return { ok: true, creds, user, scopes };
}
