/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { expect } from 'chai';
import { type Emulator, startEmulator } from '../../emulator/src/index.js';
import type { HttpFaultKind } from '../../emulator/src/state.js';
import { writeAppProject } from '../deploy/fixtures.js';
import { deployApp, writeAppFiles } from './clientcredsApp.js';
import { type CliResult, cliEnv, makeProject, RUN_JS, type TempProject } from './harness.js';
import { loginToEmulator } from './orgLogin.js';

/**
 * Fault injection (issue 13), through bin/run.js against the emulator: at every deploy phase and every request of
 * `test` reading credentials or calling the token endpoint, a request that hangs, a dropped connection, an HTTP 500 /
 * SOAP fault UNKNOWN_EXCEPTION with a Salesforce ErrorId, an expired session, and SIGINT / SIGTERM while a request is
 * pending. Each failing run must end (exit 1, or 130 when interrupted) with a message naming the cause, leave nothing
 * duplicated in the org and no staging folder behind; the next run (a rerun) meets the next fault, and the last rerun
 * finishes the job.
 *
 * Kept fast: one emulator per phase, requests time out after SF_ECA_REQUEST_TIMEOUT=3 s, no sleeps (an interrupt is
 * sent as soon as the emulator has logged the hanging request).
 */

const APP = 'My_Integration';
const RUN_AS = 'integration.user@example.com.test';
const PROFILE = 'My Integration Profile';
const PERMSET = 'Integration_Access';
const ERROR_ID = '1439237453-53165 (-1594178683)';
// Short enough to keep the suite fast, long enough for a loaded machine's ordinary requests.
const TIMEOUT_ENV = { SF_ECA_REQUEST_TIMEOUT: '3' };

/** retried: a REST GET, which jsforce retries after an HTTP 500 (the run may then succeed). */
type Match = { path?: string; soapMethod?: string; method?: string; retried?: boolean };
type Fault = { kind: HttpFaultKind; signal?: NodeJS.Signals };

/** The faults run at each point; the interrupt alternates between SIGINT and SIGTERM from one point to the next. */
function faultsAt(index: number, withSession = true): Fault[] {
  return [
    { kind: 'hang' },
    { kind: 'drop' },
    { kind: 'http500' },
    ...(withSession ? [{ kind: 'expireSession' as const }] : []),
    { kind: 'hang', signal: index % 2 === 0 ? 'SIGINT' : 'SIGTERM' },
  ];
}

const describeFault = (f: Fault): string => (f.signal ? `${f.signal} while a request is pending` : f.kind);

/** Runs bin/run.js; with `interruptWhen`, sends `signal` as soon as the predicate holds (checked as output arrives / every 20 ms). */
function runChild(
  args: string[],
  options: {
    cwd: string;
    home: string;
    tmp: string;
    env?: Record<string, string>;
    signal?: NodeJS.Signals;
    interruptWhen?: () => boolean;
  }
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN_JS, ...args], {
      cwd: options.cwd,
      env: cliEnv(options.home, { ...TIMEOUT_ENV, TMPDIR: options.tmp, ...options.env }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    const poll =
      options.signal && options.interruptWhen
        ? setInterval(() => {
            if (options.interruptWhen?.()) {
              clearInterval(poll);
              child.kill(options.signal);
            }
          }, 20)
        : undefined;
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(killer);
      if (poll) clearInterval(poll);
      let json: CliResult['json'];
      try {
        json = JSON.parse(stdout) as CliResult['json'];
      } catch {
        json = undefined;
      }
      resolve({ exitCode, stdout, stderr, json });
    });
    child.stdin.end();
  });
}

/** Arms `fault` on the next request matching `match`; returns a predicate telling whether it was hit. */
function arm(emu: Emulator, match: Match, fault: Fault): () => boolean {
  const before = emu.control.requestLog().length;
  emu.control.failNext({
    kind: fault.kind,
    path: match.path,
    soapMethod: match.soapMethod,
    method: match.method,
    ...(fault.kind === 'http500' ? { errorId: ERROR_ID } : {}),
  });
  return () => emu.state.faults.http.length === 0 && emu.control.requestLog().length > before;
}

