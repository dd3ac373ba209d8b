/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { MetadataFields, MetadataValue, OrgState, StoredComponent } from '../state.js';
import { element, type XmlElement } from './componentXml.js';
import { SCHEMAS, TYPE_FILES, type FieldSpec } from './schema.js';

/**
 * How deployed components live in the org state (OrgState.components, fields as strings) and how the org shows them
 * again (readMetadata, retrieve): alphabetical elements, plus the fields the org generates (eca-metadata.md
 * sections 2-4, 12): orgScopedExternalApp on the app, oauthLink on its OAuth settings, consumerKey on its global OAuth
 * settings. The consumer secret is never shown.
 */

/** Fields the org owns: never stored from a deploy, added when the component is shown. */
export const GENERATED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  ExternalClientApplication: ['orgScopedExternalApp'],
  ExtlClntAppGlobalOauthSettings: ['consumerKey', 'consumerSecret'],
  ExtlClntAppOauthSettings: ['oauthLink'],
};

function specOf(fields: Readonly<Record<string, FieldSpec>> | undefined, name: string): FieldSpec | undefined {
  return fields && Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : undefined;
}

function nestedFields(spec: FieldSpec | undefined): Readonly<Record<string, FieldSpec>> | undefined {
  return spec?.type.kind === 'complex' ? spec.type.fields : undefined;
}

/** Parsed elements -> stored fields (repeated elements as arrays, nested types as objects, values as strings). */
export function toFields(elements: readonly XmlElement[], fields?: Readonly<Record<string, FieldSpec>>): MetadataFields {
  const out: MetadataFields = {};
  for (const el of elements) {
    const spec = specOf(fields, el.name);
    const value: MetadataValue = el.children.length > 0 ? toFields(el.children, nestedFields(spec)) : el.text;
    const existing = out[el.name];
    if (spec?.repeated) {
      out[el.name] = [...(Array.isArray(existing) ? existing : []), value];
    } else if (existing !== undefined) {
      out[el.name] = [...(Array.isArray(existing) ? existing : [existing]), value];
    } else {
      out[el.name] = value;
    }
  }
  return out;
}

/** Stored fields -> elements, alphabetical at every level (the order of retrieved files, eca-metadata.md section 10). */
export function toElements(fields: MetadataFields): XmlElement[] {
  const out: XmlElement[] = [];
  for (const name of Object.keys(fields).sort()) {
    const value = fields[name];
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string') out.push(element(name, item));
      else if (!Array.isArray(item)) out.push(element(name, '', toElements(item)));
    }
  }
  return out;
}

/** The component's fields without the org-generated ones (what a deploy stores). */
export function withoutGenerated(type: string, fields: MetadataFields): MetadataFields {
  const generated = GENERATED_FIELDS[type] ?? [];
  return Object.fromEntries(Object.entries(fields).filter(([name]) => !generated.includes(name)));
}

/**
 * Elements real orgs return on retrieve with their default when nobody set them (isEnforceRefreshTokenTTL seen in
 * retrieved files [R]; the others by the same pattern [U]). readMetadata/retrieve drop them below their version
 * (schema.ts), so a 66.0 read does not show them.
 */
export const SHOWN_DEFAULTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ExtlClntAppGlobalOauthSettings: { isDPopEnabled: 'false', isEnforceRefreshTokenTTL: 'false', isMtlsEnabled: 'false' },
  ExtlClntAppConfigurablePolicies: { isAttestPluginEnabled: 'false' },
};

/** The component as the org shows it: stored fields plus the generated ones (never the secret). */
export function shownFields(state: OrgState, component: StoredComponent): MetadataFields {
  const fields: MetadataFields = { ...(SHOWN_DEFAULTS[component.type] ?? {}), ...component.fields };
  if (component.type === 'ExternalClientApplication') {
    fields.orgScopedExternalApp = `${state.org.Id}:${component.fullName}`;
  }
  const app = typeof component.fields.externalClientApplication === 'string' ? component.fields.externalClientApplication : '';
  const creds = app ? state.credentials.get(app) : undefined;
  if (component.type === 'ExtlClntAppGlobalOauthSettings' && creds) {
    fields.consumerKey = creds.consumerKey;
  }
  if (component.type === 'ExtlClntAppOauthSettings' && creds) {
    fields.oauthLink = `${state.org.Id}:${creds.consumerId}`;
  }
  return fields;
}

/** Path of a component in a metadata-format zip (no package prefix), e.g. `externalClientApps/MyEca.eca`. */
export function metadataFileName(type: string, fullName: string): string {
  const files = TYPE_FILES[type];
  return `${files.folder}/${fullName}.${files.suffix}`;
}

export function schemaFields(type: string): Readonly<Record<string, FieldSpec>> | undefined {
  return Object.prototype.hasOwnProperty.call(SCHEMAS, type) ? SCHEMAS[type].fields : undefined;
}

/** Standard profiles' metadata fullNames differ from their Names [D: Metadata API Profile docs]. */
const STANDARD_PROFILE_FULLNAMES: Readonly<Record<string, string>> = {
  'System Administrator': 'Admin',
  'Standard User': 'Standard',
};

export function profileFullName(profileName: string): string {
  return STANDARD_PROFILE_FULLNAMES[profileName] ?? profileName;
}

export function profileNameOf(fullName: string): string {
  return Object.entries(STANDARD_PROFILE_FULLNAMES).find(([, full]) => full === fullName)?.[0] ?? fullName;
}

/**
 * A Profile as the org shows it: the deployed component's fields when there is one, overlaid with the Profile
 * record (license, custom, description, permissions), so profiles seeded or changed outside deploys show too.
 */
export function profileFields(state: OrgState, fullName: string): MetadataFields | undefined {
  const record = state.profileByName(profileNameOf(fullName));
  const stored = state.getComponent('Profile', fullName);
  if (!record && !stored) return undefined;
  const fields: MetadataFields = { ...(stored?.fields ?? {}) };
  if (record) {
    fields.custom = String(record.custom);
    if (record.description !== undefined) fields.description = record.description;
    const license = state.licenses.get(record.UserLicenseId);
    if (license) fields.userLicense = license.Name;
    fields.userPermissions = Object.keys(record.permissions)
      .sort()
      .map((name) => ({ enabled: String(record.permissions[name]), name }));
    if (record.loginIpRanges.length > 0) {
      fields.loginIpRanges = record.loginIpRanges.map((r) => ({
        ...(r.description !== undefined ? { description: r.description } : {}),
        endAddress: r.endAddress,
        startAddress: r.startAddress,
      }));
    }
  }
  return fields;
}
