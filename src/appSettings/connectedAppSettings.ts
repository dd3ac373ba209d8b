/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { findConnectedAppFiles, readConnectedAppOauthConfig } from '../project/connectedAppFiles.js';
import type { AppOauthSettings } from './appSettings.js';

/**
 * A legacy Connected App's client credentials settings from its project file (eca-metadata.md section 9.1): one
 * switch (`isClientCredentialEnabled`) and the execution user. The ECA-only settings stay undefined, so the token
 * diagnosis never blames a switch a connected app doesn't have.
 */
export async function readProjectConnectedAppSettings(packageDirs: string[], appName: string): Promise<AppOauthSettings | undefined> {
  const [file] = await findConnectedAppFiles(packageDirs, appName);
  if (!file) return undefined;
  const config = await readConnectedAppOauthConfig(file.filePath);
  const text = (name: string): string | undefined => (typeof config?.[name] === 'string' ? (config[name]).trim() : undefined);
  const runAsUser = text('oauthClientCredentialUser');
  return {
    source: 'project',
    appName,
    appFound: true,
    ...(runAsUser ? { runAsUser } : {}),
    locations: {},
  };
}
