/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readFile } from 'node:fs/promises';
import { parseMetadataXml, type XmlNode } from '../metadata/xml.js';
import { packageFiles } from './packageWalk.js';

/**
 * Legacy Connected App files of the SFDX project (`connectedApps/<Name>.connectedApp-meta.xml`, written by
 * `generate --from-org`), found by name in the package directories like SDR's source resolution.
 */

const SUFFIX = '.connectedApp-meta.xml';

export type ConnectedAppFile = { fullName: string; filePath: string };

/** The connected app files named `name` in the package directories (recursively). */
export async function findConnectedAppFiles(packageDirs: readonly string[], name: string): Promise<ConnectedAppFile[]> {
  return (await packageFiles(packageDirs)).filter((f) => f.name === `${name}${SUFFIX}`).map((f) => ({ fullName: name, filePath: f.path }));
}

/** The `<oauthConfig>` of a connected app file, or undefined (no such element, or a file that doesn't parse). */
export async function readConnectedAppOauthConfig(filePath: string): Promise<XmlNode | undefined> {
  try {
    const value = parseMetadataXml(await readFile(filePath, 'utf8')).fields.oauthConfig;
    return typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
