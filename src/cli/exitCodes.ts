/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages } from '@salesforce/core';
import { toHelpSection } from '@salesforce/sf-plugins-core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'cli');

/** Exit code of an interrupted run (Ctrl-C / SIGTERM, interrupt.ts). */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * The ERROR CODES section of a command's --help, laid out as the official plugins do ("Succeeded (0)": what it
 * means): the command's own meaning of 0 and 1 (`errorCodes.success` and `errorCodes.failure` of its message bundle),
 * the codes every command shares (2 flags, 130 interrupted: commandError.ts and interrupt.ts), and any code of its
 * own (audit's `{ 'Findings (3)': ... }`).
 */
export function exitCodesHelp(
  bundle: { getMessage(key: string): string },
  extra: Record<string, string> = {}
): ReturnType<typeof toHelpSection> {
  return toHelpSection('ERROR CODES', {
    [messages.getMessage('exitCode.label.success')]: bundle.getMessage('errorCodes.success'),
    [messages.getMessage('exitCode.label.failure')]: bundle.getMessage('errorCodes.failure'),
    [messages.getMessage('exitCode.label.flags')]: messages.getMessage('exitCode.flags'),
    ...extra,
    [messages.getMessage('exitCode.label.interrupted', [String(INTERRUPTED_EXIT_CODE)])]: messages.getMessage('exitCode.interrupted'),
  });
}
