/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth wire fields are snake_case */
import { expect } from 'chai';
import { REDACTED, SecretRedactor } from '../../src/security/redact.js';

const SECRET = 'A1B2C3D4E5F6+/=secret';
const TOKEN = '00D000000000001!FAKE.redact_1';

describe('security/redact', () => {
  it('replaces every occurrence of a registered value', () => {
    const redactor = new SecretRedactor().register(SECRET);
    expect(redactor.redact(`a ${SECRET} b ${SECRET}`)).to.equal(`a ${REDACTED} b ${REDACTED}`);
  });

  it('also replaces the URL- and form-encoded forms of a value', () => {
    const redactor = new SecretRedactor().register(SECRET);
    const form = new URLSearchParams({ client_secret: SECRET }).toString();
    expect(redactor.redact(form)).to.equal(`client_secret=${REDACTED}`);
    expect(redactor.redact(encodeURIComponent(SECRET))).to.equal(REDACTED);
  });

  it('redacts Salesforce session ids and JWTs even when not registered', () => {
    const redactor = new SecretRedactor();
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    expect(redactor.redact(`token ${TOKEN} and ${jwt}.`)).to.equal(`token ${REDACTED} and ${REDACTED}.`);
  });

  it('replaces a longer secret whole when it contains a shorter registered one', () => {
    const redactor = new SecretRedactor().register('abcdef', 'abcdefghij');
    expect(redactor.redact('xabcdefghijx')).to.equal(`x${REDACTED}x`);
  });

  it('redacts short secrets too, where they stand alone (issue 13: secrets under 6 characters were never redacted)', () => {
    const redactor = new SecretRedactor().register('', undefined, 'x9!', 'abcde');
    expect(redactor.redact('client_secret=x9%21&s=abcde')).to.equal(`client_secret=${REDACTED}&s=${REDACTED}`);
    expect(redactor.redact('"secret":"x9!"')).to.equal(`"secret":"${REDACTED}"`);
    // inside a longer word it is left alone (would garble ordinary text)
    expect(redactor.redact('abcdef')).to.equal('abcdef');
  });

  it('redacts the HTTP Basic form base64(key:secret) of client credentials (issue 13: an echoed Authorization header)', () => {
    const key = 'FAKE-KEY-consumer';
    const basic = Buffer.from(`${key}:${SECRET}`).toString('base64');
    const redactor = new SecretRedactor().registerClientCredentials(key, SECRET);
    expect(redactor.redact(`echo: Authorization: Basic ${basic}`)).to.not.include(basic);
    expect(redactor.redact(`echo: ${basic}`)).to.equal(`echo: ${REDACTED}`);
    expect(redactor.redact(`raw ${SECRET}`)).to.equal(`raw ${REDACTED}`);
    const short = new SecretRedactor().registerClientCredentials(key, 'ab1');
    expect(short.redact(Buffer.from(`${key}:ab1`).toString('base64'))).to.equal(REDACTED);
  });

  it('redacts deep inside objects and arrays without changing other values', () => {
    const redactor = new SecretRedactor().register(SECRET);
    const value = { a: SECRET, b: [1, `x${SECRET}`], c: { d: true, e: null } };
    expect(redactor.redactDeep(value)).to.deep.equal({ a: REDACTED, b: [1, `x${REDACTED}`], c: { d: true, e: null } });
    expect(value.a).to.equal(SECRET); // the input is not mutated
  });
});
