/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { Messages, SfError } from '@salesforce/core';
import { DeployWaitExceeded } from '../../src/deploy/metadataDeploy.js';
import { componentAdvice, toOrgError } from '../../src/deploy/orgErrors.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

const ctx = { targetOrg: 'prod' };

/** Walks the cause chain like sf-plugins-core's computeErrorCode does. */
function hasTypeErrorInChain(e: unknown): boolean {
  let current: unknown = e;
  for (let i = 0; current && i < 10; i++) {
    if (current instanceof TypeError) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

describe('deploy orgErrors', () => {
  it('recognises both duplicate-policy wordings', () => {
    for (const problem of [
      'DUPLICATE_VALUE: ExtlClntAppOauthSettingsId duplicates value on My_App_oauth_defaultPolicy',
      'duplicate value found: ExternalClientApplicationId duplicates value on record with id: 0xk000000000001',
      'Something else duplicates value on My_App_plcy',
    ]) {
      expect(componentAdvice(problem), problem).to.equal(messages.getMessage('advice.duplicatePolicy'));
    }
    expect(componentAdvice('Something else')).to.equal(messages.getMessage('advice.generic'));
  });

  it('explains a pre-authorization name the org already has (additive lists)', () => {
    expect(componentAdvice('The profile names are already taken: My Profile')).to.equal(
      messages.getMessage('advice.preAuthorizationTaken')
    );
  });

  it('maps INVALID_SESSION_ID from SOAP faults and REST errors to a re-login message', () => {
    const soap = Object.assign(new Error('INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session'), {
      name: 'sf:INVALID_SESSION_ID',
    });
    const rest = Object.assign(new Error('Session expired or invalid'), { errorCode: 'INVALID_SESSION_ID' });
    for (const e of [soap, rest]) {
      const error = toOrgError(e, ctx);
      expect(error.name).to.equal('SessionExpiredError');
      expect(error.actions).to.deep.equal(messages.getMessages('error.SessionExpired.actions', ['prod']));
    }
  });

  it('maps a network failure (undici TypeError: fetch failed) to exit code 1 without the TypeError as cause', () => {
    const cause = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const fetchFailed = new TypeError('fetch failed', { cause });
    const error = toOrgError(fetchFailed, ctx);
    expect(error.name).to.equal('OrgUnreachableError');
    expect(error.message).to.include('fetch failed');
    expect(hasTypeErrorInChain(error)).to.equal(false);
    expect(error.exitCode).to.equal(1);
  });

  it('maps HTTP 500 answers (UNKNOWN_EXCEPTION, ERROR_HTTP_500) to a server error', () => {
    expect(toOrgError(Object.assign(new Error('An unexpected error occurred'), { errorCode: 'UNKNOWN_EXCEPTION' }), ctx).name).to.equal(
      'OrgServerError'
    );
    expect(toOrgError(new SfError('Metadata API request failed: ERROR_HTTP_500', 'MetadataTransferError'), ctx).name).to.equal(
      'OrgServerError'
    );
  });

  it('maps --wait exceeded to the deploy id and the command to check it', () => {
    const error = toOrgError(new DeployWaitExceeded('0Af000000000001AAA'), ctx);
    expect(error.name).to.equal('DeployWaitExceededError');
    expect(error.message).to.include('0Af000000000001AAA');
    expect(error.actions?.[0]).to.include('sf project deploy report --job-id 0Af000000000001AAA --target-org prod');
  });

  it('keeps our own errors and words anything else with the org message', () => {
    const ours = messages.createError('error.ProfileNotFound', ['X']);
    expect(toOrgError(ours, ctx)).to.equal(ours);
    const other = toOrgError(Object.assign(new Error('INSUFFICIENT_ACCESS: no'), { errorCode: 'INSUFFICIENT_ACCESS' }), ctx);
    expect(other.name).to.equal('OrgRequestFailedError');
    expect(other.message).to.include('INSUFFICIENT_ACCESS: no');
  });
});