/** What every failing run must show: the cause named, exit 1 (130 interrupted), a JSON error object. */
function expectFailure(result: CliResult, fault: Fault, context: string, match: Match): void {
  const where = `${context}: ${describeFault(fault)}\n${result.stdout}\n${result.stderr}`;
  // jsforce retries a REST GET answered with HTTP 500: the retry may succeed, which is what a user wants.
  if (fault.kind === 'http500' && match.retried && result.exitCode === 0) return;
  expect(result.json, where).to.not.equal(undefined);
  if (fault.signal) {
    expect(result.exitCode, where).to.equal(130);
    expect(result.json?.name, where).to.equal('InterruptedError');
    expect(result.json?.message, where).to.include(fault.signal);
    expect(result.stderr, where).to.not.match(/EEXIT|ExitError/);
    return;
  }
  expect(result.exitCode, where).to.equal(1);
  const text = `${result.json?.message ?? ''} ${(result.json?.actions ?? []).join(' ')}`;
  expect(text, where).to.not.match(/TypeError/);
  if (fault.kind === 'hang') expect(text, where).to.match(/within 3 seconds|SF_ECA_REQUEST_TIMEOUT/);
  if (fault.kind === 'http500') expect(text, where).to.match(/1439237453-53165.(\(-1594178683\))|emulator-fault|server error/);
  if (fault.kind === 'expireSession') expect(text, where).to.match(/expired|log in again|sf org login/i);
}

async function stagingFolders(tmp: string): Promise<string[]> {
  return (await readdir(tmp)).filter((name) => name.startsWith('eca-deploy-'));
}

/**
 * Fault points run concurrently (each with its own emulator, project and TMPDIR), at most POOL at a time; each `it`
 * reports its own point. The children mostly wait (timeouts, polls), so this keeps the suite's wall time down.
 */
const POOL = 3;
function pool(): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(job: () => Promise<T>): Promise<T> => {
    if (active >= POOL) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await job();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** Starts `job` now (in the pool) and returns what the `it` awaits: its failure, if any. */
function started(limit: ReturnType<typeof pool>, job: () => Promise<void>): Promise<unknown> {
  return limit(job).then(
    () => undefined,
    (e: unknown) => e
  );
}

/** A private TMPDIR for a fault point's children. */
const privateTmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'eca-faults-tmp-'));

