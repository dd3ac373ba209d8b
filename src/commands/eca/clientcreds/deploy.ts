/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Flags, SfCommand, toHelpSection } from '@salesforce/sf-plugins-core';
import { type Connection, Messages } from '@salesforce/core';
import type { MultiStageOutput } from '@oclif/multi-stage-output';
import { findProject, type ProjectLocation } from '../../../project/sfdxProject.js';
import { MIN_API_VERSION } from '../../../metadata/ecaTypes.js';
import { readAppFiles } from '../../../deploy/projectFiles.js';
import { connectionOrgApi } from '../../../deploy/orgApi.js';
import { readOrgInventory } from '../../../deploy/orgInventory.js';
import { makePlan, type StepName } from '../../../deploy/deployPlan.js';
import { executePlan, type ProgressEvent } from '../../../deploy/deployExecutor.js';
import { sdrDeployer } from '../../../deploy/metadataDeploy.js';
import { toOrgError } from '../../../deploy/orgErrors.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

export type DeployStepResult = {
  step: StepName;
  action: 'create' | 'update' | 'unchanged' | 'skip';
  status: 'done' | 'unchanged' | 'validated' | 'wouldRun' | 'failed' | 'notRun';
  target: string;
  reason: string;
};

export type DeployComponentResult = {
  type: string;
  fullName: string;
  localFullName: string;
  filePath: string;
  adopted: boolean;
  state: string;
  id?: string;
  problem?: string;
  line?: number;
  column?: number;
};

export type DeployResult = {
  name: string;
  targetOrg: string;
  apiVersion: string;
  dryRun: boolean;
  runAsUsername: string;
  tokenUrl: string;
  steps: DeployStepResult[];
  components: DeployComponentResult[];
  deployIds: string[];
  nextStep: string;
};

