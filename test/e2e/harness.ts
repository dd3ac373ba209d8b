/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * End-to-end harness: runs the compiled plugin (bin/run.js, built by `npm test` before mocha) in a child process,
 * with a private HOME so no test ever reads or writes a user's real sf logins.
 */

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RUN_JS = join(REPO_ROOT, 'bin', 'run.js');

export type CliResult<T = unknown> = {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Parsed stdout when it is JSON (runs with --json), else undefined. */
  json?: {
    [key: string]: unknown;
    status: number;
    result?: T;
    warnings?: unknown[];
    name?: string;
    message?: string;
    actions?: string[];
    exitCode?: number;
  };
};

export type RunOptions = {
  cwd: string;
  /** Private HOME for sf state (~/.sf, ~/.sfdx). */
  home: string;
  env?: Record<string, string>;
  /** Text written to the child's stdin (then closed). */
  input?: string;
  timeoutMs?: number;
};

/** The environment every child gets: private HOME, no telemetry or update checks, plain (non-TTY) output. */
export function cliEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('SF_') || key.startsWith('SFDX_')) delete env[key];
  }
  return {
    ...env,
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    SF_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_DISABLE_LOG_FILE: 'false',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    ...extra,
  };
}

/** Runs `bin/run.js <args>` with the Node running the tests (>= 22.19). */
export function runCli<T = unknown>(args: string[], options: RunOptions): Promise<CliResult<T>> {
  return runNode<T>([RUN_JS, ...args], options);
}

/** Runs `node <args>` (a script or bin/run.js) with the harness environment. */
export function runNode<T = unknown>(args: string[], options: RunOptions): Promise<CliResult<T>> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: cliEnv(options.home, options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      let json: CliResult<T>['json'];
      try {
        json = JSON.parse(stdout) as CliResult<T>['json'];
      } catch {
        json = undefined;
      }
      resolvePromise({ exitCode, stdout, stderr, json });
    });
    child.stdin.end(options.input ?? '');
  });
}

export type TempProject = {
  /** Folder holding sfdx-project.json. */
  dir: string;
  /** Private HOME for the CLI. */
  home: string;
  /** Removes both folders. */
  cleanup: () => Promise<void>;
};

/** Creates a temporary SFDX project (force-app default package, sourceApiVersion 66.0) and a private HOME. */
export async function makeProject(options: { sourceApiVersion?: string; packageDirs?: string[] } = {}): Promise<TempProject> {
  const base = await mkdtemp(join(tmpdir(), 'eca-e2e-'));
  const dir = join(base, 'project');
  const home = join(base, 'home');
  const packageDirs = options.packageDirs ?? ['force-app'];
  await mkdir(home, { recursive: true });
  await Promise.all(packageDirs.map((pkg) => mkdir(join(dir, pkg), { recursive: true })));
  await writeFile(
    join(dir, 'sfdx-project.json'),
    JSON.stringify(
      {
        packageDirectories: packageDirs.map((path, i) => ({ path, default: i === 0 })),
        name: 'e2e',
        namespace: '',
        sfdcLoginUrl: 'https://login.salesforce.com',
        sourceApiVersion: options.sourceApiVersion ?? '66.0',
      },
      null,
      2
    )
  );
  return { dir, home, cleanup: () => rm(base, { recursive: true, force: true }) };
}
