/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Logger } from '@salesforce/core';
import { shareCliLogger } from '../../src/cli/sharedLogger.js';
import { REPO_ROOT } from '../e2e/harness.js';

/** The version of the @salesforce/core this plugin runs with. */
async function ourCoreVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'node_modules', '@salesforce', 'core', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** A CLI root with its own copy of @salesforce/core (only the logger module), at `version`. */
async function fakeCli(version: string): Promise<{ root: string; loggerPath: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'eca-fake-cli-'));
  const core = join(root, 'node_modules', '@salesforce', 'core');
  await mkdir(join(core, 'lib', 'logger'), { recursive: true });
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'fake-cli', version: '1.0.0' }));
  await writeFile(
    join(core, 'package.json'),
    JSON.stringify({ name: '@salesforce/core', version, main: 'lib/index.js', exports: { '.': './lib/index.js', './logger': './lib/logger/logger.js' } })
  );
  const loggerPath = join(core, 'lib', 'logger', 'logger.js');
  await writeFile(
    loggerPath,
    "'use strict';\nconst root = { cliRoot: true };\nclass Logger { static getRoot() { return root; } }\nexports.Logger = Logger;\n"
  );
  return { root, loggerPath, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** A stand-in for this plugin's Logger class, whose root is not yet made. */
const ours = (): { Logger: typeof Logger } => ({ Logger: class {} as unknown as typeof Logger });

describe('cli/sharedLogger', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((c) => c()));
  });

  /** A fake CLI copy of core at `version`, its logger module loaded. */
  const loadedCli = async (version: string): Promise<{ loggerPath: string; cliRoot: unknown }> => {
    const cli = await fakeCli(version);
    cleanups.push(cli.cleanup);
    const module = createRequire(join(cli.root, 'package.json'))(cli.loggerPath) as { Logger: { getRoot: () => unknown } };
    return { loggerPath: cli.loggerPath, cliRoot: module.Logger.getRoot() };
  };

  it("makes our copy log through the CLI's root logger when the CLI has loaded the same version", async () => {
    const cli = await loadedCli(await ourCoreVersion());
    const mine = ours();
    expect(shareCliLogger(mine, [cli.loggerPath])).to.equal(true);
    expect(Reflect.get(mine.Logger, 'rootLogger')).to.equal(cli.cliRoot);
  });

  it('finds the copy among the modules the process has loaded', async () => {
    const cli = await loadedCli(await ourCoreVersion());
    const mine = ours();
    expect(shareCliLogger(mine)).to.equal(true);
    expect(Reflect.get(mine.Logger, 'rootLogger')).to.equal(cli.cliRoot);
  });

  it('leaves our copy alone when the versions differ', async () => {
    const cli = await loadedCli('1.0.0-other');
    const mine = ours();
    expect(shareCliLogger(mine, [cli.loggerPath])).to.equal(false);
    expect(Reflect.get(mine.Logger, 'rootLogger')).to.equal(undefined);
  });

  it('keeps a root our copy already has', async () => {
    const cli = await loadedCli(await ourCoreVersion());
    const mine = ours();
    Reflect.set(mine.Logger, 'rootLogger', { ours: true });
    expect(shareCliLogger(mine, [cli.loggerPath])).to.equal(false);
    expect(Reflect.get(mine.Logger, 'rootLogger')).to.deep.equal({ ours: true });
  });

  it('does nothing when the only copy loaded is our own (the plugin run from its folder)', () => {
    const ownLogger = createRequire(import.meta.url).resolve('@salesforce/core/logger');
    expect(shareCliLogger(ours(), [ownLogger])).to.equal(false);
    expect(shareCliLogger(ours(), [])).to.equal(false);
  });
});
