/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { join, resolve } from 'node:path';
import { SfProject } from '@salesforce/core';
import { checkProjectFile } from './projectJson.js';

/** Where an SFDX project is and where generated files go in it. */
export type ProjectLocation = {
  /** Absolute path of the folder holding sfdx-project.json. */
  root: string;
  /** Absolute paths of every package directory, default first. */
  packageDirs: string[];
  /** Absolute path of the default package directory. */
  defaultPackageDir: string;
  /** sourceApiVersion of sfdx-project.json, when set. */
  sourceApiVersion?: string;
};

/**
 * Finds the SFDX project containing `dir` (walking up like the sf CLI does). Throws core's
 * InvalidProjectWorkspaceError when there is none (callers map it to their own message), and InvalidProjectFileError
 * naming the file when sfdx-project.json is not usable (projectJson.ts).
 */
export async function findProject(dir: string = process.cwd()): Promise<ProjectLocation> {
  const root = await SfProject.resolveProjectPath(resolve(dir));
  await checkProjectFile(root);
  const project = await SfProject.resolve(root);
  const dirs = project.getUniquePackageDirectories();
  const defaultDir = project.getDefaultPackage();
  const packageDirs = [defaultDir, ...dirs.filter((d) => d.path !== defaultDir.path)].map((d) => resolve(root, d.path));
  const sourceApiVersion = project.getSfProjectJson().get('sourceApiVersion');
  return {
    root,
    packageDirs,
    defaultPackageDir: packageDirs[0],
    sourceApiVersion: typeof sourceApiVersion === 'string' ? sourceApiVersion : undefined,
  };
}

/** The folder metadata files are written to by default: <default package dir>/main/default, as sf templates do. */
export function defaultMetadataDir(project: ProjectLocation): string {
  return join(project.defaultPackageDir, 'main', 'default');
}
