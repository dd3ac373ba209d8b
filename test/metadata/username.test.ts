/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { isEmailShaped, isUsernameShaped, USERNAME_MAX } from '../../src/metadata/username.js';

/** A username of exactly `length` characters: a run of letters before "@example.com" (12 characters). */
function usernameOfLength(length: number): string {
  const domain = '@example.com';
  return 'a'.repeat(length - domain.length) + domain;
}

describe('metadata/username', () => {
  describe('isEmailShaped', () => {
    for (const value of [
      'integration.user@example.com',
      'a@b.co',
      "o'brien+ci@example.co.uk",
      'first_last-1@sub-domain.example.com',
      "!#$%&'*+/=?^_`{|}~-@example.com",
      'UPPER.case@EXAMPLE.COM',
    ]) {
      it(`accepts ${value}`, () => {
        expect(isEmailShaped(value)).to.equal(true);
      });
    }

    for (const [value, why] of [
      ['', 'empty'],
      ['integration.example.com', 'no @'],
      ['@example.com', 'empty local part'],
      ['user@', 'empty domain'],
      ['user@example', 'a domain without a dot'],
      ['user@@example.com', 'two @'],
      ['a@b@example.com', 'an @ in the local part'],
      ['.user@example.com', 'local part starting with a dot'],
      ['user.@example.com', 'local part ending with a dot'],
      ['us..er@example.com', 'two dots in a row in the local part'],
      ['user@example..com', 'an empty domain label'],
      ['user@.example.com', 'a domain starting with a dot'],
      ['user@example.com.', 'a domain ending with a dot'],
      ['user@-example.com', 'a domain label starting with a hyphen'],
      ['user@example-.com', 'a domain label ending with a hyphen'],
      ['us er@example.com', 'a space'],
      [' user@example.com', 'a leading space'],
      ['user@example.com\n', 'a trailing newline'],
      ['user@exa mple.com', 'a space in the domain'],
      ['user@exämple.com', 'a non-ASCII domain'],
      ['"user"@example.com\u0000', 'a control character'],
      ['user(comment)@example.com', 'parentheses'],
    ]) {
      it(`refuses ${JSON.stringify(value)} (${why})`, () => {
        expect(isEmailShaped(value)).to.equal(false);
      });
    }
  });

  describe('isUsernameShaped', () => {
    it('allows at most 80 characters (Salesforce usernames)', () => {
      expect(USERNAME_MAX).to.equal(80);
      expect(usernameOfLength(USERNAME_MAX)).to.have.length(80);
      expect(isUsernameShaped(usernameOfLength(USERNAME_MAX))).to.equal(true);
      expect(isUsernameShaped(usernameOfLength(USERNAME_MAX + 1))).to.equal(false);
      // The email shape itself has no length limit: only the username check caps it.
      expect(isEmailShaped(usernameOfLength(USERNAME_MAX + 1))).to.equal(true);
    });

    for (const value of ['x@acme.com.uat2', 'integration@acme.com.dev1', 'user@acme.com.test', '00x7Vquser@acme.com.test', 'ci.user@acme.com.partial01']) {
      it(`accepts the sandbox username ${value} (a sandbox suffix, digits in the last label)`, () => {
        expect(isUsernameShaped(value)).to.equal(true);
      });
    }

    // oauth-client-credentials.md section 6: "Don't reject `_` after the `@`" (a regression once made deploy
    // --run-as-username refuse a username that generate wrote).
    it('accepts "_" inside domain labels (real retrieved Run As usernames have them), not in an email address', () => {
      expect(isEmailShaped('integration@my_company.com')).to.equal(false);
      expect(isUsernameShaped('pavankalyanm@unitedtechno.com2025_04_21_12-23-0.demo')).to.equal(true);
      expect(isUsernameShaped('integration@my_company.com')).to.equal(true);
    });

    for (const value of ['integration.example.com', 'user@example', '.user@example.com', 'us..er@example.com', 'user@-acme.com', 'us er@acme.com']) {
      it(`refuses ${JSON.stringify(value)} like an email address would be refused`, () => {
        expect(isUsernameShaped(value)).to.equal(false);
      });
    }
  });
});
