/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import type { Connection } from '@salesforce/core';
import { isRequestTimeout, requestTimeoutMs, withRequestTimeout } from '../../src/org/requestTimeout.js';

describe('org/requestTimeout', () => {
  it('reads SF_ECA_REQUEST_TIMEOUT in seconds, else the default', () => {
    expect(requestTimeoutMs(120_000, {})).to.equal(120_000);
    expect(requestTimeoutMs(120_000, { SF_ECA_REQUEST_TIMEOUT: '1.5' })).to.equal(1500);
    expect(requestTimeoutMs(30_000, { SF_ECA_REQUEST_TIMEOUT: 'soon' })).to.equal(30_000);
    expect(requestTimeoutMs(30_000, { SF_ECA_REQUEST_TIMEOUT: '0' })).to.equal(30_000);
  });

  it('gives every request of a connection a timeout (issue 13: requests without one hung forever)', () => {
    const seen: Array<Record<string, unknown>> = [];
    const transport = {
      httpRequest: (_req: unknown, options: Record<string, unknown> = {}): unknown => seen.push(options),
    };
    // eslint-disable-next-line no-underscore-dangle -- jsforce's field name
    const conn = { _transport: transport } as unknown as Connection;
    withRequestTimeout(conn, 1234);
    withRequestTimeout(conn, 2000); // idempotent: the last limit wins, no double wrapping
    // eslint-disable-next-line no-underscore-dangle -- jsforce's field name
    void conn._transport.httpRequest({ method: 'GET', url: '/x' }, { responseType: 'json' } as never);
    expect(seen).to.deep.equal([{ responseType: 'json', timeout: 2000 }]);
  });

  it('recognises jsforce and fetch timeouts, not other aborts', () => {
    expect(isRequestTimeout(Object.assign(new Error('aborted Request was aborted due to timeout of 30 minutes.'), { name: 'AbortError' }))).to.equal(true);
    expect(isRequestTimeout(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }))).to.equal(true);
    expect(isRequestTimeout(Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }))).to.equal(false);
  });
});
