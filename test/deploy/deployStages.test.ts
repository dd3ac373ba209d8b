/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { phaseStage } from '../../src/deploy/deployStages.js';

describe('deploy deployStages', () => {
  it('shows each starting phase of the plan as its stage', () => {
    expect(phaseStage('createUser', ['user'])).to.equal('user');
    expect(phaseStage('assignPermissionSets', ['permissionSets'])).to.equal('permissionSets');
    // A deploy of the access files alone (before the user is created) is the profile stage, whichever of them it has
    // (a regression showed the generated access permission set's deploy as the app stage, then "Skipped" stages)...
    expect(phaseStage('deploy', ['profile'])).to.equal('profile');
    expect(phaseStage('deploy', ['profile', 'permissionSetFiles'])).to.equal('profile');
    expect(phaseStage('deploy', ['permissionSetFiles'])).to.equal('profile');
    // ...any other deploy (app and policy, everything on a rerun, the fallback's second deploy) is the app stage.
    expect(phaseStage('deploy', ['profile', 'app', 'oauthPolicy'])).to.equal('app');
    expect(phaseStage('deploy', ['app', 'oauthPolicy'])).to.equal('app');
    expect(phaseStage('deploy', ['oauthPolicy'])).to.equal('app');
  });
});
