/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CredentialsResult } from '../../src/commands/eca/clientcreds/credentials.js';
import { ALIAS, type Suite, expectNoSecrets, startSuite } from './tokenCommands.js';

/** End to end: bin/run.js eca clientcreds credentials against the org emulator. */
describe('eca clientcreds credentials (e2e, emulator)', function () {
  this.timeout(180_000);
  let suite: Suite;
  let appName: string;
  let runAs: string;

  before(async () => {
    suite = await startSuite();
    const app = await suite.newApp();
    await mkdir(join(suite.project.home, 'handover'));
    appName = app.name;
    runAs = app.runAsUsername;
  });
  after(async () => suite?.cleanup());

  const run = (args: string[], env: Record<string, string> = {}): ReturnType<Suite['run']> =>
    suite.run<CredentialsResult>('credentials', ['--name', appName, '--target-org', ALIAS, ...args], env);

  function outFile(name: string): string {
    return join(suite.project.home, 'handover', name);
  }

  it('without --output-file or --show-secret: every field but the secret, which is not even read', async () => {
    const { key, secret } = suite.credentials(appName);
    suite.emu.control.clearRequestLog();
    const result = await run(['--json']);
    expect(result.exitCode, result.stdout + result.stderr).to.equal(0);
    const r = result.json?.result as CredentialsResult;
    const host = new URL(suite.emu.instanceUrl).host;
    expect(r.credentials).to.deep.include({
      appName,
      clientId: key,
      myDomainHost: host,
      instanceUrl: suite.emu.instanceUrl,
      tokenUrl: `${suite.emu.instanceUrl}/services/oauth2/token`,
      runAsUsername: runAs,
    });
    expect(r.credentials.appId).to.match(/^0xI/);
    expect(r.credentials.consumerId).to.match(/^888/);
    expect(r.credentials).to.not.have.property('clientSecret');
    expect(r).to.include({ secretWritten: false, secretShown: false });
    expect(result.stdout.includes(secret)).to.equal(false);
    const log = suite.emu.control.requestLog().map((e) => e.path);
    expect(log.some((p) => p.includes('part=keyandsecret') || p.includes('part=secret'))).to.equal(false);
  });

  it('human output: a table of the fields and where the secret is not', async () => {
    const result = await run([]);
    expect(result.exitCode).to.equal(0);
    expect(result.stdout).to.include('myDomainHost').and.to.include('tokenUrl').and.to.include('--output-file');
    expect(result.stdout.includes(suite.credentials(appName).secret)).to.equal(false);
  });

  it('json file: every field with the secret, mode 0600', async () => {
    const { key, secret } = suite.credentials(appName);
    const path = outFile('handover.json');
    const result = await run(['--format', 'json', '--output-file', path, '--json']);
    expect(result.exitCode, result.stdout).to.equal(0);
    expect(result.json?.result).to.include({ outputFile: path, secretWritten: true, secretShown: false });
    expect(result.stdout.includes(secret)).to.equal(false);
    const content = JSON.parse(await readFile(path, 'utf8')) as Record<string, string>;
    expect(content).to.include({ clientId: key, clientSecret: secret, runAsUsername: runAs, instanceUrl: suite.emu.instanceUrl });
    expect((await stat(path)).mode & 0o777).to.equal(0o600);
  });

  it('env file: dotenv with SALESFORCE_CLIENT_ID/SECRET and the host forms', async () => {
    const { key, secret } = suite.credentials(appName);
    const path = outFile('handover.env');
    const result = await run(['--format', 'env', '--output-file', path]);
    expect(result.exitCode, result.stderr).to.equal(0);
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    const env = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(env).to.include({
      SALESFORCE_CLIENT_ID: key,
      SALESFORCE_CLIENT_SECRET: secret,
      SALESFORCE_INSTANCE_URL: suite.emu.instanceUrl,
      SALESFORCE_TOKEN_URL: `${suite.emu.instanceUrl}/services/oauth2/token`,
      SALESFORCE_RUN_AS_USERNAME: runAs,
    });
    expect((await stat(path)).mode & 0o777).to.equal(0o600);
  });

  it('aws-secretsmanager file: exactly the five SalesforceClientSecret keys', async () => {
    const { key, secret } = suite.credentials(appName);
    const path = outFile('aws.json');
    const result = await run(['--format', 'aws-secretsmanager', '--output-file', path]);
    expect(result.exitCode, result.stderr).to.equal(0);
    const value = JSON.parse(await readFile(path, 'utf8')) as Record<string, string>;
    expect(Object.keys(value).sort()).to.deep.equal(['appId', 'baseUri', 'consumerId', 'consumerKey', 'consumerSecret']);
    expect(value).to.include({ consumerKey: key, consumerSecret: secret, baseUri: suite.emu.instanceUrl });
    expect(value.appId).to.match(/^0x/);
    expect(value.consumerId).to.match(/^888/);
  });

  it('postman file: an environment with url, version, clientId and a secret-typed clientSecret', async () => {
    const { key, secret } = suite.credentials(appName);
    const path = outFile('env.postman_environment.json');
    const result = await run(['--format', 'postman', '--output-file', path]);
    expect(result.exitCode, result.stderr).to.equal(0);
    const environment = JSON.parse(await readFile(path, 'utf8')) as {
      values: Array<{ key: string; value: string; type: string }>;
      _postman_variable_scope: string;
    };
    expect(environment['_postman_variable_scope']).to.equal('environment');
    const byKey = Object.fromEntries(environment.values.map((v) => [v.key, v]));
    expect(byKey.url.value).to.equal(suite.emu.instanceUrl);
    expect(byKey.clientId.value).to.equal(key);
    expect(byKey.clientSecret).to.include({ value: secret, type: 'secret' });
    expect(byKey.site.value).to.equal('');
    expect(byKey.version.value).to.match(/^\d+\.0$/);
  });

  it('never writes over an existing file without --force; with --force replaces it with mode 0600', async () => {
    const path = outFile('existing.env');
    await writeFile(path, 'KEEP=me\n', { mode: 0o644 });
    const refused = await run(['--format', 'env', '--output-file', path, '--json']);
    expect(refused.exitCode).to.equal(1);
    expect(refused.json?.name).to.equal('FileExistsError');
    expect(await readFile(path, 'utf8')).to.equal('KEEP=me\n');
    const forced = await run(['--format', 'env', '--output-file', path, '--force', '--json']);
    expect(forced.exitCode).to.equal(0);
    expect(forced.json?.result).to.include({ replacedFile: true });
    expect(await readFile(path, 'utf8')).to.include('SALESFORCE_CLIENT_SECRET=');
    expect((await stat(path)).mode & 0o777).to.equal(0o600);
  });

  it('refuses a file inside a git work tree unless git ignores it', async () => {
    const repo = join(suite.project.home, 'repo');
    await mkdir(repo, { recursive: true });
    execFileSync('git', ['init', '-q', repo]);
    const path = join(repo, 'creds.env');
    const refused = await run(['--format', 'env', '--output-file', path, '--json']);
    expect(refused.json?.name).to.equal('NotGitIgnoredError');
    expect(refused.exitCode).to.equal(1);
    expect(existsSync(path)).to.equal(false);
    await writeFile(join(repo, '.gitignore'), 'creds.env\n');
    const allowed = await run(['--format', 'env', '--output-file', path, '--json']);
    expect(allowed.exitCode, allowed.stdout).to.equal(0);
  });

  it('--show-secret prints the format with the secret, with a warning', async () => {
    const { secret } = suite.credentials(appName);
    const result = await run(['--format', 'env', '--show-secret']);
    expect(result.exitCode).to.equal(0);
    expect(result.stdout.includes(`SALESFORCE_CLIENT_SECRET=${secret}`)).to.equal(true);
    expect(result.stderr).to.include('--show-secret');
    const json = await run(['--show-secret', '--json']);
    expect((json.json?.result as CredentialsResult).credentials.clientSecret === secret).to.equal(true);
  });

  it('names the missing org setting, then the missing permission, when the secret is asked for', async () => {
    suite.emu.control.setSetting({ name: 'enableClientSecretInRestApiAccess', value: false });
    try {
      const off = await run(['--show-secret', '--json']);
      expect(off.json?.name).to.equal('SecretApiSettingOffError');
      expect((off.json?.actions ?? []).join('\n')).to.include('enableClientSecretInRestApiAccess');
    } finally {
      suite.emu.control.setSetting({ name: 'enableClientSecretInRestApiAccess', value: true });
    }
    suite.emu.control.revokePermission({ username: suite.adminUsername, permission: 'ViewClientSecret' });
    try {
      const path = outFile('never.json');
      const noPermission = await run(['--output-file', path, '--json']);
      expect(noPermission.json?.name).to.equal('SecretPermissionMissingError');
      expect((noPermission.json?.actions ?? []).join('\n')).to.include('ViewClientSecret');
      expect(existsSync(path)).to.equal(false);
      // Without the secret, the key and host forms are still readable.
      expect((await run(['--json'])).exitCode).to.equal(0);
    } finally {
      suite.emu.control.grantPermission({ username: suite.adminUsername, permission: 'ViewClientSecret' });
    }
  });

  it('keeps the secret out of stdout, stderr, --json, trace logs and every file but the one named', async () => {
    const { secret } = suite.credentials(appName);
    const env = { SF_LOG_LEVEL: 'trace' };
    const path = outFile('trace.env');
    const runs = [
      await run(['--json'], env),
      await run([], env),
      await run(['--format', 'env', '--output-file', path, '--json'], env),
      await run(['--format', 'postman', '--output-file', path, '--json'], env),
    ];
    expect(runs.map((r) => r.exitCode)).to.deep.equal([0, 0, 0, 1]);
    // Only the hand-over files the tests named may hold the secret.
    await expectNoSecrets(suite, runs, [secret], [join(suite.project.home, 'handover'), join(suite.project.home, 'repo')]);
  });
});
