/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */

/**
 * A minimal OAuth 2.0 client credentials client on plain fetch. Deliberately not AuthInfo/Org/Connection: building
 * an AuthInfo writes ~/.sfdx/<user>.json (oauth-client-credentials.md section 7). Never throws for an HTTP answer:
 * returns a typed token, a typed OAuth error, or a typed transport failure.
 */

import { fetch as undiciFetch } from 'undici';
import { DEFAULT_TOKEN_REQUEST_TIMEOUT_MS, requestTimeoutMs } from '../org/requestTimeout.js';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * How every OAuth request goes out: undici's fetch, the library Node's global fetch is built from, and the one
 * jsforce sends every org request of @salesforce/core with. Under sf the CLI has loaded it already and this plugin
 * shares it (src/cli/sharedModules.ts); Node's own bundled copy behind the global fetch would be loaded and compiled
 * on the first request (about 3 MB of peak memory for `test`, measured under sf). An object, so tests can replace it.
 */
export const transport: { fetch: FetchLike } = {
  fetch: (input, init) => undiciFetch(input, init as Parameters<typeof undiciFetch>[1]) as unknown as Promise<Response>,
};

export type TokenRequest = {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Send the credentials in an HTTP Basic header instead of the form body. */
  basicAuth?: boolean;
  timeoutMs?: number;
  fetch?: FetchLike;
};

export type TokenSuccess = {
  outcome: 'token';
  status: number;
  accessToken: string;
  instanceUrl: string;
  /** Identity URL: .../id/<orgId>/<userId>. */
  id: string;
  tokenType: string;
  scopes: string[];
  /** Epoch milliseconds, as Salesforce sends it. */
  issuedAt?: string;
  tokenFormat?: string;
  apiInstanceUrl?: string;
};

export type OAuthErrorResponse = {
  outcome: 'oauth-error';
  status: number;
  /** OAuth `error` code, when the body was an OAuth error document. */
  error?: string;
  errorDescription?: string;
  /** Start of the body when it was not an OAuth error document (HTML error pages, proxies). */
  bodySnippet?: string;
  /** Location of a redirect (never followed: it would carry the secret elsewhere). */
  location?: string;
};

export type TransportFailure = {
  outcome: 'transport-error';
  kind: 'timeout' | 'network';
  message: string;
};

export type TokenOutcome = TokenSuccess | OAuthErrorResponse | TransportFailure;

/** 30 s, or SF_ECA_REQUEST_TIMEOUT (seconds) when set (requestTimeout.ts). */
export function tokenTimeoutMs(): number {
  return requestTimeoutMs(DEFAULT_TOKEN_REQUEST_TIMEOUT_MS);
}
const SNIPPET_LENGTH = 300;
/** Longest error_description kept (a 5 MB one was printed whole, twice). */
const DESCRIPTION_LENGTH = 1000;
/** Most of a response body read: a token answer is about 1 KB; a 200 MB one must not be held in memory. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Thrown by readCapped when an answer is larger than MAX_RESPONSE_BYTES. */
export class ResponseTooLargeError extends Error {
  public constructor(public readonly limit: number) {
    super(`the answer is larger than ${Math.round(limit / 1024)} KB and was not read`);
    this.name = 'ResponseTooLargeError';
  }
}

