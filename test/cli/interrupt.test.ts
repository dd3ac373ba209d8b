/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { interruptOutput, onInterrupt, runCleanups } from '../../src/cli/interrupt.js';

describe('cli/interrupt', () => {
  it('prints one line naming the signal and what was done', () => {
    const stop = onInterrupt({ report: () => ['profile: create P', 'app: deploy 0Af1 accepted'] });
    try {
      const out = interruptOutput('SIGINT', false);
      expect(out.stdout).to.equal('');
      expect(out.stderr.trim().split('\n')).to.have.length(1);
      expect(out.stderr).to.include('SIGINT').and.to.include('profile: create P').and.to.include('0Af1');
    } finally {
      stop();
    }
  });

  it('with --json prints one JSON error object with status 130 on stdout', () => {
    const stop = onInterrupt({ report: () => ['user: create u@example.com'] });
    try {
      const out = interruptOutput('SIGTERM', true);
      const json = JSON.parse(out.stdout) as { status: number; exitCode: number; name: string; data: { done: string[]; signal: string } };
      expect(json.status).to.equal(130);
      expect(json.exitCode).to.equal(130);
      expect(json.name).to.equal('InterruptedError');
      expect(json.data).to.deep.equal({ signal: 'SIGTERM', done: ['user: create u@example.com'] });
    } finally {
      stop();
    }
  });

  it('runs registered cleanups, and not the unregistered ones', () => {
    const ran: string[] = [];
    const stopA = onInterrupt({ cleanup: () => ran.push('a') });
    const stopB = onInterrupt({ cleanup: () => ran.push('b') });
    stopB();
    runCleanups();
    stopA();
    expect(ran).to.deep.equal(['a']);
  });
});
