/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { relative, resolve } from 'node:path';
import { Messages, SfError } from '@salesforce/core';
import { type AppDefinitionInput, buildAppDefinition } from '../appDefinition.js';
import { loadTemplates, renderFiles } from '../renderFiles.js';
import { resolveApiVersion } from '../appDefinitionRules.js';
import { equivalentContent } from '../equivalentContent.js';
import { type GeneratedFile, type GenerateOptions, type GenerateResult, generateApp } from '../generateApp.js';
import { FileWriteError, writeFiles } from '../writeFiles.js';
import { buildMetadataXml } from '../../metadata/xml.js';
import { type OrgApi, soqlString } from '../../org/orgApi.js';
import { findOrgApp, type OrgConnectedApp, type OrgEcaApp } from '../../org/orgApps.js';
import { defaultMetadataDir, findProject, type ProjectLocation } from '../../project/sfdxProject.js';
import { connectedAppFilePath, connectedAppRefusal, consumerKeyOf, importedConnectedApp, preAuthorizedNames } from './connectedAppImport.js';
import { ecaRefusal, importedEcaComponents, orgDefaults, type OverridableInput } from './ecaImport.js';

/**
 * `generate --from-org`: only where generate's input comes from changes. The app is read from the org (an External
 * Client App, else a legacy Connected App), refused with nothing written when it is managed, has no OAuth settings or
 * can't get the flow; else its files are written as generate writes them, under the org's names.
 */

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.generate.fromOrg');
const generateMessages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.generate');

export type ImportedAppKind = 'ExternalClientApplication' | 'ConnectedApp';

export type ImportResult = GenerateResult & {
  /** Where the app came from. */
  fromOrg: {
    targetOrg: string;
    kind: ImportedAppKind;
    /** True when the Run As user exists in the org (no user definition or profile is written then). */
    runAsUserExists: boolean;
    /** A connected app's consumer key (unchanged by the import; its secret can't be read by API). */
    consumerKey?: string;
  };
};

export type ImportOutcome = { result: ImportResult; warnings: string[] };

export type ImportInput = Omit<AppDefinitionInput, 'projectApiVersion' | 'contactEmail'> & { contactEmail?: string };

type RunAsUser = { username: string; isActive: boolean; profileName?: string };

/** Inputs that select the custom profile generate writes: with one of them, an existing user still gets generate's files. */
const PROFILE_INPUTS = ['profileName', 'existingProfile', 'apiOnlyUser', 'viewAllData', 'viewAllObjects', 'userLicense'] as const;

const OVERRIDABLE: readonly OverridableInput[] = [
  'label',
  'description',
  'contactEmail',
  'callbackUrl',
  'pkce',
  'refreshTokenRotation',
  'scopes',
  'permittedUsers',
  'ipRelaxation',
  'sessionTimeout',
  'refreshTokenPolicy',
  'refreshTokenValidity',
];

function refuse(refusal: { key: string; tokens: string[] }): SfError {
  return messages.createError(refusal.key, refusal.tokens);
}

async function readRunAsUser(api: OrgApi, username: string): Promise<RunAsUser | undefined> {
  const rows = await api.query<{ Username?: string; IsActive?: boolean | string; Profile?: { Name?: string } | null }>(
    `SELECT Id, Username, IsActive, Profile.Name FROM User WHERE Username = ${soqlString(username)} LIMIT 1`
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    username: row.Username ?? username,
    isActive: row.IsActive === true || row.IsActive === 'true',
    profileName: row.Profile?.Name ?? undefined,
  };
}

/** Reads the app and the Run As user, then writes the files (or refuses, writing nothing). */
export async function generateFromOrg(
  input: ImportInput,
  api: OrgApi,
  options: GenerateOptions & { targetOrg: string }
): Promise<ImportOutcome> {
  const [app, user] = await Promise.all([findOrgApp(api, input.name), readRunAsUser(api, input.runAsUsername)]);
  if (!app) throw messages.createError('error.AppNotFound', [input.name, options.targetOrg]);
  if (user && !user.isActive) throw messages.createError('error.RunAsUserInactive', [user.username, options.targetOrg]);
  return app.kind === 'eca' ? importEca(app, user, input, options) : importConnectedApp(app, user, input, options);
}

