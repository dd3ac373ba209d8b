/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { terminalSafe } from '../../src/security/terminalText.js';

describe('security/terminalText', () => {
  it('removes terminal escape sequences and control characters from org text (issue 13)', () => {
    const hostile = 'bad\u001b[2J\u001b[1;1Hvalue\u001b]0;pwned\u0007 here\u009b31m\r\u0008!';
    expect(terminalSafe(hostile)).to.equal('badvalue here!');
  });

  it('keeps newlines and tabs', () => {
    expect(terminalSafe('a\n\tb')).to.equal('a\n\tb');
  });

  it('caps the length and says how much was left out', () => {
    const shown = terminalSafe('y'.repeat(5_000_000));
    expect(shown.length).to.be.lessThan(4100);
    expect(shown).to.match(/… \(4996000 more characters\)$/);
  });
});
