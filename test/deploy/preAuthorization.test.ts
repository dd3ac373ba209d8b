/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import {
  firstDeployLists,
  fullLists,
  isGranted,
  needsReadBack,
  planPreAuthorization,
  stillMissing,
} from '../../src/deploy/preAuthorization.js';

describe('deploy preAuthorization', () => {
  const local = { commaSeparatedPermissionSet: 'App_Access,Extra', commaSeparatedProfile: 'App Integration' };

  it('a new policy: the file lists are sent as they are', () => {
    const plan = planPreAuthorization(local, undefined);
    expect(isGranted(plan)).to.equal(false);
    expect(firstDeployLists(plan)).to.deep.equal({});
  });

  it('sends only the names the org lacks and leaves out a list whose names it has (never an already-granted name)', () => {
    const plan = planPreAuthorization(local, { commaSeparatedPermissionSet: 'app_access,Other', commaSeparatedProfile: 'App Integration' });
    expect(isGranted(plan)).to.equal(false);
    expect(firstDeployLists(plan)).to.deep.equal({ commaSeparatedPermissionSet: 'Extra', commaSeparatedProfile: null });
    // The full list keeps the org's other names: a replacing org loses none.
    expect(fullLists(plan)).to.deep.equal({
      commaSeparatedPermissionSet: 'App_Access,Extra,Other',
      commaSeparatedProfile: 'App Integration',
    });
  });

  it('granted when every wanted name is in the org (extra org names are not ours to remove)', () => {
    expect(isGranted(planPreAuthorization(local, { commaSeparatedPermissionSet: 'Extra, App_Access, Z', commaSeparatedProfile: 'app integration' }))).to.equal(true);
    expect(isGranted(planPreAuthorization({}, {}))).to.equal(true);
  });

  it('after the deploy: additive org holds every name; replacing org lost the ones not sent (its own included)', () => {
    const plan = planPreAuthorization(local, { commaSeparatedPermissionSet: 'App_Access,Other', commaSeparatedProfile: 'App Integration' });
    expect(needsReadBack(plan)).to.equal(true);
    expect(
      stillMissing(plan, { commaSeparatedPermissionSet: 'App_Access,Other,Extra', commaSeparatedProfile: 'App Integration' })
    ).to.deep.equal({});
    expect(stillMissing(plan, { commaSeparatedPermissionSet: 'Extra' })).to.deep.equal({
      commaSeparatedPermissionSet: ['App_Access', 'Other'],
      commaSeparatedProfile: ['App Integration'],
    });
  });

  it('no read-back when nothing was left out: a new policy, or an org without lists', () => {
    expect(needsReadBack(planPreAuthorization(local, undefined))).to.equal(false);
    expect(needsReadBack(planPreAuthorization(local, {}))).to.equal(false);
    // The org has another name only: everything wanted is sent, but a replacing org would drop its own name.
    expect(needsReadBack(planPreAuthorization(local, { commaSeparatedPermissionSet: 'Other' }))).to.equal(true);
  });
});
