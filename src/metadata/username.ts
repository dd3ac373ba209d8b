/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */

/**
 * The shape of a Salesforce username (and an email address): checked by `generate` for its flags and by every command
 * that takes a Run As username, before anything is sent to an org.
 */
export const USERNAME_MAX = 80;

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function isEmailShaped(value: string): boolean {
  const local = value.split('@')[0];
  return EMAIL.test(value) && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
}

/**
 * Usernames are email-shaped but need not be mailboxes: real ones have `_` inside domain labels
 * (`x@acme.com2025_04_21_12-23-0.demo`) and sandbox suffixes with digits (`x@acme.com.uat2`)
 * (oauth-client-credentials.md section 6).
 */
const USERNAME = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)+$/;

/** A Salesforce username: email format (with `_` allowed in domain labels), at most 80 characters (uniqueness is the org's to check). */
export function isUsernameShaped(value: string): boolean {
  const local = value.split('@')[0];
  return USERNAME.test(value) && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..') && value.length <= USERNAME_MAX;
}
