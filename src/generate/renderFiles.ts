/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EcaTypeName, GeneratedTypeName, componentName, sourceFilePath } from '../metadata/ecaTypes.js';
import type { AppDefinition } from './appDefinition.js';
import { TemplateContext, renderJsonTemplate, renderXmlTemplate } from './templateEngine.js';

/**
 * Definition -> files: renders every template of templates/ for a definition into {path, content}. Pure once the templates are
 * loaded; writing is writeFiles.ts's job.
 */

export type FileType = GeneratedTypeName | 'UserDefinition' | 'Manifest';

export type RenderedFile = {
  /** Absolute path the file belongs at. */
  path: string;
  type: FileType;
  /** Component name, for metadata files. */
  fullName?: string;
  content: string;
};

/**
 * Where the files go: metadata into `metadataDir`, the user definition and manifest under `projectDir`. `adopted`
 * names existing files (path and fullName) to write a satellite to instead of its Setup-style name.
 */
export type OutputLocations = {
  projectDir: string;
  metadataDir: string;
  adopted?: Readonly<Partial<Record<GeneratedTypeName, { path: string; fullName: string }>>>;
};

/** The template of each generated file, relative to templates/. */
export const TEMPLATE_FILES: Readonly<Record<FileType, string>> = {
  ExternalClientApplication: 'metadata/externalClientApps/App.eca-meta.xml',
  ExtlClntAppGlobalOauthSettings: 'metadata/extlClntAppGlobalOauthSets/App_glbloauth.ecaGlblOauth-meta.xml',
  ExtlClntAppOauthSettings: 'metadata/extlClntAppOauthSettings/App_oauth.ecaOauth-meta.xml',
  ExtlClntAppOauthConfigurablePolicies: 'metadata/extlClntAppOauthPolicies/App_oauthPlcy.ecaOauthPlcy-meta.xml',
  ExtlClntAppConfigurablePolicies: 'metadata/extlClntAppPolicies/App_plcy.ecaPlcy-meta.xml',
  Profile: 'metadata/profiles/Profile.profile-meta.xml',
  PermissionSet: 'metadata/permissionsets/App_Access.permissionset-meta.xml',
  UserDefinition: 'config/App.user-def.json',
  Manifest: 'manifest/App.package.xml',
};

export type Templates = Readonly<Record<FileType, string>>;

/** templates/ of this package: two levels above this module in both src/ (tsx) and lib/ (compiled). */
export const TEMPLATES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates');

/** Reads every template file. */
export async function loadTemplates(dir: string = TEMPLATES_DIR): Promise<Templates> {
  const entries = await Promise.all(
    Object.entries(TEMPLATE_FILES).map(async ([type, file]) => [type, await readFile(join(dir, file), 'utf8')] as const)
  );
  return Object.fromEntries(entries) as Record<FileType, string>;
}

const ECA_TYPES_IN_ORDER: readonly EcaTypeName[] = [
  'ExternalClientApplication',
  'ExtlClntAppGlobalOauthSettings',
  'ExtlClntAppOauthSettings',
  'ExtlClntAppOauthConfigurablePolicies',
  'ExtlClntAppConfigurablePolicies',
];

export type Component = { type: GeneratedTypeName; fullName: string; path: string };

/**
 * The components a definition generates, in order: the five ECA components (Setup-style names unless adopted), plus the
 * custom profile when there is one and the app's access permission set.
 */
export function generatedComponents(definition: AppDefinition, locations: OutputLocations): Component[] {
  const names: Array<[GeneratedTypeName, string]> = ECA_TYPES_IN_ORDER.map((type) => [type, componentName(type, definition.app.name)]);
  if (definition.profile.kind === 'custom') names.push(['Profile', definition.profile.name]);
  if (definition.accessPermissionSet) names.push(['PermissionSet', definition.accessPermissionSet.name]);
  return names.map(([type, name]) => {
    const adopted = locations.adopted?.[type];
    const fullName = adopted?.fullName ?? name;
    return { type, fullName, path: adopted?.path ?? join(locations.metadataDir, sourceFilePath(type, fullName)) };
  });
}

