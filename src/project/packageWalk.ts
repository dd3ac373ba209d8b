/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Folders source resolution never looks into (as SDR: dependencies, CLI state, git, hidden folders). */
const SKIPPED_DIRS = new Set(['node_modules', '.sfdx', '.sf', '.git']);

export type PackageFile = { name: string; path: string };

/**
 * Every file below the package directories (recursively, like SDR's source resolution), skipping dependency, CLI and
 * hidden folders; a package directory that is missing or not a folder has no files.
 */
export async function packageFiles(packageDirs: readonly string[]): Promise<PackageFile[]> {
  const found: PackageFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    await Promise.all(
      entries.map(async (entry) => {
        const path = join(dir, entry.name);
        if (!entry.isDirectory()) found.push({ name: entry.name, path });
        else if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) await walk(path);
      })
    );
  };
  await Promise.all(packageDirs.map(walk));
  return found;
}
