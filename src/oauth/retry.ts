/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */

/**
 * Backoff for --wait: retry an answer that is plausibly propagation delay (invalid_client_id) with growing pauses
 * (2 s, 4 s, 8 s, 15 s, then every 30 s), never past the deadline; the last attempt lands on the deadline.
 */

const BACKOFF_MS: readonly number[] = [2000, 4000, 8000, 15_000, 30_000];

/** Pause before attempt `attempt + 1` (attempt counts from 1), or undefined when the deadline has passed. */
export function nextDelay(attempt: number, elapsedMs: number, waitMs: number): number | undefined {
  const remaining = waitMs - elapsedMs;
  if (remaining <= 0) return undefined;
  const step = BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)];
  return Math.min(step, remaining);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
