/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Messages, SfError, SfProject } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import Generate, { GenerateResult } from '../../../../src/commands/eca/clientcreds/generate.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.generate');

const REQUIRED = ['--name', 'Billing_Sync', '--contact-email', 'admin@example.com', '--run-as-username', 'billing.int@example.com'];

async function exists(path: string): Promise<boolean> {
  return readdir(path).then(
    () => true,
    () => false
  );
}

async function runFailing(args: string[]): Promise<SfError> {
  try {
    await Generate.run(args);
  } catch (error) {
    return error as SfError;
  }
  return expect.fail('the command should have failed');
}

describe('eca clientcreds generate', () => {
  const $$ = new TestContext();
  let ux: ReturnType<typeof stubSfCommandUx>;
  let projectDir: string;

  beforeEach(async () => {
    SfProject.clearInstances();
    $$.setConfigStubContents('SfProjectJson', {
      contents: { packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0' },
    });
    ux = stubSfCommandUx($$.SANDBOX);
    projectDir = await $$.localPathRetriever($$.id);
  });

  afterEach(async () => {
    $$.restore();
    await rm(join(tmpdir(), $$.id), { recursive: true, force: true });
  });

  it('writes every file, returns the result and shows a table and the next step', async () => {
    const result: GenerateResult = await Generate.run([...REQUIRED, '--permission-sets', 'Billing_Access']);
    const metadataDir = join(projectDir, 'force-app', 'main', 'default');
    expect(result).to.include({
      name: 'Billing_Sync',
      apiVersion: '62.0',
      projectDir,
      outputDir: metadataDir,
      runAsUsername: 'billing.int@example.com',
      profileName: 'Billing_Sync Integration',
      profileGenerated: true,
      userDefinitionFile: join(projectDir, 'config', 'Billing_Sync.user-def.json'),
      manifestFile: join(projectDir, 'manifest', 'Billing_Sync.package.xml'),
    });
    expect(result.files.map((f) => [f.type, f.status])).to.deep.equal([
      ['ExternalClientApplication', 'created'],
      ['ExtlClntAppGlobalOauthSettings', 'created'],
      ['ExtlClntAppOauthSettings', 'created'],
      ['ExtlClntAppOauthConfigurablePolicies', 'created'],
      ['ExtlClntAppConfigurablePolicies', 'created'],
      ['Profile', 'created'],
      ['PermissionSet', 'created'],
      ['UserDefinition', 'created'],
      ['Manifest', 'created'],
    ]);
    expect(result.files[0]).to.deep.equal({
      path: join(metadataDir, 'externalClientApps', 'Billing_Sync.eca-meta.xml'),
      type: 'ExternalClientApplication',
      fullName: 'Billing_Sync',
      status: 'created',
    });
    const contents = await Promise.all(result.files.map((f) => readFile(f.path, 'utf8')));
    expect(contents.every((c) => c.length > 0)).to.equal(true);
    const userDef = JSON.parse(await readFile(result.userDefinitionFile, 'utf8')) as Record<string, unknown>;
    expect(userDef).to.include({ Username: 'billing.int@example.com', profileName: 'Billing_Sync Integration' });
    expect(userDef.permsets).to.deep.equal(['Billing_Sync_Access', 'Billing_Access']);
    expect(result).to.deep.include({ accessPermissionSet: 'Billing_Sync_Access', preAuthorizedPermissionSets: ['Billing_Sync_Access', 'Billing_Access'] });

    const logs = ux.log.getCalls().flatMap((c) => c.args as string[]);
    const fileLines = logs.flatMap((l) => l.split('\n')).filter((l) => l.trimStart().startsWith(messages.getMessage('status.created')));
    expect(fileLines).to.have.length(9);
    for (const file of result.files) expect(fileLines.some((l) => file.path.endsWith(l.trim().split(/\s+/).slice(1).join(' ')))).to.equal(true);
    expect(ux.table.callCount).to.equal(0);
    expect(logs).to.include(messages.getMessage('info.NextStep', ['Billing_Sync']));
    expect(logs).to.not.include(messages.getMessage('info.NothingChanged'));
    expect(ux.warn.callCount).to.equal(0);
  });

  it('is a no-op the second time', async () => {
    await Generate.run(REQUIRED);
    const second = await Generate.run(REQUIRED);
    expect(second.files.every((f) => f.status === 'unchanged')).to.equal(true);
    expect(ux.log.getCalls().flatMap((c) => c.args)).to.include(messages.getMessage('info.NothingChanged'));
  });

  it('leaves a file that was only reformatted alone', async () => {
    const first = await Generate.run(REQUIRED);
    const ecaFile = first.files[0].path;
    const reformatted = (await readFile(ecaFile, 'utf8')).replace(/\n {4}/g, '\n  ');
    await writeFile(ecaFile, reformatted);
    const second = await Generate.run(REQUIRED);
    expect(second.files.every((f) => f.status === 'unchanged')).to.equal(true);
    expect(await readFile(ecaFile, 'utf8')).to.equal(reformatted);
  });

  it('stops with the list of conflicts, then overwrites them with --force', async () => {
    const first = await Generate.run(REQUIRED);
    const ecaFile = first.files[0].path;
    await writeFile(ecaFile, '<edited/>');
    const error = await runFailing([...REQUIRED, '--label', 'Changed Label']);
    expect(error.name).to.equal('ConflictsError');
    expect(error.data).to.deep.equal({ conflicts: [ecaFile] });
    expect(error.actions).to.deep.equal(messages.getMessage('error.Conflicts.actions').split('\n').map((a) => a.replace(/^- /, '')));
    expect(await readFile(ecaFile, 'utf8')).to.equal('<edited/>');
    const forced = await Generate.run([...REQUIRED, '--label', 'Changed Label', '--force']);
    expect(forced.files.map((f) => f.status)).to.deep.equal([
      'overwritten',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    expect(await readFile(ecaFile, 'utf8')).to.include('<label>Changed Label</label>');
  });

  it('writes metadata to --output-dir and warns when it is outside the package directories', async () => {
    const result = await Generate.run([...REQUIRED, '--output-dir', join(projectDir, 'elsewhere')]);
    expect(result.outputDir).to.equal(join(projectDir, 'elsewhere'));
    expect(result.files[0].path).to.equal(join(projectDir, 'elsewhere', 'externalClientApps', 'Billing_Sync.eca-meta.xml'));
    expect(result.userDefinitionFile).to.equal(join(projectDir, 'config', 'Billing_Sync.user-def.json'));
    expect(ux.warn.firstCall.args[0]).to.equal(
      messages.getMessage('warning.OutputDirOutsidePackageDirs', [join(projectDir, 'elsewhere')])
    );
  });

  it('passes warnings of the spec on (dropped scopes)', async () => {
    await Generate.run([...REQUIRED, '--scopes', 'api,refresh_token']);
    expect(ux.warn.firstCall.args[0]).to.equal(messages.getMessage('warning.ScopesDroppedByFlow', ['RefreshToken']));
  });

  it('uses an existing profile and writes no Profile file', async () => {
    const result = await Generate.run([...REQUIRED, '--existing-profile', 'Minimum Access - API Only Integrations']);
    expect(result.profileGenerated).to.equal(false);
    expect(result.profileName).to.equal('Minimum Access - API Only Integrations');
    expect(result.files.map((f) => f.type)).to.not.include('Profile');
  });

  it('updates a policy already in the project under another name instead of adding a second one', async () => {
    const policies = join(projectDir, 'force-app', 'main', 'default', 'extlClntAppOauthPolicies');
    const retrieved = join(policies, 'Billing_Sync_oauth_defaultPolicy.ecaOauthPlcy-meta.xml');
    await mkdir(policies, { recursive: true });
    await writeFile(
      retrieved,
      '<?xml version="1.0" encoding="UTF-8"?>\n<ExtlClntAppOauthConfigurablePolicies xmlns="http://soap.sforce.com/2006/04/metadata">\n    <externalClientApplication>Billing_Sync</externalClientApplication>\n</ExtlClntAppOauthConfigurablePolicies>\n'
    );
    const error = await runFailing(REQUIRED);
    expect(error.name).to.equal('ConflictsError');
    expect(error.data).to.deep.equal({ conflicts: [retrieved] });

    const result = await Generate.run([...REQUIRED, '--force']);
    const policy = result.files.find((f) => f.type === 'ExtlClntAppOauthConfigurablePolicies');
    expect(policy).to.deep.include({ path: retrieved, fullName: 'Billing_Sync_oauth_defaultPolicy', status: 'overwritten' });
    expect(await readdir(policies)).to.deep.equal(['Billing_Sync_oauth_defaultPolicy.ecaOauthPlcy-meta.xml']);
    expect(await readFile(retrieved, 'utf8')).to.include('<clientCredentialsFlowUser>billing.int@example.com<');
    expect(await readFile(result.manifestFile, 'utf8')).to.include('<members>Billing_Sync_oauth_defaultPolicy</members>');
    expect(ux.warn.lastCall.args[0]).to.equal(
      messages.getMessage('warning.AdoptedExistingComponent', [
        'ExtlClntAppOauthConfigurablePolicies',
        'Billing_Sync',
        relative(process.cwd(), retrieved),
        relative(process.cwd(), join(policies, 'Billing_Sync_oauthPlcy.ecaOauthPlcy-meta.xml')),
      ])
    );
  });

  it('says how to create a project when there is none', async () => {
    $$.inProject(false);
    const error = await runFailing(REQUIRED);
    expect(error.name).to.equal('NoProjectError');
    expect(error.message).to.equal(messages.getMessage('error.NoProject', [process.cwd()]));
  });

  it('writes nothing on bad input', async () => {
    const error = await runFailing([...REQUIRED, '--callback-url', 'http://example.com/cb']);
    expect(error.name).to.equal('CallbackUrlNotHttpsError');
    expect(await exists(join(projectDir, 'force-app'))).to.equal(false);
    expect(await exists(join(projectDir, 'config'))).to.equal(false);
  });

  it('rejects --profile-name with --existing-profile at parse time', async () => {
    const error = await runFailing([...REQUIRED, '--profile-name', 'A', '--existing-profile', 'B']);
    expect(error.message).to.match(/--existing-profile|--profile-name/);
    expect(await exists(join(projectDir, 'force-app'))).to.equal(false);
  });

  it('reports a folder in the way as a write failure and leaves nothing behind', async () => {
    const metadataDir = join(projectDir, 'force-app', 'main', 'default');
    await mkdir(projectDir, { recursive: true });
    await writeFile(join(projectDir, 'force-app-file'), 'x');
    const error = await runFailing([...REQUIRED, '--output-dir', join(projectDir, 'force-app-file', 'sub')]);
    expect(error.name).to.equal('WriteFailedError');
    expect(await exists(join(projectDir, 'config'))).to.equal(false);
    expect(await exists(metadataDir)).to.equal(false);
  });
});
