/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Connection, Messages, type SfError, SfProject } from '@salesforce/core';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { MetadataApi } from '@jsforce/jsforce-node/lib/api/metadata.js';
import { expect } from 'chai';
import Deploy, { componentLines } from '../../../../src/commands/eca/clientcreds/deploy.js';
import type { ComponentReport } from '../../../../src/deploy/deployExecutor.js';
import { type AppProject, policyXml, writeAppProject } from '../../../deploy/fixtures.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

/** What $$.fakeConnectionRequest resolves to (core types it as AnyJson). */
type FakeAnswer = ReturnType<TestContext['fakeConnectionRequest']>;
const answer = (body: object): FakeAnswer => Promise.resolve(body) as FakeAnswer;

const RUN_AS = 'integration.user@example.com.test';
const PROFILE = 'My Integration Profile';

/**
 * The command with TestContext: a mocked org (REST through $$.fakeConnectionRequest, Metadata API list/read stubbed
 * on jsforce's MetadataApi), a hand-written project as cwd. These cover what happens before any deploy: flag and
 * project handling, file problems, org checks. The deploys themselves are covered end to end against the emulator.
 */
describe('eca clientcreds deploy (command)', () => {
  const $$ = new TestContext();
  const testOrg = new MockTestOrgData();
  let project: AppProject;
  let queries: string[];
  let listCalls: number;
  let users: Array<Record<string, unknown>>;

  beforeEach(async () => {
    await $$.stubAuths(testOrg);
    // The mock auth has no cached instanceApiVersion; the org's highest version is asked of /services/data.
    $$.SANDBOX.stub(Connection.prototype, 'retrieveMaxApiVersion').resolves('66.0');
    stubSfCommandUx($$.SANDBOX);
    // TestContext's own project folder, with sfdx-project.json contents stubbed (as the generate command test does).
    SfProject.clearInstances();
    $$.setConfigStubContents('SfProjectJson', {
      contents: { packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '66.0' },
    });
    project = await writeAppProject({ profileName: PROFILE, runAs: RUN_AS }, await $$.localPathRetriever($$.id));
    queries = [];
    listCalls = 0;
    users = [];
    $$.fakeConnectionRequest = (request): FakeAnswer => {
      const url = typeof request === 'string' ? request : (request as { url: string }).url;
      const soql = decodeURIComponent(/[?&]q=([^&]*)/.exec(url)?.[1] ?? '').replace(/\+/g, ' ');
      queries.push(soql);
      if (soql.includes('FROM User ')) return answer({ totalSize: users.length, done: true, records: users });
      if (soql.includes('FROM Profile')) {
        return answer({
          totalSize: 1,
          done: true,
          records: [{ Id: '00e000000000002AAA', Name: PROFILE, PermissionsApiEnabled: true }],
        });
      }
      if (soql.includes('UserPermissionAccess')) {
        return answer({
          totalSize: 1,
          done: true,
          records: [{ PermissionsCustomizeApplication: true, PermissionsManageUsers: true, PermissionsModifyAllData: true }],
        });
      }
      return answer({ totalSize: 0, done: true, records: [] });
    };
    $$.SANDBOX.stub(MetadataApi.prototype, 'list').callsFake(() => {
      listCalls++;
      return Promise.resolve([]);
    });
    // readMetadata of the org's ExternalClientAppSettings: a record without fullName (the org doesn't say).
    $$.SANDBOX.stub(MetadataApi.prototype, 'read').resolves([{}] as never);
  });

  afterEach(async () => {
    $$.restore();
    await project.cleanup();
  });

  async function runError(args: string[]): Promise<SfError> {
    try {
      await Deploy.run(args);
    } catch (e) {
      return e as SfError;
    }
    expect.fail('expected the command to fail');
  }

  it('stops on bad project files before any request of its own', async () => {
    await project.write(
      'force-app/main/default/extlClntAppOauthPolicies/My_Integration_oauthPlcy.ecaOauthPlcy-meta.xml',
      policyXml('My_Integration', undefined)
    );
    const error = await runError(['--target-org', testOrg.username, '--json']);
    expect(error.name).to.equal('InvalidProjectFilesError');
    expect(error.message).to.include(messages.getMessage('problem.runAsMissing'));
    // (core itself reads the Organization record when it loads the org; deploy sends nothing.)
    expect(queries.filter((q) => !q.includes('FROM Organization'))).to.deep.equal([]);
    expect(listCalls).to.equal(0);
  });

  it('stops when --name matches no app', async () => {
    const error = await runError(['--target-org', testOrg.username, '--name', 'Other', '--json']);
    expect(error.name).to.equal('AppNotFoundError');
  });

  it('refuses an API version below 60.0 or above the org maximum', async () => {
    const low = await runError(['--target-org', testOrg.username, '--api-version', '59.0', '--json']);
    expect(low.name).to.equal('ApiVersionTooLowError');
    expect(low.message).to.equal(messages.getMessage('error.ApiVersionTooLow', ['59.0', '--api-version', '60.0']));
    const high = await runError(['--target-org', testOrg.username, '--api-version', '67.0', '--json']);
    expect(high.name).to.equal('ApiVersionTooHighError');
    expect(high.actions?.[0]).to.include('--api-version 66.0');
  });

  it('reports an inactive Run As user with another profile before deploying anything', async () => {
    users = [{ Id: '005000000000009AAA', Username: RUN_AS, IsActive: false, ProfileId: '00e000000000003AAA', Profile: { Name: 'Standard User' } }];
    const error = await runError(['--target-org', testOrg.username, '--json']);
    expect(error.name).to.equal('OrgNotReadyError');
    expect(error.message).to.include(messages.getMessage('blocker.userInactive', [RUN_AS]));
    expect(error.message).to.include(
      messages.getMessage('blocker.userProfileMismatch', [RUN_AS, 'Standard User', PROFILE, 'Standard User'])
    );
    expect((error.data as { blockers: string[] }).blockers).to.have.length(2);
    expect(listCalls).to.equal(2);
    expect(queries.some((q) => q.includes('FROM User WHERE Username ='))).to.equal(true);
  });

  it('stops outside an SFDX project with how to get one', async () => {
    $$.inProject(false);
    const error = await runError(['--target-org', testOrg.username, '--json']);
    expect(error.name).to.equal('NotInProjectError');
  });
});

