/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages } from '@salesforce/core';
import type { EcaTypeName, GeneratedTypeName } from '../metadata/ecaTypes.js';
import type { AppFiles, LocalComponent, UserDefinition } from '../project/projectFiles.js';
import { differingElements } from '../metadata/componentCompare.js';
import { textOf, type XmlNode } from '../metadata/xml.js';
import { ownValue } from '../org/nameLookup.js';
import { contentKey, type OrgInventory } from './orgInventory.js';
import { firstDeployLists, isGranted, planPreAuthorization, PRE_AUTHORIZATION_LISTS, type PreAuthorizationPlan } from './preAuthorization.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

/**
 * The deploy plan: pure, from the project files and the org inventory to ordered steps, each with an action and a
 * reason, and the phases that carry them out. Executing it is separate (deployExecutor.ts), so --dry-run and tests
 * can inspect it, and a rerun after a failure plans only what is left (the inventory sees what exists).
 *
 * Order (eca-metadata.md section 11): the profile before the user, the user before the OAuth policy that names it,
 * the app before its policies. Phases:
 * - Run As user missing: deploy the profile (if it is in the project), create the user, assign its permission sets,
 * then deploy the app header, both OAuth settings, the app policies AND the OAuth policy in ONE deploy. The Help
 * deploys header + settings + policies in one manifest [D] and sfdx-hardis deploys all five at once [T]; one deploy
 * is atomic (rollbackOnError), so a failure leaves nothing half-deployed, and it costs one deploy instead of two.
 * Should an org refuse the new policy in that deploy (a DUPLICATE_VALUE with the default policy it generated, or
 * wanting the app deployed first: [U]), the executor falls back to two phases (app first, then the policy under
 * the name the org generated); the fallback costs requests only in that failure case.
 * - Run As user exists (rerun, or a user made by hand): everything, the profile included, in one deploy.
 * - --dry-run: one check-only deploy of everything that can be validated now; the OAuth policy only when its Run As
 * user already exists (a check-only deploy cannot see a user that is not created yet).
 *
 * Never clobber: a component whose content the org already holds (componentCompare.ts: the file's elements, normalised,
 * org-owned and org-added elements ignored) is not deployed, so a rerun with nothing changed sends no deploy. The
 * profile and permission set files are deployed before the user is created and the permission sets assigned; a
 * permission set is assigned before the policy that pre-authorizes it is deployed (reported as needed [T]). The
 * policy's pre-authorization lists never carry a name the org already has (preAuthorization.ts). The global OAuth
 * settings deploy replaces the settings as a whole [T]: a certificate the org has and the file lacks is carried over
 * into the deployed copy, and the run says so.
 */

export type StepName = 'profile' | 'permissionSetFiles' | 'user' | 'permissionSets' | 'app' | 'oauthPolicy';
export type StepAction = 'create' | 'update' | 'unchanged' | 'skip';

export type PlanStep = {
  step: StepName;
  action: StepAction;
  /** What the step acts on (a profile name, a username, component names). */
  target: string;
  /** Why this action, worded for the user. */
  reason: string;
};

export type PlannedComponent = {
  type: GeneratedTypeName;
  /** The name it is deployed under (the org's existing name when adopted). */
  fullName: string;
  /** The name in the project (the file's base name). */
  localFullName: string;
  filePath: string;
  step: 'profile' | 'permissionSetFiles' | 'app' | 'oauthPolicy';
  /** True when the org already has this app's component under another name, which is deployed instead. */
  adopted: boolean;
  /** Replacement <clientCredentialsFlowUser> (from --run-as-username) written into the deployed copy. */
  runAsUsername?: string;
  /** User permissions added to the deployed copy of a profile/permission set (permissionDependencies.ts). */
  addedPermissions?: string[];
  /** The org already holds the file's content: the component is not deployed. */
  upToDate: boolean;
  /** Elements of the file whose value the org does not have (when the org has the component). */
  differs?: string[];
  /** Elements set (string) or removed (null) in the deployed copy. */
  fieldOverrides?: Record<string, string | null>;
  /** Elements the deployed copy keeps from the org because the file lacks them (the global settings' certificate). */
  carriedOver?: string[];
  /** The OAuth policy's pre-authorization lists against the org's. */
  preAuthorization?: PreAuthorizationPlan;
};

