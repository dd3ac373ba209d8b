/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { firstDeployLists, fullLists, isGranted, planPreAuthorization, stillMissing } from '../../src/deploy/preAuthorization.js';

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

  it('after the deploy: additive org holds every name; replacing org lost the ones not sent', () => {
    const plan = planPreAuthorization(local, { commaSeparatedPermissionSet: 'App_Access', commaSeparatedProfile: 'App Integration' });
    expect(stillMissing(plan, { commaSeparatedPermissionSet: 'App_Access,Extra', commaSeparatedProfile: 'App Integration' })).to.deep.equal({});
    expect(stillMissing(plan, { commaSeparatedPermissionSet: 'Extra' })).to.deep.equal({
      commaSeparatedPermissionSet: ['App_Access'],
      commaSeparatedProfile: ['App Integration'],
    });
  });
});
