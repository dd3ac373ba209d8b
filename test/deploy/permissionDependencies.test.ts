/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  catalogFromDescribe,
  dependenciesFromRows,
  filePermissions,
  parseDependsOn,
  PermissionDependencyResolver,
  requiredAdditions,
  toApiName,
  withUserPermissions,
} from '../../src/deploy/permissionDependencies.js';
import type { PlannedComponent } from '../../src/deploy/deployPlan.js';
import { stageFiles } from '../../src/deploy/metadataDeploy.js';
import { fakeApi, fakeOrg } from './fakeOrgApi.js';

const DESCRIBE = [
  { name: 'Id', label: 'Profile ID' },
  { name: 'PermissionsApiEnabled', label: 'API Enabled' },
  { name: 'PermissionsViewAllData', label: 'View All Data' },
  { name: 'PermissionsViewPlatformEvents', label: 'View Real-Time Event Monitoring Data' },
  { name: 'PermissionsViewEventLogFiles', label: 'View Event Log Files' },
  { name: 'PermissionsModifyAllData', label: 'Modify All Data' },
];
const catalog = catalogFromDescribe(DESCRIBE);

const PROFILE = `<?xml version="1.0" encoding="UTF-8"?>
<Profile xmlns="http://soap.sforce.com/2006/04/metadata">
    <custom>true</custom>
    <userLicense>Salesforce</userLicense>
    <userPermissions>
        <enabled>true</enabled>
        <name>ApiEnabled</name>
    </userPermissions>
    <userPermissions>
        <enabled>true</enabled>
        <name>ViewAllData</name>
    </userPermissions>
</Profile>
`;

