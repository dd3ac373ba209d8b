/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { nextDelay } from '../../src/oauth/retry.js';

describe('oauth/retry', () => {
  it('backs off 2, 4, 8, 15 s, then every 30 s', () => {
    const wait = 60 * 60_000;
    expect([1, 2, 3, 4, 5, 6, 20].map((attempt) => nextDelay(attempt, 0, wait))).to.deep.equal([
      2000, 4000, 8000, 15_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('never sleeps past the deadline, and stops at it', () => {
    expect(nextDelay(5, 50_000, 60_000)).to.equal(10_000);
    expect(nextDelay(1, 60_000, 60_000)).to.equal(undefined);
    expect(nextDelay(1, 61_000, 60_000)).to.equal(undefined);
  });

  it('does not retry without a wait', () => {
    expect(nextDelay(1, 0, 0)).to.equal(undefined);
  });

  it('covers a 10 minute wait in a bounded number of attempts', () => {
    let elapsed = 0;
    let attempts = 1;
    for (let delay = nextDelay(attempts, elapsed, 600_000); delay !== undefined; delay = nextDelay(attempts, elapsed, 600_000)) {
      elapsed += delay;
      attempts++;
    }
    expect(elapsed).to.equal(600_000);
    expect(attempts).to.be.within(20, 25);
  });
});
