/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Messages, SfError } from '@salesforce/core';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import Rotate from '../../../../src/commands/eca/clientcreds/rotate.js';
import { REDACTED } from '../../../../src/security/redact.js';
import {
  APP,
  CONSUMER_ID,
  type CommandFixture,
  FakeCredentialsApi,
  KEY,
  PREVIOUS_VALID_UNTIL,
  RUN_AS,
  SECRET,
  TOKEN,
  failureOf,
  setUpCommand,
  tableOf,
} from './commandFixtures.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.rotate');
const rotationMessages = Messages.loadMessages('plugin-eca-clientcreds', 'rotation');
const handoverMessages = Messages.loadMessages('plugin-eca-clientcreds', 'handover');

/** The pair the first staging creates. */
const NEW = FakeCredentialsApi.stagedPair(1);

/**
 * The command with TestContext: the app's consumer in Connect REST (an in-memory staged slot answering
 * $$.fakeConnectionRequest), its token endpoint on a fake fetch (tokens for the pairs the org knows), its OAuth policy
 * through the Metadata API (stubbed). The rotation's own states are covered in test/rotation/rotateCredentials.test.ts;
 * these cover what the command adds: flags passed through, the hand-over, what is shown, and errors redacted.
 */
describe('eca clientcreds rotate (command)', () => {
  const $$ = new TestContext();
  const testOrg = new MockTestOrgData();
  let fx: CommandFixture;
  let dir: string;
  let target: string[];

  beforeEach(async () => {
    fx = await setUpCommand($$, testOrg);
    dir = await mkdtemp(join(tmpdir(), 'rotate-command-'));
    target = ['--name', APP, '--target-org', testOrg.username];
  });

  afterEach(async () => {
    $$.restore();
    await rm(dir, { recursive: true, force: true });
  });

  const stepsOf = (result: { steps: Array<{ step: string; status: string }> }): string[] => result.steps.map((s) => `${s.step} ${s.status}`);
  const noSecrets = (text: string): void => {
    expect(text).to.not.include(SECRET).and.to.not.include(NEW.secret).and.to.not.include(TOKEN);
  };

  it('rotates with proof, and says how to hand the new pair over and when to revoke the previous one', async () => {
    const result = await Rotate.run([...target, '--json']);
    expect(result).to.deep.include({
      appName: APP,
      consumerId: CONSUMER_ID,
      dryRun: false,
      resumed: false,
      credentialState: 'rotated',
      clientId: NEW.key,
      previousClientId: KEY,
      previousValidUntil: PREVIOUS_VALID_UNTIL,
      previousRevoked: false,
      provedWith: 'staged-pair',
      runAsUsername: RUN_AS,
    });
    expect(stepsOf(result)).to.deep.equal(['stage done', 'prove-staged done', 'promote done', 'prove-primary skipped', 'hand-over done']);
    expect(fx.api.primary).to.deep.equal(NEW);
    expect(fx.api.changes.map((c) => c.split(' ')[0])).to.deep.equal(['POST', 'PATCH']);
    // The proof used the staged pair; nothing was done with the previous pair, which keeps working.
    expect(fx.endpoint.tokenRequests.every((p) => p.key === NEW.key)).to.equal(true);
    expect(result.handover).to.deep.include({ format: 'json', secretWritten: false, secretShown: false });
    expect(result.handover?.credentials).to.deep.include({ clientId: NEW.key, runAsUsername: RUN_AS });
    expect(result.handover?.credentials).to.not.have.property('clientSecret');
    noSecrets(JSON.stringify(result));
    noSecrets(fx.output());
  });

  it('shows the steps, the next hand-over, until when the previous pair works, and the new key', async () => {
    await Rotate.run(target);
    const table = tableOf(fx.ux);
    expect(table.columns.map((c) => c.name)).to.deep.equal(['label.step', 'label.status', 'label.detail'].map((k) => messages.getMessage(k)));
    expect(table.data.map((row) => row.step)).to.deep.equal(
      ['stage', 'prove-staged', 'promote', 'prove-primary', 'hand-over'].map((s) => messages.getMessage(`step.${s}`))
    );
    expect(table.data[1]).to.deep.include({ status: 'done', detail: RUN_AS });
    expect(fx.shown(fx.ux.log)).to.deep.equal([
      messages.getMessage('info.nextHandOver', [APP]),
      messages.getMessage('info.previousValid', [KEY, PREVIOUS_VALID_UNTIL, APP]),
    ]);
    expect(fx.shown(fx.ux.logSuccess)).to.deep.equal([messages.getMessage('success.rotated', [APP, NEW.key, RUN_AS])]);
    expect(fx.ux.warn.called).to.equal(false);
  });

  it('writes the new pair to --output-file in --format (mode 0600), and shows neither secret', async () => {
    const path = join(dir, 'pair.env');
    const result = await Rotate.run([...target, '--format', 'env', '--output-file', path]);
    expect(result.handover).to.deep.include({ format: 'env', outputFile: path, secretWritten: true, secretShown: false });
    const content = await readFile(path, 'utf8');
    expect(content).to.include(`SALESFORCE_CLIENT_ID=${NEW.key}\n`).and.to.include(`SALESFORCE_CLIENT_SECRET=${NEW.secret}\n`);
    expect(content).to.not.include(SECRET);
    expect((await stat(path)).mode & 0o777).to.equal(0o600);
    expect(fx.shown(fx.ux.log)).to.include(messages.getMessage('info.wroteFile', ['env', path]));
    expect(fx.shown(fx.ux.log)).to.not.include(messages.getMessage('info.nextHandOver', [APP]));
    noSecrets(JSON.stringify(result));
    noSecrets(fx.output());
  });

  it('--show-secret warns first, prints the new pair and returns its secret, never the previous one', async () => {
    const result = await Rotate.run([...target, '--show-secret']);
    expect(fx.shown(fx.ux.warn)).to.deep.equal([handoverMessages.getMessage('warning.ShowSecret')]);
    expect(fx.ux.warn.calledBefore(fx.ux.table)).to.equal(true);
    expect(result.handover?.credentials.clientSecret).to.equal(NEW.secret);
    // The printed block is not repeated in --json.
    expect((result.handover as { shown?: string } | undefined)?.shown).to.equal(undefined);
    const logged = fx.shown(fx.ux.log);
    const heading = logged.indexOf(messages.getMessage('info.shown', ['json']));
    expect(JSON.parse(logged[heading + 1])).to.deep.include({ clientId: NEW.key, clientSecret: NEW.secret });
    expect(logged).to.not.include(messages.getMessage('info.nextHandOver', [APP]));
    expect(JSON.stringify(result) + fx.output()).to.not.include(SECRET);
  });

  it('--dry-run (with --revoke-previous) only lists the planned steps: nothing changes and no token is asked for', async () => {
    const result = await Rotate.run([...target, '--dry-run', '--revoke-previous']);
    expect(result).to.include({ dryRun: true, credentialState: 'unchanged', previousRevoked: false });
    expect(stepsOf(result)).to.deep.equal([
      'stage planned',
      'prove-staged planned',
      'promote planned',
      'prove-primary planned',
      'hand-over planned',
      'revoke-previous planned',
      'prove-revoked planned',
    ]);
    expect(fx.api.changes).to.deep.equal([]);
    expect(fx.api.calls.some((c) => c.includes('part=keyandsecret'))).to.equal(false);
    expect(fx.endpoint.fake.requests).to.deep.equal([]);
    expect(fx.shown(fx.ux.log)).to.deep.equal([messages.getMessage('info.dryRun')]);
    expect(fx.ux.logSuccess.called).to.equal(false);
  });

  it('--revoke-previous in the same run deletes the previous pair and proves the org refuses it', async () => {
    const result = await Rotate.run([...target, '--revoke-previous']);
    expect(result).to.include({ credentialState: 'rotated-previous-revoked', previousRevoked: true });
    expect(stepsOf(result).slice(-2)).to.deep.equal(['revoke-previous done', 'prove-revoked done']);
    expect(fx.api.slot).to.deep.equal([]);
    expect(fx.api.changes.map((c) => c.split(' ')[0])).to.deep.equal(['POST', 'PATCH', 'DELETE']);
    // The refusal was proven with the previous pair itself.
    expect(fx.endpoint.tokenRequests.at(-1)).to.deep.equal({ key: KEY, secret: SECRET });
    expect(fx.shown(fx.ux.logSuccess)).to.deep.equal([messages.getMessage('success.rotatedRevoked', [APP, NEW.key, RUN_AS])]);
    expect(fx.shown(fx.ux.log)).to.not.include(messages.getMessage('info.previousValid', [KEY, PREVIOUS_VALID_UNTIL, APP]));
    noSecrets(fx.output());
  });

  it('--revoke-previous in a later run proves the current pair, revokes the previous one, and rotates nothing', async () => {
    await Rotate.run(target);
    fx.ux.logSuccess.resetHistory();
    const changes = fx.api.changes.length;
    const result = await Rotate.run([...target, '--revoke-previous']);
    expect(result).to.include({ credentialState: 'previous-revoked', previousRevoked: true, clientId: NEW.key, previousClientId: KEY });
    expect(result.provedWith).to.equal('current-primary');
    expect(stepsOf(result)).to.deep.equal(['prove-primary done', 'revoke-previous done', 'prove-revoked done']);
    expect(result).to.not.have.property('handover');
    expect(fx.api.changes.slice(changes).map((c) => c.split(' ')[0])).to.deep.equal(['DELETE']);
    expect(fx.shown(fx.ux.logSuccess)).to.deep.equal([messages.getMessage('success.previousRevoked', [APP, KEY, NEW.key, RUN_AS])]);
    noSecrets(fx.output());
  });

  it('refuses to rotate again while the previous pair of an earlier rotation is still valid, saying what to run', async () => {
    await Rotate.run(target);
    const error = await failureOf(() => Rotate.run([...target, '--json']));
    expect(error.name).to.equal('PreviousPairStillValidError');
    expect(error.data).to.deep.include({ credentialState: 'rotated' });
    expect(error.actions).to.deep.equal([
      rotationMessages.getMessage('next.handOver', [APP]),
      rotationMessages.getMessage('next.revokePrevious', [APP]),
    ]);
    expect(fx.api.primary).to.deep.equal(NEW);
  });

  it('warns when the app has several OAuth consumers (only the first is rotated)', async () => {
    fx.api.consumerCount = 3;
    await Rotate.run(target);
    expect(fx.shown(fx.ux.warn)).to.deep.equal([messages.getMessage('warning.ManyConsumers', ['3', CONSUMER_ID])]);
  });

  it('refuses --force without --output-file as a flag error (exit 2), before anything changes', async () => {
    const error = await failureOf(() => Rotate.run([...target, '--force']));
    expect(error.exitCode).to.equal(2);
    expect(fx.api.calls).to.deep.equal([]);
  });

  it('refuses an existing --output-file before anything changes in the org', async () => {
    const path = join(dir, 'pair.json');
    await writeFile(path, '{}');
    const error = await failureOf(() => Rotate.run([...target, '--output-file', path, '--json']));
    expect(error.name).to.equal('FileExistsError');
    expect(error.exitCode).to.equal(1);
    expect(fx.api.calls).to.deep.equal([]);
    expect(await readFile(path, 'utf8')).to.equal('{}');
  });

  it('passes a failed promotion through with the state and the next step, every secret in the org answer redacted', async () => {
    fx.api.failures.push({
      match: /^PATCH /,
      error: Object.assign(new SfError(`cannot rotate: staged ${NEW.secret} conflicts with primary ${SECRET}`, 'INVALID_OPERATION'), {
        errorCode: 'INVALID_OPERATION',
      }),
    });
    const error = await failureOf(() => Rotate.run([...target, '--json']));
    expect(error.name).to.equal('CredentialsChangeFailedError');
    expect(error.exitCode).to.equal(1);
    expect(error.message).to.include(`staged ${REDACTED} conflicts with primary ${REDACTED}`);
    expect(error.message).to.include(rotationMessages.getMessage('info.state', [rotationMessages.getMessage('state.staged')]));
    expect(error.actions?.[0]).to.equal(rotationMessages.getMessage('next.rerun', [APP]));
    expect(error.data).to.deep.include({ credentialState: 'staged', previousClientId: KEY });
    noSecrets([error.message, error.stack ?? '', ...(error.actions ?? []), JSON.stringify(error.data)].join('\n'));
    noSecrets(fx.output());
  });

  it('deletes a staged pair the org refuses, leaves the primary as it was, and reports the redacted answer', async () => {
    fx.endpoint.refuse = { error: 'invalid_client', description: `bad secret ${NEW.secret}` };
    const error = await failureOf(() => Rotate.run(target));
    expect(error.name).to.equal('StagedPairRefusedError');
    expect(error.exitCode).to.equal(1);
    expect(error.data).to.deep.include({ credentialState: 'unchanged' });
    expect(fx.api.primary).to.deep.equal({ key: KEY, secret: SECRET });
    expect(fx.api.slot).to.deep.equal([]);
    expect(fx.api.changes.map((c) => c.split(' ')[0])).to.deep.equal(['POST', 'DELETE']);
    noSecrets([error.message, JSON.stringify(error.data)].join('\n'));
  });

  it('passes an --api-version below 65.0 to the job, which refuses it before anything changes', async () => {
    const error = await failureOf(() => Rotate.run([...target, '--api-version', '64.0']));
    expect(error.name).to.equal('StagingNeedsApiVersionError');
    expect(fx.api.changes).to.deep.equal([]);
    expect(fx.api.calls.every((c) => c.startsWith('GET /services/data/v64.0/'))).to.equal(true);
  });
});
