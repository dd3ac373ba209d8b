/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdir, mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Messages, SfError, SfProject } from '@salesforce/core';
import { expect } from 'chai';
import { generateApp } from '../../src/generate/generateApp.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.generate');

const input = { name: 'Billing_Sync', contactEmail: 'admin@example.com', runAsUsername: 'billing.int@example.com' };

describe('generateApp', () => {
  let base: string;
  let project: string;

  beforeEach(async () => {
    SfProject.clearInstances();
    base = await realpath(await mkdtemp(join(tmpdir(), 'eca-gen-')));
    project = join(base, 'project');
    await mkdir(join(project, 'force-app'), { recursive: true });
    await mkdir(join(project, 'other'), { recursive: true });
    await writeFile(
      join(project, 'sfdx-project.json'),
      JSON.stringify({
        packageDirectories: [
          { path: 'force-app', default: true },
          { path: 'other', default: false },
        ],
        sourceApiVersion: '61.0',
      })
    );
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('finds the project from a subfolder and uses its sourceApiVersion', async () => {
    const { result, warnings } = await generateApp(input, { cwd: join(project, 'force-app'), force: false });
    expect(warnings).to.deep.equal([]);
    expect(result.projectDir).to.equal(project);
    expect(result.apiVersion).to.equal('61.0');
    expect(result.outputDir).to.equal(join(project, 'force-app', 'main', 'default'));
    expect(result.files).to.have.length(9);
  });

  it('resolves a relative --output-dir against cwd; inside another package directory there is no warning', async () => {
    const { result, warnings } = await generateApp(input, { cwd: project, outputDir: 'other/eca', force: false });
    expect(result.outputDir).to.equal(join(project, 'other', 'eca'));
    expect(warnings).to.deep.equal([]);
    expect(await readdir(join(project, 'other', 'eca'))).to.include('externalClientApps');
  });

  it('warns when --output-dir is outside every package directory', async () => {
    const { warnings } = await generateApp(input, { cwd: project, outputDir: 'loose', force: false });
    expect(warnings).to.deep.equal([
      messages.getMessage('warning.OutputDirOutsidePackageDirs', [join(project, 'loose')]),
    ]);
  });

  it('warns about several policy files of the app and still writes its own', async () => {
    const policy = (file: string): string => join(project, 'other', 'extlClntAppOauthPolicies', file);
    const xml =
      '<ExtlClntAppOauthConfigurablePolicies xmlns="http://soap.sforce.com/2006/04/metadata"><externalClientApplication>Billing_Sync</externalClientApplication></ExtlClntAppOauthConfigurablePolicies>';
    await mkdir(join(project, 'other', 'extlClntAppOauthPolicies'), { recursive: true });
    await writeFile(policy('A.ecaOauthPlcy-meta.xml'), xml);
    await writeFile(policy('B.ecaOauthPlcy-meta.xml'), xml);
    const { result, warnings } = await generateApp(input, { cwd: project, force: false });
    expect(warnings).to.deep.equal([
      messages.getMessage('warning.DuplicateComponents', [
        'ExtlClntAppOauthConfigurablePolicies',
        'Billing_Sync',
        'other/extlClntAppOauthPolicies/A.ecaOauthPlcy-meta.xml, other/extlClntAppOauthPolicies/B.ecaOauthPlcy-meta.xml',
      ]),
    ]);
    expect(result.files.find((f) => f.type === 'ExtlClntAppOauthConfigurablePolicies')?.fullName).to.equal(
      'Billing_Sync_oauthPlcy'
    );
  });

  it('throws NoProjectError outside a project', async () => {
    const outside = join(base, 'outside');
    await mkdir(outside);
    const error = await generateApp(input, { cwd: outside, force: false }).then(
      () => expect.fail('should have thrown'),
      (e: unknown) => e as SfError
    );
    expect(error.name).to.equal('NoProjectError');
    expect(error.message).to.equal(messages.getMessage('error.NoProject', [outside]));
  });
});
