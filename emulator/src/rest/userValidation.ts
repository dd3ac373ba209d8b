/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { RestError } from '../http.js';
import type { OrgState, ProfileRecord, UserRecord } from '../state.js';

/**
 * Salesforce's validation of User inserts and updates (oauth-client-credentials.md section 6: required fields, alias
 * length, email format, unique username; error codes DUPLICATE_USERNAME, INVALID_EMAIL_ADDRESS, STRING_TOO_LONG are
 * documented, their exact texts are [U] and follow the texts Salesforce is known to return).
 */

export const USER_REQUIRED_FIELDS = [
  'Username',
  'LastName',
  'Email',
  'Alias',
  'TimeZoneSidKey',
  'LocaleSidKey',
  'EmailEncodingKey',
  'LanguageLocaleKey',
  'ProfileId',
] as const;

/** Writable fields (insert and update). */
export const USER_WRITABLE_FIELDS = [...USER_REQUIRED_FIELDS, 'FirstName', 'CommunityNickname', 'IsActive'];

const MAX_LENGTH: Record<string, number> = {
  Username: 80,
  LastName: 80,
  FirstName: 40,
  Email: 128,
  Alias: 8,
  CommunityNickname: 40,
};

const LABELS: Record<string, string> = {
  Username: 'Username',
  LastName: 'Last Name',
  FirstName: 'First Name',
  Email: 'Email',
  Alias: 'Alias',
  CommunityNickname: 'Nickname',
  TimeZoneSidKey: 'Time Zone',
  LocaleSidKey: 'Locale',
  EmailEncodingKey: 'Email Encoding',
  LanguageLocaleKey: 'Language',
};

const EMAIL_ENCODINGS = ['UTF-8', 'ISO-8859-1', 'Shift_JIS', 'ISO-2022-JP', 'EUC-JP', 'ks_c_5601-1987', 'Big5', 'GB2312', 'Big5-HKSCS', 'x-SJIS_0213'];
const LANGUAGES = ['en_US', 'en_GB', 'de', 'es', 'es_MX', 'fr', 'it', 'ja', 'ko', 'nl_NL', 'pt_BR', 'ru', 'sv', 'th', 'zh_CN', 'zh_TW', 'da', 'fi', 'no'];
const LOCALE_PATTERN = /^[a-z]{2,3}(_[A-Z]{2})?(_[A-Za-z0-9]+)?$/;
const EMAIL_PATTERN = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
/**
 * Usernames are email-shaped but not mailboxes: `_` occurs in domain labels (`x@acme.com2025_04_21.demo`) and
 * sandbox suffixes end in digits (`x@acme.com.uat2`) (oauth section 6 [R, U]).
 */
const USERNAME_PATTERN = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/;


function isTimeZone(value: string): boolean {
  if (value === 'GMT') return true;
  try {
    // Throws RangeError for an unknown IANA zone.
    new Intl.DateTimeFormat('en', { timeZone: value }).format();
    return true;
  } catch {
    return false;
  }
}

const PICKLISTS: Record<string, (value: string) => boolean> = {
  TimeZoneSidKey: isTimeZone,
  LocaleSidKey: (v) => LOCALE_PATTERN.test(v),
  EmailEncodingKey: (v) => EMAIL_ENCODINGS.includes(v),
  LanguageLocaleKey: (v) => LANGUAGES.includes(v),
};

export type UserInput = Record<string, unknown>;

type Lookup = (field: string) => unknown;

/** The User fields of this org: CurrencyIsoCode exists only in multi-currency orgs. */
export function userWritableFields(state: OrgState): string[] {
  return state.config.multiCurrency ? [...USER_WRITABLE_FIELDS, 'CurrencyIsoCode'] : USER_WRITABLE_FIELDS;
}

function unknownFieldErrors(state: OrgState, input: UserInput): RestError[] {
  const known = new Set(userWritableFields(state).map((f) => f.toLowerCase()));
  for (const key of Object.keys(input)) {
    if (key === 'attributes') continue;
    if (key.toLowerCase() === 'id') {
      return [
        {
          message:
            'Unable to create/update fields: Id. Please check the security settings of this field and verify that it is read/write for your profile or permission set.',
          errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
          fields: ['Id'],
        },
      ];
    }
    if (!known.has(key.toLowerCase())) return [{ message: `No such column '${key}' on sobject of type User`, errorCode: 'INVALID_FIELD' }];
  }
  return [];
}

function requiredFieldErrors(state: OrgState, merged: Lookup): RestError[] {
  // "CurrencyIsoCode ... only required if there are multiple currencies defined" (KB 000385503, oauth section 6).
  const required: string[] = state.config.multiCurrency ? [...USER_REQUIRED_FIELDS, 'CurrencyIsoCode'] : [...USER_REQUIRED_FIELDS];
  const missing = required.filter((f) => {
    const v = merged(f);
    return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
  });
  if (missing.length === 0) return [];
  return [{ message: `Required fields are missing: [${missing.join(', ')}]`, errorCode: 'REQUIRED_FIELD_MISSING', fields: [...missing] }];
}

