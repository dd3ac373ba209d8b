/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { Connection } from '@salesforce/core';

/**
 * Every request the plugin sends has a timeout, so a hung org call (a deploy, a user insert, a query, a Connect REST
 * read, a token call) ends the run with a clear message instead of waiting forever. jsforce's own default is 30
 * minutes and cannot be set per call through Connection methods; its transport takes a per-request `timeout` option
 * (request.ts: `executeWithTimeout` aborts the fetch), so withRequestTimeout gives every request of one connection
 * (REST, SOAP Metadata, and the deploys and polls of source-deploy-retrieve, which use the same connection) our limit.
 *
 * The limit is SF_ECA_REQUEST_TIMEOUT (seconds, decimals allowed), default 120 s for org calls and 30 s for token
 * endpoint calls. `--wait` still bounds how long a deploy is polled; this bounds each single request.
 */

export const REQUEST_TIMEOUT_ENV = 'SF_ECA_REQUEST_TIMEOUT';
export const DEFAULT_ORG_REQUEST_TIMEOUT_MS = 120_000;
export const DEFAULT_TOKEN_REQUEST_TIMEOUT_MS = 30_000;

/** The timeout of one request in ms: SF_ECA_REQUEST_TIMEOUT (seconds) when set to a positive number, else `fallback`. */
export function requestTimeoutMs(fallback = DEFAULT_ORG_REQUEST_TIMEOUT_MS, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[REQUEST_TIMEOUT_ENV]?.trim();
  const seconds = raw ? Number(raw) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : fallback;
}

// eslint-disable-next-line no-underscore-dangle
type HttpRequestFn = Connection['_transport']['httpRequest'];
const LIMITED = Symbol.for('plugin-eca-clientcreds.requestTimeout');

/** Gives every request of `conn` a timeout (idempotent); returns `conn`. */
export function withRequestTimeout<C extends Connection>(conn: C, timeoutMs: number = requestTimeoutMs()): C {
  // jsforce's transport is a public field with a leading underscore; it is the one place every request goes through.
  // eslint-disable-next-line no-underscore-dangle
  const transport = conn._transport as Connection['_transport'] & { [LIMITED]?: number };
  if (transport[LIMITED] !== undefined) {
    transport[LIMITED] = timeoutMs;
    return conn;
  }
  transport[LIMITED] = timeoutMs;
  const original: HttpRequestFn = transport.httpRequest.bind(transport);
  transport.httpRequest = ((req, options = {}) =>
    original(req, { ...options, timeout: transport[LIMITED] })) as HttpRequestFn;
  return conn;
}

/** Whether an error is a request that ended because its timeout passed (jsforce's abort, fetch's TimeoutError). */
export function isRequestTimeout(e: unknown): boolean {
  for (let cause = e, i = 0; cause && i < 5; i++) {
    if (typeof cause !== 'object') return false;
    const { name, message } = cause as { name?: unknown; message?: unknown };
    if (name === 'TimeoutError') return true;
    if (name === 'AbortError' && typeof message === 'string' && /timeout|timed out/i.test(message)) return true;
    if (typeof message === 'string' && /aborted due to timeout/i.test(message)) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}
