/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { Connection, Org } from '@salesforce/core';
import { SfCommand } from '@salesforce/sf-plugins-core';
import { withRequestTimeout } from '../org/requestTimeout.js';
import { SecretRedactor } from '../security/redact.js';
import { terminalSafe } from '../security/terminalText.js';
import { installInterruptHandler } from './interrupt.js';
import { shareCliLogger } from './sharedLogger.js';
import { normalizeError } from './commandError.js';

// Installed beside the CLI, this plugin logs through the CLI's root logger: one log worker thread instead of two
// (sharedLogger.ts). Done when the commands' base loads, before anything of this plugin's copy of core makes a root.
shareCliLogger();

/**
 * The base of every `sf eca clientcreds` command: what each command must get right, in one place.
 * - Ctrl-C / SIGTERM: exit 130 with one line (a JSON error object with --json), cleanups run (interrupt.ts).
 * - Errors: exit 1 (2 for flags) whatever the cause, secrets redacted, org text made terminal-safe (commandError.ts).
 * - Org connections: every request has a timeout (orgConnection, requestTimeout.ts).
 * - Warnings: org text in them is made terminal-safe and redacted.
 */
export abstract class EcaCommand<T> extends SfCommand<T> {
  /** Secrets this run handles; everything shown goes through it. */
  protected readonly redactor = new SecretRedactor();

  /** A connection of `org` whose every request has a timeout (SF_ECA_REQUEST_TIMEOUT). */
  protected static orgConnection(org: Org, apiVersion?: string): Connection {
    return withRequestTimeout(org.getConnection(apiVersion));
  }

  public warn(input: SfCommand.Warning): SfCommand.Warning {
    const safe = (text: string): string => terminalSafe(this.redactor.redact(text));
    return super.warn(typeof input === 'string' ? safe(input) : { ...input, message: safe(input.message) });
  }

  protected async init(): Promise<void> {
    installInterruptHandler({ json: this.jsonEnabled() });
    await super.init();
  }

  protected async catch(error: Error & { exitCode?: number }): Promise<never> {
    return super.catch(normalizeError(error, this.redactor));
  }
}
