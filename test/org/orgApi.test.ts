/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { errorCodeOf, soqlString } from '../../src/org/orgApi.js';

describe('org/orgApi', () => {
  it('soqlString escapes backslashes and single quotes', () => {
    expect(soqlString("o'brien@acme.com")).to.equal("'o\\'brien@acme.com'");
    expect(soqlString('a\\b')).to.equal("'a\\\\b'");
    expect(soqlString("\\'")).to.equal("'\\\\\\''");
  });

  it('errorCodeOf reads a REST errorCode or a SOAP fault name without its sf: prefix', () => {
    expect(errorCodeOf({ errorCode: 'INVALID_TYPE' })).to.equal('INVALID_TYPE');
    expect(errorCodeOf({ name: 'sf:INVALID_SESSION_ID' })).to.equal('INVALID_SESSION_ID');
    expect(errorCodeOf({ errorCode: '', name: 'sf:X' })).to.equal('X');
    expect(errorCodeOf('boom')).to.equal(undefined);
    expect(errorCodeOf(null)).to.equal(undefined);
  });
});
