/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEmulator, type Emulator } from '../emulator/src/index.js';
import { DEFAULT_PERMISSION_DEPENDENCIES } from '../emulator/src/userPermissions.js';
import { makeProject, REPO_ROOT, type CliResult, type RunOptions } from '../test/e2e/harness.js';
import { ensureSfCli, installPlugin, packPlugin, runSf } from '../test/sf-cli/sfCli.js';

/**
 * `npm run bench`: the plugin as users run it (packed, `sf plugins install`ed into a private HOME of the pinned sf
 * CLI), side by side with comparable official commands of the same CLI. Median of RUNS paired runs (the two commands
 * of a pair alternate which goes first); ratios are plugin median / official median.
 * 1. start-up: wall time, peak RSS and modules loaded (one extra run with a loader hook that lists them);
 * 2. the full setup at LATENCY ms per request: `sf eca clientcreds deploy` against the manual path with sf commands;
 * 3. `test`: requests and time to a verified token against the floor (minimum round trips x latency).
 * A script, not a test: numbers vary by machine; nothing here asserts a time.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** A packed plugin to measure instead of this work tree's `npm pack` (e.g. an earlier version, for before/after). */
const TARBALL = process.env.BENCH_TARBALL;
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 50);
const APP = 'Bench_Integration';
const RUN_AS = 'bench.integration@example.com';
const PEAK_RSS = join(REPO_ROOT, 'scripts', 'bench', 'peakRss.mjs');
const MODULES = join(REPO_ROOT, 'scripts', 'bench', 'moduleCount.mjs');
/** Nothing listens on port 9 of the loopback: a connection fails at once, without DNS or network. */
const DEAD_HOST = 'https://127.0.0.1:9';

type Sample = { ms: number; requests?: number; peakMb?: number };
type Invocation = { args: string[]; env?: Record<string, string>; exit?: number; prepare?: () => Promise<void> };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function withFile<T>(run: (file: string) => Promise<T>): Promise<[T, string]> {
  const dir = await mkdtemp(join(tmpdir(), 'eca-bench-out-'));
  const file = join(dir, 'out');
  try {
    const result = await run(file);
    return [result, await readFile(file, 'utf8').catch(() => '')];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function check(result: CliResult, exit = 0): void {
  if (result.exitCode !== exit) {
    throw new Error(`benchmark step exited ${String(result.exitCode)}, expected ${exit}:\n${result.stdout}\n${result.stderr}`);
  }
}

/** One timed `sf` run: wall time and the peak RSS over every Node process it started. */
async function measure(inv: Invocation, opts: RunOptions): Promise<Sample & { result: CliResult }> {
  await inv.prepare?.();
  const start = performance.now();
  const [result, rss] = await withFile((file) =>
    runSf(inv.args, { ...opts, env: { ...opts.env, ...inv.env, NODE_OPTIONS: `--import=${PEAK_RSS}`, BENCH_RSS_FILE: file } })
  );
  const ms = performance.now() - start;
  check(result, inv.exit);
  const peaks = rss.split('\n').filter(Boolean).map(Number);
  return { ms, peakMb: peaks.length ? Math.max(...peaks) / 1024 : undefined, result };
}

/** The modules one `sf` run loads: total, and those loaded from the plugin's install (sf's data directory). */
async function modules(inv: Invocation, opts: RunOptions, dataDir: string): Promise<{ total: number; plugin: Map<string, number> }> {
  await inv.prepare?.();
  const [result, list] = await withFile((file) =>
    runSf(inv.args, { ...opts, env: { ...opts.env, ...inv.env, NODE_OPTIONS: `--import=${MODULES}`, BENCH_MODULES_FILE: file } })
  );
  check(result, inv.exit);
  const urls = [...new Set(list.split('\n').filter(Boolean))];
  const plugin = new Map<string, number>();
  for (const url of urls.filter((u) => u.includes(dataDir))) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url.slice(url.indexOf(dataDir)))?.[1] ?? '?';
    plugin.set(pkg, (plugin.get(pkg) ?? 0) + 1);
  }
  return { total: urls.length, plugin };
}

const generateArgs = ['eca', 'clientcreds', 'generate', '--name', APP, '--contact-email', 'admin@example.com', '--run-as-username', RUN_AS];