export type Phase =
  | { kind: 'deploy'; steps: StepName[]; components: PlannedComponent[]; checkOnly: boolean; policyIsNew: boolean }
  | { kind: 'createUser'; user: UserDefinition; profileName: string }
  | { kind: 'assignPermissionSets'; names: string[] }
  /** The Integration permission set license, before any permission set (licenses.ts). */
  | { kind: 'assignPermissionSetLicense'; permissionSetLicenseId: string; developerName: string };

export type Plan = {
  appName: string;
  runAsUsername: string;
  dryRun: boolean;
  steps: PlanStep[];
  components: PlannedComponent[];
  phases: Phase[];
  /** Problems found in the org that stop the run before anything changes. */
  blockers: string[];
  warnings: string[];
};

export type PlanOptions = { dryRun: boolean };

export function makePlan(files: AppFiles, org: OrgInventory, options: PlanOptions): Plan {
  const blockers: string[] = [];
  const warnings: string[] = [];
  if (!org.ecaAvailable) blockers.push(messages.getMessage('blocker.ecaUnavailable'));

  const { appComponents, policy, profileComponent, permissionSetComponents } = planComponents(files, org);
  const profileStep = planProfile(files, org, blockers, profileComponent);
  const permissionSetFilesStep = planPermissionSetFiles(permissionSetComponents);
  const userStep = planUser(files, org, blockers);
  if (files.profile && !userProfileApiEnabled(files.profile) && !org.runAsUser) {
    warnings.push(messages.getMessage('warning.profileNoApi', [files.profile.fullName]));
  }
  const { step: permsetStep, toAssign } = planPermissionSets(files, org, blockers);
  for (const c of [...appComponents, policy].filter((x) => x.adopted)) {
    warnings.push(messages.getMessage('info.adopted', [c.type, c.fullName, c.localFullName]));
  }
  for (const c of appComponents.filter((x) => x.carriedOver?.length && !x.upToDate)) {
    warnings.push(messages.getMessage('info.carriedOver', [c.carriedOver?.join(', ') ?? '', c.type, c.fullName]));
  }
  const appStep = planApp(files, org, appComponents);
  const policyInOrg = Boolean(org.components.ExtlClntAppOauthConfigurablePolicies);
  const policyStep = planPolicy(files, policy, policyInOrg);
  const needsUserAdmin = userStep.action === 'create' || permsetStep.action === 'create';
  blockers.push(...permissionBlockers(org, needsUserAdmin));

  const phases = planPhases({
    files,
    org,
    dryRun: options.dryRun,
    createUser: userStep.action === 'create',
    toAssign,
    appComponents,
    policy,
    accessComponents: [...(profileComponent ? [profileComponent] : []), ...permissionSetComponents],
    policyIsNew: !policyInOrg,
    warnings,
  });
  return {
    appName: files.appName,
    runAsUsername: files.runAsUsername,
    dryRun: options.dryRun,
    steps: [profileStep, permissionSetFilesStep, userStep, permsetStep, appStep, policyStep],
    components: [...(profileComponent ? [profileComponent] : []), ...permissionSetComponents, ...appComponents, policy],
    phases,
    blockers,
    warnings,
  };
}

function planApp(files: AppFiles, org: OrgInventory, appComponents: PlannedComponent[]): PlanStep {
  const upToDate = org.appExists && appComponents.every((c) => c.upToDate);
  return {
    step: 'app',
    action: upToDate ? 'unchanged' : org.appExists ? 'update' : 'create',
    target: files.appName,
    reason: messages.getMessage(upToDate ? 'reason.appUnchanged' : org.appExists ? 'reason.appUpdate' : 'reason.appCreate'),
  };
}

function planPolicy(files: AppFiles, policy: PlannedComponent, policyInOrg: boolean): PlanStep {
  return {
    step: 'oauthPolicy',
    action: policy.upToDate ? 'unchanged' : policyInOrg ? 'update' : 'create',
    target: policy.fullName,
    reason: policy.upToDate
      ? messages.getMessage('reason.policyUnchanged')
      : policy.adopted
      ? messages.getMessage('reason.policyAdopted', [policy.localFullName, files.runAsUsername])
      : messages.getMessage(policyInOrg ? 'reason.policyUpdate' : 'reason.policyCreate', [files.runAsUsername]),
  };
}

