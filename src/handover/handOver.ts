/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { type HandoverFields, type HandoverFormat, jsonFields, renderHandover } from './handoverFormats.js';
import { checkSecretFile, writeSecretFile } from './secretFile.js';

/**
 * Where the hand-over goes, shared by `credentials` and `rotate`. The secret goes only where the user asked for it:
 * the file named by --output-file (mode 0600, see secretFile.ts) or, with --show-secret, the command's output.
 * Without either, the result carries everything except the secret (and the secret need not even be read).
 */

export type HandoverOptions = {
  format: HandoverFormat;
  outputFile?: string;
  force: boolean;
  showSecret: boolean;
};

export type HandoverResult = {
  format: HandoverFormat;
  /** Absolute path of the file written, if any. */
  outputFile?: string;
  /** The file replaced an existing one (--force). */
  replacedFile?: boolean;
  /** The secret was written to outputFile. */
  secretWritten: boolean;
  /** The secret is in this output (--show-secret). */
  secretShown: boolean;
  /** Every hand-over field; clientSecret only with --show-secret. */
  credentials: Record<string, string>;
  /** The rendered format with the secret, only with --show-secret (what a consumer pastes). */
  shown?: string;
};

/** Whether the secret must be read at all. */
export function secretWanted(options: HandoverOptions): boolean {
  return Boolean(options.outputFile) || options.showSecret;
}

/** Every check of the output file, before anything is read or changed (throws the file error). */
export async function checkHandoverTarget(options: HandoverOptions): Promise<void> {
  if (options.outputFile) await checkSecretFile({ path: options.outputFile, force: options.force });
}

/** Writes the file (if asked) and builds the result; `fields.clientSecret` must be set when secretWanted(). */
export async function handOver(fields: HandoverFields, options: HandoverOptions): Promise<HandoverResult> {
  const withoutSecret: HandoverFields = { ...fields, clientSecret: undefined };
  const result: HandoverResult = {
    format: options.format,
    secretWritten: false,
    secretShown: false,
    credentials: jsonFields(options.showSecret ? fields : withoutSecret),
  };
  if (options.outputFile) {
    const written = await writeSecretFile({ path: options.outputFile, force: options.force }, renderHandover(options.format, fields));
    result.outputFile = written.path;
    result.replacedFile = written.exists;
    result.secretWritten = fields.clientSecret !== undefined;
  }
  if (options.showSecret) {
    result.secretShown = fields.clientSecret !== undefined;
    result.shown = renderHandover(options.format, fields);
  }
  return result;
}