// ---------- 1. start-up ----------
async function startup(home: string, base: string): Promise<string[]> {
  const project = join(base, 'bench');
  check(await runSf(['project', 'generate', '--name', 'bench', '--output-dir', base, '--json'], { cwd: base, home }));
  const opts = { cwd: project, home };
  const first = await runSf<{ files: Array<{ path: string }> }>([...generateArgs, '--json'], opts);
  check(first);
  // Paths in the result are absolute; resolve() keeps them so (join() would nest them under the project).
  const generated = (first.json?.result as { files: Array<{ path: string }> }).files.map((f) => resolve(project, f.path));
  let n = 0;
  const pairs: Array<{ name: string; plugin: Invocation; official: Invocation; officialName: string }> = [
    {
      name: '`sf eca clientcreds generate` (fresh files)',
      plugin: {
        args: generateArgs,
        prepare: async (): Promise<void> => {
          // Not force: every run before this one wrote these files, so a path that is not there is a bench bug.
          await Promise.all(generated.map((f) => rm(f)));
        },
      },
      officialName: '`sf project generate`',
      official: { args: [] }, // set before each run below: project generate needs a new name each time
    },
    {
      name: '`sf eca clientcreds deploy --help`',
      plugin: { args: ['eca', 'clientcreds', 'deploy', '--help'] },
      officialName: '`sf project deploy start --help`',
      official: { args: ['project', 'deploy', 'start', '--help'] },
    },
    {
      name: '`sf eca clientcreds test`, unreachable host',
      plugin: {
        args: ['eca', 'clientcreds', 'test', '--client-id', 'FAKE-KEY-bench', '--instance-url', DEAD_HOST, '--run-as-username', RUN_AS, '--no-prompt'],
        env: { SF_CLIENT_SECRET: 'bench-secret' },
        exit: 1,
      },
      officialName: '`sf org login access-token`, unreachable host',
      official: {
        args: ['org', 'login', 'access-token', '--instance-url', DEAD_HOST, '--no-prompt'],
        env: { SF_ACCESS_TOKEN: '00D000000000001AAA!FAKE.bench' },
        exit: 1,
      },
    },
  ];
  // project generate needs a new name each run.
  const officialGenerate = pairs[0].official;
  officialGenerate.prepare = (): Promise<void> => {
    officialGenerate.args = ['project', 'generate', '--name', `p${n++}`, '--output-dir', join(base, 'generated')];
    return Promise.resolve();
  };
  const dataDir = join(home, '.local', 'share', 'sf', 'node_modules');
  const table = [
    `| Start-up under \`sf\` (${RUNS} paired runs) | median s | peak MB | modules (plugin's own copies) | vs official: time | memory | modules |`,
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const notes: string[] = [];
  for (const pair of pairs) {
    const p: Sample[] = [];
    const o: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      /* eslint-disable no-await-in-loop */
      if (i % 2 === 0) {
        p.push(await measure(pair.plugin, opts));
        o.push(await measure(pair.official, opts));
      } else {
        o.push(await measure(pair.official, opts));
        p.push(await measure(pair.plugin, opts));
      }
      /* eslint-enable no-await-in-loop */
    }
    /* eslint-disable no-await-in-loop */
    const pm = await modules(pair.plugin, opts, dataDir);
    const om = await modules(pair.official, opts, dataDir);
    /* eslint-enable no-await-in-loop */
    const ms = (xs: Sample[]): number => median(xs.map((x) => x.ms));
    const mb = (xs: Sample[]): number => median(xs.map((x) => x.peakMb ?? 0));
    const own = [...pm.plugin.values()].reduce((a, b) => a + b, 0);
    table.push(
      `| ${pair.name} | ${(ms(p) / 1000).toFixed(2)} | ${mb(p).toFixed(0)} | ${pm.total} (${own}) | **${(ms(p) / ms(o)).toFixed(2)}** | **${(
        mb(p) / mb(o)
      ).toFixed(2)}** | ${(pm.total / om.total).toFixed(2)} |`,
      `| ${pair.officialName} | ${(ms(o) / 1000).toFixed(2)} | ${mb(o).toFixed(0)} | ${om.total} | | | |`
    );
    const top = [...pm.plugin.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
    notes.push(`- ${pair.name}: plugin's own copies: ${top.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  return [...table, '', ...notes];
}

// ---------- 2. full setup ----------
type Org = { emu: Emulator; dir: string; cleanup: () => Promise<void> };

/** A fresh org (emulator at LATENCY ms) and project with the generated files; sf logged in to it as alias emu. */
async function freshOrg(home: string): Promise<Org> {
  const emu = await startEmulator({ latencyMs: LATENCY });
  const project = await makeProject();
  const opts = { cwd: project.dir, home };
  const login = await runSf(['org', 'login', 'access-token', '--instance-url', emu.instanceUrl, '--no-prompt', '--alias', 'emu'], {
    ...opts,
    env: { SF_ACCESS_TOKEN: emu.admin.accessToken },
  });
  check(login);
  check(await runSf(generateArgs, opts));
  emu.control.clearRequestLog();
  return { emu, dir: project.dir, cleanup: project.cleanup };
}

async function pluginDeploy(home: string): Promise<Sample> {
  const { emu, dir, cleanup } = await freshOrg(home);
  try {
    const s = await measure({ args: ['eca', 'clientcreds', 'deploy', '--name', APP, '--target-org', 'emu', '--json'] }, { cwd: dir, home });
    return { ...s, requests: emu.control.requestLog().length };
  } finally {
    await emu.stop();
    await cleanup();
  }
}

/**
 * What a person does without the plugin, for the same files: the permissions the org says View All Data depends on
 * added to the profile by hand (not timed; the plugin adds them itself), then deploy the profile and the access
 * permission set, look up the profile's Id, create the user, assign the permission set, deploy the app.
 */
async function manualDeploy(home: string): Promise<Sample> {
  const { emu, dir: cwd, cleanup } = await freshOrg(home);
  const dir = 'force-app/main/default';
  const profileFile = join(cwd, dir, 'profiles', `${APP} Integration.profile-meta.xml`);
  const needed = DEFAULT_PERMISSION_DEPENDENCIES.filter(([permission]) => permission === 'ViewAllData').map(([, required]) => required);
  const extra = needed.map((name) => `    <userPermissions>\n        <enabled>true</enabled>\n        <name>${name}</name>\n    </userPermissions>\n`).join('');
  await writeFile(profileFile, (await readFile(profileFile, 'utf8')).replace('</Profile>', `${extra}</Profile>`));
  const steps: Array<(profileId: string) => string[]> = [
    (): string[] => ['project', 'deploy', 'start', '--source-dir', `${dir}/profiles`, '--source-dir', `${dir}/permissionsets`, '--wait', '10', '--target-org', 'emu', '--json'],
    (): string[] => ['data', 'query', '-q', `SELECT Id FROM Profile WHERE Name='${APP} Integration'`, '--target-org', 'emu', '--json'],
    (profileId): string[] => [
      'data', 'create', 'record', '--sobject', 'User', '--target-org', 'emu', '--json', '--values',
      `Username=${RUN_AS} LastName=Integration Email=admin@example.com Alias=benchint ProfileId=${profileId} ` +
        'TimeZoneSidKey=America/Los_Angeles LocaleSidKey=en_US EmailEncodingKey=UTF-8 LanguageLocaleKey=en_US',
    ],
    (): string[] => ['org', 'assign', 'permset', '--name', `${APP}_Access`, '--on-behalf-of', RUN_AS, '--target-org', 'emu', '--json'],
    (): string[] => ['project', 'deploy', 'start', '--wait', '10', '--target-org', 'emu', '--json',
      ...['externalClientApps', 'extlClntAppGlobalOauthSets', 'extlClntAppOauthSettings', 'extlClntAppPolicies', 'extlClntAppOauthPolicies']
        .flatMap((f) => ['--source-dir', `${dir}/${f}`])],
  ];
  try {
    let ms = 0;
    let peakMb = 0;
    let profileId = '';
    for (const step of steps) {
      // eslint-disable-next-line no-await-in-loop
      const s = await measure({ args: step(profileId) }, { cwd, home });
      ms += s.ms;
      peakMb = Math.max(peakMb, s.peakMb ?? 0);
      const records = (s.result.json?.result as { records?: Array<{ Id: string }> } | undefined)?.records;
      if (records?.[0]) profileId = records[0].Id;
    }
    return { ms, peakMb, requests: emu.control.requestLog().length };
  } finally {
    await emu.stop();
    await cleanup();
  }
}

async function fullSetup(home: string): Promise<string[]> {
  const plugin: Sample[] = [];
  const manual: Sample[] = [];
  const runs = Math.max(3, Math.ceil(RUNS / 2));
  for (let i = 0; i < runs; i++) {
    /* eslint-disable no-await-in-loop */
    plugin.push(await pluginDeploy(home));
    manual.push(await manualDeploy(home));
    /* eslint-enable no-await-in-loop */
  }
  const row = (name: string, xs: Sample[]): string =>
    `| ${name} | ${(median(xs.map((x) => x.ms)) / 1000).toFixed(2)} | ${median(xs.map((x) => x.requests ?? 0))} | ${median(
      xs.map((x) => x.peakMb ?? 0)
    ).toFixed(0)} |`;
  const ratio = median(plugin.map((x) => x.ms)) / median(manual.map((x) => x.ms));
  return [
    `| Full setup at ${LATENCY} ms/request (${runs} runs) | median s | requests | peak MB |`,
    '|---|---:|---:|---:|',
    row('`sf eca clientcreds deploy`', plugin),
    row('manual: 2x `sf project deploy start` + `sf data query` + `sf data create record` + `sf org assign permset`', manual),
    `| plugin / manual wall time | **${ratio.toFixed(2)}** | | |`,
  ];
}

// ---------- 3. test ----------
async function tokenTest(home: string): Promise<string[]> {
  const { emu, dir, cleanup } = await freshOrg(home);
  const opts = { cwd: dir, home };
  try {
    check(await runSf(['eca', 'clientcreds', 'deploy', '--name', APP, '--target-org', 'emu'], opts));
    const creds = emu.control.getAppCredentials({ app: APP });
    if (!creds) throw new Error('no app credentials after deploy');
    const modes: Array<{ name: string; args: string[]; env?: Record<string, string>; floorTrips: number }> = [
      {
        name: '`test --client-id` (secret from env)',
        args: ['--client-id', creds.consumerKey, '--instance-url', emu.instanceUrl, '--run-as-username', RUN_AS, '--json'],
        env: { SF_CLIENT_SECRET: creds.consumerSecret },
        floorTrips: 2, // token + one call that proves identity and API access
      },
      {
        name: '`test --name --target-org` (credentials from the org)',
        args: ['--name', APP, '--target-org', 'emu', '--json'],
        floorTrips: 5, // usage + credentials list + key and secret, then token + one call
      },
    ];
    emu.control.setSetting({ name: 'enableClientSecretInRestApiAccess', value: true });
    emu.control.grantPermission({ username: emu.admin.username, permission: 'ViewClientSecret' });
    emu.control.grantPermission({ username: emu.admin.username, permission: 'ExternalClientAppDeveloper' });
    const lines = [
      `| \`test\` at ${LATENCY} ms/request (${RUNS} runs) | median s (process) | median s (in command) | requests | floor requests | floor s |`,
      '|---|---:|---:|---:|---:|---:|',
    ];
    for (const mode of modes) {
      const samples: Sample[] = [];
      const inCommand: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        /* eslint-disable no-await-in-loop */
        emu.control.clearRequestLog();
        const s = await measure({ args: ['eca', 'clientcreds', 'test', ...mode.args], env: mode.env }, opts);
        samples.push({ ...s, requests: emu.control.requestLog().length });
        inCommand.push((s.result.json?.result as { elapsedMs?: number } | undefined)?.elapsedMs ?? Number.NaN);
        /* eslint-enable no-await-in-loop */
      }
      lines.push(
        `| ${mode.name} | ${(median(samples.map((x) => x.ms)) / 1000).toFixed(2)} | ${(median(inCommand) / 1000).toFixed(2)} | ${median(
          samples.map((x) => x.requests ?? 0)
        )} | ${mode.floorTrips} | ${((mode.floorTrips * LATENCY) / 1000).toFixed(2)} |`
      );
    }
    return lines;
  } finally {
    await emu.stop();
    await cleanup();
  }
}

const started = performance.now();
const base = await mkdtemp(join(tmpdir(), 'eca-bench-'));
try {
  const sfVersion = await ensureSfCli();
  const home = join(base, 'home');
  const install = await installPlugin(TARBALL ?? (await packPlugin(base)), { cwd: base, home });
  check(install);
  const sections = [await startup(home, base), await fullSetup(home), await tokenTest(home)];
  process.stdout.write(`\n${sections.map((s) => s.join('\n')).join('\n\n')}\n\n`);
  process.stdout.write(
    `sf ${sfVersion}, Node ${process.version}, ${RUNS} runs, latency ${LATENCY} ms; took ${((performance.now() - started) / 1000).toFixed(0)} s.\n`
  );
} finally {
  await rm(base, { recursive: true, force: true });
}