export default class Deploy extends SfCommand<DeployResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = toHelpSection('ERROR CODES', {
    [messages.getMessage('errorCodes.success')]: '0',
    [messages.getMessage('errorCodes.failure')]: '1',
    [messages.getMessage('errorCodes.flags')]: '2',
  });

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    name: Flags.string({
      char: 'n',
      summary: messages.getMessage('flags.name.summary'),
      description: messages.getMessage('flags.name.description'),
    }),
    'run-as-username': Flags.string({
      summary: messages.getMessage('flags.run-as-username.summary'),
      description: messages.getMessage('flags.run-as-username.description'),
    }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
    wait: Flags.duration({
      char: 'w',
      unit: 'minutes',
      defaultValue: 10,
      min: 1,
      summary: messages.getMessage('flags.wait.summary'),
      description: messages.getMessage('flags.wait.description'),
    }),
  };

  private stages?: DeployStages;

  public async run(): Promise<DeployResult> {
    const { flags } = await this.parse(Deploy);
    const org = flags['target-org'];
    const targetOrg = org.getUsername() ?? '';
    const dryRun = flags['dry-run'] ?? false;
    this.stages = await deployStages(this.jsonEnabled(), targetOrg, dryRun);

    this.stages.goto('read');
    const project = await locateProject();
    const conn = org.getConnection(flags['api-version']);
    // The files are checked before any org request whenever the version is known locally (flag or project).
    const requested = flags['api-version'] ?? project.sourceApiVersion;
    const apiVersion = requested ? checkMinimum(requested, flags['api-version'] ? '--api-version' : SOURCE_API_VERSION) : await orgMaxApiVersion(conn);
    const files = await readAppFiles({
      projectRoot: project.root,
      packageDirs: project.packageDirs,
      appName: flags.name,
      runAsUsername: flags['run-as-username'],
      apiVersion,
    });
    if (requested) checkMaximum(requested, flags['api-version'] ? '--api-version' : SOURCE_API_VERSION, await orgMaxApiVersion(conn));
    conn.setApiVersion(apiVersion);
    files.warnings.forEach((w) => this.warn(w));

    this.stages.goto('inventory', { runAs: files.runAsUsername });
    const api = connectionOrgApi(conn);
    let inventory;
    try {
      inventory = await readOrgInventory(api, {
        appName: files.appName,
        localNames: {
          ExtlClntAppGlobalOauthSettings: files.globalOauth.fullName,
          ExtlClntAppOauthSettings: files.oauthSettings.fullName,
          ExtlClntAppOauthConfigurablePolicies: files.oauthPolicy.fullName,
          ...(files.appPolicy ? { ExtlClntAppConfigurablePolicies: files.appPolicy.fullName } : {}),
        },
        runAsUsername: files.runAsUsername,
        profileName: files.profileName,
        otherProfileNames: files.policyProfiles,
        permissionSetNames: [...(files.userDef?.definition.permsets ?? []), ...files.policyPermissionSets],
      });
    } catch (e) {
      throw toOrgError(e, { targetOrg });
    }
    const plan = makePlan(files, inventory, { dryRun });
    if (plan.blockers.length) {
      const error = messages.createError('error.OrgNotReady', [targetOrg, plan.blockers.map((b) => `- ${b}`).join('\n')]);
      error.setData({ blockers: plan.blockers, steps: plan.steps });
      throw error;
    }
    plan.warnings.forEach((w) => this.warn(w));

    const execution = await executePlan(plan, {
      api,
      deploy: sdrDeployer(conn, apiVersion),
      inventory,
      projectRoot: project.root,
      targetOrg,
      wait: flags.wait,
      onProgress: (event) => this.stages?.progress(event),
    });
    this.stages.done();

    const instanceUrl = (conn.instanceUrl ?? '').replace(/\/+$/, '');
    const result: DeployResult = {
      name: files.appName,
      targetOrg,
      apiVersion,
      dryRun,
      runAsUsername: plan.runAsUsername,
      tokenUrl: `${instanceUrl}/services/oauth2/token`,
      steps: execution.steps,
      components: execution.components,
      deployIds: execution.deployIds,
      nextStep: dryRun
        ? `sf eca clientcreds deploy --name ${files.appName} --target-org ${targetOrg}`
        : `sf eca clientcreds test --name ${files.appName} --target-org ${targetOrg}`,
    };
    this.display(result);
    return result;
  }

  protected async catch(error: Error & { exitCode?: number }): Promise<never> {
    this.stages?.error();
    return super.catch(error);
  }

  private display(result: DeployResult): void {
    if (this.jsonEnabled()) return;
    this.log();
    this.table({
      title: messages.getMessage(result.dryRun ? 'output.stepsTitleDryRun' : 'output.stepsTitle'),
      data: result.steps.map((s) => ({ step: s.step, action: s.action, status: s.status, target: s.target, reason: s.reason })),
      columns: [
        { key: 'step', name: 'Step' },
        { key: 'action', name: 'Action' },
        { key: 'status', name: 'Status' },
        { key: 'target', name: 'Target' },
        { key: 'reason', name: 'Reason' },
      ],
    });
    this.table({
      title: messages.getMessage('output.componentsTitle'),
      data: result.components.map((c) => ({
        type: c.type,
        fullName: c.adopted ? `${c.fullName} (adopted)` : c.fullName,
        file: c.filePath,
        state: c.state,
      })),
      columns: [
        { key: 'type', name: 'Type' },
        { key: 'fullName', name: 'Name in org' },
        { key: 'file', name: 'File' },
        { key: 'state', name: 'Result' },
      ],
    });
    this.log(messages.getMessage('output.runAs', [result.runAsUsername]));
    this.log(messages.getMessage('output.tokenUrl', [result.tokenUrl]));
    this.log(messages.getMessage(result.dryRun ? 'output.nextStepDryRun' : 'output.nextStep', [result.nextStep]));
  }
}

async function locateProject(): Promise<ProjectLocation> {
  try {
    return await findProject();
  } catch (e) {
    if (e instanceof Error && e.name === 'InvalidProjectWorkspaceError') throw messages.createError('error.NotInProject');
    throw e;
  }
}

