/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readFile } from 'node:fs/promises';
import { componentName, type EcaTypeName, TYPES } from '../metadata/ecaTypes.js';
import { parseMetadataXml, textOf, type XmlNode } from '../metadata/xml.js';
import { packageFiles } from '../project/packageWalk.js';

/**
 * The client credentials settings of one app, read from the project's source files or from the org
 * (readMetadata). Used for the expected Run As user and to tell *which* switch is off when the token call fails.
 * Satellites are matched by their <externalClientApplication> element, never by file or component name.
 */

export type AppOauthSettings = {
  source: 'project' | 'org';
  appName: string;
  /** The ExternalClientApplication header was found. */
  appFound: boolean;
  /** ExtlClntAppGlobalOauthSettings.isClientCredentialsFlowEnabled (switch 1). */
  globalCcEnabled?: boolean;
  /** ExtlClntAppOauthConfigurablePolicies.isClientCredentialsFlowEnabled (switch 2). */
  policyCcEnabled?: boolean;
  /** ExtlClntAppOauthConfigurablePolicies.clientCredentialsFlowUser. */
  runAsUser?: string;
  permittedUsersPolicy?: string;
  policyProfiles?: string[];
  policyPermissionSets?: string[];
  /** ExtlClntAppConfigurablePolicies.isEnabled / isOauthPluginEnabled. */
  appEnabled?: boolean;
  oauthPluginEnabled?: boolean;
  /** ExtlClntAppOauthSettings.commaSeparatedOauthScopes. */
  scopes?: string[];
  /** Where each part came from: a file path (project) or a component fullName (org). */
  locations: Partial<Record<EcaTypeName, string>>;
  /** Org only: when the app header was last modified (ISO), for the propagation-delay diagnosis. */
  appLastModified?: string;
};

const READ_TYPES: readonly EcaTypeName[] = [
  'ExtlClntAppGlobalOauthSettings',
  'ExtlClntAppOauthConfigurablePolicies',
  'ExtlClntAppConfigurablePolicies',
  'ExtlClntAppOauthSettings',
];

type ComponentFields = Record<string, unknown>;

/** Reads the settings from the files of the given package directories; undefined when no file mentions the app. */
export async function readProjectAppSettings(packageDirs: string[], appName: string): Promise<AppOauthSettings | undefined> {
  const found: Partial<Record<EcaTypeName, { path: string; fields: ComponentFields }>> = {};
  const suffixes = new Map(
    (['ExternalClientApplication', ...READ_TYPES] as EcaTypeName[]).map((type) => [`.${TYPES[type].suffix}-meta.xml`, type])
  );
  for (const dir of packageDirs) {
    // eslint-disable-next-line no-await-in-loop
    const files = await listFiles(dir);
    for (const path of files) {
      const type = [...suffixes.entries()].find(([suffix]) => path.endsWith(suffix))?.[1];
      if (!type || found[type]) continue;
      // eslint-disable-next-line no-await-in-loop
      const fields = await parseFile(path);
      if (!fields) continue;
      const matches =
        type === 'ExternalClientApplication'
          ? path.endsWith(`/${appName}.${TYPES[type].suffix}-meta.xml`)
          : sameName(text(fields, 'externalClientApplication'), appName);
      if (matches) found[type] = { path, fields };
    }
  }
  if (Object.keys(found).length === 0) return undefined;
  const locations = Object.fromEntries(Object.entries(found).map(([type, v]) => [type, v.path]));
  return toSettings('project', appName, Boolean(found.ExternalClientApplication), locations, (type) => found[type]?.fields);
}

/** The slice of jsforce's Metadata API this module uses (conn.metadata), injectable for tests. */
export type MetadataReader = {
  list(queries: Array<{ type: string }>): Promise<Array<{ fullName: string; type: string; lastModifiedDate?: string }>>;
  read(type: string, fullNames: string[]): Promise<ComponentFields[]>;
};

/**
 * Reads the settings from the org: first the Setup-style component names (one readMetadata per type), and only for
 * a type whose conventional name is missing or belongs to another app, listMetadata + readMetadata of all of them.
 */