function planProfile(files: AppFiles, org: OrgInventory, blockers: string[], component?: PlannedComponent): PlanStep {
  const profileName = files.profileName;
  const orgProfile = profileName ? ownValue(org.profiles, profileName) : undefined;
  if (files.profile) {
    if (component?.upToDate) {
      return { step: 'profile', action: 'unchanged', target: files.profile.fullName, reason: messages.getMessage('reason.profileUnchanged') };
    }
    return {
      step: 'profile',
      action: orgProfile ? 'update' : 'create',
      target: files.profile.fullName,
      reason: messages.getMessage(orgProfile ? 'reason.profileUpdate' : 'reason.profileCreate'),
    };
  }
  if (profileName) {
    if (!orgProfile && !org.runAsUser) blockers.push(messages.getMessage('blocker.profileNotFound', [profileName]));
    return { step: 'profile', action: 'skip', target: profileName, reason: messages.getMessage('reason.profileExisting') };
  }
  return { step: 'profile', action: 'skip', target: '-', reason: messages.getMessage('reason.profileUnknown') };
}

/** The project's permission set files (the generated access permission set): created or updated before assignment. */
function planPermissionSetFiles(components: PlannedComponent[]): PlanStep {
  if (components.length === 0) {
    return { step: 'permissionSetFiles', action: 'skip', target: '-', reason: messages.getMessage('reason.permissionSetFilesNone') };
  }
  const pending = components.filter((c) => !c.upToDate);
  const target = (pending.length ? pending : components).map((c) => c.fullName).join(', ');
  if (pending.length === 0) {
    return { step: 'permissionSetFiles', action: 'unchanged', target, reason: messages.getMessage('reason.permissionSetFilesUnchanged') };
  }
  const anyNew = pending.some((c) => c.differs === undefined);
  return {
    step: 'permissionSetFiles',
    action: anyNew ? 'create' : 'update',
    target,
    reason: messages.getMessage('reason.permissionSetFilesDeploy'),
  };
}

/** Reuse an existing Run As user only when it is active, has the expected profile and API access; never duplicate. */
function planUser(files: AppFiles, org: OrgInventory, blockers: string[]): PlanStep {
  const runAs = files.runAsUsername;
  const user = org.runAsUser;
  const profileName = files.profileName;
  if (user) {
    if (!user.isActive) blockers.push(messages.getMessage('blocker.userInactive', [runAs]));
    if (profileName && user.profileName && user.profileName !== profileName) {
      blockers.push(
        messages.getMessage('blocker.userProfileMismatch', [runAs, user.profileName, profileName, user.profileName])
      );
    }
    // API access comes from the profile or a permission set; only a clear "no" from both blocks.
    const profileApi = user.profileApiEnabled ?? (user.profileName ? ownValue(org.profiles, user.profileName)?.apiEnabled : undefined);
    if (profileApi === false && !user.apiEnabledByPermissionSet) {
      blockers.push(messages.getMessage('blocker.userNoApi', [runAs, user.profileName ?? '']));
    }
    return { step: 'user', action: 'unchanged', target: runAs, reason: messages.getMessage('reason.userReuse') };
  }
  if (files.userDef && profileName) {
    return { step: 'user', action: 'create', target: runAs, reason: messages.getMessage('reason.userCreate', [profileName]) };
  }
  blockers.push(messages.getMessage('blocker.userMissingNoDef', [runAs, `config/${files.appName}.user-def.json`]));
  return { step: 'user', action: 'skip', target: runAs, reason: messages.getMessage('reason.userMissing') };
}

