/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readFileSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Run on the CLI's copies of the libraries this plugin shares with it (issue 12).
 *
 * `sf plugins install` runs `npm install` in the CLI's data directory, so an installed plugin gets its own copies of
 * `@salesforce/core`, `@oclif/core`, sf-plugins-core and everything below them (about 1,270 modules), although the
 * CLI has the same versions loaded already. An official command uses the CLI's copies. npm would have deduplicated
 * these in one tree, because the CLI's versions satisfy this plugin's ranges; the installer only cannot, because the
 * plugin lives in a tree of its own.
 *
 * When one of this plugin's commands runs under the CLI (the `init` hook, src/hooks/shareCliModules.ts), the
 * plugin's own files (its `lib/`, nothing in its `node_modules`) import each dependency from the CLI's tree instead,
 * where the CLI's version satisfies the range in this plugin's package.json. `@salesforce/*` and `@oclif/*` hand
 * objects to one another (Org, Connection, SfError, Config, Lifecycle), so they are shared together or not at all:
 * one of them that the CLI lacks or has in a version outside the range keeps all of them the plugin's own. Any other
 * dependency is shared on its own.
 * Nothing else in the process changes: imports from other files resolve as before. `SF_ECA_SHARE_CLI_MODULES=false`
 * turns it off; without `module.registerHooks` (Node < 22.15) it is off.
 *
 * While a resolve hook is registered, every module the process loads passes through Node's hook machinery, which
 * costs time and garbage (about 9 MB of peak memory for a command, measured). So the packages every command imports
 * (`preload`) are resolved with the hook, loaded from the CLI's tree without it, and only then is the hook registered
 * for the plugin's own files and what they load later.
 */

/** Environment variable that turns sharing off (`false` or `0`). */
export const SHARE_ENV = 'SF_ECA_SHARE_CLI_MODULES';

/** Dependencies that pass objects to each other: shared together or not at all. */
const FRAMEWORK = /^@(salesforce|oclif)\//;

export type Dependency = { name: string; range: string };
export type KeptDependency = { name: string; reason: string };
export type SharingPlan = {
  /** Dependencies this plugin's files import from the CLI's tree. */
  shared: string[];
  /** Dependencies that stay the plugin's own, each with why. */
  kept: KeptDependency[];
};

export type PackageJson = { name?: string; version?: string; dependencies?: Record<string, string> };

