/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { type FetchLike, readCapped, tokenTimeoutMs, transport } from './tokenClient.js';

/**
 * Who a client credentials token belongs to, and proof that it works (oauth-client-credentials.md section 4).
 * Cheapest path: the org and user ids come from the `id` URL (no request); one REST call,
 * GET /sobjects/User/<userId>?fields=Username,IsActive, both proves the token works for the REST API and returns the
 * exact Username. Only when that call fails does it fall back to /services/oauth2/userinfo for the username.
 */

export type IdentityIds = { orgId: string; userId: string };

export type ApiCheck = {
  /** The request made, e.g. "GET /services/data/v66.0/sobjects/User/005...". */
  request: string;
  status: number;
  ok: boolean;
  errorCode?: string;
  message?: string;
};

export type VerifiedIdentity = IdentityIds & {
  username?: string;
  active?: boolean;
  /** Where the username came from. */
  usernameSource?: 'rest' | 'userinfo';
  apiCheck: ApiCheck;
  /** HTTP requests made after the token request. */
  requests: number;
};

export type VerifyInput = {
  instanceUrl: string;
  accessToken: string;
  /** The `id` field of the token response. */
  idUrl: string;
  apiVersion: string;
  fetch?: FetchLike;
  timeoutMs?: number;
};

const ORG_ID = /^00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/;
const USER_ID = /^005[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/;

/** Org and user id from an identity URL (`https://<any host>/id/<orgId>/<userId>`), or undefined if malformed. */
export function parseIdentityUrl(idUrl: string): IdentityIds | undefined {
  let path: string;
  try {
    path = new URL(idUrl).pathname;
  } catch {
    return undefined;
  }
  const segments = path.split('/').filter(Boolean);
  if (segments.length < 3 || segments[segments.length - 3] !== 'id') return undefined;
  const [orgId, userId] = segments.slice(-2);
  return ORG_ID.test(orgId) && USER_ID.test(userId) ? { orgId, userId } : undefined;
}

/** Salesforce ids compare on their case-sensitive 15-character form (18-char ids add a case checksum). */
export function sameSalesforceId(a: string | undefined, b: string | undefined): boolean {
  return Boolean(a && b && a.slice(0, 15) === b.slice(0, 15));
}

/** Usernames are case-insensitive in Salesforce. */
export function sameUsername(a: string | undefined, b: string | undefined): boolean {
  return Boolean(a && b && a.trim().toLowerCase() === b.trim().toLowerCase());
}

/** Identifies the token's user and proves the token works with one REST call (two only when that fails). */
export async function verifyIdentity(input: VerifyInput): Promise<VerifiedIdentity> {
  const ids = parseIdentityUrl(input.idUrl);
  if (!ids) {
    throw new IdentityUrlError(input.idUrl);
  }
  const base = input.instanceUrl.replace(/\/+$/, '');
  const path = `/services/data/v${input.apiVersion}/sobjects/User/${ids.userId}?fields=Username,IsActive`;
  const rest = await getJson(input, base + path);
  const apiCheck: ApiCheck = {
    request: `GET ${path.split('?')[0]}`,
    status: rest.status,
    ok: rest.status === 200,
    ...restError(rest.body),
  };
  if (apiCheck.ok && rest.body && typeof rest.body === 'object' && !Array.isArray(rest.body)) {
    const record = rest.body as Record<string, unknown>;
    return {
      ...ids,
      username: typeof record.Username === 'string' ? record.Username : undefined,
      active: typeof record.IsActive === 'boolean' ? record.IsActive : undefined,
      usernameSource: 'rest',
      apiCheck,
      requests: 1,
    };
  }
  // The REST call failed (no API access, or no read access to User): ask the identity service who this is.
  const info = await getJson(input, base + '/services/oauth2/userinfo');
  const body = info.status === 200 && info.body && typeof info.body === 'object' ? (info.body as Record<string, unknown>) : {};
  return {
    ...ids,
    username: typeof body.preferred_username === 'string' ? body.preferred_username : undefined,
    active: typeof body.active === 'boolean' ? body.active : undefined,
    usernameSource: typeof body.preferred_username === 'string' ? 'userinfo' : undefined,
    apiCheck,
    requests: 2,
  };
}

export class IdentityUrlError extends Error {
  public constructor(public readonly idUrl: string) {
    super(`Unexpected identity URL in the token response: ${idUrl}`);
    this.name = 'IdentityUrlError';
  }
}

type JsonAnswer = { status: number; body: unknown };

async function getJson(input: VerifyInput, url: string): Promise<JsonAnswer> {
  const doFetch = input.fetch ?? transport.fetch;
  try {
    const response = await doFetch(url, {
      method: 'GET',
      headers: { authorization: `Bearer ${input.accessToken}`, accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(input.timeoutMs ?? tokenTimeoutMs()),
    });
    const text = await readCapped(response);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, body };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return { status: 0, body: [{ errorCode: 'NETWORK_ERROR', message: err.message + cause }] };
  }
}

/** errorCode/message from a REST error body (`[{"errorCode","message"}]`) or an OAuth-style one. */
function restError(body: unknown): { errorCode?: string; message?: string } {
  const first: unknown = Array.isArray(body) ? body[0] : body;
  if (!first || typeof first !== 'object') return {};
  const record = first as Record<string, unknown>;
  const errorCode = typeof record.errorCode === 'string' ? record.errorCode : typeof record.error === 'string' ? record.error : undefined;
  const message =
    typeof record.message === 'string'
      ? record.message
      : typeof record.error_description === 'string'
      ? record.error_description
      : undefined;
  return errorCode ?? message ? { errorCode, message } : {};
}
