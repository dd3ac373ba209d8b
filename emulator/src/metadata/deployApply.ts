/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { newStagedCredential, type MetadataFields, type OrgState } from '../state.js';
import { childText } from './componentXml.js';
import type { DeployCandidate } from './deployRules.js';
import { findShown } from './readList.js';
import { profileFields, profileNameOf, schemaFields, toFields, withoutGenerated } from './store.js';

/**
 * Applying a deploy to the org: the fields each component ends up with (Profile overlay), writing components,
 * settings, profile records and consumer credentials, and the default policies the org generates.
 */

/**
 * Profile deploys overlay what the org has (eca-metadata.md section 8): list entries merge by their key. Permission
 * set deploys are treated the same way [U].
 */
function overlayProfile(existing: MetadataFields | undefined, incoming: MetadataFields): MetadataFields {
  if (!existing) return incoming;
  const merged: MetadataFields = { ...existing };
  const keyed: Record<string, string> = { userPermissions: 'name', objectPermissions: 'object' };
  for (const [name, value] of Object.entries(incoming)) {
    const key = keyed[name];
    const before = merged[name];
    if (key && Array.isArray(value) && Array.isArray(before)) {
      const byKey = new Map<string, MetadataFields>();
      for (const item of [...before, ...value]) {
        if (typeof item === 'object' && !Array.isArray(item)) byKey.set(String(item[key]), item);
      }
      merged[name] = [...byKey.values()].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
    } else {
      merged[name] = value;
    }
  }
  return merged;
}

const PREAUTH_LISTS = ['commaSeparatedPermissionSet', 'commaSeparatedProfile'];

/**
 * Additive pre-authorization lists (preauthListSemantics 'additive'): the deployed names join the policy's; a list the
 * file leaves out stays. Under 'replace' the file's fields are the policy (a list left out is cleared).
 */
function mergePreAuthorization(existing: MetadataFields | undefined, incoming: MetadataFields): MetadataFields {
  if (!existing) return incoming;
  const merged: MetadataFields = { ...incoming };
  for (const list of PREAUTH_LISTS) {
    const names = [existing[list], incoming[list]]
      .filter((v): v is string => typeof v === 'string')
      .flatMap((v) => v.split(','))
      .map((n) => n.trim())
      .filter(Boolean);
    const unique = names.filter((n, i) => names.findIndex((m) => m.toLowerCase() === n.toLowerCase()) === i);
    if (unique.length) merged[list] = unique.join(',');
  }
  return merged;
}

/** The fields a component will have after the deploy (Profile: overlaid on the org's profile). */
export function newFields(state: OrgState, c: DeployCandidate): MetadataFields {
  const fields = withoutGenerated(c.type, toFields(c.elements, schemaFields(c.type)));
  if (c.type === 'ExtlClntAppOauthConfigurablePolicies' && state.config.preauthListSemantics === 'additive') {
    return mergePreAuthorization(state.getComponent(c.type, c.fullName)?.fields, fields);
  }
  if (c.type === 'ExtlClntAppGlobalOauthSettings' && !state.config.declarativeGlobalOauth) {
    // Switch off: an overlay org keeps the elements a file leaves out (the certificate among them).
    return { ...(state.getComponent(c.type, c.fullName)?.fields ?? {}), ...fields };
  }
  if (c.type === 'PermissionSet') return overlayProfile(state.getComponent(c.type, c.fullName)?.fields, fields);
  if (c.type === 'ConnectedApp') return connectedAppFields(state, c.fullName, fields);
  return c.type === 'Profile' ? overlayProfile(profileFields(state, c.fullName), fields) : fields;
}

/**
 * A connected app keeps the consumer key it was created with; its secret is never stored in the fields (not returned
 * by the Metadata API, eca-metadata.md section 9.1) [D].
 */
function connectedAppFields(state: OrgState, fullName: string, fields: MetadataFields): MetadataFields {
  const incoming = fields.oauthConfig;
  if (typeof incoming !== 'object' || Array.isArray(incoming)) return fields;
  const existing = state.getComponent('ConnectedApp', fullName)?.fields.oauthConfig;
  const existingKey = typeof existing === 'object' && !Array.isArray(existing) ? existing.consumerKey : undefined;
  const { consumerSecret, consumerKey, ...oauthConfig } = incoming;
  void consumerSecret;
  const key = existingKey ?? consumerKey ?? newStagedCredential(state).consumerKey;
  return { ...fields, oauthConfig: { ...oauthConfig, consumerKey: key } };
}

/** The component as the org holds it before the deploy (for created/changed). */
export function existingFields(state: OrgState, c: DeployCandidate): MetadataFields | undefined {
  if (c.type === 'ExternalClientAppSettings') {
    return findShown(state, c.type, c.fullName)?.fields;
  }
  return state.getComponent(c.type, c.fullName)?.fields;
}

export const APPLY_ORDER = [
  'ExternalClientAppSettings',
  'ExternalClientApplication',
  'ExtlClntAppGlobalOauthSettings',
  'ExtlClntAppOauthSettings',
  'ExtlClntAppConfigurablePolicies',
  'ExtlClntAppOauthConfigurablePolicies',
  'Profile',
  'PermissionSet',
  'ConnectedApp',
];

