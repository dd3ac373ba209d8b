/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import JSZip from 'jszip';
import { startEmulator, type Emulator } from '../src/index.js';
import { TYPE_FILES } from '../src/metadata/schema.js';
import { EXECUTION_USER_PROBLEM } from '../src/metadata/validate.js';
import { API_VERSION, connectionFor, rejection } from './helpers.js';
import { appPolicyXml, ecaXml, globalOauthXml, oauthPolicyXml, oauthSettingsXml, profileXml } from './metadataFixtures.js';

/**
 * The SOAP Metadata API driven by the real client libraries over HTTP: SDR's ComponentSet deploy/retrieve through a
 * Connection of `@salesforce/core` (in a child process with a private HOME, since AuthInfo may write auth files), and
 * jsforce's metadata.list/read/retrieve in process.
 */

const execFileAsync = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const CHILD = join(HERE, 'metadataSdrChild.ts');
const REPO_ROOT = resolve(HERE, '..', '..');
const RUN_AS = 'cc.integration@example.com.emu';
const NS = 'http://soap.sforce.com/2006/04/metadata';

type ChildFile = { fullName: string; type: string; state: string; error?: string; problemType?: string; filePath?: string };
type ChildResult = { status?: string; success?: boolean; files?: ChildFile[]; messages?: unknown; error?: string };

type SourceFile = { type: string; fullName: string; xml: string };

function sourceFiles(app: string, policy = oauthPolicyXml(app, { runAs: RUN_AS })): SourceFile[] {
  return [
    { type: 'ExternalClientApplication', fullName: app, xml: ecaXml(app) },
    { type: 'ExtlClntAppGlobalOauthSettings', fullName: `${app}_glbloauth`, xml: globalOauthXml(app) },
    { type: 'ExtlClntAppOauthSettings', fullName: `${app}_oauth`, xml: oauthSettingsXml(app) },
    { type: 'ExtlClntAppConfigurablePolicies', fullName: `${app}_plcy`, xml: appPolicyXml(app) },
    { type: 'ExtlClntAppOauthConfigurablePolicies', fullName: `${app}_oauthPlcy`, xml: policy },
    { type: 'Profile', fullName: `${app}_Profile`, xml: profileXml() },
  ];
}

function sourcePath(root: string, file: SourceFile): string {
  const { folder, suffix } = TYPE_FILES[file.type];
  return join(root, folder, `${file.fullName}.${suffix}-meta.xml`);
}

async function writeSource(root: string, files: SourceFile[]): Promise<void> {
  for (const file of files) {
    const path = sourcePath(root, file);
    // eslint-disable-next-line no-await-in-loop
    await mkdir(dirname(path), { recursive: true });
    // eslint-disable-next-line no-await-in-loop
    await writeFile(path, file.xml);
  }
}