/** The body as text, reading at most `limit` bytes (then the rest is cancelled and ResponseTooLargeError thrown). */
export async function readCapped(response: Response, limit = MAX_RESPONSE_BYTES): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw new ResponseTooLargeError(limit);
  }
  if (!response.body) return response.text();
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early (throw) cancels the stream: the rest is never downloaded.
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) throw new ResponseTooLargeError(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function capped(text: string | undefined, max: number): string | undefined {
  return text !== undefined && text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

/** Builds the request: form body by default, or HTTP Basic with only the grant type in the body. */
export function buildTokenRequest(request: TokenRequest): { headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  const form = new URLSearchParams();
  form.set('grant_type', 'client_credentials');
  if (request.basicAuth) {
    // Salesforce's Postman collection encodes key:secret as-is; keys and secrets use no ':' (reference section 1).
    headers.authorization = 'Basic ' + Buffer.from(`${request.clientId}:${request.clientSecret}`).toString('base64');
  } else {
    form.set('client_id', request.clientId);
    form.set('client_secret', request.clientSecret);
  }
  return { headers, body: form.toString() };
}

/**
 * POSTs a form to an OAuth endpoint. Redirects are never followed: they would carry the secret or token elsewhere.
 * Rejects only for transport failures (network, timeout).
 */
function postForm(
  url: string,
  form: { headers?: Record<string, string>; body: string },
  options: { fetch?: FetchLike; timeoutMs?: number }
): Promise<Response> {
  return (options.fetch ?? transport.fetch)(url, {
    method: 'POST',
    headers: form.headers ?? { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(options.timeoutMs ?? tokenTimeoutMs()),
  });
}

/** Requests a token with the client credentials grant. */
export async function requestClientCredentialsToken(request: TokenRequest): Promise<TokenOutcome> {
  let response: Response;
  try {
    response = await postForm(request.tokenUrl, buildTokenRequest(request), request);
  } catch (error) {
    return transportFailure(error);
  }
  let text: string;
  try {
    text = await readCapped(response);
  } catch (error) {
    return transportFailure(error);
  }
  return parseTokenResponse(response.status, text, response.headers.get('location') ?? undefined);
}

/** Interprets a token endpoint answer. */
export function parseTokenResponse(status: number, text: string, location?: string): TokenSuccess | OAuthErrorResponse {
  const json = parseJsonObject(text);
  if (status >= 200 && status < 300 && json && typeof json.access_token === 'string') {
    return {
      outcome: 'token',
      status,
      accessToken: json.access_token,
      instanceUrl: stringField(json, 'instance_url') ?? '',
      id: stringField(json, 'id') ?? '',
      tokenType: stringField(json, 'token_type') ?? 'Bearer',
      scopes: (stringField(json, 'scope') ?? '').split(/\s+/).filter(Boolean),
      issuedAt: stringField(json, 'issued_at'),
      tokenFormat: stringField(json, 'token_format'),
      apiInstanceUrl: stringField(json, 'api_instance_url'),
    };
  }
  if (json && typeof json.error === 'string') {
    return {
      outcome: 'oauth-error',
      status,
      error: json.error,
      errorDescription: capped(stringField(json, 'error_description'), DESCRIPTION_LENGTH),
    };
  }
  return {
    outcome: 'oauth-error',
    status,
    bodySnippet: text.trim().slice(0, SNIPPET_LENGTH) || undefined,
    location: status >= 300 && status < 400 ? location : undefined,
  };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function stringField(json: Record<string, unknown>, key: string): string | undefined {
  const value = json[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function transportFailure(error: unknown): TransportFailure {
  const err = error instanceof Error ? error : new Error(String(error));
  if (err.name === 'TimeoutError' || err.name === 'AbortError') {
    return { outcome: 'transport-error', kind: 'timeout', message: err.message };
  }
  if (err instanceof ResponseTooLargeError) return { outcome: 'transport-error', kind: 'network', message: err.message };
  // undici hides the reason ("fetch failed") in cause: ECONNREFUSED, ENOTFOUND, certificate errors...
  const cause = err.cause instanceof Error ? err.cause : undefined;
  const code = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  const detail = cause ? `${code ? code + ': ' : ''}${cause.message}` : err.message;
  return { outcome: 'transport-error', kind: 'network', message: detail };
}

export const REVOKE_PATH = '/services/oauth2/revoke';

/**
 * Revokes an access token (oauth-client-credentials.md section 5): POST {My Domain}/services/oauth2/revoke,
 * form token=<access token>; 200 when revoked. Never throws: returns the HTTP status (0 when unreachable).
 */
export async function revokeToken(request: {
  baseUrl: string;
  accessToken: string;
  fetch?: FetchLike;
  timeoutMs?: number;
}): Promise<{ revoked: boolean; status: number }> {
  const body = new URLSearchParams({ token: request.accessToken }).toString();
  try {
    const response = await postForm(request.baseUrl.replace(/\/+$/, '') + REVOKE_PATH, { body }, request);
    await response.body?.cancel().catch(() => undefined);
    return { revoked: response.status === 200, status: response.status };
  } catch {
    return { revoked: false, status: 0 };
  }
}

export const INTROSPECT_PATH = '/services/oauth2/introspect';

/**
 * Asks the org when a token expires (oauth-client-credentials.md section 4: the flow returns no expires_in):
 * POST {My Domain}/services/oauth2/introspect with the app's own client authentication. Never throws.
 */
export async function introspectToken(request: {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  basicAuth?: boolean;
  accessToken: string;
  fetch?: FetchLike;
  timeoutMs?: number;
}): Promise<{ active?: boolean; expiresAt?: string; status: number }> {
  const { headers, body } = buildTokenRequest({ ...request, tokenUrl: '' });
  const form = new URLSearchParams(body);
  form.delete('grant_type');
  form.set('token', request.accessToken);
  form.set('token_type_hint', 'access_token');
  try {
    const response = await postForm(request.baseUrl.replace(/\/+$/, '') + INTROSPECT_PATH, { headers, body: form.toString() }, request);
    const json = parseJsonObject(await readCapped(response));
    if (response.status !== 200 || !json) return { status: response.status };
    const exp = typeof json.exp === 'number' ? json.exp : undefined;
    return {
      status: 200,
      active: typeof json.active === 'boolean' ? json.active : undefined,
      expiresAt: exp ? new Date(exp * 1000).toISOString() : undefined,
    };
  } catch {
    return { status: 0 };
  }
}
