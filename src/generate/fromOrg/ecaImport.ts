/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages } from '@salesforce/core';
import type { AppDefinition } from '../appDefinition.js';
import { apiMajor, unknownOrTooNewElements } from '../../metadata/ecaSchema.js';
import { type EcaTypeName } from '../../metadata/ecaTypes.js';
import { buildMetadataXml, type XmlNode, type XmlValue } from '../../metadata/xml.js';
import type { OrgEcaApp } from '../../org/orgApps.js';

/**
 * An External Client App read from an org -> the files of the project, pure: every setting the org has is kept,
 * except what is org-specific (consumer key and secret, oauthLink, orgScopedExternalApp, managedType, elements the
 * project's API version doesn't know), what `--from-org` is for (the client credentials flow on in both places, the
 * Run As user, the pre-authorization) and what the user asked to change with a flag.
 */

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.generate.fromOrg');

export type ImportedComponent = { type: EcaTypeName; fullName: string; content: string };

/** The generate inputs (AppDefinitionInput keys) that, when given as flags, replace an org setting. */
export type OverridableInput =
  | 'label'
  | 'description'
  | 'contactEmail'
  | 'callbackUrl'
  | 'pkce'
  | 'refreshTokenRotation'
  | 'scopes'
  | 'permittedUsers'
  | 'ipRelaxation'
  | 'sessionTimeout'
  | 'refreshTokenPolicy'
  | 'refreshTokenValidity';

type Override = { type: EcaTypeName; fields: (d: AppDefinition) => XmlNode };

/** Where each flag's validated value goes in the app's components. */
const OVERRIDES: Readonly<Record<OverridableInput, Override>> = {
  label: { type: 'ExternalClientApplication', fields: (d) => ({ label: d.app.label }) },
  description: { type: 'ExternalClientApplication', fields: (d) => ({ description: d.app.description }) },
  contactEmail: { type: 'ExternalClientApplication', fields: (d) => ({ contactEmail: d.app.contactEmail }) },
  callbackUrl: { type: 'ExtlClntAppGlobalOauthSettings', fields: (d) => ({ callbackUrl: d.oauth.callbackUrl }) },
  pkce: { type: 'ExtlClntAppGlobalOauthSettings', fields: (d) => ({ isPkceRequired: String(d.oauth.pkceRequired) }) },
  refreshTokenRotation: {
    type: 'ExtlClntAppGlobalOauthSettings',
    fields: (d) => ({ isRefreshTokenRotationEnabled: String(d.oauth.refreshTokenRotation) }),
  },
  scopes: { type: 'ExtlClntAppOauthSettings', fields: (d) => ({ commaSeparatedOauthScopes: d.oauth.scopes.join(', ') }) },
  permittedUsers: {
    type: 'ExtlClntAppOauthConfigurablePolicies',
    fields: (d) => ({ permittedUsersPolicyType: d.policy.permittedUsers }),
  },
  ipRelaxation: {
    type: 'ExtlClntAppOauthConfigurablePolicies',
    fields: (d) => ({ ipRelaxationPolicyType: d.policy.ipRelaxation }),
  },
  sessionTimeout: {
    type: 'ExtlClntAppOauthConfigurablePolicies',
    fields: (d) => ({ sessionTimeoutInMinutes: String(d.policy.sessionTimeoutMinutes ?? '') }),
  },
  refreshTokenPolicy: {
    type: 'ExtlClntAppOauthConfigurablePolicies',
    fields: (d) => ({ refreshTokenPolicyType: d.policy.refreshTokenPolicy }),
  },
  refreshTokenValidity: {
    type: 'ExtlClntAppOauthConfigurablePolicies',
    fields: (d): XmlNode =>
      d.policy.refreshTokenValidity
        ? {
            refreshTokenValidityPeriod: String(d.policy.refreshTokenValidity.period),
            refreshTokenValidityUnit: d.policy.refreshTokenValidity.unit,
          }
        : {},
  },
};

