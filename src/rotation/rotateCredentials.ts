/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages, SfError } from '@salesforce/core';
import type { ConsumerCredentials, ConsumerRef, StagedCredentials } from '../orgCredentials/consumerCredentials.js';
import type { OrgAccess } from '../orgCredentials/orgAccess.js';
import type { TokenOutcome } from '../oauth/tokenClient.js';
import type { SecretRedactor } from '../security/redact.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'rotation');

/**
 * Staged rotation of an app's consumer key and secret with proof (oauth-client-credentials.md section 8), never
 * leaving the integration without a working pair:
 *
 * stage (POST .../staged) -> prove -> promote (PATCH {"command":"rotate"}) -> hand over -> [revoke previous].
 *
 * - Proof = a token that runs as the Run As user (the `test` check). Whether a staged pair gets tokens before it is
 * promoted is unverified [U]: the staged pair is tried once; `invalid_client_id` (the key is not known yet) means
 * "not before promotion", so the proof runs right after promotion. Any other refusal of the staged pair (wrong
 * secret, wrong user...) deletes it: the primary is untouched and still works.
 * - After promotion the previous pair is `Rotated` and keeps working up to 30 days (section 8.3), so consumers can
 * switch. If the new primary fails its proof, the previous pair is never revoked.
 * - --revoke-previous deletes the `Rotated` pair (in this run after a successful rotation, or in a later run once
 * consumers have switched: then no new rotation happens) and proves the org refuses it.
 * - A run interrupted after staging finds the `Active` staged pair and continues with it; one interrupted after
 * promotion finds the `Rotated` pair and says how to hand over and revoke.
 * - Every failure says what state the app's credentials are in and what to run next (RotationError data).
 */

export type RotationStepName = 'stage' | 'prove-staged' | 'promote' | 'prove-primary' | 'hand-over' | 'revoke-previous' | 'prove-revoked';
export type RotationStepStatus = 'done' | 'skipped' | 'planned' | 'failed';
export type RotationStep = { step: RotationStepName; status: RotationStepStatus; detail?: string };

/** What the app's credentials are like when the run ends (also on failure). */
export type CredentialState =
  /** Nothing changed: the primary pair is as before (a staged pair that failed was deleted). */
  | 'unchanged'
  /** A staged pair waits to be promoted; the primary is as before. */
  | 'staged'
  /** The new pair is the primary; the previous pair still works until it is revoked or expires. */
  | 'rotated'
  /** The new pair is the primary; the previous pair was deleted. */
  | 'rotated-previous-revoked'
  /** The previous pair was revoked; the primary is unchanged (a --revoke-previous run without a new rotation). */
  | 'previous-revoked';

export type ProofResult = { runAsUsername?: string; orgId?: string };

export type RotationResult = {
  appName: string;
  appId: string;
  consumerId: string;
  /** How many OAuth consumers the app has; the first is rotated. */
  consumerCount: number;
  dryRun: boolean;
  /** Continued a rotation an earlier run left staged. */
  resumed: boolean;
  steps: RotationStep[];
  credentialState: CredentialState;
  /** The key in use after the run (the new key after a rotation). */
  clientId?: string;
  /** The previous key (its secret is never returned). */
  previousClientId?: string;
  /** Until when the previous pair keeps working, if the org says (ISO). */
  previousValidUntil?: string;
  previousRevoked: boolean;
  /** Which pair the proof used: the staged pair before promotion, or the new primary right after it. */
  provedWith?: 'staged-pair' | 'new-primary' | 'current-primary';
  runAsUsername?: string;
};

export type RotationInput = {
  appName: string;
  revokePrevious: boolean;
  dryRun: boolean;
  /** Minutes to keep retrying the proof of the new primary (propagation after a promotion). */
  waitMs: number;
};

export type RotationOrg = Pick<OrgAccess, 'locateConsumer' | 'readPrimaryPair' | 'readStaged' | 'stage' | 'promote' | 'deleteStaged'>;

export type RotationDeps = {
  org: RotationOrg;
  redactor: SecretRedactor;
  /** The full proof (`test`'s check): token, identity = Run As user, REST call; throws the diagnosis. */
  prove: (pair: { clientId: string; clientSecret: string }, waitMs: number) => Promise<ProofResult>;
  /** One token request, no retry; the caller revokes a token it gets. */
  probe: (pair: { clientId: string; clientSecret: string }) => Promise<TokenOutcome>;
  /** Revokes a probe's token (best effort). */
  revokeToken: (accessToken: string) => Promise<void>;
  /** Writes/shows the new pair (the hand-over options are checked before the run starts). */
  handOver: (pair: ConsumerCredentials) => Promise<void>;
  onStep?: (step: RotationStep) => void;
  log?: (message: string) => void;
};

