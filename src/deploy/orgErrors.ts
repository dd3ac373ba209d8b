/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages, SfError } from '@salesforce/core';
import { errorCodeOf } from '../org/orgApi.js';
import { isRequestTimeout, requestTimeoutMs } from '../org/requestTimeout.js';
import { DeployWaitExceeded } from './metadataDeploy.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

/**
 * Turns what an org call throws into one of our errors, each with what to do: expired session, HTTP 500, network
 * failure, --wait exceeded, anything else. The original error is NOT attached as `cause`: sf-plugins-core turns any
 * TypeError in the cause chain (undici's `fetch failed`) into exit code 10; this command documents 0/1 only, so a
 * network failure exits 1 like every other failure, with its text kept in the message.
 */

export type OrgErrorContext = { targetOrg: string };

/**
 * A duplicate OAuth policy (one per app): orgs word it `DUPLICATE_VALUE: ExtlClntAppOauthSettingsId duplicates value
 * on ...` or `duplicate value found: ExternalClientApplicationId duplicates value on ...` (eca-metadata.md section 11).
 */
const DUPLICATE_VALUE = /duplicate value found|DUPLICATE_VALUE|duplicates value on/i;

/** What to do about a component failure, for the problems the reference knows (eca-metadata.md section 11). */
export function componentAdvice(problem: string): string {
  if (/enableExternalClientApps|client apps aren.t enabled/i.test(problem)) return messages.getMessage('advice.ecaDisabled');
  if (/valid execution user/i.test(problem)) return messages.getMessage('advice.executionUser');
  if (/names are already taken/i.test(problem)) return messages.getMessage('advice.preAuthorizationTaken');
  if (DUPLICATE_VALUE.test(problem)) return messages.getMessage('advice.duplicatePolicy');
  if (problem.includes('depends on permission(s)')) return messages.getMessage('advice.permissionDependency');
  if (/user license doesn.t allow the permission/i.test(problem)) return messages.getMessage('advice.licensePermission');
  if (/Unknown user permission/i.test(problem)) return messages.getMessage('advice.unknownPermission');
  if (/permission sets? called/i.test(problem)) return messages.getMessage('advice.permissionSets');
  if (problem.includes('oauthLink')) return messages.getMessage('advice.oauthLink');
  if (/invalid at this location|Element .* invalid/i.test(problem)) return messages.getMessage('advice.unknownElement');
  return messages.getMessage('advice.generic');
}

export function toOrgError(e: unknown, context: OrgErrorContext): SfError {
  if (e instanceof SfError && OUR_ERRORS.has(e.name)) return e as SfError;
  if (e instanceof DeployWaitExceeded) {
    return messages.createError('error.DeployWaitExceeded', [e.deployId], [e.deployId, context.targetOrg]);
  }
  if (isRequestTimeout(e)) {
    return messages.createError('error.OrgTimeout', [context.targetOrg, String(requestTimeoutMs() / 1000)]);
  }
  const text = describe(e);
  const code = errorCodeOf(e) ?? '';
  if (code.includes('INVALID_SESSION_ID') || /INVALID_SESSION_ID|Session expired or invalid/i.test(text)) {
    return messages.createError('error.SessionExpired', [context.targetOrg], [context.targetOrg]);
  }
  if (isNetworkFailure(e, text)) {
    return messages.createError('error.OrgUnreachable', [context.targetOrg, firstLine(text)]);
  }
  if (/UNKNOWN_EXCEPTION|ERROR_HTTP_5\d\d|\b50[0-4]\b|Internal Server Error/i.test(`${code} ${text}`)) {
    return messages.createError('error.OrgServer', [firstLine(text)]);
  }
  return messages.createError('error.OrgRequestFailed', [firstLine(text)]);
}

/** Errors built from our messages file pass through unchanged. */
const OUR_ERRORS = new Set([
  'ProfileNotFoundError',
  'PermissionSetsMissingAfterDeployError',
  'UsernameTakenError',
  'UserRejectedError',
  'SandboxUsernameAmbiguousError',
  'UsernameNotEmailError',
  'LicenseLimitExceededError',
  'DeployWaitExceededError',
  'SessionExpiredError',
  'OrgUnreachableError',
  'OrgServerError',
  'OrgRequestFailedError',
  'OrgTimeoutError',
  'UserBeingCreatedError',
  'InvalidProjectFileError',
]);

function describe(e: unknown): string {
  if (e instanceof Error) {
    const parts = [e.message];
    let cause: unknown = (e as { cause?: unknown }).cause;
    for (let i = 0; cause && i < 5; i++) {
      if (cause instanceof Error) parts.push(`${cause.name}: ${cause.message}`);
      cause = cause instanceof Error ? (cause as { cause?: unknown }).cause : undefined;
    }
    return parts.join(' | ');
  }
  return String(e);
}

function isNetworkFailure(e: unknown, text: string): boolean {
  if (/fetch failed|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ENOTFOUND|socket hang up|other side closed|UND_ERR_SOCKET|network socket disconnected|terminated/i.test(text)) {
    return true;
  }
  let cause: unknown = e;
  for (let i = 0; cause && i < 5; i++) {
    if (cause instanceof TypeError) return true;
    cause = cause instanceof Error ? (cause as { cause?: unknown }).cause : undefined;
  }
  return false;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0].trim();
  return line.length > 400 ? `${line.slice(0, 400)}…` : line;
}