function planPermissionSets(
  files: AppFiles,
  org: OrgInventory,
  blockers: string[]
): { step: PlanStep; toAssign: string[] } {
  const wanted = files.userDef?.definition.permsets ?? [];
  const inProject = new Set(files.permissionSets.map((p) => p.fullName));
  const missing = [...new Set([...wanted, ...files.policyPermissionSets])].filter((n) => !ownValue(org.permissionSets, n) && !inProject.has(n));
  if (missing.length) {
    blockers.push(messages.getMessage('blocker.permissionSetsNotFound', [withSuggestions(missing, Object.keys(org.permissionSets))]));
  }
  const missingProfiles = files.policyProfiles.filter((n) => !ownValue(org.profiles, n) && n !== files.profile?.fullName);
  if (missingProfiles.length) {
    blockers.push(messages.getMessage('blocker.policyProfilesNotFound', [withSuggestions(missingProfiles, Object.keys(org.profiles))]));
  }
  const assigned = new Set(org.assignedPermissionSetIds);
  const toAssign = org.runAsUser ? wanted.filter((n) => !assigned.has(ownValue(org.permissionSets, n) ?? '')) : wanted;
  if (!wanted.length) {
    return {
      step: { step: 'permissionSets', action: 'skip', target: '-', reason: messages.getMessage('reason.permsetsNone') },
      toAssign,
    };
  }
  if (toAssign.length) {
    return {
      step: {
        step: 'permissionSets',
        action: 'create',
        target: toAssign.join(', '),
        reason: messages.getMessage('reason.permsetsAssign', [files.runAsUsername]),
      },
      toAssign,
    };
  }
  return {
    step: {
      step: 'permissionSets',
      action: 'unchanged',
      target: wanted.join(', '),
      reason: messages.getMessage('reason.permsetsAssigned'),
    },
    toAssign,
  };
}

/** The app's components, under the org's names where it already has them (adoption), each against the org's content. */
function planComponents(
  files: AppFiles,
  org: OrgInventory
): {
  appComponents: PlannedComponent[];
  policy: PlannedComponent;
  profileComponent?: PlannedComponent;
  permissionSetComponents: PlannedComponent[];
} {
  const planned = (component: LocalComponent, step: PlannedComponent['step']): PlannedComponent => {
    const inOrg =
      component.type === 'ExternalClientApplication' || component.type === 'Profile' || component.type === 'PermissionSet'
        ? undefined
        : org.components[component.type as EcaTypeName];
    const overrideRunAs =
      component.type === 'ExtlClntAppOauthConfigurablePolicies' && files.runAsUsername !== files.policyRunAsUsername
        ? files.runAsUsername
        : undefined;
    const fullName = inOrg?.fullName ?? component.fullName;
    const orgContent = org.content[contentKey(component.type, fullName)];
    return {
      type: component.type,
      fullName,
      localFullName: component.fullName,
      filePath: component.filePath,
      step,
      adopted: Boolean(inOrg && inOrg.fullName !== component.fullName),
      ...(overrideRunAs ? { runAsUsername: overrideRunAs } : {}),
      ...againstOrg(component, overrideRunAs ? { ...component.fields, clientCredentialsFlowUser: overrideRunAs } : component.fields, orgContent),
    };
  };
  const app = [files.header, files.globalOauth, files.oauthSettings, ...(files.appPolicy ? [files.appPolicy] : [])];
  return {
    appComponents: app.map((c) => planned(c, 'app')),
    policy: planned(files.oauthPolicy, 'oauthPolicy'),
    profileComponent: files.profile ? planned(files.profile, 'profile') : undefined,
    permissionSetComponents: files.permissionSets.map((c) => planned(c, 'permissionSetFiles')),
  };
}

/** Global OAuth settings elements the org keeps only while a deploy names them [T]: carried over when the file lacks them. */
const DECLARATIVE_CARRY_OVER: Readonly<Partial<Record<string, readonly string[]>>> = {
  ExtlClntAppGlobalOauthSettings: ['certificate'],
};

/** Whether the org holds the component's content; what the deployed copy must change. */
function againstOrg(
  component: LocalComponent,
  fields: XmlNode,
  orgContent: XmlNode | undefined
): Pick<PlannedComponent, 'upToDate' | 'differs' | 'fieldOverrides' | 'carriedOver' | 'preAuthorization'> {
  const isPolicy = component.type === 'ExtlClntAppOauthConfigurablePolicies';
  const preAuthorization = isPolicy ? planPreAuthorization(fields, orgContent) : undefined;
  // Elements too new for the deploy's version (projectFiles.ts): never sent, so never compared.
  const dropped = Object.fromEntries((component.dropped ?? []).map((e) => [e, null]));
  if (!orgContent) {
    return {
      upToDate: false,
      ...(Object.keys(dropped).length ? { fieldOverrides: dropped } : {}),
      ...(preAuthorization ? { preAuthorization } : {}),
    };
  }
  const ignore = [...(isPolicy ? PRE_AUTHORIZATION_LISTS : []), ...Object.keys(dropped)];
  const differs = differingElements(component.type, fields, orgContent, ignore);
  const upToDate = differs.length === 0 && (!preAuthorization || isGranted(preAuthorization));
  const fieldOverrides: Record<string, string | null> = { ...dropped, ...(preAuthorization ? firstDeployLists(preAuthorization) : {}) };
  const carriedOver: string[] = [];
  for (const element of DECLARATIVE_CARRY_OVER[component.type] ?? []) {
    const orgValue = textOf(orgContent, element);
    if (orgValue && textOf(fields, element) === undefined) {
      fieldOverrides[element] = orgValue;
      carriedOver.push(element);
    }
  }
  return {
    upToDate,
    differs,
    ...(Object.keys(fieldOverrides).length ? { fieldOverrides } : {}),
    ...(carriedOver.length ? { carriedOver } : {}),
    ...(preAuthorization ? { preAuthorization } : {}),
  };
}

