/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Emulator, type PreauthListSemantics, startEmulator } from '../../emulator/src/index.js';
import type { DeployResult } from '../../src/commands/eca/clientcreds/deploy.js';
import type { GenerateResult } from '../../src/generate/generateApp.js';
import type { TokenCheckResult } from '../../src/tokenCheck/tokenCheck.js';
import { type CliResult, makeProject, runCli, type TempProject } from './harness.js';
import { loginToEmulator } from './orgLogin.js';

/**
 * The default journey against orgs that behave as the uncertain reports say they might (issue 9): `generate` with
 * defaults -> `deploy` -> `test` -> a change to the policy and the global OAuth settings -> `deploy` -> a rerun that
 * sends no deploy, under every combination of the emulator's switches:
 * - preauthProfileHonoured: whether a profile in commaSeparatedProfile authorizes the Run As user [T: reported no];
 * - preauthListSemantics: 'additive' (already-granted names fail: "profile names are already taken") or 'replace';
 * - a certificate on the org's global OAuth settings that the project file lacks (declarative deploys clear it [T]);
 * for a project at API 60.0 (no commaSeparatedProfile) and at the newest version the field tables know (68.0, where
 * the org also returns isEnforceRefreshTokenTTL, isDPopEnabled, ... on read).
 */

const APP = 'Real_Org_App';
const RUN_AS = 'real.org.integration@example.com.test';
const EXTRA_PERMISSION_SET = 'Extra_Access';
const CERTIFICATE = 'MIIC-test-certificate-for-jwt-bearer';
const NEWEST_VERSION = '68.0';

type LogEntry = { method: string; path: string; soapMethod?: string; status: number };

const isDeploy = (e: LogEntry): boolean => e.soapMethod === 'deploy';
const isCreate = (e: LogEntry): boolean => e.method === 'POST' && e.path.includes('/sobjects/');

type Combination = {
  apiVersion: string;
  preauthProfileHonoured: boolean;
  preauthListSemantics: PreauthListSemantics;
  certificate: boolean;
};

const combinations: Combination[] = ['60.0', NEWEST_VERSION].flatMap((apiVersion) =>
  [false, true].flatMap((preauthProfileHonoured) =>
    (['additive', 'replace'] as const).flatMap((preauthListSemantics) =>
      [false, true].map((certificate) => ({ apiVersion, preauthProfileHonoured, preauthListSemantics, certificate }))
    )
  )
);

