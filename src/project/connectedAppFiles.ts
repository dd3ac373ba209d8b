/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseMetadataXml, type XmlNode } from '../metadata/xml.js';

/**
 * Legacy Connected App files of the SFDX project (`connectedApps/<Name>.connectedApp-meta.xml`, written by
 * `generate --from-org`), found by name in the package directories like SDR's source resolution.
 */

const SUFFIX = '.connectedApp-meta.xml';
const SKIPPED_DIRS = new Set(['node_modules', '.sfdx', '.sf', '.git']);

export type ConnectedAppFile = { fullName: string; filePath: string };

/** The connected app files named `name` in the package directories (recursively). */
export async function findConnectedAppFiles(packageDirs: readonly string[], name: string): Promise<ConnectedAppFile[]> {
  const found: ConnectedAppFile[] = [];
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
        if (entry.isDirectory()) {
          if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) await walk(path);
        } else if (entry.name === `${name}${SUFFIX}`) {
          found.push({ fullName: name, filePath: path });
        }
      })
    );
  };
  await Promise.all(packageDirs.map(walk));
  return found;
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
