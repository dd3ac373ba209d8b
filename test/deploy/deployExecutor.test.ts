/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { Messages, type SfError } from '@salesforce/core';
import { Duration } from '@salesforce/kit';
import { makePlan } from '../../src/deploy/deployPlan.js';
import { advice, executePlan, type ExecutionContext, type ProgressEvent } from '../../src/deploy/deployExecutor.js';
import type { MetadataDeployer, MetadataDeployOutcome, MetadataDeployRequest } from '../../src/deploy/metadataDeploy.js';
import type { OrgInventory } from '../../src/deploy/orgInventory.js';
import { parseMetadataXml } from '../../src/metadata/xml.js';
import { type AppFiles, readAppFiles } from '../../src/project/projectFiles.js';
import { type FakeOrg, fakeApi, fakeOrg } from './fakeOrgApi.js';
import { type AppProject, writeAppProject } from './fixtures.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

const APP = 'My_Integration';
const PROFILE = 'My Integration Profile';
const POLICY = 'ExtlClntAppOauthConfigurablePolicies';

function freshInventory(): OrgInventory {
  return {
    ecaAvailable: true,
    permissions: undefined,
    appExists: false,
    components: {},
    profiles: {},
    permissionSets: { A: '0PS000000000001AAA' },
    assignedPermissionSetIds: [],
    content: {},
    requests: 0,
  };
}

type Script = (request: MetadataDeployRequest, index: number) => Partial<MetadataDeployOutcome> | Error;

type FakeDeployer = MetadataDeployer & { requests: MetadataDeployRequest[] };

/** A deployer that records requests and answers from a script; successes create profiles in the fake org. */
function fakeDeployer(
  org: FakeOrg,
  script: Script = (): Partial<MetadataDeployOutcome> => ({}),
  lists: 'replace' | 'additive' = 'replace'
): FakeDeployer {
  const requests: MetadataDeployRequest[] = [];
  const deployer = (request: MetadataDeployRequest): Promise<MetadataDeployOutcome> => {
    requests.push(request);
    const id = `0Af00000000000${requests.length}AAA`;
    request.onStart?.(id);
    const answer = script(request, requests.length - 1);
    if (answer instanceof Error) return Promise.reject(answer);
    const success = answer.success ?? true;
    if (success && !request.checkOnly) {
      for (const c of request.components) {
        if (c.type === 'Profile') org.profiles.push({ Id: '00e000000000077AAA', Name: c.fullName });
        else {
          // The org keeps what the deployed copy says (a replacing org): the file's fields with the plan's overrides.
          const fields: Record<string, string> = {};
          for (const [k, v] of Object.entries(parseMetadataXml(readFileSync(c.filePath, 'utf8')).fields)) {
            if (typeof v === 'string') fields[k] = v;
          }
          for (const [k, v] of Object.entries(c.fieldOverrides ?? {})) {
            if (v === null) delete fields[k];
            else fields[k] = v;
          }
          const existing = org.components.find((x) => x.type === c.type && x.fullName === c.fullName);
          if (existing && lists === 'additive') {
            for (const list of ['commaSeparatedPermissionSet', 'commaSeparatedProfile']) {
              const names = [existing.fields?.[list], fields[list]].filter(Boolean).join(',');
              if (names) fields[list] = [...new Set(names.split(','))].join(',');
            }
          }
          if (existing) existing.fields = fields;
          else org.components.push({ type: c.type, fullName: c.fullName, externalClientApplication: APP, fields });
        }
      }
    }
    return Promise.resolve({
      id,
      status: success ? 'Succeeded' : 'Failed',
      success,
      components: request.components.map((c) => ({ type: c.type, fullName: c.fullName, state: request.checkOnly ? 'Validated' : 'Created' })),
      otherFailures: [],
      ...answer,
    });
  };
  return Object.assign(deployer, { requests });
}

async function rejection(p: Promise<unknown>): Promise<SfError> {
  try {
    await p;
  } catch (e) {
    return e as SfError;
  }
  expect.fail('expected an error');
}

