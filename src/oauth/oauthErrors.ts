/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { isAbsolute, relative } from 'node:path';
import { Messages, SfError } from '@salesforce/core';
import type { AppOauthSettings } from '../appSettings/appSettings.js';
import type { OAuthErrorResponse, TransportFailure } from './tokenClient.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.test');

/**
 * THE place where a Salesforce OAuth error is mapped to its cause and fix.
 *
 * Each row of OAUTH_ERROR_TABLE matches a token endpoint answer (`error`, `error_description`, HTTP status; from
 * oauth-client-credentials.md section 3) and names a diagnosis. The diagnosis key is the message key in
 * messages/eca.clientcreds.test.md: `# error.<Key>` is the message, `# error.<Key>.actions` the fix. Rows are tried in
 * order; the first match wins; an answer no row matches is shown verbatim with its HTTP status (UnknownOAuthError).
 * To add a mapping: add a row here, add the two message entries, add a case to test/oauth/oauthErrors.test.ts.
 */

/** What is known when diagnosing, beyond the answer itself. Everything optional makes the diagnosis more precise. */
export type DiagnosisContext = {
  /** Host the token request went to. */
  tokenHost: string;
  appName?: string;
  /** The consumer key/secret were read from the org (so the key is the app's real key). */
  credentialsFromOrg?: boolean;
  /** --wait in minutes; when > 0, an invalid_client_id that is still there at the deadline is a PropagationTimeout. */
  waitMinutes?: number;
  /** The app's settings, from the org (preferred) or the project files. */
  settings?: AppOauthSettings;
  /**
   * With --client-id and --target-org: whether the key given is one of the app's consumer keys in the org
   * (true: the key is right, so invalid_client_id means propagation; false: wrong key).
   */
  clientIdKnown?: boolean;
  /** The policy's Run As value looked up in the org (only with --target-org). */
  runAsLookup?: RunAsLookup;
  /** Clock for the "deployed recently" check. */
  now?: number;
};

export type RunAsLookup = {
  value: string;
  /** A user with this Username exists. */
  exists: boolean;
  active?: boolean;
  /** No user has this Username, but this user has it as Email. */
  usernameForEmail?: string;
};

export type Diagnosis = {
  /** Message key without the "error." prefix; also the error name (+ "Error"). */
  key: string;
  tokens: string[];
  actionTokens: string[];
  /** Worth retrying under --wait (propagation delay). */
  retryable: boolean;
  /** The answer as Salesforce sent it, for the verbatim line and --json. */
  answer: string;
};

type Match = {
  /** OAuth `error` value(s); omitted = any. */
  error?: string | readonly string[];
  /** Pattern for `error_description`; omitted = any. */
  description?: RegExp;
  /** Status predicate; omitted = any. */
  status?: (status: number) => boolean;
};

type Verdict = { key: string; tokens?: string[]; actionTokens?: string[]; retryable?: boolean };

export type OAuthErrorRow = Match & {
  /** One line: why Salesforce answers this. */
  cause: string;
  diagnose: (answer: OAuthErrorResponse, ctx: DiagnosisContext) => Verdict;
};

/** How long after an app change `invalid_client_id` is still plausibly propagation (reference: up to 30 min). */
export const PROPAGATION_WINDOW_MS = 30 * 60_000;

