/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth and identity wire fields are snake_case */
import { json, notFound, versionNumber, type EmuRequest, type EmuResponse, type RouteContext } from '../http.js';
import { to15 } from '../ids.js';
import type { OrgState, UserRecord } from '../state.js';
import { authenticate, authenticateApi, isAuthenticated } from './session.js';

/**
 * Identity and discovery: /services/oauth2/userinfo, /id/<org>/<user>, /services/data (versions),
 * /services/data/vXX.X (resources), /limits (org-wire-protocol.md sections 2 and 6, oauth-client-credentials.md 4).
 */

/** Lowest version listed by /services/data. core hard-codes v51.0 for its User lookup (wire section 2). */
const MIN_LISTED_VERSION = 31;

export function apiVersions(maxApiVersion: string): string[] {
  const max = Math.floor(versionNumber(maxApiVersion));
  const versions: string[] = [];
  for (let v = MIN_LISTED_VERSION; v <= max; v++) versions.push(`${v}.0`);
  return versions;
}

export function isSupportedVersion(state: OrgState, version: string): boolean {
  return apiVersions(state.config.maxApiVersion).includes(version);
}

function seasonLabel(version: string): string {
  // API 66.0 = Spring '26; three releases a year (Spring, Summer, then Winter of the next year).
  const offset = Math.floor(versionNumber(version)) - 66;
  const cycle = Math.floor(offset / 3);
  const index = offset - cycle * 3;
  const year = 26 + cycle + (index === 2 ? 1 : 0);
  return `${['Spring', 'Summer', 'Winter'][index]} '${String(((year % 100) + 100) % 100).padStart(2, '0')}`;
}

export function listVersions(ctx: RouteContext): EmuResponse {
  return json(
    200,
    apiVersions(ctx.state.config.maxApiVersion).map((version) => ({
      label: seasonLabel(version),
      url: `/services/data/v${version}`,
      version,
    }))
  );
}

export function resources(ctx: RouteContext, req: EmuRequest, version: string): EmuResponse {
  const auth = authenticateApi(ctx.state, req);
  if (!isAuthenticated(auth)) return auth;
  const base = `/services/data/v${version}`;
  const names = ['sobjects', 'query', 'queryAll', 'tooling', 'limits', 'search', 'recent', 'connect', 'apps', 'metadata'];
  return json(200, Object.fromEntries(names.map((n) => [n, `${base}/${n}`])));
}

function identityUrls(ctx: RouteContext, user: UserRecord): Record<string, string> {
  const base = ctx.instanceUrl;
  const org15 = to15(ctx.state.org.Id);
  return {
    enterprise: `${base}/services/Soap/c/{version}/${org15}`,
    metadata: `${base}/services/Soap/m/{version}/${org15}`,
    partner: `${base}/services/Soap/u/{version}/${org15}`,
    rest: `${base}/services/data/v{version}/`,
    sobjects: `${base}/services/data/v{version}/sobjects/`,
    search: `${base}/services/data/v{version}/search/`,
    query: `${base}/services/data/v{version}/query/`,
    recent: `${base}/services/data/v{version}/recent/`,
    profile: `${base}/${user.Id}`,
    custom_domain: base,
  };
}

function isIntegrationUser(state: OrgState, user: UserRecord): boolean {
  const profile = state.profiles.get(user.ProfileId);
  const license = profile ? state.licenses.get(profile.UserLicenseId) : undefined;
  return license?.Name === 'Salesforce Integration';
}

function displayName(user: UserRecord): string {
  return user.FirstName ? `${user.FirstName} ${user.LastName}` : user.LastName;
}

/** GET|POST /services/oauth2/userinfo: an invalid token gets 403 (oauth section 4) with body Bad_OAuth_Token [U]. */
export function userinfo(ctx: RouteContext, req: EmuRequest): EmuResponse {
  const auth = authenticate(ctx.state, req);
  if (!isAuthenticated(auth)) return { status: 403, headers: { 'content-type': 'text/plain' }, body: 'Bad_OAuth_Token' };
  const { user } = auth;
  const { state } = ctx;
  return json(200, {
    sub: `${ctx.instanceUrl}/id/${state.org.Id}/${user.Id}`,
    user_id: user.Id,
    organization_id: state.org.Id,
    preferred_username: user.Username,
    nickname: user.CommunityNickname,
    name: displayName(user),
    email: user.Email,
    email_verified: true,
    given_name: user.FirstName ?? '',
    family_name: user.LastName,
    zoneinfo: user.TimeZoneSidKey,
    locale: user.LocaleSidKey,
    language: user.LanguageLocaleKey,
    active: user.IsActive,
    user_type: 'STANDARD',
    is_app_installed: true,
    is_salesforce_integration_user: isIntegrationUser(state, user),
    urls: identityUrls(ctx, user),
    updated_at: user.LastModifiedDate,
  });
}

/** GET /id/<orgId>/<userId>: the identity service; the token must belong to that org (the user may differ, as in Salesforce). */
export function identity(ctx: RouteContext, req: EmuRequest, orgId: string, userId: string): EmuResponse {
  const auth = authenticate(ctx.state, req, true);
  if (!isAuthenticated(auth)) return { status: 403, headers: { 'content-type': 'text/plain' }, body: 'Bad_OAuth_Token' };
  const { state } = ctx;
  const user = [...state.users.values()].find((u) => u.Id === userId || to15(u.Id) === userId);
  if (!user || (orgId !== state.org.Id && orgId !== to15(state.org.Id))) return notFound();
  return json(200, {
    id: `${ctx.instanceUrl}/id/${state.org.Id}/${user.Id}`,
    asserted_user: user.Id === auth.user.Id,
    user_id: user.Id,
    organization_id: state.org.Id,
    username: user.Username,
    nick_name: user.CommunityNickname,
    display_name: displayName(user),
    email: user.Email,
    email_verified: true,
    first_name: user.FirstName,
    last_name: user.LastName,
    timezone: user.TimeZoneSidKey,
    active: user.IsActive,
    user_type: 'STANDARD',
    language: user.LanguageLocaleKey,
    locale: user.LocaleSidKey,
    utcOffset: 0,
    is_app_installed: true,
    urls: identityUrls(ctx, user),
    last_modified_date: user.LastModifiedDate,
  });
}

/** GET /services/data/vXX.X/limits: static numbers (not modelled), but a real auth + API check. */
export function limits(ctx: RouteContext, req: EmuRequest): EmuResponse {
  const auth = authenticateApi(ctx.state, req);
  if (!isAuthenticated(auth)) return auth;
  return json(200, {
    DailyApiRequests: { Max: 15_000, Remaining: 14_990 },
    DailyAsyncApexExecutions: { Max: 250_000, Remaining: 250_000 },
    DataStorageMB: { Max: 5, Remaining: 5 },
    FileStorageMB: { Max: 20, Remaining: 20 },
  });
}
