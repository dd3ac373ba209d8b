/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages, SfError } from '@salesforce/core';
import { isRequestTimeout, requestTimeoutMs } from '../org/requestTimeout.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.test');

/**
 * Reads an app's consumer key and secret from the org through Connect REST (oauth-client-credentials.md section 5):
 * GET /apps/oauth/usage (find the app id by developer name) -> GET /apps/oauth/credentials/{appId} (consumer id)
 * -> GET /apps/oauth/credentials/{appId}/{consumerId}?part=keyandsecret. Needs the org setting
 * "Allow access to External Client App consumer secrets via REST API" (enableClientSecretInRestApiAccess) and the
 * user permissions "External Client App Developer" and "View Client Secret"; when one is missing the error says which.
 */

export type ConsumerCredentials = {
  appId: string;
  consumerId: string;
  consumerKey: string;
  consumerSecret: string;
  /** How many OAuth consumers the app has (the first is used). */
  consumerCount: number;
};

/** The slice of a jsforce Connection this module uses (conn.request with a relative URL). */
export type RestRequester = {
  request<T>(url: string): Promise<T>;
};

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

type ConsumerRef = { appId: string; consumerId: string; keys: string[]; count: number };

/** Finds the app's OAuth consumer: usage (paged) -> credentials/{appId}. Needs External Client App Developer/Admin. */
async function findConsumer(conn: RestRequester, apiVersion: string, appName: string): Promise<ConsumerRef> {
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
  return {
    appId,
    consumerId: consumers[0].id as string,
    keys: consumers.map((c) => c.key).filter((k): k is string => typeof k === 'string' && k.length > 0),
    count: consumers.length,
  };
}

/** The consumer keys of an app (no secret; needs only External Client App Developer/Admin). */
export async function readConsumerKeys(conn: RestRequester, apiVersion: string, appName: string): Promise<string[]> {
  return (await findConsumer(conn, apiVersion, appName)).keys;
}

export async function readConsumerCredentials(
  conn: RestRequester,
  apiVersion: string,
  appName: string
): Promise<ConsumerCredentials> {
  const { appId, consumerId, count } = await findConsumer(conn, apiVersion, appName);
  const consumer = await call<Consumer>(
    conn,
    `/services/data/v${apiVersion}/apps/oauth/credentials/${appId}/${consumerId}?part=keyandsecret`,
    'secret'
  );
  if (!consumer.key) {
    throw messages.createError('error.NoConsumerInOrg', [appName]);
  }
  if (!consumer.secret) {
    // The key came back but not the secret: the answer of an org that hides secrets from this user.
    throw permissionError('secret', messages.getMessage('fragment.noSecretInAnswer'));
  }
  return { appId, consumerId, consumerKey: consumer.key, consumerSecret: consumer.secret, consumerCount: count };
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

function credentialsError(error: unknown, step: Step): SfError {
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
      return messages.createError('error.CredentialsReadFailed', [detail]);
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
