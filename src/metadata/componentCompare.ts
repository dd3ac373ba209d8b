/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { GeneratedTypeName } from './ecaTypes.js';
import type { XmlNode, XmlValue } from './xml.js';

/**
 * Whether the org already holds a component as the project describes it, so that deploy can leave it alone (a rerun
 * with nothing changed sends no deploy, and nothing the plugin doesn't own is touched). Only the elements the project
 * file has are compared: elements the org adds (readMetadata returns isEnforceRefreshTokenTTL, certificate,
 * commaSeparatedCustomScopes, ... that the file may not name) and org-generated ones (consumerKey, oauthLink,
 * orgScopedExternalApp) are ignored. Values are normalised: text trimmed, booleans as "true"/"false" (an org that
 * omits a false boolean equals a file that says false), comma-separated lists as sets, repeated elements as sets
 * (Profile and PermissionSet deploys overlay, so there the file's entries need only be among the org's).
 */

/** Never compared: the org generates or owns them. */
const ORG_OWNED = new Set(['fullName', 'consumerKey', 'consumerSecret', 'oauthLink', 'orgScopedExternalApp', 'managedType']);

/** Types whose deploys overlay what the org has (eca-metadata.md section 8). */
const OVERLAY_TYPES = new Set<GeneratedTypeName>(['Profile', 'PermissionSet']);

/** The key of a repeated entry of an overlay type: entries with the same key are the same entry. */
const ENTRY_KEYS: Readonly<Record<string, string>> = { userPermissions: 'name', objectPermissions: 'object' };

/** A value readMetadata returned (jsforce: strings, booleans, numbers, objects, arrays) as the file's shape. */
export function asXmlValue(value: unknown): XmlValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(asXmlValue).filter((v): v is XmlValue => v !== undefined);
  if (typeof value === 'object') {
    const out: XmlNode = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === '$' || k.startsWith('@')) continue; // xsi:type and other attributes
      const converted = asXmlValue(v);
      if (converted !== undefined) out[k] = converted;
    }
    return out;
  }
  return undefined;
}

/** A readMetadata record as an XmlNode. */
export function orgRecordFields(record: Record<string, unknown>): XmlNode {
  const value = asXmlValue(record);
  return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/** Comma-separated name lists: trimmed, empty entries dropped. */
export function splitNames(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

const isCommaList = (element: string): boolean => element.startsWith('commaSeparated');

function canonical(value: XmlValue | undefined, element: string): string {
  if (value === undefined) return '';
  if (typeof value === 'string') {
    const text = value.trim();
    if (isCommaList(element)) {
      return JSON.stringify(
        splitNames(text)
          .map((s) => s.toLowerCase())
          .sort()
      );
    }
    return text;
  }
  if (Array.isArray(value)) return JSON.stringify(value.map((v) => canonical(v, element)).sort());
  return JSON.stringify(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical(value[k], k)])
  );
}

const asList = (value: XmlValue | undefined): XmlValue[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function sameScalar(element: string, local: XmlValue, org: XmlValue | undefined): boolean {
  const want = canonical(local, element);
  if (org === undefined) return want === 'false' || want === '' || want === '[]';
  return want === canonical(org, element);
}

/** Overlay: every entry of the file is among the org's (by key when the element has one). */
function entriesIncluded(element: string, local: XmlValue, org: XmlValue | undefined): boolean {
  const orgEntries = asList(org);
  const key = ENTRY_KEYS[element];
  return asList(local).every((entry) => {
    if (key && typeof entry === 'object' && !Array.isArray(entry)) {
      const match = orgEntries.find(
        (o) => typeof o === 'object' && !Array.isArray(o) && canonical(o[key], key) === canonical(entry[key], key)
      );
      if (!match || typeof match !== 'object' || Array.isArray(match)) return false;
      // The org may show more flags of the entry than the file sets; compare the file's.
      return Object.keys(entry).every((k) => sameScalar(k, entry[k], match[k]));
    }
    return orgEntries.some((o) => canonical(o, element) === canonical(entry, element));
  });
}

/**
 * The elements of the project's file whose value the org does not have (empty = the org's component is up to date).
 * `ignore` names elements the caller compares itself (the pre-authorization lists).
 */
export function differingElements(
  type: GeneratedTypeName,
  local: XmlNode,
  org: XmlNode,
  ignore: readonly string[] = []
): string[] {
  const overlay = OVERLAY_TYPES.has(type);
  return Object.keys(local).filter((element) => {
    if (ORG_OWNED.has(element) || ignore.includes(element)) return false;
    const value = local[element];
    if (overlay && (Array.isArray(value) || typeof value === 'object')) return !entriesIncluded(element, value, org[element]);
    return !sameScalar(element, value, org[element]);
  });
}
