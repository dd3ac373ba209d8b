/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { json, noContent, notFound, parseJsonBody, restError, versionNumber, type EmuRequest, type EmuResponse, type RouteContext } from '../http.js';
import { to15 } from '../ids.js';
import { newStagedCredential, STAGED_TTL_MS, type AppCredentials, type OrgState, type StagedCredential } from '../state.js';
import { authenticateApi, isAuthenticated, type Authenticated } from './session.js';

/**
 * Connect REST OAuth credentials (oauth-client-credentials.md section 5), under /services/data/vXX.X/apps/oauth:
 * `usage` (59.0+), `credentials/{appId}` and `credentials/{appId}/{consumerId}?part=key|secret|keyandsecret` (60.0+),
 * `.../staged` and `.../staged/{stagedId}` (65.0+).
 *
 * Gating (documented permissions and setting; exact error texts [U]):
 * - usage: ExternalClientAppViewer, ExternalClientAppDeveloper or ExternalClientAppAdmin.
 * - credentials (key): ExternalClientAppDeveloper or ExternalClientAppAdmin.
 * - anything returning a secret (part=secret|keyandsecret, staged): the org setting enableClientSecretInRestApiAccess
 * (checked first, 403 FUNCTIONALITY_NOT_ENABLED) and the user permission ViewClientSecret (403 INSUFFICIENT_ACCESS).
 */

const VIEW_PERMS = ['ExternalClientAppViewer', 'ExternalClientAppDeveloper', 'ExternalClientAppAdmin'];
const DEVELOPER_PERMS = ['ExternalClientAppDeveloper', 'ExternalClientAppAdmin'];

function hasAny(state: OrgState, auth: Authenticated, perms: string[]): boolean {
  const held = state.effectivePermissions(auth.user.Id);
  return perms.some((p) => held.has(p));
}

function notEnabledForUser(): EmuResponse {
  return restError(403, 'INSUFFICIENT_ACCESS', "You don't have access to External Client App OAuth credentials: this feature is not enabled for this user.");
}

function secretGate(state: OrgState, auth: Authenticated): EmuResponse | undefined {
  if (!state.settings.enableClientSecretInRestApiAccess) {
    return restError(403, 'FUNCTIONALITY_NOT_ENABLED', 'Access to External Client App consumer secrets via the REST API is not currently enabled for this org.');
  }
  if (!hasAny(state, auth, ['ViewClientSecret'])) {
    return restError(403, 'INSUFFICIENT_ACCESS', 'Viewing consumer secrets is not enabled for this user.');
  }
  return undefined;
}

function base(version: string): string {
  return `/services/data/v${version}/apps/oauth`;
}

function consumerUrl(version: string, creds: AppCredentials): string {
  return `${base(version)}/credentials/${creds.appId}/${creds.consumerId}`;
}

function consumerView(version: string, creds: AppCredentials, part: 'key' | 'secret' | 'keyandsecret' | 'none'): Record<string, unknown> {
  return {
    id: creds.consumerId,
    ...(part === 'key' || part === 'keyandsecret' ? { key: creds.consumerKey } : {}),
    name: creds.appName,
    ...(part === 'secret' || part === 'keyandsecret' ? { secret: creds.consumerSecret } : {}),
    url: consumerUrl(version, creds),
    ...(versionNumber(version) >= 65 ? { stagedCredentialsUrl: `${consumerUrl(version, creds)}/staged` } : {}),
  };
}

function stagedView(ctx: RouteContext, version: string, creds: AppCredentials, staged: StagedCredential): Record<string, unknown> {
  const admin = ctx.state.admin;
  return {
    createdBy: admin.Username,
    createdDate: new Date(staged.createdAt).toISOString(),
    expirationDate: new Date(staged.expiresAt).toISOString(),
    id: staged.id,
    key: staged.consumerKey,
    secret: staged.consumerSecret,
    stagedCredentialsUrl: `${consumerUrl(version, creds)}/staged/${staged.id}`,
    state: ctx.state.stagedState(staged),
    // "URL for the primary credentials of the OAuth consumer" (oauth section 8.1).
    url: consumerUrl(version, creds),
  };
}

function usage(ctx: RouteContext, req: EmuRequest, version: string): EmuResponse {
  const pageSize = Number(req.query.get('pageSize') ?? '25');
  const page = Number(req.query.get('page') ?? '0');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100 || !Number.isInteger(page) || page < 0) {
    return restError(400, 'INVALID_INPUT', 'pageSize must be between 1 and 100 and page must be 0 or more.');
  }
  const apps = ctx.state
    .listComponents('ExternalClientApplication')
    .filter((c) => ctx.state.credentials.has(c.fullName))
    .map((c) => ({
      developerName: c.fullName,
      identifier: c.id,
      name: typeof c.fields.label === 'string' ? c.fields.label : c.fullName,
      type: 'ExternalClientApplication',
    }));
  const slice = apps.slice(page * pageSize, (page + 1) * pageSize);
  const pageUrl = (p: number): string => `${base(version)}/usage?page=${p}&pageSize=${pageSize}`;
  return json(200, {
    apps: slice,
    currentPageUrl: pageUrl(page),
    nextPageUrl: (page + 1) * pageSize < apps.length ? pageUrl(page + 1) : null,
    totalSize: apps.length,
  });
}

function consumer(ctx: RouteContext, req: EmuRequest, version: string, auth: Authenticated, creds: AppCredentials): EmuResponse {
  if (req.method !== 'GET') return notFound();
  const part = (req.query.get('part') ?? 'key').toLowerCase();
  if (part !== 'key' && part !== 'secret' && part !== 'keyandsecret') {
    return restError(400, 'INVALID_INPUT', `Invalid value for part: ${part}. Use key, secret or keyandsecret.`);
  }
  if (part !== 'key') {
    const gate = secretGate(ctx.state, auth);
    if (gate) return gate;
  }
  return json(200, consumerView(version, creds, part));
}

