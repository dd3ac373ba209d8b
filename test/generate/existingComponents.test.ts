/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { PlannedComponent, scanExistingComponents } from '../../src/generate/existingComponents.js';

const policyXml = (app: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppOauthConfigurablePolicies xmlns="http://soap.sforce.com/2006/04/metadata">
    <externalClientApplication>${app}</externalClientApplication>
    <label>x</label>
</ExtlClntAppOauthConfigurablePolicies>
`;

describe('scanExistingComponents', () => {
  let root: string;
  let pkg: string;
  let other: string;
  let planned: PlannedComponent[];

  async function put(path: string, content: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'eca-scan-'));
    pkg = join(root, 'force-app');
    other = join(root, 'other-pkg');
    const md = join(pkg, 'main', 'default');
    planned = [
      { type: 'ExternalClientApplication', fullName: 'App', path: join(md, 'externalClientApps', 'App.eca-meta.xml') },
      {
        type: 'ExtlClntAppOauthConfigurablePolicies',
        fullName: 'App_oauthPlcy',
        path: join(md, 'extlClntAppOauthPolicies', 'App_oauthPlcy.ecaOauthPlcy-meta.xml'),
      },
      { type: 'Profile', fullName: 'App Integration', path: join(md, 'profiles', 'App Integration.profile-meta.xml') },
    ];
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds nothing in an empty project', async () => {
    expect(await scanExistingComponents([pkg, other], 'App', planned)).to.deep.equal({ adopted: {}, duplicates: [] });
  });

  it('adopts a satellite of the app under another name, found by its externalClientApplication', async () => {
    const retrieved = join(other, 'x', 'extlClntAppOauthPolicies', 'App_oauth_defaultPolicy.ecaOauthPlcy-meta.xml');
    await put(retrieved, policyXml('App'));
    await put(join(pkg, 'extlClntAppOauthPolicies', 'Other_oauthPlcy.ecaOauthPlcy-meta.xml'), policyXml('Other_App'));
    const scan = await scanExistingComponents([pkg, other], 'App', planned);
    expect(scan.adopted).to.deep.equal({
      ExtlClntAppOauthConfigurablePolicies: {
        type: 'ExtlClntAppOauthConfigurablePolicies',
        path: retrieved,
        fullName: 'App_oauth_defaultPolicy',
      },
    });
    expect(scan.duplicates).to.deep.equal([]);
  });

  it('adopts nothing when the component is already at its default path', async () => {
    await put(planned[1].path, policyXml('App'));
    await put(planned[0].path, '<ExternalClientApplication/>');
    expect(await scanExistingComponents([pkg], 'App', planned)).to.deep.equal({ adopted: {}, duplicates: [] });
  });

  it('adopts the header and profile by name in another package directory', async () => {
    const header = join(other, 'externalClientApps', 'App.eca-meta.xml');
    const profile = join(other, 'profiles', 'App Integration.profile-meta.xml');
    await put(header, '<ExternalClientApplication/>');
    await put(profile, '<Profile/>');
    await put(join(other, 'profiles', 'Admin.profile-meta.xml'), '<Profile/>');
    const scan = await scanExistingComponents([pkg, other], 'App', planned);
    expect(scan.adopted.ExternalClientApplication?.path).to.equal(header);
    expect(scan.adopted.Profile).to.deep.equal({ type: 'Profile', path: profile, fullName: 'App Integration' });
  });

  it('reports several files of one type for the app as duplicates and adopts none of them', async () => {
    const a = join(pkg, 'extlClntAppOauthPolicies', 'A.ecaOauthPlcy-meta.xml');
    const b = join(other, 'extlClntAppOauthPolicies', 'B.ecaOauthPlcy-meta.xml');
    await put(a, policyXml('App'));
    await put(b, policyXml('App'));
    const scan = await scanExistingComponents([pkg, other, pkg], 'App', planned);
    expect(scan.adopted).to.deep.equal({});
    expect(scan.duplicates).to.have.length(1);
    expect(scan.duplicates[0].map((f) => f.path).sort()).to.deep.equal([a, b].sort());
  });

  it('ignores malformed files', async () => {
    await put(join(pkg, 'extlClntAppOauthPolicies', 'Broken.ecaOauthPlcy-meta.xml'), '<not xml');
    expect(await scanExistingComponents([pkg], 'App', planned)).to.deep.equal({ adopted: {}, duplicates: [] });
  });
});
