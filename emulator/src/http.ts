/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { OrgState } from './state.js';

/** A request as the route handlers see it: path with leading slashes collapsed, body read as text. */
export type EmuRequest = {
  method: string;
  /** Collapsed path without query, e.g. '/services/data/v66.0/query'. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  listener: 'instance' | 'login';
  remoteAddress: string;
};

export type EmuResponse = {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Destroy the socket instead of answering (dropped connection). */
  drop?: boolean;
};

export type RouteContext = {
  state: OrgState;
  instanceUrl: string;
  loginUrl: string;
};

export const JSON_TYPE = 'application/json;charset=UTF-8';

export function json(status: number, value: unknown, headers: Record<string, string> = {}): EmuResponse {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(value) };
}

export function noContent(): EmuResponse {
  return { status: 204 };
}

/** A REST API error: `[{"message","errorCode","fields"?}]` (org-wire-protocol.md section 1). */
export type RestError = { message: string; errorCode: string; fields?: string[] };

export function restError(status: number, errorCode: string, message: string, fields?: string[]): EmuResponse {
  const error: RestError = fields ? { message, errorCode, fields } : { message, errorCode };
  return json(status, [error]);
}

export function notFound(): EmuResponse {
  return restError(404, 'NOT_FOUND', 'The requested resource does not exist');
}

/** Collapses runs of slashes ('//services/data' -> '/services/data'); jsforce sends them (wire section 1). */
export function collapseSlashes(path: string): string {
  return '/' + path.replace(/\/{2,}/g, '/').replace(/^\/+/, '');
}

export function parseJsonBody(body: string): unknown {
  if (body.trim() === '') return undefined;
  return JSON.parse(body) as unknown;
}

/**
 * The Bearer (or 'OAuth') token of a request. The identity URL also takes an `oauth_token` query parameter (jsforce
 * `identity()` sends it); other endpoints only read the header.
 */
export function bearerToken(req: EmuRequest, allowQueryToken = false): string | undefined {
  const header = req.headers.authorization;
  if (!header) return allowQueryToken ? req.query.get('oauth_token') ?? undefined : undefined;
  const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim());
  return match ? match[1].trim() : undefined;
}

/** Numeric comparison of API versions ('51.0' < '66.0'). */
export function versionNumber(version: string): number {
  return Number.parseFloat(version);
}
