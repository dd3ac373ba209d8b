/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { Messages, SfError } from '@salesforce/core';
import {
  type ApiVersionConnection,
  checkAgainstOrg,
  deployApiVersion,
  FLAG_SOURCE,
  orgMaxApiVersion,
  requestedApiVersion,
  SOURCE_API_VERSION,
} from '../../src/deploy/apiVersion.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

/** A connection whose auth file caches `cached` (or nothing) and whose /services/data answers `max`. */
function fakeConnection(cached: string | undefined, max = '66.0'): ApiVersionConnection & { requests: number } {
  const conn = {
    requests: 0,
    getAuthInfoFields: () => ({ instanceApiVersion: cached }),
    retrieveMaxApiVersion: (): Promise<string> => {
      conn.requests++;
      return Promise.resolve(max);
    },
    getUsername: () => 'admin@example.com',
  };
  return conn as unknown as ApiVersionConnection & { requests: number };
}

function thrown(fn: () => unknown): SfError {
  try {
    fn();
  } catch (e) {
    return e as SfError;
  }
  throw new Error('expected an error');
}

async function rejected(p: Promise<unknown>): Promise<SfError> {
  try {
    await p;
  } catch (e) {
    return e as SfError;
  }
  throw new Error('expected a rejection');
}

describe('deploy apiVersion', () => {
  it('--api-version wins over sourceApiVersion', async () => {
    const requested = requestedApiVersion('62.0', '65.0');
    expect(requested).to.deep.equal({ version: '62.0', source: FLAG_SOURCE });
    const conn = fakeConnection(undefined);
    expect(await deployApiVersion(requested, conn)).to.equal('62.0');
    expect(conn.requests).to.equal(0);
  });

  it('uses sourceApiVersion when there is no flag', async () => {
    const requested = requestedApiVersion(undefined, '65.0');
    expect(requested).to.deep.equal({ version: '65.0', source: SOURCE_API_VERSION });
    expect(await deployApiVersion(requested, fakeConnection(undefined))).to.equal('65.0');
  });

  it("uses the org's highest version when neither is set", async () => {
    const requested = requestedApiVersion(undefined, undefined);
    expect(requested).to.equal(undefined);
    const conn = fakeConnection(undefined, '64.0');
    expect(await deployApiVersion(requested, conn)).to.equal('64.0');
    expect(conn.requests).to.equal(1);
  });

  it('rejects a version below 60.0, naming where it came from', () => {
    const low = thrown(() => requestedApiVersion('59.0', '66.0'));
    expect(low.name).to.equal('ApiVersionTooLowError');
    expect(low.message).to.equal(messages.getMessage('error.ApiVersionTooLow', ['59.0', FLAG_SOURCE, '60.0']));

    const lowProject = thrown(() => requestedApiVersion(undefined, '58.0'));
    expect(lowProject.name).to.equal('ApiVersionTooLowError');
    expect(lowProject.message).to.equal(messages.getMessage('error.ApiVersionTooLow', ['58.0', SOURCE_API_VERSION, '60.0']));
  });

  it("rejects a version above the org's highest, and accepts one at it", async () => {
    const high = await rejected(checkAgainstOrg(requestedApiVersion('67.0', undefined), fakeConnection(undefined, '66.0')));
    expect(high.name).to.equal('ApiVersionTooHighError');
    expect(high.message).to.equal(messages.getMessage('error.ApiVersionTooHigh', ['67.0', FLAG_SOURCE, '66.0']));
    expect(high.actions).to.deep.equal(messages.getMessages('error.ApiVersionTooHigh.actions', ['66.0']));

    await checkAgainstOrg(requestedApiVersion(undefined, '66.0'), fakeConnection(undefined, '66.0'));
  });

  it('makes no org request for the maximum when nothing was requested', async () => {
    const conn = fakeConnection(undefined);
    await checkAgainstOrg(undefined, conn);
    expect(conn.requests).to.equal(0);
  });

  it('uses the cached instanceApiVersion without a request', async () => {
    const conn = fakeConnection('65.0', '66.0');
    expect(await orgMaxApiVersion(conn)).to.equal('65.0');
    const high = await rejected(checkAgainstOrg(requestedApiVersion('66.0', undefined), conn));
    expect(high.name).to.equal('ApiVersionTooHighError');
    expect(conn.requests).to.equal(0);
  });
});
