/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { findConnectedAppFiles, readConnectedAppOauthConfig } from '../../src/project/connectedAppFiles.js';

const CONNECTED_APP = `<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <contactEmail>admin@acme.com</contactEmail>
    <label>Legacy</label>
    <oauthConfig>
        <callbackUrl>https://login.salesforce.com/services/oauth2/success</callbackUrl>
        <isClientCredentialEnabled>true</isClientCredentialEnabled>
        <oauthClientCredentialUser>integration@acme.com.uat2</oauthClientCredentialUser>
        <scopes>Api</scopes>
        <scopes>RefreshToken</scopes>
    </oauthConfig>
</ConnectedApp>
`;

describe('project/connectedAppFiles', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'eca-connectedappfiles-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  /** Writes `content` at `relativePath` under the temporary root; returns the absolute path. */
  async function put(relativePath: string, content = CONNECTED_APP): Promise<string> {
    const path = join(root, relativePath);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    return path;
  }

  describe('findConnectedAppFiles', () => {
    it('finds the file by name at any depth of the package directories, like SDR', async () => {
      const standard = await put('force-app/main/default/connectedApps/Legacy.connectedApp-meta.xml');
      const elsewhere = await put('other-pkg/deep/er/still/Legacy.connectedApp-meta.xml');
      const found = await findConnectedAppFiles([join(root, 'force-app'), join(root, 'other-pkg')], 'Legacy');
      expect(found).to.have.deep.members([
        { fullName: 'Legacy', filePath: standard },
        { fullName: 'Legacy', filePath: elsewhere },
      ]);
    });

    it('matches the whole name exactly (case, prefixes, suffixes, other types)', async () => {
      await put('force-app/connectedApps/Legacy.connectedApp-meta.xml');
      await put('force-app/connectedApps/Legacy2.connectedApp-meta.xml');
      await put('force-app/connectedApps/My_Legacy.connectedApp-meta.xml');
      await put('force-app/connectedApps/Legacy.connectedApp-meta.xml.bak');
      await put('force-app/externalClientApps/Legacy.eca-meta.xml');
      const dirs = [join(root, 'force-app')];
      expect((await findConnectedAppFiles(dirs, 'Legacy')).map((f) => f.filePath)).to.deep.equal([join(root, 'force-app/connectedApps/Legacy.connectedApp-meta.xml')]);
      expect(await findConnectedAppFiles(dirs, 'legacy')).to.deep.equal([]);
      expect(await findConnectedAppFiles(dirs, 'Leg')).to.deep.equal([]);
      expect(await findConnectedAppFiles(dirs, 'Other')).to.deep.equal([]);
    });

    it('skips node_modules, .sfdx, .sf, .git and other hidden folders', async () => {
      await Promise.all(
        ['node_modules', '.sfdx', '.sf', '.git', '.hidden'].map((skipped) => put(`force-app/${skipped}/connectedApps/Legacy.connectedApp-meta.xml`))
      );
      expect(await findConnectedAppFiles([join(root, 'force-app')], 'Legacy')).to.deep.equal([]);
      const visible = await put('force-app/main/connectedApps/Legacy.connectedApp-meta.xml');
      expect((await findConnectedAppFiles([join(root, 'force-app')], 'Legacy')).map((f) => f.filePath)).to.deep.equal([visible]);
    });

    it('ignores package directories that do not exist or are files', async () => {
      const file = await put('not-a-dir.txt', 'x');
      const found = await put('force-app/connectedApps/Legacy.connectedApp-meta.xml');
      const result = await findConnectedAppFiles([join(root, 'missing'), file, join(root, 'force-app')], 'Legacy');
      expect(result.map((f) => f.filePath)).to.deep.equal([found]);
      expect(await findConnectedAppFiles([], 'Legacy')).to.deep.equal([]);
    });

    it('does not take a folder with the file name for a file', async () => {
      await mkdir(join(root, 'force-app/connectedApps/Legacy.connectedApp-meta.xml'), { recursive: true });
      expect(await findConnectedAppFiles([join(root, 'force-app')], 'Legacy')).to.deep.equal([]);
    });

    it('treats names like constructor and __proto__ as plain names', async () => {
      const ctor = await put('force-app/connectedApps/constructor.connectedApp-meta.xml');
      expect(await findConnectedAppFiles([join(root, 'force-app')], 'constructor')).to.deep.equal([{ fullName: 'constructor', filePath: ctor }]);
      expect(await findConnectedAppFiles([join(root, 'force-app')], '__proto__')).to.deep.equal([]);
    });
  });

  describe('readConnectedAppOauthConfig', () => {
    it('returns the <oauthConfig> of the file, values as text, repeated elements as lists', async () => {
      const path = await put('Legacy.connectedApp-meta.xml');
      expect(await readConnectedAppOauthConfig(path)).to.deep.equal({
        callbackUrl: 'https://login.salesforce.com/services/oauth2/success',
        isClientCredentialEnabled: 'true',
        oauthClientCredentialUser: 'integration@acme.com.uat2',
        scopes: ['Api', 'RefreshToken'],
      });
    });

    it('is undefined for a file without <oauthConfig>', async () => {
      const path = await put('NoOauth.connectedApp-meta.xml', '<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata"><label>x</label></ConnectedApp>');
      expect(await readConnectedAppOauthConfig(path)).to.equal(undefined);
    });

    it('is undefined when <oauthConfig> is text, empty or repeated (not one element with children)', async () => {
      const bodies = ['<oauthConfig>text</oauthConfig>', '<oauthConfig/>', '<oauthConfig><scopes>Api</scopes></oauthConfig><oauthConfig><scopes>Web</scopes></oauthConfig>'];
      const read = await Promise.all(
        bodies.map(async (body, i) => readConnectedAppOauthConfig(await put(`Odd${i}.connectedApp-meta.xml`, `<ConnectedApp>${body}</ConnectedApp>`)))
      );
      expect(read).to.deep.equal([undefined, undefined, undefined]);
    });

    it('is undefined, without throwing, for a file that does not parse or does not exist', async () => {
      const broken = await put('Broken.connectedApp-meta.xml', '<ConnectedApp><oauthConfig><scopes>Api</scopes></ConnectedApp>');
      expect(await readConnectedAppOauthConfig(broken)).to.equal(undefined);
      const doctype = await put('Doctype.connectedApp-meta.xml', '<!DOCTYPE x [<!ENTITY a "b">]><ConnectedApp><oauthConfig><scopes>&a;</scopes></oauthConfig></ConnectedApp>');
      expect(await readConnectedAppOauthConfig(doctype)).to.equal(undefined);
      expect(await readConnectedAppOauthConfig(join(root, 'missing.connectedApp-meta.xml'))).to.equal(undefined);
    });
  });
});
