/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { DescribedField, OrgApi, SObjectDescription } from '../../src/org/orgApi.js';

/**
 * A small in-memory org behind the OrgApi interface, for unit tests of the inventory, user provisioning and the
 * executor. It answers the exact SOQL shapes deploy sends (matched by FROM object and the quoted values) and records
 * every call, so tests can assert what was asked and how often.
 */

export type FakeComponent = {
  type: string;
  fullName: string;
  externalClientApplication?: string;
  /** Other elements readMetadata returns. */
  fields?: Record<string, string>;
};
export type FakeUser = { Id: string; Username: string; IsActive: boolean; ProfileId: string };
export type FakeProfile = { Id: string; Name: string; PermissionsApiEnabled?: boolean };

export type FakeOrg = {
  components: FakeComponent[];
  users: FakeUser[];
  profiles: FakeProfile[];
  permissionSets: Array<{ Id: string; Name: string; PermissionsApiEnabled?: boolean }>;
  assignments: Array<{ AssigneeId: string; PermissionSetId: string }>;
  /** Row of UserPermissionAccess, or 'unsupported' for an INVALID_TYPE answer. */
  permissions?: Record<string, boolean> | 'unsupported';
  /** listMetadata answers INVALID_TYPE (no ECAs). */
  noEca?: boolean;
  /** ExternalClientAppSettings.enableExternalClientApps as readMetadata returns it (undefined: no record). */
  ecaSetting?: 'true' | 'false';
  /** Errors thrown by create(), by sobject. */
  createErrors?: Record<string, { errorCode: string; message: string }>;
  /** describe() answers by sobject (default: no fields). */
  describes?: Record<string, DescribedField[]>;
  /** Organization.IsSandbox (default false). */
  isSandbox?: boolean;
  /** UserLicense rows (seats). */
  userLicenses?: Array<{ Name: string; TotalLicenses: number; UsedLicenses: number }>;
  /** Rows of Tooling queries by FROM object, or an error code to answer with. */
  tooling?: Record<string, Array<Record<string, unknown>> | { errorCode: string }>;
};

export type Call = {
  method: 'query' | 'listMetadata' | 'readMetadata' | 'create' | 'describe' | 'toolingQuery';
  arg: string;
  extra?: unknown;
};

export function fakeOrg(partial: Partial<FakeOrg> = {}): FakeOrg {
  return {
    components: [],
    users: [],
    profiles: [{ Id: '00e000000000001AAA', Name: 'System Administrator', PermissionsApiEnabled: true }],
    permissionSets: [],
    assignments: [],
    permissions: { PermissionsCustomizeApplication: true, PermissionsManageUsers: true, PermissionsModifyAllData: true },
    ...partial,
  };
}

function quoted(soql: string): string[] {
  return [...soql.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1].replace(/\\(.)/g, '$1'));
}

function orgError(errorCode: string, message: string): Error {
  return Object.assign(new Error(`${errorCode}: ${message}`), { errorCode, name: errorCode });
}

