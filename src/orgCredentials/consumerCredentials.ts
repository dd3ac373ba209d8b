/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages, SfError } from '@salesforce/core';
import { isRequestTimeout, requestTimeoutMs } from '../org/requestTimeout.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'orgCredentials');

/**
 * THE reader (and writer) of an app's consumer credentials in the org, through Connect REST
 * (oauth-client-credentials.md sections 5 and 8): GET /apps/oauth/usage (find the app id by developer name) ->
 * GET /apps/oauth/credentials/{appId} (consumer id) -> GET .../{consumerId}?part=key|keyandsecret; staged rotation
 * (65.0+): GET/POST .../{consumerId}/staged, PATCH {"command":"rotate"} and DELETE .../staged/{stagedId}. Reading a
 * secret or anything staged needs the org setting "Allow access to External Client App consumer secrets via REST API"
 * (enableClientSecretInRestApiAccess) and the user permissions "External Client App Developer" and "View Client
 * Secret"; when one is missing the error says which. Messages: messages/orgCredentials.md.
 */

export type ConsumerCredentials = {
  appId: string;
  consumerId: string;
  consumerKey: string;
  consumerSecret: string;
  /** How many OAuth consumers the app has (the first is used). */
  consumerCount: number;
};

/** A request as jsforce's conn.request takes it (relative URL). */
export type RestRequest = { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; body?: string; headers?: Record<string, string> };

/** The slice of a jsforce Connection this module uses (conn.request with a relative URL or a request object). */
export type RestRequester = {
  request<T>(url: string | RestRequest): Promise<T>;
};

/** Where an app's OAuth consumer lives in Connect REST. */
export type ConsumerRef = {
  appName: string;
  appId: string;
  consumerId: string;
  /** The consumer's current (primary) key. */
  consumerKey?: string;
  consumerCount: number;
};

/** App Oauth Staged Credentials (section 8.1): an Active staged pair, or the Rotated previous primary pair. */
export type StagedCredentials = {
  id: string;
  consumerKey: string;
  consumerSecret: string;
  /** 'Active', 'Rotated' or 'Expired' (section 8.1); kept as the org sends it. */
  state: string;
  createdDate?: string;
  expirationDate?: string;
};

/** Staged rotation needs this API version (section 8). */
export const STAGING_MIN_API_VERSION = 65;

type UsagePage = { apps?: Array<{ developerName?: string; identifier?: string; name?: string }>; nextPageUrl?: string | null };
type CredentialsList = { consumers?: Array<{ id?: string; key?: string; name?: string }> };
type Consumer = { id?: string; key?: string; secret?: string };

const PAGE_SIZE = 100;
const MAX_PAGES = 50;

export type CredentialsErrorKind = 'setting' | 'permission' | 'session' | 'other';

/**
 * Which missing prerequisite an error from the credentials API points at. Exact texts are unverified [U]: the
 * reference quotes "not currently enabled" / "feature is not enabled" for the org setting and "not enabled for this
 * user" for the permissions; anything else is reported verbatim.
 */
export function classifyCredentialsError(error: { errorCode?: string; message?: string; name?: string }): CredentialsErrorKind {
  const code = (error.errorCode ?? error.name ?? '').toUpperCase();
  const message = error.message ?? '';
  if (code === 'INVALID_SESSION_ID' || /session expired or invalid|invalid session id|no refresh token/i.test(message)) return 'session';
  if (/not enabled for this user|ViewClientSecret|View Client Secret|ExternalClientApp(Developer|Admin)|External Client App (Developer|Admin)/i.test(message))
    return 'permission';
  if (code === 'INSUFFICIENT_ACCESS' || code === 'INSUFFICIENT_ACCESS_OR_READONLY') return 'permission';
  if (/not currently enabled|feature is not enabled|enableClientSecretInRestApiAccess|consumer secrets via REST/i.test(message))
    return 'setting';
  if (code === 'FUNCTIONALITY_NOT_ENABLED' || code === 'FEATURE_NOT_ENABLED') return 'setting';
  return 'other';
}

