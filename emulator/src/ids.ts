/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { randomBytes } from 'node:crypto';

/**
 * Salesforce record ids: a 3-character key prefix, 12 base-62 characters, and the 3-character case-safe suffix
 * (so every id is 18 characters, like the ids the APIs return).
 */

/** Key prefixes (org-wire-protocol.md section 1; 0Pa, 0PS, 100 are the documented sObject prefixes). */
export const ID_PREFIX = {
  Organization: '00D',
  User: '005',
  Profile: '00e',
  PermissionSet: '0PS',
  PermissionSetAssignment: '0Pa',
  UserLicense: '100',
  DeployRequest: '0Af',
  RetrieveRequest: '09S',
  ExternalClientApplication: '0xI',
  OauthConsumer: '888',
  /** Satellite component ids: the real prefixes are not in the reference [U]; these are stand-ins. */
  ExtlClntAppGlobalOauthSettings: '0xG',
  ExtlClntAppOauthSettings: '0xO',
  ExtlClntAppOauthConfigurablePolicies: '0xP',
  ExtlClntAppConfigurablePolicies: '0xC',
  /** Staged OAuth credentials [U]. */
  StagedCredential: '0xS',
  PermissionSetLicense: '0PL',
  PermissionSetLicenseAssign: '2LA',
} as const;

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The case-safe 3-character suffix of a 15-character id. */
export function caseSafeSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const ch = id15.charAt(chunk * 5 + i);
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}

/** 18-character id from a 15-character one. */
export function to18(id15: string): string {
  return id15.length === 18 ? id15 : id15 + caseSafeSuffix(id15);
}

/** Base-62 encoding of a non-negative integer, left-padded with zeros. */
function base62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = BASE62.charAt(rest % 62) + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

/** Random base-62 characters (for org ids, tokens, keys). */
export function randomBase62(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62.charAt(bytes[i] % 62);
  return out;
}

/**
 * Makes ids for one org. Ids are `<prefix><pod 4 chars><counter 8 chars><suffix>`, the pod part taken from the org id
 * so two emulators never hand out the same ids.
 */
export class IdFactory {
  private counter = 0;
  public constructor(private readonly pod: string) {}

  public next(prefix: string): string {
    this.counter += 1;
    return to18(prefix + this.pod + base62(this.counter, 8));
  }
}

/** A fresh 18-character org id. */
export function newOrgId(): string {
  return to18('00D' + randomBase62(4).toUpperCase() + '00000001');
}

/** 15-character form of an 18-character id (used in URLs such as the metadata SOAP endpoint). */
export function to15(id: string): string {
  return id.slice(0, 15);
}
