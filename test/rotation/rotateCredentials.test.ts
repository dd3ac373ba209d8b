/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { SfError } from '@salesforce/core';
import { expect } from 'chai';
import type { ConsumerCredentials, ConsumerRef, StagedCredentials } from '../../src/orgCredentials/consumerCredentials.js';
import type { TokenOutcome } from '../../src/oauth/tokenClient.js';
import {
  type RotationDeps,
  type RotationInput,
  type RotationOrg,
  type RotationResult,
  RotationError,
  rotateCredentials,
} from '../../src/rotation/rotateCredentials.js';
import { SecretRedactor } from '../../src/security/redact.js';

/**
 * The rotation against an in-memory org that behaves as the reference describes (section 8): one staged slot,
 * promotion moves the previous primary into the slot as Rotated, deletion revokes. The token endpoint is a function
 * of that state with switches for the unverified answers.
 */

type Pair = { key: string; secret: string };

class FakeOrg implements RotationOrg {
  public primary: Pair = { key: 'KEY0', secret: 'SECRET0' };
  public slot: Array<StagedCredentials & { secretRefused?: boolean }> = [];
  public calls: string[] = [];
  public failPromote = false;
  public failDelete = false;
  public readonly ref: ConsumerRef = { appName: 'My_App', appId: '0xI1', consumerId: '8881', consumerKey: 'KEY0', consumerCount: 1 };
  /** A staged secret marked refused stays refused once it is the primary. */
  public refusedAfterPromotion?: string;
  private count = 0;

  public locateConsumer(): Promise<ConsumerRef> {
    this.calls.push('locate');
    return Promise.resolve({ ...this.ref, consumerKey: this.primary.key });
  }
  public readPrimaryPair(): Promise<ConsumerCredentials> {
    this.calls.push('readPrimary');
    return Promise.resolve({ appId: '0xI1', consumerId: '8881', consumerKey: this.primary.key, consumerSecret: this.primary.secret, consumerCount: 1 });
  }
  public readStaged(): Promise<StagedCredentials[]> {
    this.calls.push('readStaged');
    return Promise.resolve(this.slot.map((s) => ({ ...s })));
  }
  public stage(): Promise<StagedCredentials> {
    this.calls.push('stage');
    if (this.slot.length > 0) return Promise.reject(new Error('already staged'));
    this.count++;
    const staged = { id: `0xS${this.count}`, consumerKey: `KEY${this.count}`, consumerSecret: `SECRET${this.count}`, state: 'Active', expirationDate: '2027-01-31T00:00:00.000Z' };
    this.slot.push(staged);
    return Promise.resolve({ ...staged });
  }
  public promote(consumer: ConsumerRef, stagedId: string): Promise<void> {
    this.calls.push(`promote ${stagedId}`);
    if (this.failPromote) return Promise.reject(new SfError('boom', 'CredentialsChangeFailedError'));
    const staged = this.slot.find((s) => s.id === stagedId && s.state === 'Active');
    if (!staged) return Promise.reject(new Error('not staged'));
    const previous = this.primary;
    this.primary = { key: staged.consumerKey, secret: staged.consumerSecret };
    Object.assign(staged, { consumerKey: previous.key, consumerSecret: previous.secret, state: 'Rotated', expirationDate: '2027-02-28T00:00:00.000Z' });
    this.refusedAfterPromotion = staged.secretRefused ? this.primary.secret : undefined;
    staged.secretRefused = false;
    return Promise.resolve();
  }
  public deleteStaged(consumer: ConsumerRef, stagedId: string): Promise<void> {
    this.calls.push(`delete ${stagedId}`);
    if (this.failDelete) return Promise.reject(new Error('delete failed'));
    this.slot = this.slot.filter((s) => s.id !== stagedId);
    return Promise.resolve();
  }
}

type Switches = { stagedWorks: boolean; previousStillAccepted?: boolean; wrongUser?: boolean };

function tokenEndpoint(org: FakeOrg, switches: Switches): (pair: { clientId: string; clientSecret: string }) => TokenOutcome {
  return (pair: { clientId: string; clientSecret: string }): TokenOutcome => {
    const error = (code: string): TokenOutcome => ({ outcome: 'oauth-error', status: 400, error: code });
    const token: TokenOutcome = { outcome: 'token', status: 200, accessToken: '00D000000000001!TOKEN', instanceUrl: 'https://x', id: 'x', tokenType: 'Bearer', scopes: ['api'] };
    if (pair.clientId === org.primary.key) {
      return pair.clientSecret === org.primary.secret && pair.clientSecret !== org.refusedAfterPromotion ? token : error('invalid_client');
    }
    const staged = org.slot.find((s) => s.consumerKey === pair.clientId);
    if (!staged) return switches.previousStillAccepted ? token : error('invalid_client_id');
    if (staged.state === 'Active' && !switches.stagedWorks) return error('invalid_client_id');
    return staged.secretRefused === true || pair.clientSecret !== staged.consumerSecret ? error('invalid_client') : token;
  };
}