export function fakeApi(org: FakeOrg): OrgApi & { calls: Call[] } {
  const calls: Call[] = [];
  let nextId = 100;
  return {
    calls,
    query<T extends Record<string, unknown>>(soql: string): Promise<T[]> {
      calls.push({ method: 'query', arg: soql });
      const values = quoted(soql);
      const from = /FROM\s+(\w+)/i.exec(soql)?.[1];
      let rows: Array<Record<string, unknown>> = [];
      if (from === 'User') {
        // Username = 'x' or Username LIKE 'x.%' (sandbox copies).
        const like = /LIKE\s+'((?:[^'\\]|\\.)*)'/i.exec(soql)?.[1];
        const matches = (username: string): boolean =>
          like ? username.toLowerCase().startsWith(like.replace(/%$/, '').toLowerCase()) : values.includes(username);
        rows = org.users
          .filter((u) => matches(u.Username))
          .map((u) => {
            const profile = org.profiles.find((p) => p.Id === u.ProfileId);
            return { ...u, Profile: profile ? { Name: profile.Name, PermissionsApiEnabled: profile.PermissionsApiEnabled } : null };
          });
      } else if (from === 'Profile') {
        rows = org.profiles.filter((p) => values.includes(p.Name));
      } else if (from === 'PermissionSet') {
        rows = org.permissionSets.filter((p) => values.includes(p.Name));
      } else if (from === 'PermissionSetAssignment') {
        rows = org.assignments
          .filter((a) => values.includes(a.AssigneeId))
          .map((a) => ({
            ...a,
            PermissionSet: { PermissionsApiEnabled: org.permissionSets.find((p) => p.Id === a.PermissionSetId)?.PermissionsApiEnabled },
          }));
      } else if (from === 'Organization') {
        rows = [{ IsSandbox: org.isSandbox ?? false }];
      } else if (from === 'UserLicense') {
        rows = (org.userLicenses ?? []).filter((l) => values.includes(l.Name));
      } else if (from === 'UserPermissionAccess') {
        if (org.permissions === 'unsupported') return Promise.reject(orgError('INVALID_TYPE', "sObject type 'UserPermissionAccess' is not supported."));
        rows = org.permissions ? [org.permissions] : [];
      }
      return Promise.resolve(rows as T[]);
    },
    describe(sobject: string): Promise<SObjectDescription> {
      calls.push({ method: 'describe', arg: sobject });
      return Promise.resolve({ fields: org.describes?.[sobject] ?? [] });
    },
    toolingQuery<T extends Record<string, unknown>>(soql: string): Promise<T[]> {
      calls.push({ method: 'toolingQuery', arg: soql });
      const from = /FROM\s+(\w+)/i.exec(soql)?.[1] ?? '';
      const answer = org.tooling?.[from];
      if (answer && !Array.isArray(answer)) return Promise.reject(orgError(answer.errorCode, `${from} not available`));
      return Promise.resolve((answer ?? []) as T[]);
    },
    listMetadata(types: string[]): Promise<Array<{ type: string; fullName: string }>> {
      calls.push({ method: 'listMetadata', arg: types.join(',') });
      if (types.length > 3) return Promise.reject(new Error('listMetadata takes at most 3 queries'));
      if (org.noEca) return Promise.reject(orgError('INVALID_TYPE', 'Unknown type name ExternalClientApplication'));
      return Promise.resolve(org.components.filter((c) => types.includes(c.type)).map((c) => ({ type: c.type, fullName: c.fullName })));
    },
    readMetadata(type: string, fullNames: string[]): Promise<Array<Record<string, unknown>>> {
      calls.push({ method: 'readMetadata', arg: type, extra: fullNames });
      if (fullNames.length > 10) return Promise.reject(new Error('readMetadata takes at most 10 names'));
      if (type === 'ExternalClientAppSettings') {
        return Promise.resolve([org.ecaSetting ? { fullName: 'ExternalClientApp', enableExternalClientApps: org.ecaSetting } : {}]);
      }
      return Promise.resolve(
        fullNames.map((name) => {
          const c = org.components.find((x) => x.type === type && x.fullName === name);
          return c ? { ...(c.fields ?? {}), fullName: c.fullName, externalClientApplication: c.externalClientApplication } : {};
        })
      );
    },
    create(sobject: string, record: Record<string, unknown>): Promise<string> {
      calls.push({ method: 'create', arg: sobject, extra: record });
      const failure = org.createErrors?.[sobject];
      if (failure) return Promise.reject(orgError(failure.errorCode, failure.message));
      const id = `${sobject === 'User' ? '005' : '0Pa'}0000000000${nextId++}AAA`;
      if (sobject === 'User') {
        org.users.push({ Id: id, Username: record.Username as string, IsActive: true, ProfileId: record.ProfileId as string });
      }
      if (sobject === 'PermissionSetAssignment') {
        const dup = org.assignments.some((a) => a.AssigneeId === record.AssigneeId && a.PermissionSetId === record.PermissionSetId);
        if (dup) return Promise.reject(orgError('DUPLICATE_VALUE', 'duplicate value found: PermissionSetId'));
        org.assignments.push({ AssigneeId: record.AssigneeId as string, PermissionSetId: record.PermissionSetId as string });
      }
      return Promise.resolve(id);
    },
  };
}
