/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEmulator, type Emulator } from '../emulator/src/index.js';
import { makeProject, REPO_ROOT, runCli, runNode, RUN_JS, type CliResult, type RunOptions, type TempProject } from '../test/e2e/harness.js';
import { loginToEmulator } from '../test/e2e/orgLogin.js';
import { ensureSfCli, runSf } from '../test/sf-cli/sfCli.js';

/**
 * `npm run bench`: how fast the plugin is, as a table (median of RUNS runs; ratios measured side by side in one run).
 * 1. start-up: `generate` cold against `bin/run.js --version` and `node -e 0`;
 * 2. the full setup at LATENCY ms per request: this plugin's `deploy` against the manual path with the real sf CLI;
 * 3. `test`: requests and time to a verified token against the floor (minimum round trips x latency).
 * A script, not a test: numbers vary by machine; nothing here asserts a time.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 50);
const APP = 'Bench_Integration';
const RUN_AS = 'bench.integration@example.com';
const PEAK_RSS = join(REPO_ROOT, 'scripts', 'bench', 'peakRss.mjs');

type Sample = { ms: number; requests?: number; peakMb?: number };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs one measured command; returns wall time, and the peak RSS over every Node process it started. */
async function measure(
  run: (opts: RunOptions) => Promise<CliResult>,
  opts: RunOptions
): Promise<Sample & { result: CliResult }> {
  const dir = await mkdtemp(join(tmpdir(), 'eca-bench-rss-'));
  const rssFile = join(dir, 'rss');
  const start = performance.now();
  const result = await run({
    ...opts,
    env: { ...opts.env, NODE_OPTIONS: `--import=${PEAK_RSS}`, BENCH_RSS_FILE: rssFile },
  });
  const ms = performance.now() - start;
  const rss = await readFile(rssFile, 'utf8').catch(() => '');
  await rm(dir, { recursive: true, force: true });
  const peaks = rss.split('\n').filter(Boolean).map(Number);
  if (result.exitCode !== 0) {
    throw new Error(`benchmark step failed (exit ${String(result.exitCode)}):\n${result.stdout}\n${result.stderr}`);
  }
  return { ms, peakMb: peaks.length ? Math.max(...peaks) / 1024 : undefined, result };
}

const generateArgs = ['eca', 'clientcreds', 'generate', '--name', APP, '--contact-email', 'admin@example.com', '--run-as-username', RUN_AS];

// ---------- 1. start-up ----------
async function startup(): Promise<string[]> {
  const rows: Record<string, number[]> = { node: [], version: [], generate: [] };
  for (let i = 0; i < RUNS; i++) {
    // Interleaved, so a slow moment of the machine hits all three alike.
    /* eslint-disable no-await-in-loop */
    const project = await makeProject();
    const opts = { cwd: project.dir, home: project.home };
    rows.node.push((await measure((o) => runNode(['-e', '0'], o), opts)).ms);
    rows.version.push((await measure((o) => runNode([RUN_JS, '--version'], o), opts)).ms);
    rows.generate.push((await measure((o) => runCli(generateArgs, o), opts)).ms);
    await project.cleanup();
    /* eslint-enable no-await-in-loop */
  }
  const floor = median(rows.version);
  return [
    '| Start-up (cold process) | median ms | vs `--version` |',
    '|---|---:|---:|',
    `| \`node -e 0\` | ${median(rows.node).toFixed(0)} | ${(median(rows.node) / floor).toFixed(2)} |`,
    `| \`bin/run.js --version\` (floor) | ${floor.toFixed(0)} | 1.00 |`,
    `| \`eca clientcreds generate\` (fresh project) | ${median(rows.generate).toFixed(0)} | ${(median(rows.generate) / floor).toFixed(2)} |`,
  ];
}

// ---------- 2. full setup ----------
type Org = { emu: Emulator; project: TempProject };