type Setup = {
  org: FakeOrg;
  deps: RotationDeps;
  proofs: string[];
  handedOver: ConsumerCredentials[];
  run: () => Promise<RotationResult>;
};

function setup(switches: Switches, input: Partial<RotationInput> = {}): Setup {
  const org = new FakeOrg();
  const endpoint = tokenEndpoint(org, switches);
  const proofs: string[] = [];
  const handedOver: ConsumerCredentials[] = [];
  const deps: RotationDeps = {
    org,
    redactor: new SecretRedactor(),
    probe: (pair) => Promise.resolve(endpoint(pair)),
    prove: (pair) => {
      proofs.push(pair.clientId);
      const answer = endpoint(pair);
      if (answer.outcome !== 'token') return Promise.reject(new SfError(`refused: ${answer.outcome === 'oauth-error' ? answer.error ?? '' : ''}`, 'WrongSecretError'));
      if (switches.wrongUser) return Promise.reject(new SfError('wrong user', 'WrongRunAsUserError'));
      return Promise.resolve({ runAsUsername: 'integration@acme.com' });
    },
    revokeToken: () => Promise.resolve(),
    handOver: (pair) => {
      handedOver.push(pair);
      return Promise.resolve();
    },
  };
  const run = (): Promise<RotationResult> =>
    rotateCredentials({ appName: 'My_App', revokePrevious: false, dryRun: false, waitMs: 0, ...input }, deps);
  return { org, deps, proofs, handedOver, run };
}

async function failure(promise: Promise<unknown>): Promise<RotationError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(RotationError);
    return error as RotationError;
  }
  throw new Error('expected a failure');
}

const statuses = (result: RotationResult): string[] => result.steps.map((s) => `${s.step}:${s.status}`);

