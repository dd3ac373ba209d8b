/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { ensureSfCli, runSf } from '../../test/sf-cli/sfCli.js';
import { startEmulator, type Emulator } from '../src/index.js';
import { TYPE_FILES } from '../src/metadata/schema.js';
import { EXECUTION_USER_PROBLEM } from '../src/metadata/validate.js';
import { appPolicyXml, ecaXml, globalOauthXml, oauthPolicyXml, oauthSettingsXml, profileXml } from './metadataFixtures.js';

/**
 * The unmodified `sf` CLI (the pinned one of test/sf-cli) against the emulator's SOAP Metadata API: logged in with
 * `sf org login access-token`, then `sf project deploy start` (success, component failure, --dry-run) and
 * `sf project retrieve start`. Runs in the sf-cli suite: `mocha --config test/sf-cli/.mocharc.json <this file>`.
 */

type DeployJson = {
  status: string;
  success: boolean;
  files: Array<{ fullName: string; type: string; state: string; error?: string }>;
};

const RUN_AS = 'sfcli.integration@example.com.emu';
const ALIAS = 'emu';

async function writeApp(root: string, app: string, runAs: string): Promise<void> {
  const files: Array<[string, string, string]> = [
    ['ExternalClientApplication', app, ecaXml(app)],
    ['ExtlClntAppGlobalOauthSettings', `${app}_glbloauth`, globalOauthXml(app)],
    ['ExtlClntAppOauthSettings', `${app}_oauth`, oauthSettingsXml(app)],
    ['ExtlClntAppConfigurablePolicies', `${app}_plcy`, appPolicyXml(app)],
    ['ExtlClntAppOauthConfigurablePolicies', `${app}_oauthPlcy`, oauthPolicyXml(app, { runAs })],
    ['Profile', `${app}_Profile`, profileXml()],
  ];
  for (const [type, fullName, xml] of files) {
    const { folder, suffix } = TYPE_FILES[type];
    const path = join(root, 'force-app', 'main', 'default', folder, `${fullName}.${suffix}-meta.xml`);
    // eslint-disable-next-line no-await-in-loop
    await mkdir(dirname(path), { recursive: true });
    // eslint-disable-next-line no-await-in-loop
    await writeFile(path, xml);
  }
}

describe('sf project deploy start / retrieve start against the emulator', () => {
  let emu: Emulator;
  let base: string;
  let home: string;

  async function project(name: string, app: string, runAs = RUN_AS): Promise<string> {
    const dir = join(base, name);
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'sfdx-project.json'),
      JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '66.0' })
    );
    await writeApp(dir, app, runAs);
    return dir;
  }

  before(async () => {
    await ensureSfCli();
    emu = await startEmulator();
    emu.state.addUser({
      Username: RUN_AS,
      LastName: 'Integration',
      Email: 'sfcli.integration@example.com',
      ProfileId: emu.state.profileByName('Minimum Access - API Only Integrations')?.Id ?? '',
    });
    base = await mkdtemp(join(tmpdir(), 'emu-sfcli-metadata-'));
    home = join(base, 'home');
    await mkdir(home);
    const login = await runSf(['org', 'login', 'access-token', '--instance-url', emu.instanceUrl, '--no-prompt', '--alias', ALIAS, '--json'], {
      cwd: base,
      home,
      env: { SF_ACCESS_TOKEN: emu.admin.accessToken },
    });
    expect(login.exitCode, login.stdout + login.stderr).to.equal(0);
  });

  after(async () => {
    await emu?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  it('deploys an ECA project: exit 0, every file Created, the org holds the components', async () => {
    const dir = await project('ok', 'Cli_App');
    const out = await runSf<DeployJson>(['project', 'deploy', 'start', '--source-dir', 'force-app', '--target-org', ALIAS, '--wait', '5', '--json'], {
      cwd: dir,
      home,
    });
    expect(out.exitCode, out.stdout + out.stderr).to.equal(0);
    const result = out.json?.result as DeployJson;
    expect(result.status).to.equal('Succeeded');
    expect(result.files.map((f) => [f.type, f.fullName, f.state])).to.have.deep.members([
      ['ExternalClientApplication', 'Cli_App', 'Created'],
      ['ExtlClntAppGlobalOauthSettings', 'Cli_App_glbloauth', 'Created'],
      ['ExtlClntAppOauthSettings', 'Cli_App_oauth', 'Created'],
      ['ExtlClntAppConfigurablePolicies', 'Cli_App_plcy', 'Created'],
      ['ExtlClntAppOauthConfigurablePolicies', 'Cli_App_oauthPlcy', 'Created'],
      ['Profile', 'Cli_App_Profile', 'Created'],
    ]);
    expect(emu.state.getComponent('ExtlClntAppOauthConfigurablePolicies', 'Cli_App_oauthPlcy')?.fields.clientCredentialsFlowUser).to.equal(
      RUN_AS
    );
    expect(emu.control.getAppCredentials({ app: 'Cli_App' })).to.not.equal(null);
  });

  it('fails with exit 1 and the org’s problem when the Run As user does not exist; deploys nothing', async () => {
    const dir = await project('bad', 'Cli_Bad', 'nobody@example.com');
    const out = await runSf<DeployJson>(['project', 'deploy', 'start', '--source-dir', 'force-app', '--target-org', ALIAS, '--wait', '5', '--json'], {
      cwd: dir,
      home,
    });
    expect(out.exitCode).to.equal(1);
    const files = out.json?.result?.files ?? [];
    const failed = files.filter((f) => f.state === 'Failed');
    expect(failed.map((f) => f.fullName)).to.deep.equal(['Cli_Bad_oauthPlcy']);
    expect(failed[0].error).to.contain(EXECUTION_USER_PROBLEM);
    expect(emu.state.getComponent('ExternalClientApplication', 'Cli_Bad')).to.equal(undefined);
  });

  it('--dry-run validates and changes nothing', async () => {
    const dir = await project('dry', 'Cli_Dry');
    const out = await runSf<DeployJson>(
      ['project', 'deploy', 'start', '--source-dir', 'force-app', '--target-org', ALIAS, '--wait', '5', '--dry-run', '--json'],
      { cwd: dir, home }
    );
    expect(out.exitCode, out.stdout + out.stderr).to.equal(0);
    expect(emu.state.getComponent('ExternalClientApplication', 'Cli_Dry')).to.equal(undefined);
  });

  it('retrieves a deployed app with sf project retrieve start', async () => {
    const dir = await project('retrieve', 'Cli_App');
    const path = join(dir, 'force-app', 'main', 'default', 'extlClntAppOauthPolicies', 'Cli_App_oauthPlcy.ecaOauthPlcy-meta.xml');
    await rm(path);
    const out = await runSf(
      ['project', 'retrieve', 'start', '--metadata', 'ExtlClntAppOauthConfigurablePolicies:Cli_App_oauthPlcy', '--target-org', ALIAS, '--json'],
      { cwd: dir, home }
    );
    expect(out.exitCode, out.stdout + out.stderr).to.equal(0);
    expect(await readFile(path, 'utf8')).to.equal(oauthPolicyXml('Cli_App', { runAs: RUN_AS }));
  });
});