describe('emulator metadata API with the real client libraries', function () {
  this.timeout(120_000);
  let emu: Emulator;
  let work: string;

  async function runSdr(command: Record<string, unknown>): Promise<ChildResult> {
    const home = join(work, `home-${Math.random().toString(36).slice(2)}`);
    await mkdir(home, { recursive: true });
    const env = { ...process.env, HOME: home, USERPROFILE: home, SF_DISABLE_TELEMETRY: 'true', SFDX_DISABLE_TELEMETRY: 'true' };
    const input = JSON.stringify({ instanceUrl: emu.instanceUrl, accessToken: emu.admin.accessToken, apiVersion: API_VERSION, ...command });
    try {
      const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '--no-warnings', CHILD, input], { env, cwd: REPO_ROOT });
      return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
    } catch (error) {
      const stdout = (error as { stdout?: string }).stdout ?? '';
      return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
    }
  }

  beforeEach(async () => {
    emu = await startEmulator({ deployInProgressPolls: 1 });
    emu.state.addUser({
      Username: RUN_AS,
      LastName: 'Integration',
      Email: 'cc.integration@example.com',
      ProfileId: emu.state.profileByName('Minimum Access - API Only Integrations')?.Id ?? '',
    });
    work = await mkdtemp(join(tmpdir(), 'emu-metadata-'));
  });

  afterEach(async () => {
    await emu.stop();
    await rm(work, { recursive: true, force: true });
  });

  describe('SDR ComponentSet deploy', () => {
    it('deploys an ECA project; every file Created, then Unchanged on a redeploy', async () => {
      const src = join(work, 'force-app');
      await writeSource(src, sourceFiles('Sdr_App'));
      const result = await runSdr({ action: 'deploy', dir: src });
      expect(result.error, result.error).to.equal(undefined);
      expect(result.status).to.equal('Succeeded');
      expect(result.files?.map((f) => [f.type, f.fullName, f.state])).to.have.deep.members([
        ['ExternalClientApplication', 'Sdr_App', 'Created'],
        ['ExtlClntAppGlobalOauthSettings', 'Sdr_App_glbloauth', 'Created'],
        ['ExtlClntAppOauthSettings', 'Sdr_App_oauth', 'Created'],
        ['ExtlClntAppConfigurablePolicies', 'Sdr_App_plcy', 'Created'],
        ['ExtlClntAppOauthConfigurablePolicies', 'Sdr_App_oauthPlcy', 'Created'],
        ['Profile', 'Sdr_App_Profile', 'Created'],
      ]);
      expect(emu.state.getComponent('ExtlClntAppOauthConfigurablePolicies', 'Sdr_App_oauthPlcy')?.fields.clientCredentialsFlowUser).to.equal(RUN_AS);
      expect(emu.state.profileByName('Sdr_App_Profile')?.permissions.ApiUserOnly).to.equal(true);

      const again = await runSdr({ action: 'deploy', dir: src });
      expect(new Set(again.files?.map((f) => f.state))).to.deep.equal(new Set(['Unchanged']));
    });

    it('reports the org’s component failures per file and deploys nothing', async () => {
      const src = join(work, 'force-app');
      await writeSource(src, sourceFiles('Bad_App', oauthPolicyXml('Bad_App', { runAs: 'not.a.user@example.com' })));
      const result = await runSdr({ action: 'deploy', dir: src });
      expect(result.status).to.equal('Failed');
      const failed = result.files?.filter((f) => f.state === 'Failed');
      expect(failed?.map((f) => [f.type, f.fullName, f.problemType])).to.deep.equal([
        ['ExtlClntAppOauthConfigurablePolicies', 'Bad_App_oauthPlcy', 'Error'],
      ]);
      expect(failed?.[0].error).to.contain(EXECUTION_USER_PROBLEM);
      expect(emu.state.listComponents()).to.deep.equal([]);
    });

    it('validates without deploying (check-only)', async () => {
      const src = join(work, 'force-app');
      await writeSource(src, sourceFiles('Check_App'));
      const result = await runSdr({ action: 'deploy', dir: src, checkOnly: true });
      expect(result.status).to.equal('Succeeded');
      expect(emu.state.listComponents()).to.deep.equal([]);
    });
  });

  describe('retrieve', () => {
    it('round-trips through SDR: retrieved files are the deployed ones plus the org-generated fields, and stable', async () => {
      const app = 'Trip_App';
      const files = sourceFiles(app);
      const src = join(work, 'force-app');
      await writeSource(src, files);
      expect((await runSdr({ action: 'deploy', dir: src })).status).to.equal('Succeeded');

      const out1 = join(work, 'retrieved1');
      const members = files.map((f) => ({ type: f.type, fullName: f.fullName }));
      const first = await runSdr({ action: 'retrieve', dir: out1, members });
      expect(first.error, first.error).to.equal(undefined);
      expect(first.status).to.equal('Succeeded');
      const retrievedPath = (result: ChildResult, file: SourceFile): string =>
        result.files?.find((f) => f.type === file.type && f.fullName === file.fullName)?.filePath ?? 'missing';
      // SDR writes source format under <output>/<package>/main/default, with the same folders and suffixes.
      expect(files.map((f) => retrievedPath(first, f).split('/').slice(-2).join('/'))).to.deep.equal(
        files.map((f) => relative(src, sourcePath(src, f)))
      );

      const creds = emu.state.credentials.get(app);
      const generated: Record<string, Array<[string, string]>> = {
        ExternalClientApplication: [['orgScopedExternalApp', `${emu.orgId}:${app}`]],
        ExtlClntAppGlobalOauthSettings: [['consumerKey', creds?.consumerKey ?? '']],
        ExtlClntAppOauthSettings: [['oauthLink', `${emu.orgId}:${creds?.consumerId ?? ''}`]],
      };
      for (const file of files) {
        // eslint-disable-next-line no-await-in-loop
        const retrieved = await readFile(retrievedPath(first, file), 'utf8');
        expect(retrieved, file.type).to.equal(withElements(file.xml, generated[file.type] ?? []));
        expect(retrieved).to.not.contain(creds?.consumerSecret);
      }

      // The retrieved files deploy back to the same org unchanged, and retrieve identically.
      const redeploy = await runSdr({ action: 'deploy', dir: out1 });
      expect(redeploy.status).to.equal('Succeeded');
      expect(new Set(redeploy.files?.map((f) => f.state))).to.deep.equal(new Set(['Unchanged']));
      const out2 = join(work, 'retrieved2');
      const second = await runSdr({ action: 'retrieve', dir: out2, members });
      for (const file of files) {
        // eslint-disable-next-line no-await-in-loop
        expect(await readFile(retrievedPath(second, file), 'utf8')).to.equal(await readFile(retrievedPath(first, file), 'utf8'));
      }
    });

    it('jsforce retrieve: unpackaged/ zip, fileProperties and a message for a missing component', async () => {
      await emuDeployDirect(emu, 'Zip_App');
      const conn = connectionFor(emu);
      const request = {
        apiVersion: Number(API_VERSION),
        unpackaged: {
          types: [
            { name: 'ExternalClientApplication', members: ['Zip_App', 'Missing_App'] },
            { name: 'ExtlClntAppOauthSettings', members: ['*'] },
          ],
          version: API_VERSION,
        },
      } as unknown as Parameters<typeof conn.metadata.retrieve>[0];
      const result = await conn.metadata.retrieve(request).complete();
      expect(result.success).to.equal(true);
      const zip = await JSZip.loadAsync(Buffer.from(result.zipFile, 'base64'));
      const entries = Object.values(zip.files).filter((entry) => !entry.dir);
      expect(entries.map((entry) => entry.name).sort()).to.deep.equal([
        'unpackaged/externalClientApps/Zip_App.eca',
        'unpackaged/extlClntAppOauthSettings/Zip_App_oauth.ecaOauth',
        'unpackaged/package.xml',
      ]);
      const props = [result.fileProperties].flat().map((p) => [p.type, p.fullName, p.fileName]);
      expect(props).to.have.deep.members([
        ['ExternalClientApplication', 'Zip_App', 'unpackaged/externalClientApps/Zip_App.eca'],
        ['ExtlClntAppOauthSettings', 'Zip_App_oauth', 'unpackaged/extlClntAppOauthSettings/Zip_App_oauth.ecaOauth'],
        ['Package', 'unpackaged/package.xml', 'unpackaged/package.xml'],
      ]);
      const messages = [result.messages ?? []].flat();
      expect(messages.map((m) => m.problem)).to.deep.equal(["Entity of type 'ExternalClientApplication' named 'Missing_App' cannot be found"]);
    });
  });

  describe('jsforce listMetadata / readMetadata', () => {
    it('lists names only, and finds the default policy the org generated', async () => {
      const conn = connectionFor(emu);
      expect(await conn.metadata.list([{ type: 'ExtlClntAppOauthConfigurablePolicies' }], API_VERSION)).to.deep.equal([]);
      await emuDeployDirect(emu, 'Listed', false);
      const listed = await conn.metadata.list(
        [{ type: 'ExtlClntAppOauthConfigurablePolicies' }, { type: 'ExternalClientApplication' }],
        API_VERSION
      );
      expect(listed.map((p) => [p.type, p.fullName, p.fileName])).to.have.deep.members([
        ['ExtlClntAppOauthConfigurablePolicies', 'Listed_oauth_defaultPolicy', 'extlClntAppOauthPolicies/Listed_oauth_defaultPolicy.ecaOauthPlcy'],
        ['ExternalClientApplication', 'Listed', 'externalClientApps/Listed.eca'],
      ]);
      expect(Object.keys(listed[0]).sort()).to.include.members(['createdById', 'id', 'lastModifiedDate', 'manageableState']);
      expect(listed[0]).to.not.have.property('externalClientApplication');
    });

    it('reads records with string values; a missing name gives a record without fullName', async () => {
      await emuDeployDirect(emu, 'Read_App');
      const conn = connectionFor(emu);
      // jsforce 3.12 has no schema for the ECA types (wire section 4): read them through the untyped signature.
      const read = conn.metadata.read.bind(conn.metadata) as unknown as (type: string, names: string | string[]) => Promise<unknown>;
      const records = (await read('ExtlClntAppOauthConfigurablePolicies', ['Read_App_oauthPlcy', 'Nope_oauthPlcy'])) as Array<
        Record<string, unknown>
      >;
      expect(records[0]).to.include({
        fullName: 'Read_App_oauthPlcy',
        externalClientApplication: 'Read_App',
        clientCredentialsFlowUser: RUN_AS,
        isClientCredentialsFlowEnabled: 'true',
      });
      expect(records[1]).to.not.have.property('fullName');
      const global = (await read('ExtlClntAppGlobalOauthSettings', 'Read_App_glbloauth')) as Record<string, unknown>;
      expect(global.consumerKey).to.equal(emu.state.credentials.get('Read_App')?.consumerKey);
      expect(JSON.stringify(global)).to.not.contain(emu.state.credentials.get('Read_App')?.consumerSecret);
    });

    it('answers a SOAP fault for an unknown type and an expired session', async () => {
      const unknownType = await rejection(connectionFor(emu).metadata.list([{ type: 'NoSuchType' }], API_VERSION));
      expect(unknownType.message).to.contain('INVALID_TYPE');
      const session = emu.state.createSession(emu.admin.userId);
      emu.state.expireSession(session.token);
      const expired = await rejection(connectionFor(emu, session.token).metadata.list([{ type: 'ExternalClientApplication' }], API_VERSION));
      expect(expired.errorCode ?? expired.name).to.contain('INVALID_SESSION_ID');
    });
  });
});

