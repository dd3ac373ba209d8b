/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages } from '@salesforce/core';
import { MIN_API_VERSION } from '../metadata/ecaTypes.js';
import { isEmailShaped, isUsernameShaped, USERNAME_MAX } from '../metadata/username.js';

/**
 * The validation rules of a generate definition, one per function. Each returns the normalised value or throws an SfError
 * from messages/eca.clientcreds.generate.md naming the problem and the fix. Rules that only warn return the warning
 * texts beside the value.
 */

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.generate');

/** `<App>_oauth_defaultPolicy` (the name a deploy may give the policy) must fit the 80-character API name limit. */
export const APP_NAME_MAX = 60;
export const API_NAME_MAX = 80;
export { USERNAME_MAX };
export const EMAIL_MAX = 128;
export const ALIAS_MAX = 8;
export const PROFILE_NAME_MAX = 80;
export const LABEL_MAX = 255;
export const DESCRIPTION_MAX = 1000;

export const DEFAULT_API_VERSION = '66.0';

/** OAuth scope tokens of ExtlClntAppOauthSettings.commaSeparatedOauthScopes (eca-metadata.md section 4). */
export const SCOPE_TOKENS = [
  'Basic',
  'Api',
  'Web',
  'Full',
  'Chatter',
  'CustomApplications',
  'RefreshToken',
  'OpenID',
  'Profile',
  'Email',
  'Address',
  'Phone',
  'OfflineAccess',
  'CustomPermissions',
  'Wave',
  'Eclair',
  'Pardot',
  'Lightning',
  'Content',
  'CDPIngest',
  'CDPProfile',
  'CDPQuery',
  'Chatbot',
  'CDPSegment',
  'CDPIdentityResolution',
  'CDPCalculatedInsight',
  'SFApiPlatform',
  'Interaction',
  'EinsteinGPT',
  'PwdlessLogin',
  'ForgotPassword',
  'UserRegistration',
  'MCP',
  'SCRT',
] as const;

/** Scopes the client credentials flow drops from its tokens (eca-metadata.md section 4). */
export const SCOPES_DROPPED_BY_CC = ['Full', 'Web', 'RefreshToken', 'OfflineAccess'] as const;

export const IP_RELAXATION_VALUES = ['Enforce', 'Bypass', 'Bypass_2factor', 'Enforce_RelaxRefresh'] as const;
export const REFRESH_TOKEN_POLICY_VALUES = ['Infinite', 'SpecificInactivity', 'SpecificLifetime', 'Zero'] as const;
export const PERMITTED_USERS_VALUES = ['AdminApprovedPreAuthorized', 'AllSelfAuthorized'] as const;
export const REFRESH_TOKEN_UNITS = ['Days', 'Hours', 'Months'] as const;

export type IpRelaxation = (typeof IP_RELAXATION_VALUES)[number];
export type RefreshTokenPolicy = (typeof REFRESH_TOKEN_POLICY_VALUES)[number];
export type PermittedUsers = (typeof PERMITTED_USERS_VALUES)[number];
export type RefreshTokenUnit = (typeof REFRESH_TOKEN_UNITS)[number];

// ---------------------------------------------------------------------------------------------------------------
// Names

/**
 * The app's API name: Salesforce developer-name rules (`checkDeveloperName` in @salesforce/templates), with the
 * length capped at 60 so the policy name a deploy derives from it still fits 80 characters.
 */
export function validateAppName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw messages.createError('error.AppNameFormat', [name]);
  if (name.includes('__')) throw messages.createError('error.AppNameDoubleUnderscore', [name]);
  if (name.endsWith('_')) throw messages.createError('error.AppNameTrailingUnderscore', [name]);
  if (name.length > APP_NAME_MAX) {
    throw messages.createError('error.AppNameTooLong', [name, name.length, APP_NAME_MAX, API_NAME_MAX]);
  }
  return name;
}

/** A permission set API name (used in the policy and assigned to the user): developer-name rules, <= 80 chars. */
export function validatePermissionSetName(name: string): string {
  const ok =
    /^[A-Za-z][A-Za-z0-9_]*$/.test(name) && !name.includes('__') && !name.endsWith('_') && name.length <= API_NAME_MAX;
  if (!ok) throw messages.createError('error.InvalidPermissionSetName', [name]);
  return name;
}

/**
 * An object API name for object permissions: a standard object (`Account`) or a custom/namespaced one
 * (`Invoice__c`, `ns__Invoice__c`, `Event__e`...). Segments separated by double underscores, each a developer name.
 */
