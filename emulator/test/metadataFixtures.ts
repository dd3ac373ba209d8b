/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */

/**
 * Component files for the emulator's metadata tests, in source format, written from the samples of
 * /work/shared/reference/eca-metadata.md (sections 2-6, 8). `app` is the ExternalClientApplication API name.
 */

const NS = 'http://soap.sforce.com/2006/04/metadata';

const wrap = (root: string, body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${NS}">\n${body}</${root}>\n`;

const lines = (fields: Array<[string, string]>): string =>
  fields.map(([name, value]) => `    <${name}>${value}</${name}>\n`).join('');

export function ecaXml(app: string, extra: Array<[string, string]> = []): string {
  return wrap(
    'ExternalClientApplication',
    lines([
      ['contactEmail', 'integrations@example.com'],
      ['description', 'Server-to-server integration (client credentials)'],
      ['distributionState', 'Local'],
      ['isProtected', 'false'],
      ['label', app.replace(/_/g, ' ')],
      ...extra,
    ])
  );
}

export function globalOauthXml(app: string, extra: Array<[string, string]> = []): string {
  return wrap(
    'ExtlClntAppGlobalOauthSettings',
    lines([
      ['callbackUrl', 'https://login.salesforce.com/services/oauth2/success'],
      ['externalClientApplication', app],
      ['isClientCredentialsFlowEnabled', 'true'],
      ['isConsumerSecretOptional', 'false'],
      ['isIntrospectAllTokens', 'false'],
      ['isPkceRequired', 'false'],
      ['isSecretRequiredForRefreshToken', 'true'],
      ['label', `${app}_glbloauth`],
      ['shouldRotateConsumerKey', 'false'],
      ['shouldRotateConsumerSecret', 'false'],
      ...extra,
    ])
  );
}

export function oauthSettingsXml(app: string, extra: Array<[string, string]> = []): string {
  return wrap(
    'ExtlClntAppOauthSettings',
    lines([
      ['commaSeparatedOauthScopes', 'Api'],
      ['externalClientApplication', app],
      ['label', `${app}_oauth`],
      ...extra,
    ])
  );
}

export type PolicyOptions = {
  runAs?: string;
  permissionSets?: string;
  profiles?: string;
  extra?: Array<[string, string]>;
};

/** The section 5 sample without isGuestCodeCredFlowEnabled, which exists only from API 61.0 (pass it in `extra`). */
export function oauthPolicyXml(app: string, options: PolicyOptions = {}): string {
  const fields: Array<[string, string]> = [];
  if (options.runAs !== undefined) fields.push(['clientCredentialsFlowUser', options.runAs]);
  if (options.permissionSets !== undefined) fields.push(['commaSeparatedPermissionSet', options.permissionSets]);
  if (options.profiles !== undefined) fields.push(['commaSeparatedProfile', options.profiles]);
  fields.push(
    ['externalClientApplication', app],
    ['ipRelaxationPolicyType', 'Enforce'],
    ['isClientCredentialsFlowEnabled', options.runAs !== undefined ? 'true' : 'false'],
    ['isTokenExchangeFlowEnabled', 'false'],
    ['label', `${app}_oauthPlcy`],
    ['permittedUsersPolicyType', 'AdminApprovedPreAuthorized'],
    ['refreshTokenPolicyType', 'Zero'],
    ['requiredSessionLevel', 'STANDARD'],
    ...(options.extra ?? [])
  );
  return wrap('ExtlClntAppOauthConfigurablePolicies', lines(fields));
}

export function appPolicyXml(app: string, extra: Array<[string, string]> = []): string {
  return wrap(
    'ExtlClntAppConfigurablePolicies',
    lines([
      ['externalClientApplication', app],
      ['isEnabled', 'true'],
      ['isOauthPluginEnabled', 'true'],
      ['label', `${app}_plcy`],
      ...extra,
    ])
  );
}

export function profileXml(options: { license?: string; permissions?: Record<string, boolean>; description?: string } = {}): string {
  const perms = Object.entries(options.permissions ?? { ApiEnabled: true, ApiUserOnly: true })
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, enabled]) =>
        `    <userPermissions>\n        <enabled>${String(enabled)}</enabled>\n        <name>${name}</name>\n    </userPermissions>\n`
    )
    .join('');
  return wrap(
    'Profile',
    lines([
      ['custom', 'true'],
      ['description', options.description ?? 'API-only profile for the client credentials Run As user'],
      ['userLicense', options.license ?? 'Salesforce Integration'],
    ]) + perms
  );
}
