/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import type { Duration } from '@salesforce/kit';
import { parseMetadataXml, type XmlNode } from '../metadata/xml.js';
import { type OrgApi, soqlString } from '../org/orgApi.js';
import { readConnectedApps } from '../org/orgApps.js';
import type { ConnectedAppFile } from '../project/connectedAppFiles.js';
import type { UserDefinition } from '../project/projectFiles.js';
import { assignPermissionSets, createUser, profileIdByName } from './userProvisioning.js';
import { loadSdr, type ComponentState } from './metadataDeploy.js';
import { finishedStatus } from './deployPolling.js';

/**
 * Deploying a legacy Connected App whose client credentials flow `generate --from-org` switched on (eca-metadata.md
 * section 9): only an app that exists in the org (new connected apps can't be created since Spring '26), never a
 * consumer key or secret in the file, the Run As (execution) user checked first (it must exist and be active), then
 * one deploy of the one file.
 */

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy.connectedApp');

export type ConnectedAppDeployRequest = {
  file: ConnectedAppFile;
  projectRoot: string;
  targetOrg: string;
  dryRun: boolean;
  /** --run-as-username: must match the file's oauthClientCredentialUser when given. */
  runAsUsername?: string;
  /** config/<App>.user-def.json: the Run As user to create first when the org doesn't have it. */
  userDefinition?: UserDefinition;
};

export type ConnectedAppDeployOutcome = {
  runAsUsername: string;
  /** The Run As user was created from the user definition (or, with --dry-run, would be). */
  userCreated: boolean;
  state: ComponentState;
  deployId: string;
  problem?: string;
};

/** Sends one metadata deploy of the file (SDR), check-only for --dry-run. */
export type ConnectedAppDeployer = (filePath: string, checkOnly: boolean) => Promise<{ id: string; success: boolean; state: ComponentState; problem?: string }>;

