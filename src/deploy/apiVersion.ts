/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { type Connection, Messages } from '@salesforce/core';
import { MIN_API_VERSION } from '../metadata/ecaTypes.js';
import { toOrgError } from './orgErrors.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

/**
 * The API version of the deploy: --api-version, else the project's sourceApiVersion, else the org's highest.
 * It must be at least 60.0 (client credentials fields) and at most what the org speaks.
 */
export const FLAG_SOURCE = '--api-version';
export const SOURCE_API_VERSION = 'sourceApiVersion (sfdx-project.json)';

/** A version asked for locally, and where it came from (for the error messages). */
export type RequestedApiVersion = { version: string; source: string };

/** What the org connection must offer to tell its highest API version. */
export type ApiVersionConnection = Pick<Connection, 'getAuthInfoFields' | 'retrieveMaxApiVersion' | 'getUsername'>;

/**
 * The version asked for by --api-version, else by sourceApiVersion, checked against the minimum; undefined when
 * neither is set (then the org's highest is used). Needs no org request, so the files can be checked first.
 */
export function requestedApiVersion(flag: string | undefined, sourceApiVersion: string | undefined): RequestedApiVersion | undefined {
  const requested = flag ? { version: flag, source: FLAG_SOURCE } : sourceApiVersion ? { version: sourceApiVersion, source: SOURCE_API_VERSION } : undefined;
  if (requested) checkMinimum(requested.version, requested.source);
  return requested;
}

export function checkMinimum(version: string, source: string): string {
  if (!(Number(version) >= MIN_API_VERSION)) {
    throw messages.createError('error.ApiVersionTooLow', [version, source, MIN_API_VERSION.toFixed(1)]);
  }
  return version;
}

export function checkMaximum(version: string, source: string, orgMax: string): void {
  if (Number(version) > Number(orgMax)) throw messages.createError('error.ApiVersionTooHigh', [version, source, orgMax], [orgMax]);
}

/** The org's highest API version: cached in the auth file by login (no request), else asked of /services/data. */
export async function orgMaxApiVersion(conn: ApiVersionConnection): Promise<string> {
  const cached = conn.getAuthInfoFields().instanceApiVersion;
  if (cached) return cached;
  try {
    return await conn.retrieveMaxApiVersion();
  } catch (e) {
    throw toOrgError(e, { targetOrg: conn.getUsername() ?? '' });
  }
}

/** The deploy's version before the files are read: the requested one, else the org's highest. */
export async function deployApiVersion(requested: RequestedApiVersion | undefined, conn: ApiVersionConnection): Promise<string> {
  return requested ? requested.version : orgMaxApiVersion(conn);
}

/** After the files are read: a requested version must not exceed what the org speaks. */
export async function checkAgainstOrg(requested: RequestedApiVersion | undefined, conn: ApiVersionConnection): Promise<void> {
  if (requested) checkMaximum(requested.version, requested.source, await orgMaxApiVersion(conn));
}
