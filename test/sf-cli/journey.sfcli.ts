/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readFile } from 'node:fs/promises';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator, type Emulator } from '../../emulator/src/index.js';
import type { GenerateResult } from '../../src/commands/eca/clientcreds/generate.js';
import type { DeployResult } from '../../src/commands/eca/clientcreds/deploy.js';
import type { TokenCheckResult } from '../../src/commands/eca/clientcreds/test.js';
import type { LoginResult } from '../../src/commands/eca/clientcreds/login.js';
import type { CredentialsResult } from '../../src/commands/eca/clientcreds/credentials.js';
import type { AuditResult } from '../../src/commands/eca/clientcreds/audit.js';
import { REPO_ROOT } from '../e2e/harness.js';
import { ensureSfCli, installPlugin, packPlugin, runSf } from './sfCli.js';

/**
 * The whole journey the way users run it: the real, pinned `sf` CLI with this plugin installed from its packed
 * tarball (`npm pack`, then `sf plugins install`: production dependencies only, no link to this work tree), logged
 * in to the org emulator with `sf org login access-token`, in a project made by `sf project generate`. A file the
 * package misses (template, message file) or a runtime dependency listed as a dev one fails here. Everything lives
 * under a temporary HOME, so a developer's real sf logins and plugins are never read or written.
 */
/** Lists every module a run loads (the bench's loader hook, scripts/bench/moduleCount.mjs). */
const MODULE_LIST = join(REPO_ROOT, 'scripts', 'bench', 'moduleCount.mjs');

/** Of the module URLs in `list`, those under sf's data directory (the plugin's install), counted by package. */
function installedModules(list: string): Map<string, number> {
  const byPackage = new Map<string, number>();
  for (const url of new Set(list.split('\n').filter(Boolean))) {
    const name = /\/\.local\/share\/sf\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
    if (name) byPackage.set(name, (byPackage.get(name) ?? 0) + 1);
  }
  return byPackage;
}