export const OAUTH_ERROR_TABLE: readonly OAuthErrorRow[] = [
  {
    error: ['invalid_grant', 'unknown_error'],
    description: /request not supported on this domain|retry your request/i,
    // An HTTP 5xx answer is Salesforce failing, whatever its text: the host is right (issue 13).
    status: (s) => s < 500,
    cause: 'The request went to a host that is not the org My Domain (login/test.salesforce.com, a Setup or Lightning host).',
    diagnose: (a, ctx) => ({ key: 'WrongHost', tokens: [ctx.tokenHost] }),
  },
  {
    error: 'invalid_grant',
    description: /no client credentials user enabled/i,
    cause: 'The OAuth policy has no Run As user, or it names a user by name/email instead of Username.',
    diagnose: (a, ctx) => runAsVerdict(ctx),
  },
  {
    error: 'invalid_client_id',
    cause: 'The consumer key is unknown on this host: wrong key or org, or the app was created moments ago.',
    diagnose: (a, ctx) => clientIdVerdict(ctx),
  },
  {
    error: 'invalid_client',
    description: /app must be installed/i,
    cause: 'API Access Control or the uninstalled-app restriction blocks the app.',
    diagnose: (a, ctx) => ({ key: 'AppNotInstalled', tokens: [appLabel(ctx)] }),
  },
  {
    error: 'invalid_client',
    cause: 'The key is known but the secret is wrong (or was just rotated and has not propagated).',
    diagnose: (a, ctx) =>
      ctx.credentialsFromOrg
        ? { key: 'SecretNotPropagated', tokens: [appLabel(ctx)], retryable: true }
        : { key: 'WrongSecret', tokens: [appLabel(ctx)] },
  },
  {
    error: 'invalid_app_access',
    cause: 'Permitted users is "Admin approved users are pre-authorized" and the Run As user has none of the listed profiles/permission sets.',
    diagnose: (a, ctx) => ({
      key: 'NotAdminApproved',
      tokens: [runAsLabel(ctx), appLabel(ctx)],
      actionTokens: [
        joinOrDash(ctx.settings?.policyProfiles),
        joinOrDash(ctx.settings?.policyPermissionSets),
      ],
    }),
  },
  {
    error: 'invalid_grant',
    description: /no valid scopes/i,
    cause: 'The app has only scopes the flow drops (Full, Web, RefreshToken) and not Api.',
    diagnose: (a, ctx) => ({ key: 'NoValidScopes', tokens: [appLabel(ctx), ctx.settings?.scopes?.join(', ') ?? fragment('unknown')] }),
  },
  {
    error: 'oauth_flow_disabled',
    cause: 'ExtlClntAppConfigurablePolicies isEnabled or isOauthPluginEnabled is false.',
    diagnose: (a, ctx) => appDisabledVerdict(ctx),
  },
  {
    error: ['unsupported_grant_type', 'unauthorized_client'],
    cause: 'The client credentials switch is off on the OAuth policy and/or the global OAuth settings (sources disagree on the code).',
    diagnose: (a, ctx) => flowDisabledVerdict(ctx),
  },
  {
    error: 'invalid_grant',
    description: /client credentials?.*not (enabled|allowed|supported)|flow not enabled/i,
    cause: 'The client credentials switch is off on the OAuth policy and/or the global OAuth settings.',
    diagnose: (a, ctx) => flowDisabledVerdict(ctx),
  },
  {
    error: 'invalid_grant',
    description: /ip restricted|login hours/i,
    cause: 'The Run As user profile login IP ranges/hours, or the policy IP relaxation "Enforce", exclude this caller.',
    diagnose: (a, ctx) => ({ key: 'IpRestricted', tokens: [runAsLabel(ctx)] }),
  },
  {
    error: ['inactive_user', 'invalid_grant'],
    description: /inactive|frozen/i,
    cause: 'The Run As user is inactive (or frozen).',
    diagnose: (a, ctx) => ({ key: 'InactiveUser', tokens: [runAsLabel(ctx)] }),
  },
  {
    error: 'inactive_user',
    cause: 'The Run As user is inactive.',
    diagnose: (a, ctx) => ({ key: 'InactiveUser', tokens: [runAsLabel(ctx)] }),
  },
  {
    error: 'inactive_org',
    cause: 'The org is locked, closed or suspended.',
    diagnose: (a, ctx) => ({ key: 'InactiveOrg', tokens: [ctx.tokenHost] }),
  },
  {
    error: 'rate_limit_exceeded',
    cause: 'Too many logins for this user in a short time.',
    diagnose: () => ({ key: 'RateLimited' }),
  },
  {
    error: 'invalid_basic_auth_header',
    cause: 'The Basic authorization header could not be decoded.',
    diagnose: () => ({ key: 'InvalidBasicAuthHeader' }),
  },
  {
    error: ['server_error', 'service_unavailable', 'system_down'],
    cause: 'Salesforce had a temporary problem.',
    diagnose: (a) => ({ key: 'ServerUnavailable', tokens: [String(a.status)], retryable: true }),
  },
  {
    status: (s) => s >= 500,
    cause: 'Salesforce had a temporary problem (any HTTP 5xx answer, e.g. 500 unknown_error).',
    diagnose: (a) => ({ key: 'ServerUnavailable', tokens: [String(a.status)], retryable: true }),
  },
  {
    status: (s) => s >= 300 && s < 400,
    cause: 'The host redirects token requests (a renamed My Domain, a proxy); redirects are not followed with a secret.',
    diagnose: (a, ctx) => ({ key: 'TokenEndpointRedirected', tokens: [ctx.tokenHost, a.location ?? fragment('unknownLocation')] }),
  },
];

/**
 * Answers of the REST call made with a new token (identity check), by REST `errorCode` (oauth-client-credentials.md
 * section 3, last rows). `API_DISABLED_FOR_ORG` "The REST API is not enabled for this Organization." means the Run As
 * user may not use the API at all (no "API Enabled"), unlike INVALID_SESSION_ID (the token is not valid for REST).
 */
export type RestErrorRow = { errorCode: string; cause: string; key: string };

export const REST_ERROR_TABLE: readonly RestErrorRow[] = [
  {
    errorCode: 'API_DISABLED_FOR_ORG',
    cause: 'The Run As user lacks "API Enabled" (profile or permission set), so the token cannot call any API.',
    key: 'RunAsApiDisabled',
  },
];

