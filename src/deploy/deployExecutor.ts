/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { relative } from 'node:path';
import { Messages, SfError } from '@salesforce/core';
import type { Duration } from '@salesforce/kit';
import { errorCodeOf, type OrgApi, soqlString } from '../org/orgApi.js';
import { ownValue } from '../org/nameLookup.js';
import { onInterrupt } from '../cli/interrupt.js';
import type { Phase, Plan, PlannedComponent, PlanStep, StepName } from './deployPlan.js';
import type { ComponentOutcome, ComponentState, DeployStatusUpdate, MetadataDeployer, MetadataDeployOutcome } from './metadataDeploy.js';
import { findAppComponent, readComponent, type OrgInventory } from './orgInventory.js';
import { componentAdvice, toOrgError } from './orgErrors.js';
import { fullLists, needsReadBack, stillMissing, type PreAuthorizationList } from './preAuthorization.js';
import { assignPermissionSetLicense, assignPermissionSets, createUser, orgUserFields, profileIdByName } from './userProvisioning.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

/**
 * Carries out a plan's phases in order and records what happened to each step and component. A failure stops the
 * run with an error that lists what was done (in the message and in `data` for --json) and says to run the command
 * again: the next run's inventory sees what exists and plans only the rest.
 */

/** done: carried out; unchanged: deployed and the org reported no change; validated: check-only passed (dry run);
 * wouldRun: a dry run does not do it; failed; notRun: a failure stopped the run before it. */
export type StepStatus = 'done' | 'unchanged' | 'validated' | 'wouldRun' | 'failed' | 'notRun';

export type StepReport = PlanStep & { status: StepStatus };

export type ComponentReport = {
  type: string;
  fullName: string;
  /** Name of the file in the project (differs from fullName when adopted). */
  localFullName: string;
  /** Path relative to the project root. */
  filePath: string;
  adopted: boolean;
  state: ComponentState;
  /** Elements the deployed copy kept from the org because the file lacks them (the global settings' certificate). */
  carriedOver?: string[];
  /** Record Id the org reported, when it did. */
  id?: string;
  problem?: string;
  line?: number;
  column?: number;
};

/**
 * What became of the OAuth policy's pre-authorization lists: the names the first deploy carried (the org's missing
 * ones), and the full lists a second deploy sent because the org had replaced its lists ([T]: orgs are reported to
 * treat them as additive; a replacing org is handled too).
 */
export type PreAuthorizationReport = {
  sent: Partial<Record<PreAuthorizationList, string[]>>;
  /** Names the org lacked after the first deploy: the lists were sent again in full. */
  resent?: Partial<Record<PreAuthorizationList, string[]>>;
};

export type ExecutionResult = {
  steps: StepReport[];
  components: ComponentReport[];
  deployIds: string[];
  runAsUserId?: string;
  preAuthorization?: PreAuthorizationReport;
};

export type ProgressEvent =
  | { kind: 'phase'; phase: Phase['kind']; steps: StepName[]; status: 'start' | 'done' | 'failed' }
  | { kind: 'deployStarted'; id: string; checkOnly: boolean }
  | { kind: 'deployUpdate'; update: DeployStatusUpdate }
  | { kind: 'deployFinished'; id: string; status: string };

export type ExecutionContext = {
  api: OrgApi;
  deploy: MetadataDeployer;
  inventory: OrgInventory;
  projectRoot: string;
  targetOrg: string;
  wait: Duration;
  onProgress?: (event: ProgressEvent) => void;
  /**
   * After a failed deploy: adds the permissions an org's "depends on permission(s)" error names to the deployed
   * copies; true when the deploy should be sent once more (permissionDependencies.ts).
   */
  addMissingPermissions?: (components: PlannedComponent[], outcomes: ComponentOutcome[]) => Promise<boolean>;
  /** Fields the org wants on a new user besides the definition's (CurrencyIsoCode in multi-currency orgs). */
  userFields?: Record<string, string>;
};