/** An error carrying the credential state and the next command (in its message, actions and data). */
export class RotationError extends SfError {
  public constructor(
    cause: SfError | Error,
    public readonly credentialState: CredentialState,
    stateText: string,
    next: string[],
    result: RotationResult
  ) {
    super(
      `${cause.message}\n${messages.getMessage('info.state', [stateText])}`,
      cause instanceof SfError || cause.name !== 'Error' ? cause.name : 'RotationFailedError',
      [...next, ...(cause instanceof SfError ? cause.actions ?? [] : [])],
      1,
      cause
    );
    const causeData: unknown = cause instanceof SfError ? cause.data : undefined;
    this.setData({ ...(causeData && typeof causeData === 'object' ? causeData : {}), ...result, credentialState });
  }
}

function isActive(s: StagedCredentials): boolean {
  return s.state.toLowerCase() === 'active';
}

function isRotated(s: StagedCredentials): boolean {
  return s.state.toLowerCase() === 'rotated';
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

type Pair = { clientId: string; clientSecret: string };

export async function rotateCredentials(input: RotationInput, deps: RotationDeps): Promise<RotationResult> {
  const consumer = await deps.org.locateConsumer(input.appName);
  return new RotationRun(input, deps, consumer).run();
}

/** One run: the steps in order, the result they build, and the state every failure reports. */
class RotationRun {
  private readonly result: RotationResult;

  public constructor(private readonly input: RotationInput, private readonly deps: RotationDeps, private readonly consumer: ConsumerRef) {
    this.result = {
      appName: input.appName,
      appId: consumer.appId,
      consumerId: consumer.consumerId,
      consumerCount: consumer.consumerCount,
      dryRun: input.dryRun,
      resumed: false,
      steps: [],
      credentialState: 'unchanged',
      clientId: consumer.consumerKey,
      previousRevoked: false,
    };
  }

  public async run(): Promise<RotationResult> {
    const { org, redactor } = this.deps;
    const entries = await org.readStaged(this.consumer);
    for (const s of entries) redactor.register(s.consumerSecret);
    const active = entries.find(isActive);
    const rotated = entries.find(isRotated);
    this.log(`staged entries of ${this.input.appName}: ${entries.map((s) => `${s.id} ${s.state}`).join(', ') || 'none'}`);

    if (rotated && !active) return this.previousPairOnly(rotated);
    if (this.input.dryRun) return this.plan(active);

    // The current pair: the "previous" pair after promotion; it must keep working until the end.
    const previous = await org.readPrimaryPair(this.consumer);
    redactor.register(previous.consumerSecret);
    this.result.previousClientId = previous.consumerKey;

    const staged = await this.stageOrResume(active);
    await this.proveStaged(staged);
    await this.promote(staged);
    const { current, rotatedNow } = await this.readAfterPromotion();
    if (this.result.provedWith === 'staged-pair') this.step('prove-primary', 'skipped', messages.getMessage('detail.provenStaged'));
    else await this.proveNewPrimary(current, previous);
    await this.handOver(current);
    if (this.input.revokePrevious) {
      if (rotatedNow) {
        await this.revoke(rotatedNow);
        this.result.credentialState = 'rotated-previous-revoked';
      } else {
        this.step('revoke-previous', 'skipped', messages.getMessage('detail.noRotatedEntry'));
      }
    }
    return this.result;
  }

  private log(message: string): void {
    this.deps.log?.(this.deps.redactor.redact(message));
  }

  private step(name: RotationStepName, status: RotationStepStatus, detail?: string): void {
    const entry = { step: name, status, detail };
    const existing = this.result.steps.findIndex((s) => s.step === name);
    if (existing >= 0) this.result.steps[existing] = entry;
    else this.result.steps.push(entry);
    this.deps.onStep?.(entry);
  }

  private fail(cause: unknown, state: CredentialState, stateText: string, next: string[]): RotationError {
    this.result.credentialState = state;
    return new RotationError(toError(cause), state, stateText, next, { ...this.result });
  }

  private validUntil(): string {
    return this.result.previousValidUntil ?? messages.getMessage('fragment.thirtyDays');
  }

  /** --dry-run: what a run would do from the current state. */
  private plan(active: StagedCredentials | undefined): RotationResult {
    if (active) {
      this.result.resumed = true;
      this.step('stage', 'skipped', messages.getMessage('detail.foundStaged', [active.id, active.createdDate ?? '?']));
    } else this.step('stage', 'planned');
    this.step('prove-staged', 'planned');
    this.step('promote', 'planned');
    this.step('prove-primary', 'planned', messages.getMessage('detail.ifStagedNotAccepted'));
    this.step('hand-over', 'planned');
    if (this.input.revokePrevious) {
      this.step('revoke-previous', 'planned');
      this.step('prove-revoked', 'planned');
    }
    this.result.credentialState = active ? 'staged' : 'unchanged';
    return this.result;
  }

  /** The slot holds the previous pair of an earlier rotation: revoke it (--revoke-previous) or say what to do. */
  private async previousPairOnly(rotated: StagedCredentials): Promise<RotationResult> {
    const { appName } = this.input;
    this.result.previousClientId = rotated.consumerKey;
    this.result.previousValidUntil = rotated.expirationDate;
    this.result.credentialState = 'rotated';
    if (!this.input.revokePrevious) {
      throw this.fail(
        messages.createError('error.PreviousPairStillValid', [appName, rotated.consumerKey, rotated.expirationDate ?? '?']),
        'rotated',
        messages.getMessage('state.rotated', [rotated.expirationDate ?? '?']),
        [messages.getMessage('next.handOver', [appName]), messages.getMessage('next.revokePrevious', [appName])]
      );
    }
    if (this.input.dryRun) {
      this.step('prove-primary', 'planned');
      this.step('revoke-previous', 'planned', rotated.consumerKey);
      this.step('prove-revoked', 'planned');
      return this.result;
    }
    // The primary must work before its predecessor is revoked.
    const current = await this.deps.org.readPrimaryPair(this.consumer);
    this.deps.redactor.register(current.consumerSecret);
    this.result.clientId = current.consumerKey;
    await this.provePrimary(current, 'current-primary', messages.getMessage('state.primaryFailsKeepPrevious', [rotated.consumerKey, rotated.expirationDate ?? '?']), [
      messages.getMessage('next.proveLater', [appName]),
    ]);
    await this.revoke(rotated);
    this.result.credentialState = 'previous-revoked';
    return this.result;
  }

  private async stageOrResume(active: StagedCredentials | undefined): Promise<StagedCredentials> {
    let staged = active;
    if (staged) {
      this.result.resumed = true;
      this.step('stage', 'skipped', messages.getMessage('detail.foundStaged', [staged.id, staged.createdDate ?? '?']));
    } else {
      staged = await this.deps.org.stage(this.consumer);
      this.deps.redactor.register(staged.consumerSecret);
      this.step('stage', 'done', staged.id);
    }
    this.result.credentialState = 'staged';
    return staged;
  }

  /** One try with the staged pair: proven, not known before promotion (invalid_client_id), or refused. */
  private async proveStaged(staged: StagedCredentials): Promise<void> {
    const pair: Pair = { clientId: staged.consumerKey, clientSecret: staged.consumerSecret };
    const probe = await this.deps.probe(pair);
    if (probe.outcome === 'oauth-error' && probe.error === 'invalid_client_id') {
      this.step('prove-staged', 'skipped', messages.getMessage('detail.stagedNotAccepted'));
      return;
    }
    if (probe.outcome !== 'token') {
      this.step('prove-staged', 'failed');
      const refused =
        probe.outcome === 'oauth-error'
          ? `HTTP ${probe.status} ${probe.error ?? ''}${probe.errorDescription ? `: ${probe.errorDescription}` : ''}`
          : probe.message;
      throw await this.dropStaged(messages.createError('error.StagedPairRefused', [this.deps.redactor.redact(refused)]), staged);
    }
    this.deps.redactor.register(probe.accessToken);
    await this.deps.revokeToken(probe.accessToken);
    try {
      const proof = await this.deps.prove(pair, 0);
      this.result.runAsUsername = proof.runAsUsername;
      this.result.provedWith = 'staged-pair';
      this.step('prove-staged', 'done', proof.runAsUsername);
    } catch (error) {
      this.step('prove-staged', 'failed');
      throw await this.dropStaged(error, staged);
    }
  }

  /** The staged pair failed its proof: delete it (the primary was never touched) and say so. */
  private async dropStaged(error: unknown, staged: StagedCredentials): Promise<RotationError> {
    const { appName } = this.input;
    try {
      await this.deps.org.deleteStaged(this.consumer, staged.id);
      this.step('stage', 'done', messages.getMessage('detail.stagedDeleted', [staged.id]));
      return this.fail(error, 'unchanged', messages.getMessage('state.stagedDeleted'), [messages.getMessage('next.fixThenRerun', [appName])]);
    } catch (deleteError) {
      this.log(`deleting the staged pair failed: ${toError(deleteError).message}`);
      return this.fail(error, 'staged', messages.getMessage('state.stagedNotDeleted', [staged.id]), [
        messages.getMessage('next.deleteStagedInSetup', [appName]),
      ]);
    }
  }

  private async promote(staged: StagedCredentials): Promise<void> {
    try {
      await this.deps.org.promote(this.consumer, staged.id);
    } catch (error) {
      this.step('promote', 'failed');
      throw this.fail(error, 'staged', messages.getMessage('state.staged'), [messages.getMessage('next.rerun', [this.input.appName])]);
    }
    this.step('promote', 'done');
    this.result.credentialState = 'rotated';
  }

  /** The live primary and the Rotated entry (its expiration) as the org has them after the promotion. */
  private async readAfterPromotion(): Promise<{ current: ConsumerCredentials; rotatedNow?: StagedCredentials }> {
    const current = await this.deps.org.readPrimaryPair(this.consumer);
    this.deps.redactor.register(current.consumerSecret);
    this.result.clientId = current.consumerKey;
    const rotatedNow = (await this.deps.org.readStaged(this.consumer).catch(() => [])).find(isRotated);
    this.result.previousValidUntil = rotatedNow?.expirationDate;
    return { current, rotatedNow };
  }

  private async proveNewPrimary(current: ConsumerCredentials, previous: ConsumerCredentials): Promise<void> {
    const { appName } = this.input;
    // Never revoke the previous pair now: it is what keeps the integration working.
    await this.provePrimary(current, 'new-primary', messages.getMessage('state.newPrimaryFailed', [previous.consumerKey, this.validUntil()]), [
      messages.getMessage('next.proveLater', [appName]),
      messages.getMessage('next.handOverAfterProof', [appName]),
    ]);
  }

  /** Proves the primary pair gets a token; on failure, the run ends in state rotated with `state` and `next`. */
  private async provePrimary(current: ConsumerCredentials, provedWith: 'current-primary' | 'new-primary', state: string, next: string[]): Promise<void> {
    try {
      const proof = await this.deps.prove({ clientId: current.consumerKey, clientSecret: current.consumerSecret }, this.input.waitMs);
      this.result.runAsUsername = proof.runAsUsername;
      this.result.provedWith = provedWith;
      this.step('prove-primary', 'done', proof.runAsUsername);
    } catch (error) {
      this.step('prove-primary', 'failed');
      throw this.fail(error, 'rotated', state, next);
    }
  }

  private async handOver(current: ConsumerCredentials): Promise<void> {
    try {
      await this.deps.handOver(current);
      this.step('hand-over', 'done');
    } catch (error) {
      this.step('hand-over', 'failed');
      throw this.fail(error, 'rotated', messages.getMessage('state.rotated', [this.validUntil()]), [
        messages.getMessage('next.handOver', [this.input.appName]),
      ]);
    }
  }

  /** Deletes the Rotated entry and proves the org refuses its pair. */
  private async revoke(rotated: StagedCredentials): Promise<void> {
    const { appName } = this.input;
    this.deps.redactor.register(rotated.consumerSecret);
    try {
      await this.deps.org.deleteStaged(this.consumer, rotated.id);
    } catch (error) {
      this.step('revoke-previous', 'failed');
      throw this.fail(error, this.result.credentialState, messages.getMessage('state.rotated', [rotated.expirationDate ?? '?']), [
        messages.getMessage('next.revokePrevious', [appName]),
      ]);
    }
    this.step('revoke-previous', 'done', rotated.consumerKey);
    this.result.previousRevoked = true;
    const answer = await this.deps.probe({ clientId: rotated.consumerKey, clientSecret: rotated.consumerSecret });
    if (answer.outcome === 'token') {
      this.deps.redactor.register(answer.accessToken);
      await this.deps.revokeToken(answer.accessToken);
      this.step('prove-revoked', 'failed');
      throw this.fail(
        messages.createError('error.PreviousStillAccepted', [rotated.consumerKey]),
        'rotated-previous-revoked',
        messages.getMessage('state.revokedButAccepted'),
        [messages.getMessage('next.checkRevoked', [rotated.consumerKey])]
      );
    }
    if (answer.outcome === 'transport-error') {
      this.step('prove-revoked', 'failed', this.deps.redactor.redact(answer.message));
      throw this.fail(
        messages.createError('error.RevokeUnverified', [this.deps.redactor.redact(answer.message)]),
        'rotated-previous-revoked',
        messages.getMessage('state.revokedUnverified'),
        [messages.getMessage('next.checkRevoked', [rotated.consumerKey])]
      );
    }
    this.step('prove-revoked', 'done', `HTTP ${answer.status} ${answer.error ?? ''}`.trim());
  }
}
