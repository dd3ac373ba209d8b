/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages, SfError } from '@salesforce/core';
import { SecretRedactor } from '../security/redact.js';
import type { AppOauthSettings } from '../appSettings/appSettings.js';
import { sandboxSuffixOf } from '../org/sandboxUsernames.js';
import { type ApiCheck, IdentityUrlError, sameSalesforceId, sameUsername, verifyIdentity } from '../oauth/identity.js';
import {
  type DiagnosisContext,
  type RunAsLookup,
  describeAnswer,
  diagnoseOAuthError,
  diagnoseTransportFailure,
  diagnosisError,
  diagnoseRestError,
} from '../oauth/oauthErrors.js';
import type { OrgAccess } from '../orgCredentials/orgAccess.js';
import { nextDelay, sleep as realSleep } from '../oauth/retry.js';
import {
  type FetchLike,
  type OAuthErrorResponse,
  type TokenSuccess,
  introspectToken,
  requestClientCredentialsToken,
  revokeToken,
} from '../oauth/tokenClient.js';
import { type TokenEndpoint, isSafeForSecrets } from '../oauth/tokenEndpoint.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.test');

/**
 * The `test` flow without oclif: token (with --wait retries), diagnosis on failure, identity + API check on success.
 * Returns the result or throws an SfError whose name/message/actions are the diagnosis and whose `data` is the
 * partial result (so --json shows how far it got).
 */

/** What the check reads from --target-org (for the expected org and Run As user, and the diagnosis). */
export type TokenCheckOrg = Pick<OrgAccess, 'orgId' | 'readAppSettings' | 'readConsumerKeys' | 'lookupRunAs'>;

export type ExpectedRunAs = { username: string; source: 'flag' | 'project' | 'org' };

export type TokenCheckResult = {
  success: boolean;
  appName?: string;
  tokenEndpoint: string;
  credentialsSource: 'org' | 'flags';
  authMethod: 'body' | 'basic';
  tokenType?: string;
  scopes: string[];
  instanceUrl?: string;
  runAsUsername?: string;
  runAsUserId?: string;
  expectedRunAsUsername?: string;
  expectedRunAsSource?: ExpectedRunAs['source'];
  orgId?: string;
  expectedOrgId?: string;
  tokenFormat?: string;
  /** ISO time from the token's issued_at. */
  issuedAt?: string;
  apiCheck?: ApiCheck;
  /** Token requests made (more than 1 only with --wait). */
  attempts: number;
  /** Time spent waiting for propagation (--wait). */
  waitedMs: number;
  /** Total time from the first token request to the verdict. */
  elapsedMs: number;
  /** With --show-token: when the shown token expires (from token introspection), if the org says. */
  expiresAt?: string;
  /** The token was revoked after the check (always, unless --show-token asked to keep and show it). */
  tokenRevoked?: boolean;
  /** Only with --show-token. */
  accessToken?: string;
};

export type TokenCheckInput = {
  endpoint: TokenEndpoint;
  clientId: string;
  clientSecret: string;
  credentialsFromOrg: boolean;
  basicAuth: boolean;
  appName?: string;
  /** --run-as-username; else the project policy; else the org policy. */
  runAsUsernameFlag?: string;
  projectSettings?: AppOauthSettings;
  org?: TokenCheckOrg;
  apiVersion: string;
  waitMs: number;
  showToken: boolean;
};

export type AttemptEvent = { attempt: number; answer: string; delayMs: number; waitedMs: number };

export type TokenCheckDeps = {
  redactor: SecretRedactor;
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Called before each retry pause (for the spinner). */
  onRetry?: (event: AttemptEvent) => void;
  /** Called for each warning (already redacted). */
  onWarning?: (message: string) => void;
  /** Called when the token is in hand and verification starts. */
  onVerify?: () => void;
  /** Debug log sink (core Logger in the command). Receives redacted text only. */
  log?: (message: string) => void;
};

