/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import Audit, { FINDINGS_EXIT_CODE, wrap } from '../../../../src/commands/eca/clientcreds/audit.js';
import { SEVERITIES } from '../../../../src/audit/auditRules.js';

/** The command's own logic: the --fail-on values, the exit code, the wrapping of findings. Org runs are in test/e2e/audit.e2e.test.ts. */
describe('eca clientcreds audit (command)', () => {
  it('offers every severity to --fail-on, and documents the findings exit code in --help', () => {
    expect(Audit.flags['fail-on'].options).to.deep.equal([...SEVERITIES]);
    expect(Object.values(Audit.errorCodes?.body ?? []).map((row) => (row as { name: string }).name)).to.include(`Findings (${FINDINGS_EXIT_CODE})`);
  });

  it('wraps text at the width with a first-line prefix and an indent', () => {
    const text = 'one two three four five six seven eight nine ten';
    const out = wrap(text, 20, '  HIGH ', '       ');
    const lines = out.split('\n');
    expect(lines.every((l) => l.length <= 20)).to.equal(true);
    expect(lines[0].startsWith('  HIGH one')).to.equal(true);
    expect(lines.slice(1).every((l) => l.startsWith('       ') && l.trim().length > 0)).to.equal(true);
    expect(out.replace(/\s+/g, ' ').replace('HIGH ', '').trim()).to.equal(text);
  });

  it('keeps a word longer than the width whole on its own line', () => {
    expect(wrap('a verylongusername@example.com b', 10, '', '')).to.equal('a\nverylongusername@example.com\nb');
  });
});