function formatErrors(state: OrgState, value: Lookup): RestError[] {
  const errors: RestError[] = [];
  for (const [field, max] of Object.entries(MAX_LENGTH)) {
    const v = value(field);
    if (typeof v === 'string' && v.length > max) {
      errors.push({ message: `${LABELS[field]}: data value too large: ${v} (max length=${max})`, errorCode: 'STRING_TOO_LONG', fields: [field] });
    }
  }
  const username = value('Username');
  if (typeof username === 'string' && !USERNAME_PATTERN.test(username)) {
    // oauth section 6 [T]: FIELD_INTEGRITY_EXCEPTION (INVALID_NEW_USERNAME is not a StatusCode).
    errors.push({
      message: 'Username must be in the form of an email address (for example, john@acme.com)',
      errorCode: 'FIELD_INTEGRITY_EXCEPTION',
      fields: ['Username'],
    });
  }
  const currency = value('CurrencyIsoCode');
  if (currency !== undefined && state.config.multiCurrency && currency !== state.config.multiCurrency) {
    errors.push({
      message: `Currency ISO Code: invalid currency code: ${String(currency)}`,
      errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      fields: ['CurrencyIsoCode'],
    });
  }
  const email = value('Email');
  if (typeof email === 'string' && !EMAIL_PATTERN.test(email)) {
    errors.push({ message: `Email: invalid email address: ${email}`, errorCode: 'INVALID_EMAIL_ADDRESS', fields: ['Email'] });
  }
  for (const [field, accepts] of Object.entries(PICKLISTS)) {
    const v = value(field);
    if (v !== undefined && (typeof v !== 'string' || !accepts(v))) {
      errors.push({
        message: `${LABELS[field]}: bad value for restricted picklist field: ${String(v)}`,
        errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        fields: [field],
      });
    }
  }
  const isActive = value('IsActive');
  if (isActive !== undefined && typeof isActive !== 'boolean') {
    errors.push({ message: `Cannot deserialize instance of boolean from VALUE_STRING value ${String(isActive)}`, errorCode: 'JSON_PARSER_ERROR' });
  }
  return errors;
}

function profileErrors(state: OrgState, profileId: unknown): RestError[] {
  if (profileId === undefined) return [];
  if (typeof profileId === 'string' && findProfile(state, profileId)) return [];
  const malformed = typeof profileId !== 'string' || !/^00e[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/.test(profileId);
  return [
    malformed
      ? { message: `Profile ID: id value of incorrect type: ${String(profileId)}`, errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['ProfileId'] }
      : { message: 'invalid cross reference id', errorCode: 'INVALID_CROSS_REFERENCE_KEY', fields: ['ProfileId'] },
  ];
}

function duplicateUsernameErrors(state: OrgState, username: unknown, existing?: UserRecord): RestError[] {
  if (typeof username !== 'string') return [];
  const clash = state.findUserByUsername(username);
  const takenElsewhere = state.foreignUsernames.has(username.toLowerCase());
  if (!takenElsewhere && (!clash || clash.Id === existing?.Id)) return [];
  return [
    {
      message:
        "Duplicate Username.<br>The username already exists in this or another Salesforce organization. Usernames must be unique across all Salesforce organizations. To resolve, use a different username (it doesn't need to match the user's email address). ",
      errorCode: 'DUPLICATE_USERNAME',
      fields: ['Username'],
    },
  ];
}

export function findProfile(state: OrgState, id: string): ProfileRecord | undefined {
  return [...state.profiles.values()].find((p) => p.Id === id || p.Id.slice(0, 15) === id);
}

/**
 * Validates an insert (existing undefined) or update; returns Salesforce errors (empty = valid). Order: unknown
 * fields, required fields (one error listing all), field formats and references (all together), then uniqueness
 * and the license limit.
 */
export function validateUser(state: OrgState, input: UserInput, existing?: UserRecord): RestError[] {
  const value: Lookup = (field) => {
    const key = Object.keys(input).find((k) => k.toLowerCase() === field.toLowerCase());
    return key === undefined ? undefined : input[key];
  };
  const merged: Lookup = (field) => value(field) ?? (existing as unknown as Record<string, unknown> | undefined)?.[field];
  const stages: Array<() => RestError[]> = [
    (): RestError[] => unknownFieldErrors(state, input),
    (): RestError[] => requiredFieldErrors(state, merged),
    (): RestError[] => [...formatErrors(state, value), ...profileErrors(state, value('ProfileId'))],
    (): RestError[] => duplicateUsernameErrors(state, value('Username'), existing),
    (): RestError[] => {
      const profileId = merged('ProfileId');
      const limit = typeof profileId === 'string' ? licenseLimit(state, profileId, merged('IsActive') !== false, existing) : undefined;
      return limit ? [limit] : [];
    },
  ];
  for (const stage of stages) {
    const errors = stage();
    if (errors.length > 0) return errors;
  }
  return [];
}

function licenseLimit(state: OrgState, profileId: string, active: boolean, existing?: UserRecord): RestError | undefined {
  if (!active) return undefined;
  const licenseOf = (pid: string): string | undefined => {
    const profile = findProfile(state, pid);
    return profile ? state.licenses.get(profile.UserLicenseId)?.Name : undefined;
  };
  const license = licenseOf(profileId);
  const limit = license === undefined ? undefined : state.licenseLimits[license];
  if (limit === undefined) return undefined;
  const used = [...state.users.values()].filter((u) => u.IsActive && u.Id !== existing?.Id && licenseOf(u.ProfileId) === license).length;
  if (used < limit) return undefined;
  // `License Limit Exceeded - <License name>: []` (oauth section 6 [T]): the license name, no fields.
  return { message: `License Limit Exceeded - ${license}`, errorCode: 'LICENSE_LIMIT_EXCEEDED', fields: [] };
}
