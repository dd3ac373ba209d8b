/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { rm } from 'node:fs/promises';
import { expect } from 'chai';
import { contentKey, type InventoryRequest, readOrgInventory, findAppComponent, inventoryRequest } from '../../src/deploy/orgInventory.js';
import { readAppFiles } from '../../src/project/projectFiles.js';
import { fakeApi, fakeOrg } from './fakeOrgApi.js';
import { type AppProject, writeAppProject } from './fixtures.js';

const APP = 'My_Integration';
const RUN_AS = 'integration.user@example.com.test';

function request(extra: Partial<InventoryRequest> = {}): InventoryRequest {
  return {
    appName: APP,
    localNames: {
      ExtlClntAppGlobalOauthSettings: `${APP}_glbloauth`,
      ExtlClntAppOauthSettings: `${APP}_oauth`,
      ExtlClntAppOauthConfigurablePolicies: `${APP}_oauthPlcy`,
      ExtlClntAppConfigurablePolicies: `${APP}_plcy`,
    },
    runAsUsername: RUN_AS,
    profileName: 'My Integration Profile',
    otherProfileNames: [],
    permissionSetNames: [],
    ...extra,
  };
}

const setupComponents = [
  { type: 'ExternalClientApplication', fullName: APP },
  { type: 'ExtlClntAppGlobalOauthSettings', fullName: `${APP}_glbloauth`, externalClientApplication: APP },
  { type: 'ExtlClntAppOauthSettings', fullName: `${APP}_oauth`, externalClientApplication: APP },
  { type: 'ExtlClntAppOauthConfigurablePolicies', fullName: `${APP}_oauthPlcy`, externalClientApplication: APP },
  { type: 'ExtlClntAppConfigurablePolicies', fullName: `${APP}_plcy`, externalClientApplication: APP },
];