describe('fault injection (e2e, emulator)', function () {
  this.timeout(300_000);
  const limit = pool();
  const runs = new Map<string, Promise<unknown>>();
  const awaitRun = async (name: string): Promise<void> => {
    const failure = await runs.get(name);
    if (failure) throw failure;
  };

  describe('deploy: every phase, every fault, then a rerun', () => {
    /**
     * changes: the file each fault's run must find changed, so that the phase runs again (a rerun deploys only what
     * differs from the org: without a change, a fault after the first would meet nothing).
     */
    type Phase = { name: string; match: Match; prepare?: (ctx: DeployCtx) => Promise<void>; changes?: 'profile' | 'app' };
    type DeployCtx = { emu: Emulator; project: TempProject; adminUsername: string; tmp: string };

    /** Run the whole deploy once, so the next deploy is an update of the app (the app deploy phase). */
    const deployedOnce = async (ctx: DeployCtx): Promise<void> => {
      const first = await deploy(ctx);
      expect(first.exitCode, first.stdout + first.stderr).to.equal(0);
      // The label changes, so the next run deploys the app again.
      await writeAppProject({ profileName: PROFILE, runAs: RUN_AS, permsets: [PERMSET], app: APP }, ctx.project.dir);
    };

    const PHASES: Phase[] = [
      { name: 'inventory query', match: { path: '/query', retried: true } },
      { name: 'inventory listMetadata', match: { soapMethod: 'listMetadata' } },
      { name: 'profile deploy request', match: { soapMethod: 'deploy' }, changes: 'profile' },
      { name: 'profile deploy status', match: { soapMethod: 'checkDeployStatus' }, changes: 'profile' },
      { name: 'user insert', match: { path: '/sobjects/User', method: 'POST' } },
      { name: 'permission set assignment', match: { path: '/sobjects/PermissionSetAssignment', method: 'POST' } },
      { name: 'app deploy request (rerun of a deployed app)', match: { soapMethod: 'deploy' }, prepare: deployedOnce, changes: 'app' },
      { name: 'app deploy status (rerun of a deployed app)', match: { soapMethod: 'checkDeployStatus' }, prepare: deployedOnce, changes: 'app' },
    ];

    /** Changes the description of the profile or the app header, so that the next run deploys it again. */
    async function change(ctx: DeployCtx, what: 'profile' | 'app', run: number): Promise<void> {
      const file =
        what === 'profile'
          ? join(ctx.project.dir, 'force-app/main/default/profiles', `${PROFILE}.profile-meta.xml`)
          : join(ctx.project.dir, 'force-app/main/default/externalClientApps', `${APP}.eca-meta.xml`);
      const xml = (await readFile(file, 'utf8')).replace(/\n\s*<description>[^<]*<\/description>/, '');
      const root = what === 'profile' ? 'Profile' : 'ExternalClientApplication';
      await writeFile(file, xml.replace(`</${root}>`, `    <description>fault run ${run}</description>\n</${root}>`));
    }

    function deploy(ctx: DeployCtx, fault?: Fault, hit?: () => boolean): Promise<CliResult> {
      return runChild(['eca', 'clientcreds', 'deploy', '--target-org', 'emu', '--json'], {
        cwd: ctx.project.dir,
        home: ctx.project.home,
        tmp: ctx.tmp,
        signal: fault?.signal,
        interruptWhen: hit,
      });
    }

    /** Nothing duplicated: one user, one profile, one of each app component, one assignment per permission set. */
    function expectNoDuplicates(ctx: DeployCtx, where: string): void {
      const { state } = ctx.emu;
      const users = [...state.users.values()].filter((u) => u.Username.toLowerCase() === RUN_AS);
      expect(users.length, `${where}: users`).to.be.at.most(1);
      expect([...state.profiles.values()].filter((p) => p.Name === PROFILE).length, `${where}: profiles`).to.be.at.most(1);
      for (const type of ['ExtlClntAppGlobalOauthSettings', 'ExtlClntAppOauthSettings', 'ExtlClntAppOauthConfigurablePolicies']) {
        expect(state.componentsOfApp(APP, type).length, `${where}: ${type}`).to.be.at.most(1);
      }
      if (users[0]) {
        const names = state.permissionSetsOf(users[0].Id).map((ps) => ps.Name);
        expect(names.filter((n) => n === PERMSET).length, `${where}: assignments`).to.be.at.most(1);
      }
    }

    async function phaseRun(phase: Phase, FAULTS: Fault[]): Promise<void> {
        const emu = await startEmulator({ deployInProgressPolls: 1 });
        const project = await makeProject();
        const tmp = await privateTmp();
        try {
          emu.control.seedPermissionSet({ name: PERMSET });
          await writeAppProject({ profileName: PROFILE, runAs: RUN_AS, permsets: [PERMSET] }, project.dir);
          let adminUsername = (await loginToEmulator(emu, project.home, 'emu')).username;
          const ctx: DeployCtx = { emu, project, adminUsername, tmp };
          await phase.prepare?.(ctx);
          const stagingBefore = await stagingFolders(tmp);
          for (const [run, fault] of FAULTS.entries()) {
            // eslint-disable-next-line no-await-in-loop
            if (phase.changes) await change(ctx, phase.changes, run);
            const hit = arm(emu, phase.match, fault);
            // eslint-disable-next-line no-await-in-loop
            const result = await deploy(ctx, fault, hit);
            // Whether the fault was met, read before clearFaults (which would make any run look as if it had).
            const reached = hit();
            emu.control.clearFaults();
            if (!reached) {
              // The phase was already done by an earlier run of this loop (e.g. the org finished a deploy whose
              // status poll failed): the run must then simply succeed.
              expect(result.exitCode, `${phase.name} ${describeFault(fault)} (not reached)\n${result.stdout}${result.stderr}`).to.equal(0);
              continue;
            }
            expectFailure(result, fault, phase.name, phase.match);
            expectNoDuplicates(ctx, `${phase.name} after ${describeFault(fault)}`);
            // eslint-disable-next-line no-await-in-loop
            expect(await stagingFolders(tmp), 'staging folders left behind').to.deep.equal(stagingBefore);
            if (fault.kind === 'expireSession') {
              // A new login, as the user would after "log in again".
              const { accessToken } = emu.control.createSession({ username: adminUsername });
              // eslint-disable-next-line no-await-in-loop
              adminUsername = (await loginToEmulator(emu, project.home, 'emu', { accessToken })).username;
            }
          }
          const rerun = await deploy(ctx);
          expect(rerun.exitCode, `${phase.name}: final rerun\n${rerun.stdout}${rerun.stderr}`).to.equal(0);
          expectNoDuplicates(ctx, `${phase.name} after the rerun`);
          const user = emu.state.findUserByUsername(RUN_AS);
          expect(user?.IsActive, 'Run As user').to.equal(true);
          expect(emu.state.permissionSetsOf(user?.Id ?? '').map((ps) => ps.Name)).to.include(PERMSET);
          expect(emu.state.satelliteOf(APP, 'ExtlClntAppOauthConfigurablePolicies')?.fields.clientCredentialsFlowUser).to.equal(RUN_AS);
        } finally {
          await emu.stop();
          await project.cleanup();
          await rm(tmp, { recursive: true, force: true });
        }
    }

    for (const [index, phase] of PHASES.entries()) {
      const faults = faultsAt(index);
      const name = `${phase.name}: ${faults.map(describeFault).join(', ')}, each followed by a rerun`;
      before(() => {
        runs.set(name, started(limit, () => phaseRun(phase, faults)));
      });
      it(name, () => awaitRun(name));
    }
  });

  describe('test: every credentials and token request, every fault, then a rerun', () => {
    const app = { name: 'Faults_App', runAsUsername: 'faults.integration@e2e.example.com.prod' };

    const REQUESTS: Array<{ name: string; match: Match; sessionFaults: boolean }> = [
      { name: 'credentials: app list (usage)', match: { path: '/apps/oauth/usage', retried: true }, sessionFaults: true },
      { name: 'credentials: consumer and secret', match: { path: '/apps/oauth/credentials/', retried: true }, sessionFaults: true },
      { name: 'token request', match: { path: '/services/oauth2/token' }, sessionFaults: false },
    ];

    async function requestRun(request: (typeof REQUESTS)[number], faults: Fault[]): Promise<void> {
      const emu = await startEmulator();
      const project = await makeProject();
      const tmp = await privateTmp();
      try {
        const adminUsername = (await loginToEmulator(emu, project.home, 'emu')).username;
        emu.control.setSetting({ name: 'enableClientSecretInRestApiAccess', value: true });
        emu.control.grantPermission({ username: adminUsername, permission: 'ViewClientSecret' });
        emu.control.seedUser({
          Username: app.runAsUsername,
          LastName: 'Faults',
          Email: 'faults@e2e.example.com',
          Alias: 'faults',
          profileName: 'Minimum Access - API Only Integrations',
        });
        await writeAppFiles(project.dir, app);
        await deployApp(emu, app);
        const testRun = (fault?: Fault, hit?: () => boolean): Promise<CliResult> =>
          runChild(['eca', 'clientcreds', 'test', '--target-org', 'emu', '--name', app.name, '--json'], {
            cwd: project.dir,
            home: project.home,
            tmp,
            signal: fault?.signal,
            interruptWhen: hit,
          });
        const consumerKey = emu.control.getAppCredentials({ app: app.name })?.consumerKey;
        for (const fault of faults) {
          const hit = arm(emu, request.match, fault);
          // eslint-disable-next-line no-await-in-loop
          const result = await testRun(fault, hit);
          const reached = hit();
          emu.control.clearFaults();
          expect(reached, `${request.name} ${describeFault(fault)} was reached`).to.equal(true);
          expectFailure(result, fault, request.name, request.match);
          const secret = emu.control.getAppCredentials({ app: app.name })?.consumerSecret ?? '';
          expect(result.stdout + result.stderr).to.not.include(secret);
          if (fault.kind === 'expireSession') {
            const { accessToken } = emu.control.createSession({ username: adminUsername });
            // eslint-disable-next-line no-await-in-loop
            await loginToEmulator(emu, project.home, 'emu', { accessToken });
          }
          // eslint-disable-next-line no-await-in-loop
          const rerun = await testRun();
          expect(rerun.exitCode, `${request.name}: rerun after ${describeFault(fault)}\n${rerun.stdout}${rerun.stderr}`).to.equal(0);
        }
        // Nothing duplicated or changed: the app still has its one consumer with the same key.
        expect(emu.control.getAppCredentials({ app: app.name })?.consumerKey).to.equal(consumerKey);
      } finally {
        await emu.stop();
        await project.cleanup();
        await rm(tmp, { recursive: true, force: true });
      }
    }

    for (const [index, request] of REQUESTS.entries()) {
      const faults = faultsAt(index, request.sessionFaults);
      const name = `${request.name}: ${faults.map(describeFault).join(', ')}, each followed by a rerun`;
      before(() => {
        runs.set(name, started(limit, () => requestRun(request, faults)));
      });
      it(name, () => awaitRun(name));
    }
  });
});
