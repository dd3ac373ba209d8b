/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readFile } from 'node:fs/promises';
import { listMetadataFiles } from '../project/metadataFiles.js';
import { GeneratedTypeName, SATELLITE_TYPES } from '../metadata/ecaTypes.js';

/**
 * Components of the app already in the project at another path: satellites retrieved from an org, made in Setup or
 * renamed (a satellite belongs to its app only through <externalClientApplication>), or the header/profile in another
 * folder or package directory. Generate updates such a file in place instead of adding a second component beside it:
 * an org accepts one OAuth policy per app, and a project can't hold one component twice.
 */

export type ExistingComponent = { type: GeneratedTypeName; path: string; fullName: string };

export type ComponentScan = {
  /** Per type, the existing file to write instead of the default path (when exactly one exists, elsewhere). */
  adopted: Partial<Record<GeneratedTypeName, ExistingComponent>>;
  /** Types with several files for the app; generate writes the default path and lists these. */
  duplicates: ExistingComponent[][];
};

export type PlannedComponent = { type: GeneratedTypeName; fullName: string; path: string };

const isSatellite = (type: GeneratedTypeName): boolean => (SATELLITE_TYPES as readonly string[]).includes(type);

async function appOf(path: string): Promise<string | undefined> {
  try {
    // The XML reader loads only when the project has such a file: a first generate in a project has none.
    const [{ parseMetadataXml, textOf }, text] = await Promise.all([import('../metadata/xml.js'), readFile(path, 'utf8')]);
    return textOf(parseMetadataXml(text).fields, 'externalClientApplication');
  } catch {
    return undefined; // malformed or unreadable: deploy reports it
  }
}

/**
 * Finds, in `dirs` (recursively), the files of the `planned` components of `appName`: satellites by their
 * <externalClientApplication>, the header and the profile by name.
 */
export async function scanExistingComponents(
  dirs: readonly string[],
  appName: string,
  planned: readonly PlannedComponent[]
): Promise<ComponentScan> {
  const types = new Set(planned.map((c) => c.type));
  const files = (await listMetadataFiles([...new Set(dirs)])).filter((f) => types.has(f.type));
  const unique = files.filter((f, i) => files.findIndex((g) => g.path === f.path) === i);
  const apps = await Promise.all(unique.map((f) => (isSatellite(f.type) ? appOf(f.path) : Promise.resolve(undefined))));
  const scan: ComponentScan = { adopted: {}, duplicates: [] };
  for (const component of planned) {
    const mine = unique
      .filter((f, i) => f.type === component.type && (isSatellite(f.type) ? apps[i] === appName : f.fullName === component.fullName))
      .map((f) => ({ type: f.type, path: f.path, fullName: f.fullName }));
    if (mine.length > 1) scan.duplicates.push(mine);
    if (mine.length === 1 && mine[0].path !== component.path) scan.adopted[component.type] = mine[0];
  }
  return scan;
}