describe('deploy orgInventory', () => {
  it('reads a fresh org with 2 listMetadata calls, 3 queries and one readMetadata (the ECA org setting)', async () => {
    const api = fakeApi(fakeOrg());
    const inventory = await readOrgInventory(api, request());
    expect(inventory.ecaAvailable).to.equal(true);
    expect(inventory.appExists).to.equal(false);
    expect(inventory.components).to.deep.equal({});
    expect(inventory.runAsUser).to.equal(undefined);
    expect(api.calls.filter((c) => c.method === 'listMetadata').map((c) => c.arg.split(',').length)).to.deep.equal([3, 2]);
    expect(api.calls.filter((c) => c.method === 'readMetadata').map((c) => c.arg)).to.deep.equal(['ExternalClientAppSettings']);
    expect(api.calls.filter((c) => c.method === 'query')).to.have.length(3); // user, profile, permissions
    expect(inventory.requests).to.equal(api.calls.length);
  });

  it('keeps permission sets and profiles in records without a prototype (issue 13: names like constructor)', async () => {
    const api = fakeApi(fakeOrg());
    const inventory = await readOrgInventory(api, request({ permissionSetNames: ['constructor', '__proto__'], otherProfileNames: ['valueOf'] }));
    const permissionSets: Record<string, unknown> = inventory.permissionSets;
    const profiles: Record<string, unknown> = inventory.profiles;
    expect(permissionSets['constructor']).to.equal(undefined);
    expect(permissionSets['__proto__']).to.equal(undefined);
    expect(profiles['valueOf']).to.equal(undefined);
  });

  it('matches satellites by name without a search when the org has the project names, then reads each one for its content', async () => {
    const api = fakeApi(fakeOrg({ components: setupComponents }));
    const inventory = await readOrgInventory(api, request());
    expect(inventory.appExists).to.equal(true);
    expect(inventory.components.ExtlClntAppOauthConfigurablePolicies).to.deep.equal({ fullName: `${APP}_oauthPlcy`, matchedBy: 'name' });
    // One read per type, of the app's own component only (what deploy compares with the project's files).
    const reads = api.calls.filter((c) => c.method === 'readMetadata' && c.arg !== 'ExternalClientAppSettings');
    expect(reads.map((c) => [c.arg, c.extra])).to.have.deep.members(
      setupComponents.map((c) => [c.type, [c.fullName]])
    );
    expect(inventory.content[contentKey('ExtlClntAppOauthConfigurablePolicies', `${APP}_oauthPlcy`)]).to.include({
      externalClientApplication: APP,
    });
  });

  it('finds a deploy-generated default policy by reading it, and reads names with the app prefix first', async () => {
    const others = Array.from({ length: 12 }, (_, i) => ({
      type: 'ExtlClntAppOauthConfigurablePolicies',
      fullName: `Aaa_${i}_defaultPolicy`,
      externalClientApplication: `Aaa_${i}`,
    }));
    const api = fakeApi(
      fakeOrg({
        components: [
          ...setupComponents.filter((c) => c.type !== 'ExtlClntAppOauthConfigurablePolicies'),
          ...others,
          { type: 'ExtlClntAppOauthConfigurablePolicies', fullName: `${APP}_oauth_defaultPolicy`, externalClientApplication: APP },
        ],
      })
    );
    const inventory = await readOrgInventory(api, request());
    expect(inventory.components.ExtlClntAppOauthConfigurablePolicies).to.deep.equal({
      fullName: `${APP}_oauth_defaultPolicy`,
      matchedBy: 'externalClientApplication',
    });
    const reads = api.calls.filter(
      (c) => c.method === 'readMetadata' && c.arg === 'ExtlClntAppOauthConfigurablePolicies'
    );
    // One search read (the app's prefix first), then the content read of the found policy.
    expect(reads.map((c) => (c.extra as string[])[0])).to.deep.equal([`${APP}_oauth_defaultPolicy`, `${APP}_oauth_defaultPolicy`]);
  });

  it('reads in batches of 10 until the app satellite is found among arbitrary names', async () => {
    const others = Array.from({ length: 14 }, (_, i) => ({
      type: 'ExtlClntAppOauthSettings',
      fullName: `Zz_${String(i).padStart(2, '0')}`,
      externalClientApplication: `Other_${i}`,
    }));
    others[12].externalClientApplication = APP;
    const api = fakeApi(
      fakeOrg({ components: [...setupComponents.filter((c) => c.type !== 'ExtlClntAppOauthSettings'), ...others] })
    );
    const inventory = await readOrgInventory(api, request());
    expect(inventory.components.ExtlClntAppOauthSettings?.fullName).to.equal('Zz_12');
    expect(
      api.calls.filter((c) => c.method === 'readMetadata' && c.arg === 'ExtlClntAppOauthSettings').map((c) => (c.extra as string[]).length)
    ).to.deep.equal([10, 4, 1]);
  });

  it('does not read satellites of other apps when this app is not in the org', async () => {
    const api = fakeApi(
      fakeOrg({ components: [{ type: 'ExtlClntAppOauthSettings', fullName: 'X_oauth', externalClientApplication: 'X' }] })
    );
    const inventory = await readOrgInventory(api, request());
    expect(inventory.components).to.deep.equal({});
    expect(api.calls.filter((c) => c.method === 'readMetadata' && c.arg !== 'ExternalClientAppSettings')).to.have.length(0);
  });

  it('reports ECAs unavailable when the org does not know the types', async () => {
    const inventory = await readOrgInventory(fakeApi(fakeOrg({ noEca: true })), request());
    expect(inventory.ecaAvailable).to.equal(false);
  });

  it('reports ECAs unavailable when the org setting says so, and unknown when the org does not say', async () => {
    expect((await readOrgInventory(fakeApi(fakeOrg({ ecaSetting: 'false' })), request())).ecaAvailable).to.equal(false);
    expect((await readOrgInventory(fakeApi(fakeOrg({ ecaSetting: 'true' })), request())).ecaAvailable).to.equal(true);
    expect((await readOrgInventory(fakeApi(fakeOrg({})), request())).ecaAvailable).to.equal(true);
  });

  it('leaves permissions unknown when UserPermissionAccess is not supported', async () => {
    const inventory = await readOrgInventory(fakeApi(fakeOrg({ permissions: 'unsupported' })), request());
    expect(inventory.permissions).to.equal(undefined);
  });

  it('counts Manage Internal Users as enough to create the user', async () => {
    const inventory = await readOrgInventory(
      fakeApi(fakeOrg({ permissions: { PermissionsCustomizeApplication: true, PermissionsManageInternalUsers: true } })),
      request()
    );
    expect(inventory.permissions).to.deep.equal({ customizeApplication: true, manageUsers: true, modifyAllData: false });
  });

  it('reads the deploying user permissions', async () => {
    const inventory = await readOrgInventory(
      fakeApi(fakeOrg({ permissions: { PermissionsCustomizeApplication: true, PermissionsManageUsers: false, PermissionsModifyAllData: false } })),
      request()
    );
    expect(inventory.permissions).to.deep.equal({ customizeApplication: true, manageUsers: false, modifyAllData: false });
  });

  it('reads the Run As user, its profile, the permission sets and existing assignments', async () => {
    const api = fakeApi(
      fakeOrg({
        users: [{ Id: '005000000000009AAA', Username: RUN_AS, IsActive: false, ProfileId: '00e000000000002AAA' }],
        profiles: [{ Id: '00e000000000002AAA', Name: 'My Integration Profile', PermissionsApiEnabled: true }],
        permissionSets: [
          { Id: '0PS000000000001AAA', Name: 'A', PermissionsApiEnabled: true },
          { Id: '0PS000000000002AAA', Name: 'B' },
        ],
        assignments: [{ AssigneeId: '005000000000009AAA', PermissionSetId: '0PS000000000001AAA' }],
      })
    );
    const inventory = await readOrgInventory(api, request({ permissionSetNames: ['A', 'B', 'Missing'] }));
    expect(inventory.runAsUser).to.deep.include({
      id: '005000000000009AAA',
      isActive: false,
      profileName: 'My Integration Profile',
      profileApiEnabled: true,
      apiEnabledByPermissionSet: true,
    });
    expect(inventory.profiles['My Integration Profile']).to.deep.include({ id: '00e000000000002AAA', apiEnabled: true });
    expect(inventory.permissionSets).to.deep.equal({ A: '0PS000000000001AAA', B: '0PS000000000002AAA' });
    expect(inventory.assignedPermissionSetIds).to.deep.equal(['0PS000000000001AAA']);
  });

  it('quotes values in SOQL so a username cannot break the query', async () => {
    const api = fakeApi(fakeOrg());
    await readOrgInventory(api, request({ runAsUsername: "o'brien@example.com" }));
    expect(api.calls.find((c) => c.arg.includes('FROM User'))?.arg).to.include("'o\\'brien@example.com'");
  });

  it('findAppComponent lists one type and reads to find the app own component', async () => {
    const api = fakeApi(
      fakeOrg({
        components: [{ type: 'ExtlClntAppOauthConfigurablePolicies', fullName: `${APP}_oauth_defaultPolicy`, externalClientApplication: APP }],
      })
    );
    expect(await findAppComponent(api, APP, 'ExtlClntAppOauthConfigurablePolicies')).to.equal(`${APP}_oauth_defaultPolicy`);
    expect(await findAppComponent(api, 'Nope', 'ExtlClntAppOauthConfigurablePolicies')).to.equal(undefined);
  });
});

