/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages, type SfError } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'cli');

/** Default `--client-secret-env` of test and login: the name the sf CLI proposal uses (plugin-auth#1539). */
export const DEFAULT_SECRET_ENV = 'SF_CLIENT_SECRET';

/**
 * API version of a token's REST calls when no --target-org or --api-version says one (test and login): the first
 * with every client credentials field.
 */
export const TOKEN_API_VERSION = '60.0';

/** Flag errors exit 2, as oclif's own. */
const FLAG_EXIT = 2;

/**
 * `--client-secret-env` of test and login: the name of an environment variable, or a flag error (exit 2). Checked
 * before the variable is read, so a typo never falls back to another variable or to a prompt.
 */
export function checkSecretEnvName(name: string): void {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return;
  const error: SfError = messages.createError('error.InvalidSecretEnv', [name]);
  error.exitCode = FLAG_EXIT;
  throw error;
}

/**
 * The --target-org value as typed (an alias stays an alias), in every form oclif accepts: `-o x`, `--target-org x`,
 * `--target-org=x`, `-ox`, `-o=x`. Undefined when the flag is not on the command line (a configured default).
 */
export function targetOrgArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') return undefined;
    if (arg === '-o' || arg === '--target-org') return argv[i + 1];
    const joined = /^(?:--target-org=|-o=?)(.+)$/.exec(arg);
    if (joined) return joined[1];
  }
  return undefined;
}

/** A value as one shell word: as it is when it is plainly safe, else in single quotes. */
export function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}
