/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { Messages } from '@salesforce/core';
import { exitCodesHelp, INTERRUPTED_EXIT_CODE } from '../../src/cli/exitCodes.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);

describe('cli exitCodes', () => {
  const bundle = { getMessage: (key: string): string => `own ${key}` };

  it("lists the command's own 0 and 1, then 2 for flags and 130 for an interrupt, in that order", () => {
    const section = exitCodesHelp(bundle)!;
    expect(section.header).to.equal('ERROR CODES');
    // As the official plugins lay it out: "Succeeded (0)" on the left, what it means on the right.
    const body = section.body as Array<{ name: string; description: string }>;
    expect(body.map((b) => /\((\d+)\)$/.exec(b.name)?.[1])).to.deep.equal(['0', '1', '2', String(INTERRUPTED_EXIT_CODE)]);
    expect(body[0].description).to.equal('own errorCodes.success');
    expect(body[1].description).to.equal('own errorCodes.failure');
    expect(INTERRUPTED_EXIT_CODE).to.equal(130);
  });

  it("adds a command's own codes before the interrupt", () => {
    const body = exitCodesHelp(bundle, { 'Findings (3)': 'A finding at or above --fail-on.' })!.body as Array<{ name: string; description: string }>;
    expect(body.map((b) => /\((\d+)\)$/.exec(b.name)?.[1])).to.deep.equal(['0', '1', '2', '3', '130']);
  });

  it('every command documents its exit codes, with the shared ones', async () => {
    for (const name of ['generate', 'deploy', 'test', 'credentials', 'rotate', 'login', 'audit']) {
      // eslint-disable-next-line no-await-in-loop
      const command = (await import(`../../src/commands/eca/clientcreds/${name}.js`)) as {
        default: { errorCodes?: { body: unknown } };
      };
      const codes = (command.default.errorCodes?.body as Array<{ name: string }> | undefined)?.map((b) => /\((\d+)\)$/.exec(b.name)?.[1]) ?? [];
      expect(codes, name).to.include.members(['0', '1', '2', '130']);
    }
  });
});
