/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { readOrgForDeploy } from '../../src/deploy/orgReading.js';
import { PermissionDependencyResolver } from '../../src/deploy/permissionDependencies.js';
import type { OrgApi } from '../../src/org/orgApi.js';
import { type AppFiles, readAppFiles } from '../../src/project/projectFiles.js';
import { type Call, fakeApi, fakeOrg, type FakeOrg } from './fakeOrgApi.js';
import { type AppProject, writeAppProject } from './fixtures.js';

const RUN_AS = 'integration.user@example.com';

/** The fake org behind a gate: calls are recorded when made, answered only after open(). */
function gatedApi(org: FakeOrg): { api: OrgApi; calls: Call[]; open: () => void } {
  const inner = fakeApi(org);
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const gated = Object.fromEntries(
    (['query', 'describe', 'toolingQuery', 'listMetadata', 'readMetadata', 'create'] as const).map((method) => [
      method,
      async (...args: unknown[]): Promise<unknown> => {
        const call = (inner[method] as (...a: unknown[]) => Promise<unknown>)(...args);
        call.catch(() => undefined);
        await gate;
        return call;
      },
    ])
  ) as unknown as OrgApi;
  return { api: gated, calls: inner.calls, open };
}

const ticks = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) {
    // eslint-disable-next-line no-await-in-loop
    await new Promise((resolve) => setImmediate(resolve));
  }
};

describe('deploy/orgReading', () => {
  let project: AppProject;
  let files: AppFiles;

  beforeEach(async () => {
    project = await writeAppProject({ runAs: RUN_AS });
    files = await readAppFiles({ projectRoot: project.root, packageDirs: [project.packageDir], apiVersion: '66.0' });
  });
  afterEach(() => project.cleanup());

  it('asks for the inventory, the sandbox copies of the Run As user and the org permissions before any answer', async () => {
    const { api, calls, open } = gatedApi(fakeOrg());
    const reading = readOrgForDeploy(api, files, { dryRun: false, runAsFromFlag: false, permissions: new PermissionDependencyResolver(api) });
    await ticks();
    const sent = calls.map((c) => `${c.method} ${c.arg}`);
    expect(sent.some((c) => c.startsWith('listMetadata')), sent.join('\n')).to.equal(true);
    expect(sent.some((c) => c.includes('FROM User WHERE Username = ')), 'the inventory').to.equal(true);
    expect(sent.some((c) => c.includes('FROM User WHERE Username LIKE \'integration.user@example.com.%\'')), 'sandbox copies').to.equal(true);
    expect(sent).to.include('describe Profile');
    expect(sent.some((c) => c.startsWith('toolingQuery') && c.includes('PermissionDependency')), 'dependencies').to.equal(true);
    open();
    const read = await reading;
    expect(read.inventory.runAsUser).to.equal(undefined);
    expect(read.sandboxMatch).to.equal(undefined);
    expect(read.files.runAsUsername).to.equal(RUN_AS);
    expect(read.plan.steps.find((s) => s.step === 'user')?.action).to.equal('create');
  });

  it('does not look for sandbox copies when --run-as-username names the user', async () => {
    const api = fakeApi(fakeOrg());
    await readOrgForDeploy(api, files, { dryRun: false, runAsFromFlag: true, permissions: new PermissionDependencyResolver(api) });
    expect(api.calls.filter((c) => c.arg.includes(' LIKE '))).to.deep.equal([]);
  });

  it('uses the one sandbox copy of a missing Run As user: the files carry its username, the inventory is read again', async () => {
    const org = fakeOrg({ isSandbox: true });
    const profileId = org.profiles[0].Id;
    org.users.push({ Id: '005000000000009AAA', Username: `${RUN_AS}.uat2`, IsActive: true, ProfileId: profileId });
    const api = fakeApi(org);
    const read = await readOrgForDeploy(api, files, { dryRun: false, runAsFromFlag: false, permissions: new PermissionDependencyResolver(api) });
    expect(read.sandboxMatch).to.deep.equal({ fromProject: RUN_AS, inOrg: `${RUN_AS}.uat2`, suffix: 'uat2' });
    expect(read.files.runAsUsername).to.equal(`${RUN_AS}.uat2`);
    expect(read.inventory.runAsUser?.id).to.equal('005000000000009AAA');
    expect(api.calls.filter((c) => c.arg.includes('FROM User WHERE Username = '))).to.have.length(2);
  });

  it('a user that exists makes the sandbox lookup moot, even when it failed (several copies)', async () => {
    const org = fakeOrg({ isSandbox: true });
    const profileId = org.profiles[0].Id;
    for (const username of [RUN_AS, `${RUN_AS}.uat1`, `${RUN_AS}.uat2`]) {
      org.users.push({ Id: `005${username.length}00000000${org.users.length}AAA`, Username: username, IsActive: true, ProfileId: profileId });
    }
    const api = fakeApi(org);
    const read = await readOrgForDeploy(api, files, { dryRun: false, runAsFromFlag: false, permissions: new PermissionDependencyResolver(api) });
    expect(read.sandboxMatch).to.equal(undefined);
    expect(read.files.runAsUsername).to.equal(RUN_AS);
    expect(api.calls.filter((c) => c.arg.includes(' LIKE ')), 'the lookup was made, and its ambiguity dropped').to.have.length(1);
  });

  it('says a missing seat before a failure to read the permissions, and that failure when nothing blocks', async () => {
    const full = fakeApi(fakeOrg({ userLicenses: [{ Name: 'Salesforce', TotalLicenses: 2, UsedLicenses: 2 }] }));
    full.describe = (): Promise<never> => Promise.reject(new Error('socket hang up'));
    const blocked = await readOrgForDeploy(full, files, { dryRun: false, runAsFromFlag: false, permissions: new PermissionDependencyResolver(full) });
    expect(blocked.plan.blockers.join('\n')).to.match(/Salesforce/);

    const free = fakeApi(fakeOrg({ userLicenses: [{ Name: 'Salesforce', TotalLicenses: 5, UsedLicenses: 2 }] }));
    free.describe = (): Promise<never> => Promise.reject(new Error('socket hang up'));
    const error = await readOrgForDeploy(free, files, { dryRun: false, runAsFromFlag: false, permissions: new PermissionDependencyResolver(free) }).then(
      () => undefined,
      (e: Error) => e
    );
    expect(error?.message).to.equal('socket hang up');
  });
});
