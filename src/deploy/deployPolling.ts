/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How a deploy's status is checked until the org finishes it. The deploys here hold a handful of components; an org
 * often finishes such a deploy within a second. SDR's polling checks at a fixed interval (its default is one second
 * for a small deploy), so a deploy that finished just after a check waits a whole interval. Here the first checks come
 * sooner (right away, then after 150 and 400 ms), and from then on SDR's own polling takes over every 500 ms until
 * --wait ends. On a deploy that takes several seconds this costs two extra checkDeployStatus calls.
 * An early check that fails ends the wait with its error, as SDR's polling does with all but a few transient network
 * errors (which it retries): a status check that times out, a dropped connection, an HTTP 500 or an expired session is
 * reported the same way whether the early checks or SDR's polling met it.
 */

/** Delays before each early check, in ms (cumulative: 0, 150, 400). */
export const EARLY_CHECK_DELAYS_MS: readonly number[] = [0, 150, 250];

/** The interval of SDR's polling after the early checks. */
export const POLL_INTERVAL_MS = 500;

/** What a status check answers: enough to tell a finished deploy. */
export type DeployStatusLike = { done?: boolean | string };

/** The part of SDR's MetadataApiDeploy the checks use. */
export type PollableDeploy<S extends DeployStatusLike> = {
  checkStatus(): Promise<S>;
  pollStatus(frequencyMs: number, timeoutSeconds: number): Promise<{ response: S }>;
};

export type PollOptions<S> = {
  /** How long to wait in all, in seconds (--wait). */
  waitSeconds: number;
  /** Called with the status of each early check that is not finished (SDR's polling reports its own through onUpdate). */
  onStatus?: (status: S) => void;
  /** Early check delays (tests). */
  earlyDelaysMs?: readonly number[];
  /** Interval of SDR's polling (tests). */
  intervalMs?: number;
  /** How to wait (tests). */
  sleep?: (ms: number) => Promise<unknown>;
};

export const isDone = (status: DeployStatusLike | undefined): boolean => status?.done === true || status?.done === 'true';

/** The deploy's final status; SDR's polling says "timed out" when --wait ends. */
export async function finishedStatus<S extends DeployStatusLike>(deploy: PollableDeploy<S>, options: PollOptions<S>): Promise<S> {
  const started = Date.now();
  const waitMs = options.waitSeconds * 1000;
  const wait = options.sleep ?? ((ms: number): Promise<unknown> => sleep(ms));
  for (const delay of options.earlyDelaysMs ?? EARLY_CHECK_DELAYS_MS) {
    // eslint-disable-next-line no-await-in-loop
    if (delay > 0) await wait(delay);
    // eslint-disable-next-line no-await-in-loop
    const status = await deploy.checkStatus();
    if (isDone(status)) return status;
    options.onStatus?.(status);
  }
  const interval = options.intervalMs ?? POLL_INTERVAL_MS;
  await wait(interval);
  const remainingSeconds = Math.max(1, Math.round((waitMs - (Date.now() - started)) / 1000));
  return (await deploy.pollStatus(interval, remainingSeconds)).response;
}
