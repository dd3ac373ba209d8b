/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Messages } from '@salesforce/core';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import Credentials from '../../../../src/commands/eca/clientcreds/credentials.js';
import { REDACTED } from '../../../../src/security/redact.js';
import {
  API_VERSION,
  APP,
  APP_ID,
  CONSUMER_ID,
  type CommandFixture,
  INSTANCE,
  KEY,
  ORG_ID,
  RUN_AS,
  SECRET,
  TOKEN_URL,
  failureOf,
  setUpCommand,
  tableOf,
} from './commandFixtures.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.credentials');
const handoverMessages = Messages.loadMessages('plugin-eca-clientcreds', 'handover');

/** Every field an integration is handed, without the secret. */
const FIELDS = {
  appName: APP,
  appId: APP_ID,
  consumerId: CONSUMER_ID,
  clientId: KEY,
  myDomainHost: 'acme.my.salesforce.com',
  myDomainName: 'acme',
  instanceUrl: INSTANCE,
  tokenUrl: TOKEN_URL,
  runAsUsername: RUN_AS,
  orgId: ORG_ID,
  apiVersion: API_VERSION,
};

/**
 * The command with TestContext: the app's consumer in Connect REST (through $$.fakeConnectionRequest), its OAuth
 * policy through the Metadata API (stubbed), output files in a temporary folder outside any git work tree.
 */