export async function executePlan(plan: Plan, ctx: ExecutionContext): Promise<ExecutionResult> {
  const steps: StepReport[] = plan.steps.map((s) => ({ ...s, status: initialStatus(s, plan.dryRun) }));
  const components: ComponentReport[] = plan.components.map((c) => ({
    type: c.type,
    fullName: c.fullName,
    localFullName: c.localFullName,
    filePath: relative(ctx.projectRoot, c.filePath),
    adopted: c.adopted,
    state: c.upToDate ? 'Unchanged' : plan.dryRun ? 'NotValidated' : 'NotDeployed',
    ...(c.carriedOver?.length && !c.upToDate ? { carriedOver: c.carriedOver } : {}),
  }));
  const result: ExecutionResult = { steps, components, deployIds: [], runAsUserId: ctx.inventory.runAsUser?.id };
  // Profile Ids the inventory found. A profile deployed by this run is queried by name: the deploy's componentSuccess
  // id of a Profile is not reliably its record Id (not in the reference; the emulator differs), and a wrong Id would
  // fail the user creation.
  const profileIds = new Map(Object.values(ctx.inventory.profiles).map((p) => [p.name, p.id]));
  const setStatus = (names: StepName[], status: StepStatus): void => {
    for (const s of steps) if (names.includes(s.step)) s.status = status;
  };
  const record = (planned: PlannedComponent[], outcome: ComponentOutcome[]): void => {
    for (const o of outcome) {
      const p = planned.find((x) => x.type === o.type && x.fullName === o.fullName);
      const report = p && components.find((c) => c.type === p.type && c.localFullName === p.localFullName);
      if (report) Object.assign(report, o, { adopted: p.adopted });
    }
  };

  // Ids of the permission sets to assign, read while the user is created (lookups.permissionSetIds).
  const toAssign = plan.phases.find((p): p is Extract<Phase, { kind: 'assignPermissionSets' }> => p.kind === 'assignPermissionSets');
  const lookups: Lookups = { permissionSetNames: toAssign?.names ?? [] };

  // What the org may be doing right now: a change request sent and not answered (for a failure or an interrupt).
  const inFlight: InFlight = {};
  const stopReporting = onInterrupt({ report: () => progressLines(result, inFlight, plan.dryRun) });
  try {
    for (const phase of plan.phases) {
      const phaseSteps = stepsOf(phase);
      ctx.onProgress?.({ kind: 'phase', phase: phase.kind, steps: phaseSteps, status: 'start' });
      if (!plan.dryRun) inFlight.steps = phaseSteps;
      try {
        // eslint-disable-next-line no-await-in-loop
        const userId = await runPhase(
          phase,
          { ...ctx, onProgress: trackDeploys(ctx.onProgress, inFlight) },
          { userId: result.runAsUserId, deployIds: result.deployIds, profileIds, lookups },
          record
        );
        if (userId) result.runAsUserId = userId;
        // eslint-disable-next-line no-await-in-loop
        const preAuthorization = await confirmPreAuthorization(phase, ctx, result.deployIds, record);
        if (preAuthorization) result.preAuthorization = preAuthorization;
        setStatus(phaseSteps, phase.kind === 'deploy' && phase.checkOnly ? 'validated' : 'done');
        if (phase.kind === 'deploy' && !phase.checkOnly) setStatus(unchangedSteps(phaseSteps, plan, components), 'unchanged');
        inFlight.steps = undefined;
        inFlight.deployId = undefined;
        ctx.onProgress?.({ kind: 'phase', phase: phase.kind, steps: phaseSteps, status: 'done' });
      } catch (e) {
        setStatus(phaseSteps, 'failed');
        ctx.onProgress?.({ kind: 'phase', phase: phase.kind, steps: phaseSteps, status: 'failed' });
        if (orgRefused(e, inFlight)) inFlight.steps = undefined;
        throw runFailure(e, result, ctx, plan.dryRun, inFlight);
      }
    }
  } finally {
    stopReporting();
  }
  return result;
}

/** Errors that are the org's answer to the change request itself (it refused; nothing is left in flight). */
const REFUSALS = new Set(['ComponentFailuresError', 'UserRejectedError', 'UsernameTakenError', 'UserBeingCreatedError', 'ProfileNotFoundError']);

/** The org answered the change request with a refusal (a deploy that finished with failures was rolled back). */
function orgRefused(e: unknown, inFlight: InFlight): boolean {
  if (e instanceof SfError && REFUSALS.has(e.name)) return true;
  // An error code answering the request itself; once a deploy is accepted, an error of a later poll leaves it in flight.
  return !inFlight.deployId && errorCodeOf(e) !== undefined && !/^(AbortError|TimeoutError|TypeError|Error)$/.test(errorCodeOf(e) ?? '');
}

