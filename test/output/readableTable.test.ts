/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Ux } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import { READABLE_WIDTH, readableTable } from '../../src/output/readableTable.js';

describe('readableTable', () => {
  const longPath = `force-app/main/default/extlClntAppOauthPolicies/${'Very_Long_App_Name_'.repeat(4)}oauthPlcy.ecaOauthPlcy-meta.xml`;
  const reason = 'The org already has OAuth settings for this app under another name; deploying your file under that name. '.repeat(2);

  it('wraps within 100 columns when stdout is not a terminal', () => {
    const options = readableTable(undefined);
    expect(options).to.deep.equal({ overflow: 'wrap', maxWidth: READABLE_WIDTH });
    const ux = new Ux();
    const lines = ux.makeTable({ data: [{ file: longPath, reason }], ...options }).split('\n');
    expect(Math.max(...lines.map((l) => l.length))).to.be.at.most(100);
    // Wrapped, not cut: every character of the path is still there.
    const pathOnly = ux.makeTable({ data: [{ file: longPath }], ...options }).split('\n');
    expect(Math.max(...pathOnly.map((l) => l.length))).to.be.at.most(100);
    expect(pathOnly.join('').replace(/[\s│─┌┐└┘├┤┬┴┼]/g, '')).to.include(`File${longPath}`);
  });

  it('leaves the width to the terminal when there is one', () => {
    expect(readableTable(160)).to.deep.equal({ overflow: 'wrap' });
  });
});