/**
 * The API version of the deploy: --api-version, else the project's sourceApiVersion, else the org's highest.
 * It must be at least 60.0 (client credentials fields) and at most what the org speaks.
 */
const SOURCE_API_VERSION = 'sourceApiVersion (sfdx-project.json)';

function checkMinimum(version: string, source: string): string {
  if (!(Number(version) >= MIN_API_VERSION)) {
    throw messages.createError('error.ApiVersionTooLow', [version, source, MIN_API_VERSION.toFixed(1)]);
  }
  return version;
}

function checkMaximum(version: string, source: string, orgMax: string): void {
  if (Number(version) > Number(orgMax)) throw messages.createError('error.ApiVersionTooHigh', [version, source, orgMax], [orgMax]);
}

/** The org's highest API version: cached in the auth file by login (no request), else asked of /services/data. */
async function orgMaxApiVersion(conn: Connection): Promise<string> {
  const cached = conn.getAuthInfoFields().instanceApiVersion;
  if (cached) return cached;
  try {
    return await conn.retrieveMaxApiVersion();
  } catch (e) {
    throw toOrgError(e, { targetOrg: conn.getUsername() ?? '' });
  }
}

type StageKey = 'read' | 'inventory' | 'profile' | 'user' | 'permissionSets' | 'app' | 'done';
type StageData = { status: string; deployId: string; targetOrg: string; runAs: string };

type DeployStages = {
  goto: (stage: StageKey, data?: Partial<StageData>) => void;
  progress: (event: ProgressEvent) => void;
  done: () => void;
  error: () => void;
};

/** Progress like `sf project deploy start`: multi-stage output (lazy-imported), nothing under --json. */
async function deployStages(jsonEnabled: boolean, targetOrg: string, dryRun: boolean): Promise<DeployStages> {
  const titles: Record<StageKey, string> = {
    read: messages.getMessage('stage.read'),
    inventory: messages.getMessage('stage.inventory'),
    profile: messages.getMessage('stage.profile'),
    user: messages.getMessage('stage.user'),
    permissionSets: messages.getMessage('stage.permissionSets'),
    app: messages.getMessage(dryRun ? 'stage.validate' : 'stage.app'),
    done: messages.getMessage('stage.done'),
  };
  let mso: MultiStageOutput<StageData> | undefined;
  if (!jsonEnabled) {
    const { MultiStageOutput: Mso } = await import('@oclif/multi-stage-output');
    mso = new Mso<StageData>({
      jsonEnabled,
      title: messages.getMessage(dryRun ? 'stage.titleDryRun' : 'stage.title'),
      stages: Object.values(titles),
      data: { targetOrg },
      postStagesBlock: [
        { type: 'dynamic-key-value', label: 'Status', get: (d) => d?.status },
        { type: 'static-key-value', label: 'Deploy ID', get: (d) => d?.deployId },
        { type: 'static-key-value', label: 'Target Org', get: (d) => d?.targetOrg },
        { type: 'static-key-value', label: 'Run As user', get: (d) => d?.runAs },
      ],
    });
  }
  const goto = (stage: StageKey, data?: Partial<StageData>): void => mso?.skipTo(titles[stage], data);
  return {
    goto,
    progress: (event): void => {
      if (event.kind === 'phase' && event.status === 'start') {
        const key: StageKey =
          event.phase === 'createUser'
            ? 'user'
            : event.phase === 'assignPermissionSets'
            ? 'permissionSets'
            : event.steps.length === 1 && event.steps[0] === 'profile'
            ? 'profile'
            : 'app';
        goto(key, { status: '' });
      } else if (event.kind === 'deployStarted') {
        mso?.updateData({ deployId: event.id, status: 'Queued' });
      } else if (event.kind === 'deployUpdate') {
        mso?.updateData({ status: event.update.status });
      } else if (event.kind === 'deployFinished') {
        mso?.updateData({ status: event.status });
      }
    },
    done: (): void => {
      goto('done');
      mso?.stop();
    },
    error: () => mso?.error(),
  };
}
