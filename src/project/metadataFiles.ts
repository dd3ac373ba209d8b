/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { type GeneratedTypeName, TYPES, typeFromFileName } from '../metadata/ecaTypes.js';
import { packageFiles } from './packageWalk.js';

/**
 * Finding the source files of the generated types in a project, by file name only: what `generate` needs to see what
 * the project already has, without the readers and checks of projectFiles.ts (and their messages) that `deploy` uses.
 */

/** One metadata source file: its type, path and component name (decoded from the file name). */
export type FoundFile = { type: GeneratedTypeName; path: string; fullName: string };

function fullNameOf(fileName: string, type: GeneratedTypeName): string {
  const raw = fileName.slice(0, -`.${TYPES[type].suffix}-meta.xml`.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Every file of the generated types in the package directories (recursively, like SDR's source resolution). */
export async function listMetadataFiles(packageDirs: string[]): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  for (const { name, path } of await packageFiles(packageDirs)) {
    const type = typeFromFileName(name);
    if (type) found.push({ type, path, fullName: fullNameOf(name, type) });
  }
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/** App names of the project: the base names of its ExternalClientApplication files. */
export function appNamesOf(files: FoundFile[]): string[] {
  return [...new Set(files.filter((f) => f.type === 'ExternalClientApplication').map((f) => f.fullName))].sort();
}
