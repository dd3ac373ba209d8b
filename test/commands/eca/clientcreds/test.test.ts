/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth wire fields are snake_case */
import { Messages, SfError } from '@salesforce/core';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubPrompter, stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import type { SinonStub } from 'sinon';
import Test from '../../../../src/commands/eca/clientcreds/test.js';
import { FakeFetch } from '../../../oauth/fakeFetch.js';
import { transport } from '../../../../src/oauth/tokenClient.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.test');

/** What $$.fakeConnectionRequest resolves to (core types it as AnyJson). */
type FakeAnswer = ReturnType<TestContext['fakeConnectionRequest']>;

const INSTANCE = 'https://acme.my.salesforce.com';
const SECRET = 'CommandTestSecret0123456789';
const TOKEN = '00D000000000001!FAKE.cmdtoken';
const APP_ID = '0xI000000000001AAA';
const CONSUMER_ID = '888000000000001AAA';

describe('eca clientcreds test (command)', () => {
  const $$ = new TestContext();
  const testOrg = new MockTestOrgData();
  let ux: ReturnType<typeof stubSfCommandUx>;
  let fake: FakeFetch;
  let userId: string;
  let orgId: string;

  beforeEach(async () => {
    testOrg.instanceUrl = INSTANCE;
    testOrg.orgId = '00D000000000001AAA';
    await $$.stubAuths(testOrg);
    ux = stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
    orgId = testOrg.orgId;
    userId = '005000000000002AAA';
    fake = new FakeFetch()
      .on('POST', '/services/oauth2/token', {
        status: 200,
        json: {
          access_token: TOKEN,
          instance_url: INSTANCE,
          id: `https://login.salesforce.com/id/${orgId}/${userId}`,
          token_type: 'Bearer',
          scope: 'api',
          issued_at: '1700000000000',
          token_format: 'opaque',
        },
      })
      .on('GET', /\/sobjects\/User\//, { status: 200, json: { Username: 'integration@acme.com', IsActive: true } })
      .on('POST', '/services/oauth2/revoke', { status: 200 });
    // Plain fetch (the token client) is not covered by $$.fakeConnectionRequest: route it to the current fake.
    $$.SANDBOX.stub(transport, 'fetch').callsFake((input: string, init?: RequestInit) => fake.fetch(input, init));
    delete process.env.SF_CLIENT_SECRET;
    delete process.env.MY_SECRET_VAR;
  });

  afterEach(() => {
    $$.restore();
    delete process.env.SF_CLIENT_SECRET;
    delete process.env.MY_SECRET_VAR;
  });

  const output = (): string =>
    [ux.log, ux.logSuccess, ux.warn, ux.table, ux.info]
      .flatMap((stub: SinonStub) => stub.getCalls().flatMap((c): unknown[] => c.args as unknown[]))
      .map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))
      .join('\n');

  it('passes with --client-id and the secret from SF_CLIENT_SECRET, against the target org My Domain', async () => {
    process.env.SF_CLIENT_SECRET = SECRET;
    const result = await Test.run([
      '--target-org',
      testOrg.username,
      '--client-id',
      'FAKE-KEY-flag',
      '--run-as-username',
      'integration@acme.com',
    ]);
    expect(result).to.deep.include({
      success: true,
      tokenEndpoint: `${INSTANCE}/services/oauth2/token`,
      runAsUsername: 'integration@acme.com',
      expectedRunAsUsername: 'integration@acme.com',
      orgId,
      credentialsSource: 'flags',
    });
    expect(new URLSearchParams(fake.requests[0].body).get('client_secret')).to.equal(SECRET);
    expect(ux.logSuccess.firstCall.args[0]).to.equal(messages.getMessage('success', [`${INSTANCE}/services/oauth2/token`, 'integration@acme.com', orgId]));
    const table = ux.table.firstCall.args[0] as { columns: Array<{ name: string }> };
    expect(table.columns.map((c) => c.name)).to.deep.equal([messages.getMessage('label.field'), messages.getMessage('label.value')]);
    expect(output()).to.not.include(SECRET).and.to.not.include(TOKEN);
  });

  it('reads the secret from the variable named by --client-secret-env', async () => {
    process.env.MY_SECRET_VAR = SECRET;
    await Test.run(['--instance-url', INSTANCE, '--client-id', 'k', '--client-secret-env', 'MY_SECRET_VAR', '--run-as-username', 'integration@acme.com']);
    expect(new URLSearchParams(fake.requests[0].body).get('client_secret')).to.equal(SECRET);
  });

  /** Runs `fn` with process.stdin.isTTY set to `value` (mocha's stdin may or may not be a terminal). */
  async function withStdinTty<R>(value: boolean, fn: () => Promise<R>): Promise<R> {
    const own = Object.getOwnPropertyDescriptor(process.stdin, 'isTTY');
    Object.defineProperty(process.stdin, 'isTTY', { value, configurable: true, writable: true });
    try {
      return await fn();
    } finally {
      if (own) Object.defineProperty(process.stdin, 'isTTY', own);
      else delete (process.stdin as { isTTY?: boolean }).isTTY;
    }
  }

  it('without a terminal (CI) fails at once naming the variable, without prompting (issue 13)', async () => {
    const prompter = stubPrompter($$.SANDBOX);
    const error = await withStdinTty(false, () =>
      Test.run(['--instance-url', INSTANCE, '--client-id', 'k', '--run-as-username', 'integration@acme.com']).then(
        () => expect.fail('should have thrown'),
        (e: SfError) => e
      )
    );
    expect(error.name).to.equal('MissingSecretNoTerminalError');
    expect(error.message).to.include('SF_CLIENT_SECRET');
    expect(prompter.secret.called).to.equal(false);
    expect(fake.requests).to.have.length(0);
  });

  for (const envName of ['', '1X', 'A B']) {
    it(`refuses --client-secret-env "${envName}" as a flag error (exit 2, issue 13)`, async () => {
      process.env.SF_CLIENT_SECRET = SECRET;
      const error = await Test.run(['--instance-url', INSTANCE, '--client-id', 'k', '--client-secret-env', envName]).then(
        () => expect.fail('should have thrown'),
        (e: SfError) => e
      );
      expect(error.name).to.equal('InvalidSecretEnvError');
      expect(error.exitCode).to.equal(2);
      expect(fake.requests).to.have.length(0);
    });
  }

  it('prompts for the secret when there is none and prompting is allowed', async () => {
    const prompter = stubPrompter($$.SANDBOX);
    prompter.secret.resolves(SECRET);
    await withStdinTty(true, () => Test.run(['--instance-url', INSTANCE, '--client-id', 'k', '--run-as-username', 'integration@acme.com']));
    expect(prompter.secret.firstCall.args[0]).to.deep.include({ message: messages.getMessage('prompt.secret', ['k']) });
    expect(new URLSearchParams(fake.requests[0].body).get('client_secret')).to.equal(SECRET);
  });

  for (const mode of [['--json'], ['--no-prompt']]) {
    it(`never prompts with ${mode[0]}: MissingSecret names the variable`, async () => {
      const prompter = stubPrompter($$.SANDBOX);
      try {
        await Test.run(['--instance-url', INSTANCE, '--client-id', 'k', ...mode]);
        expect.fail('should have thrown');
      } catch (error) {
        expect((error as SfError).name).to.equal('MissingSecretError');
        expect((error as SfError).message).to.equal(messages.getMessage('error.MissingSecret', ['SF_CLIENT_SECRET']));
      }
      expect(prompter.secret.called).to.equal(false);
      expect(fake.requests).to.have.length(0);
    });
  }

  it('warns that --client-secret lands in shell history, and still hides it', async () => {
    await Test.run(['--instance-url', INSTANCE, '--client-id', 'k', '--client-secret', SECRET, '--run-as-username', 'integration@acme.com']);
    expect(ux.warn.getCalls().map((c) => c.args[0])).to.include(messages.getMessage('warning.ClientSecretFlag', ['SF_CLIENT_SECRET']));
    expect(output()).to.not.include(SECRET);
  });

  it('shows the token only with --show-token, with a warning', async () => {
    process.env.SF_CLIENT_SECRET = SECRET;
    const result = await Test.run(['--instance-url', INSTANCE, '--client-id', 'k', '--show-token', '--run-as-username', 'integration@acme.com']);
    expect(result.accessToken).to.equal(TOKEN);
    expect(ux.warn.getCalls().map((c) => c.args[0])).to.include(messages.getMessage('warning.ShowToken'));
  });

  it('uses the default target-org (from config) when no host is given', async () => {
    await $$.stubConfig({ 'target-org': testOrg.username });
    process.env.SF_CLIENT_SECRET = SECRET;
    const result = await Test.run(['--client-id', 'k', '--run-as-username', 'integration@acme.com']);
    expect(result).to.include({ expectedOrgId: testOrg.orgId, tokenEndpoint: `${INSTANCE}/services/oauth2/token` });
  });

  it('ignores a default target-org (from config) when --instance-url points at another org', async () => {
    await $$.stubConfig({ 'target-org': testOrg.username });
    process.env.SF_CLIENT_SECRET = SECRET;
    const result = await Test.run(['--instance-url', 'https://other.my.salesforce.com', '--client-id', 'k', '--run-as-username', 'integration@acme.com']);
    expect(result.expectedOrgId).to.equal(undefined);
    expect(fake.requests[0].url).to.equal('https://other.my.salesforce.com/services/oauth2/token');
  });

  it('uses an explicit --target-org as the expected org even with --instance-url', async () => {
    process.env.SF_CLIENT_SECRET = SECRET;
    const result = await Test.run([
      '--target-org',
      testOrg.username,
      '--instance-url',
      'https://other.my.salesforce.com',
      '--client-id',
      'k',
      '--run-as-username',
      'integration@acme.com',
    ]);
    expect(result.expectedOrgId).to.equal(testOrg.orgId);
  });

  it('refuses login.salesforce.com before asking for or sending a secret', async () => {
    const prompter = stubPrompter($$.SANDBOX);
    try {
      await Test.run(['--instance-url', 'https://login.salesforce.com', '--client-id', 'k']);
      expect.fail('should have thrown');
    } catch (error) {
      expect((error as SfError).name).to.equal('LoginHostNotSupportedError');
    }
    expect(prompter.secret.called).to.equal(false);
    expect(fake.requests).to.have.length(0);
  });

  it('keeps exit code 2 for flag errors (its secret-redacting catch rebuilds nothing)', async () => {
    try {
      await Test.run(['--no-such-flag']);
      expect.fail('should have thrown');
    } catch (error) {
      expect((error as SfError).exitCode).to.equal(2);
    }
  });

  it('asks for credentials when there are none', async () => {
    try {
      await Test.run(['--instance-url', INSTANCE]);
      expect.fail('should have thrown');
    } catch (error) {
      expect((error as SfError).name).to.equal('NoCredentialsError');
      expect((error as SfError).actions?.[1]).to.include('SF_CLIENT_SECRET');
    }
  });

  it('reads key and secret from the org with --target-org and --name', async () => {
    const urls: string[] = [];
    $$.fakeConnectionRequest = (request): FakeAnswer => {
      const url = typeof request === 'string' ? request : (request as { url: string }).url;
      urls.push(url);
      if (url.includes('/apps/oauth/usage')) return Promise.resolve({ apps: [{ developerName: 'My_App', identifier: APP_ID }] });
      if (url.includes(`${APP_ID}/${CONSUMER_ID}`)) return Promise.resolve({ id: CONSUMER_ID, key: 'FAKE-KEY-from-org', secret: SECRET });
      if (url.includes(`/credentials/${APP_ID}`)) return Promise.resolve({ consumers: [{ id: CONSUMER_ID }] });
      return Promise.reject(new SfError(`unexpected ${url}`));
    };
    const result = await Test.run(['--target-org', testOrg.username, '--name', 'My_App', '--run-as-username', 'integration@acme.com']);
    expect(result).to.include({ success: true, credentialsSource: 'org', appName: 'My_App' });
    const form = new URLSearchParams(fake.requests[0].body);
    expect(form.get('client_id')).to.equal('FAKE-KEY-from-org');
    expect(form.get('client_secret')).to.equal(SECRET);
    expect(urls.some((u) => u.includes('part=keyandsecret'))).to.equal(true);
    expect(output()).to.not.include(SECRET);
  });

  it('says which setting is missing when the org refuses to return the secret', async () => {
    $$.fakeConnectionRequest = (request): FakeAnswer => {
      const url = typeof request === 'string' ? request : (request as { url: string }).url;
      if (url.includes('/apps/oauth/usage')) return Promise.resolve({ apps: [{ developerName: 'My_App', identifier: APP_ID }] });
      if (url.includes('part=keyandsecret')) {
        return Promise.reject(
          Object.assign(new Error('Access to External Client App consumer secrets via the REST API is not currently enabled for this org.'), {
            name: 'FUNCTIONALITY_NOT_ENABLED',
            errorCode: 'FUNCTIONALITY_NOT_ENABLED',
          })
        );
      }
      return Promise.resolve({ consumers: [{ id: CONSUMER_ID }] });
    };
    try {
      await Test.run(['--target-org', testOrg.username, '--name', 'My_App', '--json']);
      expect.fail('should have thrown');
    } catch (error) {
      expect((error as SfError).name).to.equal('SecretApiSettingOffError');
    }
    expect(fake.requests).to.have.length(0);
  });

  it('turns an OAuth error into the diagnosis, with the partial result as data and no secret anywhere', async () => {
    process.env.SF_CLIENT_SECRET = SECRET;
    fake = new FakeFetch().on('POST', '/services/oauth2/token', {
      status: 400,
      json: { error: 'invalid_client', error_description: `invalid client credentials ${SECRET}` },
    });
    try {
      await Test.run(['--instance-url', INSTANCE, '--client-id', 'k', '--json']);
      expect.fail('should have thrown');
    } catch (error) {
      const sfError = error as SfError;
      expect(sfError.name).to.equal('WrongSecretError');
      expect(sfError.exitCode).to.equal(1);
      expect(sfError.message).to.not.include(SECRET);
      expect(sfError.data).to.deep.include({ diagnosis: 'WrongSecret', success: false, attempts: 1 });
      expect(JSON.stringify(sfError.data)).to.not.include(SECRET);
    }
  });
});
