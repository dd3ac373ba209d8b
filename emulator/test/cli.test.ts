/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { loginCommand, parseCliArgs } from '../src/cli.js';

/** `npm run emulator`: the standalone CLI (emulator/src/cli.ts). */

const CLI = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'src', 'cli.ts');

function startCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', '--no-warnings=ExperimentalWarning', CLI, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Resolves with stdout once it holds a complete line (or the whole output, for --help). */
async function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  let out = '';
  child.stdout.setEncoding('utf8');
  for await (const chunk of child.stdout) {
    out += String(chunk);
    if (out.includes('\n')) break;
  }
  return out.split('\n')[0];
}

async function exitOf(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal };
}

describe('emulator CLI', () => {
  it('parses and validates options', () => {
    expect(parseCliArgs(['--port', '0', '--max-api-version', '64.0', '--propagation-delay', '5000', '--org-kind', 'sandbox', '--json'])).to.deep.equal({
      json: true,
      help: false,
      options: {
        port: 0,
        loginPort: undefined,
        maxApiVersion: '64.0',
        propagationDelayMs: 5000,
        latencyMs: undefined,
        orgKind: 'sandbox',
        stagedPairWorksBeforePromotion: undefined,
      },
    });
    expect(parseCliArgs(['--staged-pair-works']).options.stagedPairWorksBeforePromotion).to.equal(true);
    expect(() => parseCliArgs(['--port', 'abc'])).to.throw('--port must be a non-negative integer');
    expect(() => parseCliArgs(['--max-api-version', '66'])).to.throw('--max-api-version must look like 66.0');
    expect(() => parseCliArgs(['--org-kind', 'prod'])).to.throw('--org-kind must be one of');
    expect(() => parseCliArgs(['--nope'])).to.throw();
  });

  it('prints one JSON line with URLs, admin and the login command, serves requests, and stops on SIGTERM', async () => {
    const child = startCli(['--json', '--max-api-version', '65.0']);
    try {
      const info = JSON.parse(await firstLine(child)) as Record<string, string>;
      expect(info.instanceUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(info.loginUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(info.loginCommand).to.equal(loginCommand(info.instanceUrl, info.accessToken));
      expect(info.loginCommand).to.contain('sf org login access-token --instance-url');
      const versions = (await (await fetch(`${info.instanceUrl}/services/data`)).json()) as Array<{ version: string }>;
      expect(versions.at(-1)?.version).to.equal('65.0');
      const userinfo = await fetch(`${info.instanceUrl}/services/oauth2/userinfo`, { headers: { authorization: `Bearer ${info.accessToken}` } });
      expect(((await userinfo.json()) as { preferred_username: string }).preferred_username).to.equal(info.username);
      child.kill('SIGTERM');
      expect(await exitOf(child)).to.deep.equal({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('prints text with the fake-credential notice and stops on SIGINT', async () => {
    const child = startCli([]);
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      for await (const chunk of child.stdout) {
        out += String(chunk);
        if (out.includes('Ctrl-C stops')) break;
      }
      expect(out).to.match(/Instance URL \(My Domain\): http:\/\/127\.0\.0\.1:\d+/);
      expect(out).to.contain('fake local test credential');
      expect(out).to.contain("SF_ACCESS_TOKEN='00D");
      child.kill('SIGINT');
      expect(await exitOf(child)).to.deep.equal({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 with the usage on bad options', async () => {
    const child = startCli(['--latency', 'slow']);
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    expect((await exitOf(child)).code).to.equal(2);
    expect(err).to.contain('--latency must be a non-negative integer').and.to.contain('Usage: npm run emulator');
  });
});
