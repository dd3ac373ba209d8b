/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { apiMajor } from '../../metadata/ecaSchema.js';
import { buildMetadataXml, type XmlNode } from '../../metadata/xml.js';
import type { OrgConnectedApp } from '../../org/orgApps.js';
import { sortedFields } from './ecaImport.js';

/**
 * A legacy Connected App read from an org -> its project file with the client credentials flow on, pure
 * (eca-metadata.md section 9): `oauthConfig/isClientCredentialEnabled` and `oauthConfig/oauthClientCredentialUser`
 * set, everything else as the org has it, and never `consumerKey` / `consumerSecret` (a redeploy that carries a key is
 * refused: "You cannot provide a Consumer Key").
 */

/** First API version with the client credentials fields of ConnectedApp (section 9.1) [D]. */
export const CONNECTED_APP_CC_MIN_API = 56;

/** Source folder and file suffix of ConnectedApp (SDR registry: connectedApps/X.connectedApp-meta.xml). */
export const CONNECTED_APP_FOLDER = 'connectedApps';
export const CONNECTED_APP_SUFFIX = 'connectedApp';

export function connectedAppFilePath(fullName: string): string {
  return `${CONNECTED_APP_FOLDER}/${fullName}.${CONNECTED_APP_SUFFIX}-meta.xml`;
}

function oauthConfigOf(fields: XmlNode): XmlNode | undefined {
  const value = fields.oauthConfig;
  return typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

/** The app's consumer key as the org shows it (it stays the app's key: the flow is enabled on the same app). */
export function consumerKeyOf(app: OrgConnectedApp): string | undefined {
  const key = oauthConfigOf(app.record.fields)?.consumerKey;
  return typeof key === 'string' ? key : undefined;
}

/** The permission sets or profiles the app pre-authorizes (its `permissionSetName` / `profileName` lists), as the org has them. */
export function preAuthorizedNames(app: OrgConnectedApp, field: 'permissionSetName' | 'profileName'): string[] {
  const value = app.record.fields[field];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** Why the flow can't be switched on for this connected app, or undefined when it can. */
export function connectedAppRefusal(app: OrgConnectedApp, apiVersion: string): { key: string; tokens: string[] } | undefined {
  if (app.managed) return { key: 'error.ManagedApp', tokens: [app.name, app.namespacePrefix ?? ''] };
  if (!oauthConfigOf(app.record.fields)) return { key: 'error.NoOauthSettings', tokens: [app.name] };
  if (apiMajor(apiVersion) < CONNECTED_APP_CC_MIN_API) {
    return { key: 'error.ApiVersionTooLowForConnectedApp', tokens: [`${CONNECTED_APP_CC_MIN_API}.0`, app.name, apiVersion] };
  }
  return undefined;
}

/** The ConnectedApp file content with the flow on for `runAsUsername`. */
export function importedConnectedApp(app: OrgConnectedApp, runAsUsername: string): string {
  const oauthConfig: XmlNode = { ...(oauthConfigOf(app.record.fields) ?? {}) };
  delete oauthConfig.consumerKey;
  delete oauthConfig.consumerSecret;
  oauthConfig.isClientCredentialEnabled = 'true';
  oauthConfig.oauthClientCredentialUser = runAsUsername;
  return buildMetadataXml('ConnectedApp', sortedFields({ ...app.record.fields, oauthConfig }));
}