describe('deploy orgInventory inventoryRequest', () => {
  let project: AppProject | undefined;
  afterEach(async () => {
    await project?.cleanup();
    project = undefined;
  });
  const read = (p: AppProject): ReturnType<typeof readAppFiles> => readAppFiles({ projectRoot: p.root, packageDirs: [p.packageDir], apiVersion: '66.0' });

  it("asks for the project's names, the Run As user, the profiles and the permission sets of user definition and policy", async () => {
    project = await writeAppProject({ permsets: ['Integration_Access'], policyPermsets: ['Api_Only', 'Integration_Access'] });
    expect(inventoryRequest(await read(project))).to.deep.equal({
      appName: APP,
      localNames: {
        ExtlClntAppGlobalOauthSettings: `${APP}_glbloauth`,
        ExtlClntAppOauthSettings: `${APP}_oauth`,
        ExtlClntAppOauthConfigurablePolicies: `${APP}_oauthPlcy`,
        ExtlClntAppConfigurablePolicies: `${APP}_plcy`,
      },
      runAsUsername: RUN_AS,
      profileName: 'My Integration Profile',
      otherProfileNames: ['My Integration Profile'],
      permissionSetNames: ['Integration_Access', 'Api_Only', 'Integration_Access'],
      projectProfile: 'My Integration Profile',
      projectPermissionSets: [],
    });
  });

  it('leaves out the app policy when the project has none, and permission sets when there is no user definition', async () => {
    project = await writeAppProject({ withUserDef: false, withProfile: false });
    await rm(project.files.extlClntAppPolicies);
    const asked = inventoryRequest(await read(project));
    expect(asked.localNames).to.not.have.property('ExtlClntAppConfigurablePolicies');
    expect(asked.localNames.ExtlClntAppOauthConfigurablePolicies).to.equal(`${APP}_oauthPlcy`);
    expect(asked.permissionSetNames).to.deep.equal([]);
    expect(asked.profileName).to.equal(undefined);
    expect(asked.otherProfileNames).to.deep.equal([]);
  });
});
