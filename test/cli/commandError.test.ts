/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { SfError } from '@salesforce/core';
import { normalizeError } from '../../src/cli/commandError.js';
import { SecretRedactor } from '../../src/security/redact.js';

/**
 * What sf-plugins-core decides from an error (errorHandling.ts computeErrorCode): a Salesforce ErrorId ("gack") in
 * the message or stack means exit 20, "TypeError" anywhere in message, stack or cause means 10. Replicated here as the
 * oracle: every normalized error must come out as exit 1 (2 for flags).
 */
function sfExitCode(e: Error & { exitCode?: number; oclif?: { exit?: number } }): number {
  const gack = /\d{9,}-\d{3,} \(-?\d{7,}\)/;
  const chain = (x: unknown, test: (e: Error) => boolean): boolean =>
    x instanceof Error && (test(x) || chain(x.cause, test));
  if (chain(e, (x) => gack.test(x.message) || gack.test(x.stack ?? ''))) return 20;
  if (chain(e, (x) => x instanceof TypeError || x.name === 'TypeError' || x.message.includes('TypeError') || Boolean(x.stack?.includes('TypeError'))))
    return 10;
  if (typeof e.oclif?.exit === 'number') return e.oclif.exit;
  return typeof e.exitCode === 'number' ? e.exitCode : 1;
}

describe('cli/commandError', () => {
  it('an UNKNOWN_EXCEPTION with an ErrorId exits 1 and names the ErrorId (issue 13: exit 20)', () => {
    const org = Object.assign(
      new Error('UNKNOWN_EXCEPTION: An unexpected error occurred. Please include this ErrorId if you contact support: 1439237453-53165 (-1594178683)'),
      { name: 'sf:UNKNOWN_EXCEPTION' }
    );
    const e = normalizeError(org) as SfError;
    expect(sfExitCode(e)).to.equal(1);
    expect(e.message).to.include('1439237453-53165').and.to.include('-1594178683');
    expect((e.data as { errorId?: string }).errorId).to.equal('1439237453-53165 (-1594178683)');
  });

  it('a dropped connection (undici TypeError: fetch failed) exits 1 naming the cause (issue 13: exit 10)', () => {
    const dropped = new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    const e = normalizeError(dropped);
    expect(sfExitCode(e)).to.equal(1);
    expect(e.name).to.equal('NetworkFailureError');
    expect(e.message).to.include('other side closed (UND_ERR_SOCKET)');
  });

  it('an internal TypeError still exits 1', () => {
    const e = normalizeError(new TypeError("Cannot read properties of undefined (reading 'path')"));
    expect(sfExitCode(e)).to.equal(1);
  });

  it('a request timeout says so and how to raise the limit', () => {
    const e = normalizeError(Object.assign(new Error('This operation was aborted Request was aborted due to timeout of 30 minutes.'), { name: 'AbortError' }));
    expect(e.name).to.equal('RequestTimeoutError');
    expect((e as SfError).actions?.join(' ')).to.include('SF_ECA_REQUEST_TIMEOUT');
    expect(sfExitCode(e)).to.equal(1);
  });

  it('flag errors keep exit 2', () => {
    const flag = Object.assign(new Error('Expected --wait to be a number'), { oclif: { exit: 2 } });
    expect(sfExitCode(normalizeError(flag))).to.equal(2);
  });

  it('keeps name, actions and data of our errors, redacts secrets and strips terminal escapes', () => {
    const ours = new SfError('bad \u001b[2Jthing with s3cr3tValue', 'SomethingError', ['do \u001b]0;x\u0007this'], 1);
    ours.setData({ secret: 's3cr3tValue' });
    const e = normalizeError(ours, new SecretRedactor().register('s3cr3tValue')) as SfError;
    expect(e.name).to.equal('SomethingError');
    expect(e.message).to.equal('bad thing with <redacted>');
    expect(e.actions).to.deep.equal(['do this']);
    expect(e.data).to.deep.equal({ secret: '<redacted>' });
  });
});