type FoundConsumer = ConsumerRef & { keys: string[] };

/** Finds the app's OAuth consumer: usage (paged) -> credentials/{appId}. Needs External Client App Developer/Admin. */
async function findConsumer(conn: RestRequester, apiVersion: string, appName: string): Promise<FoundConsumer> {
  const base = `/services/data/v${apiVersion}/apps/oauth`;
  let appId: string | undefined;
  const seen: string[] = [];
  for (let page = 0; page < MAX_PAGES && !appId; page++) {
    // eslint-disable-next-line no-await-in-loop
    const usage = await call<UsagePage>(conn, `${base}/usage?page=${page}&pageSize=${PAGE_SIZE}`, 'list');
    const apps = usage.apps ?? [];
    appId = apps.find((app) => (app.developerName ?? app.name ?? '').toLowerCase() === appName.toLowerCase())?.identifier;
    seen.push(...apps.map((app) => app.developerName ?? app.name ?? '').filter(Boolean));
    if (apps.length < PAGE_SIZE && !usage.nextPageUrl) break;
  }
  if (!appId) {
    throw messages.createError('error.AppNotFoundInOrg', [appName, closestNames(appName, seen)]);
  }
  const credentials = await call<CredentialsList>(conn, `${base}/credentials/${appId}`, 'list');
  const consumers = (credentials.consumers ?? []).filter((c) => c.id);
  if (consumers.length === 0) {
    throw messages.createError('error.NoConsumerInOrg', [appName]);
  }
  const keys = consumers.map((c) => c.key).filter((k): k is string => typeof k === 'string' && k.length > 0);
  return {
    appName,
    appId,
    consumerId: consumers[0].id as string,
    consumerKey: consumers[0].key,
    consumerCount: consumers.length,
    keys,
  };
}

/** Finds the app's OAuth consumer (ids and key, no secret; needs only External Client App Developer/Admin). */
export async function locateConsumer(conn: RestRequester, apiVersion: string, appName: string): Promise<ConsumerRef> {
  const found = await findConsumer(conn, apiVersion, appName);
  return {
    appName: found.appName,
    appId: found.appId,
    consumerId: found.consumerId,
    consumerKey: found.consumerKey,
    consumerCount: found.consumerCount,
  };
}

/** The consumer keys of an app (no secret; needs only External Client App Developer/Admin). */
export async function readConsumerKeys(conn: RestRequester, apiVersion: string, appName: string): Promise<string[]> {
  return (await findConsumer(conn, apiVersion, appName)).keys;
}

/** The app's primary consumer key and secret (the secret needs the org setting and View Client Secret). */
export async function readConsumerCredentials(
  conn: RestRequester,
  apiVersion: string,
  appName: string
): Promise<ConsumerCredentials> {
  const ref = await findConsumer(conn, apiVersion, appName);
  return readPrimaryPair(conn, apiVersion, ref);
}

/** Re-reads the primary key and secret of a consumer already located (e.g. right after a promotion). */
export async function readPrimaryPair(conn: RestRequester, apiVersion: string, ref: ConsumerRef): Promise<ConsumerCredentials> {
  const consumer = await call<Consumer>(conn, `${consumerPath(apiVersion, ref)}?part=keyandsecret`, 'secret');
  if (!consumer.key) {
    throw messages.createError('error.NoConsumerInOrg', [ref.appName]);
  }
  if (!consumer.secret) {
    // The key came back but not the secret: the answer of an org that hides secrets from this user.
    throw permissionError('secret', messages.getMessage('fragment.noSecretInAnswer'));
  }
  return {
    appId: ref.appId,
    consumerId: ref.consumerId,
    consumerKey: consumer.key,
    consumerSecret: consumer.secret,
    consumerCount: ref.consumerCount,
  };
}

function consumerPath(apiVersion: string, ref: ConsumerRef): string {
  return `/services/data/v${apiVersion}/apps/oauth/credentials/${ref.appId}/${ref.consumerId}`;
}