describe('eca clientcreds credentials (command)', () => {
  const $$ = new TestContext();
  const testOrg = new MockTestOrgData();
  let fx: CommandFixture;
  let dir: string;
  let target: string[];

  beforeEach(async () => {
    fx = await setUpCommand($$, testOrg);
    dir = await mkdtemp(join(tmpdir(), 'credentials-command-'));
    target = ['--name', APP, '--target-org', testOrg.username];
  });

  afterEach(async () => {
    $$.restore();
    await rm(dir, { recursive: true, force: true });
  });

  const secretReads = (): string[] => fx.api.calls.filter((c) => c.includes('part=keyandsecret'));

  it('without --output-file or --show-secret returns every field but the secret, which is not even read', async () => {
    const result = await Credentials.run([...target, '--json']);
    expect(Object.keys(result).sort()).to.deep.equal(['appName', 'credentials', 'format', 'secretShown', 'secretWritten']);
    expect(result).to.deep.include({ appName: APP, format: 'json', secretWritten: false, secretShown: false });
    expect(result.credentials).to.deep.equal(FIELDS);
    expect(secretReads()).to.deep.equal([]);
    expect(fx.ux.warn.called).to.equal(false);
  });

  it('shows a table of the fields, with where the secret is not', async () => {
    await Credentials.run(target);
    const table = tableOf(fx.ux);
    expect(table.columns.map((c) => c.name)).to.deep.equal([messages.getMessage('label.field'), messages.getMessage('label.value')]);
    expect(table.data[4]).to.deep.equal({ key: messages.getMessage('label.clientSecret'), value: messages.getMessage('value.secretNotShown') });
    expect(table.data.filter((row) => row.key !== messages.getMessage('label.clientSecret'))).to.deep.equal(
      Object.entries(FIELDS).map(([key, value]) => ({ key, value }))
    );
    expect(fx.ux.logSuccess.called).to.equal(false);
  });

  it('--output-file writes the hand-over with the secret (mode 0600) and keeps the secret out of the result and the output', async () => {
    const path = join(dir, 'handover.json');
    const result = await Credentials.run([...target, '--output-file', path, '--json']);
    expect(result).to.deep.include({ outputFile: path, replacedFile: false, secretWritten: true, secretShown: false });
    expect(result.credentials).to.deep.equal(FIELDS);
    expect(JSON.stringify(result)).to.not.include(SECRET);
    expect(JSON.parse(await readFile(path, 'utf8'))).to.deep.equal({ ...FIELDS, clientSecret: SECRET });
    expect((await stat(path)).mode & 0o777).to.equal(0o600);
    expect(secretReads()).to.have.length(1);
    expect(tableOf(fx.ux).data[4]).to.deep.equal({
      key: messages.getMessage('label.clientSecret'),
      value: messages.getMessage('value.secretInFile', [path]),
    });
    expect(fx.shown(fx.ux.logSuccess)).to.deep.equal([messages.getMessage('info.wroteFile', ['json', path])]);
    expect(fx.output()).to.not.include(SECRET);
  });

  it('never writes over an existing file without --force, and refuses before reading anything; --force replaces it', async () => {
    const path = join(dir, 'handover.env');
    await writeFile(path, 'OLD=1\n');
    const error = await failureOf(() => Credentials.run([...target, '--format', 'env', '--output-file', path]));
    expect(error.name).to.equal('FileExistsError');
    expect(error.exitCode).to.equal(1);
    expect(fx.api.calls).to.deep.equal([]);
    expect(await readFile(path, 'utf8')).to.equal('OLD=1\n');

    const result = await Credentials.run([...target, '--format', 'env', '--output-file', path, '--force']);
    expect(result).to.include({ format: 'env', replacedFile: true, secretWritten: true });
    expect(await readFile(path, 'utf8')).to.include(`SALESFORCE_CLIENT_SECRET=${SECRET}\n`).and.to.include(`SALESFORCE_CLIENT_ID=${KEY}\n`);
    expect((await stat(path)).mode & 0o777).to.equal(0o600);
    expect(fx.shown(fx.ux.log)).to.include(messages.getMessage('info.replacedFile', [path]));
    expect(fx.output()).to.not.include(SECRET);
  });

  it('refuses --force without --output-file as a flag error (exit 2), before any request', async () => {
    const error = await failureOf(() => Credentials.run([...target, '--force']));
    expect(error.exitCode).to.equal(2);
    expect(error.message).to.include('--output-file');
    expect(fx.api.calls).to.deep.equal([]);
  });

  it('refuses an unknown --format as a flag error (exit 2)', async () => {
    const error = await failureOf(() => Credentials.run([...target, '--format', 'yaml']));
    expect(error.exitCode).to.equal(2);
    expect(fx.api.calls).to.deep.equal([]);
  });

  it('--show-secret prints the format with the secret after a warning, and returns the secret in --json', async () => {
    const result = await Credentials.run([...target, '--format', 'aws-secretsmanager', '--show-secret']);
    expect(fx.shown(fx.ux.warn)).to.deep.equal([handoverMessages.getMessage('warning.ShowSecret')]);
    expect(result).to.include({ secretShown: true, secretWritten: false });
    expect(result.credentials.clientSecret).to.equal(SECRET);
    expect(result).to.not.have.property('shown');
    const logged = fx.shown(fx.ux.log);
    const heading = logged.indexOf(messages.getMessage('info.shown', ['aws-secretsmanager']));
    expect(heading).to.be.greaterThan(-1);
    expect(JSON.parse(logged[heading + 1])).to.deep.equal({
      consumerKey: KEY,
      consumerSecret: SECRET,
      baseUri: INSTANCE,
      appId: APP_ID,
      consumerId: CONSUMER_ID,
    });
    // The table never holds the secret: it is only in the block the user asked for.
    expect(JSON.stringify(tableOf(fx.ux).data)).to.not.include(SECRET);
  });

  it('warns when the app has several OAuth consumers, and hands over the first', async () => {
    fx.api.consumerCount = 2;
    const result = await Credentials.run(target);
    expect(fx.shown(fx.ux.warn)).to.deep.equal([messages.getMessage('warning.ManyConsumers', ['2', CONSUMER_ID])]);
    expect(result.credentials.consumerId).to.equal(CONSUMER_ID);
  });

  it('warns, with the secret redacted, when the org answers the Run As policy read with an error that echoes the secret', async () => {
    fx.policy.error = new Error(`readMetadata refused (request had client_secret=${SECRET})`);
    const result = await Credentials.run([...target, '--output-file', join(dir, 'h.json'), '--json']);
    expect(result.credentials).to.not.have.property('runAsUsername');
    expect(fx.shown(fx.ux.warn)).to.deep.equal([
      messages.getMessage('warning.RunAsUnknown', [`readMetadata refused (request had client_secret=${REDACTED})`]),
    ]);
    expect(fx.output()).to.not.include(SECRET);
  });

  it('passes an org refusal to return the secret through as an exit-1 error naming the setting, and writes nothing', async () => {
    fx.api.failures.push({
      match: /part=keyandsecret/,
      error: Object.assign(new Error('Access to External Client App consumer secrets via the REST API is not currently enabled for this org.'), {
        name: 'FUNCTIONALITY_NOT_ENABLED',
        errorCode: 'FUNCTIONALITY_NOT_ENABLED',
      }),
    });
    const path = join(dir, 'h.json');
    const error = await failureOf(() => Credentials.run([...target, '--output-file', path, '--json']));
    expect(error.name).to.equal('SecretApiSettingOffError');
    expect(error.exitCode).to.equal(1);
    expect(await stat(path).then(() => true, () => false)).to.equal(false);
  });
});
