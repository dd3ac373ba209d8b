/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { newStagedCredential, type MetadataFields, type OrgState } from './state.js';

/**
 * Seeds for apps made outside this plugin: an External Client App as Setup makes it (client credentials off, Setup's
 * component names, eca-metadata.md section 10 "UI names" [R]) and a legacy Connected App (section 9). Used by the
 * control API; each returns the app's consumer key and secret (tests only).
 */

export type SeededCredentials = { consumerKey: string; consumerSecret: string };

export type SetupEcaSeed = {
  name: string;
  label?: string;
  contactEmail?: string;
  scopes?: string;
  /** Component names by type, when the org's differ from Setup's `<App>_glbloauth`, `_oauth`, `_oauthPlcy`, `_plcy`. */
  names?: Partial<Record<'global' | 'oauth' | 'policy' | 'appPolicy', string>>;
  /** Extra or overriding fields per component (values as strings, as the org stores them). */
  headerFields?: MetadataFields;
  globalFields?: MetadataFields;
  oauthFields?: MetadataFields;
  policyFields?: MetadataFields;
  /** No ExtlClntAppOauthSettings / policy / global settings: an app without OAuth. */
  withoutOauth?: boolean;
};

export function seedSetupEca(state: OrgState, seed: SetupEcaSeed): SeededCredentials | null {
  const app = seed.name;
  const names = {
    global: `${app}_glbloauth`,
    oauth: `${app}_oauth`,
    policy: `${app}_oauthPlcy`,
    appPolicy: `${app}_plcy`,
    ...seed.names,
  };
  state.putComponent('ExternalClientApplication', app, {
    contactEmail: seed.contactEmail ?? 'admin@example.com',
    description: `${app} made in Setup`,
    distributionState: 'Local',
    isProtected: 'false',
    label: seed.label ?? app.replace(/_/g, ' '),
    ...seed.headerFields,
  });
  state.putComponent('ExtlClntAppConfigurablePolicies', names.appPolicy, {
    externalClientApplication: app,
    isEnabled: 'true',
    isOauthPluginEnabled: seed.withoutOauth ? 'false' : 'true',
    label: names.appPolicy,
  });
  if (seed.withoutOauth) return null;
  state.putComponent('ExtlClntAppGlobalOauthSettings', names.global, {
    callbackUrl: 'https://login.salesforce.com/services/oauth2/callback',
    externalClientApplication: app,
    isClientCredentialsFlowEnabled: 'false',
    isConsumerSecretOptional: 'false',
    isIntrospectAllTokens: 'false',
    isPkceRequired: 'true',
    isSecretRequiredForRefreshToken: 'true',
    label: names.global,
    shouldRotateConsumerKey: 'false',
    shouldRotateConsumerSecret: 'false',
    ...seed.globalFields,
  });
  state.putComponent('ExtlClntAppOauthSettings', names.oauth, {
    commaSeparatedOauthScopes: seed.scopes ?? 'Api, RefreshToken',
    externalClientApplication: app,
    label: names.oauth,
    ...seed.oauthFields,
  });
  state.putComponent('ExtlClntAppOauthConfigurablePolicies', names.policy, {
    externalClientApplication: app,
    ipRelaxationPolicyType: 'Enforce',
    isClientCredentialsFlowEnabled: 'false',
    isTokenExchangeFlowEnabled: 'false',
    label: names.policy,
    permittedUsersPolicyType: 'AllSelfAuthorized',
    refreshTokenPolicyType: 'SpecificLifetime',
    refreshTokenValidityPeriod: '365',
    refreshTokenValidityUnit: 'Days',
    requiredSessionLevel: 'STANDARD',
    ...seed.policyFields,
  });
  const creds = state.ensureAppCredentials(app);
  return { consumerKey: creds.consumerKey, consumerSecret: creds.consumerSecret };
}

export type ConnectedAppSeed = {
  /** API name; `ns__Name` for an app installed from a managed package. */
  name: string;
  label?: string;
  contactEmail?: string;
  /** `oauthConfig/scopes` values (default Api, RefreshToken). */
  scopes?: string[];
  clientCredentialsEnabled?: boolean;
  runAsUsername?: string;
  /** ENFORCE (default), BYPASS, BYPASS_2FACTOR, ENFORCE_RELAXREFRESH. */
  ipRelaxation?: string;
  refreshTokenPolicy?: string;
  isAdminApproved?: boolean;
  profileNames?: string[];
  permissionSetNames?: string[];
  /** No oauthConfig at all (an app without OAuth settings). */
  withoutOauth?: boolean;
  /** Extra top-level fields (description, startUrl, ...). */
  fields?: MetadataFields;
};

export function seedConnectedApp(state: OrgState, seed: ConnectedAppSeed): SeededCredentials | null {
  const fields: MetadataFields = {
    contactEmail: seed.contactEmail ?? 'admin@example.com',
    label: seed.label ?? seed.name.replace(/_/g, ' '),
    ...seed.fields,
  };
  if (seed.profileNames?.length) fields.profileName = [...seed.profileNames];
  if (seed.permissionSetNames?.length) fields.permissionSetName = [...seed.permissionSetNames];
  if (seed.withoutOauth) {
    state.putComponent('ConnectedApp', seed.name, fields);
    return null;
  }
  const credential = newStagedCredential(state);
  fields.oauthConfig = {
    callbackUrl: 'https://login.salesforce.com/services/oauth2/callback',
    consumerKey: credential.consumerKey,
    isAdminApproved: String(seed.isAdminApproved ?? false),
    isClientCredentialEnabled: String(seed.clientCredentialsEnabled ?? false),
    isConsumerSecretOptional: 'false',
    isIntrospectAllTokens: 'false',
    isSecretRequiredForRefreshToken: 'true',
    ...(seed.runAsUsername ? { oauthClientCredentialUser: seed.runAsUsername } : {}),
    scopes: [...(seed.scopes ?? ['Api', 'RefreshToken'])],
  };
  fields.oauthPolicy = { ipRelaxation: seed.ipRelaxation ?? 'ENFORCE', refreshTokenPolicy: seed.refreshTokenPolicy ?? 'infinite' };
  state.putComponent('ConnectedApp', seed.name, fields);
  state.connectedAppSecrets.set(seed.name, credential.consumerSecret);
  return { consumerKey: credential.consumerKey, consumerSecret: credential.consumerSecret };
}
