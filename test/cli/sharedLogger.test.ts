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

  it("makes our copy log through the CLI's root logger when the CLI has loaded the same version", async () => {
    const cli = await fakeCli(await ourCoreVersion());
    cleanups.push(cli.cleanup);
    createRequire(join(cli.root, 'package.json'))(cli.loggerPath);
    const mine = ours();
    expect(shareCliLogger(cli.root, mine)).to.equal(true);
    expect(Reflect.get(mine.Logger, 'rootLogger')).to.deep.equal({ cliRoot: true });
  });

  it('leaves our copy alone when the versions differ', async () => {
    const cli = await fakeCli('1.0.0-other');
    cleanups.push(cli.cleanup);
    createRequire(join(cli.root, 'package.json'))(cli.loggerPath);
    const mine = ours();
    expect(shareCliLogger(cli.root, mine)).to.equal(false);
    expect(Reflect.get(mine.Logger, 'rootLogger')).to.equal(undefined);
  });

  it("does not load the CLI's logger itself", async () => {
    const cli = await fakeCli(await ourCoreVersion());
    cleanups.push(cli.cleanup);
    const mine = ours();
    expect(shareCliLogger(cli.root, mine)).to.equal(false);
    expect(cli.loggerPath in createRequire(import.meta.url).cache).to.equal(false);
  });

  it('keeps a root our copy already has', async () => {
    const cli = await fakeCli(await ourCoreVersion());
    cleanups.push(cli.cleanup);
    createRequire(join(cli.root, 'package.json'))(cli.loggerPath);
    const mine = ours();
    Reflect.set(mine.Logger, 'rootLogger', { ours: true });
    expect(shareCliLogger(cli.root, mine)).to.equal(false);
    expect(Reflect.get(mine.Logger, 'rootLogger')).to.deep.equal({ ours: true });
  });

  it('does nothing when the plugin runs from its own folder (one copy), or the CLI root is not a folder', () => {
    expect(shareCliLogger(REPO_ROOT, ours())).to.equal(false);
    expect(shareCliLogger(join(tmpdir(), 'no-such-cli-root'), ours())).to.equal(false);
  });
});