function oauthConfigOf(fields: XmlNode): XmlNode | undefined {
  const value = fields.oauthConfig;
  return typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

/** The file's problems before anything is sent: no OAuth, a consumer key or secret, the flow off, no Run As user. */
export function connectedAppFileProblems(fields: XmlNode, runAsFlag: string | undefined): { runAsUsername?: string; problems: string[] } {
  const config = oauthConfigOf(fields);
  if (!config) return { problems: [messages.getMessage('problem.noOauthConfig')] };
  const problems: string[] = [];
  if (config.consumerKey !== undefined) problems.push(messages.getMessage('problem.consumerKeyInFile'));
  if (config.consumerSecret !== undefined) problems.push(messages.getMessage('problem.consumerSecretInFile'));
  if (config.isClientCredentialEnabled !== 'true') problems.push(messages.getMessage('problem.flowOff'));
  const fileUser = typeof config.oauthClientCredentialUser === 'string' ? config.oauthClientCredentialUser.trim() : undefined;
  if (!fileUser) problems.push(messages.getMessage('problem.noRunAsUser'));
  if (runAsFlag && fileUser && runAsFlag.toLowerCase() !== fileUser.toLowerCase()) {
    problems.push(messages.getMessage('problem.runAsFlagDiffers', [runAsFlag, fileUser]));
  }
  return { runAsUsername: fileUser, problems };
}

/** Checks the file and the org, then deploys; throws an SfError (nothing changed) for every refusal. */
export async function deployConnectedApp(
  request: ConnectedAppDeployRequest,
  api: OrgApi,
  deploy: ConnectedAppDeployer
): Promise<ConnectedAppDeployOutcome> {
  const { file, targetOrg } = request;
  const shown = relative(request.projectRoot, file.filePath);
  const { fields } = parseMetadataXml(await readFile(file.filePath, 'utf8'));
  const checked = connectedAppFileProblems(fields, request.runAsUsername);
  if (checked.problems.length > 0 || !checked.runAsUsername) {
    throw messages.createError('error.InvalidFile', [shown, checked.problems.map((p) => `- ${p}`).join('\n')]);
  }
  const runAsUsername = checked.runAsUsername;
  const [apps, users] = await Promise.all([
    readConnectedApps(api, file.fullName),
    api.query<{ Username?: string; IsActive?: boolean | string }>(
      `SELECT Id, Username, IsActive FROM User WHERE Username = ${soqlString(runAsUsername)} LIMIT 1`
    ),
  ]);
  const app = apps[0];
  if (!app) throw messages.createError('error.NotInOrg', [file.fullName, targetOrg]);
  if (app.managed) throw messages.createError('error.Managed', [file.fullName, app.namespacePrefix ?? '']);
  const user = users[0];
  const definition = request.userDefinition;
  const canCreate = definition !== undefined && definition.Username.toLowerCase() === runAsUsername.toLowerCase();
  if (!user && !canCreate) throw messages.createError('error.RunAsUserMissing', [runAsUsername, targetOrg]);
  if (user && !(user.IsActive === true || user.IsActive === 'true')) {
    throw messages.createError('error.RunAsUserInactive', [runAsUsername, targetOrg]);
  }
  if (!user && definition) {
    // A check-only deploy can't see a user that doesn't exist yet: nothing to validate before it is created.
    if (request.dryRun) return { runAsUsername, userCreated: true, state: 'NotValidated', deployId: '' };
    await createRunAsUser(api, definition);
  }

  const result = await deploy(file.filePath, request.dryRun);
  if (!result.success) {
    const error = messages.createError('error.DeployFailed', [file.fullName, result.problem ?? result.state]);
    error.setData({ deployId: result.id, problem: result.problem });
    throw error;
  }
  return { runAsUsername, userCreated: !user, state: result.state, deployId: result.id };
}

/** The Run As user first (eca-metadata.md section 11): its profile by name, the user, its permission sets. */
async function createRunAsUser(api: OrgApi, definition: UserDefinition): Promise<void> {
  const profileId = await profileIdByName(api, definition.profileName);
  const permissionSets = definition.permsets.length
    ? await api.query<{ Id: string; Name: string }>(
        `SELECT Id, Name FROM PermissionSet WHERE Name IN (${definition.permsets.map(soqlString).join(', ')})`
      )
    : [];
  const missing = definition.permsets.filter((name) => !permissionSets.some((p) => p.Name.toLowerCase() === name.toLowerCase()));
  if (missing.length > 0) throw messages.createError('error.PermissionSetsMissing', [missing.join(', ')]);
  const userId = await createUser(api, definition, profileId);
  await assignPermissionSets(
    api,
    userId,
    permissionSets.map((p) => p.Id)
  );
}

type DeployMessage = { componentType?: string; fullName?: string; problem?: string; created?: unknown; changed?: unknown };

const asList = <T>(value: T | T[] | undefined | null): T[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
const isTrue = (v: unknown): boolean => v === true || v === 'true';

/** The SDR deployer: a copy of the file in a temporary metadata folder (the project's .forceignore can't drop it). */
export function sdrConnectedAppDeployer(connection: Connection, apiVersion: string, wait: Duration): ConnectedAppDeployer {
  return async (filePath, checkOnly) => {
    const dir = await mkdtemp(join(tmpdir(), 'eca-ca-'));
    try {
      const staged = join(dir, 'connectedApps', filePath.split(/[\\/]/).pop() ?? 'app.connectedApp-meta.xml');
      await mkdir(join(dir, 'connectedApps'), { recursive: true });
      await copyFile(filePath, staged);
      const { ComponentSet } = await loadSdr();
      const set = ComponentSet.fromSource([staged]);
      set.apiVersion = apiVersion;
      set.sourceApiVersion = apiVersion;
      const deploy = await set.deploy({
        usernameOrConnection: connection,
        apiOptions: { checkOnly, rollbackOnError: true, singlePackage: true },
      });
      const response = await finishedStatus(deploy, { waitSeconds: wait.seconds });
      const failures = asList<DeployMessage>(response.details?.componentFailures as DeployMessage | DeployMessage[] | undefined);
      const successes = asList<DeployMessage>(response.details?.componentSuccesses as DeployMessage | DeployMessage[] | undefined);
      const mine = successes.find((m) => m.componentType === 'ConnectedApp');
      const success = response.success === true || String(response.success) === 'true';
      const state: ComponentState = !success
        ? 'Failed'
        : checkOnly
        ? 'Validated'
        : mine && isTrue(mine.created)
        ? 'Created'
        : mine && isTrue(mine.changed)
        ? 'Changed'
        : mine
        ? 'Unchanged'
        : 'Deployed';
      const problem = failures.map((f) => f.problem ?? '').filter(Boolean).join('; ');
      return { id: deploy.id ?? '', success, state, ...(problem ? { problem } : {}) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}