/** A change request the org received (or may have) and did not answer yet. */
type InFlight = { steps?: StepName[]; deployId?: string };

/** Records the id of the deploy in flight as the executor's own progress events report it. */
function trackDeploys(
  onProgress: ExecutionContext['onProgress'],
  inFlight: InFlight
): (event: ProgressEvent) => void {
  return (event) => {
    // eslint-disable-next-line no-param-reassign -- inFlight is the tracker this function exists to update
    if (event.kind === 'deployStarted' && !event.checkOnly) inFlight.deployId = event.id;
    onProgress?.(event);
  };
}

/** What was done and what may still be happening in the org, one entry per line (interrupts, failures). */
function progressLines(result: ExecutionResult, inFlight: InFlight, dryRun: boolean): string[] {
  const done = result.steps
    .filter((s) => s.status === 'done' && (s.action === 'create' || s.action === 'update'))
    .map((s) => `${s.step}: ${s.action} ${s.target}`);
  const pending = !dryRun && inFlight.steps?.length ? [inFlightText(inFlight)] : [];
  return [...done, ...pending];
}

function inFlightText(inFlight: InFlight): string {
  const steps = (inFlight.steps ?? []).join(', ');
  return inFlight.deployId
    ? messages.getMessage('info.inFlightDeploy', [steps, inFlight.deployId])
    : messages.getMessage('info.inFlight', [steps]);
}

/** Before running: steps with nothing to do are done; a dry run does not create or update. */
function initialStatus(step: PlanStep, dryRun: boolean): StepStatus {
  const acts = step.action === 'create' || step.action === 'update';
  if (dryRun) return acts ? 'wouldRun' : 'done';
  return acts ? 'notRun' : 'done';
}

/** Steps of a finished deploy whose components the org all reported Unchanged. */
function unchangedSteps(names: StepName[], plan: Plan, components: ComponentReport[]): StepName[] {
  return names.filter((name) => {
    const own = components.filter((c) =>
      plan.components.some((p) => p.step === name && p.localFullName === c.localFullName && p.type === c.type)
    );
    return own.length > 0 && own.every((c) => c.state === 'Unchanged');
  });
}

function stepsOf(phase: Phase): StepName[] {
  if (phase.kind === 'deploy') return phase.steps;
  return phase.kind === 'createUser' ? ['user'] : ['permissionSets'];
  // assignPermissionSets and assignPermissionSetLicense both belong to the permission sets step.
}

/** Reads a later phase needs, started by an earlier one so that they don't add a round trip of their own. */
type Lookups = { permissionSetNames: string[]; permissionSetIds?: Promise<string[]> };

type RunState = { userId?: string; deployIds: string[]; profileIds: Map<string, string>; lookups: Lookups };

/** Runs one phase; returns the Run As user's Id when the phase created the user. */
async function runPhase(
  phase: Phase,
  ctx: ExecutionContext,
  state: RunState,
  record: (planned: PlannedComponent[], outcome: ComponentOutcome[]) => void
): Promise<string | undefined> {
  const { deployIds } = state;
  if (phase.kind !== 'deploy') return runUserPhase(phase, ctx, state);
  let outcome = await deployOnce(ctx, deployIds, phase.components, phase.checkOnly);
  record(phase.components, outcome.components);
  if (!outcome.success && (await ctx.addMissingPermissions?.(phase.components, outcome.components))) {
    outcome = await deployOnce(ctx, deployIds, phase.components, phase.checkOnly);
    record(phase.components, outcome.components);
  }
  if (outcome.success) return undefined;

  // One-deploy fallback (deployPlan.ts): whether an org accepts a new app and its OAuth policy in one deploy is [U]
  // (it may generate its default policy during the deploy and refuse ours as a duplicate, or want the app deployed
  // first). When the new policy is the only failure and its problem is not about the policy's content, deploy the
  // app first, find the policy name the org generated, and deploy ours under it.
  const policy = phase.components.find((c) => c.type === 'ExtlClntAppOauthConfigurablePolicies');
  const failed = outcome.components.filter((c) => c.state === 'Failed');
  if (
    policy &&
    phase.policyIsNew &&
    !phase.checkOnly &&
    failed.length === 1 &&
    failed[0].type === policy.type &&
    outcome.otherFailures.length === 0 &&
    !isContentProblem(failed[0].problem ?? '')
  ) {
    const rest = phase.components.filter((c) => c !== policy);
    const first = await deployOnce(ctx, deployIds, rest, false);
    record(rest, first.components);
    if (!first.success) throw componentFailure(first, rest, ctx);
    const generated = await findAppComponent(ctx.api, phaseAppName(phase), 'ExtlClntAppOauthConfigurablePolicies');
    const adopted: PlannedComponent = generated ? { ...policy, fullName: generated, adopted: generated !== policy.localFullName } : policy;
    const second = await deployOnce(ctx, deployIds, [adopted], false);
    record([adopted], second.components);
    if (!second.success) throw componentFailure(second, [adopted], ctx);
    return undefined;
  }
  throw componentFailure(outcome, phase.components, ctx);
}

