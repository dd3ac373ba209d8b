/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { sandboxSuffixOf } from '../../src/org/sandboxUsernames.js';

describe('org sandboxUsernames', () => {
  it('recognises a sandbox suffix: one label of letters and digits after the username', () => {
    expect(sandboxSuffixOf('int@acme.com', 'int@acme.com.uat2')).to.equal('uat2');
    expect(sandboxSuffixOf('int@acme.com', 'INT@acme.com.Dev1')).to.equal('Dev1');
    expect(sandboxSuffixOf('int@acme.com', 'int@acme.com.uat.x')).to.equal(undefined);
    expect(sandboxSuffixOf('int@acme.com', 'int@acme.commerce')).to.equal(undefined);
    expect(sandboxSuffixOf('int@acme.com', 'int@acme.com')).to.equal(undefined);
  });

});