function names(value: unknown): string[] {
  return String(value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .sort();
}

describe('real-org journey: generate -> deploy -> test -> change -> deploy -> rerun, under every switch', function () {
  this.timeout(600_000);

  for (const combo of combinations) {
    const title = `API ${combo.apiVersion}, profile ${combo.preauthProfileHonoured ? 'honoured' : 'not honoured'}, ${
      combo.preauthListSemantics
    } lists, ${combo.certificate ? 'org certificate' : 'no certificate'}`;

    describe(title, () => {
      let emu: Emulator;
      let project: TempProject;
      const profileListed = Number.parseFloat(combo.apiVersion) >= 62;

      before(async () => {
        emu = await startEmulator({
          maxApiVersion: combo.apiVersion === NEWEST_VERSION ? NEWEST_VERSION : '66.0',
          deployInProgressPolls: 0,
          preauthProfileHonoured: combo.preauthProfileHonoured,
          preauthListSemantics: combo.preauthListSemantics,
        });
        project = await makeProject({ sourceApiVersion: combo.apiVersion });
        const { username } = await loginToEmulator(emu, project.home, 'emu');
        emu.control.setSetting({ name: 'enableClientSecretInRestApiAccess', value: true });
        emu.control.grantPermission({ username, permission: 'ViewClientSecret' });
        emu.control.seedPermissionSet({ name: EXTRA_PERMISSION_SET });
      });

      after(async () => {
        await emu?.stop();
        await project?.cleanup();
      });

      function cli<T>(args: string[]): Promise<CliResult<T>> {
        return runCli<T>([...args, '--json'], { cwd: project.dir, home: project.home, timeoutMs: 150_000 });
      }
      const deploy = (): Promise<CliResult<DeployResult>> => cli<DeployResult>(['eca', 'clientcreds', 'deploy', '--target-org', 'emu']);
      const log = (): LogEntry[] => emu.control.requestLog() as LogEntry[];
      const policy = (): Record<string, unknown> =>
        (emu.state.satelliteOf(APP, 'ExtlClntAppOauthConfigurablePolicies')?.fields ?? {}) as Record<string, unknown>;
      const globalSettings = (): Record<string, unknown> =>
        (emu.state.satelliteOf(APP, 'ExtlClntAppGlobalOauthSettings')?.fields ?? {}) as Record<string, unknown>;

      it('generate (defaults) writes the access permission set and pre-authorizes it', async () => {
        const result = await cli<GenerateResult>([
          'eca',
          'clientcreds',
          'generate',
          '--name',
          APP,
          '--contact-email',
          'admin@example.com',
          '--run-as-username',
          RUN_AS,
        ]);
        expect(result.exitCode, result.stdout + result.stderr).to.equal(0);
        expect(result.json?.result?.accessPermissionSet).to.equal(`${APP}_Access`);
        expect(result.json?.result?.preAuthorizedPermissionSets).to.deep.equal([`${APP}_Access`]);
        expect(result.json?.result?.preAuthorizedProfiles).to.deep.equal(profileListed ? [`${APP} Integration`] : []);
      });

      it('deploy creates everything; the permission set is assigned before the policy names it', async () => {
        emu.control.clearRequestLog();
        const result = await deploy();
        expect(result.exitCode, result.stdout + result.stderr).to.equal(0);
        const user = emu.state.findUserByUsername(RUN_AS);
        expect(user, 'Run As user').to.not.equal(undefined);
        expect(emu.state.permissionSetsOf(user!.Id).map((p) => p.Name)).to.include(`${APP}_Access`);
        expect(names(policy().commaSeparatedPermissionSet)).to.deep.equal([`${APP}_Access`]);
        expect(names(policy().commaSeparatedProfile)).to.deep.equal(profileListed ? [`${APP} Integration`] : []);
        // The assignment (a REST insert) comes before the deploy that carries the policy.
        const entries = log();
        const assignment = entries.findIndex((e) => e.method === 'POST' && e.path.endsWith('/sobjects/PermissionSetAssignment'));
        const lastDeploy = entries.map((e, i) => (isDeploy(e) ? i : -1)).filter((i) => i >= 0).at(-1) ?? -1;
        expect(assignment, 'permission set assigned').to.be.greaterThan(-1);
        expect(assignment).to.be.lessThan(lastDeploy);
      });

      it('test gets a token as the Run As user (the permission set pre-authorizes it whatever the org does with profiles)', async () => {
        const result = await cli<TokenCheckResult>(['eca', 'clientcreds', 'test', '--target-org', 'emu', '--name', APP]);
        expect(result.exitCode, result.stdout + result.stderr).to.equal(0);
        expect(result.json?.result?.runAsUsername).to.equal(RUN_AS);
      });

      it('a change to the policy and the global settings deploys only what the org lacks and keeps what it does not own', async () => {
        if (combo.certificate) {
          emu.control.setAppField({ app: APP, type: 'ExtlClntAppGlobalOauthSettings', field: 'certificate', value: CERTIFICATE });
        }
        const policyFile = join(project.dir, 'force-app', 'main', 'default', 'extlClntAppOauthPolicies', `${APP}_oauthPlcy.ecaOauthPlcy-meta.xml`);
        const globalFile = join(
          project.dir,
          'force-app',
          'main',
          'default',
          'extlClntAppGlobalOauthSets',
          `${APP}_glbloauth.ecaGlblOauth-meta.xml`
        );
        await writeFile(
          policyFile,
          (await readFile(policyFile, 'utf8')).replace(
            `<commaSeparatedPermissionSet>${APP}_Access</commaSeparatedPermissionSet>`,
            `<commaSeparatedPermissionSet>${APP}_Access,${EXTRA_PERMISSION_SET}</commaSeparatedPermissionSet>`
          )
        );
        await writeFile(
          globalFile,
          (await readFile(globalFile, 'utf8')).replace(
            'https://login.salesforce.com/services/oauth2/success',
            'https://login.salesforce.com/services/oauth2/callback'
          )
        );
        const result = await deploy();
        expect(result.exitCode, result.stdout + result.stderr).to.equal(0);
        expect(names(policy().commaSeparatedPermissionSet)).to.deep.equal([EXTRA_PERMISSION_SET, `${APP}_Access`].sort());
        expect(names(policy().commaSeparatedProfile)).to.deep.equal(profileListed ? [`${APP} Integration`] : []);
        expect(result.json?.result?.preAuthorization?.sent.commaSeparatedPermissionSet).to.deep.equal([EXTRA_PERMISSION_SET]);
        expect(globalSettings().callbackUrl).to.equal('https://login.salesforce.com/services/oauth2/callback');
        const global = result.json?.result?.components.find((c) => c.type === 'ExtlClntAppGlobalOauthSettings');
        if (combo.certificate) {
          expect(globalSettings().certificate, 'certificate kept').to.equal(CERTIFICATE);
          expect(global?.carriedOver).to.deep.equal(['certificate']);
        } else {
          expect(globalSettings().certificate).to.equal(undefined);
          expect(global?.carriedOver).to.equal(undefined);
        }
      });

      it('a rerun with nothing changed succeeds, sends no metadata deploy and creates nothing', async () => {
        emu.control.clearRequestLog();
        const result = await deploy();
        expect(result.exitCode, result.stdout + result.stderr).to.equal(0);
        expect(log().filter(isDeploy), 'metadata deploys').to.deep.equal([]);
        expect(log().filter(isCreate), 'records created').to.deep.equal([]);
        expect(result.json?.result?.steps.map((s) => s.action)).to.not.include.members(['create', 'update']);
        if (combo.certificate) expect(globalSettings().certificate).to.equal(CERTIFICATE);
      });
    });
  }
});