/** The user phases: create the user, assign the permission set license, assign permission sets. */
async function runUserPhase(phase: Exclude<Phase, { kind: 'deploy' }>, ctx: ExecutionContext, state: RunState): Promise<string | undefined> {
  const { api, inventory } = ctx;
  const { lookups } = state;
  if (phase.kind === 'createUser') {
    // The profile's Id, the org's user fields and the Ids of the permission sets to assign next, all at once.
    if (lookups.permissionSetNames.length > 0) {
      lookups.permissionSetIds ??= permissionSetIds(api, inventory, lookups.permissionSetNames);
      lookups.permissionSetIds.catch(() => undefined);
    }
    const [profileId, userFields] = await Promise.all([
      state.profileIds.get(phase.profileName) ?? profileIdByName(api, phase.profileName),
      ctx.userFields ?? orgUserFields(api),
    ]);
    return createUser(api, phase.user, profileId, userFields);
  }
  if (!state.userId) throw new SfError(`internal: no Run As user id for ${phase.kind}`);
  if (phase.kind === 'assignPermissionSetLicense') {
    await assignPermissionSetLicense(api, state.userId, phase.permissionSetLicenseId);
  } else {
    const ids = phase.names === lookups.permissionSetNames && lookups.permissionSetIds ? lookups.permissionSetIds : permissionSetIds(api, inventory, phase.names);
    await assignPermissionSets(api, state.userId, await ids);
  }
  return undefined;
}

/** Ids of permission sets by name: the inventory's, or queried for those this run deployed. */
async function permissionSetIds(api: OrgApi, inventory: OrgInventory, names: string[]): Promise<string[]> {
  const unknown = names.filter((n) => !ownValue(inventory.permissionSets, n));
  const found = new Map(Object.entries(inventory.permissionSets));
  if (unknown.length) {
    const rows = await api.query<{ Id: string; Name: string }>(
      `SELECT Id, Name FROM PermissionSet WHERE Name IN (${unknown.map(soqlString).join(', ')})`
    );
    for (const row of rows) found.set(row.Name, row.Id);
  }
  const missing = names.filter((n) => !found.get(n));
  if (missing.length) throw messages.createError('error.PermissionSetsMissingAfterDeploy', [missing.join(', ')]);
  return names.map((n) => found.get(n) as string);
}

/**
 * After a deploy of the OAuth policy: reads the policy back and, when names the project wants are missing (the org
 * replaced its lists with what was sent), deploys it again with the full lists (preAuthorization.ts).
 */
