/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type module from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import satisfies from 'semver/functions/satisfies.js';
import {
  describePlan,
  installedVersion,
  packageName,
  planSharing,
  SHARE_ENV,
  sharedResolve,
  shareCliModules,
  type RegisteredHook,
} from '../../src/cli/sharedModules.js';
import { REPO_ROOT } from '../e2e/harness.js';

/** Writes `files` (path relative to `root` → text; objects are written as JSON). */
async function writeTree(root: string, files: Record<string, string | object>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    // eslint-disable-next-line no-await-in-loop
    await mkdir(dirname(file), { recursive: true });
    // eslint-disable-next-line no-await-in-loop
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  }
}

const pkg = (name: string, version: string, extra: object = {}): object => ({ name, version, ...extra });

describe('sharedModules', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eca-shared-modules-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  describe('installedVersion', () => {
    it('finds the first node_modules copy on the way up, as Node does, and skips folders named node_modules', async () => {
      await writeTree(dir, {
        'node_modules/a/package.json': pkg('a', '1.0.0'),
        'cli/node_modules/a/package.json': pkg('a', '2.0.0'),
        'cli/node_modules/node_modules/b/package.json': pkg('b', '9.9.9'),
        'node_modules/@s/c/package.json': pkg('@s/c', '3.1.0'),
      });
      expect(installedVersion('a', join(dir, 'cli'))).to.equal('2.0.0');
      expect(installedVersion('a', join(dir, 'elsewhere'))).to.equal('1.0.0');
      expect(installedVersion('@s/c', join(dir, 'cli', 'deep'))).to.equal('3.1.0');
      expect(installedVersion('b', join(dir, 'cli', 'node_modules'))).to.equal(undefined);
      expect(installedVersion('missing', join(dir, 'cli'))).to.equal(undefined);
    });

    it('takes no version from a folder whose package.json names another package', async () => {
      await writeTree(dir, { 'node_modules/a/package.json': pkg('not-a', '1.0.0') });
      expect(installedVersion('a', dir)).to.equal(undefined);
    });
  });

  describe('planSharing', () => {
    const deps = [
      { name: '@salesforce/core', range: '^9.4.0' },
      { name: '@oclif/core', range: '4.14.0' },
      { name: 'fast-xml-parser', range: '^5.12.1' },
    ];

    it('shares every dependency whose CLI copy satisfies its range', () => {
      const cli: Record<string, string> = { '@salesforce/core': '9.5.2', '@oclif/core': '4.14.0', 'fast-xml-parser': '5.12.1' };
      expect(planSharing(deps, (name) => cli[name], satisfies)).to.deep.equal({
        shared: ['@salesforce/core', '@oclif/core', 'fast-xml-parser'],
        kept: [],
      });
    });

    it('keeps all of @salesforce/* and @oclif/* when one of them does not fit, and still shares the rest', () => {
      const cli: Record<string, string> = { '@salesforce/core': '9.5.2', '@oclif/core': '4.15.0', 'fast-xml-parser': '5.12.1' };
      expect(planSharing(deps, (name) => cli[name], satisfies)).to.deep.equal({
        shared: ['fast-xml-parser'],
        kept: [
          { name: '@oclif/core', reason: 'the CLI has 4.15.0, this plugin needs 4.14.0' },
          { name: '@salesforce/core', reason: 'shared with @oclif/core or not at all' },
        ],
      });
    });

    it('keeps a dependency the CLI lacks, or has in an older or next-major version', () => {
      const cli: Record<string, string> = { '@salesforce/core': '9.4.0', '@oclif/core': '4.14.0' };
      expect(planSharing(deps, (name) => cli[name], satisfies).kept).to.deep.equal([{ name: 'fast-xml-parser', reason: 'the CLI has no copy' }]);
      for (const version of ['9.3.9', '10.0.0']) {
        const plan = planSharing(deps, (name) => ({ ...cli, 'fast-xml-parser': '5.12.1', '@salesforce/core': version })[name], satisfies);
        expect(plan.shared, version).to.deep.equal(['fast-xml-parser']);
      }
    });
  });

  it('describes a plan in one line for the log', () => {
    expect(describePlan({ shared: ['@salesforce/core', 'semver'], kept: [{ name: 'fast-xml-parser', reason: 'the CLI has no copy' }] })).to.equal(
      "libraries shared with the CLI: @salesforce/core, semver; the plugin's own: fast-xml-parser (the CLI has no copy)"
    );
    expect(describePlan({ shared: [], kept: [] })).to.equal("libraries shared with the CLI: none; the plugin's own: none");
  });

  describe('packageName', () => {
    it('names the package of a bare specifier and nothing else', () => {
      expect(packageName('@salesforce/core')).to.equal('@salesforce/core');
      expect(packageName('@salesforce/core/logger')).to.equal('@salesforce/core');
      expect(packageName('semver/functions/satisfies.js')).to.equal('semver');
      expect(packageName('fast-xml-parser')).to.equal('fast-xml-parser');
      for (const other of ['./x.js', '../x.js', '/abs/x.js', 'node:fs', 'file:///x.js', '@scope']) {
        expect(packageName(other), other).to.equal(undefined);
      }
    });
  });

  describe('sharedResolve', () => {
    const own = 'file:///data/node_modules/plugin/lib/';
    const cli = 'file:///cli/package.json';
    const hook = sharedResolve(['@salesforce/core', 'fast-xml-parser'], own, cli);
    const seen = (specifier: string, parentURL: string | undefined): string | undefined => {
      let asked: string | undefined;
      hook(specifier, { conditions: [], importAttributes: {}, parentURL }, (s, context) => {
        asked = context?.parentURL;
        return { url: `file:///resolved/${s}` };
      });
      return asked;
    };

    it("resolves a shared package imported by the plugin's own files as the CLI would", () => {
      expect(seen('@salesforce/core', `${own}commands/x.js`)).to.equal(cli);
      expect(seen('@salesforce/core/logger', `${own}cli/y.js`)).to.equal(cli);
      expect(seen('fast-xml-parser', `${own}metadata/xml.js`)).to.equal(cli);
    });

    it('leaves every other import as it was', () => {
      expect(seen('@salesforce/kit', `${own}x.js`)).to.equal(`${own}x.js`);
      expect(seen('./y.js', `${own}x.js`)).to.equal(`${own}x.js`);
      expect(seen('node:fs', `${own}x.js`)).to.equal(`${own}x.js`);
      const dependency = 'file:///data/node_modules/plugin/lib/node_modules/dep/index.js';
      expect(seen('@salesforce/core', dependency)).to.equal(dependency);
      expect(seen('@salesforce/core', 'file:///data/node_modules/other-plugin/lib/x.js')).to.equal(
        'file:///data/node_modules/other-plugin/lib/x.js'
      );
      expect(seen('@salesforce/core', undefined)).to.equal(undefined);
    });
  });

  describe('shareCliModules', () => {
    /** A plugin and a CLI, each with its own copy of every dependency, at the given CLI versions. */
    async function layout(cliVersions: Record<string, string>): Promise<{ pluginRoot: string; cliRoot: string }> {
      const pluginRoot = join(dir, 'data', 'node_modules', 'plugin');
      const cliRoot = join(dir, 'cli');
      const files: Record<string, object> = {
        'data/node_modules/plugin/package.json': pkg('plugin', '1.0.0', {
          dependencies: { '@salesforce/core': '^9.4.0', '@salesforce/sf-plugins-core': '13.0.3', semver: '^7.0.0' },
        }),
        'cli/package.json': pkg('cli', '2.0.0'),
      };
      for (const [name, version] of Object.entries(cliVersions)) files[`cli/node_modules/${name}/package.json`] = pkg(name, version);
      await writeTree(dir, files);
      return { pluginRoot, cliRoot };
    }

    type Step = string;
    function recorder(): { steps: Step[]; register: (hook: module.ResolveHookSync) => RegisteredHook } {
      const steps: Step[] = [];
      let n = 0;
      return {
        steps,
        register: (): RegisteredHook => {
          const id = ++n;
          steps.push(`register ${id}`);
          return { deregister: (): number => steps.push(`deregister ${id}`) };
        },
      };
    }

    it('loads what every command imports from the CLI without the hook, then sets the hook for good', async () => {
      const roots = await layout({ '@salesforce/core': '9.4.0', '@salesforce/sf-plugins-core': '13.0.3', semver: '7.8.6' });
      const { steps, register } = recorder();
      const plan = await shareCliModules({
        ...roots,
        preload: ['@salesforce/core', '@salesforce/sf-plugins-core', 'not-shared'],
        env: {},
        register,
        resolve: (specifier) => {
          steps.push(`resolve ${specifier}`);
          return `file:///cli/${specifier}`;
        },
        load: (url) => {
          steps.push(`load ${url}`);
          return Promise.resolve();
        },
      });
      expect(plan).to.deep.equal({ shared: ['@salesforce/core', '@salesforce/sf-plugins-core', 'semver'], kept: [] });
      expect(steps).to.deep.equal([
        'register 1',
        'resolve @salesforce/core',
        'resolve @salesforce/sf-plugins-core',
        'deregister 1',
        'load file:///cli/@salesforce/core',
        'load file:///cli/@salesforce/sf-plugins-core',
        'register 2',
      ]);
    });

    it("takes the plugin's package.json from the caller when it has read it already", async () => {
      const { cliRoot } = await layout({ '@salesforce/core': '9.4.0' });
      const { steps, register } = recorder();
      const plan = await shareCliModules({
        pluginRoot: join(dir, 'no-package-json-here'),
        pluginPackage: { name: 'plugin', dependencies: { '@salesforce/core': '^9.4.0' } },
        cliRoot,
        env: {},
        register,
      });
      expect(plan).to.deep.equal({ shared: ['@salesforce/core'], kept: [] });
      expect(steps).to.deep.equal(['register 1']);
    });

    it('sets no hook when nothing can be shared, and reports why', async () => {
      const roots = await layout({ '@salesforce/core': '8.0.0', '@salesforce/sf-plugins-core': '13.0.3' });
      const { steps, register } = recorder();
      const plan = await shareCliModules({ ...roots, env: {}, register });
      expect(plan?.shared).to.deep.equal([]);
      expect(plan?.kept.map((k) => k.name)).to.deep.equal(['@salesforce/core', 'semver', '@salesforce/sf-plugins-core']);
      expect(steps).to.deep.equal([]);
    });

    it(`does nothing when ${SHARE_ENV} is false or 0, or when the CLI is the plugin itself`, async () => {
      const roots = await layout({ '@salesforce/core': '9.4.0', '@salesforce/sf-plugins-core': '13.0.3' });
      for (const value of ['false', '0', ' FALSE ']) {
        const { steps, register } = recorder();
        // eslint-disable-next-line no-await-in-loop
        expect(await shareCliModules({ ...roots, env: { [SHARE_ENV]: value }, register })).to.equal(undefined);
        expect(steps).to.deep.equal([]);
      }
      const { steps, register } = recorder();
      expect(await shareCliModules({ pluginRoot: `${roots.pluginRoot}/`, cliRoot: roots.pluginRoot, env: {}, register })).to.equal(undefined);
      expect(steps).to.deep.equal([]);
      expect(await shareCliModules({ ...roots, env: { [SHARE_ENV]: 'true' }, register })).to.not.equal(undefined);
    });

    it("in a real process, the plugin's files get the CLI's copy and everything else keeps its own", async () => {
      // Each copy says whose it is; @salesforce/dep is a dependency of the plugin, other-dep is not shared.
      // Each load of a copy counts itself, to show that the preloaded module is the one the plugin's files get.
      const copy = (whose: string): string => `globalThis.loads = (globalThis.loads ?? 0) + 1;\nexport const whose = '${whose}';\n`;
      await writeTree(dir, {
        'cli/package.json': pkg('cli', '2.0.0'),
        'cli/node_modules/@salesforce/dep/package.json': pkg('@salesforce/dep', '1.2.0', { type: 'module', exports: './index.js' }),
        'cli/node_modules/@salesforce/dep/index.js': copy('cli'),
        'data/node_modules/plugin/package.json': pkg('plugin', '1.0.0', { type: 'module', dependencies: { '@salesforce/dep': '^1.0.0' } }),
        'data/node_modules/plugin/lib/index.js':
          "import { whose } from '@salesforce/dep';\nimport { whose as theirs } from 'other-dep';\nexport const result = { plugin: whose, dependency: theirs };\n",
        'data/node_modules/@salesforce/dep/package.json': pkg('@salesforce/dep', '1.0.0', { type: 'module', exports: './index.js' }),
        'data/node_modules/@salesforce/dep/index.js': copy('plugin'),
        'data/node_modules/other-dep/package.json': pkg('other-dep', '1.0.0', { type: 'module', exports: './index.js' }),
        'data/node_modules/other-dep/index.js': "export { whose } from '@salesforce/dep';\n",
      });
      const pluginRoot = join(dir, 'data', 'node_modules', 'plugin');
      const script = [
        `import { shareCliModules } from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'src', 'cli', 'sharedModules.ts')).href)};`,
        `const plan = await shareCliModules({ pluginRoot: ${JSON.stringify(pluginRoot)}, cliRoot: ${JSON.stringify(join(dir, 'cli'))}, preload: ['@salesforce/dep'], env: {} });`,
        'const preloaded = globalThis.loads;',
        `const { result } = await import(${JSON.stringify(pathToFileURL(join(pluginRoot, 'lib', 'index.js')).href)});`,
        'console.log(JSON.stringify({ plan, preloaded, result, loads: globalThis.loads }));',
      ].join('\n');
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT });
      expect(JSON.parse(stdout)).to.deep.equal({
        plan: { shared: ['@salesforce/dep'], kept: [] },
        // The CLI's copy loaded once, before the hook; then the plugin's own copy, for other-dep only.
        preloaded: 1,
        result: { plugin: 'cli', dependency: 'plugin' },
        loads: 2,
      });
    });
  });
});