describe('deploy deployExecutor', () => {
  let project: AppProject;
  let files: AppFiles;
  beforeEach(async () => {
    project = await writeAppProject({ permsets: ['A'], profileName: PROFILE });
    files = await readAppFiles({ projectRoot: project.root, packageDirs: [project.packageDir], apiVersion: '66.0' });
  });
  afterEach(() => project.cleanup());

  const context = (org: FakeOrg, deploy: MetadataDeployer, inventory = freshInventory(), events: ProgressEvent[] = []): ExecutionContext => ({
    api: fakeApi(org),
    deploy,
    inventory,
    projectRoot: project.root,
    targetOrg: 'prod',
    wait: Duration.minutes(1),
    onProgress: (e) => events.push(e),
  });

  it('runs the phases in order: profile deploy, user creation with the deployed profile Id, assignment, app deploy', async () => {
    const org = fakeOrg();
    const deployer = fakeDeployer(org);
    const events: ProgressEvent[] = [];
    const ctx = context(org, deployer, freshInventory(), events);
    const result = await executePlan(makePlan(files, freshInventory(), { dryRun: false }), ctx);
    expect(deployer.requests.map((r) => r.components.map((c) => c.type))).to.deep.equal([
      ['Profile'],
      ['ExternalClientApplication', 'ExtlClntAppGlobalOauthSettings', 'ExtlClntAppOauthSettings', 'ExtlClntAppConfigurablePolicies', POLICY],
    ]);
    const user = org.users[0];
    expect(user.ProfileId).to.equal('00e000000000077AAA');
    expect(org.assignments).to.deep.equal([{ AssigneeId: user.Id, PermissionSetId: '0PS000000000001AAA' }]);
    expect(result.steps.every((s) => s.status === 'done')).to.equal(true);
    expect(result.runAsUserId).to.equal(user.Id);
    expect(result.deployIds).to.have.length(2);
    expect(result.components.map((c) => c.state)).to.deep.equal(Array(6).fill('Created'));
    expect(result.components[0].filePath).to.equal(`force-app/main/default/profiles/${PROFILE}.profile-meta.xml`);
    expect(events.filter((e) => e.kind === 'phase' && e.status === 'start').map((e) => (e.kind === 'phase' ? e.phase : ''))).to.deep.equal([
      'deploy',
      'createUser',
      'assignPermissionSets',
      'deploy',
    ]);
  });

  it("reads the new profile's Id, the org's user fields and the permission set Ids together, before creating the user, once each", async () => {
    // A permission set this run deploys: the inventory did not have it, the org has it after the first deploy.
    const org = fakeOrg({ permissionSets: [{ Id: '0PS000000000002AAA', Name: 'A' }] });
    const ctx = context(org, fakeDeployer(org), { ...freshInventory(), permissionSets: {} });
    const api = ctx.api as ReturnType<typeof fakeApi>;
    await executePlan(makePlan(files, freshInventory(), { dryRun: false }), ctx);
    const calls = api.calls.map((c) => `${c.method} ${c.method === 'query' ? (/FROM (\w+)/.exec(c.arg)?.[1] ?? '') : c.arg}`);
    const userCreated = calls.indexOf('create User');
    expect(userCreated, calls.join('\n')).to.be.greaterThan(0);
    const beforeUser = calls.slice(0, userCreated);
    expect(beforeUser).to.include.members(['query Profile', 'describe User', 'query PermissionSet']);
    expect(calls.filter((c) => c === 'query PermissionSet'), 'the assignment uses the Ids read with the user').to.have.length(1);
    expect(calls.indexOf('create PermissionSetAssignment')).to.be.greaterThan(userCreated);
    expect(org.assignments.map((a) => a.PermissionSetId)).to.deep.equal(['0PS000000000002AAA']);
  });

  it('deploys once more when the org\'s "depends on permission(s)" failure is fixed by the hook, and only once', async () => {
    const org = fakeOrg();
    const dependsOn = 'Permission View All Data depends on permission(s): View Event Log Files';
    const deployer = fakeDeployer(org, (request, i) =>
      i === 0 || i === 1
        ? {
            success: false,
            status: 'Failed',
            components: request.components.map((c) => ({ type: c.type, fullName: c.fullName, state: 'Failed' as const, problem: dependsOn })),
          }
        : {}
    );
    const calls: string[] = [];
    const ctx: ExecutionContext = {
      ...context(org, deployer),
      addMissingPermissions: (components, outcomes) => {
        calls.push(outcomes.map((o) => o.problem).join());
        for (const c of components) c.addedPermissions = ['ViewEventLogFiles'];
        return Promise.resolve(calls.length === 1);
      },
    };
    const error = await rejection(executePlan(makePlan(files, freshInventory(), { dryRun: false }), ctx));
    expect(deployer.requests, 'the profile deploy and one retry').to.have.length(2);
    expect(deployer.requests[1].components[0].addedPermissions).to.deep.equal(['ViewEventLogFiles']);
    expect(error.message).to.include(dependsOn).and.include(messages.getMessage('advice.permissionDependency'));
  });

  it('assigns the permission set license before the permission sets', async () => {
    const org = fakeOrg();
    const plan = makePlan(files, freshInventory(), { dryRun: false });
    const userAt = plan.phases.findIndex((p) => p.kind === 'createUser');
    plan.phases.splice(userAt + 1, 0, { kind: 'assignPermissionSetLicense', permissionSetLicenseId: '0PL1', developerName: 'SalesforceAPIIntegrationPsl' });
    const api = fakeApi(org);
    await executePlan(plan, { ...context(org, fakeDeployer(org)), api });
    expect(api.calls.filter((c) => c.method === 'create').map((c) => c.arg)).to.deep.equal([
      'User',
      'PermissionSetLicenseAssign',
      'PermissionSetAssignment',
    ]);
  });

  it('a component failure stops the run, lists what was done, and marks the rest', async () => {
    const org = fakeOrg();
    const deployer = fakeDeployer(org, (request, i) =>
      i === 1
        ? {
            success: false,
            status: 'Failed',
            components: request.components.map((c) =>
              c.type === POLICY
                ? { type: c.type, fullName: c.fullName, state: 'Failed' as const, problem: 'Enter a valid execution user for the OAuth client credentials flow.', line: 2 }
                : { type: c.type, fullName: c.fullName, state: 'NotDeployed' as const }
            ),
          }
        : {}
    );
    const error = await rejection(executePlan(makePlan(files, freshInventory(), { dryRun: false }), context(org, deployer)));
    expect(error.name).to.equal('ComponentFailuresError');
    expect(error.message).to.include(
      `${POLICY} ${APP}_oauthPlcy (force-app/main/default/extlClntAppOauthPolicies/${APP}_oauthPlcy.ecaOauthPlcy-meta.xml:2)`
    );
    expect(error.message).to.include(messages.getMessage('advice.executionUser'));
    expect(error.message).to.include(`- profile: create ${PROFILE}`);
    expect(error.message).to.include('- user: create integration.user@example.com.test');
    expect(error.actions).to.include(messages.getMessage('action.rerun'));
    const data = error.data as { steps: Array<{ step: string; status: string }>; components: Array<{ type: string; state: string; problem?: string }> };
    expect(data.steps.map((s) => s.status)).to.deep.equal(['done', 'done', 'done', 'done', 'failed', 'failed']);
    expect(data.components.find((c) => c.type === POLICY)).to.deep.include({ state: 'Failed', problem: 'Enter a valid execution user for the OAuth client credentials flow.' });
    expect(error.exitCode).to.equal(1);
  });

  it('an org error mid-way is mapped (session expired) and lists what was done', async () => {
    const org = fakeOrg({ createErrors: { User: { errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' } } });
    const error = await rejection(executePlan(makePlan(files, freshInventory(), { dryRun: false }), context(org, fakeDeployer(org))));
    expect(error.name).to.equal('SessionExpiredError');
    expect(error.message).to.include(messages.getMessage('info.doneBeforeFailure', [`- profile: create ${PROFILE}`]));
    expect((error.data as { steps: Array<{ status: string }> }).steps.map((s) => s.status)).to.deep.equal([
      'done',
      'done',
      'failed',
      'notRun',
      'notRun',
      'notRun',
    ]);
  });

  it('a connection lost after the org accepted a deploy does not claim nothing changed (issue 13)', async () => {
    const org = fakeOrg();
    const deployer = fakeDeployer(org, () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const error = await rejection(executePlan(makePlan(files, freshInventory(), { dryRun: false }), context(org, deployer)));
    expect(error.name).to.equal('OrgUnreachableError');
    expect(error.message).to.not.include(messages.getMessage('info.nothingChanged'));
    expect(error.message).to.include(messages.getMessage('info.inFlightDeploy', ['profile', '0Af000000000001AAA']));
  });

  it('a deploy the org refused with component failures changed nothing, and says so', async () => {
    const org = fakeOrg();
    const deployer = fakeDeployer(org, (request) => ({
      success: false,
      components: request.components.map((c) => ({ type: c.type, fullName: c.fullName, state: 'Failed' as const, problem: 'bad' })),
    }));
    const error = await rejection(executePlan(makePlan(files, freshInventory(), { dryRun: false }), context(org, deployer)));
    expect(error.name).to.equal('ComponentFailuresError');
    expect(error.message).to.include(messages.getMessage('info.nothingChanged'));
  });

  it('falls back to two phases when the org refuses the new policy as a duplicate of one it generated', async () => {
    const org = fakeOrg();
    const deployer = fakeDeployer(org, (request) => {
      const policy = request.components.find((c) => c.type === POLICY);
      if (policy && request.components.length > 1) {
        return {
          success: false,
          components: request.components.map((c) =>
            c === policy
              ? { type: c.type, fullName: c.fullName, state: 'Failed' as const, problem: `DUPLICATE_VALUE: ExtlClntAppOauthSettingsId duplicates value on ${APP}_oauth_defaultPolicy` }
              : { type: c.type, fullName: c.fullName, state: 'NotDeployed' as const }
          ),
        };
      }
      if (!policy) org.components.push({ type: POLICY, fullName: `${APP}_oauth_defaultPolicy`, externalClientApplication: APP });
      return {};
    });
    const result = await executePlan(makePlan(files, freshInventory(), { dryRun: false }), context(org, deployer));
    expect(deployer.requests.map((r) => r.components.map((c) => c.fullName).join(','))).to.deep.equal([
      PROFILE,
      `${APP},${APP}_glbloauth,${APP}_oauth,${APP}_plcy,${APP}_oauthPlcy`,
      `${APP},${APP}_glbloauth,${APP}_oauth,${APP}_plcy`,
      `${APP}_oauth_defaultPolicy`,
    ]);
    expect(result.components.find((c) => c.type === POLICY)).to.deep.include({
      fullName: `${APP}_oauth_defaultPolicy`,
      localFullName: `${APP}_oauthPlcy`,
      adopted: true,
      state: 'Created',
    });
  });

  it('also falls back when the org wants the app deployed first, but not for a problem in the policy itself', async () => {
    const run = async (problem: string): Promise<{ requests: number; error?: SfError }> => {
      const org = fakeOrg();
      const deployer = fakeDeployer(org, (request) => {
        const policy = request.components.find((c) => c.type === POLICY);
        if (policy && request.components.length > 1) {
          return {
            success: false,
            components: request.components.map((c) =>
              c === policy
                ? { type: c.type, fullName: c.fullName, state: 'Failed' as const, problem }
                : { type: c.type, fullName: c.fullName, state: 'NotDeployed' as const }
            ),
          };
        }
        return {};
      });
      try {
        await executePlan(makePlan(files, freshInventory(), { dryRun: false }), context(org, deployer));
        return { requests: deployer.requests.length };
      } catch (e) {
        return { requests: deployer.requests.length, error: e as SfError };
      }
    };
    const appFirst = await run(`Deploy the external client application ${APP} before its policies.`);
    expect(appFirst.error).to.equal(undefined);
    expect(appFirst.requests).to.equal(4);
    const runAs = await run('Enter a valid execution user for the OAuth client credentials flow.');
    expect(runAs.error?.name).to.equal('ComponentFailuresError');
    expect(runAs.requests).to.equal(2);
  });

  it('says what to do for each component problem the reference knows', () => {
    const say = (problem: string): string => advice({ type: POLICY, fullName: 'x', state: 'Failed', problem });
    expect(say('Enter a valid execution user for the OAuth client credentials flow.')).to.equal(messages.getMessage('advice.executionUser'));
    expect(say('DUPLICATE_VALUE: ExtlClntAppOauthSettingsId duplicates value on X')).to.equal(messages.getMessage('advice.duplicatePolicy'));
    expect(say("INVALID_FIELD: We couldn't find permission sets called Foo")).to.equal(messages.getMessage('advice.permissionSets'));
    expect(say("External client apps aren't enabled in this org. Turn on enableExternalClientApps")).to.equal(
      messages.getMessage('advice.ecaDisabled')
    );
    expect(say('Element {http://soap.sforce.com/2006/04/metadata}foo invalid at this location in type X')).to.equal(
      messages.getMessage('advice.unknownElement')
    );
    expect(say('Something else')).to.equal(messages.getMessage('advice.generic'));
  });

  describe('pre-authorization lists', () => {
    const policyName = `${APP}_oauthPlcy`;
    async function setupPolicyChange(): Promise<{ org: FakeOrg; inventory: OrgInventory }> {
      await project.cleanup();
      project = await writeAppProject({ permsets: ['A'], policyPermsets: ['A', 'B'], profileName: PROFILE, withProfile: false });
      files = await readAppFiles({ projectRoot: project.root, packageDirs: [project.packageDir], apiVersion: '66.0' });
      const orgPolicy: Record<string, string> = {};
      for (const [k, v] of Object.entries(files.oauthPolicy.fields)) if (typeof v === 'string') orgPolicy[k] = v;
      orgPolicy.commaSeparatedPermissionSet = 'A';
      const org = fakeOrg({
        components: [{ type: POLICY, fullName: policyName, externalClientApplication: APP, fields: orgPolicy }],
        permissionSets: [
          { Id: '0PS000000000001AAA', Name: 'A' },
          { Id: '0PS000000000002AAA', Name: 'B' },
        ],
      });
      const inventory: OrgInventory = {
        ...freshInventory(),
        appExists: true,
        components: { ExtlClntAppOauthConfigurablePolicies: { fullName: policyName, matchedBy: 'name' } },
        profiles: { [PROFILE]: { id: '00e000000000002AAA', name: PROFILE, apiEnabled: true } },
        runAsUser: {
          id: '005000000000009AAA',
          username: files.runAsUsername,
          isActive: true,
          profileName: PROFILE,
          profileApiEnabled: true,
          apiEnabledByPermissionSet: false,
        },
        permissionSets: { A: '0PS000000000001AAA', B: '0PS000000000002AAA' },
        assignedPermissionSetIds: ['0PS000000000001AAA'],
        content: { [`${POLICY}:${policyName}`]: { ...orgPolicy, fullName: policyName } },
      };
      return { org, inventory };
    }

    it('a replacing org: only the missing name is sent, then the read-back finds one lost and the full list is sent', async () => {
      const { org, inventory } = await setupPolicyChange();
      const deployer = fakeDeployer(org, undefined, 'replace');
      const result = await executePlan(makePlan(files, inventory, { dryRun: false }), context(org, deployer, inventory));
      const policyDeploys = deployer.requests.map((r) => r.components.find((c) => c.type === POLICY)).filter(Boolean);
      expect(policyDeploys.map((c) => c?.fieldOverrides?.commaSeparatedPermissionSet)).to.deep.equal(['B', 'A,B']);
      expect(result.preAuthorization).to.deep.equal({
        sent: { commaSeparatedPermissionSet: ['B'] },
        resent: { commaSeparatedPermissionSet: ['A'] },
      });
      expect(org.components.find((c) => c.type === POLICY)?.fields?.commaSeparatedPermissionSet).to.equal('A,B');
    });

    it('an additive org: only the missing name is sent, once', async () => {
      const { org, inventory } = await setupPolicyChange();
      const deployer = fakeDeployer(org, undefined, 'additive');
      const result = await executePlan(makePlan(files, inventory, { dryRun: false }), context(org, deployer, inventory));
      const policyDeploys = deployer.requests.map((r) => r.components.find((c) => c.type === POLICY)).filter(Boolean);
      expect(policyDeploys.map((c) => c?.fieldOverrides?.commaSeparatedPermissionSet)).to.deep.equal(['B']);
      expect(result.preAuthorization).to.deep.equal({ sent: { commaSeparatedPermissionSet: ['B'] } });
    });
  });

  it('dry run: one check-only deploy, no user or assignment, steps validated or would run', async () => {
    const org = fakeOrg();
    const deployer = fakeDeployer(org);
    const result = await executePlan(makePlan(files, freshInventory(), { dryRun: true }), context(org, deployer));
    expect(deployer.requests).to.have.length(1);
    expect(deployer.requests[0].checkOnly).to.equal(true);
    expect(org.users).to.have.length(0);
    expect(result.steps.map((s) => `${s.step}:${s.status}`)).to.deep.equal([
      'profile:validated',
      'permissionSetFiles:done',
      'user:wouldRun',
      'permissionSets:wouldRun',
      'app:validated',
      'oauthPolicy:wouldRun',
    ]);
    expect(result.components.find((c) => c.type === POLICY)?.state).to.equal('NotValidated');
  });

  it('a dry run failure says nothing was changed and does not suggest a rerun', async () => {
    const org = fakeOrg();
    const deployer = fakeDeployer(org, (request) => ({
      success: false,
      components: request.components.map((c) => ({ type: c.type, fullName: c.fullName, state: 'Failed' as const, problem: 'bad' })),
    }));
    const error = await rejection(executePlan(makePlan(files, freshInventory(), { dryRun: true }), context(org, deployer)));
    expect(error.message).to.include(messages.getMessage('info.dryRunNothingChanged'));
    expect(error.actions).not.to.include(messages.getMessage('action.rerun'));
  });
});