/** Manifest <types>, sorted by type name as Salesforce writes them, members sorted. */
function manifestTypes(components: readonly Component[]): TemplateContext[] {
  return components
    .map(({ type, fullName }) => ({ name: type, members: [fullName] }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function profileContext(definition: AppDefinition): TemplateContext | undefined {
  const profile = definition.profile;
  if (profile.kind !== 'custom') return undefined;
  const permissions: Array<[string, boolean]> = [['ApiEnabled', true]];
  if (profile.apiOnlyUser) permissions.push(['ApiUserOnly', true]);
  if (profile.viewAllData) permissions.push(['ViewAllData', true]);
  return {
    name: profile.name,
    description: profile.description,
    userLicense: profile.userLicense,
    objectPermissions: [...profile.viewAllObjects].sort().map((object) => ({ object })),
    userPermissions: permissions
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, enabled]) => ({ name, enabled })),
  };
}

/**
 * The access permission set. objectPermissions (each with all six access flags, required in a permission set) and
 * userPermissions are empty by default; `license` is set only for a permission set license.
 */
function permissionSetContext(definition: AppDefinition): TemplateContext | undefined {
  const permissionSet = definition.accessPermissionSet;
  if (!permissionSet) return undefined;
  return {
    name: permissionSet.name,
    label: permissionSet.label,
    description: permissionSet.description,
    // All six access flags are required in a permission set (eca-metadata.md section 8): read + view all.
    objectPermissions: [...permissionSet.viewAllObjects].sort().map((object) => ({
      object,
      allowCreate: false,
      allowDelete: false,
      allowEdit: false,
      allowRead: true,
      modifyAllRecords: false,
      viewAllRecords: true,
    })),
    userPermissions: [...permissionSet.userPermissions].sort().map((name) => ({ name, enabled: true })),
  };
}

/** The values every template sees. */
export function templateContext(definition: AppDefinition, components: readonly Component[]): TemplateContext {
  const app = definition.app.name;
  return {
    apiVersion: definition.apiVersion,
    app: { ...definition.app },
    names: {
      app,
      globalOauth: componentName('ExtlClntAppGlobalOauthSettings', app),
      oauthSettings: componentName('ExtlClntAppOauthSettings', app),
      oauthPolicies: componentName('ExtlClntAppOauthConfigurablePolicies', app),
      appPolicies: componentName('ExtlClntAppConfigurablePolicies', app),
    },
    oauth: {
      ...definition.oauth,
      // Retrieved files join scopes with ", ".
      scopes: definition.oauth.scopes.join(', '),
    },
    policy: {
      runAsUsername: definition.policy.runAsUsername,
      permittedUsers: definition.policy.permittedUsers,
      ipRelaxation: definition.policy.ipRelaxation,
      sessionTimeoutMinutes: definition.policy.sessionTimeoutMinutes,
      refreshTokenPolicy: definition.policy.refreshTokenPolicy,
      refreshTokenValidity: definition.policy.refreshTokenValidity ? { ...definition.policy.refreshTokenValidity } : undefined,
      preAuthorizedProfiles: definition.policy.preAuthorizedProfiles.join(','),
      preAuthorizedPermissionSets: definition.policy.preAuthorizedPermissionSets.join(','),
    },
    profile: profileContext(definition),
    permissionSet: permissionSetContext(definition),
    user: {
      username: definition.user.username,
      lastName: definition.user.lastName,
      firstName: definition.user.firstName,
      email: definition.user.email,
      alias: definition.user.alias,
      profileName: definition.profile.name,
      permsets: [...definition.permissionSets],
      locale: definition.user.locale,
      timeZone: definition.user.timeZone,
      language: definition.user.language,
      emailEncoding: definition.user.emailEncoding,
    },
    manifest: { types: manifestTypes(components) },
  };
}

/** Renders every file of a definition. */
export function renderFiles(definition: AppDefinition, locations: OutputLocations, templates: Templates): RenderedFile[] {
  const components = generatedComponents(definition, locations);
  const context = templateContext(definition, components);
  const files: RenderedFile[] = components.map(({ type, fullName, path }) => {
    // What each template may emit at each API version is checked by the unit tests, for every version and option
    // (test/generate/renderFiles.test.ts), and deploy checks the files against the same tables before sending them.
    const content = renderXmlTemplate(templates[type], context);
    return { path, type, fullName, content };
  });
  files.push({
    path: join(locations.projectDir, 'config', `${definition.app.name}.user-def.json`),
    type: 'UserDefinition',
    content: renderJsonTemplate(templates.UserDefinition, context),
  });
  files.push({
    path: join(locations.projectDir, 'manifest', `${definition.app.name}.package.xml`),
    type: 'Manifest',
    content: renderXmlTemplate(templates.Manifest, context),
  });
  return files;
}