async function importEca(
  app: OrgEcaApp,
  user: RunAsUser | undefined,
  input: ImportInput,
  options: GenerateOptions & { targetOrg: string }
): Promise<ImportOutcome> {
  // Before generate's own checks: a managed app's namespaced name is no valid name of a new app.
  const refusal = ecaRefusal(app);
  if (refusal) throw refuse(refusal);
  const defaults = orgDefaults(app);
  const given = new Set(OVERRIDABLE.filter((key) => input[key] !== undefined));
  const useExistingUser = user !== undefined && PROFILE_INPUTS.every((key) => input[key] === undefined);
  const contactEmail = input.contactEmail ?? defaults.contactEmail;
  if (!contactEmail) throw messages.createError('error.NoContactEmail', [app.name]);
  const permittedUsers = input.permittedUsers ?? (defaults.permittedUsers === 'AllSelfAuthorized' ? 'AllSelfAuthorized' : undefined);
  const outcome = await generateApp(
    {
      ...input,
      name: app.name,
      contactEmail,
      permittedUsers,
      ...(useExistingUser ? { existingProfile: user.profileName } : {}),
    },
    options,
    {
      components: (definition) => {
        const atVersion = ecaRefusal(app, definition.apiVersion);
        if (atVersion) throw refuse(atVersion);
        return importedEcaComponents(app, definition, given);
      },
      // The user definition also carries the permission sets deploy assigns (the app's access permission set, which
      // pre-authorizes the Run As user, among them): kept when there are some.
      omitUserDefinition: useExistingUser && (input.permissionSets ?? []).length === 0 && input.accessPermissionSet === false,
    }
  );
  return {
    warnings: outcome.warnings,
    result: {
      ...outcome.result,
      fromOrg: { targetOrg: options.targetOrg, kind: 'ExternalClientApplication', runAsUserExists: user !== undefined },
    },
  };
}

async function locateProject(cwd: string): Promise<ProjectLocation> {
  try {
    return await findProject(cwd);
  } catch (error) {
    if (error instanceof SfError && error.name === 'InvalidProjectWorkspaceError') throw generateMessages.createError('error.NoProject', [cwd]);
    throw error;
  }
}

/** The user definition of a new Run As user, rendered as generate renders it (its validation rules and defaults). */
async function connectedAppUserDefinition(
  app: OrgConnectedApp,
  input: ImportInput,
  project: ProjectLocation,
  outputDir: string
): Promise<{ path: string; content: string }> {
  const caContactEmail = typeof app.record.fields.contactEmail === 'string' ? app.record.fields.contactEmail : undefined;
  const contactEmail = input.contactEmail ?? caContactEmail;
  if (!contactEmail) throw messages.createError('error.NoContactEmail', [app.name]);
  // A connected app gets no generated access permission set: its own pre-authorization lists stay as they are.
  const { definition } = buildAppDefinition({
    ...input,
    name: app.name,
    contactEmail,
    accessPermissionSet: false,
    projectApiVersion: project.sourceApiVersion,
  });
  const rendered = renderFiles(definition, { projectDir: project.root, metadataDir: outputDir }, await loadTemplates());
  const file = rendered.find((f) => f.type === 'UserDefinition');
  if (!file) throw new Error('the templates render no user definition');
  return { path: file.path, content: file.content };
}

/**
 * A connected app: its file with the flow on, and a manifest. A Run As user the org doesn't have gets a user
 * definition with an existing profile (--existing-profile: a connected app has no generated integration profile),
 * which `deploy` creates first; without --existing-profile it is refused.
 */
