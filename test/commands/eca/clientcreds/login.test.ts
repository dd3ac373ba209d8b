/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { AuthInfo, Messages } from '@salesforce/core';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubPrompter } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import type { SinonStub } from 'sinon';
import Login from '../../../../src/commands/eca/clientcreds/login.js';
import { REDACTED } from '../../../../src/security/redact.js';
import {
  APP,
  type CommandFixture,
  INSTANCE,
  KEY,
  ORG_ID,
  RUN_AS,
  SECRET,
  TOKEN,
  TOKEN_EXPIRES_AT,
  TOKEN_URL,
  failureOf,
  setUpCommand,
  tableOf,
} from './commandFixtures.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.login');

/** What storeAccessToken gets from AuthInfo: an authorization that knows who the token is (as the org says). */
type FakeAuthInfo = {
  save: SinonStub;
  handleAliasAndDefaultSettings: SinonStub;
  getFields: () => { orgId: string; instanceUrl: string };
  getUsername: () => string;
};

/**
 * The command with TestContext: the app's consumer in Connect REST ($$.fakeConnectionRequest), its OAuth policy
 * through the Metadata API (stubbed), the token endpoint on a fake fetch, and the storage of the login stubbed where
 * it meets @salesforce/core: AuthInfo.create with accessTokenOptions (loading --target-org still uses the real one).
 */
