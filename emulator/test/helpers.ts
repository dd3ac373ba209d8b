/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Connection } from '@jsforce/jsforce-node';
import type { Emulator } from '../src/index.js';
import type { MetadataFields } from '../src/state.js';

/**
 * Test helpers for the emulator's own tests: a jsforce Connection (the real client library, without the AuthInfo of
 * core, which writes auth files under the real HOME), plain fetch for calls jsforce has no method for, and seeding of an app's ECA components the way the metadata module stores them after a deploy.
 */

export const API_VERSION = '66.0';

/** A jsforce Connection as `sf` builds it (instance URL stored with a trailing slash, wire section 1). */
export function connectionFor(emu: Emulator, accessToken = emu.admin.accessToken, version = API_VERSION): Connection {
  return new Connection({ instanceUrl: `${emu.instanceUrl}/`, accessToken, version });
}

export type FetchResult = { status: number; body: unknown; text: string; headers: Headers };

export async function call(
  baseUrl: string,
  path: string,
  options: { method?: string; token?: string; body?: unknown; form?: Record<string, string>; headers?: Record<string, string> } = {}
): Promise<FetchResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const response = await fetch(`${baseUrl}${path}`, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

export type CcAppOptions = {
  app?: string;
  runAs?: string;
  scopes?: string;
  globalCc?: string;
  policyCc?: string;
  permittedUsers?: string;
  profiles?: string;
  permissionSets?: string;
  isEnabled?: string;
  isOauthPluginEnabled?: string;
  ipRelaxation?: string;
  /** Leave out these component types. */
  omit?: string[];
};

/**
 * Stores an app's five ECA components with client credentials enabled (eca-metadata.md sections 2-6) and creates
 * its consumer key and secret, as the metadata module does on deploy. Returns the credentials.
 */
export function seedCcApp(emu: Emulator, options: CcAppOptions = {}): { app: string; key: string; secret: string; appId: string } {
  const app = options.app ?? 'My_Integration';
  const { state } = emu;
  const put = (type: string, fullName: string, fields: MetadataFields): void => {
    if (!options.omit?.includes(type)) state.putComponent(type, fullName, fields);
  };
  put('ExternalClientApplication', app, {
    contactEmail: 'integrations@example.com',
    distributionState: 'Local',
    isProtected: 'false',
    label: app,
  });
  put('ExtlClntAppGlobalOauthSettings', `${app}_glbloauth`, {
    callbackUrl: 'https://login.salesforce.com/services/oauth2/success',
    externalClientApplication: app,
    isClientCredentialsFlowEnabled: options.globalCc ?? 'true',
    label: `${app}_glbloauth`,
  });
  put('ExtlClntAppOauthSettings', `${app}_oauth`, {
    commaSeparatedOauthScopes: options.scopes ?? 'Api',
    externalClientApplication: app,
    label: `${app}_oauth`,
  });
  const policy: MetadataFields = {
    externalClientApplication: app,
    ipRelaxationPolicyType: options.ipRelaxation ?? 'Enforce',
    isClientCredentialsFlowEnabled: options.policyCc ?? 'true',
    label: `${app}_oauthPlcy`,
    permittedUsersPolicyType: options.permittedUsers ?? 'AllSelfAuthorized',
  };
  if (options.runAs !== undefined) policy.clientCredentialsFlowUser = options.runAs;
  if (options.profiles) policy.commaSeparatedProfile = options.profiles;
  if (options.permissionSets) policy.commaSeparatedPermissionSet = options.permissionSets;
  put('ExtlClntAppOauthConfigurablePolicies', `${app}_oauthPlcy`, policy);
  put('ExtlClntAppConfigurablePolicies', `${app}_plcy`, {
    externalClientApplication: app,
    isEnabled: options.isEnabled ?? 'true',
    isOauthPluginEnabled: options.isOauthPluginEnabled ?? 'true',
    label: `${app}_plcy`,
  });
  const creds = state.ensureAppCredentials(app);
  return { app, key: creds.consumerKey, secret: creds.consumerSecret, appId: creds.appId };
}

/** Seeds an active API-only integration user (the usual Run As user). */
export function seedRunAsUser(emu: Emulator, username = 'integration.user@example.com.emu'): string {
  emu.control.seedUser({
    Username: username,
    LastName: 'Integration',
    Email: 'integration@example.com',
    profileName: 'Minimum Access - API Only Integrations',
  });
  return username;
}

/** The error a jsforce call rejected with: `name`/`errorCode` and message. */
export async function rejection(promise: PromiseLike<unknown>): Promise<Error & { errorCode?: string; data?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { errorCode?: string; data?: unknown };
  }
  throw new Error('expected the call to fail, it succeeded');
}