/** A PermissionSet component is the PermissionSet record (0PS...), which REST queries and assignments use. */
function applyPermissionSet(state: OrgState, fullName: string, fields: MetadataFields, userId: string): void {
  const record = state.permissionSetByName(fullName) ?? state.addPermissionSet({ Name: fullName });
  if (typeof fields.label === 'string') record.Label = fields.label;
  if (typeof fields.license === 'string') record.LicenseName = fields.license;
  for (const perm of Array.isArray(fields.userPermissions) ? fields.userPermissions : [fields.userPermissions]) {
    if (perm && typeof perm === 'object' && !Array.isArray(perm) && typeof perm.name === 'string') {
      record.permissions[perm.name] = perm.enabled === 'true';
    }
  }
  // Object access (read) the permission set grants: the Integration license checks it on assignment.
  for (const op of Array.isArray(fields.objectPermissions) ? fields.objectPermissions : [fields.objectPermissions]) {
    if (op && typeof op === 'object' && !Array.isArray(op) && typeof op.object === 'string' && op.allowRead === 'true') {
      if (!record.objectPermissions.includes(op.object)) record.objectPermissions.push(op.object);
    }
  }
  // eslint-disable-next-line no-param-reassign -- applying a deploy is changing the org
  state.putComponent('PermissionSet', fullName, fields, userId).id = record.Id;
}

/** Writes one component into the org (and the records and credentials it drives). */
export function applyComponent(state: OrgState, c: DeployCandidate, fields: MetadataFields, userId: string): void {
  if (c.type === 'ExternalClientAppSettings') {
    // Settings live in OrgState.settings (what REST and the token endpoint read); only the fields in the file change.
    for (const [name, value] of Object.entries(fields)) {
      // eslint-disable-next-line no-param-reassign -- applying a deploy is changing the org
      if (name !== 'fullName' && typeof value === 'string') state.settings[name] = value === 'true';
    }
    return;
  }
  if (c.type === 'Profile') {
    // A Profile component is the Profile record: one Id (00e...), the same in deploy results, listMetadata and REST.
    const profile = state.upsertProfileFromMetadata(profileNameOf(c.fullName), fields);
    // eslint-disable-next-line no-param-reassign -- applying a deploy is changing the org
    state.putComponent(c.type, c.fullName, fields, userId).id = profile.Id;
    return;
  }
  if (c.type === 'PermissionSet') {
    applyPermissionSet(state, c.fullName, fields, userId);
    return;
  }
  state.putComponent(c.type, c.fullName, fields, userId);
  if (c.type === 'ConnectedApp' && !state.connectedAppSecrets.has(c.fullName)) {
    const secret = childText(c.elements.find((e) => e.name === 'oauthConfig')?.children ?? [], 'consumerSecret');
    state.connectedAppSecrets.set(c.fullName, secret ?? newStagedCredential(state).consumerSecret);
  }
  if (c.type !== 'ExtlClntAppGlobalOauthSettings') return;
  const app = String(fields.externalClientApplication);
  const isNew = !state.credentials.has(app);
  const creds = state.ensureAppCredentials(app);
  const presetKey = childText(c.elements, 'consumerKey');
  // A preset consumer key is adopted when the app's credentials are created (eca-metadata.md section 12 [T, U]).
  if (isNew && presetKey) creds.consumerKey = presetKey;
  if (!isNew && fields.shouldRotateConsumerKey === 'true') {
    creds.consumerKey = newStagedCredential(state).consumerKey;
    creds.createdAt = state.now();
  }
  if (!isNew && fields.shouldRotateConsumerSecret === 'true') {
    creds.consumerSecret = newStagedCredential(state).consumerSecret;
  }
}

/** Default policies the org generates for apps that end a deploy without them (eca-metadata.md sections 5, 10, 11). */
export function generateDefaultPolicies(state: OrgState, apps: Iterable<string>, version: number, userId: string): void {
  for (const app of apps) {
    if (!state.getComponent('ExternalClientApplication', app)) continue;
    const oauthSettings = state.satelliteOf(app, 'ExtlClntAppOauthSettings');
    if (oauthSettings && !state.satelliteOf(app, 'ExtlClntAppOauthConfigurablePolicies')) {
      const name = `${oauthSettings.fullName}_defaultPolicy`;
      state.putComponent(
        'ExtlClntAppOauthConfigurablePolicies',
        name,
        {
          externalClientApplication: app,
          ipRelaxationPolicyType: 'Enforce',
          isClientCredentialsFlowEnabled: 'false',
          ...(version >= 61 ? { isGuestCodeCredFlowEnabled: 'false' } : {}),
          isTokenExchangeFlowEnabled: 'false',
          label: name,
          permittedUsersPolicyType: 'AllSelfAuthorized',
          refreshTokenPolicyType: 'SpecificLifetime',
          refreshTokenValidityPeriod: '365',
          refreshTokenValidityUnit: 'Days',
          requiredSessionLevel: 'STANDARD',
        },
        userId
      );
    }
    if (version >= 60 && !state.satelliteOf(app, 'ExtlClntAppConfigurablePolicies')) {
      const name = `${app}_defaultPolicy`;
      state.putComponent(
        'ExtlClntAppConfigurablePolicies',
        name,
        { externalClientApplication: app, isEnabled: 'true', isOauthPluginEnabled: 'true', label: name },
        userId
      );
    }
  }
}