function requireStagingVersion(apiVersion: string): void {
  if (Number.parseFloat(apiVersion) < STAGING_MIN_API_VERSION) {
    throw messages.createError('error.StagingNeedsApiVersion', [apiVersion]);
  }
}

type StagedAnswer = {
  id?: string;
  key?: string;
  secret?: string;
  state?: string;
  createdDate?: string;
  expirationDate?: string;
};

function toStaged(answer: StagedAnswer): StagedCredentials | undefined {
  if (!answer.id || !answer.key || !answer.secret) return undefined;
  return {
    id: answer.id,
    consumerKey: answer.key,
    consumerSecret: answer.secret,
    state: answer.state ?? 'Active',
    createdDate: answer.createdDate,
    expirationDate: answer.expirationDate,
  };
}

/** A collection answer ({stagedCredentials:[...]}) or a single item (shapes seen differ, section 8.2 [T]). */
function stagedList(answer: unknown): StagedCredentials[] {
  if (!answer || typeof answer !== 'object') return [];
  const items = (answer as { stagedCredentials?: unknown }).stagedCredentials;
  const list = Array.isArray(items) ? (items as StagedAnswer[]) : [answer as StagedAnswer];
  return list.map(toStaged).filter((s): s is StagedCredentials => s !== undefined);
}

/** The consumer's staged entries (Active staged pairs, Rotated previous pairs); none when the org answers 404 [T]. */
export async function readStagedCredentials(conn: RestRequester, apiVersion: string, ref: ConsumerRef): Promise<StagedCredentials[]> {
  requireStagingVersion(apiVersion);
  try {
    return stagedList(await conn.request<unknown>(`${consumerPath(apiVersion, ref)}/staged`));
  } catch (error) {
    // "GET .../staged may answer with a 404" when nothing is staged (section 8.2 [T]).
    if (codeOf(error) === 'NOT_FOUND' || (error as { statusCode?: number }).statusCode === 404) return [];
    throw credentialsError(error, 'secret', 'listStaged');
  }
}

/** POST .../staged with body {} (without a body Salesforce resets the connection, section 8.2 [T]): the new pair. */
export async function stageCredentials(conn: RestRequester, apiVersion: string, ref: ConsumerRef): Promise<StagedCredentials> {
  requireStagingVersion(apiVersion);
  const answer = await change<unknown>(
    conn,
    { method: 'POST', url: `${consumerPath(apiVersion, ref)}/staged`, body: '{}', headers: { 'content-type': 'application/json' } },
    'stage'
  );
  const staged = stagedList(answer).find((s) => s.state === 'Active') ?? stagedList(answer)[0];
  if (staged) return staged;
  // Not the documented shape: read the collection back rather than guess.
  const listed = (await readStagedCredentials(conn, apiVersion, ref)).find((s) => s.state === 'Active');
  if (!listed) throw messages.createError('error.CredentialsChangeFailed', [messages.getMessage('operation.stage'), 'no staged credentials in the answer']);
  return listed;
}

/** PATCH .../staged/{id} {"command":"rotate"}: the staged pair becomes the primary (section 8.3). */
export async function promoteStagedCredentials(conn: RestRequester, apiVersion: string, ref: ConsumerRef, stagedId: string): Promise<void> {
  requireStagingVersion(apiVersion);
  await change<unknown>(
    conn,
    {
      method: 'PATCH',
      url: `${consumerPath(apiVersion, ref)}/staged/${stagedId}`,
      body: JSON.stringify({ command: 'rotate' }),
      headers: { 'content-type': 'application/json' },
    },
    'promote'
  );
}

/** DELETE .../staged/{id} (204): an unpromoted staged pair, or a Rotated previous pair (revoked at once). */
export async function deleteStagedCredentials(conn: RestRequester, apiVersion: string, ref: ConsumerRef, stagedId: string): Promise<void> {
  requireStagingVersion(apiVersion);
  await change<unknown>(conn, { method: 'DELETE', url: `${consumerPath(apiVersion, ref)}/staged/${stagedId}` }, 'delete');
}

