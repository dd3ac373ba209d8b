/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Messages } from '@salesforce/core';
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import { validateComponent } from '../../emulator/src/metadata/validate.js';
import type { GenerateResult } from '../../src/commands/eca/clientcreds/generate.js';
import { makeProject, runCli, TempProject } from './harness.js';

/**
 * End to end: bin/run.js eca clientcreds generate in a temporary SFDX project. Every file written is checked against
 * the field tables of eca-metadata.md through the emulator's independent validator (allowed elements, since-versions,
 * enums, required fields), plus element order and the never-emit list, which the validator leaves to us.
 */

const REQUIRED = [
  '--name',
  'Billing_Sync',
  '--contact-email',
  'admin@example.com',
  '--run-as-username',
  'billing.integration@example.com',
];

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.generate');

/** Folder -> metadata type, from eca-metadata.md section 1 (not from src/). */
const TYPE_BY_FOLDER: Readonly<Record<string, string>> = {
  externalClientApps: 'ExternalClientApplication',
  extlClntAppGlobalOauthSets: 'ExtlClntAppGlobalOauthSettings',
  extlClntAppOauthSettings: 'ExtlClntAppOauthSettings',
  extlClntAppOauthPolicies: 'ExtlClntAppOauthConfigurablePolicies',
  extlClntAppPolicies: 'ExtlClntAppConfigurablePolicies',
  profiles: 'Profile',
  permissionsets: 'PermissionSet',
};

/** Elements eca-metadata.md section 10 says never to emit, anywhere in the generated files. */
const NEVER_EMIT = ['oauthLink', 'orgScopedExternalApp', 'consumerKey', 'consumerSecret', 'managedType'];

const orderParser = new XMLParser({ preserveOrder: true, ignoreAttributes: true, ignoreDeclaration: true });
const plainParser = new XMLParser({ ignoreAttributes: true, ignoreDeclaration: true, parseTagValue: false });

type Ordered = Array<Record<string, unknown>>;