/** Maps a failed REST call with a new token to a diagnosis, when the table knows its errorCode. */
export function diagnoseRestError(
  answer: { status: number; errorCode?: string; message?: string; request?: string },
  ctx: Pick<DiagnosisContext, 'runAsLookup' | 'settings'> & { runAsUsername?: string }
): Diagnosis | undefined {
  const row = REST_ERROR_TABLE.find((r) => r.errorCode === answer.errorCode);
  if (!row) return undefined;
  const runAs = ctx.runAsUsername ?? ctx.runAsLookup?.value ?? ctx.settings?.runAsUser ?? fragment('runAsUser');
  return {
    key: row.key,
    tokens: [runAs],
    actionTokens: [runAs],
    retryable: false,
    answer: `HTTP ${answer.status} ${answer.errorCode ?? ''}: ${answer.message ?? ''}`.trim(),
  };
}

/** Finds the row for an answer (exported for tests and docs). */
export function findRow(answer: OAuthErrorResponse): OAuthErrorRow | undefined {
  return OAUTH_ERROR_TABLE.find((row) => matches(row, answer));
}

/** Maps a token endpoint error answer to a diagnosis. */
export function diagnoseOAuthError(answer: OAuthErrorResponse, ctx: DiagnosisContext): Diagnosis {
  const row = findRow(answer);
  const verdict: Verdict = row
    ? row.diagnose(answer, ctx)
    : answer.error
    ? { key: 'UnknownOAuthError', tokens: [String(answer.status), answer.error, answer.errorDescription ?? ''] }
    : { key: 'UnexpectedTokenResponse', tokens: [String(answer.status), answer.bodySnippet ?? fragment('emptyBody')] };
  return {
    key: verdict.key,
    tokens: verdict.tokens ?? [],
    actionTokens: verdict.actionTokens ?? [],
    retryable: verdict.retryable ?? false,
    answer: describeAnswer(answer),
  };
}

/** Maps a failure to reach the token endpoint (DNS, refused, TLS, timeout) to a diagnosis. */
export function diagnoseTransportFailure(failure: TransportFailure, ctx: DiagnosisContext): Diagnosis {
  return failure.kind === 'timeout'
    ? { key: 'TokenRequestTimeout', tokens: [ctx.tokenHost], actionTokens: [], retryable: false, answer: failure.message }
    : {
        key: 'TokenEndpointUnreachable',
        tokens: [ctx.tokenHost, failure.message],
        actionTokens: [],
        retryable: false,
        answer: failure.message,
      };
}

/** "HTTP 400 invalid_grant: no client credentials user enabled" */
export function describeAnswer(answer: OAuthErrorResponse): string {
  if (answer.error) {
    return `HTTP ${answer.status} ${answer.error}${answer.errorDescription ? `: ${answer.errorDescription}` : ''}`;
  }
  return `HTTP ${answer.status}${answer.bodySnippet ? `: ${answer.bodySnippet}` : ''}`;
}

/**
 * The SfError for a diagnosis: name `<Key>Error`, the diagnosis message followed by Salesforce's verbatim answer,
 * the actions, exit code 1. `redact` must scrub anything echoed from the server.
 */
export function diagnosisError(diagnosis: Diagnosis, redact: (text: string) => string = (t: string): string => t): SfError {
  const error = messages.createError(
    `error.${diagnosis.key}`,
    diagnosis.tokens.map(redact),
    diagnosis.actionTokens.map(redact)
  );
  const answer = redact(diagnosis.answer);
  if (answer) error.message = `${error.message}\n${messages.getMessage('info.ServerAnswer', [answer])}`;
  error.setData({ diagnosis: diagnosis.key, serverAnswer: answer, retryable: diagnosis.retryable });
  return error;
}

function matches(row: Match, answer: OAuthErrorResponse): boolean {
  if (row.error !== undefined) {
    const codes: readonly string[] = typeof row.error === 'string' ? [row.error] : row.error;
    if (!answer.error || !codes.includes(answer.error)) return false;
  }
  if (row.description && !row.description.test(answer.errorDescription ?? '')) return false;
  if (row.status && !row.status(answer.status)) return false;
  return row.error !== undefined || row.status !== undefined;
}

function joinOrDash(values: string[] | undefined): string {
  return values && values.length > 0 ? values.join(', ') : '-';
}

/** A piece of text that goes into a message token (also from the messages file). */
function fragment(name: string, ...tokens: string[]): string {
  return messages.getMessage(`fragment.${name}`, tokens);
}

/** The Run As username when known (looked up in the org, or from the policy), else a neutral phrase. */
function runAsLabel(ctx: DiagnosisContext): string {
  return ctx.runAsLookup?.value ?? ctx.settings?.runAsUser ?? fragment('runAsUser');
}