describe('eca clientcreds login (command)', () => {
  const $$ = new TestContext();
  const testOrg = new MockTestOrgData();
  let fx: CommandFixture;
  let stored: FakeAuthInfo;
  let create: SinonStub;
  /** Who the org says the stored token is (AuthInfo asks the org itself). */
  let storedUsername: string;

  beforeEach(async () => {
    fx = await setUpCommand($$, testOrg);
    storedUsername = RUN_AS;
    stored = {
      save: $$.SANDBOX.stub().resolves(),
      handleAliasAndDefaultSettings: $$.SANDBOX.stub().resolves(),
      getFields: (): { orgId: string; instanceUrl: string } => ({ orgId: ORG_ID, instanceUrl: INSTANCE }),
      getUsername: (): string => storedUsername,
    };
    const realCreate = AuthInfo.create.bind(AuthInfo);
    create = $$.SANDBOX.stub(AuthInfo, 'create').callsFake(((options?: AuthInfo.Options) =>
      options?.accessTokenOptions ? Promise.resolve(stored) : realCreate(options)) as typeof AuthInfo.create);
    delete process.env.SF_CLIENT_SECRET;
    delete process.env.MY_SECRET_VAR;
  });

  afterEach(() => {
    $$.restore();
    delete process.env.SF_CLIENT_SECRET;
    delete process.env.MY_SECRET_VAR;
  });

  /** The options of the login stored, if any. */
  const storeCalls = (): AuthInfo.Options[] => create.getCalls().map((c) => c.args[0] as AuthInfo.Options).filter((o) => o?.accessTokenOptions);
  /** The renew command after the CLI's bin (the config's bin: "sf" in the CLI, the test runner here). */
  const withoutBin = (command: string): string => command.slice(command.indexOf(' ') + 1);
  const noSecrets = (text: string): void => {
    expect(text).to.not.include(SECRET).and.to.not.include(TOKEN);
  };

  it('logs in with the key and secret read from the org, and stores the checked token under --alias', async () => {
    const result = await Login.run(['--name', APP, '--target-org', testOrg.username, '--alias', 'integration', '--json']);
    expect(fx.endpoint.tokenRequests).to.deep.equal([{ key: KEY, secret: SECRET }]);
    expect(storeCalls()).to.deep.equal([{ accessTokenOptions: { accessToken: TOKEN, instanceUrl: INSTANCE, loginUrl: INSTANCE } }]);
    expect(stored.save.calledOnce).to.equal(true);
    expect(stored.handleAliasAndDefaultSettings.firstCall.args[0]).to.deep.equal({ alias: 'integration', setDefault: false, setDefaultDevHub: false });
    // The stored token is the login: it is never revoked.
    expect(fx.endpoint.requested('/services/oauth2/revoke')).to.equal(false);
    expect(result).to.deep.include({
      username: RUN_AS,
      orgId: ORG_ID,
      instanceUrl: INSTANCE,
      alias: 'integration',
      isDefault: false,
      appName: APP,
      tokenEndpoint: TOKEN_URL,
      credentialsSource: 'org',
      scopes: ['api'],
      expiresAt: TOKEN_EXPIRES_AT,
    });
    expect(withoutBin(result.renewCommand)).to.equal(`eca clientcreds login --name ${APP} --target-org ${testOrg.username} --alias integration`);
    noSecrets(JSON.stringify(result));
    noSecrets(fx.output());
  });

  it('shows the login, who it runs as, when it expires and the command that renews it', async () => {
    const result = await Login.run(['--name', APP, '--target-org', testOrg.username, '--alias', 'integration']);
    const table = tableOf(fx.ux);
    expect(table.columns.map((c) => c.name)).to.deep.equal([messages.getMessage('label.field'), messages.getMessage('label.value')]);
    expect(table.data).to.deep.equal([
      { key: 'username', value: RUN_AS },
      { key: 'alias', value: 'integration' },
      { key: 'orgId', value: ORG_ID },
      { key: 'instanceUrl', value: INSTANCE },
      { key: 'tokenEndpoint', value: TOKEN_URL },
      { key: 'scopes', value: 'api' },
      { key: 'expiresAt', value: TOKEN_EXPIRES_AT },
    ]);
    expect(fx.shown(fx.ux.logSuccess)).to.deep.equal([messages.getMessage('success', [RUN_AS, ORG_ID, APP, 'integration'])]);
    expect(fx.shown(fx.ux.log)).to.deep.equal([messages.getMessage('info.expiresAt', [TOKEN_EXPIRES_AT, result.renewCommand])]);
    noSecrets(fx.output());
  });

  it('says the expiry is unknown, with the renew command, when the org does not tell', async () => {
    fx.endpoint.introspection = { status: 403 };
    const result = await Login.run(['--name', APP, '--target-org', testOrg.username]);
    expect(result.expiresAt).to.equal(undefined);
    expect(tableOf(fx.ux).data.at(-1)).to.deep.equal({ key: 'expiresAt', value: '-' });
    expect(fx.shown(fx.ux.log)).to.deep.equal([messages.getMessage('info.expiresUnknown', [result.renewCommand])]);
  });

  it('logs in with --client-id, --instance-url and SF_CLIENT_SECRET, and makes it the default with --set-default', async () => {
    process.env.SF_CLIENT_SECRET = SECRET;
    const result = await Login.run(['--client-id', KEY, '--instance-url', INSTANCE, '--alias', 'ci', '--set-default', '--json']);
    expect(fx.endpoint.tokenRequests).to.deep.equal([{ key: KEY, secret: SECRET }]);
    expect(stored.handleAliasAndDefaultSettings.firstCall.args[0]).to.deep.equal({ alias: 'ci', setDefault: true, setDefaultDevHub: false });
    expect(result).to.deep.include({ username: RUN_AS, alias: 'ci', isDefault: true, credentialsSource: 'flags' });
    expect(withoutBin(result.renewCommand)).to.equal(`eca clientcreds login --client-id ${KEY} --instance-url ${INSTANCE} --alias ci`);
    // No org to read: nothing asked of Connect REST.
    expect(fx.api.calls).to.deep.equal([]);
    noSecrets(JSON.stringify(result));
  });

  it('reads the secret from the variable named by --client-secret-env, resolves --my-domain, and renews with the same variable', async () => {
    process.env.MY_SECRET_VAR = SECRET;
    const result = await Login.run(['--client-id', KEY, '--my-domain', 'acme', '--client-secret-env', 'MY_SECRET_VAR', '--json']);
    expect(fx.endpoint.tokenRequests).to.deep.equal([{ key: KEY, secret: SECRET }]);
    expect(result.tokenEndpoint).to.equal(TOKEN_URL);
    expect(withoutBin(result.renewCommand)).to.equal(`eca clientcreds login --client-id ${KEY} --instance-url ${INSTANCE} --client-secret-env MY_SECRET_VAR`);
    noSecrets(result.renewCommand);
  });

  it('refuses --client-id without --instance-url, --my-domain or --target-org (NoEndpoint), before reading a secret', async () => {
    process.env.SF_CLIENT_SECRET = SECRET;
    const error = await failureOf(() => Login.run(['--client-id', KEY, '--json']));
    expect(error.name).to.equal('NoEndpointError');
    expect(error.message).to.equal(messages.getMessage('error.NoEndpoint'));
    expect(error.actions).to.deep.equal(messages.getMessages('error.NoEndpoint.actions'));
    expect(fx.endpoint.fake.requests).to.deep.equal([]);
    expect(storeCalls()).to.deep.equal([]);
  });

  it('uses a default target-org (from config) with --name, but not as the endpoint of --client-id', async () => {
    await $$.stubConfig({ 'target-org': testOrg.username });
    const result = await Login.run(['--name', APP, '--json']);
    expect(result).to.include({ username: RUN_AS, credentialsSource: 'org', tokenEndpoint: TOKEN_URL });
    // The renew command keeps relying on the default, as this login did.
    expect(withoutBin(result.renewCommand)).to.equal(`eca clientcreds login --name ${APP}`);

    process.env.SF_CLIENT_SECRET = SECRET;
    const requests = fx.endpoint.fake.requests.length;
    const error = await failureOf(() => Login.run(['--client-id', KEY, '--json']));
    expect(error.name).to.equal('NoEndpointError');
    expect(fx.endpoint.fake.requests).to.have.length(requests);
  });

  it('refuses --instance-url with --my-domain as a flag error (exit 2)', async () => {
    process.env.SF_CLIENT_SECRET = SECRET;
    const error = await failureOf(() => Login.run(['--client-id', KEY, '--instance-url', INSTANCE, '--my-domain', 'acme']));
    expect(error.exitCode).to.equal(2);
    expect(fx.endpoint.fake.requests).to.deep.equal([]);
  });

  it('asks for credentials when an org is given without --name or --client-id', async () => {
    const error = await failureOf(() => Login.run(['--target-org', testOrg.username, '--json']));
    expect(error.name).to.equal('NoCredentialsError');
    expect(error.message).to.equal(messages.getMessage('error.NoCredentials'));
    expect(fx.api.calls).to.deep.equal([]);
    expect(fx.endpoint.fake.requests).to.deep.equal([]);
  });

  for (const mode of [['--json'], ['--no-prompt']]) {
    it(`never prompts with ${mode[0]}: MissingSecret names the variable, nothing is sent or stored`, async () => {
      const prompter = stubPrompter($$.SANDBOX);
      const error = await failureOf(() => Login.run(['--client-id', KEY, '--instance-url', INSTANCE, '--client-secret-env', 'MY_SECRET_VAR', ...mode]));
      expect(error.name).to.equal('MissingSecretError');
      expect(error.message).to.equal(messages.getMessage('error.MissingSecret', ['MY_SECRET_VAR']));
      expect(prompter.secret.called).to.equal(false);
      expect(fx.endpoint.fake.requests).to.deep.equal([]);
      expect(storeCalls()).to.deep.equal([]);
    });
  }

  for (const envName of ['', '1X', 'A B']) {
    it(`never falls back to SF_CLIENT_SECRET for --client-secret-env "${envName}": refused, nothing sent or stored`, async () => {
      process.env.SF_CLIENT_SECRET = SECRET;
      const prompter = stubPrompter($$.SANDBOX);
      const error = await failureOf(() =>
        Login.run(['--client-id', KEY, '--instance-url', INSTANCE, '--client-secret-env', envName, '--no-prompt'])
      );
      expect(error.exitCode).to.be.oneOf([1, 2]);
      expect(prompter.secret.called).to.equal(false);
      expect(fx.endpoint.fake.requests).to.deep.equal([]);
      expect(storeCalls()).to.deep.equal([]);
    });
  }

  it('passes the diagnosis of a refused secret through, the secret redacted, and stores nothing', async () => {
    process.env.SF_CLIENT_SECRET = SECRET;
    fx.endpoint.refuse = { error: 'invalid_client', description: `invalid client credentials ${SECRET}` };
    const error = await failureOf(() => Login.run(['--client-id', KEY, '--instance-url', INSTANCE, '--json']));
    expect(error.name).to.equal('WrongSecretError');
    expect(error.exitCode).to.equal(1);
    noSecrets([error.message, ...(error.actions ?? []), JSON.stringify(error.data)].join('\n'));
    expect(storeCalls()).to.deep.equal([]);
  });

  it('stores nothing when the token runs as another user than the app’s Run As user, and revokes that token', async () => {
    fx.endpoint.runAs = 'someone.else@acme.com';
    const error = await failureOf(() => Login.run(['--name', APP, '--target-org', testOrg.username, '--json']));
    expect(error.name).to.equal('WrongRunAsUserError');
    expect(storeCalls()).to.deep.equal([]);
    expect(fx.endpoint.requested('/services/oauth2/revoke')).to.equal(true);
  });

  it('passes --run-as-username through as the user the token must run as', async () => {
    const error = await failureOf(() =>
      Login.run(['--name', APP, '--target-org', testOrg.username, '--run-as-username', 'other.user@acme.com', '--json'])
    );
    expect(error.name).to.equal('WrongRunAsUserError');
    expect(error.message).to.include('other.user@acme.com');
    expect(storeCalls()).to.deep.equal([]);
  });

  it('refuses a stored login the org identifies as someone else, naming the logout', async () => {
    storedUsername = 'someone.else@acme.com';
    const error = await failureOf(() => Login.run(['--name', APP, '--target-org', testOrg.username, '--json']));
    expect(error.name).to.equal('StoredUserDiffersError');
    expect(error.message).to.equal(messages.getMessage('error.StoredUserDiffers', ['someone.else@acme.com', RUN_AS]));
    expect(error.actions?.[0]).to.equal(messages.getMessages('error.StoredUserDiffers.actions', ['someone.else@acme.com'])[0]);
  });

  it('passes an error of the storage through with the secret and the token it echoes redacted', async () => {
    process.env.SF_CLIENT_SECRET = SECRET;
    stored.save.rejects(new Error(`cannot write the authorization of ${TOKEN} (client secret ${SECRET})`));
    const error = await failureOf(() => Login.run(['--client-id', KEY, '--instance-url', INSTANCE, '--json']));
    expect(error.exitCode).to.equal(1);
    expect(error.message).to.equal(`cannot write the authorization of ${REDACTED} (client secret ${REDACTED})`);
    noSecrets([error.message, error.stack ?? '', JSON.stringify(error.data ?? {})].join('\n'));
  });
});
