/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type ConnectedAppDeployer, connectedAppFileProblems, deployConnectedApp } from '../../src/deploy/connectedAppDeploy.js';
import { parseMetadataXml } from '../../src/metadata/xml.js';
import { metadataOrgApi, type MetadataOrg } from '../org/metadataOrgFake.js';

function appXml(oauthConfig: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <contactEmail>a@example.com</contactEmail>
    <label>Legacy</label>
    ${oauthConfig}
</ConnectedApp>
`;
}

const ENABLED =
  '<oauthConfig><callbackUrl>https://example.com/cb</callbackUrl><isClientCredentialEnabled>true</isClientCredentialEnabled><oauthClientCredentialUser>int@example.com</oauthClientCredentialUser></oauthConfig>';

describe('deploy/connectedAppDeploy', () => {
  let dir: string;
  let deploys: Array<{ path: string; checkOnly: boolean }>;
  const deployer: ConnectedAppDeployer = (path, checkOnly) => {
    deploys.push({ path, checkOnly });
    return Promise.resolve({ id: '0Af1', success: true, state: checkOnly ? 'Validated' : 'Changed' });
  };

  function org(partial: Partial<MetadataOrg> = {}): MetadataOrg {
    return {
      records: { ConnectedApp: [{ fullName: 'Legacy', label: 'Legacy' }] },
      query: (soql) => (soql.includes("'int@example.com'") ? [{ Username: 'int@example.com', IsActive: true }] : []),
      ...partial,
    };
  }

  async function file(xml: string): Promise<{ fullName: string; filePath: string }> {
    const filePath = join(dir, 'force-app', 'main', 'default', 'connectedApps', 'Legacy.connectedApp-meta.xml');
    await mkdir(join(dir, 'force-app', 'main', 'default', 'connectedApps'), { recursive: true });
    await writeFile(filePath, xml);
    return { fullName: 'Legacy', filePath };
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ca-deploy-'));
    deploys = [];
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lists every problem of the file: no OAuth, a consumer key or secret, the flow off, no Run As user', () => {
    const problems = (xml: string, flag?: string): string[] => connectedAppFileProblems(parseMetadataXml(xml).fields, flag).problems;
    expect(problems(appXml(''))).to.have.length(1);
    expect(problems(appXml('<oauthConfig><consumerKey>K</consumerKey><consumerSecret>S</consumerSecret></oauthConfig>'))).to.have.length(4);
    expect(problems(appXml(ENABLED))).to.deep.equal([]);
    expect(problems(appXml(ENABLED), 'other@example.com')).to.have.length(1);
  });

  it('deploys an existing app after checking its Run As user', async () => {
    const outcome = await deployConnectedApp({ file: await file(appXml(ENABLED)), projectRoot: dir, targetOrg: 'prod', dryRun: false }, metadataOrgApi(org()), deployer);
    expect(outcome).to.deep.equal({ runAsUsername: 'int@example.com', userCreated: false, state: 'Changed', deployId: '0Af1' });
    expect(deploys).to.have.length(1);
  });

  it('never creates a connected app: an app not in the org is refused before any deploy', async () => {
    const request = { file: await file(appXml(ENABLED)), projectRoot: dir, targetOrg: 'prod', dryRun: false };
    const err = await deployConnectedApp(request, metadataOrgApi(org({ records: { ConnectedApp: [] } })), deployer).catch((e: Error) => e);
    expect((err as Error).name).to.equal('NotInOrgError');
    expect(deploys).to.deep.equal([]);
  });

  it('refuses a managed app, a missing or inactive Run As user, and a file with a consumer key, before any deploy', async () => {
    const enabled = await file(appXml(ENABLED));
    const request = { file: enabled, projectRoot: dir, targetOrg: 'prod', dryRun: false };
    const managed = org({ records: { ConnectedApp: [{ fullName: 'Legacy', namespacePrefix: 'acme', manageableState: 'installed' }] } });
    expect(((await deployConnectedApp(request, metadataOrgApi(managed), deployer).catch((e: Error) => e)) as Error).name).to.equal('ManagedError');
    const noUser = org({ query: () => [] });
    expect(((await deployConnectedApp(request, metadataOrgApi(noUser), deployer).catch((e: Error) => e)) as Error).name).to.equal(
      'RunAsUserMissingError'
    );
    const inactive = org({ query: () => [{ Username: 'int@example.com', IsActive: false }] });
    expect(((await deployConnectedApp(request, metadataOrgApi(inactive), deployer).catch((e: Error) => e)) as Error).name).to.equal(
      'RunAsUserInactiveError'
    );
    const withKey = await file(appXml(ENABLED.replace('<callbackUrl>', '<consumerKey>K</consumerKey><callbackUrl>')));
    const keyErr = await deployConnectedApp({ ...request, file: withKey }, metadataOrgApi(org()), deployer).catch((e: Error) => e);
    expect((keyErr as Error).name).to.equal('InvalidFileError');
    expect(deploys).to.deep.equal([]);
  });

  it('with a user definition for a missing Run As user: a dry run deploys nothing, a missing permission set stops first', async () => {
    const definition = {
      Username: 'int@example.com',
      LastName: 'Integration',
      Email: 'int@example.com',
      Alias: 'int',
      profileName: 'Minimum Access - API Only Integrations',
      permsets: ['Missing_Access'],
      LocaleSidKey: 'en_US',
      TimeZoneSidKey: 'America/Los_Angeles',
      LanguageLocaleKey: 'en_US',
      EmailEncodingKey: 'UTF-8',
    };
    const noUser = org({ query: (soql) => (soql.includes('FROM Profile') ? [{ Id: '00e1' }] : []) });
    const request = { file: await file(appXml(ENABLED)), projectRoot: dir, targetOrg: 'prod', userDefinition: definition };
    const dry = await deployConnectedApp({ ...request, dryRun: true }, metadataOrgApi(noUser), deployer);
    expect(dry).to.deep.include({ userCreated: true, state: 'NotValidated' });
    const err = await deployConnectedApp({ ...request, dryRun: false }, metadataOrgApi(noUser), deployer).catch((e: Error) => e);
    expect((err as Error).name).to.equal('PermissionSetsMissingError');
    expect(deploys).to.deep.equal([]);
    // A definition of another user doesn't count.
    const other = { ...request, dryRun: false, userDefinition: { ...definition, Username: 'someone@example.com' } };
    expect(((await deployConnectedApp(other, metadataOrgApi(noUser), deployer).catch((e: Error) => e)) as Error).name).to.equal(
      'RunAsUserMissingError'
    );
  });

  it('reports an org refusal with its problem', async () => {
    const failing: ConnectedAppDeployer = () => Promise.resolve({ id: '0Af2', success: false, state: 'Failed', problem: 'You cannot provide a Consumer Key' });
    const err = await deployConnectedApp(
      { file: await file(appXml(ENABLED)), projectRoot: dir, targetOrg: 'prod', dryRun: true },
      metadataOrgApi(org()),
      failing
    ).catch((e: Error) => e);
    expect((err as Error).name).to.equal('DeployFailedError');
    expect((err as Error).message).to.include('You cannot provide a Consumer Key');
  });
});
