/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { to15 } from '../ids.js';
import type { MetadataFields, MetadataValue, OrgState, StoredComponent } from '../state.js';
import { ECA_SETTINGS_NAME, SCHEMAS, TYPE_FILES, type FieldSpec } from './schema.js';
import { metadataFileName, profileFields, profileFullName, shownFields } from './store.js';
import type { XmlOut, XmlOutObject } from './soapEnvelope.js';
import { namespaceOf } from './connectedAppRules.js';

/**
 * listMetadata, readMetadata, describeMetadata over what the org holds (org-wire-protocol.md section 4), and the
 * component view retrieve uses. Types: the five ECA types and Profile.
 */

/** A stored component as the API shows it: only the fields the caller's API version has. */
export type ShownComponent = StoredComponent;

function fromStored(state: OrgState, c: StoredComponent): ShownComponent {
  return { ...c, fields: shownFields(state, c) };
}

/** The org's ExternalClientAppSettings, shown from OrgState.settings. */
function ecaSettings(state: OrgState): ShownComponent {
  const names = Object.keys(SCHEMAS.ExternalClientAppSettings.fields).filter((name) => name !== 'fullName');
  const fields: MetadataFields = Object.fromEntries(
    names.filter((name) => name in state.settings).map((name) => [name, String(state.settings[name])])
  );
  const admin = state.adminUserId;
  const created = state.admin.CreatedDate;
  return {
    type: 'ExternalClientAppSettings',
    fullName: ECA_SETTINGS_NAME,
    id: '',
    fields,
    createdDate: created,
    lastModifiedDate: created,
    createdById: admin,
    lastModifiedById: admin,
  };
}

/** Every component of a type as the org shows it (Profile: every profile record of the org). */
export function componentsOfType(state: OrgState, type: string): ShownComponent[] {
  if (type === 'ExternalClientAppSettings') return [ecaSettings(state)];
  if (type !== 'Profile') return state.listComponents(type).map((c) => fromStored(state, c));
  return [...state.profiles.values()].map((record) => {
    const fullName = profileFullName(record.Name);
    const stored = state.getComponent('Profile', fullName);
    return {
      type,
      fullName,
      id: record.Id,
      fields: profileFields(state, fullName) ?? {},
      createdDate: record.CreatedDate,
      lastModifiedDate: record.LastModifiedDate,
      createdById: stored?.createdById ?? state.adminUserId,
      lastModifiedById: stored?.lastModifiedById ?? state.adminUserId,
    };
  });
}

export function findShown(state: OrgState, type: string, fullName: string): ShownComponent | undefined {
  return componentsOfType(state, type).find((c) => c.fullName === fullName);
}

/** Drops fields the given API version does not know (a retrieve at 60.0 shows no 61.0 fields). */
export function fieldsAtVersion(
  fields: MetadataFields,
  specs: Readonly<Record<string, FieldSpec>> | undefined,
  version: number
): MetadataFields {
  if (!specs) return fields;
  const out: MetadataFields = {};
  for (const [name, value] of Object.entries(fields)) {
    const spec = Object.prototype.hasOwnProperty.call(specs, name) ? specs[name] : undefined;
    if (spec && ((spec.since !== undefined && version < spec.since) || (spec.until !== undefined && version > spec.until))) continue;
    const nested = spec?.type.kind === 'complex' ? spec.type.fields : undefined;
    const convert = (v: MetadataValue): MetadataValue =>
      typeof v === 'object' && !Array.isArray(v) ? fieldsAtVersion(v, nested, version) : v;
    out[name] = Array.isArray(value) ? value.map(convert) : convert(value);
  }
  return out;
}

function userName(state: OrgState, userId: string): string {
  const user = state.users.get(userId);
  return user ? [user.FirstName, user.LastName].filter(Boolean).join(' ') : '';
}

/** FileProperties of a component (listMetadata, retrieve). */
export function fileProperties(state: OrgState, c: ShownComponent, prefix = ''): XmlOutObject {
  return {
    createdById: to15(c.createdById),
    createdByName: userName(state, c.createdById),
    createdDate: c.createdDate,
    fileName: prefix + metadataFileName(c.type, c.fullName),
    fullName: c.fullName,
    id: c.id,
    lastModifiedById: to15(c.lastModifiedById),
    lastModifiedByName: userName(state, c.lastModifiedById),
    lastModifiedDate: c.lastModifiedDate,
    manageableState: namespaceOf(c.fullName) ? 'installed' : 'unmanaged',
    ...(namespaceOf(c.fullName) ? { namespacePrefix: namespaceOf(c.fullName) ?? '' } : {}),
    type: c.type,
  };
}

export function isListableType(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(TYPE_FILES, type);
}

/** listMetadata: names only (no field values); nothing found -> no result. */
export function listMetadata(state: OrgState, types: string[]): XmlOutObject[] {
  return types.flatMap((type) => componentsOfType(state, type).map((c) => fileProperties(state, c)));
}

function toXmlOut(value: MetadataValue): XmlOut {
  if (Array.isArray(value)) return value.map(toXmlOut);
  if (typeof value === 'string') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, toXmlOut(value[key])])
  );
}

/** readMetadata: one record per name, in order; a missing name gives a record without fullName. */
export function readMetadata(state: OrgState, type: string, fullNames: string[], version: number): XmlOutObject {
  const records = fullNames.map((fullName): XmlOutObject => {
    const c = findShown(state, type, fullName);
    if (!c) return { '@xsi:type': type };
    const fields = fieldsAtVersion(c.fields, SCHEMAS[type].fields, version);
    return { '@xsi:type': type, fullName: c.fullName, ...(toXmlOut(fields) as XmlOutObject) };
  });
  return { records };
}

/** describeMetadata: the types this org emulates. */
export function describeMetadata(): XmlOutObject {
  return {
    metadataObjects: Object.entries(TYPE_FILES).map(([xmlName, files]) => ({
      directoryName: files.folder,
      inFolder: false,
      metaFile: false,
      suffix: files.suffix,
      xmlName,
    })),
    organizationNamespace: '',
    partialSaveAllowed: true,
    testRequired: false,
  };
}
