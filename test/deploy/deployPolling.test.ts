/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { EARLY_CHECK_DELAYS_MS, finishedStatus, isDone, POLL_INTERVAL_MS, type PollableDeploy } from '../../src/deploy/deployPolling.js';

type Status = { done: boolean | string; status: string };

/** A deploy whose checks answer from a script: a status, or an error to throw. */
function scriptedDeploy(
  answers: Array<Status | Error>,
  polled: Status = { done: true, status: 'Succeeded' }
): { deploy: PollableDeploy<Status>; calls: string[]; pollArgs: Array<[number, number]> } {
  const calls: string[] = [];
  const pollArgs: Array<[number, number]> = [];
  const deploy: PollableDeploy<Status> = {
    checkStatus: () => {
      calls.push('check');
      const next = answers.shift() ?? new Error('no more answers');
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
    pollStatus: (frequencyMs, timeoutSeconds) => {
      calls.push('poll');
      pollArgs.push([frequencyMs, timeoutSeconds]);
      return Promise.resolve({ response: polled });
    },
  };
  return { deploy, calls, pollArgs };
}

const inProgress: Status = { done: false, status: 'InProgress' };
const fast = { earlyDelaysMs: [0, 1, 1], intervalMs: 1 };

describe('deploy/deployPolling', () => {
  it('checks right away, after 150 ms and after 400 ms, then hands over to SDR polling every 500 ms', async () => {
    const { deploy, calls, pollArgs } = scriptedDeploy([inProgress, inProgress, inProgress]);
    const sleep = (ms: number): Promise<void> => {
      calls.push(`wait ${ms}`);
      return Promise.resolve();
    };
    await finishedStatus(deploy, { waitSeconds: 600, sleep });
    expect(calls).to.deep.equal(['check', 'wait 150', 'check', 'wait 250', 'check', 'wait 500', 'poll']);
    expect(pollArgs[0][0]).to.equal(POLL_INTERVAL_MS);
    expect(EARLY_CHECK_DELAYS_MS).to.deep.equal([0, 150, 250]);
  });

  it('returns the status of the first check that says done, without SDR polling', async () => {
    const { deploy, calls } = scriptedDeploy([inProgress, { done: 'true', status: 'Succeeded' }]);
    const seen: Status[] = [];
    const status = await finishedStatus(deploy, { ...fast, waitSeconds: 60, onStatus: (s) => seen.push(s) });
    expect(status.status).to.equal('Succeeded');
    expect(calls).to.deep.equal(['check', 'check']);
    expect(seen).to.deep.equal([inProgress]);
  });

  it('hands over to SDR polling with the time that is left when the early checks are not done', async () => {
    const { deploy, calls, pollArgs } = scriptedDeploy([inProgress, inProgress, inProgress], { done: true, status: 'Failed' });
    const status = await finishedStatus(deploy, { ...fast, waitSeconds: 600 });
    expect(status.status).to.equal('Failed');
    expect(calls).to.deep.equal(['check', 'check', 'check', 'poll']);
    expect(pollArgs[0][0]).to.equal(1);
    expect(pollArgs[0][1]).to.be.within(599, 600);
  });

  it('ends with the error of a failing early check, without polling on', async () => {
    const { deploy, calls } = scriptedDeploy([inProgress, Object.assign(new Error('INVALID_SESSION_ID: Session expired'), { errorCode: 'INVALID_SESSION_ID' })]);
    const error = await finishedStatus(deploy, { ...fast, waitSeconds: 60 }).then(
      () => undefined,
      (e: Error) => e
    );
    expect(error?.message).to.include('INVALID_SESSION_ID');
    expect(calls).to.deep.equal(['check', 'check']);
  });

  it("passes SDR polling's errors on (a timeout when --wait ends)", async () => {
    const deploy: PollableDeploy<Status> = {
      checkStatus: () => Promise.resolve(inProgress),
      pollStatus: () => Promise.reject(new Error('The client has timed out.')),
    };
    const error = await finishedStatus(deploy, { ...fast, waitSeconds: 1 }).then(
      () => undefined,
      (e: Error) => e
    );
    expect(error?.message).to.include('timed out');
  });

  it('reads done as the boolean or the string the SOAP answer may carry', () => {
    expect(isDone({ done: true })).to.equal(true);
    expect(isDone({ done: 'true' })).to.equal(true);
    expect(isDone({ done: false })).to.equal(false);
    expect(isDone({ done: 'false' })).to.equal(false);
    expect(isDone({})).to.equal(false);
  });
});
