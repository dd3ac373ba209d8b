/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { ListedComponent, OrgApi, SObjectDescription } from '../../src/org/orgApi.js';

/**
 * An in-memory org behind OrgApi for the readers of existing apps and the audit: metadata records by type (read
 * answers them as jsforce does: values as strings, a missing name as a record without fullName), listMetadata with
 * the package fields, and SOQL answered by a function of the test. Records every call.
 */

export type FakeRecord = { [field: string]: unknown; fullName: string; namespacePrefix?: string; manageableState?: string };

export type MetadataOrg = {
  records: Record<string, FakeRecord[]>;
  /** Types whose listMetadata answers INVALID_TYPE. */
  invalidTypes?: string[];
  query?: (soql: string) => Array<Record<string, unknown>>;
};

export type RecordedCall = { method: 'query' | 'listMetadata' | 'readMetadata'; arg: string };

function invalidType(type: string): Error {
  return Object.assign(new Error(`INVALID_TYPE: ${type}`), { errorCode: 'INVALID_TYPE', name: 'INVALID_TYPE' });
}

export function metadataOrgApi(org: MetadataOrg): OrgApi & { calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  return {
    calls,
    query<T extends Record<string, unknown>>(soql: string): Promise<T[]> {
      calls.push({ method: 'query', arg: soql });
      return Promise.resolve((org.query?.(soql) ?? []) as T[]);
    },
    listMetadata(types: string[]): Promise<ListedComponent[]> {
      calls.push({ method: 'listMetadata', arg: types.join(',') });
      if (types.length > 3) return Promise.reject(new Error('listMetadata takes at most 3 types'));
      const bad = types.find((t) => org.invalidTypes?.includes(t));
      if (bad) return Promise.reject(invalidType(bad));
      return Promise.resolve(
        types.flatMap((type) =>
          (org.records[type] ?? []).map((r) => ({
            type,
            fullName: r.fullName,
            ...(r.namespacePrefix ? { namespacePrefix: r.namespacePrefix } : {}),
            manageableState: r.manageableState ?? 'unmanaged',
          }))
        )
      );
    },
    describe(sobject: string): Promise<SObjectDescription> {
      return Promise.reject(new Error(`describe ${sobject}: not part of this fake`));
    },
    toolingQuery<T extends Record<string, unknown>>(soql: string): Promise<T[]> {
      return Promise.reject(new Error(`toolingQuery ${soql}: not part of this fake`));
    },
    readMetadata(type: string, fullNames: string[]): Promise<Array<Record<string, unknown>>> {
      calls.push({ method: 'readMetadata', arg: `${type}:${fullNames.join(',')}` });
      if (fullNames.length > 10) return Promise.reject(new Error('readMetadata takes at most 10 names'));
      return Promise.resolve(
        fullNames.map((name) => {
          const record = (org.records[type] ?? []).find((r) => r.fullName === name);
          if (!record) return {};
          const { namespacePrefix, manageableState, ...fields } = record;
          void namespacePrefix;
          void manageableState;
          return { $: { 'xsi:type': type }, ...fields };
        })
      );
    },
    create(): Promise<string> {
      return Promise.reject(new Error('the readers never create'));
    },
  };
}