/** Inserts elements into a file in alphabetical position (what the org adds to a retrieved file). */
function withElements(xml: string, elements: Array<[string, string]>): string {
  const lines = xml.split('\n');
  for (const [name, value] of elements) {
    const line = `    <${name}>${value}</${name}>`;
    const index = lines.findIndex((l, i) => i > 1 && (l.startsWith('</') || (/^ {4}<(\w+)>/.exec(l)?.[1] ?? '') > name));
    lines.splice(index, 0, line);
  }
  return lines.join('\n');
}

/** Deploys an app's components through jsforce's metadata.deploy (zip built here), polling to completion. */
async function emuDeployDirect(emu: Emulator, app: string, withPolicy = true): Promise<void> {
  emu.state.findUserByUsername(RUN_AS);
  const files = sourceFiles(app).filter((f) => withPolicy || f.type !== 'ExtlClntAppOauthConfigurablePolicies');
  const zip = new JSZip();
  const byType = new Map<string, string[]>();
  for (const f of files) {
    const { folder, suffix } = TYPE_FILES[f.type];
    zip.file(`${folder}/${f.fullName}.${suffix}`, f.xml);
    byType.set(f.type, [...(byType.get(f.type) ?? []), f.fullName]);
  }
  const types = [...byType].map(([name, members]) => `<types>${members.map((m) => `<members>${m}</members>`).join('')}<name>${name}</name></types>`);
  zip.file('package.xml', `<?xml version="1.0" encoding="UTF-8"?><Package xmlns="${NS}">${types.join('')}<version>${API_VERSION}</version></Package>`);
  const base64 = (await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })).toString('base64');
  const conn = connectionFor(emu);
  conn.metadata.pollInterval = 50;
  const result = await conn.metadata.deploy(base64, { singlePackage: true, rollbackOnError: true }).complete(true);
  if (!result.success) throw new Error(`deploy failed: ${JSON.stringify(result.details)}`);
}
