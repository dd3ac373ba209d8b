/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { basename, dirname, join, relative } from 'node:path';
import { Flags } from '@salesforce/sf-plugins-core';
import { type Connection, Messages } from '@salesforce/core';
import type { Duration } from '@salesforce/kit';
import { EcaCommand } from '../../../cli/ecaCommand.js';
import { exitCodesHelp } from '../../../cli/exitCodes.js';
import { readableTable } from '../../../output/readableTable.js';
import type { ProjectLocation } from '../../../project/sfdxProject.js';
import type { ComponentReport, PreAuthorizationReport, StepReport } from '../../../deploy/deployExecutor.js';
import type { DeployStages } from '../../../deploy/deployStages.js';
import type { PermissionAddition, PermissionDependencyResolver } from '../../../deploy/permissionDependencies.js';
import type { LicenseReport } from '../../../deploy/licenses.js';
import type { SandboxUsernameMatch } from '../../../deploy/sandboxUsername.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');
const caMessages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy.connectedApp');

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
  /** Permissions added to the deployed copies of profiles/permission sets because the org requires them. */
  permissionsAdded: PermissionAddition[];
  /** Set when the policy's Run As username was found in this sandbox only with a sandbox suffix. */
  runAsUsernameResolved?: SandboxUsernameMatch;
  /** The Run As user's license, its seats and the Integration permission set license. */
  licenses: LicenseReport;
  /** The pre-authorization names the policy deploy sent (only those the org lacked), and a full resend if needed. */
  preAuthorization?: PreAuthorizationReport;
  nextStep: string;
};

