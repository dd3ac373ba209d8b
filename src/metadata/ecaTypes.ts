/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */

/**
 * The metadata types this plugin writes and deploys: their Metadata API names, source folders and file suffixes
 * (eca-metadata.md section 1, from SDR's registry), and the Setup-style names of an app's satellite components.
 */

export const METADATA_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';

/** Lowest API version at which every client credentials field exists (eca-metadata.md section 1). */
export const MIN_API_VERSION = 60;

export type EcaTypeName =
  | 'ExternalClientApplication'
  | 'ExtlClntAppGlobalOauthSettings'
  | 'ExtlClntAppOauthSettings'
  | 'ExtlClntAppOauthConfigurablePolicies'
  | 'ExtlClntAppConfigurablePolicies';

export type GeneratedTypeName = EcaTypeName | 'Profile' | 'PermissionSet';

export type TypeInfo = {
  /** Metadata API type name, also the XML root element. */
  name: GeneratedTypeName;
  /** Folder under a package directory. */
  folder: string;
  /** File suffix before "-meta.xml" in source format (e.g. "eca" for MyApp.eca-meta.xml). */
  suffix: string;
};

export const TYPES: Readonly<Record<GeneratedTypeName, TypeInfo>> = {
  ExternalClientApplication: { name: 'ExternalClientApplication', folder: 'externalClientApps', suffix: 'eca' },
  ExtlClntAppGlobalOauthSettings: {
    name: 'ExtlClntAppGlobalOauthSettings',
    folder: 'extlClntAppGlobalOauthSets',
    suffix: 'ecaGlblOauth',
  },
  ExtlClntAppOauthSettings: { name: 'ExtlClntAppOauthSettings', folder: 'extlClntAppOauthSettings', suffix: 'ecaOauth' },
  ExtlClntAppOauthConfigurablePolicies: {
    name: 'ExtlClntAppOauthConfigurablePolicies',
    folder: 'extlClntAppOauthPolicies',
    suffix: 'ecaOauthPlcy',
  },
  ExtlClntAppConfigurablePolicies: { name: 'ExtlClntAppConfigurablePolicies', folder: 'extlClntAppPolicies', suffix: 'ecaPlcy' },
  Profile: { name: 'Profile', folder: 'profiles', suffix: 'profile' },
  PermissionSet: { name: 'PermissionSet', folder: 'permissionsets', suffix: 'permissionset' },
};

/** Satellite types: each links to its app only through its <externalClientApplication> element. */
export const SATELLITE_TYPES: readonly EcaTypeName[] = [
  'ExtlClntAppGlobalOauthSettings',
  'ExtlClntAppOauthSettings',
  'ExtlClntAppConfigurablePolicies',
  'ExtlClntAppOauthConfigurablePolicies',
];

/** The names Setup gives an app's satellites (eca-metadata.md section 10, "UI names"). */
const SATELLITE_NAME_SUFFIX: Readonly<Record<Exclude<EcaTypeName, 'ExternalClientApplication'>, string>> = {
  ExtlClntAppGlobalOauthSettings: '_glbloauth',
  ExtlClntAppOauthSettings: '_oauth',
  ExtlClntAppOauthConfigurablePolicies: '_oauthPlcy',
  ExtlClntAppConfigurablePolicies: '_plcy',
};

/** The permission set `generate` writes for an app to pre-authorize its Run As user: `<App>_Access`. */
export function accessPermissionSetName(appName: string): string {
  return `${appName}_Access`;
}

/** The component name (fullName) for a type of an app, using Setup's naming. */
export function componentName(type: EcaTypeName, appName: string): string {
  return type === 'ExternalClientApplication' ? appName : appName + SATELLITE_NAME_SUFFIX[type];
}

/** Path of a component's source file relative to a package directory, e.g. "externalClientApps/My_App.eca-meta.xml". */
export function sourceFilePath(type: GeneratedTypeName, fullName: string): string {
  const info = TYPES[type];
  return `${info.folder}/${fullName}.${info.suffix}-meta.xml`;
}

/** The type whose source suffix a file name carries ("X.ecaOauthPlcy-meta.xml" -> ExtlClntAppOauthConfigurablePolicies). */
export function typeFromFileName(fileName: string): GeneratedTypeName | undefined {
  const match = /\.([A-Za-z]+)-meta\.xml$/.exec(fileName);
  if (!match) return undefined;
  return Object.values(TYPES).find((t) => t.suffix === match[1])?.name;
}
