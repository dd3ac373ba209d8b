/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Flags, SfCommand, toHelpSection } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { readableTable } from '../../../output/readableTable.js';
import type { ProjectLocation } from '../../../project/sfdxProject.js';
import type { ComponentReport, StepReport } from '../../../deploy/deployExecutor.js';
import type { DeployStages } from '../../../deploy/deployStages.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

/** A step of the plan and what became of it. */
export type DeployStepResult = StepReport;

/** A deployed (or planned) component, mapped back to its file in the project. */
export type DeployComponentResult = ComponentReport;

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
    // The job's modules load only when it runs: `--help` (which loads this class for the target-org default) stays light.
    const [
      { findProject },
      { readAppFiles },
      { connectionOrgApi },
      { inventoryRequest, readOrgInventory },
      { makePlan },
      { executePlan },
      { sdrDeployer },
      { toOrgError },
      { checkAgainstOrg, deployApiVersion, requestedApiVersion },
      { deployStages },
    ] = await Promise.all([
      import('../../../project/sfdxProject.js'),
      import('../../../project/projectFiles.js'),
      import('../../../org/orgApi.js'),
      import('../../../deploy/orgInventory.js'),
      import('../../../deploy/deployPlan.js'),
      import('../../../deploy/deployExecutor.js'),
      import('../../../deploy/metadataDeploy.js'),
      import('../../../deploy/orgErrors.js'),
      import('../../../deploy/apiVersion.js'),
      import('../../../deploy/deployStages.js'),
    ]);
    const org = flags['target-org'];
    const targetOrg = org.getUsername() ?? '';
    const dryRun = flags['dry-run'] ?? false;
    this.stages = await deployStages(this.jsonEnabled(), targetOrg, dryRun);

    this.stages.goto('read');
    const project = await locateProject(findProject);
    const conn = org.getConnection(flags['api-version']);
    // The files are checked before any org request whenever the version is known locally (flag or project).
    const requested = requestedApiVersion(flags['api-version'], project.sourceApiVersion);
    const apiVersion = await deployApiVersion(requested, conn);
    const files = await readAppFiles({
      projectRoot: project.root,
      packageDirs: project.packageDirs,
      appName: flags.name,
      runAsUsername: flags['run-as-username'],
      apiVersion,
    });
    await checkAgainstOrg(requested, conn);
    conn.setApiVersion(apiVersion);
    files.warnings.forEach((w) => this.warn(w));

    this.stages.goto('inventory', { runAs: files.runAsUsername });
    const api = connectionOrgApi(conn);
    let inventory;
    try {
      inventory = await readOrgInventory(api, inventoryRequest(files));
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
        { key: 'step', name: messages.getMessage('column.step') },
        { key: 'action', name: messages.getMessage('column.action') },
        { key: 'status', name: messages.getMessage('column.status') },
        { key: 'target', name: messages.getMessage('column.target') },
        { key: 'reason', name: messages.getMessage('column.reason') },
      ],
      ...readableTable(),
    });
    this.table({
      title: messages.getMessage('output.componentsTitle'),
      data: result.components.map((c) => ({
        type: c.type,
        fullName: c.adopted ? messages.getMessage('output.adoptedName', [c.fullName]) : c.fullName,
        file: c.filePath,
        state: c.state,
      })),
      columns: [
        { key: 'type', name: messages.getMessage('column.type') },
        { key: 'fullName', name: messages.getMessage('column.nameInOrg') },
        { key: 'file', name: messages.getMessage('column.file') },
        { key: 'state', name: messages.getMessage('column.result') },
      ],
      ...readableTable(),
    });
    this.log(messages.getMessage('output.runAs', [result.runAsUsername]));
    this.log(messages.getMessage('output.tokenUrl', [result.tokenUrl]));
    this.log(messages.getMessage(result.dryRun ? 'output.nextStepDryRun' : 'output.nextStep', [result.nextStep]));
  }
}

async function locateProject(findProject: () => Promise<ProjectLocation>): Promise<ProjectLocation> {
  try {
    return await findProject();
  } catch (e) {
    if (e instanceof Error && e.name === 'InvalidProjectWorkspaceError') throw messages.createError('error.NotInProject');
    throw e;
  }
}
