/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { Connection } from '@salesforce/core';
import { expect } from 'chai';
import { createOrgAccess } from '../../src/orgCredentials/orgAccess.js';

type Row = { Username: string; IsActive?: boolean };

/** The slice of a Connection orgAccess uses for the Run As lookup; answers from a small user table. */
function fakeConnection(users: Array<Row & { Email: string }>, queries: string[]): Connection {
  const conn = {
    instanceUrl: 'https://acme.my.salesforce.com',
    getApiVersion: (): string => '66.0',
    metadata: {},
    request: (): Promise<never> => Promise.reject(new Error('not used')),
    query: (soql: string): Promise<{ records: Row[] }> => {
      queries.push(soql);
      const match = /WHERE (Username|Email) = '((?:[^'\\]|\\.)*)'/.exec(soql);
      const field = match?.[1] as 'Username' | 'Email';
      const value = (match?.[2] ?? '').replace(/\\(.)/g, '$1');
      return Promise.resolve({ records: users.filter((u) => u[field] === value) });
    },
  };
  return conn as unknown as Connection;
}

describe('orgCredentials/orgAccess', () => {
  it('finds the Run As user by Username with one query', async () => {
    const queries: string[] = [];
    const access = createOrgAccess(fakeConnection([{ Username: 'int@acme.com.prod', Email: 'int@acme.com', IsActive: true }], queries), '00D');
    expect(await access.lookupRunAs('int@acme.com.prod')).to.deep.equal({ value: 'int@acme.com.prod', exists: true, active: true });
    expect(queries).to.have.length(1);
  });

  it('finds the Username behind an email', async () => {
    const queries: string[] = [];
    const access = createOrgAccess(fakeConnection([{ Username: 'int@acme.com.prod', Email: 'int@acme.com' }], queries), '00D');
    expect(await access.lookupRunAs('int@acme.com')).to.deep.equal({ value: 'int@acme.com', exists: false, usernameForEmail: 'int@acme.com.prod' });
    expect(queries[1]).to.include("WHERE Email = 'int@acme.com'");
  });

  it('does not guess when several users share the email', async () => {
    const users = [
      { Username: 'a@acme.com.prod', Email: 'shared@acme.com' },
      { Username: 'b@acme.com.prod', Email: 'shared@acme.com' },
    ];
    const access = createOrgAccess(fakeConnection(users, []), '00D');
    expect(await access.lookupRunAs('shared@acme.com')).to.deep.equal({ value: 'shared@acme.com', exists: false, usernameForEmail: undefined });
  });

  it('keeps a quote in the value from breaking the query', async () => {
    const queries: string[] = [];
    const access = createOrgAccess(fakeConnection([{ Username: "o'brien@acme.com", Email: 'x@acme.com' }], queries), '00D');
    expect((await access.lookupRunAs("o'brien@acme.com")).exists).to.equal(true);
    expect(queries[0]).to.include("'o\\'brien@acme.com'");
  });
});
