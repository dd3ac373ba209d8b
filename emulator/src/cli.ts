/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { parseArgs } from 'node:util';
import type { OrgKind } from './state.js';
import { startEmulator, type EmulatorOptions } from './index.js';

/**
 * `npm run emulator -- [--port N] [--login-port N] [--max-api-version 66.0] [--propagation-delay MS] [--latency MS]
 * [--org-kind production|sandbox|scratch|developer] [--json]`: starts the org emulator until Ctrl-C or SIGTERM.
 */

const USAGE = `Usage: npm run emulator -- [options]

Starts a local Salesforce org emulator on 127.0.0.1 (test and demo infrastructure, not a real org).

Options:
  --port <n>               My Domain port (default: a random free port)
  --login-port <n>         generic login host port (default: a random free port)
  --max-api-version <v>    highest API version, e.g. 66.0 (default 66.0)
  --propagation-delay <ms> how long a new consumer key answers invalid_client_id (default 0)
  --latency <ms>           delay added to every request (default 0)
  --org-kind <kind>        production | sandbox | scratch | developer (default production)
  --staged-pair-works      a staged key/secret pair gets tokens before it is promoted (default: not)
  --json                   print one JSON line instead of text
  -h, --help               show this help
`;

const ORG_KINDS: OrgKind[] = ['production', 'sandbox', 'scratch', 'developer'];

export class UsageError extends Error {}

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

export function parseCliArgs(argv: string[]): { options: EmulatorOptions; json: boolean; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'login-port': { type: 'string' },
      'max-api-version': { type: 'string' },
      'propagation-delay': { type: 'string' },
      latency: { type: 'string' },
      'org-kind': { type: 'string' },
      'staged-pair-works': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const version = values['max-api-version'];
  if (version !== undefined && !/^\d{2}\.0$/.test(version)) {
    throw new UsageError(`--max-api-version must look like 66.0, got "${version}"`);
  }
  const orgKind = values['org-kind'];
  if (orgKind !== undefined && !ORG_KINDS.includes(orgKind as OrgKind)) {
    throw new UsageError(`--org-kind must be one of ${ORG_KINDS.join(', ')}, got "${orgKind}"`);
  }
  return {
    json: values.json === true,
    help: values.help === true,
    options: {
      port: integer('port', values.port),
      loginPort: integer('login-port', values['login-port']),
      maxApiVersion: version,
      propagationDelayMs: integer('propagation-delay', values['propagation-delay']),
      latencyMs: integer('latency', values.latency),
      orgKind: orgKind as OrgKind | undefined,
      stagedPairWorksBeforePromotion: values['staged-pair-works'] === true ? true : undefined,
    },
  };
}

export function loginCommand(instanceUrl: string, accessToken: string): string {
  return `SF_ACCESS_TOKEN='${accessToken}' sf org login access-token --instance-url ${instanceUrl} --no-prompt --alias emulator`;
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return;
  }
  // Handlers first: a signal that arrives between printing and registering would otherwise kill the process
  // without a clean stop. `on`, not `once`: a loader such as tsx exits when it is the only listener left.
  const running: { emu?: Started } = {};
  let stopSignal: string | undefined;
  const stop = (signal: string): void => {
    if (stopSignal) return;
    stopSignal = signal;
    if (!running.emu) return; // still starting: main() stops it once it is up
    void running.emu.stop().then(() => {
      if (!parsed.json) process.stdout.write(`Emulator stopped (${signal}).\n`);
      process.exit(0);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const emu = await startEmulator(parsed.options);
  running.emu = emu;
  if (stopSignal) {
    await emu.stop();
    process.exit(0);
  }
  process.stdout.write(parsed.json ? jsonBanner(emu) : textBanner(emu));
}

type Started = Awaited<ReturnType<typeof startEmulator>>;

function jsonBanner(emu: Started): string {
  return (
    JSON.stringify({
      instanceUrl: emu.instanceUrl,
      loginUrl: emu.loginUrl,
      orgId: emu.orgId,
      username: emu.admin.username,
      userId: emu.admin.userId,
      accessToken: emu.admin.accessToken,
      loginCommand: loginCommand(emu.instanceUrl, emu.admin.accessToken),
    }) + '\n'
  );
}

function textBanner(emu: Started): string {
  return [
    'Salesforce org emulator running (local test infrastructure, not a real org).',
    `  Instance URL (My Domain): ${emu.instanceUrl}`,
    `  Login URL (generic):      ${emu.loginUrl}`,
    `  Org Id:                   ${emu.orgId}`,
    `  Admin username:           ${emu.admin.username}`,
    `  Admin access token:       ${emu.admin.accessToken}`,
    '  (The token is a fake local test credential of this emulator; it is valid only here.)',
    '',
    'Connect the sf CLI:',
    `  ${loginCommand(emu.instanceUrl, emu.admin.accessToken)}`,
    '',
    'Control API: POST <instance URL>/__emulator/<method> (see emulator/README.md). Ctrl-C stops.',
    '',
  ].join('\n');
}

const invokedDirectly = process.argv[1]?.endsWith('cli.ts') === true || process.argv[1]?.endsWith('cli.js') === true;
if (invokedDirectly) {
  main().catch((error: unknown) => {
    process.stderr.write(`emulator failed to start: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