/** A package.json, parsed; undefined when it can't be read or parsed. */
export function readPackageJson(file: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/**
 * The version of the package `name` that Node finds for a file in `fromDir`: the first `node_modules/<name>` on the
 * way up (skipping folders that are themselves `node_modules`, as Node does).
 */
export function installedVersion(name: string, fromDir: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    if (basename(dir) !== 'node_modules') {
      const pkg = readPackageJson(join(dir, 'node_modules', name, 'package.json'));
      if (pkg) return pkg.name === name ? pkg.version : undefined;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export type Satisfies = (version: string, range: string) => boolean;

/**
 * Which of `dependencies` to take from the CLI, given the CLI's version of each (undefined: the CLI has none) and
 * semver's `satisfies`.
 */
export function planSharing(
  dependencies: readonly Dependency[],
  cliVersion: (name: string) => string | undefined,
  satisfies: Satisfies
): SharingPlan {
  const kept: KeptDependency[] = [];
  const candidates: string[] = [];
  for (const { name, range } of dependencies) {
    const version = cliVersion(name);
    if (version === undefined) kept.push({ name, reason: 'the CLI has no copy' });
    else if (!satisfies(version, range)) kept.push({ name, reason: `the CLI has ${version}, this plugin needs ${range}` });
    else candidates.push(name);
  }
  const frameworkKept = kept.find((k) => FRAMEWORK.test(k.name));
  const shared: string[] = [];
  for (const name of candidates) {
    if (frameworkKept && FRAMEWORK.test(name)) kept.push({ name, reason: `shared with ${frameworkKept.name} or not at all` });
    else shared.push(name);
  }
  return { shared, kept };
}

/** One line for the log: what is shared, and what is kept and why. */
export function describePlan(plan: SharingPlan): string {
  const kept = plan.kept.map((k) => `${k.name} (${k.reason})`).join(', ');
  return `libraries shared with the CLI: ${plan.shared.join(', ') || 'none'}; the plugin's own: ${kept || 'none'}`;
}

/** The package name of a bare specifier (`@scope/name/sub/path` → `@scope/name`); undefined for anything else. */
export function packageName(specifier: string): string | undefined {
  if (/^(?:[./]|[a-z][a-z\d+.-]*:)/i.test(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? (parts.length > 1 ? `${parts[0]}/${parts[1]}` : undefined) : parts[0];
}

/** A resolve hook that resolves `names`, imported by a parent `from` accepts, as if `cliParentUrl` imported them. */
function redirect(names: ReadonlySet<string>, cliParentUrl: string, from: (parentUrl: string | undefined) => boolean): module.ResolveHookSync {
  return (specifier, context, nextResolve) => {
    const name = packageName(specifier);
    if (name !== undefined && names.has(name) && from(context.parentURL)) return nextResolve(specifier, { ...context, parentURL: cliParentUrl });
    return nextResolve(specifier, context);
  };
}

/**
 * A resolve hook that resolves the `shared` packages imported by files under `ownFilesUrl` as if `cliParentUrl`
 * imported them. Everything else resolves as before.
 */
export function sharedResolve(shared: readonly string[], ownFilesUrl: string, cliParentUrl: string): module.ResolveHookSync {
  return redirect(
    new Set(shared),
    cliParentUrl,
    (parent) => parent !== undefined && parent.startsWith(ownFilesUrl) && !parent.includes('/node_modules/', ownFilesUrl.length - 1)
  );
}

/** A registered resolve hook (what `module.registerHooks` returns, as far as this module uses it). */
export type RegisteredHook = { deregister(): void };

export type ShareOptions = {
  /** Root folder of this plugin (its package.json). */
  pluginRoot: string;
  /** This plugin's package.json, when the caller has read it already (else read from pluginRoot). */
  pluginPackage?: PackageJson;
  /** Root folder of the running CLI (its package.json). */
  cliRoot: string;
  /** Shared packages to load from the CLI's tree before the hook is registered: what every command imports. */
  preload?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Installs a resolve hook; `module.registerHooks` unless a test passes another. */
  register?: (hook: module.ResolveHookSync) => RegisteredHook;
  /** Resolves a specifier through the registered hooks (`import.meta.resolve` unless a test passes another). */
  resolve?: (specifier: string) => string;
  /** Loads a module by URL (`import()` unless a test passes another). */
  load?: (url: string) => Promise<unknown>;
};

/**
 * semver's `satisfies`: the CLI's copy, which the CLI has loaded already (oclif uses it), or this plugin's own when
 * the CLI has none from semver 7 on (`functions/satisfies`).
 */
async function semverSatisfies(cliRoot: string): Promise<Satisfies> {
  try {
    return createRequire(join(cliRoot, 'package.json'))('semver/functions/satisfies') as Satisfies;
  } catch {
    return (await import('semver/functions/satisfies.js')).default;
  }
}

/**
 * Makes this plugin's files import the libraries it shares with the running CLI from the CLI's tree (see above).
 * Returns the plan it followed, or undefined when sharing is off, impossible, or the CLI is this plugin itself.
 */
export async function shareCliModules(options: ShareOptions): Promise<SharingPlan | undefined> {
  const env = options.env ?? process.env;
  if (['false', '0'].includes((env[SHARE_ENV] ?? '').trim().toLowerCase())) return undefined;
  const register =
    options.register ??
    (typeof module.registerHooks === 'function' ? (resolve: module.ResolveHookSync): RegisteredHook => module.registerHooks({ resolve }) : undefined);
  if (!register || resolvePath(options.cliRoot) === resolvePath(options.pluginRoot)) return undefined;
  const own = options.pluginPackage ?? readPackageJson(join(options.pluginRoot, 'package.json'));
  if (!own?.dependencies) return undefined;
  const dependencies = Object.entries(own.dependencies).map(([name, range]) => ({ name, range }));
  const plan = planSharing(dependencies, (name) => installedVersion(name, options.cliRoot), await semverSatisfies(options.cliRoot));
  if (plan.shared.length === 0) return plan;
  const cliParentUrl = pathToFileURL(join(options.cliRoot, 'package.json')).href;
  const preload = (options.preload ?? []).filter((name) => plan.shared.includes(name));
  if (preload.length > 0) {
    // Resolved by Node itself (exports, conditions) as the CLI would resolve them, during these calls only.
    const resolve = options.resolve ?? ((specifier: string): string => import.meta.resolve(specifier));
    const resolving = register(redirect(new Set(preload), cliParentUrl, () => true));
    let urls: string[];
    try {
      urls = preload.map((name) => resolve(name));
    } finally {
      resolving.deregister();
    }
    const load = options.load ?? ((url: string): Promise<unknown> => import(url));
    // One after another: the order is the one the command's own imports would have.
    for (const url of urls) await load(url); // eslint-disable-line no-await-in-loop
  }
  register(sharedResolve(plan.shared, `${pathToFileURL(join(options.pluginRoot, 'lib')).href}/`, cliParentUrl));
  return plan;
}