export async function runTokenCheck(input: TokenCheckInput, deps: TokenCheckDeps): Promise<TokenCheckResult> {
  const now = deps.now ?? Date.now;
  const redactor = deps.redactor.registerClientCredentials(input.clientId, input.clientSecret);
  const started = now();
  const result: TokenCheckResult = {
    success: false,
    appName: input.appName,
    tokenEndpoint: input.endpoint.tokenUrl,
    credentialsSource: input.credentialsFromOrg ? 'org' : 'flags',
    authMethod: input.basicAuth ? 'basic' : 'body',
    scopes: [],
    expectedOrgId: input.org?.orgId,
    attempts: 0,
    waitedMs: 0,
    elapsedMs: 0,
  };
  const { org, appName } = input;
  let orgSettings: Promise<AppOauthSettings> | undefined;
  const run: RunState = {
    input,
    deps,
    result,
    now,
    started,
    redactor,
    readOrgSettings: org && appName ? (): Promise<AppOauthSettings> => (orgSettings ??= org.readAppSettings(appName)) : undefined,
    fail: (error: SfError): SfError => {
      result.elapsedMs = now() - started;
      error.setData({ ...(error.data as object | undefined), ...redactor.redactDeep(result) });
      return error;
    },
  };

  const token = await obtainToken(run);
  redactor.register(token.accessToken);
  result.tokenType = token.tokenType;
  result.scopes = token.scopes;
  result.instanceUrl = token.instanceUrl;
  result.tokenFormat = token.tokenFormat ?? (token.accessToken.startsWith('eyJ') ? 'jwt' : 'opaque');
  result.issuedAt = toIso(token.issuedAt);
  if (input.showToken) result.accessToken = token.accessToken;

  let failure: unknown;
  try {
    await verifyToken(run, token);
  } catch (error) {
    failure = error;
  }
  // A test token has done its job: revoke it (also when the check failed, e.g. a token for the wrong user: a
  // failed check never hands a token out, so it is revoked even with --show-token / for login).
  if (!input.showToken || failure !== undefined) await revoke(run, token);
  else if (failure === undefined) await introspect(run, token);
  if (failure !== undefined) {
    if (failure instanceof SfError) failure.setData({ ...(failure.data as object | undefined), tokenRevoked: result.tokenRevoked });
    throw failure;
  }
  result.success = true;
  result.elapsedMs = now() - started;
  return result;
}

/** For a token the user keeps (--show-token): how long it lives. Best effort, one request. */
async function introspect(run: RunState, token: TokenSuccess): Promise<void> {
  const { input, deps, result, redactor } = run;
  const answer = await introspectToken({
    baseUrl: input.endpoint.baseUrl,
    clientId: input.clientId,
    clientSecret: input.clientSecret,
    basicAuth: input.basicAuth,
    accessToken: token.accessToken,
    fetch: deps.fetch,
  });
  result.expiresAt = answer.expiresAt;
  deps.log?.(redactor.redact(`token introspect: HTTP ${answer.status}`));
}

async function revoke(run: RunState, token: TokenSuccess): Promise<void> {
  const { input, deps, result, redactor } = run;
  const outcome = await revokeToken({ baseUrl: input.endpoint.baseUrl, accessToken: token.accessToken, fetch: deps.fetch });
  result.tokenRevoked = outcome.revoked;
  deps.log?.(redactor.redact(`token revoke: HTTP ${outcome.status}`));
  if (!outcome.revoked) deps.onWarning?.(messages.getMessage('warning.RevokeFailed', [String(outcome.status)]));
}

type RunState = {
  input: TokenCheckInput;
  deps: TokenCheckDeps;
  result: TokenCheckResult;
  now: () => number;
  started: number;
  redactor: SecretRedactor;
  /** The app's settings in --target-org (with --name), read at most once per run; undefined without org or name. */
  readOrgSettings?: () => Promise<AppOauthSettings>;
  /** Attaches the partial result to an error (for --json), ready to throw. */
  fail: (error: SfError) => SfError;
};

