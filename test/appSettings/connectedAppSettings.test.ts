/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { readProjectConnectedAppSettings } from '../../src/appSettings/connectedAppSettings.js';
import { findConnectedAppFiles } from '../../src/project/connectedAppFiles.js';

describe('appSettings/connectedAppSettings (and project/connectedAppFiles)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ca-settings-'));
    await mkdir(join(dir, 'force-app', 'main', 'default', 'connectedApps'), { recursive: true });
    await writeFile(
      join(dir, 'force-app', 'main', 'default', 'connectedApps', 'Legacy.connectedApp-meta.xml'),
      `<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <label>Legacy</label>
    <oauthConfig>
        <isClientCredentialEnabled>true</isClientCredentialEnabled>
        <oauthClientCredentialUser> int@example.com </oauthClientCredentialUser>
    </oauthConfig>
</ConnectedApp>
`
    );
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('finds the file by name and reads its execution user as the Run As user', async () => {
    expect(await findConnectedAppFiles([join(dir, 'force-app')], 'Legacy')).to.have.length(1);
    expect(await findConnectedAppFiles([join(dir, 'force-app')], 'Other')).to.deep.equal([]);
    const settings = await readProjectConnectedAppSettings([join(dir, 'force-app')], 'Legacy');
    expect(settings).to.deep.equal({ source: 'project', appName: 'Legacy', appFound: true, runAsUser: 'int@example.com', locations: {} });
    expect(await readProjectConnectedAppSettings([join(dir, 'force-app')], 'Other')).to.equal(undefined);
  });
});
