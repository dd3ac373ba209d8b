/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages, SfError } from '@salesforce/core';
import { expect } from 'chai';
import {
  type ConsumerRef,
  type RestRequest,
  type RestRequester,
  classifyCredentialsError,
  closestNames,
  deleteStagedCredentials,
  locateConsumer,
  promoteStagedCredentials,
  readConsumerCredentials,
  readConsumerKeys,
  readStagedCredentials,
  stageCredentials,
} from '../../src/orgCredentials/consumerCredentials.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'orgCredentials');

const APP_ID = '0xI000000000001AAA';
const CONSUMER_ID = '888000000000001AAA';

/** Mimics jsforce conn.request: resolves JSON, rejects REST errors as Error(name=errorCode, errorCode, message). */
function requester(routes: Record<string, unknown>, urls: string[] = [], requests: RestRequest[] = []): RestRequester {
  return {
    request: <T>(input: string | RestRequest): Promise<T> => {
      const url = typeof input === 'string' ? input : input.url;
      if (typeof input !== 'string') requests.push(input);
      urls.push(url);
      const key = Object.keys(routes).find((k) => url.includes(k));
      const value = key ? routes[key] : undefined;
      if (value instanceof Error) return Promise.reject(value);
      if (value === undefined) return Promise.reject(Object.assign(new Error('The requested resource does not exist'), { name: 'NOT_FOUND', errorCode: 'NOT_FOUND' }));
      return Promise.resolve(value as T);
    },
  };
}

const restError = (errorCode: string, message: string): Error => Object.assign(new Error(message), { name: errorCode, errorCode });

const HAPPY = {
  '/apps/oauth/usage': { apps: [{ developerName: 'Other', identifier: '0xI000000000009AAA' }, { developerName: 'My_App', identifier: APP_ID }] },
  [`/apps/oauth/credentials/${APP_ID}/${CONSUMER_ID}`]: { id: CONSUMER_ID, key: 'FAKE-KEY-1', secret: 'S3CRET' },
  [`/apps/oauth/credentials/${APP_ID}`]: { consumers: [{ id: CONSUMER_ID, key: 'FAKE-KEY-1', name: 'My_App' }] },
};

async function failure(routes: Record<string, unknown>): Promise<SfError> {
  try {
    await readConsumerCredentials(requester(routes), '66.0', 'My_App');
  } catch (error) {
    return error as SfError;
  }
  throw new Error('expected a failure');
}