/** The token, retrying propagation-delay answers while --wait allows; throws the diagnosis otherwise. */
async function obtainToken(run: RunState): Promise<TokenSuccess> {
  const { input, deps, result, now, started, redactor, fail } = run;
  const sleep = deps.sleep ?? realSleep;
  const redact = (text: string): string => redactor.redact(text);
  const log = (message: string): void => deps.log?.(redact(message));
  /** What the org says about the app: read once, at the first OAuth error, and reused for every retry. */
  let orgContext: Partial<DiagnosisContext> | undefined;
  for (;;) {
    result.attempts++;
    log(`token request ${result.attempts} to ${input.endpoint.tokenUrl} (${input.basicAuth ? 'basic' : 'body'} credentials)`);
    // eslint-disable-next-line no-await-in-loop
    const outcome = await requestClientCredentialsToken({
      tokenUrl: input.endpoint.tokenUrl,
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      basicAuth: input.basicAuth,
      fetch: deps.fetch,
    });
    if (outcome.outcome === 'token') {
      if (result.attempts > 1) result.waitedMs = now() - started;
      log(`token issued: ${outcome.tokenType} ${outcome.tokenFormat ?? ''} scopes [${outcome.scopes.join(' ')}] id ${outcome.id}`);
      return outcome;
    }
    log(`token request failed: ${outcome.outcome === 'transport-error' ? outcome.message : describeAnswer(outcome)}`);
    if (outcome.outcome === 'transport-error') {
      throw fail(diagnosisError(diagnoseTransportFailure(outcome, baseContext(input, now)), redact));
    }
    // eslint-disable-next-line no-await-in-loop
    orgContext ??= await readOrgContext(run, outcome);
    const ctx = { ...baseContext(input, now), ...orgContext };
    const diagnosis = diagnoseOAuthError(outcome, ctx);
    const elapsed = now() - started;
    const delay = diagnosis.retryable && input.waitMs > 0 ? nextDelay(result.attempts, elapsed, input.waitMs) : undefined;
    if (delay === undefined) {
      throw fail(diagnosisError(diagnosis, redact));
    }
    deps.onRetry?.({ attempt: result.attempts, answer: redact(diagnosis.answer), delayMs: delay, waitedMs: elapsed });
    // eslint-disable-next-line no-await-in-loop
    await sleep(delay);
    result.waitedMs = now() - started;
  }
}

/** Who the token runs as (id URL + one REST call that also proves the token works), compared with the expected. */
async function verifyToken(run: RunState, token: TokenSuccess): Promise<void> {
  const { input, deps, result, redactor, fail } = run;
  deps.onVerify?.();
  const instanceUrl = token.instanceUrl || input.endpoint.baseUrl;
  if (!isSafeForSecrets(instanceUrl)) {
    // The token would go over plain http to a remote host: refuse, as for the secret.
    throw fail(messages.createError('error.InsecureInstanceUrl', [redactor.redact(instanceUrl)]));
  }
  let identity;
  try {
    identity = await verifyIdentity({
      instanceUrl,
      accessToken: token.accessToken,
      idUrl: token.id,
      apiVersion: input.apiVersion,
      fetch: deps.fetch,
    });
  } catch (error) {
    if (error instanceof IdentityUrlError) {
      throw fail(messages.createError('error.InvalidIdentityUrl', [redactor.redact(error.idUrl)]));
    }
    throw error;
  }
  deps.log?.(
    redactor.redact(
      `identity: org ${identity.orgId} user ${identity.userId} (${identity.username ?? '?'}); ${identity.apiCheck.request} -> ${identity.apiCheck.status}`
    )
  );
  result.orgId = identity.orgId;
  result.runAsUserId = identity.userId;
  result.runAsUsername = identity.username;
  result.apiCheck = redactor.redactDeep(identity.apiCheck);

  if (input.org && !sameSalesforceId(identity.orgId, input.org.orgId)) {
    throw fail(messages.createError('error.WrongOrg', [identity.orgId, input.org.orgId]));
  }
  const expected = await expectedRunAs(run);
  result.expectedRunAsUsername = expected?.username;
  result.expectedRunAsSource = expected?.source;
  // A production policy file in a sandbox: deploy used the same username with the sandbox suffix (sandboxUsernames.ts).
  const sandboxCopy = expected?.source === 'project' && identity.username && sandboxSuffixOf(expected.username, identity.username);
  if (expected && identity.username && !sameUsername(identity.username, expected.username) && !sandboxCopy) {
    throw fail(
      messages.createError(
        'error.WrongRunAsUser',
        [identity.username, expected.username],
        [expected.username, identity.username, identity.username]
      )
    );
  }
  if (!identity.apiCheck.ok) throw apiCheckFailure(run, identity.apiCheck, identity.username ?? expected?.username);
  if (!expected) deps.onWarning?.(messages.getMessage('warning.NoExpectedRunAsUser', [identity.username ?? identity.userId]));
  if (!input.org) deps.onWarning?.(messages.getMessage('warning.NoExpectedOrg', [identity.orgId]));
}