export function validateObjectName(name: string): string {
  const segment = '[A-Za-z](?:[A-Za-z0-9]|_(?!_))*[A-Za-z0-9]|[A-Za-z]';
  const ok = new RegExp(`^(?:${segment})(?:__(?:${segment})){0,2}$`).test(name) && name.length <= API_NAME_MAX;
  if (!ok) throw messages.createError('error.InvalidObjectName', [name]);
  return name;
}

/**
 * The name of the custom profile this plugin generates (also its file name and component name). Kept to letters,
 * digits, spaces, hyphens and underscores: the Metadata API encodes other characters in profile names ("%3A" for ":"),
 * which would make the file name and the name in the policy disagree.
 */
export function validateProfileName(name: string): string {
  const ok = /^[A-Za-z](?:[A-Za-z0-9 _-]*[A-Za-z0-9_-])?$/.test(name) && !name.includes('  ') && name.length <= PROFILE_NAME_MAX;
  if (!ok) throw messages.createError('error.InvalidProfileName', [name, PROFILE_NAME_MAX]);
  return name;
}

/** The name of an existing profile (e.g. "Minimum Access - API Only Integrations"); listed comma-separated in the policy. */
export function validateExistingProfileName(name: string): string {
  const ok = name.trim().length > 0 && name.trim() === name && !name.includes(',') && !hasControlCharacters(name);
  if (!ok) throw messages.createError('error.InvalidExistingProfileName', [name]);
  return name;
}

// ---------------------------------------------------------------------------------------------------------------
// Text, emails, usernames, URLs

function hasControlCharacters(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text);
}

/** Free text written into a file (label, description, names): no control characters, within a length limit. */
export function validateText(flag: string, text: string, max: number): string {
  if (text.trim().length === 0) throw messages.createError('error.EmptyText', [flag]);
  if (hasControlCharacters(text) || /[\r\n]/.test(text)) throw messages.createError('error.ControlCharacters', [flag]);
  if (text.length > max) throw messages.createError('error.TextTooLong', [flag, text.length, max]);
  return text;
}


/** An email address (contact email, the user's email). */
export function validateEmail(flag: string, value: string): string {
  if (!isEmailShaped(value) || value.length > EMAIL_MAX) throw messages.createError('error.InvalidEmail', [flag, value]);
  return value;
}

/** A Salesforce username: email format, <= 80 characters, unique across all orgs (not checked here). */
export function validateUsername(flag: string, value: string): string {
  if (!isUsernameShaped(value) || value.length > USERNAME_MAX) {
    throw messages.createError('error.InvalidUsername', [flag, value, USERNAME_MAX]);
  }
  return value;
}

/** True for hosts on the local machine: localhost, 127.0.0.0/8, ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * The OAuth callback URL: https, or http only for a loopback host (a local development listener). The client
 * credentials flow never redirects, but Salesforce stores a callback URL on every OAuth app.
 */
export function validateCallbackUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw messages.createError('error.InvalidCallbackUrl', [value]);
  }
  if (url.protocol === 'https:') return value;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return value;
  throw messages.createError('error.CallbackUrlNotHttps', [value]);
}

// ---------------------------------------------------------------------------------------------------------------
// Scopes

function scopeKey(token: string): string {
  return token.toLowerCase().replace(/[_\s-]/g, '');
}

const SCOPES_BY_KEY = new Map<string, string>(SCOPE_TOKENS.map((token) => [scopeKey(token), token]));

/**
 * Scopes: each token matched case-insensitively (underscores ignored, so `api`, `refresh_token` work), normalised to
 * the documented casing, de-duplicated. Scopes the client credentials flow drops give a warning; if none is left the
 * app would fail with "no valid scopes defined", so that is an error.
 */
export function validateScopes(values: readonly string[]): { scopes: string[]; warnings: string[] } {
  const scopes: string[] = [];
  for (const raw of values.map((v) => v.trim()).filter((v) => v.length > 0)) {
    const token = SCOPES_BY_KEY.get(scopeKey(raw));
    if (!token) throw messages.createError('error.UnknownScope', [raw, SCOPE_TOKENS.join(', ')]);
    if (!scopes.includes(token)) scopes.push(token);
  }
  if (scopes.length === 0) throw messages.createError('error.NoScopes');
  const dropped = scopes.filter((s) => (SCOPES_DROPPED_BY_CC as readonly string[]).includes(s));
  if (dropped.length === scopes.length) throw messages.createError('error.NoUsableScope', [dropped.join(', ')]);
  const warnings = dropped.length > 0 ? [messages.getMessage('warning.ScopesDroppedByFlow', [dropped.join(', ')])] : [];
  return { scopes, warnings };
}