export default class Deploy extends EcaCommand<DeployResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = exitCodesHelp(messages);

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
    // The job's modules load only when it runs (deployJob.ts).
    const job = await import('../../../deploy/deployJob.js');
    const org = flags['target-org'];
    const targetOrg = org.getUsername() ?? '';
    const dryRun = flags['dry-run'] ?? false;
    this.stages = await job.deployStages(this.jsonEnabled(), targetOrg, dryRun);

    this.stages.goto('read');
    const project = await locateProject(job.findProject);
    const conn = Deploy.orgConnection(org, flags['api-version']);
    if (flags.name) {
      const { findConnectedAppFiles } = await import('../../../project/connectedAppFiles.js');
      const [connectedApp] = await findConnectedAppFiles(project.packageDirs, flags.name);
      if (connectedApp) return this.deployConnectedApp(connectedApp, project, { conn, targetOrg, dryRun, wait: flags.wait, runAs: flags['run-as-username'], apiVersionFlag: flags['api-version'] });
    }
    // The files are checked before any org request whenever the version is known locally (flag or project).
    const requested = job.requestedApiVersion(flags['api-version'], project.sourceApiVersion);
    const apiVersion = await job.deployApiVersion(requested, conn);
    let files = await job.readAppFiles({
      projectRoot: project.root,
      packageDirs: project.packageDirs,
      appName: flags.name,
      runAsUsername: flags['run-as-username'],
      apiVersion,
    });
    await job.checkAgainstOrg(requested, conn);
    conn.setApiVersion(apiVersion);
    files.warnings.forEach((w) => this.warn(w));

    this.stages.goto('inventory', { runAs: files.runAsUsername });
    const api = job.connectionOrgApi(conn);
    const permissions = new job.PermissionDependencyResolver(api);
    const reading = job.readOrgForDeploy(api, files, { dryRun, runAsFromFlag: Boolean(flags['run-as-username']), permissions });
    // SDR loads while the org answers.
    job.preloadSdr();
    let read;
    try {
      read = await reading;
    } catch (e) {
      throw job.toOrgError(e, { targetOrg });
    }
    const { inventory, plan, licenses, sandboxMatch } = read;
    files = read.files;
    if (sandboxMatch) {
      this.stages.goto('inventory', { runAs: sandboxMatch.inOrg });
      this.info(messages.getMessage('info.sandboxUsername', [sandboxMatch.fromProject, sandboxMatch.inOrg, sandboxMatch.suffix]));
    }
    if (plan.blockers.length) {
      const error = messages.createError('error.OrgNotReady', [targetOrg, plan.blockers.map((b) => `- ${b}`).join('\n')]);
      error.setData({ blockers: plan.blockers, steps: plan.steps });
      throw error;
    }
    plan.warnings.forEach((w) => this.warn(w));

    const execution = await job.executePlan(plan, {
      api,
      deploy: job.sdrDeployer(conn, apiVersion),
      inventory,
      projectRoot: project.root,
      targetOrg,
      wait: flags.wait,
      onProgress: (event) => this.stages?.progress(event),
      addMissingPermissions: (components, outcomes) => permissions.addFromFailures(components, outcomes),
    });
    this.stages.done();
    this.reportPermissions(permissions, project.root);

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
      permissionsAdded: permissions.additions.map((a) => ({ ...a, filePath: relative(project.root, a.filePath) })),
      ...(sandboxMatch ? { runAsUsernameResolved: sandboxMatch } : {}),
      licenses: licenses.report,
      ...(execution.preAuthorization ? { preAuthorization: execution.preAuthorization } : {}),
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

  /** What the org required that the files lack: said once, with what the file should contain. */
  private reportPermissions(permissions: PermissionDependencyResolver, root: string): void {
    for (const a of permissions.additions) {
      this.info(
        messages.getMessage('info.permissionAdded', [
          a.type,
          a.fullName,
          a.label,
          a.permission,
          a.requiredByLabel,
          a.requiredBy,
          a.source,
          a.permission,
          relative(root, a.filePath),
        ])
      );
    }
    for (const note of permissions.notes) {
      if (note.kind === 'describeUnavailable') this.warn(messages.getMessage('warning.permissionDescribeUnavailable'));
      else if (note.kind === 'dependenciesUnavailable') this.warn(messages.getMessage('warning.permissionDependencyUnavailable'));
      else this.warn(messages.getMessage('warning.permissionLabelUnknown', [note.label]));
    }
  }

  /** A legacy Connected App of the project (made by generate --from-org): one deploy of its one file. */
  private async deployConnectedApp(
    file: { fullName: string; filePath: string },
    project: ProjectLocation,
    options: { conn: Connection; targetOrg: string; dryRun: boolean; wait: Duration; runAs?: string; apiVersionFlag?: string }
  ): Promise<DeployResult> {
    const { conn, targetOrg, dryRun } = options;
    const [job, { deployConnectedApp, sdrConnectedAppDeployer }, { checkRunAsFlag, readUserDef }] = await Promise.all([
      import('../../../deploy/deployJob.js'),
      import('../../../deploy/connectedAppDeploy.js'),
      import('../../../project/projectFiles.js'),
    ]);
    // As for an ECA: a Run As username on the command line is checked before any org request.
    checkRunAsFlag(options.runAs);
    const problems: Array<{ file: string; message: string }> = [];
    const userDef = await readUserDef(join(project.root, 'config', `${file.fullName}.user-def.json`), project.root, problems);
    if (problems.length > 0) {
      throw messages.createError('error.InvalidProjectFiles', [file.fullName, String(problems.length), problems.map((p) => `- ${p.file}: ${p.message}`).join('\n')]);
    }
    const requested = job.requestedApiVersion(options.apiVersionFlag, project.sourceApiVersion);
    const apiVersion = await job.deployApiVersion(requested, conn);
    conn.setApiVersion(apiVersion);
    this.stages?.goto('inventory', { runAs: options.runAs ?? '' });
    const outcome = await deployConnectedApp(
      { file, projectRoot: project.root, targetOrg, dryRun, runAsUsername: options.runAs, userDefinition: userDef?.definition },
      job.connectionOrgApi(conn),
      sdrConnectedAppDeployer(conn, apiVersion, options.wait)
    );
    this.stages?.done();
    const instanceUrl = (conn.instanceUrl ?? '').replace(/\/+$/, '');
    const filePath = relative(project.root, file.filePath);
    const result: DeployResult = {
      name: file.fullName,
      targetOrg,
      apiVersion,
      dryRun,
      runAsUsername: outcome.runAsUsername,
      tokenUrl: `${instanceUrl}/services/oauth2/token`,
      steps: outcome.userCreated
        ? [{ step: 'user', action: 'create', status: dryRun ? 'wouldRun' : 'done', target: outcome.runAsUsername, reason: caMessages.getMessage('output.userCreated', [outcome.runAsUsername]) }]
        : [],
      components: [
        { type: 'ConnectedApp', fullName: file.fullName, localFullName: file.fullName, filePath, adopted: false, state: outcome.state },
      ],
      deployIds: outcome.deployId ? [outcome.deployId] : [],
      // A connected app deploy adds no permissions and checks no licenses (the user gets an existing profile).
      permissionsAdded: [],
      licenses: {},
      nextStep: dryRun
        ? `sf eca clientcreds deploy --name ${file.fullName} --target-org ${targetOrg}`
        : `sf eca clientcreds test --name ${file.fullName} --target-org ${targetOrg} --client-id <consumer key> --client-secret-env <VAR>`,
    };
    if (!this.jsonEnabled()) {
      if (outcome.userCreated) {
        this.log(caMessages.getMessage(dryRun ? 'output.userWouldBeCreated' : 'output.userCreated', [outcome.runAsUsername]));
      }
      this.log(caMessages.getMessage('output.connectedApp', [file.fullName, outcome.state, outcome.deployId, outcome.runAsUsername]));
      this.log(caMessages.getMessage('output.nextStep', [result.nextStep]));
    }
    return result;
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
    this.log(componentLines(result.components));
    this.log(messages.getMessage('output.runAs', [result.runAsUsername]));
    this.log(messages.getMessage('output.tokenUrl', [result.tokenUrl]));
    this.log(messages.getMessage(result.dryRun ? 'output.nextStepDryRun' : 'output.nextStep', [result.nextStep]));
  }
}

/**
 * The components one line each under their package folder, as generate lists files: a path is never cut by a table
 * column and stays copyable, within 100 columns for app names of ordinary length. The org's name is added when the
 * component was adopted under another name.
 */
export function componentLines(components: readonly ComponentReport[]): string {
  const width = Math.max(0, ...components.map((c) => c.state.length));
  const groups = new Map<string, string[]>();
  for (const c of components) {
    const typeFolder = dirname(c.filePath);
    const packageFolder = dirname(typeFolder);
    const inOrg = c.adopted ? ` ${messages.getMessage('output.inOrgAs', [c.fullName])}` : '';
    const line = `  ${c.state.padEnd(width)}  ${join(basename(typeFolder), basename(c.filePath))}${inOrg}`;
    groups.set(packageFolder, [...(groups.get(packageFolder) ?? []), line]);
  }
  const blocks = [...groups].map(([folder, lines]) => [`${folder}/`, ...lines].join('\n'));
  return [messages.getMessage('output.componentsTitle'), ...blocks].join('\n');
}

async function locateProject(findProject: () => Promise<ProjectLocation>): Promise<ProjectLocation> {
  try {
    return await findProject();
  } catch (e) {
    if (e instanceof Error && e.name === 'InvalidProjectWorkspaceError') throw messages.createError('error.NotInProject');
    throw e;
  }
}
