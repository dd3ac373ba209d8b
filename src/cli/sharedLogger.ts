/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Logger } from '@salesforce/core';
import { readPackageJson } from './sharedModules.js';

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
    const pkg = readPackageJson(join(dir, 'package.json'));
    if (pkg?.name === '@salesforce/core') return pkg.version;
    dir = dirname(dir);
  }
  return undefined;
}

const LOGGER_FILE = /[\\/]@salesforce[\\/]core[\\/]lib[\\/]logger[\\/]logger\.js$/;

/**
 * Makes this plugin's `@salesforce/core` log through the root logger of another copy of the same version that the
 * process has loaded already (the CLI's; one that has made its root first). Call it before this plugin's copy makes
 * its root: when the command's module loads (sf-plugins-core makes it on the first ConfigAggregator, in `_run` or in
 * the help's default for --target-org). True when it did; false when there is no such copy or ours has a root.
 */
export function shareCliLogger(ours: LoggerModule = { Logger }, loadedModules?: readonly string[]): boolean {
  try {
    // Shared libraries (sharedModules.ts) leave nothing to do: ours is then the CLI's, whose root exists.
    if (Reflect.get(ours.Logger, 'rootLogger') !== undefined) return false;
    const load = createRequire(import.meta.url);
    const loaded = loadedModules ?? Object.keys(load.cache);
    const oursPath = load.resolve('@salesforce/core/logger');
    const version = coreVersion(oursPath);
    if (!version) return false;
    // Only copies already loaded: loading one here would cost what this saves.
    const copies = loaded
      .filter((path) => LOGGER_FILE.test(path) && path !== oursPath && coreVersion(path) === version)
      .map((path) => load(path) as LoggerModule)
      .filter((copy) => typeof copy.Logger?.getRoot === 'function');
    const theirs = copies.find((copy) => Reflect.get(copy.Logger, 'rootLogger') !== undefined) ?? copies[0];
    if (!theirs) return false;
    return Reflect.set(ours.Logger, 'rootLogger', theirs.Logger.getRoot());
  } catch {
    return false;
  }
}