function appLabel(ctx: DiagnosisContext): string {
  return ctx.appName ?? fragment('app');
}

/** Where to fix a type: the project file (relative to the current folder) or the org component name. */
function location(ctx: DiagnosisContext, type: keyof AppOauthSettings['locations'], fallback: string): string {
  const where = ctx.settings?.locations[type];
  if (!where) return fallback;
  return isAbsolute(where) ? relative(process.cwd(), where) || where : where;
}

function policyLocation(ctx: DiagnosisContext): string {
  return location(ctx, 'ExtlClntAppOauthConfigurablePolicies', fragment('policyOf', appLabel(ctx)));
}

function globalLocation(ctx: DiagnosisContext): string {
  return location(ctx, 'ExtlClntAppGlobalOauthSettings', fragment('globalOf', appLabel(ctx)));
}

function runAsVerdict(ctx: DiagnosisContext): Verdict {
  const lookup = ctx.runAsLookup;
  if (lookup?.usernameForEmail) {
    return { key: 'RunAsEmailNotUsername', tokens: [lookup.value, lookup.usernameForEmail], actionTokens: [lookup.usernameForEmail, policyLocation(ctx)] };
  }
  if (lookup && !lookup.exists) {
    return { key: 'RunAsUserNotFound', tokens: [lookup.value], actionTokens: [policyLocation(ctx)] };
  }
  if (ctx.settings?.locations.ExtlClntAppOauthConfigurablePolicies && !ctx.settings.runAsUser) {
    return { key: 'RunAsUserMissing', tokens: [policyLocation(ctx)], actionTokens: [policyLocation(ctx)] };
  }
  return { key: 'NoRunAsUser', tokens: [appLabel(ctx)], actionTokens: [policyLocation(ctx)] };
}

function clientIdVerdict(ctx: DiagnosisContext): Verdict {
  if (ctx.clientIdKnown === false) {
    return { key: 'ClientIdMismatch', tokens: [appLabel(ctx)] };
  }
  if (ctx.waitMinutes && ctx.waitMinutes > 0) {
    return { key: 'PropagationTimeout', tokens: [String(ctx.waitMinutes), ctx.tokenHost], retryable: true };
  }
  const settings = ctx.settings?.source === 'org' ? ctx.settings : undefined;
  if (settings && !settings.appFound) {
    return { key: 'UnknownClientIdAppMissing', tokens: [ctx.tokenHost, appLabel(ctx)], retryable: true };
  }
  const modified = settings?.appLastModified ? Date.parse(settings.appLastModified) : NaN;
  const recent = !Number.isNaN(modified) && (ctx.now ?? Date.now()) - modified < PROPAGATION_WINDOW_MS;
  if (ctx.credentialsFromOrg === true || ctx.clientIdKnown === true || recent) {
    return { key: 'PropagationDelay', tokens: [appLabel(ctx), ctx.tokenHost], retryable: true };
  }
  return { key: 'UnknownClientId', tokens: [ctx.tokenHost], retryable: true };
}

function flowDisabledVerdict(ctx: DiagnosisContext): Verdict {
  const s = ctx.settings;
  const globalOff = s?.globalCcEnabled === false;
  const policyOff = s?.policyCcEnabled === false;
  const source = fragment(s?.source === 'org' ? 'sourceOrg' : 'sourceProject');
  if (globalOff && policyOff) {
    return { key: 'FlowDisabledInBoth', tokens: [appLabel(ctx), source], actionTokens: [globalLocation(ctx), policyLocation(ctx)] };
  }
  if (globalOff) {
    return { key: 'FlowDisabledInGlobalSettings', tokens: [appLabel(ctx), source], actionTokens: [globalLocation(ctx)] };
  }
  if (policyOff) {
    return { key: 'FlowDisabledInPolicy', tokens: [appLabel(ctx), source], actionTokens: [policyLocation(ctx)] };
  }
  return { key: 'FlowDisabled', tokens: [appLabel(ctx)], actionTokens: [globalLocation(ctx), policyLocation(ctx)] };
}

function appDisabledVerdict(ctx: DiagnosisContext): Verdict {
  const s = ctx.settings;
  const where = location(ctx, 'ExtlClntAppConfigurablePolicies', fragment('appPoliciesOf', appLabel(ctx)));
  const off = [s?.appEnabled === false ? 'isEnabled' : undefined, s?.oauthPluginEnabled === false ? 'isOauthPluginEnabled' : undefined].filter(
    (v): v is string => v !== undefined
  );
  return {
    key: 'AppDisabled',
    tokens: [appLabel(ctx), off.length > 0 ? off.join(' + ') : 'isEnabled | isOauthPluginEnabled'],
    actionTokens: [where],
  };
}