/** Elements the org generates or owns: never written to a project file (eca-metadata.md section 10 "Never emit"). */
const ORG_SPECIFIC: Readonly<Partial<Record<EcaTypeName, readonly string[]>>> = {
  ExternalClientApplication: ['orgScopedExternalApp', 'managedType'],
  ExtlClntAppGlobalOauthSettings: ['consumerKey', 'consumerSecret', 'oauthLink'],
  ExtlClntAppOauthSettings: ['oauthLink'],
};

/** The org's settings of the inputs `--from-org` reads when no flag is given. */
export type OrgDefaults = { contactEmail?: string; permittedUsers?: string };

export function orgDefaults(app: OrgEcaApp): OrgDefaults {
  const text = (fields: XmlNode | undefined, name: string): string | undefined =>
    typeof fields?.[name] === 'string' ? (fields[name]) : undefined;
  return {
    contactEmail: text(app.header.fields, 'contactEmail'),
    permittedUsers: text(app.satellites.ExtlClntAppOauthConfigurablePolicies?.fields, 'permittedUsersPolicyType'),
  };
}

/** Why the flow can't be switched on for this app (at this API version, when given), or undefined when it can. */
export function ecaRefusal(app: OrgEcaApp, apiVersion?: string): { key: string; tokens: string[] } | undefined {
  if (app.managed) return { key: 'error.ManagedApp', tokens: [app.name, app.namespacePrefix ?? ''] };
  if (!app.satellites.ExtlClntAppGlobalOauthSettings || !app.satellites.ExtlClntAppOauthSettings) {
    return { key: 'error.NoOauthSettings', tokens: [app.name] };
  }
  if (apiVersion !== undefined && apiMajor(apiVersion) < 60) return { key: 'error.ApiVersionTooLowForFlow', tokens: [app.name, apiVersion] };
  return undefined;
}

/** Sorted alphabetically at every level: the order of retrieved files and of the WSDL sequences (section 10). */
export function sortedFields(fields: XmlNode): XmlNode {
  const sortValue = (value: XmlValue): XmlValue =>
    Array.isArray(value) ? value.map(sortValue) : typeof value === 'object' ? sortedFields(value) : value;
  return Object.fromEntries(
    Object.keys(fields)
      .sort()
      .map((key) => [key, sortValue(fields[key])])
  );
}