/** Checks that the children of every element are in alphabetical order (repeats allowed), recursively. */
function expectAlphabetical(nodes: Ordered, where: string): void {
  const names = nodes.flatMap((n) => Object.keys(n).filter((k) => k !== '#text' && k !== ':@'));
  expect(names, `element order in ${where}`).to.deep.equal([...names].sort());
  for (const node of nodes) {
    for (const [name, value] of Object.entries(node)) {
      if (name !== '#text' && name !== ':@' && Array.isArray(value)) expectAlphabetical(value as Ordered, `${where}/${name}`);
    }
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const files = await listFiles(dir);
  const contents = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
  return Object.fromEntries(files.map((f, i) => [f, contents[i]]));
}

/** Parses and checks every file a run wrote; returns the parsed policy and user definition for cross-checks. */
async function checkAllFiles(result: GenerateResult): Promise<void> {
  const metadataFiles = result.files.filter((f) => f.type !== 'UserDefinition' && f.type !== 'Manifest');
  const manifestMembers: Array<[string, string]> = [];
  let runAsUser: string | undefined;
  for (const file of metadataFiles) {
    // eslint-disable-next-line no-await-in-loop
    const xml = await readFile(file.path, 'utf8');
    const folder = relative(result.outputDir, file.path).split(/[\\/]/)[0];
    const type = TYPE_BY_FOLDER[folder];
    expect(type, `folder of ${file.path}`).to.be.a('string');
    expect(file.type).to.equal(type);
    expect(validateComponent(type, xml, result.apiVersion), file.path).to.deep.equal([]);
    const ordered = orderParser.parse(xml) as Ordered;
    const root = ordered.find((n) => type in n) as Record<string, Ordered>;
    expectAlphabetical(root[type], file.path);
    for (const never of NEVER_EMIT) expect(xml, file.path).to.not.include(`<${never}>`);
    expect(xml).to.not.match(/<shouldRotateConsumer(Key|Secret)>true</);
    const fields = (plainParser.parse(xml) as Record<string, Record<string, unknown>>)[type];
    if (type !== 'ExternalClientApplication' && type !== 'Profile' && type !== 'PermissionSet') {
      expect(fields.externalClientApplication, file.path).to.equal(result.name);
    }
    if (type === 'ExtlClntAppOauthConfigurablePolicies') {
      expect(xml).to.not.include('<isNamedUserJwtEnabled>');
      expect(fields.isClientCredentialsFlowEnabled).to.equal('true');
      runAsUser = fields.clientCredentialsFlowUser as string;
    }
    if (type === 'ExtlClntAppGlobalOauthSettings') expect(fields.isClientCredentialsFlowEnabled).to.equal('true');
    const fullName = file.path.split(/[\\/]/).at(-1)!.replace(/\.[A-Za-z]+-meta\.xml$/, '');
    expect(file.fullName).to.equal(fullName);
    manifestMembers.push([type, fullName]);
  }
  expect(runAsUser).to.equal(result.runAsUsername);

  const manifest = plainParser.parse(await readFile(result.manifestFile, 'utf8')) as {
    Package: { types: Array<{ members: string; name: string }>; version: string };
  };
  expect(manifest.Package.version).to.equal(result.apiVersion);
  const listed = manifest.Package.types.map((t) => [t.name, t.members] as [string, string]);
  expect(listed).to.have.deep.members(manifestMembers);
  expect(listed.map(([name]) => name)).to.deep.equal(listed.map(([name]) => name).sort());

  const userDef = JSON.parse(await readFile(result.userDefinitionFile, 'utf8')) as Record<string, unknown>;
  const allowedKeys = [
    'Username',
    'LastName',
    'FirstName',
    'Email',
    'Alias',
    'profileName',
    'permsets',
    'LocaleSidKey',
    'TimeZoneSidKey',
    'LanguageLocaleKey',
    'EmailEncodingKey',
  ];
  expect(Object.keys(userDef).every((k) => allowedKeys.includes(k))).to.equal(true);
  for (const key of allowedKeys.filter((k) => k !== 'FirstName')) expect(userDef, key).to.have.property(key);
  expect(userDef.Username).to.equal(result.runAsUsername);
  expect(userDef.profileName).to.equal(result.profileName);
  expect(userDef.permsets).to.be.an('array');
}

/**
 * What `sf project deploy start` sees: SDR resolves every written file to the component we reported, and the
 * manifest resolves to exactly those source files, listed the way SDR itself would list them.
 */
async function checkSdrResolution(result: GenerateResult): Promise<void> {
  const { ComponentSet } = await import('@salesforce/source-deploy-retrieve');
  const fromSource = ComponentSet.fromSource(result.outputDir);
  const reported = result.files.filter((f) => f.fullName).map((f) => `${f.type}:${f.fullName}`);
  expect(fromSource.toArray().map((c) => `${c.type.name}:${c.fullName}`)).to.have.members(reported);
  const fromManifest = await ComponentSet.fromManifest({
    manifestPath: result.manifestFile,
    resolveSourcePaths: [result.outputDir],
  });
  const resolved = fromManifest.getSourceComponents().toArray();
  expect(resolved.map((c) => `${c.type.name}:${c.fullName}`)).to.have.members(reported);
  expect(resolved.map((c) => c.xml)).to.have.members(result.files.filter((f) => f.fullName).map((f) => f.path));
  const sdrPackage = await fromSource.getObject();
  const ours = plainParser.parse(await readFile(result.manifestFile, 'utf8')) as {
    Package: { types: Array<{ members: string; name: string }> };
  };
  expect(ours.Package.types.map((t) => ({ members: [t.members], name: t.name }))).to.deep.equal(sdrPackage.Package.types);
}

describe('e2e: sf eca clientcreds generate', function () {
  this.timeout(120_000);
  let project: TempProject;

  afterEach(async () => {
    await project?.cleanup();
  });

  for (const apiVersion of ['60.0', '66.0']) {
    it(`writes valid files at API ${apiVersion}, then is a no-op the second time`, async () => {
      project = await makeProject({ sourceApiVersion: apiVersion });
      const args = ['eca', 'clientcreds', 'generate', ...REQUIRED, '--permission-sets', 'Billing_Access', '--view-all-objects', 'Account,Invoice__c', '--json'];
      const first = await runCli<GenerateResult>(args, { cwd: project.dir, home: project.home });
      expect(first.exitCode, first.stderr).to.equal(0);
      const result = first.json?.result as GenerateResult;
      expect(result.apiVersion).to.equal(apiVersion);
      expect(result.files.map((f) => f.status)).to.deep.equal(Array(9).fill('created'));
      expect(await listFiles(project.dir)).to.deep.equal(
        [
          'config/Billing_Sync.user-def.json',
          'force-app/main/default/externalClientApps/Billing_Sync.eca-meta.xml',
          'force-app/main/default/extlClntAppGlobalOauthSets/Billing_Sync_glbloauth.ecaGlblOauth-meta.xml',
          'force-app/main/default/extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy-meta.xml',
          'force-app/main/default/extlClntAppOauthSettings/Billing_Sync_oauth.ecaOauth-meta.xml',
          'force-app/main/default/extlClntAppPolicies/Billing_Sync_plcy.ecaPlcy-meta.xml',
          'force-app/main/default/permissionsets/Billing_Sync_Access.permissionset-meta.xml',
          'force-app/main/default/profiles/Billing_Sync Integration.profile-meta.xml',
          'manifest/Billing_Sync.package.xml',
          'sfdx-project.json',
        ].sort()
      );
      await checkAllFiles(result);
      await checkSdrResolution(result);

      const before = await snapshot(project.dir);
      const second = await runCli<GenerateResult>(args, { cwd: project.dir, home: project.home });
      expect(second.exitCode, second.stderr).to.equal(0);
      expect(second.json?.result?.files.map((f) => f.status)).to.deep.equal(Array(9).fill('unchanged'));
      expect(await snapshot(project.dir)).to.deep.equal(before);
    });
  }

  it('writes valid files with every hardening and policy option and an existing profile', async () => {
    project = await makeProject({ sourceApiVersion: '66.0' });
    const run = await runCli<GenerateResult>(
      [
        'eca',
        'clientcreds',
        'generate',
        ...REQUIRED,
        '--existing-profile',
        'Minimum Access - API Only Integrations',
        '--scopes',
        'api,custom_permissions,openid,full',
        '--pkce',
        '--refresh-token-rotation',
        '--jwt-access-tokens',
        '--ip-relaxation',
        'Bypass_2factor',
        '--refresh-token-policy',
        'SpecificInactivity',
        '--refresh-token-validity',
        '12 hours',
        '--callback-url',
        'https://app.example.com/oauth/callback?x=1&y=2',
        '--label',
        'Billing <Sync> & "Co"',
        '--json',
      ],
      { cwd: project.dir, home: project.home }
    );
    expect(run.exitCode, run.stderr).to.equal(0);
    const result = run.json?.result as GenerateResult;
    expect(result.profileGenerated).to.equal(false);
    expect(result.files.map((f) => f.type)).to.not.include('Profile');
    expect(run.json?.warnings).to.deep.equal([messages.getMessage('warning.ScopesDroppedByFlow', ['Full'])]);
    await checkAllFiles(result);
    const eca = await readFile(result.files[0].path, 'utf8');
    expect((plainParser.parse(eca) as { ExternalClientApplication: { label: string } }).ExternalClientApplication.label).to.equal(
      'Billing <Sync> & "Co"'
    );
  });

  it('prints one line per file with its status, within 100 columns, and the next step', async () => {
    project = await makeProject();
    const run = await runCli(['eca', 'clientcreds', 'generate', ...REQUIRED], { cwd: project.dir, home: project.home });
    expect(run.exitCode, run.stderr).to.equal(0);
    expect(run.stdout).to.include('externalClientApps/Billing_Sync.eca-meta.xml');
    expect(run.stdout).to.include(messages.getMessage('status.created'));
    expect(run.stdout).to.include(messages.getMessage('info.NextStep', ['Billing_Sync']));
    const lines = run.stdout.split('\n');
    expect(lines).to.include('force-app/main/default/');
    // Nine files: the app and its four satellites, the profile, the access permission set, the user definition, the manifest.
    expect(lines.filter((l) => l.trimStart().startsWith(messages.getMessage('status.created')))).to.have.length(9);
    expect(run.stdout).to.include('permissionsets/Billing_Sync_Access.permissionset-meta.xml');
    expect(Math.max(...lines.map((l) => l.length)), run.stdout).to.be.at.most(100);
  });

  it('stops on conflicts and lists them, writing nothing; --force overwrites', async () => {
    project = await makeProject();
    const cwd = project.dir;
    const first = await runCli<GenerateResult>(['eca', 'clientcreds', 'generate', ...REQUIRED, '--json'], { cwd, home: project.home });
    expect(first.exitCode, first.stderr).to.equal(0);
    const policyFile = (first.json?.result as GenerateResult).files[3].path;
    await writeFile(policyFile, '<edited/>\n');
    const before = await snapshot(cwd);

    const conflict = await runCli(['eca', 'clientcreds', 'generate', ...REQUIRED, '--scopes', 'Api,Chatter', '--json'], {
      cwd,
      home: project.home,
    });
    expect(conflict.exitCode).to.equal(1);
    expect(conflict.json?.name).to.equal('ConflictsError');
    expect(conflict.json?.message).to.include(relative(cwd, policyFile));
    expect(conflict.json?.message).to.include('Billing_Sync_oauth.ecaOauth-meta.xml');
    expect(await snapshot(cwd)).to.deep.equal(before);

    const forced = await runCli<GenerateResult>(['eca', 'clientcreds', 'generate', ...REQUIRED, '--scopes', 'Api,Chatter', '--force', '--json'], {
      cwd,
      home: project.home,
    });
    expect(forced.exitCode, forced.stderr).to.equal(0);
    const statuses = Object.fromEntries((forced.json?.result as GenerateResult).files.map((f) => [f.type, f.status]));
    expect(statuses).to.include({
      ExtlClntAppOauthConfigurablePolicies: 'overwritten',
      ExtlClntAppOauthSettings: 'overwritten',
      ExternalClientApplication: 'unchanged',
    });
    expect(await readFile(policyFile, 'utf8')).to.include('<clientCredentialsFlowUser>');
    await checkAllFiles(forced.json?.result as GenerateResult);
  });

  it('says how to create a project when there is none', async () => {
    project = await makeProject();
    const empty = await mkdtemp(join(tmpdir(), 'eca-noproject-'));
    try {
      const run = await runCli(['eca', 'clientcreds', 'generate', ...REQUIRED, '--json'], { cwd: empty, home: project.home });
      expect(run.exitCode).to.equal(1);
      expect(run.json?.name).to.equal('NoProjectError');
      expect((run.json?.actions ?? []).join(' ')).to.include('sf project generate');
      expect(await readdir(empty)).to.deep.equal([]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  const badInputs: Array<[string, string[], string]> = [
    ['an API name that breaks the rules', ['--name', 'Billing__Sync'], 'AppNameDoubleUnderscoreError'],
    ['a contact email that is not one', ['--contact-email', 'admin'], 'InvalidEmailError'],
    ['a non-https callback URL', ['--callback-url', 'http://app.example.com/cb'], 'CallbackUrlNotHttpsError'],
    ['an unknown scope', ['--scopes', 'Api,Everything'], 'UnknownScopeError'],
    ['an API version below 60.0', ['--api-version', '59.0'], 'ApiVersionTooLowError'],
    ['contradictory flags', ['--existing-profile', 'X', '--api-only-user'], 'ProfileOptionsWithExistingProfileError'],
  ];
  for (const [what, extra, errorName] of badInputs) {
    it(`rejects ${what} and writes nothing`, async () => {
      project = await makeProject();
      const before = await snapshot(project.dir);
      const required = REQUIRED.filter((arg, i) => !extra.includes(arg) && !extra.includes(REQUIRED[i - 1]));
      const run = await runCli(['eca', 'clientcreds', 'generate', ...required, ...extra, '--json'], {
        cwd: project.dir,
        home: project.home,
      });
      expect(run.exitCode).to.equal(1);
      expect(run.json?.name).to.equal(errorName);
      expect(run.json?.actions ?? []).to.have.length.greaterThan(0);
      expect(await snapshot(project.dir)).to.deep.equal(before);
    });
  }
});
