/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Logger } from '@salesforce/core';

/**
 * One log writer for the CLI and this plugin (issue 12).
 *
 * `sf plugins install` puts the plugin's dependencies beside the CLI's, so the plugin runs with its own copy of
 * `@salesforce/core`. Each copy's root logger starts its own worker thread that writes `~/.sf/sf-<date>.log` (pino's
 * thread-stream), and at exit the process waits for every such worker to drain, one after the other. An idle worker
 * looks for work once a second, so each one costs up to a second after the command has printed its result, and the
 * second worker also costs its own heap. Official commands share the CLI's copy and pay this once.
 *
 * When the CLI has already loaded a copy of the same version, the plugin's copy logs through the CLI's root logger:
 * the same file, level, secret filter and format, with one worker. `Logger` offers no public way to set its root, so
 * this sets the private static the root is kept in, only when the two copies are the same version (this plugin pins
 * the CLI's) and ours has no root yet. Anything else leaves each copy with its own root, as before.
 */

type LoggerModule = { Logger: typeof Logger };

/** The version in the package.json of `@salesforce/core` above the file `entry`. */
function coreVersion(entry: string): string | undefined {
  let dir = dirname(entry);
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@salesforce/core') return pkg.version;
    } catch {
      // not this folder
    }
    dir = dirname(dir);
  }
  return undefined;
}

/**
 * Makes this plugin's `@salesforce/core` log through the root logger of the CLI at `cliRoot` (oclif's config.root).
 * Call it before the command's first use of core (SfCommand creates its ConfigAggregator first thing in _run). True
 * when it did; false when the copies are one, differ in version, the CLI hasn't loaded its logger, or ours has a root.
 */
export function shareCliLogger(cliRoot: string, ours: LoggerModule = { Logger }): boolean {
  try {
    const cliRequire = createRequire(join(cliRoot, 'package.json'));
    const theirsPath = cliRequire.resolve('@salesforce/core/logger');
    const oursPath = createRequire(import.meta.url).resolve('@salesforce/core/logger');
    // Only a logger the CLI has loaded already: loading one here would cost what this saves.
    if (theirsPath === oursPath || !(theirsPath in cliRequire.cache)) return false;
    const version = coreVersion(oursPath);
    if (!version || coreVersion(theirsPath) !== version) return false;
    if (Reflect.get(ours.Logger, 'rootLogger') !== undefined) return false;
    const theirs = cliRequire(theirsPath) as LoggerModule;
    return Reflect.set(ours.Logger, 'rootLogger', theirs.Logger.getRoot());
  } catch {
    return false;
  }
}
