/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A hand-written SFDX project holding one app's files exactly as contract A says `generate` writes them, so the
 * deploy tests don't depend on the generate command's code. Tests change single files to produce bad input.
 */

export type AppProjectOptions = {
  app?: string;
  runAs?: string;
  profileName?: string;
  /** Write the Profile file (false = the user definition names an existing profile). */
  withProfile?: boolean;
  withUserDef?: boolean;
  permsets?: string[];
  /** commaSeparatedPermissionSet of the policy. */
  policyPermsets?: string[];
  sourceApiVersion?: string;
};

export type AppProject = {
  root: string;
  packageDir: string;
  metaDir: string;
  app: string;
  runAs: string;
  profileName: string;
  /** Absolute path of a file by its type folder, e.g. path('extlClntAppOauthPolicies'). */
  files: Record<string, string>;
  write: (relativePath: string, content: string) => Promise<string>;
  cleanup: () => Promise<void>;
};

const NS = 'http://soap.sforce.com/2006/04/metadata';

export function headerXml(app: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ExternalClientApplication xmlns="${NS}">
    <contactEmail>admin@example.com</contactEmail>
    <description>Server-to-server integration</description>
    <distributionState>Local</distributionState>
    <isProtected>false</isProtected>
    <label>${app}</label>
</ExternalClientApplication>
`;
}

export function globalOauthXml(app: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppGlobalOauthSettings xmlns="${NS}">
    <callbackUrl>https://login.salesforce.com/services/oauth2/success</callbackUrl>
    <externalClientApplication>${app}</externalClientApplication>
    <isClientCredentialsFlowEnabled>true</isClientCredentialsFlowEnabled>
    <isConsumerSecretOptional>false</isConsumerSecretOptional>
    <isIntrospectAllTokens>false</isIntrospectAllTokens>${extra}
    <isPkceRequired>false</isPkceRequired>
    <isSecretRequiredForRefreshToken>true</isSecretRequiredForRefreshToken>
    <label>${app}_glbloauth</label>
    <shouldRotateConsumerKey>false</shouldRotateConsumerKey>
    <shouldRotateConsumerSecret>false</shouldRotateConsumerSecret>
</ExtlClntAppGlobalOauthSettings>
`;
}

export function oauthSettingsXml(app: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppOauthSettings xmlns="${NS}">
    <commaSeparatedOauthScopes>Api</commaSeparatedOauthScopes>
    <externalClientApplication>${app}</externalClientApplication>
    <isFirstPartyAppEnabled>false</isFirstPartyAppEnabled>
    <label>${app}_oauth</label>
</ExtlClntAppOauthSettings>
`;
}

export function policyXml(app: string, runAs: string | undefined, options: { profile?: string; permsets?: string[] } = {}): string {
  const runAsLine = runAs === undefined ? '' : `\n    <clientCredentialsFlowUser>${runAs}</clientCredentialsFlowUser>`;
  const permsets = options.permsets?.length
    ? `\n    <commaSeparatedPermissionSet>${options.permsets.join(',')}</commaSeparatedPermissionSet>`
    : '';
  const profile = options.profile ? `\n    <commaSeparatedProfile>${options.profile}</commaSeparatedProfile>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppOauthConfigurablePolicies xmlns="${NS}">${runAsLine}${permsets}${profile}
    <externalClientApplication>${app}</externalClientApplication>
    <ipRelaxationPolicyType>Enforce</ipRelaxationPolicyType>
    <isClientCredentialsFlowEnabled>true</isClientCredentialsFlowEnabled>
    <isGuestCodeCredFlowEnabled>false</isGuestCodeCredFlowEnabled>
    <isTokenExchangeFlowEnabled>false</isTokenExchangeFlowEnabled>
    <label>${app}_oauthPlcy</label>
    <permittedUsersPolicyType>AdminApprovedPreAuthorized</permittedUsersPolicyType>
    <refreshTokenPolicyType>Zero</refreshTokenPolicyType>
    <requiredSessionLevel>STANDARD</requiredSessionLevel>
</ExtlClntAppOauthConfigurablePolicies>
`;
}

export function appPolicyXml(app: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppConfigurablePolicies xmlns="${NS}">
    <externalClientApplication>${app}</externalClientApplication>
    <isEnabled>true</isEnabled>
    <isOauthPluginEnabled>true</isOauthPluginEnabled>
    <label>${app}_plcy</label>
</ExtlClntAppConfigurablePolicies>
`;
}

