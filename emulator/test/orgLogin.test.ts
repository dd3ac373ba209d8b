/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT, runNode } from '../../test/e2e/harness.js';
import { loginToEmulator } from '../../test/e2e/orgLogin.js';
import { startEmulator, type Emulator } from '../src/index.js';

/**
 * test/e2e/orgLogin.ts: a private HOME logged in to the emulator as `sf org login access-token` would, usable by
 * Org.create of core (in a child process with that HOME) exactly like a real login.
 */
describe('loginToEmulator', () => {
  let emu: Emulator;
  let home: string;

  beforeEach(async () => {
    emu = await startEmulator();
    home = await mkdtemp(join(tmpdir(), 'emu-login-'));
  });
  afterEach(async () => {
    await emu.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('writes the auth file and alias, and core Org.create reaches the emulator', async () => {
    const login = await loginToEmulator(emu, home, 'emu');
    expect(login).to.deep.equal({ username: emu.admin.username, alias: 'emu', instanceUrl: emu.instanceUrl });

    const auth = JSON.parse(await readFile(join(home, '.sfdx', `${emu.admin.username}.json`), 'utf8')) as Record<string, unknown>;
    expect(auth).to.include({ instanceUrl: emu.instanceUrl, orgId: emu.orgId, username: emu.admin.username, isScratch: false });
    expect(JSON.stringify(auth)).to.not.contain(emu.admin.accessToken); // stored encrypted
    const aliases = JSON.parse(await readFile(join(home, '.sfdx', 'alias.json'), 'utf8')) as { orgs: Record<string, string> };
    expect(aliases.orgs.emu).to.equal(emu.admin.username);

    emu.control.clearRequestLog();
    const script = `
      import { Org } from '@salesforce/core';
      const org = await Org.create({ aliasOrUsername: 'emu' });
      const result = await org.getConnection().query("SELECT Username FROM User WHERE Username = '${emu.admin.username}'");
      process.stdout.write(JSON.stringify({ orgId: org.getOrgId(), username: result.records[0].Username }));`;
    const child = await runNode(['--input-type=module', '-e', script], { cwd: REPO_ROOT, home });
    expect(child.exitCode, child.stderr).to.equal(0);
    expect(child.json).to.deep.equal({ orgId: emu.orgId, username: emu.admin.username });
    expect(emu.control.requestLog().map((e) => `${e.method} ${e.path}`)).to.include('GET /services/data/v66.0/query');
  });

  it('fails with a clear message (and no token) when the token is not valid', async () => {
    const error = await loginToEmulator(emu, home, undefined, { accessToken: `${emu.orgId.slice(0, 15)}!AQbad` }).then(
      () => undefined,
      (e: unknown) => e as Error
    );
    expect(error?.message).to.contain(`login to the emulator at ${emu.instanceUrl} failed`);
    expect(error?.message).to.not.contain('!AQbad');
  });
});
