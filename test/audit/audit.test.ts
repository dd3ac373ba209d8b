/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { runAudit } from '../../src/audit/audit.js';
import { metadataOrgApi, type MetadataOrg } from '../org/metadataOrgFake.js';

const org: MetadataOrg = {
  records: {
    ConnectedApp: [
      { fullName: 'Risky', oauthConfig: { isClientCredentialEnabled: 'true', oauthClientCredentialUser: 'gone@example.com', scopes: 'Api' } },
      { fullName: 'Half', oauthConfig: { isClientCredentialEnabled: 'true' } },
    ],
  },
  invalidTypes: ['ExternalClientApplication'],
};

describe('audit/audit', () => {
  it('words each finding with its fix, counts them, and reports "half" for an app without a Run As user', async () => {
    const result = await runAudit(metadataOrgApi(org), { targetOrg: 'prod' });
    expect(result.apps.map((a) => [a.name, a.flow, a.worst])).to.deep.equal([
      ['Half', 'half', 'medium'],
      ['Risky', 'on', 'high'],
    ]);
    const missing = result.apps[1].findings[0];
    expect(missing.rule).to.equal('runAsUserMissing');
    expect(missing.message).to.include('gone@example.com');
    expect(missing.fix.length).to.be.greaterThan(0);
    expect(result.counts.high).to.equal(1);
    expect(result.failed).to.equal(false);
    expect(result.appsInOrg).to.deep.equal({ externalClientApps: 0, connectedApps: 2 });
  });

  it('fails at or above --fail-on only', async () => {
    expect((await runAudit(metadataOrgApi(org), { targetOrg: 'prod', failOn: 'high' })).failed).to.equal(true);
    expect((await runAudit(metadataOrgApi(org), { targetOrg: 'prod', failOn: 'critical' })).failed).to.equal(false);
  });
});
