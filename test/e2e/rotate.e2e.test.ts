/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { RotateResult } from '../../src/commands/eca/clientcreds/rotate.js';
import { ALIAS, type Suite, expectNoSecrets, startSuite } from './tokenCommands.js';

/**
 * End to end: bin/run.js eca clientcreds rotate against the org emulator, under both answers to "does a staged pair
 * get tokens before promotion?" (emulator switch stagedPairWorksBeforePromotion).
 */

type Pair = { key: string; secret: string };

function envFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
  );
}

for (const stagedPairWorks of [false, true]) {
  describe(`eca clientcreds rotate (e2e, emulator, stagedPairWorksBeforePromotion=${String(stagedPairWorks)})`, function () {
    this.timeout(240_000);
    let suite: Suite;
    let outDir: string;

    before(async () => {
      suite = await startSuite({ stagedPairWorksBeforePromotion: stagedPairWorks });
      outDir = join(suite.project.home, 'handover');
      await mkdir(outDir);
    });
    after(async () => suite?.cleanup());
    afterEach(() => suite.emu.control.clearFaults());

    const rotate = (app: string, args: string[], env: Record<string, string> = {}): ReturnType<Suite['run']> =>
      suite.run<RotateResult>('rotate', ['--name', app, '--target-org', ALIAS, '--wait', '0', ...args], env);

    function staged(app: string): Array<{ id: string; consumerKey: string; consumerSecret: string; state: string }> {
      return suite.emu.control.getStagedCredentials({ app });
    }

    it('rotates: new pair proven and handed over, previous pair valid until --revoke-previous, then refused', async () => {
      const app = (await suite.newApp()).name;
      const before: Pair = suite.credentials(app);
      const file = join(outDir, `${app}.env`);
      expect((await suite.run('credentials', ['--name', app, '--target-org', ALIAS, '--format', 'env', '--output-file', file])).exitCode).to.equal(0);

      const result = await rotate(app, ['--format', 'env', '--output-file', file, '--force', '--json']);
      expect(result.exitCode, result.stdout + result.stderr).to.equal(0);
      const r = result.json?.result as RotateResult;
      const after: Pair = suite.credentials(app);
      expect(after.key).to.not.equal(before.key);
      expect(after.secret).to.not.equal(before.secret);
      expect(r).to.include({
        credentialState: 'rotated',
        clientId: after.key,
        previousClientId: before.key,
        previousRevoked: false,
        provedWith: stagedPairWorks ? 'staged-pair' : 'new-primary',
        resumed: false,
      });
      expect(r.runAsUsername).to.match(/^handover/);
      expect(r.previousValidUntil).to.be.a('string');
      expect(r.handover).to.include({ outputFile: file, secretWritten: true });
      expect(result.stdout.includes(after.secret) || result.stdout.includes(before.secret)).to.equal(false);
      // The file holds the new pair.
      const env = envFile(await readFile(file, 'utf8'));
      expect(env.SALESFORCE_CLIENT_ID).to.equal(after.key);
      expect(env.SALESFORCE_CLIENT_SECRET === after.secret).to.equal(true);
      expect((await stat(file)).mode & 0o777).to.equal(0o600);
      // Both pairs work: consumers can switch.
      expect(await suite.tokenWorks(after)).to.equal(true);
      expect(await suite.tokenWorks(before)).to.equal(true);
      expect(staged(app).map((s) => s.state)).to.deep.equal(['Rotated']);

      // A new rotation while the previous pair is still valid is refused, saying what to do.
      const again = await rotate(app, ['--json']);
      expect(again.exitCode).to.equal(1);
      expect(again.json?.name).to.equal('PreviousPairStillValidError');
      expect(again.json?.message).to.include('State of the app');
      expect((again.json?.actions ?? []).join('\n')).to.include('--revoke-previous');

      // Later, once consumers have switched: revoke the previous pair and prove it is refused.
      const revoked = await rotate(app, ['--revoke-previous', '--json']);
      expect(revoked.exitCode, revoked.stdout).to.equal(0);
      const rr = revoked.json?.result as RotateResult;
      expect(rr).to.include({ credentialState: 'previous-revoked', previousRevoked: true, clientId: after.key });
      expect(rr.steps.find((s) => s.step === 'prove-revoked')).to.include({ status: 'done' });
      expect(await suite.tokenWorks(before)).to.equal(false);
      expect(await suite.tokenWorks(after)).to.equal(true);
      expect(staged(app)).to.deep.equal([]);
    });

    it('--revoke-previous in the same run revokes the previous pair at once', async () => {
      const app = (await suite.newApp()).name;
      const before = suite.credentials(app);
      const result = await rotate(app, ['--revoke-previous', '--json']);
      expect(result.exitCode, result.stdout).to.equal(0);
      expect(result.json?.result).to.include({ credentialState: 'rotated-previous-revoked', previousRevoked: true });
      expect(await suite.tokenWorks(before)).to.equal(false);
      expect(await suite.tokenWorks(suite.credentials(app))).to.equal(true);
    });

    it('--dry-run changes nothing and lists the steps', async () => {
      const app = (await suite.newApp()).name;
      const before = suite.credentials(app);
      const result = await rotate(app, ['--dry-run', '--json']);
      expect(result.exitCode).to.equal(0);
      const r = result.json?.result as RotateResult;
      expect(r.dryRun).to.equal(true);
      expect(r.steps.map((s) => `${s.step}:${s.status}`)).to.deep.equal([
        'stage:planned',
        'prove-staged:planned',
        'promote:planned',
        'prove-primary:planned',
        'hand-over:planned',
      ]);
      expect(suite.credentials(app)).to.deep.equal(before);
      expect(staged(app)).to.deep.equal([]);
    });

    it('continues a rotation interrupted after staging', async () => {
      const app = (await suite.newApp()).name;
      const before = suite.credentials(app);
      // What an interrupted run leaves: a staged pair, the primary unchanged.
      suite.emu.control.stageCredentials({ app });
      const [left] = staged(app);
      const result = await rotate(app, ['--json']);
      expect(result.exitCode, result.stdout).to.equal(0);
      const r = result.json?.result as RotateResult;
      expect(r).to.include({ resumed: true, credentialState: 'rotated', clientId: left.consumerKey, previousClientId: before.key });
      expect(r.steps.find((s) => s.step === 'stage')).to.include({ status: 'skipped' });
      expect(suite.credentials(app).key).to.equal(left.consumerKey);
      expect(await suite.tokenWorks({ key: left.consumerKey, secret: left.consumerSecret })).to.equal(true);
    });

    it('refuses a bad output file before changing anything in the org', async () => {
      const app = (await suite.newApp()).name;
      const before = suite.credentials(app);
      const file = join(outDir, `${app}-exists.json`);
      await writeFile(file, '{}\n');
      const result = await rotate(app, ['--output-file', file, '--json']);
      expect(result.exitCode).to.equal(1);
      expect(result.json?.name).to.equal('FileExistsError');
      expect(suite.credentials(app)).to.deep.equal(before);
      expect(staged(app)).to.deep.equal([]);
    });

    if (stagedPairWorks) {
      it('a staged secret the org refuses is deleted; the primary keeps working; non-zero exit', async () => {
        const app = (await suite.newApp()).name;
        const before = suite.credentials(app);
        suite.emu.control.refuseStagedSecrets({ app });
        const result = await rotate(app, ['--json']);
        expect(result.exitCode).to.equal(1);
        expect(result.json?.name).to.equal('StagedPairRefusedError');
        expect(result.json?.message).to.include('primary key and secret are unchanged');
        expect(result.json?.data).to.include({ credentialState: 'unchanged' });
        expect(staged(app)).to.deep.equal([]);
        expect(suite.credentials(app)).to.deep.equal(before);
        expect(await suite.tokenWorks(before)).to.equal(true);
      });
    } else {
      it('a new primary that fails its proof after promotion never revokes the previous pair, and says how long it stays valid', async () => {
        const app = (await suite.newApp()).name;
        const before = suite.credentials(app);
        suite.emu.control.refuseStagedSecrets({ app });
        const result = await rotate(app, ['--revoke-previous', '--json']);
        expect(result.exitCode).to.equal(1);
        expect(result.json?.data).to.include({ credentialState: 'rotated', previousRevoked: false });
        expect(result.json?.message).to.include('was NOT revoked').and.to.include(before.key);
        const validUntil = (result.json?.data as { previousValidUntil?: string }).previousValidUntil;
        expect(validUntil).to.be.a('string');
        expect(result.json?.message).to.include(validUntil);
        expect(await suite.tokenWorks(before)).to.equal(true);
        expect(staged(app).map((s) => s.state)).to.deep.equal(['Rotated']);
      });
    }

    it('keeps every secret out of stdout, stderr, --json, trace logs and files but the one named', async () => {
      const app = (await suite.newApp()).name;
      const first = suite.credentials(app);
      const env = { SF_LOG_LEVEL: 'trace' };
      const file = join(outDir, `${app}-trace.json`);
      // Record every token the org issues during these runs (proofs and probes).
      const issued: string[] = [];
      const createSession = suite.emu.state.createSession.bind(suite.emu.state);
      suite.emu.state.createSession = (...args: Parameters<typeof createSession>): ReturnType<typeof createSession> => {
        const session = createSession(...args);
        issued.push(session.token);
        return session;
      };
      const runs = [];
      let second: Pair;
      let third: { consumerSecret: string };
      try {
        runs.push(await rotate(app, ['--output-file', file, '--json'], env));
        second = suite.credentials(app);
        runs.push(await rotate(app, ['--revoke-previous'], env));
        suite.emu.control.stageCredentials({ app });
        third = staged(app)[0];
        runs.push(await rotate(app, ['--dry-run'], env));
        runs.push(await rotate(app, [], env));
      } finally {
        suite.emu.state.createSession = createSession;
      }
      expect(runs.map((r) => r.exitCode)).to.deep.equal([0, 0, 0, 0]);
      expect(issued.length).to.be.greaterThan(2);
      await expectNoSecrets(suite, runs, [first.secret, second.secret, third.consumerSecret, ...issued], [outDir]);
    });
  });
}
