/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages } from '@salesforce/core';
import { errorCodeOf, type OrgApi, soqlString } from '../org/orgApi.js';
import type { UserDefinition } from '../project/projectFiles.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

/**
 * The integration (Run As) user, created through REST on any kind of org (`sf org create user` works only on
 * scratch orgs, org-wire-protocol.md section 7): `POST sobjects/User` with the user definition's fields and the
 * profile resolved by name, then one `PermissionSetAssignment` per permission set. Whether an existing user can be
 * reused (active, expected profile) is decided by the plan, before anything changes.
 */

/** The User fields sent from a user definition (the definition's other keys, profileName and permsets, are not fields). */
const USER_FIELDS = [
  'Username',
  'LastName',
  'FirstName',
  'Email',
  'Alias',
  'LocaleSidKey',
  'TimeZoneSidKey',
  'LanguageLocaleKey',
  'EmailEncodingKey',
  'CurrencyIsoCode',
] as const;

export function userRecord(definition: UserDefinition, profileId: string, orgFields: Record<string, string> = {}): Record<string, string> {
  const record: Record<string, string> = { ProfileId: profileId, ...orgFields };
  for (const key of USER_FIELDS) {
    const value = (definition as Record<string, unknown>)[key];
    if (typeof value === 'string' && value) record[key] = value;
  }
  return record;
}

/**
 * Fields the org wants on a new user beyond the definition: `CurrencyIsoCode` in a multi-currency org ("only required
 * if there are multiple currencies defined", oauth-client-credentials.md section 6). The field exists on User only in
 * multi-currency orgs, so the User describe tells; the value is the picklist's default (the corporate currency), else
 * the org's DefaultCurrencyIsoCode. A definition that sets CurrencyIsoCode wins.
 */
export async function orgUserFields(api: OrgApi): Promise<Record<string, string>> {
  const described = await api.describe('User');
  const currency = described.fields.find((f) => f.name === 'CurrencyIsoCode');
  if (!currency) return {};
  const active = (currency.picklistValues ?? []).filter((v) => v.active !== false);
  const fromPicklist = active.find((v) => v.defaultValue)?.value ?? (active.length === 1 ? active[0].value : undefined);
  if (fromPicklist) return { CurrencyIsoCode: fromPicklist };
  const [org] = await api.query<{ DefaultCurrencyIsoCode?: string }>('SELECT DefaultCurrencyIsoCode FROM Organization');
  return org?.DefaultCurrencyIsoCode ? { CurrencyIsoCode: org.DefaultCurrencyIsoCode } : {};
}

/** The Id of a profile by name; throws a clear error when the org has none. */
export async function profileIdByName(api: OrgApi, name: string): Promise<string> {
  const rows = await api.query<{ Id: string }>(`SELECT Id FROM Profile WHERE Name = ${soqlString(name)}`);
  if (!rows[0]) throw messages.createError('error.ProfileNotFound', [name]);
  return rows[0].Id;
}

/** Org error codes that say nothing about the user definition (session, server, limits): mapped by the caller. */
const NOT_ABOUT_THE_USER = new Set([
  'INVALID_SESSION_ID',
  'UNKNOWN_EXCEPTION',
  'SERVER_UNAVAILABLE',
  'REQUEST_LIMIT_EXCEEDED',
  'REQUEST_RUNNING_TOO_LONG',
  'API_DISABLED_FOR_ORG',
  'INSUFFICIENT_ACCESS',
  'INSUFFICIENT_ACCESS_OR_READONLY',
]);

/** Creates the user; returns its Id. Org validation errors become messages with the fix. */
export async function createUser(
  api: OrgApi,
  definition: UserDefinition,
  profileId: string,
  orgFields?: Record<string, string>
): Promise<string> {
  const fields = orgFields ?? (await orgUserFields(api));
  try {
    return await api.create('User', userRecord(definition, profileId, fields));
  } catch (e) {
    const code = errorCodeOf(e);
    const detail = e instanceof Error ? e.message : String(e);
    if (code === 'DUPLICATE_USERNAME') {
      // Taken in this org since the inventory looked: another run (a second deploy started at the same time) is
      // creating it. A rerun finds the user and continues; only a username of another org needs a new name.
      const here = await api
        .query<{ Id: string }>(`SELECT Id FROM User WHERE Username = ${soqlString(definition.Username)}`)
        .catch(() => []);
      if (here.length > 0) throw messages.createError('error.UserBeingCreated', [definition.Username]);
      throw messages.createError('error.UsernameTaken', [definition.Username], [definition.Username]);
    }
    if (code === 'FIELD_INTEGRITY_EXCEPTION' && /form of an email address/i.test(detail)) {
      throw messages.createError('error.UsernameNotEmail', [definition.Username]);
    }
    if (code === 'LICENSE_LIMIT_EXCEEDED') {
      const license = /License Limit Exceeded\s*-\s*([^:\]]+?)\s*(?::\s*\[.*\])?$/i.exec(detail)?.[1] ?? '?';
      throw messages.createError('error.LicenseLimitExceeded', [definition.Username, license], [license]);
    }
    // Any other field validation error of the org (REQUIRED_FIELD_MISSING, INVALID_EMAIL_ADDRESS, STRING_TOO_LONG,
    // INVALID_NEW_USERNAME, a restricted picklist, a license limit...) is about the user definition; a session or
    // network failure is not, and is mapped by the caller.
    if (code && !NOT_ABOUT_THE_USER.has(code) && /^[A-Z_]+$/.test(code)) {
      throw messages.createError('error.UserRejected', [definition.Username, `${code}: ${detail}`]);
    }
    throw e;
  }
}

/** Assigns a permission set license (before any permission set); an existing assignment counts as done. */
export async function assignPermissionSetLicense(api: OrgApi, userId: string, permissionSetLicenseId: string): Promise<void> {
  try {
    await api.create('PermissionSetLicenseAssign', { AssigneeId: userId, PermissionSetLicenseId: permissionSetLicenseId });
  } catch (e) {
    if (errorCodeOf(e) !== 'DUPLICATE_VALUE') throw e;
  }
}

/** Assigns permission sets by Id; an assignment that already exists counts as done. */
export async function assignPermissionSets(api: OrgApi, userId: string, permissionSetIds: string[]): Promise<void> {
  for (const permissionSetId of permissionSetIds) {
    try {
      // eslint-disable-next-line no-await-in-loop
      await api.create('PermissionSetAssignment', { AssigneeId: userId, PermissionSetId: permissionSetId });
    } catch (e) {
      if (errorCodeOf(e) !== 'DUPLICATE_VALUE') throw e;
    }
  }
}