export async function readOrgAppSettings(reader: MetadataReader, appName: string): Promise<AppOauthSettings> {
  const found: Partial<Record<EcaTypeName, { fullName: string; fields: ComponentFields }>> = {};
  const guesses = (type: EcaTypeName): string[] =>
    type === 'ExtlClntAppOauthConfigurablePolicies'
      ? [componentName(type, appName), `${componentName('ExtlClntAppOauthSettings', appName)}_defaultPolicy`, `${appName}_defaultPolicy`]
      : [componentName(type, appName)];

  const [headerList] = await Promise.all([
    reader.list([{ type: 'ExternalClientApplication' }]),
    ...READ_TYPES.map(async (type) => {
      const records = await reader.read(type, guesses(type));
      const match = records.find((r) => typeof r.fullName === 'string' && sameName(text(r, 'externalClientApplication'), appName));
      if (match) found[type] = { fullName: String(match.fullName), fields: match };
    }),
  ]);
  const header = headerList.find((p) => sameName(p.fullName, appName));
  const missing = READ_TYPES.filter((type) => !found[type]);
  if (missing.length > 0 && header) {
    const listed = await listInChunks(reader, missing);
    await Promise.all(
      missing.map(async (type) => {
        const names = listed.filter((p) => p.type === type).map((p) => p.fullName);
        for (let i = 0; i < names.length && !found[type]; i += 10) {
          // eslint-disable-next-line no-await-in-loop
          const records = await reader.read(type, names.slice(i, i + 10));
          const match = records.find((r) => typeof r.fullName === 'string' && sameName(text(r, 'externalClientApplication'), appName));
          if (match) found[type] = { fullName: String(match.fullName), fields: match };
        }
      })
    );
  }
  const locations = Object.fromEntries(Object.entries(found).map(([type, v]) => [type, v.fullName]));
  if (header) locations.ExternalClientApplication = header.fullName;
  return {
    ...toSettings('org', appName, Boolean(header), locations, (type) => found[type]?.fields),
    appLastModified: header?.lastModifiedDate,
  };
}

async function listInChunks(
  reader: MetadataReader,
  types: EcaTypeName[]
): Promise<Array<{ fullName: string; type: string }>> {
  const chunks: EcaTypeName[][] = [];
  for (let i = 0; i < types.length; i += 3) chunks.push(types.slice(i, i + 3));
  const results = await Promise.all(chunks.map((chunk) => reader.list(chunk.map((type) => ({ type })))));
  return results.flat();
}

function toSettings(
  source: AppOauthSettings['source'],
  appName: string,
  appFound: boolean,
  locations: Partial<Record<EcaTypeName, string>>,
  fieldsOf: (type: EcaTypeName) => ComponentFields | undefined
): AppOauthSettings {
  const global = fieldsOf('ExtlClntAppGlobalOauthSettings');
  const policy = fieldsOf('ExtlClntAppOauthConfigurablePolicies');
  const plcy = fieldsOf('ExtlClntAppConfigurablePolicies');
  const oauth = fieldsOf('ExtlClntAppOauthSettings');
  return {
    source,
    appName,
    appFound,
    globalCcEnabled: global ? bool(text(global, 'isClientCredentialsFlowEnabled')) ?? false : undefined,
    policyCcEnabled: policy ? bool(text(policy, 'isClientCredentialsFlowEnabled')) ?? false : undefined,
    runAsUser: policy ? text(policy, 'clientCredentialsFlowUser') : undefined,
    permittedUsersPolicy: policy ? text(policy, 'permittedUsersPolicyType') : undefined,
    policyProfiles: policy ? list(text(policy, 'commaSeparatedProfile')) : undefined,
    policyPermissionSets: policy ? list(text(policy, 'commaSeparatedPermissionSet')) : undefined,
    // Both default to true when the element is absent (eca-metadata.md section 6).
    appEnabled: plcy ? bool(text(plcy, 'isEnabled')) ?? true : undefined,
    oauthPluginEnabled: plcy ? bool(text(plcy, 'isOauthPluginEnabled')) ?? true : undefined,
    scopes: oauth ? list(text(oauth, 'commaSeparatedOauthScopes')) : undefined,
    locations,
  };
}

async function listFiles(dir: string): Promise<string[]> {
  return (await packageFiles([dir]))
    .filter((f) => f.name.endsWith('-meta.xml'))
    .map((f) => f.path)
    .sort();
}

async function parseFile(path: string): Promise<XmlNode | undefined> {
  try {
    return parseMetadataXml(await readFile(path, 'utf8')).fields;
  } catch {
    return undefined;
  }
}

function text(fields: ComponentFields, element: string): string | undefined {
  const value = textOf(fields as XmlNode, element);
  return value?.trim() === '' ? undefined : value?.trim();
}

function bool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  return value.toLowerCase() === 'true';
}

function list(value: string | undefined): string[] | undefined {
  return value
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : undefined;
}

function sameName(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}
