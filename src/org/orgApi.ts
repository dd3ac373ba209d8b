/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { Connection } from '@salesforce/core';

/**
 * The few org calls deploy makes besides metadata deploys, behind an interface so the inventory and user
 * provisioning can be unit-tested with fakes and the real ones go through one @salesforce/core Connection.
 */
export type OrgApi = {
  /** SOQL query, all records (the queries deploy makes return a handful of rows). */
  query<T extends Record<string, unknown>>(soql: string): Promise<T[]>;
  /** Metadata API listMetadata, at most 3 types per call; names only (and the package a component came from). */
  listMetadata(types: string[]): Promise<ListedComponent[]>;
  /** Metadata API readMetadata, at most 10 names of one type; records of missing names have no fullName. */
  readMetadata(type: string, fullNames: string[]): Promise<Array<Record<string, unknown>>>;
  /** REST insert; returns the new record's Id. */
  create(sobject: string, record: Record<string, unknown>): Promise<string>;
  /** REST describe of an sObject: its fields (name, label, type, picklist values). */
  describe(sobject: string): Promise<SObjectDescription>;
  /** Tooling API SOQL query, all records. */
  toolingQuery<T extends Record<string, unknown>>(soql: string): Promise<T[]>;
};

export type DescribedField = {
  name: string;
  label: string;
  type?: string;
  picklistValues?: Array<{ value: string; active?: boolean; defaultValue?: boolean }>;
};

export type SObjectDescription = { fields: DescribedField[] };
/** A listMetadata entry: namespacePrefix and manageableState ('installed', ...) say whether a package installed it. */
export type ListedComponent = { type: string; fullName: string; namespacePrefix?: string; manageableState?: string };

/** Quotes a value for a SOQL string literal. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The org's error code of a failed request (SOAP fault `sf:INVALID_TYPE`, REST errorCode), if it has one. */
export function errorCodeOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const { errorCode, name } = e as { errorCode?: unknown; name?: unknown };
  const code = typeof errorCode === 'string' && errorCode ? errorCode : typeof name === 'string' ? name : undefined;
  return code?.replace(/^sf:/, '');
}

export function connectionOrgApi(conn: Connection): OrgApi {
  return {
    async query<T extends Record<string, unknown>>(soql: string): Promise<T[]> {
      const result = await conn.query<T>(soql, { autoFetch: true });
      return result.records;
    },
    async listMetadata(types: string[]): Promise<ListedComponent[]> {
      const result = await conn.metadata.list(types.map((type) => ({ type })));
      const list = Array.isArray(result) ? result : result ? [result] : [];
      return list.map((p) => ({
        type: p.type,
        fullName: p.fullName,
        ...(p.namespacePrefix ? { namespacePrefix: p.namespacePrefix } : {}),
        ...(p.manageableState ? { manageableState: p.manageableState } : {}),
      }));
    },
    async readMetadata(type: string, fullNames: string[]): Promise<Array<Record<string, unknown>>> {
      // jsforce's typings list only the types it knows; the ECA types are newer (values come back as strings).
      const read = conn.metadata.read.bind(conn.metadata) as (t: string, names: string[]) => Promise<unknown>;
      const result = await read(type, fullNames);
      const list = Array.isArray(result) ? result : result ? [result] : [];
      return list as Array<Record<string, unknown>>;
    },
    async create(sobject: string, record: Record<string, unknown>): Promise<string> {
      const result = await conn.sobject(sobject).create(record);
      if (!result.success) {
        throw Object.assign(new Error(result.errors.map((e) => (typeof e === 'string' ? e : e.message)).join('; ')), {
          errorCode: result.errors.map((e) => (typeof e === 'string' ? '' : e.errorCode)).join(','),
        });
      }
      return result.id;
    },
    async describe(sobject: string): Promise<SObjectDescription> {
      const result = await conn.describe(sobject);
      return {
        fields: result.fields.map((f) => ({
          name: f.name,
          label: f.label,
          type: f.type,
          picklistValues: ((f.picklistValues ?? []) as Array<{ value: string; active?: boolean; defaultValue?: boolean }>).map((v) => ({
            value: v.value,
            active: v.active,
            defaultValue: v.defaultValue,
          })),
        })),
      };
    },
    async toolingQuery<T extends Record<string, unknown>>(soql: string): Promise<T[]> {
      const result = await conn.tooling.query<T>(soql, { autoFetch: true });
      return result.records;
    },
  };
}