describe('deploy permissionDependencies', () => {
  it('reads the org\'s permissions (API name and label) from the Permissions<Name> fields of the describe', () => {
    expect([...catalog.byName.values()].map((p) => p.name)).to.deep.equal([
      'ApiEnabled',
      'ViewAllData',
      'ViewPlatformEvents',
      'ViewEventLogFiles',
      'ModifyAllData',
    ]);
    expect(toApiName('View Event Log Files', catalog)).to.equal('ViewEventLogFiles');
    expect(toApiName('vieweventlogfiles', catalog)).to.equal('ViewEventLogFiles');
    expect(toApiName('View Data Leakage Events', catalog), 'not in this org').to.equal(undefined);
  });

  it('maps PermissionDependency rows in either format (API names or labels); drops object rows and unknown values', () => {
    const rows = [
      { Permission: 'ViewAllData', PermissionType: 'User Permission', RequiredPermission: 'ViewPlatformEvents', RequiredPermissionType: 'User Permission' },
      { Permission: 'View All Data', PermissionType: 'UserPermission', RequiredPermission: 'View Event Log Files', RequiredPermissionType: 'UserPermission' },
      { Permission: 'ViewAllData', PermissionType: 'User Permission', RequiredPermission: 'ViewDataLeakageEvents', RequiredPermissionType: 'User Permission' },
      { Permission: 'Read Account', PermissionType: 'Object Permission', RequiredPermission: 'ViewAllData', RequiredPermissionType: 'User Permission' },
    ];
    expect(dependenciesFromRows(rows, catalog)).to.deep.equal([
      { permission: 'ViewAllData', required: 'ViewPlatformEvents' },
      { permission: 'ViewAllData', required: 'ViewEventLogFiles' },
    ]);
  });

  it('adds what enabled permissions need, transitively, only what the org has and never what the file disables', () => {
    const deps = [
      { permission: 'ModifyAllData', required: 'ViewAllData' },
      { permission: 'ViewAllData', required: 'ViewPlatformEvents' },
      { permission: 'ViewAllData', required: 'ViewEventLogFiles' },
      { permission: 'ViewAllData', required: 'ViewDataLeakageEvents' },
    ];
    expect(requiredAdditions(['ApiEnabled', 'ModifyAllData'], [], deps, catalog)).to.deep.equal([
      { permission: 'ViewAllData', requiredBy: 'ModifyAllData' },
      { permission: 'ViewPlatformEvents', requiredBy: 'ViewAllData' },
      { permission: 'ViewEventLogFiles', requiredBy: 'ViewAllData' },
    ]);
    expect(requiredAdditions(['ViewAllData'], ['ViewEventLogFiles'], deps, catalog)).to.deep.equal([
      { permission: 'ViewPlatformEvents', requiredBy: 'ViewAllData' },
    ]);
    expect(requiredAdditions(['ViewAllData', 'ViewPlatformEvents', 'ViewEventLogFiles'], [], deps, catalog)).to.deep.equal([]);
  });

  it('parses the org\'s "depends on permission(s)" error (labels or API names)', () => {
    expect(parseDependsOn('Permission View All Data depends on permission(s): View Event Log Files, ViewPlatformEvents', catalog)).to.deep.equal({
      permission: 'ViewAllData',
      required: ['ViewEventLogFiles', 'ViewPlatformEvents'],
      unknown: [],
    });
    expect(parseDependsOn('Permission View All Data depends on permission(s): View Roles', catalog)).to.deep.include({ required: [], unknown: ['View Roles'] });
    expect(parseDependsOn('Enter a valid execution user', catalog)).to.equal(undefined);
  });

  it('writes added permissions into a copy, sorted by name; a file without userPermissions gets the element', () => {
    const copy = withUserPermissions(PROFILE, ['ViewPlatformEvents', 'ViewEventLogFiles']);
    expect(filePermissions(copy).enabled).to.deep.equal(['ApiEnabled', 'ViewAllData', 'ViewEventLogFiles', 'ViewPlatformEvents']);
    expect(copy.indexOf('<userLicense>')).to.be.lessThan(copy.indexOf('<userPermissions>'));
    const bare = '<?xml version="1.0" encoding="UTF-8"?>\n<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">\n    <label>X</label>\n</PermissionSet>\n';
    expect(filePermissions(withUserPermissions(bare, ['ViewAllData'])).enabled).to.deep.equal(['ViewAllData']);
    expect(withUserPermissions(PROFILE, [])).to.equal(PROFILE);
  });

  describe('PermissionDependencyResolver', () => {
    let dir: string;
    let component: PlannedComponent;

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'perm-deps-'));
      const filePath = join(dir, 'Integration.profile-meta.xml');
      await writeFile(filePath, PROFILE);
      component = { type: 'Profile', fullName: 'Integration', localFullName: 'Integration', filePath, step: 'profile', adopted: false, upToDate: false };
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('completes the deployed copy before the deploy, leaving the project file alone', async () => {
      const api = fakeApi(
        fakeOrg({
          describes: { Profile: DESCRIBE },
          tooling: { PermissionDependency: [{ Permission: 'View All Data', RequiredPermission: 'View Event Log Files' }] },
        })
      );
      const resolver = new PermissionDependencyResolver(api);
      const added = await resolver.completeBeforeDeploy([component]);
      expect(added.map((a) => [a.permission, a.requiredBy, a.source])).to.deep.equal([['ViewEventLogFiles', 'ViewAllData', 'PermissionDependency']]);
      expect(component.addedPermissions).to.deep.equal(['ViewEventLogFiles']);
      const staged = await stageFiles([component]);
      try {
        expect(filePermissions(await readFile(staged.paths[0], 'utf8')).enabled).to.include('ViewEventLogFiles');
      } finally {
        await staged.cleanup();
      }
      expect(await readFile(component.filePath, 'utf8')).to.equal(PROFILE);
    });

    it('goes on without additions when PermissionDependency is unavailable, and says so', async () => {
      const api = fakeApi(fakeOrg({ describes: { Profile: DESCRIBE }, tooling: { PermissionDependency: { errorCode: 'INVALID_TYPE' } } }));
      const resolver = new PermissionDependencyResolver(api);
      expect(await resolver.completeBeforeDeploy([component])).to.deep.equal([]);
      expect(resolver.notes).to.deep.equal([{ kind: 'dependenciesUnavailable' }]);
    });

    it('adds what a "depends on" failure names, once per component', async () => {
      const api = fakeApi(fakeOrg({ describes: { Profile: DESCRIBE } }));
      const resolver = new PermissionDependencyResolver(api);
      const failure = {
        type: 'Profile',
        fullName: 'Integration',
        state: 'Failed' as const,
        problem: 'Permission View All Data depends on permission(s): View Real-Time Event Monitoring Data, View Event Log Files',
      };
      expect(await resolver.addFromFailures([component], [failure])).to.equal(true);
      expect(component.addedPermissions).to.deep.equal(['ViewPlatformEvents', 'ViewEventLogFiles']);
      expect(resolver.additions.every((a) => a.source === 'deployError')).to.equal(true);
      expect(await resolver.addFromFailures([component], [failure]), 'retried once only').to.equal(false);
      expect(await resolver.addFromFailures([component], [{ ...failure, problem: 'something else' }])).to.equal(false);
    });

    it('prefetch starts both reads at once; completing the components later reads nothing again', async () => {
      const api = fakeApi(
        fakeOrg({
          describes: { Profile: DESCRIBE },
          tooling: { PermissionDependency: [{ Permission: 'View All Data', RequiredPermission: 'View Event Log Files' }] },
        })
      );
      const resolver = new PermissionDependencyResolver(api);
      resolver.prefetch();
      expect(api.calls.map((c) => c.method), 'both sent before either answers').to.deep.equal(['describe', 'toolingQuery']);
      const added = await resolver.completeBeforeDeploy([component]);
      expect(added.map((a) => a.permission)).to.deep.equal(['ViewEventLogFiles']);
      expect(api.calls).to.have.length(2);
    });

    it('a prefetched read that fails is said only when it is used: no note, no unhandled rejection when unused', async () => {
      const api = fakeApi(fakeOrg({ tooling: { PermissionDependency: { errorCode: 'INVALID_TYPE' } } }));
      api.describe = (): Promise<never> => Promise.reject(new Error('socket hang up'));
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown): void => {
        unhandled.push(reason);
      };
      process.on('unhandledRejection', onUnhandled);
      try {
        const resolver = new PermissionDependencyResolver(api);
        resolver.prefetch();
        await new Promise((resolve) => setImmediate(resolve));
        expect(await resolver.completeBeforeDeploy([{ ...component, upToDate: true }])).to.deep.equal([]);
        expect(resolver.notes, 'the unavailable dependencies were not needed').to.deep.equal([]);
        const error = await resolver.completeBeforeDeploy([component]).then(
          () => undefined,
          (e: Error) => e
        );
        expect(error?.message).to.equal('socket hang up');
        await new Promise((resolve) => setImmediate(resolve));
        expect(unhandled).to.deep.equal([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });

    it('asks nothing of the org when no profile or permission set that is deployed enables a permission', async () => {
      const api = fakeApi(fakeOrg());
      const resolver = new PermissionDependencyResolver(api);
      expect(await resolver.completeBeforeDeploy([{ ...component, type: 'ExternalClientApplication' }])).to.deep.equal([]);
      expect(await resolver.completeBeforeDeploy([{ ...component, upToDate: true }]), 'not deployed: the org has it').to.deep.equal([]);
      expect(api.calls).to.deep.equal([]);
    });
  });
});