describe('the real sf CLI with the packed plugin installed', () => {
  const APP = 'Journey_Integration';
  const RUN_AS = 'journey.integration@example.com';
  const ALIAS = 'emu';
  let emu: Emulator;
  let base: string;
  let home: string;
  let project: string;

  before(async () => {
    await ensureSfCli();
    // sf project generate (CLI 2.150.6) writes sourceApiVersion 68.0, the current release's version.
    emu = await startEmulator({ maxApiVersion: '68.0' });
    emu.control.setSetting({ name: 'enableClientSecretInRestApiAccess', value: true });
    emu.control.grantPermission({ username: emu.admin.username, permission: 'ViewClientSecret' });
    emu.control.grantPermission({ username: emu.admin.username, permission: 'ExternalClientAppDeveloper' });
    base = await mkdtemp(join(tmpdir(), 'eca-sfcli-'));
    home = join(base, 'home');
    project = join(base, 'journey');

    const tarball = await packPlugin(base);
    const install = await installPlugin(tarball, { cwd: base, home });
    expect(install.exitCode, install.stdout + install.stderr).to.equal(0);
    const plugins = await runSf(['plugins', '--json'], { cwd: base, home });
    expect(plugins.exitCode, plugins.stderr).to.equal(0);
    const installed = (JSON.parse(plugins.stdout) as Array<{ name: string; type: string; root: string }>).find(
      (p) => p.name === 'plugin-eca-clientcreds'
    );
    // A user plugin under sf's data directory: resolved from there, not from this repository's node_modules.
    expect(installed?.type, plugins.stdout).to.equal('user');
    expect(installed?.root).to.equal(join(home, '.local', 'share', 'sf', 'node_modules', 'plugin-eca-clientcreds'));
    const gen = await runSf(['project', 'generate', '--name', 'journey', '--output-dir', base, '--json'], { cwd: base, home });
    expect(gen.exitCode, gen.stderr).to.equal(0);
    const login = await runSf(
      ['org', 'login', 'access-token', '--instance-url', emu.instanceUrl, '--no-prompt', '--alias', ALIAS, '--json'],
      { cwd: project, home, env: { SF_ACCESS_TOKEN: emu.admin.accessToken } }
    );
    expect(login.exitCode, login.stdout + login.stderr).to.equal(0);
    expect((login.json?.result as { username?: string }).username).to.equal(emu.admin.username);
  });

  after(async () => {
    await emu?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  it('lists the commands in help and in sf commands', async () => {
    const help = await runSf(['eca', 'clientcreds', '--help'], { cwd: project, home });
    expect(help.exitCode, help.stderr).to.equal(0);
    for (const cmd of ['generate', 'deploy', 'test', 'credentials', 'rotate', 'login', 'audit']) {
      expect(help.stdout).to.match(new RegExp(`eca clientcreds ${cmd}\\b`));
    }
    // Exit codes in --help, as sf's help renders them for the official commands.
    const testHelp = await runSf(['eca', 'clientcreds', 'test', '--help'], { cwd: project, home });
    expect(testHelp.stdout).to.include('ERROR CODES');
    expect(testHelp.stdout).to.include('Interrupted (130)');
    const commands = await runSf(['commands', '--json'], { cwd: project, home });
    expect(commands.exitCode, commands.stderr).to.equal(0);
    const ids = (JSON.parse(commands.stdout) as Array<{ id: string; pluginName?: string }>).filter((c) =>
      c.id.startsWith('eca:clientcreds:')
    );
    // Every command of the checked-in command snapshot (the stable interface), and no other.
    const snapshot = JSON.parse(await readFile(join(REPO_ROOT, 'command-snapshot.json'), 'utf8')) as Array<{ command: string }>;
    expect(ids.map((c) => c.id).sort()).to.deep.equal(snapshot.map((c) => c.command).sort());
    expect(ids).to.have.length(7);
    expect(ids.every((c) => c.pluginName === 'plugin-eca-clientcreds')).to.equal(true);
  });

  it('generates the app into the sf project, on the libraries the CLI has loaded (src/cli/sharedModules.ts)', async () => {
    const modulesFile = join(base, 'generate-modules.txt');
    const out = await runSf<GenerateResult>(
      ['eca', 'clientcreds', 'generate', '--name', APP, '--contact-email', 'admin@example.com', '--run-as-username', RUN_AS, '--json'],
      { cwd: project, home, env: { NODE_OPTIONS: `--import=${MODULE_LIST}`, BENCH_MODULES_FILE: modulesFile } }
    );
    expect(out.exitCode, out.stderr).to.equal(0);
    const loaded = installedModules(await readFile(modulesFile, 'utf8'));
    // The plugin's own files come from its install; @salesforce/core, @oclif/core and sf-plugins-core from the CLI's.
    expect(loaded.get('plugin-eca-clientcreds') ?? 0).to.be.greaterThan(10);
    for (const shared of ['@salesforce/core', '@oclif/core', '@salesforce/sf-plugins-core', 'fast-xml-parser']) {
      expect(loaded.get(shared), `${shared} loaded from the plugin's install`).to.equal(undefined);
    }
    const result = out.json?.result as GenerateResult;
    expect(result.name).to.equal(APP);
    expect(result.runAsUsername).to.equal(RUN_AS);
    expect(result.files.map((f) => f.status)).to.satisfy((s: string[]) => s.every((x) => x === 'created'));
    const types = result.files.map((f) => f.type);
    for (const t of ['ExternalClientApplication', 'ExtlClntAppGlobalOauthSettings', 'ExtlClntAppOauthSettings',
      'ExtlClntAppOauthConfigurablePolicies', 'ExtlClntAppConfigurablePolicies', 'Profile']) {
      expect(types).to.include(t);
    }
    const policy = await readFile(
      join(project, 'force-app', 'main', 'default', 'extlClntAppOauthPolicies', `${APP}_oauthPlcy.ecaOauthPlcy-meta.xml`),
      'utf8'
    );
    expect(policy).to.contain(`<clientCredentialsFlowUser>${RUN_AS}</clientCredentialsFlowUser>`);
  });

  it('runs on its own copies when sharing is turned off, still with the one log worker of the CLI', async () => {
    const modulesFile = join(base, 'unshared-modules.txt');
    const workersFile = join(base, 'unshared-workers.txt');
    const out = await runSf(
      ['eca', 'clientcreds', 'test', '--client-id', 'FAKE-KEY-journey', '--instance-url', 'https://127.0.0.1:9', '--run-as-username', RUN_AS, '--no-prompt'],
      {
        cwd: project,
        home,
        env: {
          SF_ECA_SHARE_CLI_MODULES: 'false',
          SF_CLIENT_SECRET: 'journey-secret',
          NODE_OPTIONS: `--import=${MODULE_LIST} --require ${join(REPO_ROOT, 'test', 'sf-cli', 'countWorkers.cjs')}`,
          BENCH_MODULES_FILE: modulesFile,
          COUNT_WORKERS_FILE: workersFile,
        },
      }
    );
    // Nothing listens on port 9: the token request fails, and the command says so.
    expect(out.exitCode, out.stdout + out.stderr).to.equal(1);
    const loaded = installedModules(await readFile(modulesFile, 'utf8'));
    for (const own of ['@salesforce/core', '@oclif/core', '@salesforce/sf-plugins-core']) {
      expect(loaded.get(own) ?? 0, `${own} loaded from the plugin's install`).to.be.greaterThan(0);
    }
    // Its own copy of core logs through the CLI's root logger (src/cli/sharedLogger.ts): one worker thread.
    const workers = (await readFile(workersFile, 'utf8')).split('\n').filter((w) => w.includes('thread-stream'));
    expect(workers, workers.join('\n')).to.have.length(1);
  });

  it('deploys profile, user, app and policies to the org', async () => {
    const out = await runSf<DeployResult>(['eca', 'clientcreds', 'deploy', '--name', APP, '--target-org', ALIAS, '--json'], {
      cwd: project,
      home,
    });
    expect(out.exitCode, out.stdout + out.stderr).to.equal(0);
    const result = out.json?.result as DeployResult;
    expect(result.runAsUsername).to.equal(RUN_AS);
    expect(result.tokenUrl).to.equal(`${emu.instanceUrl}/services/oauth2/token`);
    expect(result.steps.every((s) => s.status === 'done')).to.equal(true);
    // The org now has what the steps say.
    const user = emu.state.findUserByUsername(RUN_AS);
    expect(user?.IsActive).to.equal(true);
    const policy = emu.state.componentsOfApp(APP, 'ExtlClntAppOauthConfigurablePolicies');
    expect(policy).to.have.length(1);
    expect(policy[0].fields.clientCredentialsFlowUser).to.equal(RUN_AS);
    expect(policy[0].fields.isClientCredentialsFlowEnabled).to.equal('true');
    expect(emu.state.componentsOfApp(APP, 'ExtlClntAppGlobalOauthSettings')[0].fields.isClientCredentialsFlowEnabled).to.equal('true');
  });

  it('gets a client credentials token that runs as the Run As user, without printing secrets', async () => {
    const workersFile = join(base, 'workers.txt');
    const out = await runSf<TokenCheckResult>(['eca', 'clientcreds', 'test', '--name', APP, '--target-org', ALIAS, '--json'], {
      cwd: project,
      home,
      env: { SF_LOG_LEVEL: 'debug', NODE_OPTIONS: `--require ${join(REPO_ROOT, 'test', 'sf-cli', 'countWorkers.cjs')}`, COUNT_WORKERS_FILE: workersFile },
    });
    expect(out.exitCode, out.stdout + out.stderr).to.equal(0);
    const result = out.json?.result as TokenCheckResult;
    expect(result.success).to.equal(true);
    expect(result.runAsUsername).to.equal(RUN_AS);
    expect(result.orgId).to.equal(emu.orgId);
    expect(result).to.not.have.property('accessToken');
    const creds = emu.control.getAppCredentials({ app: APP });
    expect(creds).to.not.equal(null);
    expect(out.stdout + out.stderr).to.not.contain(creds!.consumerSecret);
    // The plugin's copy of @salesforce/core logs through the CLI's root logger (src/cli/sharedLogger.ts): its lines
    // are in sf's log file, and the run started one log worker thread, the CLI's, not a second one of its own.
    const workers = (await readFile(workersFile, 'utf8')).split('\n').filter((w) => w.includes('thread-stream'));
    expect(workers, workers.join('\n')).to.have.length(1);
    expect(workers[0]).to.not.include(join('.local', 'share', 'sf'));
    const logs = (await readdir(join(home, '.sf'))).filter((f) => /^sf-.*\.log$/.test(f));
    const logText = (await Promise.all(logs.map((f) => readFile(join(home, '.sf', f), 'utf8')))).join('');
    expect(logText).to.include('eca:clientcreds:test');
    expect(logText).to.include('libraries shared with the CLI: @');
    expect(logText).to.not.contain(creds!.consumerSecret);
    expect(logText).to.not.contain(creds!.consumerKey);
  });

  it('logs the CLI in as the Run As user; the real sf data query then runs as that user on the alias', async () => {
    const login = await runSf<LoginResult>(
      ['eca', 'clientcreds', 'login', '--name', APP, '--target-org', ALIAS, '--alias', 'integration', '--json'],
      { cwd: project, home }
    );
    expect(login.exitCode, login.stdout + login.stderr).to.equal(0);
    expect(login.json?.result).to.include({ username: RUN_AS, alias: 'integration' });
    const query = await runSf<{ records: Array<{ Username: string }>; totalSize: number }>(
      ['data', 'query', '--query', `SELECT Id, Username FROM User WHERE Username = '${RUN_AS}'`, '--target-org', 'integration', '--json'],
      { cwd: project, home }
    );
    expect(query.exitCode, query.stdout + query.stderr).to.equal(0);
    expect(query.json?.result?.records.map((r) => r.Username)).to.deep.equal([RUN_AS]);
    // sf sees the login as the Run As user's own.
    const display = await runSf<{ username: string }>(['org', 'display', '--target-org', 'integration', '--json'], { cwd: project, home });
    expect(display.exitCode, display.stderr).to.equal(0);
    expect(display.json?.result?.username).to.equal(RUN_AS);
    const creds = emu.control.getAppCredentials({ app: APP });
    expect((login.stdout + login.stderr + query.stdout + display.stdout).includes(creds!.consumerSecret)).to.equal(false);
  });

  it('hands the credentials over without the secret, and audits the org with the app in it', async () => {
    const handover = await runSf<CredentialsResult>(['eca', 'clientcreds', 'credentials', '--name', APP, '--target-org', ALIAS, '--json'], {
      cwd: project,
      home,
    });
    expect(handover.exitCode, handover.stdout + handover.stderr).to.equal(0);
    const creds = emu.control.getAppCredentials({ app: APP });
    expect(handover.json?.result?.credentials.clientId).to.equal(creds?.consumerKey);
    expect(handover.json?.result?.credentials.runAsUsername).to.equal(RUN_AS);
    expect(handover.stdout + handover.stderr).to.not.include(creds!.consumerSecret);

    const audit = await runSf<AuditResult>(['eca', 'clientcreds', 'audit', '--target-org', ALIAS, '--json'], { cwd: project, home });
    expect(audit.exitCode, audit.stdout + audit.stderr).to.equal(0);
    const app = audit.json?.result?.apps.find((a) => a.name === APP);
    expect(app, audit.stdout).to.include({ kind: 'ExternalClientApplication', runAsUsername: RUN_AS });
  });

  it('reruns deploy as a no-op on the same org', async () => {
    const usersBefore = emu.state.users.size;
    const out = await runSf<DeployResult>(['eca', 'clientcreds', 'deploy', '--name', APP, '--target-org', ALIAS, '--json'], {
      cwd: project,
      home,
    });
    expect(out.exitCode, out.stdout + out.stderr).to.equal(0);
    expect(emu.state.users.size).to.equal(usersBefore);
    expect(emu.state.componentsOfApp(APP, 'ExtlClntAppOauthConfigurablePolicies')).to.have.length(1);
  });
});
