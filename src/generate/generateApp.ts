/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { relative, resolve, sep } from 'node:path';
import { Messages, SfError } from '@salesforce/core';
import { defaultMetadataDir, findProject, ProjectLocation } from '../project/sfdxProject.js';
import { sourceFilePath, type EcaTypeName } from '../metadata/ecaTypes.js';
import { buildAppDefinition, AppDefinition, AppDefinitionInput } from './appDefinition.js';
import { scanExistingComponents } from './existingComponents.js';
import { generatedComponents, loadTemplates, renderFiles, RenderedFile } from './renderFiles.js';
import { equivalentContent } from './equivalentContent.js';
import { ConcurrentWriteError, FileWriteError, writeFiles } from './writeFiles.js';

/**
 * The generate flow: find the project, validate the input into a definition, find the app's components already in the
 * project, render, write all-or-nothing. Returns the result and the warnings; throws SfErrors worded for the user.
 */

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.generate');

export type GeneratedFileStatus = 'created' | 'unchanged' | 'overwritten';

export type GeneratedFile = {
  /** Absolute path. */
  path: string;
  /** Metadata type, or UserDefinition / Manifest. */
  type: string;
  /** Component name, for metadata files. */
  fullName?: string;
  status: GeneratedFileStatus;
};

export type GenerateResult = {
  /** API name of the External Client App. */
  name: string;
  apiVersion: string;
  /** Folder holding sfdx-project.json. */
  projectDir: string;
  /** Folder the metadata files were written to. */
  outputDir: string;
  runAsUsername: string;
  /** Profile of the Run As user: the generated custom profile or the existing one. */
  profileName: string;
  profileGenerated: boolean;
  /** The generated access permission set that pre-authorizes the Run As user (absent with --no-access-permission-set). */
  accessPermissionSet?: string;
  /** Permission sets the policy pre-authorizes (commaSeparatedPermissionSet). */
  preAuthorizedPermissionSets: string[];
  /** Profiles the policy pre-authorizes (commaSeparatedProfile, API 62.0+). */
  preAuthorizedProfiles: string[];
  userDefinitionFile: string;
  manifestFile: string;
  files: GeneratedFile[];
};

export type GenerateOptions = {
  /** Where to look for sfdx-project.json (upwards), and the base of relative paths in messages. */
  cwd: string;
  /** --output-dir, relative to cwd or absolute. */
  outputDir?: string;
  force: boolean;
};

export type GenerateOutcome = { result: GenerateResult; warnings: string[] };

/**
 * Components that come from elsewhere than the templates (`generate --from-org`: an app read from an org), built from
 * the validated definition: written under their own names and with their own content instead of the rendered ones.
 */
export type ComponentSource = {
  /** No user definition file: the Run As user already exists in the org. */
  omitUserDefinition?: boolean;
  components(definition: AppDefinition): { components: Array<{ type: EcaTypeName; fullName: string; content: string }>; warnings: string[] };
};

async function locateProject(cwd: string): Promise<ProjectLocation> {
  try {
    return await findProject(cwd);
  } catch (error) {
    if (error instanceof SfError && error.name === 'InvalidProjectWorkspaceError') {
      throw messages.createError('error.NoProject', [cwd]);
    }
    throw error;
  }
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
}

async function write(
  rendered: RenderedFile[],
  force: boolean,
  shown: (path: string) => string
): Promise<Array<RenderedFile & { status: string }>> {
  try {
    const result = await writeFiles(rendered, { force, equivalent: equivalentContent });
    if (result.conflicts.length > 0) {
      const list = result.conflicts.map((p) => `  ${shown(p)}`).join('\n');
      const error = messages.createError('error.Conflicts', [list]);
      error.setData({ conflicts: result.conflicts });
      throw error;
    }
    return result.files;
  } catch (error) {
    if (error instanceof ConcurrentWriteError) {
      throw messages.createError('error.ConcurrentWrite', [shown(error.path)]);
    }
    if (error instanceof FileWriteError) {
      throw messages.createError('error.WriteFailed', [shown(error.path), error.reason]);
    }
    throw error;
  }
}

/** Generates the files of one app into the project around `options.cwd`. */
export async function generateApp(
  input: Omit<AppDefinitionInput, 'projectApiVersion'>,
  options: GenerateOptions,
  source?: ComponentSource
): Promise<GenerateOutcome> {
  const shown = (path: string): string => relative(options.cwd, path);
  const project = await locateProject(options.cwd);
  const { definition, warnings } = buildAppDefinition({ ...input, projectApiVersion: project.sourceApiVersion });

  const outputDir = options.outputDir ? resolve(options.cwd, options.outputDir) : defaultMetadataDir(project);
  if (!project.packageDirs.some((dir) => isInside(outputDir, dir))) {
    warnings.push(messages.getMessage('warning.OutputDirOutsidePackageDirs', [outputDir]));
  }

  const imported = source?.components(definition);
  warnings.push(...(imported?.warnings ?? []));
  const importedNames = Object.fromEntries(
    (imported?.components ?? []).map((c) => [c.type, { fullName: c.fullName, path: resolve(outputDir, sourceFilePath(c.type, c.fullName)) }])
  );
  const locations = { projectDir: project.root, metadataDir: outputDir, adopted: importedNames };
  const planned = generatedComponents(definition, locations);
  const scan = await scanExistingComponents([...project.packageDirs, outputDir], definition.app.name, planned);
  for (const existing of Object.values(scan.adopted)) {
    const defaultPath = planned.find((c) => c.type === existing.type)?.path ?? '';
    warnings.push(
      messages.getMessage('warning.AdoptedExistingComponent', [
        existing.type,
        definition.app.name,
        shown(existing.path),
        shown(defaultPath),
      ])
    );
  }
  for (const group of scan.duplicates) {
    const list = group.map((f) => shown(f.path)).join(', ');
    warnings.push(messages.getMessage('warning.DuplicateComponents', [group[0].type, definition.app.name, list]));
  }

  const rendered = renderFiles(definition, { ...locations, adopted: { ...importedNames, ...scan.adopted } }, await loadTemplates())
    .map((file) => {
      const content = imported?.components.find((c) => c.type === file.type)?.content;
      return content === undefined ? file : { ...file, content };
    })
    .filter((file) => !(source?.omitUserDefinition && file.type === 'UserDefinition'));
  const written = await write(rendered, options.force, shown);
  const pathOf = (type: RenderedFile['type']): string => rendered.find((f) => f.type === type)?.path ?? '';

  return {
    warnings,
    result: {
      name: definition.app.name,
      apiVersion: definition.apiVersion,
      projectDir: project.root,
      outputDir,
      runAsUsername: definition.user.username,
      profileName: definition.profile.name,
      profileGenerated: definition.profile.kind === 'custom',
      ...(definition.accessPermissionSet ? { accessPermissionSet: definition.accessPermissionSet.name } : {}),
      preAuthorizedPermissionSets: [...definition.policy.preAuthorizedPermissionSets],
      preAuthorizedProfiles: [...definition.policy.preAuthorizedProfiles],
      userDefinitionFile: pathOf('UserDefinition'),
      manifestFile: pathOf('Manifest'),
      files: written.map((f) => ({
        path: f.path,
        type: f.type,
        ...(f.fullName ? { fullName: f.fullName } : {}),
        status: f.status as GeneratedFileStatus,
      })),
    },
  };
}