function splitList(value: XmlValue | undefined): string[] {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

function union(existing: string[], added: readonly string[]): string[] {
  const out = [...existing];
  for (const name of added) if (!out.some((e) => e.toLowerCase() === name.toLowerCase())) out.push(name);
  return out;
}

/**
 * The policy with the flow on, the Run As user, and (with AdminApprovedPreAuthorized) the definition's profile and
 * permission sets added to the org's pre-authorization lists. commaSeparatedProfile exists from API 62.0.
 */
function enableFlowOnPolicy(fields: XmlNode, definition: AppDefinition, warnings: string[]): XmlNode {
  const out: XmlNode = { ...fields, isClientCredentialsFlowEnabled: 'true', clientCredentialsFlowUser: definition.policy.runAsUsername };
  if (out.permittedUsersPolicyType !== 'AdminApprovedPreAuthorized') return out;
  const permSets = union(splitList(out.commaSeparatedPermissionSet), definition.policy.preAuthorizedPermissionSets);
  if (permSets.length > 0) out.commaSeparatedPermissionSet = permSets.join(',');
  if (apiMajor(definition.apiVersion) >= 62) {
    const profiles = union(splitList(out.commaSeparatedProfile), definition.policy.preAuthorizedProfiles);
    if (profiles.length > 0) out.commaSeparatedProfile = profiles.join(',');
  } else if (definition.policy.preAuthorizedProfiles.length > 0 && permSets.length === 0) {
    warnings.push(messages.getMessage('warning.ProfilePreAuthorizationNeeds62', [definition.apiVersion]));
  }
  return out;
}

/** Drops what must not be in a file at this API version, with a warning for the settings that are lost. */
function writableFields(type: EcaTypeName, fields: XmlNode, apiVersion: string, appName: string, warnings: string[]): XmlNode {
  const out: XmlNode = { ...fields };
  for (const name of ORG_SPECIFIC[type] ?? []) delete out[name];
  for (const name of ['shouldRotateConsumerKey', 'shouldRotateConsumerSecret']) if (name in out) out[name] = 'false';
  for (const problem of unknownOrTooNewElements(type, Object.keys(out), apiVersion)) {
    delete out[problem.element];
    if (problem.problem === 'unknown' || problem.problem === 'tooNew') {
      warnings.push(messages.getMessage('warning.DroppedOrgSetting', [problem.element, type, appName, apiVersion]));
    }
  }
  return out;
}

/** A policy for an app that has none yet (the org makes one only on the next deploy), named as Setup names it. */
function newPolicy(appName: string, definition: AppDefinition): { fullName: string; fields: XmlNode } {
  const fullName = `${appName}_oauthPlcy`;
  return {
    fullName,
    fields: {
      ipRelaxationPolicyType: definition.policy.ipRelaxation,
      label: fullName,
      permittedUsersPolicyType: definition.policy.permittedUsers,
      refreshTokenPolicyType: definition.policy.refreshTokenPolicy,
      requiredSessionLevel: 'STANDARD',
    },
  };
}

/**
 * The five components of the app (those the org has) under the org's names, with the changes `--from-org` makes and
 * the user's flags (`given`) applied. `definition` holds the validated flag values, the Run As user and pre-authorization.
 */
export function importedEcaComponents(
  app: OrgEcaApp,
  definition: AppDefinition,
  given: ReadonlySet<OverridableInput>
): { components: ImportedComponent[]; warnings: string[] } {
  const warnings: string[] = [];
  const records: Array<[EcaTypeName, { fullName: string; fields: XmlNode } | undefined]> = [
    ['ExternalClientApplication', app.header],
    ['ExtlClntAppGlobalOauthSettings', app.satellites.ExtlClntAppGlobalOauthSettings],
    ['ExtlClntAppOauthSettings', app.satellites.ExtlClntAppOauthSettings],
    ['ExtlClntAppOauthConfigurablePolicies', app.satellites.ExtlClntAppOauthConfigurablePolicies],
    ['ExtlClntAppConfigurablePolicies', app.satellites.ExtlClntAppConfigurablePolicies],
  ];
  const components: ImportedComponent[] = [];
  for (const [type, record] of records) {
    const base = record ?? (type === 'ExtlClntAppOauthConfigurablePolicies' ? newPolicy(app.name, definition) : undefined);
    if (!base) continue;
    let fields: XmlNode = { ...base.fields, ...(type === 'ExternalClientApplication' ? {} : { externalClientApplication: app.name }) };
    for (const input of given) {
      const override = OVERRIDES[input];
      if (override.type === type) fields = { ...fields, ...override.fields(definition) };
    }
    if (type === 'ExtlClntAppGlobalOauthSettings') fields.isClientCredentialsFlowEnabled = 'true';
    if (type === 'ExtlClntAppOauthConfigurablePolicies') fields = enableFlowOnPolicy(fields, definition, warnings);
    if (type === 'ExtlClntAppConfigurablePolicies' && fields.isOauthPluginEnabled === 'false') {
      warnings.push(messages.getMessage('warning.OauthPluginDisabled', [app.name, base.fullName]));
    }
    const writable = writableFields(type, fields, definition.apiVersion, app.name, warnings);
    components.push({ type, fullName: base.fullName, content: buildMetadataXml(type, sortedFields(writable)) });
  }
  return { components, warnings };
}
