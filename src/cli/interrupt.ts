/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { writeSync } from 'node:fs';
import { Messages } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'cli');

/**
 * One mechanism for Ctrl-C and SIGTERM in every command. sf-plugins-core's own signal listener calls
 * `this.exit(130)` inside the listener, which throws an uncaught ExitError (a stack trace, empty --json stdout, temp
 * files left behind). Ours is prepended, so it runs first and ends the process itself, synchronously:
 * - runs every registered cleanup (e.g. deploy's staging folder), synchronously;
 * - prints one line naming the signal and what was done (registered reporters), on stderr (with --json: one JSON
 * error object on stdout, status 130, data.done);
 * - exits 130.
 * Modules register with onInterrupt (a cleanup and/or a reporter) and unregister when their work is over.
 */

export type InterruptEntry = {
  /** Synchronous cleanup (rmSync...): there is no event loop left after the handler. */
  cleanup?: () => void;
  /** Lines saying what was done (or is in flight) so far. */
  report?: () => string[];
};

const entries = new Set<InterruptEntry>();
let installed: { json: boolean } | undefined;

export const INTERRUPT_EXIT_CODE = 130;
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Registers a cleanup and/or reporter; returns the function that unregisters it. */
export function onInterrupt(entry: InterruptEntry): () => void {
  entries.add(entry);
  return () => {
    entries.delete(entry);
  };
}

/** Installs the handler for this process (idempotent; the last call decides the output format). */
export function installInterruptHandler(options: { json: boolean }): void {
  if (installed) {
    installed.json = options.json;
    return;
  }
  installed = { json: options.json };
  for (const signal of SIGNALS) process.prependListener(signal, () => handleInterrupt(signal));
}

/** What the handler prints and exits with (exported for tests: it does not exit). */
export function interruptOutput(signal: string, json: boolean): { stdout: string; stderr: string; done: string[] } {
  const done: string[] = [];
  for (const entry of entries) {
    try {
      done.push(...(entry.report?.() ?? []));
    } catch {
      // a reporter must not keep the process from ending
    }
  }
  const message = done.length
    ? messages.getMessage('interrupted.done', [signal, done.join('; ')])
    : messages.getMessage('interrupted', [signal]);
  if (json) {
    const error = {
      status: INTERRUPT_EXIT_CODE,
      name: 'InterruptedError',
      message,
      exitCode: INTERRUPT_EXIT_CODE,
      code: String(INTERRUPT_EXIT_CODE),
      data: { signal, done },
      warnings: [],
    };
    return { stdout: JSON.stringify(error, null, 2) + '\n', stderr: '', done };
  }
  return { stdout: '', stderr: `\n${message}\n`, done };
}

/** Runs the cleanups (each once, failures ignored). */
export function runCleanups(): void {
  for (const entry of [...entries]) {
    try {
      entry.cleanup?.();
    } catch {
      // best effort: the process is ending
    }
  }
}

function handleInterrupt(signal: string): never {
  const output = interruptOutput(signal, installed?.json ?? false);
  runCleanups();
  entries.clear();
  if (process.stderr.isTTY) output.stderr = `\u001b[?25h${output.stderr}`; // progress displays hide the cursor
  if (output.stdout) writeSync(1, output.stdout);
  if (output.stderr) writeSync(2, output.stderr);
  process.exit(INTERRUPT_EXIT_CODE);
}
