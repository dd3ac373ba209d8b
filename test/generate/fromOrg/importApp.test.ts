/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { generateFromOrg } from '../../../src/generate/fromOrg/importApp.js';
import { metadataOrgApi, type MetadataOrg } from '../../org/metadataOrgFake.js';

const RUN_AS = 'int@example.com';

function org(): MetadataOrg {
  return {
    records: {
      ExternalClientApplication: [{ fullName: 'Billing', contactEmail: 'owner@example.com', label: 'Billing' }],
      ExtlClntAppGlobalOauthSettings: [{ fullName: 'Billing_glbloauth', externalClientApplication: 'Billing', isClientCredentialsFlowEnabled: 'false' }],
      ExtlClntAppOauthSettings: [{ fullName: 'Billing_oauth', externalClientApplication: 'Billing', commaSeparatedOauthScopes: 'Api' }],
      ExtlClntAppOauthConfigurablePolicies: [],
      ExtlClntAppConfigurablePolicies: [],
      ConnectedApp: [{ fullName: 'Legacy', contactEmail: 'o@example.com', label: 'Legacy', oauthConfig: { callbackUrl: 'https://x.example.com', consumerKey: 'K' } }],
    },
    query: (soql) => (soql.includes(`'${RUN_AS}'`) ? [{ Username: RUN_AS, IsActive: true, Profile: { Name: 'Minimum Access - API Only Integrations' } }] : []),
  };
}

describe('generate/fromOrg/importApp', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'from-org-'));
    await mkdir(join(dir, 'force-app'));
    await writeFile(join(dir, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '64.0' }));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const options = (): Parameters<typeof generateFromOrg>[2] => ({ cwd: dir, force: false, targetOrg: 'prod' });
  const files = async (): Promise<string[]> => (await readdir(dir, { recursive: true })).sort();

  it('an ECA with an existing Run As user: its profile, pre-authorized by the access permission set its user definition assigns; a component the org lacks comes from the template', async () => {
    const { result } = await generateFromOrg({ name: 'Billing', runAsUsername: RUN_AS }, metadataOrgApi(org()), options());
    expect(result.fromOrg).to.deep.equal({ targetOrg: 'prod', kind: 'ExternalClientApplication', runAsUserExists: true });
    expect(result.profileName).to.equal('Minimum Access - API Only Integrations');
    expect(result.preAuthorizedPermissionSets).to.include('Billing_Access');
    expect(result.files.map((f) => f.type).sort()).to.deep.equal([
      'ExternalClientApplication',
      'ExtlClntAppConfigurablePolicies',
      'ExtlClntAppGlobalOauthSettings',
      'ExtlClntAppOauthConfigurablePolicies',
      'ExtlClntAppOauthSettings',
      'Manifest',
      'PermissionSet',
      'UserDefinition',
    ]);
    const userDefinition = result.files.find((f) => f.type === 'UserDefinition');
    const definition = JSON.parse(await readFile(userDefinition?.path ?? '', 'utf8')) as { Username: string; permsets: string[] };
    expect(definition.Username).to.equal(RUN_AS);
    expect(definition.permsets).to.include('Billing_Access');
  });

  it('an ECA with an existing Run As user and --no-access-permission-set: no permission set, no user definition', async () => {
    const { result } = await generateFromOrg({ name: 'Billing', runAsUsername: RUN_AS, accessPermissionSet: false }, metadataOrgApi(org()), options());
    expect(result.files.map((f) => f.type)).to.not.include.members(['PermissionSet', 'UserDefinition']);
  });

  it('a connected app: its file and a manifest, the key reported and not written', async () => {
    const { result } = await generateFromOrg({ name: 'Legacy', runAsUsername: RUN_AS }, metadataOrgApi(org()), options());
    expect(result.fromOrg).to.deep.include({ kind: 'ConnectedApp', consumerKey: 'K' });
    expect(result.files.map((f) => f.type)).to.deep.equal(['ConnectedApp', 'Manifest']);
  });

  it('refuses, writing nothing: no such app, an inactive Run As user, a connected app without its Run As user', async () => {
    const before = await files();
    const nameOf = (e: unknown): string => (e as Error).name;
    expect(nameOf(await generateFromOrg({ name: 'Nope', runAsUsername: RUN_AS }, metadataOrgApi(org()), options()).catch((e: unknown) => e))).to.equal(
      'AppNotFoundError'
    );
    const inactive = org();
    inactive.query = (): Array<Record<string, unknown>> => [{ Username: RUN_AS, IsActive: false }];
    expect(nameOf(await generateFromOrg({ name: 'Billing', runAsUsername: RUN_AS }, metadataOrgApi(inactive), options()).catch((e: unknown) => e))).to.equal(
      'RunAsUserInactiveError'
    );
    expect(
      nameOf(await generateFromOrg({ name: 'Legacy', runAsUsername: 'new@example.com' }, metadataOrgApi(org()), options()).catch((e: unknown) => e))
    ).to.equal('ConnectedAppRunAsUserMissingError');
    expect(await files()).to.deep.equal(before);
  });
});