/**
 * Deploying user's permissions (undefined = the org did not say; then the org itself refuses). Customize
 * Application for the metadata, Manage Internal Users (or Manage Users) to create the user and assign permission sets;
 * Modify All Data covers both.
 */
function permissionBlockers(org: OrgInventory, needsUserAdmin: boolean): string[] {
  const perms = org.permissions;
  if (!perms || perms.modifyAllData) return [];
  const blockers: string[] = [];
  if (!perms.customizeApplication) blockers.push(messages.getMessage('blocker.missingPermission', ['Customize Application']));
  if (!perms.manageUsers && needsUserAdmin) {
    blockers.push(messages.getMessage('blocker.missingPermission', ['Manage Internal Users']));
  }
  return blockers;
}

type PhaseInput = {
  files: AppFiles;
  org: OrgInventory;
  dryRun: boolean;
  createUser: boolean;
  toAssign: string[];
  appComponents: PlannedComponent[];
  policy: PlannedComponent;
  /** The profile and permission set files. */
  accessComponents: PlannedComponent[];
  policyIsNew: boolean;
  warnings: string[];
};

/** A deploy phase of the components that are not up to date (none when all are). */
function deployPhase(components: PlannedComponent[], checkOnly: boolean, policyIsNew: boolean): Phase[] {
  const pending = components.filter((c) => !c.upToDate);
  if (pending.length === 0) return [];
  const steps = [...new Set(pending.map((c) => c.step))];
  return [{ kind: 'deploy', steps, components: pending, checkOnly, policyIsNew }];
}

function planPhases(input: PhaseInput): Phase[] {
  const { files, appComponents, policy, accessComponents, policyIsNew, toAssign } = input;
  const userExists = Boolean(input.org.runAsUser);
  if (input.dryRun) {
    if (!userExists && !policy.upToDate) input.warnings.push(messages.getMessage('warning.policyNotValidated', [files.runAsUsername]));
    return deployPhase([...accessComponents, ...appComponents, ...(userExists ? [policy] : [])], true, policyIsNew);
  }
  const userDef = files.userDef?.definition;
  return [
    ...deployPhase(accessComponents, false, policyIsNew),
    ...(input.createUser && userDef && files.profileName
      ? [{ kind: 'createUser', user: { ...userDef, Username: files.runAsUsername }, profileName: files.profileName } as Phase]
      : []),
    ...(toAssign.length ? [{ kind: 'assignPermissionSets', names: toAssign } as Phase] : []),
    ...deployPhase([...appComponents, policy], false, policyIsNew),
  ];
}

/** Whether a Profile file grants ApiEnabled (a user without it cannot get a token). */
function userProfileApiEnabled(profile: LocalComponent): boolean {
  const perms = profile.fields.userPermissions;
  const list = Array.isArray(perms) ? perms : perms ? [perms] : [];
  return list.some(
    (p) => typeof p === 'object' && !Array.isArray(p) && p.name === 'ApiEnabled' && p.enabled === 'true'
  );
}

/** Missing names, each with the org's name that differs only in letter case ("did you mean"), when there is one. */
export function withSuggestions(missing: string[], orgNames: string[]): string {
  return missing
    .map((name) => {
      const near = orgNames.find((o) => o !== name && o.toLowerCase() === name.toLowerCase());
      return near ? messages.getMessage('blocker.didYouMean', [name, near]) : name;
    })
    .join(', ');
}
