/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages, SfError } from '@salesforce/core';
import { expect } from 'chai';
import {
  deriveAlias,
  isLoopbackHost,
  resolveApiVersion,
  SCOPE_TOKENS,
  validateAlias,
  validateApiVersion,
  validateAppName,
  validateCallbackUrl,
  validateEmail,
  validateEnum,
  validateExistingProfileName,
  validateLocale,
  validateObjectName,
  validatePermissionSetName,
  validateProfileName,
  validateRefreshTokenValidity,
  validateScopes,
  validateSessionTimeout,
  validateText,
  validateTimeZone,
  validateUsername,
} from '../../src/generate/appDefinitionRules.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.generate');

/** Runs fn, expects the SfError created from `key` with `tokens`, including its actions. */
function expectRejection(fn: () => unknown, key: string, tokens: Array<string | number> = []): SfError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${key}`).to.be.instanceOf(SfError);
  const error = caught as SfError;
  const expected = messages.createError(key, tokens);
  expect(error.name).to.equal(expected.name);
  expect(error.message).to.equal(expected.message);
  expect(error.actions ?? []).to.have.length.greaterThan(0);
  expect(error.actions).to.deep.equal(expected.actions);
  return error;
}

describe('generate/appDefinitionRules', () => {
  describe('validateAppName', () => {
    it('accepts developer names up to 60 characters', () => {
      expect(validateAppName('My_Integration2')).to.equal('My_Integration2');
      expect(validateAppName('A')).to.equal('A');
      expect(validateAppName('a'.repeat(60))).to.have.length(60);
    });
    for (const bad of ['1App', '_App', 'My-App', 'My App', 'My.App', '', 'Ünïcode']) {
      it(`rejects the format of "${bad}"`, () => expectRejection(() => validateAppName(bad), 'error.AppNameFormat', [bad]));
    }
    it('rejects double underscores', () =>
      expectRejection(() => validateAppName('My__App'), 'error.AppNameDoubleUnderscore', ['My__App']));
    it('rejects a trailing underscore', () =>
      expectRejection(() => validateAppName('My_App_'), 'error.AppNameTrailingUnderscore', ['My_App_']));
    it('rejects 61 characters and explains the 80-character policy name', () => {
      const name = 'a'.repeat(61);
      const error = expectRejection(() => validateAppName(name), 'error.AppNameTooLong', [name, 61, 60, 80]);
      expect(error.message).to.include('_oauth_defaultPolicy');
    });
  });

  describe('permission set, object and profile names', () => {
    it('accepts permission set API names and rejects labels, Ids with spaces, double underscores', () => {
      expect(validatePermissionSetName('My_Access')).to.equal('My_Access');
      for (const bad of ['My Access', 'My__Access', 'Access_', '0PS000000000001 x', 'a'.repeat(81)]) {
        expectRejection(() => validatePermissionSetName(bad), 'error.InvalidPermissionSetName', [bad]);
      }
    });
    it('accepts standard, custom and namespaced object names', () => {
      for (const ok of ['Account', 'Invoice__c', 'ns__Invoice__c', 'Order_Line__c', 'Event__e', 'X']) {
        expect(validateObjectName(ok)).to.equal(ok);
      }
    });
    it('rejects malformed object names', () => {
      for (const bad of ['Account Name', '__c', 'Invoice___c', 'Invoice__', '1Obj', 'a__b__c__d']) {
        expectRejection(() => validateObjectName(bad), 'error.InvalidObjectName', [bad]);
      }
    });
    it('accepts profile names with spaces and hyphens', () => {
      expect(validateProfileName('Billing Sync Integration')).to.equal('Billing Sync Integration');
      expect(validateProfileName('Int-Profile_2')).to.equal('Int-Profile_2');
    });
    it('rejects profile names that cannot be file names or policy list entries', () => {
      for (const bad of ['', ' Leading', 'Trailing ', 'a/b', 'a:b', 'a,b', 'a (b)', 'Two  spaces', '1Profile', 'x'.repeat(81)]) {
        expectRejection(() => validateProfileName(bad), 'error.InvalidProfileName', [bad, 80]);
      }
    });
    it('accepts existing profile names as Setup shows them, rejects commas and blanks', () => {
      expect(validateExistingProfileName('Minimum Access - API Only Integrations')).to.equal(
        'Minimum Access - API Only Integrations'
      );
      for (const bad of ['', '  ', 'A,B', ' Padded ']) {
        expectRejection(() => validateExistingProfileName(bad), 'error.InvalidExistingProfileName', [bad]);
      }
    });
  });

  describe('text, emails, usernames', () => {
    it('accepts plain text including XML-special characters', () => {
      expect(validateText('--label', 'R&D <Sync> "x"', 255)).to.equal('R&D <Sync> "x"');
    });
    it('rejects empty text, line breaks, control characters, over-long text', () => {
      expectRejection(() => validateText('--label', '  ', 255), 'error.EmptyText', ['--label']);
      expectRejection(() => validateText('--label', 'a\nb', 255), 'error.ControlCharacters', ['--label']);
      expectRejection(() => validateText('--label', 'a\u0007b', 255), 'error.ControlCharacters', ['--label']);
      expectRejection(() => validateText('--label', 'abcd', 3), 'error.TextTooLong', ['--label', 4, 3]);
    });
    it('accepts email addresses', () => {
      for (const ok of ['a@example.com', 'first.last+tag@sub.example.co.uk', "o'brien@example.org"]) {
        expect(validateEmail('--contact-email', ok)).to.equal(ok);
      }
    });
    it('rejects things that are not email addresses', () => {
      for (const bad of ['example.com', 'a@b', 'a@@b.com', 'a b@c.com', '.a@b.com', 'a..b@c.com', 'a@-b.com']) {
        expectRejection(() => validateEmail('--contact-email', bad), 'error.InvalidEmail', ['--contact-email', bad]);
      }
    });
    it('accepts usernames with sandbox suffixes and rejects Ids and over-long ones', () => {
      expect(validateUsername('--run-as-username', 'int.user@example.com.uat')).to.equal('int.user@example.com.uat');
      // Real usernames: a sandbox suffix with digits, `_` inside a domain label (oauth-client-credentials.md section 6).
      for (const ok of ['int.user@acme.com.uat2', 'pavan@unitedtechno.com2025_04_21_12-23-0.demo', 'x@my_corp.example.com']) {
        expect(validateUsername('--run-as-username', ok)).to.equal(ok);
      }
      // An email still may not have `_` in its domain.
      expectRejection(() => validateEmail('--contact-email', 'x@my_corp.com'), 'error.InvalidEmail', ['--contact-email', 'x@my_corp.com']);
      const long = `${'u'.repeat(70)}@example.com`;
      for (const bad of ['005000000000001AAA', 'int user@example.com', long]) {
        expectRejection(() => validateUsername('--run-as-username', bad), 'error.InvalidUsername', [
          '--run-as-username',
          bad,
          80,
        ]);
      }
    });
  });

  describe('validateCallbackUrl', () => {
    it('accepts https and http on loopback hosts only', () => {
      for (const ok of [
        'https://login.salesforce.com/services/oauth2/success',
        'http://localhost:1717/OauthRedirect',
        'http://127.0.0.1/cb',
        'http://[::1]:8080/cb',
      ]) {
        expect(validateCallbackUrl(ok)).to.equal(ok);
      }
    });
    it('rejects http on other hosts', () => {
      for (const bad of ['http://example.com/cb', 'http://10.0.0.1/cb', 'ftp://example.com/x', 'myapp://callback']) {
        expectRejection(() => validateCallbackUrl(bad), 'error.CallbackUrlNotHttps', [bad]);
      }
    });
    it('rejects text that is no URL', () =>
      expectRejection(() => validateCallbackUrl('not a url'), 'error.InvalidCallbackUrl', ['not a url']));
    it('knows loopback hosts', () => {
      expect(isLoopbackHost('127.1.2.3')).to.equal(true);
      expect(isLoopbackHost('LOCALHOST')).to.equal(true);
      expect(isLoopbackHost('128.0.0.1')).to.equal(false);
      expect(isLoopbackHost('localhost.example.com')).to.equal(false);
    });
  });

  describe('validateScopes', () => {
    it('normalises case and protocol-style names, removes duplicates', () => {
      const { scopes, warnings } = validateScopes(['api', 'API', 'custom_permissions', 'openid', ' cdpquery ']);
      expect(scopes).to.deep.equal(['Api', 'CustomPermissions', 'OpenID', 'CDPQuery']);
      expect(warnings).to.deep.equal([]);
    });
    it('knows every documented token', () => {
      expect(validateScopes([...SCOPE_TOKENS]).scopes).to.deep.equal([...SCOPE_TOKENS]);
    });
    it('warns about scopes the client credentials flow drops', () => {
      const { scopes, warnings } = validateScopes(['Api', 'refresh_token', 'full']);
      expect(scopes).to.deep.equal(['Api', 'RefreshToken', 'Full']);
      expect(warnings).to.deep.equal([messages.getMessage('warning.ScopesDroppedByFlow', ['RefreshToken, Full'])]);
    });
    it('rejects unknown scopes, listing the known ones', () =>
      expectRejection(() => validateScopes(['Api', 'Everything']), 'error.UnknownScope', [
        'Everything',
        SCOPE_TOKENS.join(', '),
      ]));
    it('rejects an empty list', () => expectRejection(() => validateScopes([' ', '']), 'error.NoScopes'));
    it('rejects a list of only dropped scopes', () =>
      expectRejection(() => validateScopes(['Web', 'offline_access']), 'error.NoUsableScope', ['Web, OfflineAccess']));
  });

  describe('API versions', () => {
    it('accepts NN.0 from 60.0 on', () => {
      expect(validateApiVersion('60.0')).to.equal('60.0');
      expect(validateApiVersion('66.0')).to.equal('66.0');
    });
    it('rejects other formats', () => {
      for (const bad of ['66', 'v66.0', '66.1', '66.00', 'latest']) {
        expectRejection(() => validateApiVersion(bad), 'error.ApiVersionFormat', [bad]);
      }
    });
    it('rejects versions below 60.0', () =>
      expectRejection(() => validateApiVersion('59.0'), 'error.ApiVersionTooLow', ['59.0', '60.0']));
    it('resolves the flag first, then the project version, then 66.0', () => {
      expect(resolveApiVersion('61.0', '64.0')).to.equal('61.0');
      expect(resolveApiVersion(undefined, '64.0')).to.equal('64.0');
      expect(resolveApiVersion(undefined, undefined)).to.equal('66.0');
    });
    it('rejects a project sourceApiVersion below 60.0 with a hint', () =>
      expectRejection(() => resolveApiVersion(undefined, '58.0'), 'error.ProjectApiVersionTooLow', ['58.0', '60.0']));
    it('checks a flag value even when the project version is fine', () =>
      expectRejection(() => resolveApiVersion('55.0', '66.0'), 'error.ApiVersionTooLow', ['55.0', '60.0']));
  });

  describe('policy options', () => {
    it('matches enumerations case-insensitively and returns the documented casing', () => {
      expect(validateEnum('--ip-relaxation', 'bypass_2FACTOR', ['Enforce', 'Bypass_2factor'])).to.equal('Bypass_2factor');
      expectRejection(() => validateEnum('--ip-relaxation', 'Relax', ['Enforce', 'Bypass']), 'error.InvalidEnumValue', [
        '--ip-relaxation',
        'Relax',
        'Enforce, Bypass',
      ]);
    });
    it('accepts session timeouts of 1 to 1440 minutes', () => {
      expect(validateSessionTimeout(1)).to.equal(1);
      expect(validateSessionTimeout(1440)).to.equal(1440);
      for (const bad of [0, -5, 1441, 2.5]) {
        expectRejection(() => validateSessionTimeout(bad), 'error.InvalidSessionTimeout', [bad]);
      }
    });
    it('parses refresh token validities', () => {
      expect(validateRefreshTokenValidity('90 Days')).to.deep.equal({ period: 90, unit: 'Days' });
      expect(validateRefreshTokenValidity('12h')).to.deep.equal({ period: 12, unit: 'Hours' });
      expect(validateRefreshTokenValidity('6 months')).to.deep.equal({ period: 6, unit: 'Months' });
      for (const bad of ['90', 'Days', '0 Days', '3 weeks', '-1 Days', '5 constructor', '5 valueOf', '5 __proto__']) {
        expectRejection(() => validateRefreshTokenValidity(bad), 'error.InvalidRefreshTokenValidity', [bad]);
      }
    });
  });

  describe('user definition fields', () => {
    it('derives an alias from the username', () => {
      expect(deriveAlias('int.user@example.com')).to.equal('intuser');
      expect(deriveAlias('billing.integration@example.com')).to.equal('billingi');
      expect(deriveAlias('..@example.com')).to.equal('intuser');
    });
    it('validates aliases', () => {
      expect(validateAlias('int_usr')).to.equal('int_usr');
      for (const bad of ['', 'ninechars', 'a b']) expectRejection(() => validateAlias(bad), 'error.InvalidAlias', [bad, 8]);
    });
    it('validates locales', () => {
      for (const ok of ['en_US', 'de', 'zh_CN_PINYIN']) expect(validateLocale(ok)).to.equal(ok);
      for (const bad of ['EN_us', 'en-US', 'english']) expectRejection(() => validateLocale(bad), 'error.InvalidLocale', [bad]);
    });
    it('validates time zones', () => {
      for (const ok of ['America/Los_Angeles', 'Europe/Paris', 'GMT']) expect(validateTimeZone(ok)).to.equal(ok);
      for (const bad of ['Mars/Olympus', 'PST8', 'UTC+1', '']) {
        expectRejection(() => validateTimeZone(bad), 'error.InvalidTimeZone', [bad]);
      }
    });
  });
});