/** A fresh org (emulator at LATENCY ms) and project with the generated files; both CLIs logged in as alias emu. */
async function freshOrg(withSf: boolean): Promise<Org> {
  const emu = await startEmulator({ latencyMs: LATENCY });
  const project = await makeProject();
  const opts = { cwd: project.dir, home: project.home };
  if (withSf) {
    const login = await runSf(['org', 'login', 'access-token', '--instance-url', emu.instanceUrl, '--no-prompt', '--alias', 'emu'], {
      ...opts,
      env: { SF_ACCESS_TOKEN: emu.admin.accessToken },
    });
    if (login.exitCode !== 0) throw new Error(`sf org login access-token failed: ${login.stderr}`);
  } else {
    await loginToEmulator(emu, project.home, 'emu');
  }
  const gen = await runCli(generateArgs, opts);
  if (gen.exitCode !== 0) throw new Error(`generate failed: ${gen.stderr}`);
  emu.control.clearRequestLog();
  return { emu, project };
}

async function pluginDeploy(): Promise<Sample> {
  const { emu, project } = await freshOrg(false);
  try {
    const s = await measure((o) => runCli(['eca', 'clientcreds', 'deploy', '--name', APP, '--target-org', 'emu', '--json'], o), {
      cwd: project.dir,
      home: project.home,
    });
    return { ...s, requests: emu.control.requestLog().length };
  } finally {
    await emu.stop();
    await project.cleanup();
  }
}

/** What a person does without the plugin: deploy the profile, look up its Id, create the user, deploy the app. */
async function manualDeploy(): Promise<Sample> {
  const { emu, project } = await freshOrg(true);
  const opts = { cwd: project.dir, home: project.home };
  const dir = 'force-app/main/default';
  const steps: Array<(profileId: string) => string[]> = [
    (): string[] => ['project', 'deploy', 'start', '--source-dir', `${dir}/profiles`, '--wait', '10', '--target-org', 'emu', '--json'],
    (): string[] => ['data', 'query', '-q', `SELECT Id FROM Profile WHERE Name='${APP} Integration'`, '--target-org', 'emu', '--json'],
    (profileId): string[] => [
      'data', 'create', 'record', '--sobject', 'User', '--target-org', 'emu', '--json', '--values',
      `Username=${RUN_AS} LastName=Integration Email=admin@example.com Alias=benchint ProfileId=${profileId} ` +
        'TimeZoneSidKey=America/Los_Angeles LocaleSidKey=en_US EmailEncodingKey=UTF-8 LanguageLocaleKey=en_US',
    ],
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
      const s = await measure((o) => runSf(step(profileId), o), opts);
      ms += s.ms;
      peakMb = Math.max(peakMb, s.peakMb ?? 0);
      const records = (s.result.json?.result as { records?: Array<{ Id: string }> } | undefined)?.records;
      if (records?.[0]) profileId = records[0].Id;
    }
    return { ms, peakMb, requests: emu.control.requestLog().length };
  } finally {
    await emu.stop();
    await project.cleanup();
  }
}

async function fullSetup(): Promise<string[]> {
  await ensureSfCli();
  const plugin: Sample[] = [];
  const manual: Sample[] = [];
  const runs = Math.max(3, Math.ceil(RUNS / 2));
  for (let i = 0; i < runs; i++) {
    /* eslint-disable no-await-in-loop */
    plugin.push(await pluginDeploy());
    manual.push(await manualDeploy());
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
    row('manual: 2x `sf project deploy start` + `sf data query` + `sf data create record`', manual),
    `| plugin / manual wall time | ${ratio.toFixed(2)} | | |`,
  ];
}

// ---------- 3. test ----------
async function tokenTest(): Promise<string[]> {
  const { emu, project } = await freshOrg(false);
  try {
    const deploy = await runCli(['eca', 'clientcreds', 'deploy', '--name', APP, '--target-org', 'emu'], { cwd: project.dir, home: project.home });
    if (deploy.exitCode !== 0) throw new Error(`deploy failed: ${deploy.stderr}`);
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
        const s = await measure((o) => runCli(['eca', 'clientcreds', 'test', ...mode.args], o), {
          cwd: project.dir,
          home: project.home,
          env: mode.env,
        });
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
    await project.cleanup();
  }
}

const started = performance.now();
const base = await mkdtemp(join(tmpdir(), 'eca-bench-'));
try {
  const sections = [await startup(), await fullSetup(), await tokenTest()];
  process.stdout.write(`\n${sections.map((s) => s.join('\n')).join('\n\n')}\n\n`);
  process.stdout.write(
    `Node ${process.version}, ${RUNS} runs, latency ${LATENCY} ms; took ${((performance.now() - started) / 1000).toFixed(0)} s.\n`
  );
} finally {
  await rm(base, { recursive: true, force: true });
}
