/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { type EcaTypeName, SATELLITE_TYPES } from '../metadata/ecaTypes.js';
import type { XmlNode, XmlValue } from '../metadata/xml.js';
import { errorCodeOf, type ListedComponent, type OrgApi } from './orgApi.js';

/**
 * Reads apps that already exist in an org through the Metadata API only (list + read, the same in every org): an
 * External Client App with every satellite under the names the org uses (a satellite belongs to its app only by its
 * <externalClientApplication>), and legacy Connected Apps. Shared by `generate --from-org` and `audit`.
 */

/** A component as readMetadata returns it: values as strings, nested types as objects, repeated elements as arrays. */
export type OrgRecord = { fullName: string; fields: XmlNode };

export type OrgEcaApp = {
  kind: 'eca';
  name: string;
  header: OrgRecord;
  /** The app's satellites by type, under their names in the org. */
  satellites: Partial<Record<EcaTypeName, OrgRecord>>;
  /** Namespace of a package that installed it (a managed app). */
  namespacePrefix?: string;
  managed: boolean;
};

export type OrgConnectedApp = {
  kind: 'connectedApp';
  name: string;
  record: OrgRecord;
  namespacePrefix?: string;
  managed: boolean;
};

export type OrgApp = OrgEcaApp | OrgConnectedApp;

const READ_BATCH = 10;
const LIST_BATCH = 3;

/** A fullName with a namespace prefix (`ns__Name`): API names of apps can't contain `__` otherwise. */
export function namespaceOfName(fullName: string): string | undefined {
  return /^([A-Za-z][A-Za-z0-9]*)__./.exec(fullName)?.[1];
}

function isManaged(listed: ListedComponent | undefined, fullName: string, fields?: XmlNode): boolean {
  const state = listed?.manageableState;
  if (state !== undefined && state !== 'unmanaged' && state !== 'unmanageable') return true;
  if (listed?.namespacePrefix) return true;
  if (namespaceOfName(fullName)) return true;
  const distribution = typeof fields?.distributionState === 'string' ? fields.distributionState : undefined;
  return distribution === 'Managed' || distribution === 'AutoInstalled' || fields?.managedType !== undefined;
}

/** readMetadata answers: drop the SOAP/XML attributes jsforce keeps (`$`, `@_...`) and the records of missing names. */
function cleanValue(value: unknown): XmlValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(cleanValue).filter((v): v is XmlValue => v !== undefined);
  if (typeof value === 'object') {
    const out: XmlNode = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (key === '$' || key.startsWith('@_') || key.startsWith('xsi:')) continue;
      const cleaned = cleanValue(v);
      if (cleaned !== undefined) out[key] = cleaned;
    }
    // A nil element (`<x xsi:nil="true"/>`, only attributes) is no value: never written back as an empty element.
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return String(value);
}

function toRecord(raw: Record<string, unknown>): OrgRecord | undefined {
  const fullName = typeof raw.fullName === 'string' ? raw.fullName : undefined;
  if (!fullName) return undefined;
  const fields = (cleanValue(raw) ?? {}) as XmlNode;
  delete fields.fullName;
  return { fullName, fields };
}

/** readMetadata of any number of names of one type (batches of 10); missing names are left out. */
export async function readRecords(api: OrgApi, type: string, fullNames: readonly string[]): Promise<OrgRecord[]> {
  const batches: string[][] = [];
  for (let i = 0; i < fullNames.length; i += READ_BATCH) batches.push(fullNames.slice(i, i + READ_BATCH));
  const results = await Promise.all(batches.map((batch) => api.readMetadata(type, batch)));
  return results.flat().map(toRecord).filter((r): r is OrgRecord => r !== undefined);
}

/** listMetadata of some types (batches of 3); a type the org doesn't know (INVALID_TYPE) lists nothing. */
export async function listComponents(api: OrgApi, types: readonly string[]): Promise<ListedComponent[]> {
  const batches: string[][] = [];
  for (let i = 0; i < types.length; i += LIST_BATCH) batches.push(types.slice(i, i + LIST_BATCH));
  const results = await Promise.all(
    batches.map(async (batch) => {
      try {
        return await api.listMetadata(batch);
      } catch (e) {
        if (errorCodeOf(e) === 'INVALID_TYPE') return [];
        throw e;
      }
    })
  );
  return results.flat();
}

const textIn = (fields: XmlNode, name: string): string | undefined =>
  typeof fields[name] === 'string' ? (fields[name]) : undefined;

/**
 * Every External Client App of the org with its satellites: list the five types, read every header and satellite,
 * group satellites by their <externalClientApplication>. `only` limits the headers read (satellites must all be read:
 * their names say nothing reliable about their app).
 */
export async function readEcaApps(api: OrgApi, only?: string): Promise<OrgEcaApp[]> {
  const listed = await listComponents(api, ['ExternalClientApplication', ...SATELLITE_TYPES]);
  const headersListed = listed.filter(
    (c) => c.type === 'ExternalClientApplication' && (only === undefined || c.fullName.toLowerCase() === only.toLowerCase())
  );
  if (headersListed.length === 0) return [];
  const [headers, ...satelliteLists] = await Promise.all([
    readRecords(
      api,
      'ExternalClientApplication',
      headersListed.map((c) => c.fullName)
    ),
    ...SATELLITE_TYPES.map((type) =>
      readRecords(
        api,
        type,
        listed.filter((c) => c.type === type).map((c) => c.fullName)
      )
    ),
  ]);
  return headers.map((header) => {
    const satellites: Partial<Record<EcaTypeName, OrgRecord>> = {};
    SATELLITE_TYPES.forEach((type, i) => {
      const mine = satelliteLists[i].find((r) => textIn(r.fields, 'externalClientApplication') === header.fullName);
      if (mine) satellites[type] = mine;
    });
    const entry = headersListed.find((c) => c.fullName === header.fullName);
    return {
      kind: 'eca',
      name: header.fullName,
      header,
      satellites,
      ...(entry?.namespacePrefix ?? namespaceOfName(header.fullName)
        ? { namespacePrefix: entry?.namespacePrefix ?? namespaceOfName(header.fullName) }
        : {}),
      managed: isManaged(entry, header.fullName, header.fields),
    };
  });
}

/** Every Connected App of the org (or the one named `only`), read in full. */
export async function readConnectedApps(api: OrgApi, only?: string): Promise<OrgConnectedApp[]> {
  const listed = (await listComponents(api, ['ConnectedApp'])).filter(
    (c) => c.type === 'ConnectedApp' && (only === undefined || c.fullName.toLowerCase() === only.toLowerCase())
  );
  const records = await readRecords(
    api,
    'ConnectedApp',
    listed.map((c) => c.fullName)
  );
  return records.map((record) => {
    const entry = listed.find((c) => c.fullName === record.fullName);
    const namespacePrefix = entry?.namespacePrefix ?? namespaceOfName(record.fullName);
    return {
      kind: 'connectedApp',
      name: record.fullName,
      record,
      ...(namespacePrefix ? { namespacePrefix } : {}),
      managed: isManaged(entry, record.fullName),
    };
  });
}

/** The app called `name`: an External Client App first, else a Connected App; undefined when neither exists. */
export async function findOrgApp(api: OrgApi, name: string): Promise<OrgApp | undefined> {
  const [ecas, connectedApps] = await Promise.all([readEcaApps(api, name), readConnectedApps(api, name)]);
  return ecas[0] ?? connectedApps[0];
}