export function profileXml(apiEnabled = true): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Profile xmlns="${NS}">
    <custom>true</custom>
    <description>API-only profile for the client credentials Run As user</description>
    <userLicense>Salesforce</userLicense>
    <userPermissions>
        <enabled>${String(apiEnabled)}</enabled>
        <name>ApiEnabled</name>
    </userPermissions>
</Profile>
`;
}

export function userDefJson(runAs: string, profileName: string, permsets: string[] = []): string {
  return `${JSON.stringify(
    {
      Username: runAs,
      LastName: 'Integration',
      Email: 'admin@example.com',
      Alias: 'integ',
      profileName,
      permsets,
      LocaleSidKey: 'en_US',
      TimeZoneSidKey: 'America/Los_Angeles',
      LanguageLocaleKey: 'en_US',
      EmailEncodingKey: 'UTF-8',
    },
    null,
    2
  )}\n`;
}

/** Writes the project into `root` (created), or a new temp folder. */
export async function writeAppProject(options: AppProjectOptions = {}, rootDir?: string): Promise<AppProject> {
  const app = options.app ?? 'My_Integration';
  const runAs = options.runAs ?? 'integration.user@example.com.test';
  const profileName = options.profileName ?? 'My Integration Profile';
  const root = rootDir ?? (await mkdtemp(join(tmpdir(), 'eca-deploy-unit-')));
  const packageDir = join(root, 'force-app');
  const metaDir = join(packageDir, 'main', 'default');
  const write = async (relativePath: string, content: string): Promise<string> => {
    const path = join(root, relativePath);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    return path;
  };
  await write(
    'sfdx-project.json',
    JSON.stringify({
      packageDirectories: [{ path: 'force-app', default: true }],
      name: 'unit',
      namespace: '',
      sfdcLoginUrl: 'https://login.salesforce.com',
      sourceApiVersion: options.sourceApiVersion ?? '66.0',
    })
  );
  const m = 'force-app/main/default';
  const files: Record<string, string> = {
    externalClientApps: await write(`${m}/externalClientApps/${app}.eca-meta.xml`, headerXml(app)),
    extlClntAppGlobalOauthSets: await write(`${m}/extlClntAppGlobalOauthSets/${app}_glbloauth.ecaGlblOauth-meta.xml`, globalOauthXml(app)),
    extlClntAppOauthSettings: await write(`${m}/extlClntAppOauthSettings/${app}_oauth.ecaOauth-meta.xml`, oauthSettingsXml(app)),
    extlClntAppOauthPolicies: await write(
      `${m}/extlClntAppOauthPolicies/${app}_oauthPlcy.ecaOauthPlcy-meta.xml`,
      policyXml(app, runAs, { profile: options.withProfile === false ? undefined : profileName, permsets: options.policyPermsets })
    ),
    extlClntAppPolicies: await write(`${m}/extlClntAppPolicies/${app}_plcy.ecaPlcy-meta.xml`, appPolicyXml(app)),
  };
  if (options.withProfile !== false) {
    files.profiles = await write(`${m}/profiles/${profileName}.profile-meta.xml`, profileXml());
  }
  if (options.withUserDef !== false) {
    files.userDef = await write(`config/${app}.user-def.json`, userDefJson(runAs, profileName, options.permsets));
  }
  return {
    root,
    packageDir,
    metaDir,
    app,
    runAs,
    profileName,
    files,
    write,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