async function confirmPreAuthorization(
  phase: Phase,
  ctx: ExecutionContext,
  deployIds: string[],
  record: (planned: PlannedComponent[], outcome: ComponentOutcome[]) => void
): Promise<PreAuthorizationReport | undefined> {
  if (phase.kind !== 'deploy' || phase.checkOnly) return undefined;
  const policy = phase.components.find((c) => c.type === 'ExtlClntAppOauthConfigurablePolicies');
  const plan = policy?.preAuthorization;
  if (!policy || !plan || Object.keys(plan).length === 0) return undefined;
  const sent = Object.fromEntries(
    Object.entries(plan).map(([list, p]) => [list, p.inOrg.length ? p.missing : p.wanted])
  ) as PreAuthorizationReport['sent'];
  // Nothing was left out (a new policy, or an org without lists): additive or replacing, the org has every name.
  if (!needsReadBack(plan)) return { sent };
  let name = policy.fullName;
  let after = await readComponent(ctx.api, policy.type, name);
  if (!after) {
    // Deployed under the name the org generated (the two-phase fallback): find it.
    name = (await findAppComponent(ctx.api, phaseAppName(phase), 'ExtlClntAppOauthConfigurablePolicies')) ?? name;
    after = await readComponent(ctx.api, policy.type, name);
  }
  const missing = stillMissing(plan, after);
  if (Object.keys(missing).length === 0) return { sent };
  const again: PlannedComponent = {
    ...policy,
    fullName: name,
    fieldOverrides: { ...(policy.fieldOverrides ?? {}), ...fullLists(plan) },
  };
  const outcome = await deployOnce(ctx, deployIds, [again], false);
  record([again], outcome.components);
  if (!outcome.success) throw componentFailure(outcome, [again], ctx);
  return { sent, resent: missing };
}

function phaseAppName(phase: Extract<Phase, { kind: 'deploy' }>): string {
  return phase.components.find((c) => c.type === 'ExternalClientApplication')?.fullName ?? '';
}

async function deployOnce(
  ctx: ExecutionContext,
  deployIds: string[],
  components: PlannedComponent[],
  checkOnly: boolean
): Promise<MetadataDeployOutcome> {
  const outcome = await ctx.deploy({
    components,
    checkOnly,
    wait: ctx.wait,
    onStart: (id) => {
      deployIds.push(id);
      ctx.onProgress?.({ kind: 'deployStarted', id, checkOnly });
    },
    onUpdate: (update) => ctx.onProgress?.({ kind: 'deployUpdate', update }),
  });
  ctx.onProgress?.({ kind: 'deployFinished', id: outcome.id, status: outcome.status });
  return outcome;
}

/** A deploy that finished with component failures: each with its file, line, problem and what to do. */
function componentFailure(outcome: MetadataDeployOutcome, planned: PlannedComponent[], ctx: ExecutionContext): SfError {
  const lines = outcome.components
    .filter((c) => c.state === 'Failed')
    .map((c) => {
      const p = planned.find((x) => x.type === c.type && x.fullName === c.fullName);
      const file = p ? relative(ctx.projectRoot, p.filePath) : c.fullName;
      const where = c.line ? `${file}:${c.line}${c.column ? `:${c.column}` : ''}` : file;
      return `- ${c.type} ${c.fullName} (${where}): ${c.problem ?? ''}\n  ${componentAdvice(c.problem ?? '')}`;
    });
  lines.push(...outcome.otherFailures.map((f) => `- ${f}`));
  return messages.createError('error.ComponentFailures', [outcome.id, outcome.status, lines.join('\n')]);
}

/** Problems in the policy's own content: a second phase would fail the same way. */
function isContentProblem(problem: string): boolean {
  return /valid execution user|permission sets? called|profiles? called|invalid at this location|not a valid value|bad value|already taken/i.test(
    problem
  );
}

/** What to do about a component failure (orgErrors.ts). */
export function advice(c: ComponentOutcome): string {
  return componentAdvice(c.problem ?? '');
}

function runFailure(e: unknown, result: ExecutionResult, ctx: ExecutionContext, dryRun: boolean, inFlight: InFlight = {}): SfError {
  const base = e instanceof SfError && e.name === 'ComponentFailuresError' ? e : toOrgError(e, { targetOrg: ctx.targetOrg });
  // Never "Nothing was changed" when a change request may have reached the org (a timeout, a dropped connection).
  const lines = progressLines(result, inFlight, dryRun);
  const progress = dryRun
    ? messages.getMessage('info.dryRunNothingChanged')
    : lines.length
    ? messages.getMessage('info.doneBeforeFailure', [lines.map((l) => `- ${l}`).join('\n')])
    : messages.getMessage('info.nothingChanged');
  const error = new SfError(`${base.message}\n\n${progress}`, base.name, [
    ...(base.actions ?? []),
    ...(dryRun ? [] : [messages.getMessage('action.rerun')]),
  ]);
  error.exitCode = 1;
  error.setData({ steps: result.steps, components: result.components, deployIds: result.deployIds });
  return error;
}