async function importConnectedApp(
  app: OrgConnectedApp,
  user: RunAsUser | undefined,
  input: ImportInput,
  options: GenerateOptions & { targetOrg: string }
): Promise<ImportOutcome> {
  const project = await locateProject(options.cwd);
  const apiVersion = resolveApiVersion(input.apiVersion, project.sourceApiVersion);
  const refusal = connectedAppRefusal(app, apiVersion);
  if (refusal) throw refuse(refusal);
  // A new Run As user: deploy creates it first from a user definition, with an existing profile (a connected app has
  // no generated integration profile).
  if (!user && input.existingProfile === undefined) {
    throw messages.createError('error.ConnectedAppRunAsUserMissing', [input.runAsUsername, options.targetOrg, app.name]);
  }
  const userInputs = ['existingProfile', 'permissionSets', 'userLastName', 'userFirstName', 'userEmail', 'userAlias', 'userLocale', 'userTimeZone'] as const;
  const applied: readonly string[] = user ? [] : userInputs;
  const ignored = [...new Set([...OVERRIDABLE, ...PROFILE_INPUTS, ...userInputs])].filter(
    (key) => input[key] !== undefined && !applied.includes(key)
  );
  const warnings = ignored.length > 0 ? [messages.getMessage('warning.ConnectedAppIgnoresFlags', [app.name])] : [];

  const outputDir = options.outputDir ? resolve(options.cwd, options.outputDir) : defaultMetadataDir(project);
  const userDefinitionFile = user ? undefined : await connectedAppUserDefinition(app, input, project, outputDir);
  const appFile = resolve(outputDir, connectedAppFilePath(app.name));
  const manifestFile = resolve(project.root, 'manifest', `${app.name}.package.xml`);
  const manifest = buildMetadataXml('Package', { types: { members: app.name, name: 'ConnectedApp' }, version: apiVersion });
  const runAsUsername = user?.username ?? input.runAsUsername;
  const files = [
    { path: appFile, type: 'ConnectedApp', fullName: app.name, content: importedConnectedApp(app, runAsUsername) },
    ...(userDefinitionFile ? [{ path: userDefinitionFile.path, type: 'UserDefinition', content: userDefinitionFile.content }] : []),
    { path: manifestFile, type: 'Manifest', content: manifest },
  ];
  const shown = (path: string): string => relative(options.cwd, path);
  let written;
  try {
    written = await writeFiles(files, { force: options.force, equivalent: equivalentContent });
  } catch (error) {
    if (error instanceof FileWriteError) throw generateMessages.createError('error.WriteFailed', [shown(error.path), error.reason]);
    throw error;
  }
  if (written.conflicts.length > 0) {
    const error = generateMessages.createError('error.Conflicts', [written.conflicts.map((p) => `  ${shown(p)}`).join('\n')]);
    error.setData({ conflicts: written.conflicts });
    throw error;
  }
  return {
    warnings,
    result: {
      name: app.name,
      apiVersion,
      projectDir: project.root,
      outputDir,
      runAsUsername,
      profileName: user ? user.profileName ?? '' : input.existingProfile ?? '',
      profileGenerated: false,
      preAuthorizedPermissionSets: preAuthorizedNames(app, 'permissionSetName'),
      preAuthorizedProfiles: preAuthorizedNames(app, 'profileName'),
      userDefinitionFile: userDefinitionFile?.path ?? '',
      manifestFile,
      files: written.files.map(
        (f): GeneratedFile => ({
          path: f.path,
          type: f.type,
          ...(f.fullName ? { fullName: f.fullName } : {}),
          status: f.status as GeneratedFile['status'],
        })
      ),
      fromOrg: {
        targetOrg: options.targetOrg,
        kind: 'ConnectedApp',
        runAsUserExists: user !== undefined,
        ...(consumerKeyOf(app) ? { consumerKey: consumerKeyOf(app) } : {}),
      },
    },
  };
}