describe('eca clientcreds deploy componentLines', () => {
  const component = (filePath: string, state: ComponentReport['state'], adopted = false, fullName = 'X'): ComponentReport => ({
    type: 'T',
    fullName,
    localFullName: 'X',
    filePath,
    adopted,
    state,
  });

  it('lists each component under its package folder with its state, whole paths, the org name of an adopted one', () => {
    const text = componentLines([
      component('force-app/main/default/externalClientApps/App.eca-meta.xml', 'Created'),
      component('force-app/main/default/extlClntAppOauthPolicies/App_oauthPlcy.ecaOauthPlcy-meta.xml', 'Changed', true, 'App_oauth_defaultPolicy'),
      component('other/pkg/profiles/P.profile-meta.xml', 'Unchanged'),
    ]);
    const lines = text.split('\n');
    expect(lines[0]).to.equal(messages.getMessage('output.componentsTitle'));
    expect(lines).to.include('force-app/main/default/');
    expect(lines).to.include('other/pkg/');
    expect(lines).to.include('  Created    externalClientApps/App.eca-meta.xml');
    expect(lines).to.include(
      `  Changed    extlClntAppOauthPolicies/App_oauthPlcy.ecaOauthPlcy-meta.xml ${messages.getMessage('output.inOrgAs', ['App_oauth_defaultPolicy'])}`
    );
    expect(lines.indexOf('other/pkg/')).to.be.greaterThan(lines.indexOf('  Created    externalClientApps/App.eca-meta.xml'));
    expect(lines).to.include('  Unchanged  profiles/P.profile-meta.xml');
  });
});
