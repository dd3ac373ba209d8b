/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { findSandboxUser } from '../../src/deploy/sandboxUsername.js';
import { fakeApi, fakeOrg } from './fakeOrgApi.js';

/** The org side of these tests: SOQL answered by the first matching pattern (the code under test is not stubbed). */
function orgAnswering(answers: Array<[RegExp, Array<Record<string, unknown>>]>): ReturnType<typeof fakeApi> & { soql: string[] } {
  const api = fakeApi(fakeOrg());
  const soql: string[] = [];
  api.query = (<T extends Record<string, unknown>>(q: string): Promise<T[]> => {
    soql.push(q);
    return Promise.resolve((answers.find(([re]) => re.test(q))?.[1] ?? []) as T[]);
  }) as typeof api.query;
  return Object.assign(api, { soql });
}

describe('deploy sandboxUsername', () => {
  it('finds the one sandbox user; none outside sandboxes; lists several', async () => {
    const one = orgAnswering([
      [/FROM Organization/, [{ IsSandbox: true }]],
      [/FROM User/, [{ Username: 'int@acme.com.uat2' }, { Username: 'int@acme.com.old.copy' }]],
    ]);
    expect(await findSandboxUser(one, 'int@acme.com')).to.deep.equal({ fromProject: 'int@acme.com', inOrg: 'int@acme.com.uat2', suffix: 'uat2' });
    expect(one.soql[0]).to.equal("SELECT Username FROM User WHERE Username LIKE 'int@acme.com.%'");
    const none = orgAnswering([[/FROM Organization/, [{ IsSandbox: true }]]]);
    expect(await findSandboxUser(none, 'int@acme.com')).to.equal(undefined);
    expect(none.soql, 'no candidate: one query').to.have.length(1);
    const production = orgAnswering([[/FROM Organization/, [{ IsSandbox: false }]], [/FROM User/, [{ Username: 'int@acme.com.uat2' }]]]);
    expect(await findSandboxUser(production, 'int@acme.com')).to.equal(undefined);
    const several = orgAnswering([
      [/FROM Organization/, [{ IsSandbox: true }]],
      [/FROM User/, [{ Username: 'int@acme.com.uat2' }, { Username: 'int@acme.com.dev1' }]],
    ]);
    try {
      await findSandboxUser(several, 'int@acme.com');
      expect.fail('expected an error');
    } catch (e) {
      expect((e as Error).name).to.equal('SandboxUsernameAmbiguousError');
      expect((e as Error).message).to.include('- int@acme.com.uat2\n- int@acme.com.dev1');
    }
  });
});