// ---------------------------------------------------------------------------------------------------------------
// API version

/** An API version flag value: `NN.0`, at least 60.0 (the client credentials fields exist from 60.0 on). */
export function validateApiVersion(value: string): string {
  if (!/^\d{2,3}\.0$/.test(value)) throw messages.createError('error.ApiVersionFormat', [value]);
  if (Number.parseFloat(value) < MIN_API_VERSION) {
    throw messages.createError('error.ApiVersionTooLow', [value, `${MIN_API_VERSION}.0`]);
  }
  return value;
}

/**
 * The API version to generate for: the flag, else the project's sourceApiVersion when it is 60.0 or higher (an
 * error when lower: the files would not deploy at that version), else the default.
 */
export function resolveApiVersion(flagValue: string | undefined, projectVersion: string | undefined): string {
  if (flagValue !== undefined) return validateApiVersion(flagValue);
  if (projectVersion === undefined) return DEFAULT_API_VERSION;
  const version = Number.parseFloat(projectVersion);
  if (Number.isNaN(version) || version < MIN_API_VERSION) {
    throw messages.createError('error.ProjectApiVersionTooLow', [projectVersion, `${MIN_API_VERSION}.0`]);
  }
  return `${Math.floor(version)}.0`;
}

// ---------------------------------------------------------------------------------------------------------------
// Policy options

/** Case-insensitive match of an enumeration value, returned in its documented casing. */
export function validateEnum<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  const match = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!match) throw messages.createError('error.InvalidEnumValue', [flag, value, allowed.join(', ')]);
  return match;
}

/** `--session-timeout`: whole minutes, 1 to 1440 (24 hours). */
export function validateSessionTimeout(minutes: number): number {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
    throw messages.createError('error.InvalidSessionTimeout', [minutes]);
  }
  return minutes;
}

const UNIT_ALIASES: ReadonlyMap<string, RefreshTokenUnit> = new Map([
  ['h', 'Hours'],
  ['hour', 'Hours'],
  ['hours', 'Hours'],
  ['d', 'Days'],
  ['day', 'Days'],
  ['days', 'Days'],
  ['mo', 'Months'],
  ['month', 'Months'],
  ['months', 'Months'],
]);

/** `--refresh-token-validity`: a positive whole number and a unit, e.g. "90 Days", "12h", "6 months". */
export function validateRefreshTokenValidity(value: string): { period: number; unit: RefreshTokenUnit } {
  const match = /^\s*(\d{1,4})\s*([A-Za-z]+)\s*$/.exec(value);
  const unit = match ? UNIT_ALIASES.get(match[2].toLowerCase()) : undefined;
  const period = match ? Number(match[1]) : 0;
  if (!unit || period < 1) throw messages.createError('error.InvalidRefreshTokenValidity', [value]);
  return { period, unit };
}

// ---------------------------------------------------------------------------------------------------------------
// User definition fields

/** A user alias: 1-8 characters, no spaces. */
export function validateAlias(value: string): string {
  if (!/^[A-Za-z0-9._-]{1,8}$/.test(value)) throw messages.createError('error.InvalidAlias', [value, ALIAS_MAX]);
  return value;
}

/** The alias derived from a username: the first 8 letters and digits of its local part, lower case. */
export function deriveAlias(username: string): string {
  const letters = username.split('@')[0].replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  return (letters.length > 0 ? letters : 'intuser').slice(0, ALIAS_MAX);
}

/** A Salesforce locale key such as en_US, de_DE, zh_CN_PINYIN. */
export function validateLocale(value: string): string {
  if (!/^[a-z]{2,3}(?:_[A-Z]{2})?(?:_[A-Za-z0-9]+)*$/.test(value)) throw messages.createError('error.InvalidLocale', [value]);
  return value;
}

/** A time zone: an IANA name (America/Los_Angeles, Europe/Paris, GMT), as Salesforce's TimeZoneSidKey uses. */
export function validateTimeZone(value: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    throw messages.createError('error.InvalidTimeZone', [value]);
  }
  if (!/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(value)) throw messages.createError('error.InvalidTimeZone', [value]);
  return value;
}