/** The REST call with the token failed: a known answer (oauthErrors.ts REST_ERROR_TABLE) or the generic messages. */
function apiCheckFailure(run: RunState, check: ApiCheck, runAsUsername: string | undefined): Error {
  const { input, redactor, fail } = run;
  const known = diagnoseRestError(check, { settings: input.projectSettings, runAsUsername });
  if (known) return fail(diagnosisError(known, (t) => redactor.redact(t)));
  const code = check.errorCode ?? '';
  const message = redactor.redact(check.message ?? '');
  return fail(
    check.status === 401
      ? messages.createError('error.ApiAccessDenied', [String(check.status), code, message])
      : messages.createError('error.ApiCheckFailed', [check.request, String(check.status), code, message])
  );
}

function baseContext(input: TokenCheckInput, now: () => number): DiagnosisContext {
  return {
    tokenHost: input.endpoint.host,
    appName: input.appName,
    credentialsFromOrg: input.credentialsFromOrg,
    waitMinutes: input.waitMs > 0 ? Math.round((input.waitMs / 60_000) * 10) / 10 : 0,
    settings: input.projectSettings,
    now: now(),
  };
}

/** Answers that depend on the app's settings: read the org (when we can) to say exactly which one is wrong. */
const SETTINGS_ERRORS = new Set([
  'invalid_grant',
  'invalid_client_id',
  'unsupported_grant_type',
  'unauthorized_client',
  'oauth_flow_disabled',
  'invalid_app_access',
  'inactive_user',
]);

/**
 * For answers that depend on the app's settings, reads the org (when --target-org and --name allow) to say exactly
 * what is wrong: its settings (which switch is off; project file paths kept, as they are what the user edits), the
 * Run As value (email vs Username), and whether a --client-id key is one of the app's keys. Best effort: a failed
 * read leaves the diagnosis less precise, never wrong.
 */
async function readOrgContext(run: RunState, answer: OAuthErrorResponse): Promise<Partial<DiagnosisContext>> {
  const { input, readOrgSettings } = run;
  const { org, appName } = input;
  if (!org || !appName || !readOrgSettings || !answer.error || !SETTINGS_ERRORS.has(answer.error)) return {};
  const [orgSettings, keys] = await Promise.all([
    readOrgSettings().catch(() => undefined),
    answer.error === 'invalid_client_id' && !input.credentialsFromOrg
      ? org.readConsumerKeys(appName).catch(() => undefined)
      : Promise.resolve(undefined),
  ]);
  const settings = orgSettings
    ? { ...orgSettings, locations: { ...orgSettings.locations, ...(input.projectSettings?.locations ?? {}) } }
    : input.projectSettings;
  let runAsLookup: RunAsLookup | undefined;
  if (settings?.runAsUser && /no client credentials user/i.test(answer.errorDescription ?? '')) {
    runAsLookup = await org.lookupRunAs(settings.runAsUser).catch(() => undefined);
  }
  return {
    settings,
    runAsLookup,
    clientIdKnown: keys && keys.length > 0 ? keys.includes(input.clientId) : undefined,
  };
}

async function expectedRunAs(run: RunState): Promise<ExpectedRunAs | undefined> {
  const { input, deps, readOrgSettings } = run;
  if (input.runAsUsernameFlag) return { username: input.runAsUsernameFlag, source: 'flag' };
  if (input.projectSettings?.runAsUser) return { username: input.projectSettings.runAsUser, source: 'project' };
  if (readOrgSettings) {
    try {
      const settings = await readOrgSettings();
      if (settings.runAsUser) return { username: settings.runAsUser, source: 'org' };
    } catch (error) {
      deps.onWarning?.(deps.redactor.redact(error instanceof Error ? error.message : String(error)));
    }
  }
  return undefined;
}

function toIso(issuedAt: string | undefined): string | undefined {
  if (!issuedAt || !/^\d+$/.test(issuedAt)) return issuedAt;
  const date = new Date(Number(issuedAt));
  return Number.isNaN(date.getTime()) ? issuedAt : date.toISOString();
}
