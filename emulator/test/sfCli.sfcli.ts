/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth wire names */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { makeProject, type TempProject } from '../../test/e2e/harness.js';
import { ensureSfCli, runSf } from '../../test/sf-cli/sfCli.js';
import { startEmulator, type Emulator } from '../src/index.js';

/**
 * The unmodified, pinned `sf` CLI against the emulator (issue 3 "Done when"): `sf org login access-token`, then
 * `sf project deploy start` and a client credentials token from the deployed app, an injected component failure,
 * `sf data query` (with its columns call), and a deploy to an emulator posing as a scratch org (source tracking).
 * metadataProjectDeploy.sfcli.ts covers the org's own deploy failures, --dry-run and retrieve. The ECA files are
 * written here by hand, independently of the plugin. Slow suite: `npm run test:sf-cli`.
 */

const APP = 'Cli_Eca';
const RUN_AS = 'cli.integration@example.com.emu';

const FILES: Record<string, string> = {
  [`externalClientApps/${APP}.eca-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?>
<ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata">
    <contactEmail>admin@example.com</contactEmail>
    <distributionState>Local</distributionState>
    <isProtected>false</isProtected>
    <label>Cli Eca</label>
</ExternalClientApplication>
`,
  [`extlClntAppGlobalOauthSets/${APP}_glbloauth.ecaGlblOauth-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppGlobalOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <callbackUrl>https://login.salesforce.com/services/oauth2/success</callbackUrl>
    <externalClientApplication>${APP}</externalClientApplication>
    <isClientCredentialsFlowEnabled>true</isClientCredentialsFlowEnabled>
    <isConsumerSecretOptional>false</isConsumerSecretOptional>
    <isIntrospectAllTokens>false</isIntrospectAllTokens>
    <isPkceRequired>false</isPkceRequired>
    <isSecretRequiredForRefreshToken>true</isSecretRequiredForRefreshToken>
    <label>${APP}_glbloauth</label>
    <shouldRotateConsumerKey>false</shouldRotateConsumerKey>
    <shouldRotateConsumerSecret>false</shouldRotateConsumerSecret>
</ExtlClntAppGlobalOauthSettings>
`,
  [`extlClntAppOauthSettings/${APP}_oauth.ecaOauth-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <commaSeparatedOauthScopes>Api</commaSeparatedOauthScopes>
    <externalClientApplication>${APP}</externalClientApplication>
    <isFirstPartyAppEnabled>false</isFirstPartyAppEnabled>
    <label>${APP}_oauth</label>
</ExtlClntAppOauthSettings>
`,
  [`extlClntAppOauthPolicies/${APP}_oauthPlcy.ecaOauthPlcy-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppOauthConfigurablePolicies xmlns="http://soap.sforce.com/2006/04/metadata">
    <clientCredentialsFlowUser>${RUN_AS}</clientCredentialsFlowUser>
    <externalClientApplication>${APP}</externalClientApplication>
    <ipRelaxationPolicyType>Enforce</ipRelaxationPolicyType>
    <isClientCredentialsFlowEnabled>true</isClientCredentialsFlowEnabled>
    <isGuestCodeCredFlowEnabled>false</isGuestCodeCredFlowEnabled>
    <isTokenExchangeFlowEnabled>false</isTokenExchangeFlowEnabled>
    <label>${APP}_oauthPlcy</label>
    <permittedUsersPolicyType>AllSelfAuthorized</permittedUsersPolicyType>
    <refreshTokenPolicyType>Zero</refreshTokenPolicyType>
    <requiredSessionLevel>STANDARD</requiredSessionLevel>
</ExtlClntAppOauthConfigurablePolicies>
`,
  [`extlClntAppPolicies/${APP}_plcy.ecaPlcy-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppConfigurablePolicies xmlns="http://soap.sforce.com/2006/04/metadata">
    <externalClientApplication>${APP}</externalClientApplication>
    <isEnabled>true</isEnabled>
    <isOauthPluginEnabled>true</isOauthPluginEnabled>
    <label>${APP}_plcy</label>
</ExtlClntAppConfigurablePolicies>
`,
};

type DeployJson = { status: string; success: boolean; files: Array<{ fullName: string; type: string; state: string; error?: string }> };

describe('the real sf CLI against the emulator', function () {
  this.timeout(600_000);
  let emu: Emulator;
  let project: TempProject;
  const sourceDir = (): string => join(project.dir, 'force-app', 'main', 'default');
  const sf = <T>(args: string[], env: Record<string, string> = {}): ReturnType<typeof runSf<T>> =>
    runSf<T>(args, { cwd: project.dir, home: project.home, env });

  const writeSources = async (): Promise<void> => {
    for (const [path, xml] of Object.entries(FILES)) {
      const file = join(sourceDir(), path);
      // eslint-disable-next-line no-await-in-loop
      await mkdir(join(file, '..'), { recursive: true });
      // eslint-disable-next-line no-await-in-loop
      await writeFile(file, xml);
    }
  };

  before(async () => {
    await ensureSfCli();
    emu = await startEmulator({ deployInProgressPolls: 1 });
    project = await makeProject({ sourceApiVersion: '66.0' });
    await writeSources();
    const login = await sf<{ username: string; orgId: string }>(
      ['org', 'login', 'access-token', '--instance-url', emu.instanceUrl, '--no-prompt', '--alias', 'emu', '--json'],
      { SF_ACCESS_TOKEN: emu.admin.accessToken }
    );
    expect(login.exitCode, login.stdout + login.stderr).to.equal(0);
    expect(login.json?.result).to.include({ username: emu.admin.username, orgId: emu.orgId });
  });

  after(async () => {
    await emu?.stop();
    await project?.cleanup();
  });

  it('deploys the five ECA components, then the app issues client credentials tokens as the Run As user', async () => {
    emu.control.seedUser({ Username: RUN_AS, LastName: 'Integration', Email: 'cli@example.com', profileName: 'Minimum Access - API Only Integrations' });
    emu.control.clearRequestLog();
    const out = await sf<DeployJson>(['project', 'deploy', 'start', '--source-dir', 'force-app', '--target-org', 'emu', '--wait', '5', '--json']);
    expect(out.exitCode, out.stdout + out.stderr).to.equal(0);
    expect(out.json?.result).to.include({ status: 'Succeeded', success: true });
    expect(out.json?.result?.files.map((f) => f.type)).to.include.members([
      'ExternalClientApplication',
      'ExtlClntAppGlobalOauthSettings',
      'ExtlClntAppOauthSettings',
      'ExtlClntAppOauthConfigurablePolicies',
      'ExtlClntAppConfigurablePolicies',
    ]);
    const soap = emu.control.requestLog().filter((e) => e.soapMethod);
    expect(soap.map((e) => e.soapMethod)).to.include.members(['deploy', 'checkDeployStatus']);

    const creds = emu.control.getAppCredentials({ app: APP });
    expect(creds).to.not.equal(null);
    const token = await fetch(`${emu.instanceUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: creds?.consumerKey ?? '', client_secret: creds?.consumerSecret ?? '' }),
    });
    const body = (await token.json()) as { id: string };
    expect(body.id).to.equal(`${emu.instanceUrl}/id/${emu.orgId}/${emu.state.findUserByUsername(RUN_AS)?.Id ?? ''}`);
  });

  it('reports an injected component failure like a real org (exit 1, the problem text)', async () => {
    emu.control.injectComponentFailure({ type: 'ExtlClntAppOauthSettings', fullName: `${APP}_oauth`, problem: 'Injected failure for the test.' });
    try {
      const out = await sf<DeployJson>(['project', 'deploy', 'start', '--source-dir', 'force-app', '--target-org', 'emu', '--wait', '5', '--json']);
      expect(out.exitCode).to.equal(1);
      expect(out.json?.result?.status).to.equal('Failed');
      const failed = out.json?.result?.files.find((f) => f.state === 'Failed');
      expect(failed).to.include({ fullName: `${APP}_oauth`, type: 'ExtlClntAppOauthSettings' });
      expect(failed?.error).to.contain('Injected failure for the test.');
    } finally {
      emu.control.clearFaults();
    }
  });

  it('answers sf data query (with the columns call) for the integration user', async () => {
    const out = await sf<{ records: Array<{ Username: string; IsActive: boolean }> }>([
      'data', 'query', '--query', `SELECT Username, IsActive FROM User WHERE Username = '${RUN_AS}'`, '--target-org', 'emu', '--json',
    ]);
    expect(out.exitCode, out.stdout + out.stderr).to.equal(0);
    expect(out.json?.result?.records).to.have.length(1);
    expect(out.json?.result?.records[0]).to.include({ Username: RUN_AS, IsActive: true });
  });

  it('shows the org as Connected with sf org display', async () => {
    const out = await sf<{ connectedStatus: string; instanceUrl: string; username: string; id: string }>(['org', 'display', '--target-org', 'emu', '--json']);
    expect(out.exitCode, out.stdout + out.stderr).to.equal(0);
    // sf stores --instance-url with a trailing slash (org-wire-protocol.md section 1).
    expect(out.json?.result).to.include({ connectedStatus: 'Connected', instanceUrl: `${emu.instanceUrl}/`, username: emu.admin.username, id: emu.orgId });
  });

  it('deploys to an emulator posing as a scratch org, answering the source tracking queries', async () => {
    const scratch = await startEmulator({ orgKind: 'scratch' });
    try {
      scratch.control.seedUser({ Username: RUN_AS, LastName: 'Integration', Email: 'cli@example.com', profileName: 'Minimum Access - API Only Integrations' });
      const login = await sf(
        ['org', 'login', 'access-token', '--instance-url', scratch.instanceUrl, '--no-prompt', '--alias', 'scratch', '--json'],
        { SF_ACCESS_TOKEN: scratch.admin.accessToken }
      );
      expect(login.exitCode, login.stdout + login.stderr).to.equal(0);
      const out = await sf<DeployJson>(['project', 'deploy', 'start', '--source-dir', 'force-app', '--target-org', 'scratch', '--wait', '5', '--json']);
      expect(out.exitCode, out.stdout + out.stderr).to.equal(0);
      expect(out.json?.result?.status).to.equal('Succeeded');
      const tooling = scratch.control.requestLog().filter((e) => e.path.includes('/tooling/'));
      expect(tooling.length).to.be.greaterThan(0);
      expect(tooling.every((e) => e.status === 200)).to.equal(true);
    } finally {
      await scratch.stop();
    }
  });
});
