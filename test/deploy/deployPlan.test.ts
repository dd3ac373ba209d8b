/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { rm } from 'node:fs/promises';
import { expect } from 'chai';
import { Messages } from '@salesforce/core';
import { makePlan, type Phase } from '../../src/deploy/deployPlan.js';
import { contentKey, type OrgInventory } from '../../src/deploy/orgInventory.js';
import type { XmlNode } from '../../src/metadata/xml.js';
import { type AppFiles, readAppFiles } from '../../src/project/projectFiles.js';
import { type AppProject, writeAppProject } from './fixtures.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

const APP = 'My_Integration';
const RUN_AS = 'integration.user@example.com.test';
const PROFILE = 'My Integration Profile';
const PROFILE_ID = '00e000000000002AAA';
const USER_ID = '005000000000009AAA';

function freshOrg(extra: Partial<OrgInventory> = {}): OrgInventory {
  return {
    ecaAvailable: true,
    permissions: { customizeApplication: true, manageUsers: true, modifyAllData: false },
    appExists: false,
    components: {},
    profiles: {},
    permissionSets: { ['Integration_Access']: '0PS000000000001AAA' },
    assignedPermissionSetIds: [],
    content: {},
    requests: 0,
    ...extra,
  };
}

function deployedOrg(extra: Partial<OrgInventory> = {}): OrgInventory {
  return freshOrg({
    appExists: true,
    components: {
      ExtlClntAppGlobalOauthSettings: { fullName: `${APP}_glbloauth`, matchedBy: 'name' },
      ExtlClntAppOauthSettings: { fullName: `${APP}_oauth`, matchedBy: 'name' },
      ExtlClntAppOauthConfigurablePolicies: { fullName: `${APP}_oauthPlcy`, matchedBy: 'name' },
      ExtlClntAppConfigurablePolicies: { fullName: `${APP}_plcy`, matchedBy: 'name' },
    },
    profiles: { [PROFILE]: { id: PROFILE_ID, name: PROFILE, apiEnabled: true } },
    runAsUser: {
      id: USER_ID,
      username: RUN_AS,
      isActive: true,
      profileId: PROFILE_ID,
      profileName: PROFILE,
      profileApiEnabled: true,
      apiEnabledByPermissionSet: false,
    },
    assignedPermissionSetIds: ['0PS000000000001AAA'],
    ...extra,
  });
}

const kinds = (phases: Phase[]): string[] =>
  phases.map((p) => (p.kind === 'deploy' ? `deploy(${p.components.map((c) => c.type).join('+')})${p.checkOnly ? ':check' : ''}` : p.kind));