type Operation = 'stage' | 'promote' | 'delete' | 'listStaged';

async function change<T>(conn: RestRequester, request: RestRequest, operation: Operation): Promise<T> {
  try {
    return await conn.request<T>(request);
  } catch (error) {
    throw credentialsError(error, 'secret', operation);
  }
}

function codeOf(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const { errorCode: code, name } = error as { errorCode?: unknown; name?: unknown };
  return typeof code === 'string' ? code : typeof name === 'string' ? name : undefined;
}

async function call<T>(conn: RestRequester, url: string, step: Step): Promise<T> {
  try {
    return await conn.request<T>(url);
  } catch (error) {
    throw credentialsError(error, step);
  }
}

/** Up to 10 app names, most similar to the one asked for first (longest common prefix), with the total. */
export function closestNames(wanted: string, names: string[], max = 10): string {
  if (names.length === 0) return '-';
  const target = wanted.toLowerCase();
  const prefix = (name: string): number => {
    const lower = name.toLowerCase();
    let i = 0;
    while (i < lower.length && i < target.length && lower[i] === target[i]) i++;
    return i;
  };
  const sorted = [...names].sort((a, b) => prefix(b) - prefix(a) || a.localeCompare(b));
  const shown = sorted.slice(0, max).join(', ');
  return names.length > max ? `${shown}, ... (${names.length})` : shown;
}

/** Which call failed: listing apps and keys needs External Client App Developer; the secret needs View Client Secret. */
type Step = 'list' | 'secret';

const STEP_PERMISSION: Record<Step, string> = {
  list: 'ExternalClientAppDeveloper',
  secret: 'ViewClientSecret',
};

function permissionError(step: Step, detail: string): SfError {
  const permission = STEP_PERMISSION[step];
  return messages.createError(
    'error.SecretPermissionMissing',
    [messages.getMessage(`permission.${permission}`), detail],
    [messages.getMessage(`permission.${permission}`)]
  );
}

function credentialsError(error: unknown, step: Step, operation?: Operation): SfError {
  const err = error instanceof Error ? error : new Error(String(error));
  // Transport failures say nothing about settings or permissions: name them (issue 13).
  const transport = transportFailure(err);
  if (transport) return transport;
  const errorCode = 'errorCode' in err && typeof err.errorCode === 'string' ? err.errorCode : undefined;
  const detail = `${errorCode ?? err.name}: ${err.message}`;
  switch (classifyCredentialsError({ errorCode, message: err.message, name: err.name })) {
    case 'setting':
      return messages.createError('error.SecretApiSettingOff', [detail]);
    case 'permission':
      return permissionError(step, detail);
    case 'session':
      return messages.createError('error.OrgSessionExpired', [detail]);
    default:
      return operation && operation !== 'listStaged'
        ? messages.createError('error.CredentialsChangeFailed', [messages.getMessage(`operation.${operation}`), detail])
        : messages.createError('error.CredentialsReadFailed', [detail]);
  }
}

/** A timeout or a lost connection while reading: its own message (not a permission problem), exit 1. */
function transportFailure(err: Error): SfError | undefined {
  if (isRequestTimeout(err)) {
    return messages.createError('error.CredentialsTimeout', [String(requestTimeoutMs() / 1000)]);
  }
  const chain: Error[] = [];
  for (let e: unknown = err; e instanceof Error && chain.length < 5; e = e.cause) chain.push(e);
  const network = chain.some((e) => e instanceof TypeError || e.name === 'TypeError') || chain.some((e) => /ECONNRESET|socket hang up|other side closed|ECONNREFUSED|ENOTFOUND/.test(e.message));
  if (!network) return undefined;
  const reason = chain
    .slice(1)
    .map((e) => `${e.message}${typeof (e as { code?: unknown }).code === 'string' ? ` (${String((e as { code?: unknown }).code)})` : ''}`)
    .join(': ');
  return messages.createError('error.CredentialsConnectionLost', [reason || err.message.replace(/\bTypeError:?\s*/g, '')]);
}
