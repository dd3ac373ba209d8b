/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import spinners from 'cli-spinners';
import { CALM_PROGRESS } from '../../src/cli/progressDisplay.js';

/**
 * Issue 13: the deploy's progress display re-rendered (asking the terminal size) many times a second while waiting.
 * multi-stage-output re-renders on every tick of its timers (1 ms with timerUnit 'ms') and spinners (cli-spinners'
 * interval): the options must keep each at 250 ms or more.
 */
describe('cli/progressDisplay', () => {
  it('uses second timers (multi-stage-output ticks every 1 ms with millisecond timers)', () => {
    expect(CALM_PROGRESS.timerUnit).to.equal('s');
  });

  it('uses spinners that tick at most 4 times a second', () => {
    for (const name of Object.values(CALM_PROGRESS.design.spinners)) {
      expect(spinners[name].interval, name).to.be.at.least(250);
    }
  });
});
