/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { appNamesOf, listMetadataFiles } from '../../src/project/metadataFiles.js';

describe('project metadataFiles', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metadata-files-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const put = async (path: string): Promise<void> => {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), '<x/>');
  };

  it('finds the files of the generated types by name in every package directory, sorted by path', async () => {
    await put('force-app/main/default/externalClientApps/Billing_Sync.eca-meta.xml');
    await put('force-app/main/default/extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy-meta.xml');
    await put('other/deep/profiles/Billing%20Sync%20Integration.profile-meta.xml');
    await put('force-app/main/default/classes/NotOurs.cls-meta.xml');
    await put('force-app/main/default/externalClientApps/readme.txt');
    const files = await listMetadataFiles([join(dir, 'other'), join(dir, 'force-app')]);
    expect(files.map((f) => ({ ...f, path: relative(dir, f.path) }))).to.deep.equal([
      {
        type: 'ExternalClientApplication',
        path: 'force-app/main/default/externalClientApps/Billing_Sync.eca-meta.xml',
        fullName: 'Billing_Sync',
      },
      {
        type: 'ExtlClntAppOauthConfigurablePolicies',
        path: 'force-app/main/default/extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy-meta.xml',
        fullName: 'Billing_Sync_oauthPlcy',
      },
      // Component names are URL-encoded in file names, as SDR writes them.
      { type: 'Profile', path: 'other/deep/profiles/Billing%20Sync%20Integration.profile-meta.xml', fullName: 'Billing Sync Integration' },
    ]);
  });

  it('keeps a file name that is not valid URL encoding as it is', async () => {
    await put('force-app/profiles/100%.profile-meta.xml');
    const [file] = await listMetadataFiles([join(dir, 'force-app')]);
    expect(file.fullName).to.equal('100%');
  });

  it('names the apps of the project once each, sorted', () => {
    const file = (type: 'ExternalClientApplication' | 'Profile', fullName: string): { type: typeof type; path: string; fullName: string } => ({
      type,
      path: `/${fullName}`,
      fullName,
    });
    expect(appNamesOf([file('ExternalClientApplication', 'Zed'), file('Profile', 'Alpha'), file('ExternalClientApplication', 'Beta'), file('ExternalClientApplication', 'Zed')])).to.deep.equal([
      'Beta',
      'Zed',
    ]);
  });
});