describe('rotation/rotateCredentials', () => {
  it('proves the staged pair before promotion when the org gives it a token', async () => {
    const { org, proofs, handedOver, run } = setup({ stagedWorks: true });
    const result = await run();
    expect(result).to.include({ credentialState: 'rotated', provedWith: 'staged-pair', clientId: 'KEY1', previousClientId: 'KEY0' });
    expect(result.previousValidUntil).to.equal('2027-02-28T00:00:00.000Z');
    expect(proofs).to.deep.equal(['KEY1']);
    expect(statuses(result)).to.deep.equal(['stage:done', 'prove-staged:done', 'promote:done', 'prove-primary:skipped', 'hand-over:done']);
    expect(handedOver.map((p) => p.consumerKey)).to.deep.equal(['KEY1']);
    expect(org.slot.map((s) => [s.consumerKey, s.state])).to.deep.equal([['KEY0', 'Rotated']]);
  });

  it('proves right after promotion when the org does not know the staged key yet', async () => {
    const { proofs, run } = setup({ stagedWorks: false });
    const result = await run();
    expect(result).to.include({ provedWith: 'new-primary', credentialState: 'rotated' });
    expect(proofs).to.deep.equal(['KEY1']);
    expect(statuses(result)).to.deep.equal(['stage:done', 'prove-staged:skipped', 'promote:done', 'prove-primary:done', 'hand-over:done']);
  });

  it('deletes a staged pair whose secret is refused; the primary is untouched', async () => {
    const { org, handedOver, run } = setup({ stagedWorks: true });
    const originalStage = org.stage.bind(org);
    org.stage = async (): Promise<StagedCredentials> => {
      const staged = await originalStage();
      org.slot[0].secretRefused = true;
      return staged;
    };
    const error = await failure(run());
    expect(error.name).to.equal('StagedPairRefusedError');
    expect(error.credentialState).to.equal('unchanged');
    expect(error.message).to.include('unchanged and still work');
    expect(org.slot).to.deep.equal([]);
    expect(org.primary.key).to.equal('KEY0');
    expect(org.calls).to.not.include('promote 0xS1');
    expect(handedOver).to.deep.equal([]);
  });

  it('deletes a staged pair that runs as the wrong user', async () => {
    const { org, run } = setup({ stagedWorks: true, wrongUser: true });
    const error = await failure(run());
    expect(error.name).to.equal('WrongRunAsUserError');
    expect(error.credentialState).to.equal('unchanged');
    expect(org.slot).to.deep.equal([]);
  });

  it('says the staged pair is still there when it cannot be deleted', async () => {
    const { org, run } = setup({ stagedWorks: true, wrongUser: true });
    org.failDelete = true;
    const error = await failure(run());
    expect(error.credentialState).to.equal('staged');
    expect(error.actions?.[0]).to.include('Setup');
  });

  it('never revokes the previous pair when the new primary fails, and says until when it works', async () => {
    const { org, run } = setup({ stagedWorks: false }, { revokePrevious: true });
    const originalStage = org.stage.bind(org);
    org.stage = async (): Promise<StagedCredentials> => {
      const staged = await originalStage();
      org.slot[0].secretRefused = true;
      return staged;
    };
    const error = await failure(run());
    expect(error.credentialState).to.equal('rotated');
    expect(error.message).to.include('NOT revoked').and.to.include('KEY0').and.to.include('2027-02-28T00:00:00.000Z');
    expect(org.calls.filter((c) => c.startsWith('delete'))).to.deep.equal([]);
    expect(org.slot.map((s) => s.state)).to.deep.equal(['Rotated']);
  });

  it('a failed promotion leaves the pair staged and says to rerun', async () => {
    const { org, run } = setup({ stagedWorks: false });
    org.failPromote = true;
    const error = await failure(run());
    expect(error.credentialState).to.equal('staged');
    expect(error.actions?.[0]).to.include('sf eca clientcreds rotate --name My_App');
    expect(org.primary.key).to.equal('KEY0');
  });

  it('continues with the staged pair an interrupted run left', async () => {
    const { org, run } = setup({ stagedWorks: false });
    await org.stage();
    org.calls.length = 0;
    const result = await run();
    expect(result).to.include({ resumed: true, clientId: 'KEY1', credentialState: 'rotated' });
    expect(org.calls).to.not.include('stage');
  });

  it('revokes the previous pair in the same run and proves it is refused', async () => {
    const { org, run } = setup({ stagedWorks: true }, { revokePrevious: true });
    const result = await run();
    expect(result).to.include({ credentialState: 'rotated-previous-revoked', previousRevoked: true });
    expect(statuses(result).slice(-2)).to.deep.equal(['revoke-previous:done', 'prove-revoked:done']);
    expect(org.slot).to.deep.equal([]);
  });

  it('reports a previous pair the token endpoint still accepts after deletion', async () => {
    const { run } = setup({ stagedWorks: true, previousStillAccepted: true }, { revokePrevious: true });
    const error = await failure(run());
    expect(error.name).to.equal('PreviousStillAcceptedError');
    expect(error.credentialState).to.equal('rotated-previous-revoked');
  });

  it('with a Rotated pair left: refuses a new rotation without --revoke-previous, naming both next steps', async () => {
    const first = setup({ stagedWorks: true });
    await first.run();
    const error = await failure(first.run());
    expect(error.name).to.equal('PreviousPairStillValidError');
    expect(error.credentialState).to.equal('rotated');
    expect(error.actions?.join('\n')).to.include('credentials').and.to.include('--revoke-previous');
  });

  it('a later --revoke-previous run proves the current pair, revokes the previous one and rotates nothing', async () => {
    const { org, run, deps, proofs } = setup({ stagedWorks: true });
    await run();
    const result = await rotateCredentials({ appName: 'My_App', revokePrevious: true, dryRun: false, waitMs: 0 }, deps);
    expect(result).to.include({ credentialState: 'previous-revoked', previousRevoked: true, clientId: 'KEY1', provedWith: 'current-primary' });
    expect(proofs).to.deep.equal(['KEY1', 'KEY1']);
    expect(org.slot).to.deep.equal([]);
    expect(org.calls.filter((c) => c === 'stage')).to.have.length(1);
  });

  it('--dry-run only plans', async () => {
    const { org, run } = setup({ stagedWorks: true }, { dryRun: true, revokePrevious: true });
    const result = await run();
    expect(result.steps.every((s) => s.status === 'planned')).to.equal(true);
    expect(result.steps).to.have.length(7);
    expect(org.calls).to.deep.equal(['locate', 'readStaged']);
  });

  it('keeps every secret out of the result and the error data', async () => {
    const { run, deps } = setup({ stagedWorks: true }, { revokePrevious: true });
    const result = await run();
    expect(JSON.stringify(result)).to.not.match(/SECRET\d/);
    const second = setup({ stagedWorks: true, wrongUser: true });
    const error = await failure(second.run());
    expect(JSON.stringify(error.data)).to.not.match(/SECRET\d/);
    expect(deps.redactor.redact('SECRET0 SECRET1')).to.equal('<redacted> <redacted>');
  });
});