describe('orgCredentials/consumerCredentials', () => {
  it('names a timeout as a timeout, not a permission problem (issue 13)', async () => {
    const timeout = Object.assign(new Error('This operation was aborted Request was aborted due to timeout of 30 minutes.'), { name: 'AbortError' });
    const error = await failure({ ...HAPPY, [`/apps/oauth/credentials/${APP_ID}/${CONSUMER_ID}`]: timeout });
    expect(error.name).to.equal('CredentialsTimeoutError');
    expect(error.message).to.not.match(/permission/i);
  });

  it('names a dropped connection with its cause, without "TypeError" (issue 13: exit 10 "TypeError: fetch failed")', async () => {
    const cause = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const dropped = new TypeError('fetch failed', { cause });
    const error = await failure({ ...HAPPY, '/apps/oauth/usage': dropped });
    expect(error.name).to.equal('CredentialsConnectionLostError');
    expect(error.message).to.include('other side closed (UND_ERR_SOCKET)');
    expect(`${error.message} ${error.stack ?? ''}`).to.not.include('TypeError');
  });

  it('walks usage -> credentials -> keyandsecret (3 requests)', async () => {
    const urls: string[] = [];
    const creds = await readConsumerCredentials(requester(HAPPY, urls), '66.0', 'my_app');
    expect(creds).to.deep.equal({ appId: APP_ID, consumerId: CONSUMER_ID, consumerKey: 'FAKE-KEY-1', consumerSecret: 'S3CRET', consumerCount: 1 });
    expect(urls).to.deep.equal([
      '/services/data/v66.0/apps/oauth/usage?page=0&pageSize=100',
      `/services/data/v66.0/apps/oauth/credentials/${APP_ID}`,
      `/services/data/v66.0/apps/oauth/credentials/${APP_ID}/${CONSUMER_ID}?part=keyandsecret`,
    ]);
  });

  it('reads only the keys (no secret call) for the key check', async () => {
    const urls: string[] = [];
    const keys = await readConsumerKeys(requester(HAPPY, urls), '66.0', 'My_App');
    expect(keys).to.deep.equal(['FAKE-KEY-1']);
    expect(urls.some((u) => u.includes('part='))).to.equal(false);
  });

  it('says which apps exist when the app is not there', async () => {
    const error = await failure({ '/apps/oauth/usage': { apps: [{ developerName: 'Other', identifier: 'x' }] } });
    expect(error.name).to.equal('AppNotFoundInOrgError');
    expect(error.message).to.equal(messages.getMessage('error.AppNotFoundInOrg', ['My_App', 'Other']));
  });

  it('lists the most similar app names first when there are many', () => {
    const names = Array.from({ length: 30 }, (_, i) => `App_${i}`);
    expect(closestNames('My_App_Sync', [...names, 'My_App'])).to.equal(
      'My_App, App_0, App_1, App_10, App_11, App_12, App_13, App_14, App_15, App_16, ... (31)'
    );
    expect(closestNames('x', [])).to.equal('-');
    expect(closestNames('x', ['b', 'a'])).to.equal('a, b');
  });

  it('reports an app without consumer', async () => {
    const error = await failure({ ...HAPPY, [`/apps/oauth/credentials/${APP_ID}`]: { consumers: [] } });
    expect(error.name).to.equal('NoConsumerInOrgError');
  });

  it('maps the org setting being off to SecretApiSettingOff with how to turn it on', async () => {
    const error = await failure({
      ...HAPPY,
      [`/apps/oauth/credentials/${APP_ID}/${CONSUMER_ID}`]: restError('FUNCTIONALITY_NOT_ENABLED', 'This feature is not currently enabled for this org.'),
    });
    expect(error.name).to.equal('SecretApiSettingOffError');
    expect(error.actions?.[0]).to.include('enableClientSecretInRestApiAccess');
  });

  it('names External Client App Developer when listing apps is refused', async () => {
    const error = await failure({
      ...HAPPY,
      '/apps/oauth/usage': restError('INSUFFICIENT_ACCESS', 'this feature is not enabled for this user.'),
    });
    expect(error.name).to.equal('SecretPermissionMissingError');
    expect(error.message).to.equal(
      messages.getMessage('error.SecretPermissionMissing', [
        messages.getMessage('permission.ExternalClientAppDeveloper'),
        'INSUFFICIENT_ACCESS: this feature is not enabled for this user.',
      ])
    );
    expect(error.actions?.[0]).to.include('(ExternalClientAppDeveloper)');
  });

  it('names View Client Secret when reading the secret is refused', async () => {
    const error = await failure({
      ...HAPPY,
      [`/apps/oauth/credentials/${APP_ID}/${CONSUMER_ID}`]: restError('INSUFFICIENT_ACCESS', 'Viewing consumer secrets is not enabled for this user.'),
    });
    expect(error.name).to.equal('SecretPermissionMissingError');
    expect(error.actions?.[0]).to.include('(ViewClientSecret)');
  });

  it('treats an answer with the key but no secret as a missing permission', async () => {
    const error = await failure({ ...HAPPY, [`/apps/oauth/credentials/${APP_ID}/${CONSUMER_ID}`]: { id: CONSUMER_ID, key: 'k' } });
    expect(error.name).to.equal('SecretPermissionMissingError');
  });

  it('shows other errors verbatim', async () => {
    const error = await failure({ '/apps/oauth/usage': restError('UNKNOWN_EXCEPTION', 'boom') });
    expect(error.name).to.equal('CredentialsReadFailedError');
    expect(error.message).to.include('UNKNOWN_EXCEPTION: boom');
  });

  it('pages through usage until the app is found', async () => {
    const urls: string[] = [];
    const first = { apps: Array.from({ length: 100 }, (_, i) => ({ developerName: `App${i}`, identifier: `id${i}` })) };
    const routes: Record<string, unknown> = {
      ...HAPPY,
      'usage?page=0': first,
      'usage?page=1': { apps: [{ developerName: 'My_App', identifier: APP_ID }] },
    };
    delete routes['/apps/oauth/usage'];
    await readConsumerCredentials(requester(routes, urls), '66.0', 'My_App');
    expect(urls[1]).to.equal('/services/data/v66.0/apps/oauth/usage?page=1&pageSize=100');
  });

  describe('classifyCredentialsError', () => {
    const cases: Array<[{ errorCode?: string; message?: string }, string]> = [
      [{ message: 'This feature is not currently enabled for this org' }, 'setting'],
      [{ message: 'The feature is not enabled' }, 'setting'],
      [{ errorCode: 'FUNCTIONALITY_NOT_ENABLED', message: 'x' }, 'setting'],
      [{ message: 'This API is not enabled for this user' }, 'permission'],
      [{ errorCode: 'INSUFFICIENT_ACCESS', message: 'insufficient access rights' }, 'permission'],
      [{ message: 'Missing permission ViewClientSecret' }, 'permission'],
      [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }, 'session'],
      [{ message: 'Error authenticating with the refresh token due to: No refresh token found' }, 'session'],
      [{ errorCode: 'SERVER_ERROR', message: 'oops' }, 'other'],
    ];
    for (const [input, kind] of cases) {
      it(`${JSON.stringify(input)} -> ${kind}`, () => expect(classifyCredentialsError(input)).to.equal(kind));
    }
  });

  describe('staged rotation', () => {
    const REF: ConsumerRef = { appName: 'My_App', appId: APP_ID, consumerId: CONSUMER_ID, consumerKey: 'FAKE-KEY-1', consumerCount: 1 };
    const STAGED_URL = `/services/data/v66.0/apps/oauth/credentials/${APP_ID}/${CONSUMER_ID}/staged`;
    const ITEM = { id: '0xS1', key: 'NEWKEY', secret: 'NEWSECRET', state: 'Active', expirationDate: '2027-01-01T00:00:00.000Z' };

    it('locates the consumer without reading a secret', async () => {
      const urls: string[] = [];
      expect(await locateConsumer(requester(HAPPY, urls), '66.0', 'My_App')).to.deep.equal(REF);
      expect(urls.some((u) => u.includes('part='))).to.equal(false);
    });

    it('stages with POST {} (JSON) and reads the pair from the collection answer', async () => {
      const requests: RestRequest[] = [];
      const staged = await stageCredentials(requester({ [STAGED_URL]: { stagedCredentials: [ITEM], url: STAGED_URL } }, [], requests), '66.0', REF);
      expect(staged).to.deep.include({ id: '0xS1', consumerKey: 'NEWKEY', consumerSecret: 'NEWSECRET', state: 'Active' });
      expect(requests[0]).to.deep.include({ method: 'POST', url: STAGED_URL, body: '{}' });
      expect(requests[0].headers).to.deep.equal({ 'content-type': 'application/json' });
    });

    it('accepts a single staged item as the POST answer too', async () => {
      const staged = await stageCredentials(requester({ [STAGED_URL]: ITEM }), '66.0', REF);
      expect(staged.id).to.equal('0xS1');
    });

    it('promotes with PATCH {"command":"rotate"} and deletes with DELETE on the item', async () => {
      const requests: RestRequest[] = [];
      const rest = requester({ [`${STAGED_URL}/0xS1`]: ITEM }, [], requests);
      await promoteStagedCredentials(rest, '66.0', REF, '0xS1');
      await deleteStagedCredentials(rest, '66.0', REF, '0xS1');
      expect(requests.map((r) => [r.method, r.url, r.body])).to.deep.equal([
        ['PATCH', `${STAGED_URL}/0xS1`, '{"command":"rotate"}'],
        ['DELETE', `${STAGED_URL}/0xS1`, undefined],
      ]);
    });

    it('reads a 404 on the staged collection as nothing staged', async () => {
      expect(await readStagedCredentials(requester({}), '66.0', REF)).to.deep.equal([]);
    });

    it('refuses staging below API 65.0 with the version to use', async () => {
      try {
        await stageCredentials(requester({}), '64.0', REF);
        expect.fail('expected a failure');
      } catch (error) {
        expect((error as SfError).name).to.equal('StagingNeedsApiVersionError');
      }
    });

    it('names the missing org setting and the failed operation', async () => {
      const off = restError('FUNCTIONALITY_NOT_ENABLED', 'not currently enabled for this org.');
      try {
        await stageCredentials(requester({ [STAGED_URL]: off }), '66.0', REF);
        expect.fail('expected a failure');
      } catch (error) {
        expect((error as SfError).name).to.equal('SecretApiSettingOffError');
      }
      try {
        await promoteStagedCredentials(requester({ [STAGED_URL]: restError('UNKNOWN_EXCEPTION', 'boom') }), '66.0', REF, 'x');
        expect.fail('expected a failure');
      } catch (error) {
        expect((error as SfError).name).to.equal('CredentialsChangeFailedError');
        expect((error as SfError).message).to.equal(
          messages.getMessage('error.CredentialsChangeFailed', [messages.getMessage('operation.promote'), 'UNKNOWN_EXCEPTION: boom'])
        );
      }
    });
  });
});
