/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages, SfError } from '@salesforce/core';
import { isRequestTimeout, requestTimeoutMs } from '../org/requestTimeout.js';
import type { SecretRedactor } from '../security/redact.js';
import { terminalSafe } from '../security/terminalText.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'cli');

/**
 * The last stop of every error before sf-plugins-core renders it. The plugin documents exit codes 0, 1 and 2 (flags);
 * sf-plugins-core turns any error whose message, stack or cause mentions "TypeError" into exit 10 (undici's "fetch
 * failed" on a dropped connection) and any text shaped like a Salesforce ErrorId ("1234567890-12345 (-1234567890)")
 * into exit 20. So every error that is not a flag error becomes an SfError with exit code 1:
 * - a request timeout or a network failure gets a message naming it (not "TypeError: fetch failed");
 * - the org's ErrorId stays in the message (and in data.errorId) with a no-break space before its second part;
 * - secrets are redacted, terminal escape sequences removed, the length capped (terminalText.ts);
 * - the cause is not attached (its TypeError would change the exit code); its text is kept in the message.
 */

const ERROR_ID = /(\d{9,}-\d{3,}) \((-?\d{7,})\)/g;
const FLAG_EXIT = 2;

type OclifLike = Error & { oclif?: { exit?: number }; exitCode?: number; actions?: string[]; data?: unknown };

export function isFlagError(error: Error): boolean {
  const e = error as OclifLike;
  return e.oclif?.exit === FLAG_EXIT || e.exitCode === FLAG_EXIT;
}

/** The cause chain as text: "message | Cause: message (code)". */
function describe(error: Error): string {
  const parts = [error.message];
  let cause: unknown = error.cause;
  for (let i = 0; cause instanceof Error && i < 5; i++) {
    const code = (cause as { code?: unknown }).code;
    parts.push(`${cause.message}${typeof code === 'string' ? ` (${code})` : ''}`);
    cause = cause.cause;
  }
  return parts.filter(Boolean).join(': ');
}

function isTypeErrorChain(error: unknown): boolean {
  for (let e = error, i = 0; e instanceof Error && i < 6; i++) {
    if (e instanceof TypeError || e.name === 'TypeError') return true;
    e = e.cause;
  }
  return false;
}

/** The org's ErrorId in a text, when it has one. */
export function errorIdOf(text: string): string | undefined {
  return /ErrorId[^:]*:\s*(\S+(?: \(-?\d+\))?)/i.exec(text)?.[1] ?? new RegExp(ERROR_ID.source).exec(text)?.[0];
}

/** Name, message and extra actions for what the error is (a timeout, a lost connection, anything else). */
function classify(error: Error, actions: string[] | undefined): { name: string; message: string; actions?: string[] } {
  if (isRequestTimeout(error)) {
    return {
      name: 'RequestTimeoutError',
      message: messages.getMessage('error.RequestTimeout', [String(requestTimeoutMs() / 1000), describe(error)]),
      actions: [...(actions ?? []), ...messages.getMessages('error.RequestTimeout.actions')],
    };
  }
  if (isTypeErrorChain(error) && /fetch failed|socket|ECONN|EPIPE|ENOTFOUND|terminated/i.test(describe(error))) {
    return {
      name: 'NetworkFailureError',
      message: messages.getMessage('error.NetworkFailure', [describe(error)]),
      actions: [...(actions ?? []), ...messages.getMessages('error.NetworkFailure.actions')],
    };
  }
  const name = error.name && error.name !== 'Error' && error.name !== 'TypeError' ? error.name : 'PluginError';
  return { name, message: error instanceof SfError ? error.message : describe(error), actions };
}

/** The error's data (an object) with the org's ErrorId added, redacted. */
function dataOf(error: Error, redactor: SecretRedactor | undefined): Record<string, unknown> | undefined {
  const data: unknown = error instanceof SfError ? error.data : (error as OclifLike).data;
  const errorId = errorIdOf(describe(error));
  if (data === undefined && !errorId) return undefined;
  const base: Record<string, unknown> =
    data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : data === undefined ? {} : { value: data };
  const safe = redactor ? redactor.redactDeep(base) : base;
  return errorId ? { ...safe, errorId } : safe;
}

/** Makes `error` safe to show and sure to exit 1 (2 for flag errors, which keep their oclif details). */
export function normalizeError(error: Error, redactor?: SecretRedactor): Error {
  const clean = (text: string): string => terminalSafe(redactor ? redactor.redact(text) : text).replace(ERROR_ID, '$1\u00a0($2)');
  if (isFlagError(error)) {
    const flagError = error;
    flagError.message = clean(error.message);
    if (error.stack) flagError.stack = clean(error.stack);
    return flagError;
  }
  const own = (error as OclifLike).actions;
  const { name, message, actions } = classify(error, Array.isArray(own) ? own : undefined);
  const normalized = new SfError(clean(message).replace(/\bTypeError\b/g, 'Type error'), name, actions?.map(clean), 1);
  const data = dataOf(error, redactor);
  if (data) normalized.setData(data as Parameters<SfError['setData']>[0]);
  if (error instanceof SfError && error.context) normalized.context = error.context;
  return normalized;
}