/**
 * GET/POST .../staged (oauth section 8). One staged entry per consumer at a time [T]: POST while an Active or
 * Rotated entry exists answers 400 (expired entries are dropped). Nothing staged: GET answers 404 ("may answer with
 * a 404", section 8.2 [T]). POST without a body drops the connection (section 8.2 [T]); with `{}` it answers the
 * collection with the new pair.
 */
function stagedCollection(ctx: RouteContext, req: EmuRequest, version: string, creds: AppCredentials): EmuResponse {
  const { state } = ctx;
  const live = creds.staged.filter((s) => state.stagedState(s) !== 'Expired');
  creds.staged.splice(0, creds.staged.length, ...live);
  const collection = (items: StagedCredential[]): Record<string, unknown> => ({
    stagedCredentials: items.map((s) => stagedView(ctx, version, creds, s)),
    url: `${consumerUrl(version, creds)}/staged`,
  });
  if (req.method === 'GET') {
    return creds.staged.length === 0 ? restError(404, 'NOT_FOUND', 'No staged credentials found for this consumer.') : json(200, collection(creds.staged));
  }
  if (req.method !== 'POST') return notFound();
  if (req.body.trim() === '') return { status: 0, drop: true };
  if (creds.staged.length > 0) {
    return restError(400, 'INVALID_INPUT', 'This consumer already has staged credentials. Delete them before staging new ones.');
  }
  const staged = newStagedCredential(state);
  creds.staged.push(staged);
  if (state.faults.refuseStagedSecretsOf.has(creds.appName)) state.faults.refusedSecrets.add(staged.consumerSecret);
  return json(201, collection([staged]));
}

/**
 * GET/PATCH/DELETE .../staged/{stagedId}. PATCH {"command":"rotate"} on an Active entry promotes it: the staged pair
 * becomes the primary, the previous primary stays in the slot as `Rotated` for 30 days and keeps getting tokens until
 * deleted (section 8.3 [T]). DELETE removes any entry at once (204).
 */
function stagedItem(ctx: RouteContext, req: EmuRequest, version: string, creds: AppCredentials, stagedId: string): EmuResponse {
  const staged = creds.staged.find((s) => s.id === stagedId || to15(s.id) === stagedId);
  if (!staged) return notFound();
  if (req.method === 'GET') return json(200, stagedView(ctx, version, creds, staged));
  if (req.method === 'DELETE') {
    creds.staged.splice(creds.staged.indexOf(staged), 1);
    return noContent();
  }
  if (req.method !== 'PATCH') return notFound();
  let body: unknown;
  try {
    body = parseJsonBody(req.body);
  } catch {
    body = undefined;
  }
  // The field name "command" is [U] (oauth section 8.2).
  if ((body as { command?: unknown } | undefined)?.command !== 'rotate') {
    return restError(400, 'INVALID_INPUT', 'Specify {"command":"rotate"} to replace the primary credentials.');
  }
  const stagedState = ctx.state.stagedState(staged);
  if (stagedState !== 'Active') {
    return restError(400, 'INVALID_INPUT', `Staged credentials in state ${stagedState} can't replace the primary credentials.`);
  }
  const previous = { key: creds.consumerKey, secret: creds.consumerSecret };
  ctx.state.rotateCredentials(creds.appName, staged);
  const now = ctx.state.now();
  Object.assign(staged, { consumerKey: previous.key, consumerSecret: previous.secret, state: 'Rotated', createdAt: now, expiresAt: now + STAGED_TTL_MS });
  return json(200, stagedView(ctx, version, creds, staged));
}

/** credentials/{appId}[/{consumerId}[/staged[/{stagedId}]]] */
function credentials(ctx: RouteContext, req: EmuRequest, version: string, auth: Authenticated, rest: string[]): EmuResponse {
  const { state } = ctx;
  if (versionNumber(version) < 60) return notFound();
  if (!hasAny(state, auth, DEVELOPER_PERMS)) return notEnabledForUser();
  const creds = state.credentialsByAppId(rest[0]);
  if (!creds || !state.getComponent('ExternalClientApplication', creds.appName)) return notFound();
  if (rest.length === 1) return req.method === 'GET' ? json(200, { consumers: [consumerView(version, creds, 'key')] }) : notFound();
  if (rest[1] !== creds.consumerId && rest[1] !== creds.consumerId.slice(0, 15)) return notFound();
  if (rest.length === 2) return consumer(ctx, req, version, auth, creds);
  if (rest[2] !== 'staged' || versionNumber(version) < 65 || rest.length > 4) return notFound();
  const gate = secretGate(state, auth);
  if (gate) return gate;
  return rest.length === 3 ? stagedCollection(ctx, req, version, creds) : stagedItem(ctx, req, version, creds, rest[3]);
}

/** Routes /services/data/vXX.X/apps/<rest>. */
export function connectOauth(ctx: RouteContext, req: EmuRequest, version: string, rest: string[]): EmuResponse {
  const auth = authenticateApi(ctx.state, req);
  if (!isAuthenticated(auth)) return auth;
  if (rest[0] !== 'oauth' || rest.length < 2) return notFound();
  if (rest[1] === 'usage' && rest.length === 2 && req.method === 'GET') {
    if (versionNumber(version) < 59) return notFound();
    if (!hasAny(ctx.state, auth, VIEW_PERMS)) return notEnabledForUser();
    return usage(ctx, req, version);
  }
  if (rest[1] === 'credentials' && rest.length >= 3) return credentials(ctx, req, version, auth, rest.slice(2));
  return notFound();
}
