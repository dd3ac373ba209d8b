/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, runNode, type CliResult, type RunOptions } from '../e2e/harness.js';

/**
 * The real Salesforce CLI for the end-to-end suite: the version pinned in test/sf-cli/cli/package-lock.json,
 * installed there with `npm ci` the first time and reused while the installed version matches the pin.
 */

const CLI_DIR = join(REPO_ROOT, 'test', 'sf-cli', 'cli');
const SF_RUN_JS = join(CLI_DIR, 'node_modules', '@salesforce', 'cli', 'bin', 'run.js');

export function pinnedVersion(): string {
  const pkg = JSON.parse(readFileSync(join(CLI_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  return pkg.dependencies['@salesforce/cli'];
}

function installedVersion(): string | undefined {
  const pkgPath = join(CLI_DIR, 'node_modules', '@salesforce', 'cli', 'package.json');
  if (!existsSync(pkgPath)) return undefined;
  return (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
}

/** Installs the pinned CLI unless it is already there; returns its version. */
export async function ensureSfCli(): Promise<string> {
  const wanted = pinnedVersion();
  if (installedVersion() !== wanted) {
    // npm runs under this process's Node (>= 22.19), so the CLI's own install scripts get a Node it supports.
    const npmCli = process.env.npm_execpath;
    const [cmd, args] = npmCli
      ? [process.execPath, [npmCli, 'ci', '--no-audit', '--no-fund', '--loglevel=error']]
      : ['npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']];
    await promisify(execFile)(cmd, args, {
      cwd: CLI_DIR,
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
      maxBuffer: 64 * 1024 * 1024,
    });
  }
  const got = installedVersion();
  if (got !== wanted) throw new Error(`expected @salesforce/cli ${wanted} in ${CLI_DIR}, found ${got ?? 'nothing'}`);
  return got;
}

/** Runs the real `sf <args>` with the harness environment (private HOME, no telemetry or update checks). */
export function runSf<T = unknown>(args: string[], options: RunOptions): Promise<CliResult<T>> {
  return runNode<T>([SF_RUN_JS, ...args], {
    ...options,
    env: {
      // sf spawns `sf` for some hooks: let it find the pinned one, and the Node running the tests.
      PATH: `${join(CLI_DIR, 'node_modules', '.bin')}:${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      ...options.env,
    },
    timeoutMs: options.timeoutMs ?? 180_000,
  });
}

/** npm under this process's Node (>= 22.19): the one `npm run` started, else the first on PATH. */
function npm(args: string[], cwd: string): Promise<{ stdout: string }> {
  const npmCli = process.env.npm_execpath;
  const [cmd, cmdArgs] = npmCli ? [process.execPath, [npmCli, ...args]] : ['npm', args];
  return promisify(execFile)(cmd, cmdArgs, {
    cwd,
    env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/**
 * `npm pack` of this repository into `dir` (its prepack builds lib/ and the manifest): exactly the files a user
 * gets from the registry. Returns the tarball's path.
 */
export async function packPlugin(dir: string): Promise<string> {
  const { stdout } = await npm(['pack', '--pack-destination', dir, '--json', '--loglevel=error'], REPO_ROOT);
  const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>;
  return join(dir, filename);
}

/**
 * Installs a packed plugin the way README says users install it: `sf plugins install`, which runs
 * `npm install --omit dev` of the package into sf's data directory (~/.local/share/sf), production dependencies only.
 * The tarball is allow-listed in unsignedPluginAllowList.json, as a user answers the "isn't signed by Salesforce"
 * prompt once (the file is what sf documents for unattended installs).
 */
export async function installPlugin(tarball: string, options: RunOptions): Promise<CliResult> {
  const spec = `file:${tarball}`;
  const configDir = join(options.home, '.config', 'sf');
  await mkdir(configDir, { recursive: true });
  await writeFile(join(configDir, 'unsignedPluginAllowList.json'), JSON.stringify([spec]));
  return runSf(['plugins', 'install', spec], { ...options, timeoutMs: options.timeoutMs ?? 300_000 });
}
