/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages } from '@salesforce/core';
import { sameUsername } from '../oauth/identity.js';
import type { SecretRedactor } from '../security/redact.js';
import type { TokenCheckInput, TokenCheckResult } from '../tokenCheck/tokenCheck.js';
import type { StoredAuthorization } from './sfAuthorization.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.login');

/**
 * Logs the sf CLI in as an app's Run As user with the client credentials flow: a token checked as `test` checks it
 * (identity = the expected Run As user, REST works; the token is kept, not revoked), stored the way
 * `sf org login access-token` stores one, with when it expires. The flow has no refresh token (reference section 2),
 * so renewing means running the login again; the secret is never written to disk.
 */

export type LoginInput = Omit<TokenCheckInput, 'showToken' | 'basicAuth'> & { alias?: string; setDefault: boolean };

export type LoginResult = {
  /** The sf username of the stored authorization (the Run As user). */
  username: string;
  orgId?: string;
  instanceUrl: string;
  alias?: string;
  isDefault: boolean;
  appName?: string;
  tokenEndpoint: string;
  credentialsSource: 'org' | 'flags';
  scopes: string[];
  tokenFormat?: string;
  issuedAt?: string;
  /** From token introspection, when the org says (ISO). */
  expiresAt?: string;
  /** The command that gets a new token once this one expires (no secret in it). */
  renewCommand: string;
};

export type LoginDeps = {
  redactor: SecretRedactor;
  check: (input: TokenCheckInput) => Promise<TokenCheckResult>;
  store: (input: { accessToken: string; instanceUrl: string; alias?: string; setDefault: boolean }) => Promise<StoredAuthorization>;
  /** How to log in again (built by the command from its own flags). */
  renewCommand: string;
  log?: (message: string) => void;
};

export async function loginWithClientCredentials(input: LoginInput, deps: LoginDeps): Promise<LoginResult> {
  const { alias, setDefault, ...checkInput } = input;
  const checked = await deps.check({ ...checkInput, basicAuth: false, showToken: true });
  const accessToken = checked.accessToken;
  if (!accessToken || !checked.instanceUrl) throw messages.createError('error.NoTokenKept');
  deps.redactor.register(accessToken);
  const stored = await deps.store({ accessToken, instanceUrl: checked.instanceUrl, alias, setDefault });
  deps.log?.(deps.redactor.redact(`stored the authorization of ${stored.username} (${stored.instanceUrl})`));
  if (checked.runAsUsername && !sameUsername(stored.username, checked.runAsUsername)) {
    // The org answered differently to sf's identity calls than to the check: never leave that unnoticed.
    throw messages.createError('error.StoredUserDiffers', [stored.username, checked.runAsUsername], [stored.username]);
  }
  return {
    username: stored.username,
    orgId: stored.orgId ?? checked.orgId,
    instanceUrl: stored.instanceUrl,
    alias,
    isDefault: setDefault,
    appName: checked.appName,
    tokenEndpoint: checked.tokenEndpoint,
    credentialsSource: checked.credentialsSource,
    scopes: checked.scopes,
    tokenFormat: checked.tokenFormat,
    issuedAt: checked.issuedAt,
    expiresAt: checked.expiresAt,
    renewCommand: deps.renewCommand,
  };
}