describe('deploy deployPlan', () => {
  let project: AppProject;
  let files: AppFiles;
  const read = async (extra: { runAsUsername?: string } = {}): Promise<AppFiles> =>
    readAppFiles({ projectRoot: project.root, packageDirs: [project.packageDir], apiVersion: '66.0', ...extra });

  beforeEach(async () => {
    project = await writeAppProject({ permsets: ['Integration_Access'], profileName: PROFILE });
    files = await read();
  });
  afterEach(() => project.cleanup());

  it('fresh org: profile, then the user and its permission sets, then app + policy in ONE deploy', () => {
    const plan = makePlan(files, freshOrg(), { dryRun: false });
    expect(plan.blockers).to.deep.equal([]);
    expect(plan.steps.map((s) => `${s.step}:${s.action}`)).to.deep.equal([
      'profile:create',
      'permissionSetFiles:skip',
      'user:create',
      'permissionSets:create',
      'app:create',
      'oauthPolicy:create',
    ]);
    expect(kinds(plan.phases)).to.deep.equal([
      'deploy(Profile)',
      'createUser',
      'assignPermissionSets',
      'deploy(ExternalClientApplication+ExtlClntAppGlobalOauthSettings+ExtlClntAppOauthSettings+ExtlClntAppConfigurablePolicies+ExtlClntAppOauthConfigurablePolicies)',
    ]);
    const create = plan.phases[1] as Extract<Phase, { kind: 'createUser' }>;
    expect(create.user.Username).to.equal(RUN_AS);
    expect(create.profileName).to.equal(PROFILE);
    const last = plan.phases[3] as Extract<Phase, { kind: 'deploy' }>;
    expect(last.policyIsNew).to.equal(true);
    expect(plan.components.every((c) => !c.adopted && c.fullName === c.localFullName)).to.equal(true);
  });

  it('second run: nothing to create, everything in a single deploy, no user or assignment phase', () => {
    const plan = makePlan(files, deployedOrg(), { dryRun: false });
    expect(plan.blockers).to.deep.equal([]);
    expect(plan.steps.map((s) => `${s.step}:${s.action}`)).to.deep.equal([
      'profile:update',
      'permissionSetFiles:skip',
      'user:unchanged',
      'permissionSets:unchanged',
      'app:update',
      'oauthPolicy:update',
    ]);
    // Without the org's content (not read), everything is deployed: the profile first, then app + policy.
    expect(kinds(plan.phases)).to.deep.equal([
      'deploy(Profile)',
      'deploy(ExternalClientApplication+ExtlClntAppGlobalOauthSettings+ExtlClntAppOauthSettings+ExtlClntAppConfigurablePolicies+ExtlClntAppOauthConfigurablePolicies)',
    ]);
  });

  /** The org's content as readMetadata returns it: the files' fields plus what the org adds. */
  function orgHolding(f: AppFiles, changes: Partial<Record<string, XmlNode>> = {}): Record<string, XmlNode> {
    const content: Record<string, XmlNode> = {};
    for (const c of [f.header, f.globalOauth, f.oauthSettings, f.oauthPolicy, ...(f.appPolicy ? [f.appPolicy] : []), ...(f.profile ? [f.profile] : [])]) {
      content[contentKey(c.type, c.fullName)] = { ...c.fields, fullName: c.fullName, ...(changes[c.type] ?? {}) };
    }
    return content;
  }

  it('never clobbers: components the org already holds (org-added and org-owned elements ignored) are not deployed', () => {
    const content = orgHolding(files, {
      ExtlClntAppGlobalOauthSettings: { consumerKey: 'KEY', isEnforceRefreshTokenTTL: 'false', isDPopEnabled: 'false' },
      ExtlClntAppOauthSettings: { oauthLink: '00D:abc', commaSeparatedCustomScopes: '' },
      ExternalClientApplication: { orgScopedExternalApp: '00D:My_Integration' },
    });
    const plan = makePlan(files, deployedOrg({ content }), { dryRun: false });
    expect(plan.phases).to.deep.equal([]);
    expect(plan.steps.map((s) => `${s.step}:${s.action}`)).to.deep.equal([
      'profile:unchanged',
      'permissionSetFiles:skip',
      'user:unchanged',
      'permissionSets:unchanged',
      'app:unchanged',
      'oauthPolicy:unchanged',
    ]);
    expect(plan.components.every((c) => c.upToDate)).to.equal(true);
  });

  it('leaves elements too new for the version (returned by orgs on retrieve) out of the deployed copy and the comparison', () => {
    const content = orgHolding(files);
    const withNewer: AppFiles = {
      ...files,
      globalOauth: {
        ...files.globalOauth,
        fields: { ...files.globalOauth.fields, isEnforceRefreshTokenTTL: 'true' },
        dropped: ['isEnforceRefreshTokenTTL'],
      },
    };
    expect(makePlan(withNewer, deployedOrg({ content }), { dryRun: false }).phases).to.deep.equal([]);
    const fresh = makePlan(withNewer, freshOrg(), { dryRun: false });
    expect(fresh.components.find((c) => c.type === 'ExtlClntAppGlobalOauthSettings')?.fieldOverrides).to.deep.equal({
      isEnforceRefreshTokenTTL: null,
    });
  });

  it('deploys only the components that differ', () => {
    const content = orgHolding(files, { ExtlClntAppGlobalOauthSettings: { callbackUrl: 'https://elsewhere.example.com/cb' } });
    const plan = makePlan(files, deployedOrg({ content }), { dryRun: false });
    expect(kinds(plan.phases)).to.deep.equal(['deploy(ExtlClntAppGlobalOauthSettings)']);
    expect(plan.components.find((c) => c.type === 'ExtlClntAppGlobalOauthSettings')?.differs).to.deep.equal(['callbackUrl']);
  });

  it("carries the org's certificate into the deployed global settings when the file lacks it, and says so", () => {
    const content = orgHolding(files, {
      ExtlClntAppGlobalOauthSettings: { certificate: 'MIIC-cert', callbackUrl: 'https://elsewhere.example.com/cb' },
    });
    const plan = makePlan(files, deployedOrg({ content }), { dryRun: false });
    const global = plan.components.find((c) => c.type === 'ExtlClntAppGlobalOauthSettings');
    expect(global).to.deep.include({ upToDate: false, carriedOver: ['certificate'], fieldOverrides: { certificate: 'MIIC-cert' } });
    expect(plan.warnings).to.include(
      messages.getMessage('info.carriedOver', ['certificate', 'ExtlClntAppGlobalOauthSettings', `${APP}_glbloauth`])
    );
    // Unchanged otherwise: the certificate alone is no reason to deploy.
    const same = makePlan(files, deployedOrg({ content: orgHolding(files, { ExtlClntAppGlobalOauthSettings: { certificate: 'MIIC-cert' } }) }), {
      dryRun: false,
    });
    expect(same.phases).to.deep.equal([]);
  });

  it('never sends a pre-authorization name the org already has: only the missing ones, or the element left out', async () => {
    await project.cleanup();
    project = await writeAppProject({ permsets: ['Integration_Access'], policyPermsets: ['Integration_Access'], profileName: PROFILE });
    files = await read();
    const policyKey = contentKey('ExtlClntAppOauthConfigurablePolicies', `${APP}_oauthPlcy`);
    const local = files.oauthPolicy.fields;
    // The org has the profile but not the permission set: send only the permission set, leave the profile out.
    const partial = orgHolding(files);
    partial[policyKey] = { ...partial[policyKey], commaSeparatedPermissionSet: 'Other_Set' };
    const plan = makePlan(files, deployedOrg({ content: partial }), { dryRun: false });
    const policy = plan.components.find((c) => c.type === 'ExtlClntAppOauthConfigurablePolicies');
    expect(local.commaSeparatedProfile).to.equal(PROFILE);
    expect(policy?.upToDate).to.equal(false);
    expect(policy?.fieldOverrides).to.deep.equal({ commaSeparatedPermissionSet: 'Integration_Access', commaSeparatedProfile: null });
    expect(policy?.preAuthorization?.commaSeparatedPermissionSet?.full).to.deep.equal(['Integration_Access', 'Other_Set']);
    // Granted already (the org's lists hold the wanted names, in another order and case, plus others): nothing to send.
    const granted = orgHolding(files);
    granted[policyKey] = {
      ...granted[policyKey],
      commaSeparatedPermissionSet: 'Other_Set, integration_access',
      commaSeparatedProfile: `${PROFILE},Admin`,
    };
    expect(makePlan(files, deployedOrg({ content: granted }), { dryRun: false }).phases).to.deep.equal([]);
  });

  it('adopts the org names of an app made in Setup or by an earlier deploy, and says so', () => {
    const org = deployedOrg({
      components: {
        ...deployedOrg().components,
        ExtlClntAppOauthConfigurablePolicies: { fullName: `${APP}_oauth_defaultPolicy`, matchedBy: 'externalClientApplication' },
        ExtlClntAppGlobalOauthSettings: { fullName: 'Setup_Global', matchedBy: 'externalClientApplication' },
      },
    });
    const plan = makePlan(files, org, { dryRun: false });
    const policy = plan.components.find((c) => c.type === 'ExtlClntAppOauthConfigurablePolicies');
    expect(policy).to.deep.include({ fullName: `${APP}_oauth_defaultPolicy`, localFullName: `${APP}_oauthPlcy`, adopted: true });
    expect(plan.components.find((c) => c.type === 'ExtlClntAppGlobalOauthSettings')?.fullName).to.equal('Setup_Global');
    expect(plan.warnings).to.include(
      messages.getMessage('info.adopted', ['ExtlClntAppOauthConfigurablePolicies', `${APP}_oauth_defaultPolicy`, `${APP}_oauthPlcy`])
    );
    expect(plan.steps.find((s) => s.step === 'oauthPolicy')?.reason).to.equal(
      messages.getMessage('reason.policyAdopted', [`${APP}_oauthPlcy`, RUN_AS])
    );
  });

  it('dry run on a fresh org: one check-only deploy without the policy (its user does not exist yet)', () => {
    const plan = makePlan(files, freshOrg(), { dryRun: true });
    expect(kinds(plan.phases)).to.deep.equal([
      'deploy(Profile+ExternalClientApplication+ExtlClntAppGlobalOauthSettings+ExtlClntAppOauthSettings+ExtlClntAppConfigurablePolicies):check',
    ]);
    expect(plan.warnings).to.include(messages.getMessage('warning.policyNotValidated', [RUN_AS]));
    expect(plan.steps.find((s) => s.step === 'user')?.action).to.equal('create');
  });

  it('dry run when the user exists: the policy is validated too', () => {
    const plan = makePlan(files, deployedOrg(), { dryRun: true });
    expect(plan.phases).to.have.length(1);
    const phase = plan.phases[0] as Extract<Phase, { kind: 'deploy' }>;
    expect(phase.checkOnly).to.equal(true);
    expect(phase.components.map((c) => c.type)).to.include('ExtlClntAppOauthConfigurablePolicies');
  });

  it('an inactive Run As user stops the run before the policy deploy', () => {
    const org = deployedOrg();
    const plan = makePlan(files, { ...org, runAsUser: { ...org.runAsUser!, isActive: false } }, { dryRun: false });
    expect(plan.blockers).to.deep.equal([messages.getMessage('blocker.userInactive', [RUN_AS])]);
  });

  it('a Run As user with another profile is never duplicated: it stops with the fix', () => {
    const org = deployedOrg();
    const plan = makePlan(files, { ...org, runAsUser: { ...org.runAsUser!, profileName: 'Standard User' } }, { dryRun: false });
    expect(plan.blockers).to.deep.equal([
      messages.getMessage('blocker.userProfileMismatch', [RUN_AS, 'Standard User', PROFILE, 'Standard User']),
    ]);
    expect(plan.phases.some((p) => p.kind === 'createUser')).to.equal(false);
  });

  it('a Run As user without API Enabled (profile or permission set) is reported; a permission set granting it is enough', () => {
    const org = deployedOrg();
    const noApi = { ...org, runAsUser: { ...org.runAsUser!, profileApiEnabled: false } };
    expect(makePlan(files, noApi, { dryRun: false }).blockers).to.deep.equal([messages.getMessage('blocker.userNoApi', [RUN_AS, PROFILE])]);
    const viaPermset = { ...org, runAsUser: { ...org.runAsUser!, profileApiEnabled: false, apiEnabledByPermissionSet: true } };
    expect(makePlan(files, viaPermset, { dryRun: false }).blockers).to.deep.equal([]);
    const unknown = { ...org, runAsUser: { ...org.runAsUser!, profileApiEnabled: undefined } };
    expect(makePlan(files, unknown, { dryRun: false }).blockers).to.deep.equal([]);
  });

  it('no user and no user definition: stops and says how to get one', async () => {
    await rm(project.files.userDef);
    const plan = makePlan(await read(), freshOrg(), { dryRun: false });
    expect(plan.blockers).to.include(messages.getMessage('blocker.userMissingNoDef', [RUN_AS, `config/${APP}.user-def.json`]));
  });

  it('an existing profile (not in the project) must be in the org; then no profile deploy', async () => {
    await rm(project.files.profiles);
    const noProfileFile = await read();
    const missing = makePlan(noProfileFile, freshOrg(), { dryRun: false });
    expect(missing.blockers).to.include(messages.getMessage('blocker.profileNotFound', [PROFILE]));
    const present = makePlan(
      noProfileFile,
      freshOrg({ profiles: { [PROFILE]: { id: PROFILE_ID, name: PROFILE, apiEnabled: true } } }),
      { dryRun: false }
    );
    expect(present.blockers).to.deep.equal([]);
    expect(present.steps[0]).to.deep.include({ step: 'profile', action: 'skip' });
    expect(kinds(present.phases)[0]).to.equal('createUser');
  });

  it('permission sets missing in the org stop the run', () => {
    const plan = makePlan(files, freshOrg({ permissionSets: {} }), { dryRun: false });
    expect(plan.blockers).to.include(messages.getMessage('blocker.permissionSetsNotFound', ['Integration_Access']));
  });

  it('names that are JavaScript object keys are not found in the org (issue 13: constructor passed the check)', () => {
    const names = ['constructor', 'valueOf', '__proto__', 'toString'];
    const plan = makePlan({ ...files, policyPermissionSets: names }, freshOrg(), { dryRun: false });
    expect(plan.blockers).to.include(messages.getMessage('blocker.permissionSetsNotFound', [names.join(', ')]));
    const dry = makePlan({ ...files, policyPermissionSets: names }, freshOrg(), { dryRun: true });
    expect(dry.blockers).to.include(messages.getMessage('blocker.permissionSetsNotFound', [names.join(', ')]));
  });

  it('suggests the org name that differs only in letter case (issue 13: casing reported as "not found")', () => {
    const plan = makePlan({ ...files, policyPermissionSets: ['integration_access'] }, freshOrg(), { dryRun: false });
    expect(plan.blockers).to.include(
      messages.getMessage('blocker.permissionSetsNotFound', [messages.getMessage('blocker.didYouMean', ['integration_access', 'Integration_Access'])])
    );
  });

  it('assigns only the permission sets the existing user lacks', () => {
    const plan = makePlan(files, deployedOrg({ assignedPermissionSetIds: [] }), { dryRun: false });
    // The profile file is deployed first (access components before assignments), then the assignment.
    expect(kinds(plan.phases)[1]).to.equal('assignPermissionSets');
    expect((plan.phases[1] as Extract<Phase, { kind: 'assignPermissionSets' }>).names).to.deep.equal(['Integration_Access']);
  });

  it('checks the deploying user permissions: Customize Application always, Manage Internal Users to create the user', () => {
    const noCustomize = makePlan(
      files,
      deployedOrg({ permissions: { customizeApplication: false, manageUsers: true, modifyAllData: false } }),
      { dryRun: false }
    );
    expect(noCustomize.blockers).to.deep.equal([messages.getMessage('blocker.missingPermission', ['Customize Application'])]);
    const noManageUsersRerun = makePlan(
      files,
      deployedOrg({ permissions: { customizeApplication: true, manageUsers: false, modifyAllData: false } }),
      { dryRun: false }
    );
    expect(noManageUsersRerun.blockers).to.deep.equal([]);
    const noManageUsersFresh = makePlan(
      files,
      freshOrg({ permissions: { customizeApplication: true, manageUsers: false, modifyAllData: false } }),
      { dryRun: false }
    );
    expect(noManageUsersFresh.blockers).to.deep.equal([messages.getMessage('blocker.missingPermission', ['Manage Internal Users'])]);
    const modifyAll = makePlan(
      files,
      freshOrg({ permissions: { customizeApplication: false, manageUsers: false, modifyAllData: true } }),
      { dryRun: false }
    );
    expect(modifyAll.blockers).to.deep.equal([]);
  });

  it('an org without External Client Apps stops the run', () => {
    const plan = makePlan(files, freshOrg({ ecaAvailable: false }), { dryRun: false });
    expect(plan.blockers).to.include(messages.getMessage('blocker.ecaUnavailable'));
  });

  it('--run-as-username: the policy copy and the created user carry the override', async () => {
    const override = 'integration.user@example.com.uat';
    const plan = makePlan(await read({ runAsUsername: override }), freshOrg(), { dryRun: false });
    expect(plan.runAsUsername).to.equal(override);
    expect(plan.components.find((c) => c.type === 'ExtlClntAppOauthConfigurablePolicies')?.runAsUsername).to.equal(override);
    const create = plan.phases.find((p) => p.kind === 'createUser') as Extract<Phase, { kind: 'createUser' }>;
    expect(create.user.Username).to.equal(override);
    expect(plan.components.filter((c) => c.runAsUsername)).to.have.length(1);
  });

  it('without an override the policy is deployed as written', () => {
    const plan = makePlan(files, freshOrg(), { dryRun: false });
    expect(plan.components.find((c) => c.type === 'ExtlClntAppOauthConfigurablePolicies')?.runAsUsername).to.equal(undefined);
  });
});
