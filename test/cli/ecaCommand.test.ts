/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { type Connection, Org, SfError } from '@salesforce/core';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { Flags, stubSfCommandUx } from '@salesforce/sf-plugins-core';
import type { SinonStub } from 'sinon';
import { EcaCommand } from '../../src/cli/ecaCommand.js';
import { DEFAULT_ORG_REQUEST_TIMEOUT_MS, REQUEST_TIMEOUT_ENV } from '../../src/org/requestTimeout.js';

const SECRET = 'Cmd5ecretValue0123456789ABCDEF';
const ESC = '\u001b';
/** Colour and bold (SGR) sequences, which the CLI adds itself when colour is on. */
// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;

type ProbeResult = { done: boolean };

/** The smallest concrete EcaCommand: --mode says what its run does. */
class Probe extends EcaCommand<ProbeResult> {
  public static readonly summary = 'Probe of the command base.';
  public static readonly flags = {
    'target-org': Flags.optionalOrg(),
    'api-version': Flags.orgApiVersion(),
    mode: Flags.option({ summary: 'What to do.', options: ['ok', 'throw', 'throw-sf', 'type-error', 'warn', 'request'] as const, required: true })(),
    count: Flags.integer({ summary: 'A number.' }),
  };

  /** orgConnection, reachable from the tests. */
  public static connectionOf(org: Org, apiVersion?: string): Connection {
    return Probe.orgConnection(org, apiVersion);
  }

  public async run(): Promise<ProbeResult> {
    const { flags } = await this.parse(Probe);
    this.redactor.register(SECRET);
    switch (flags.mode) {
      case 'throw':
        throw new Error(`the org echoed the secret ${SECRET} back`);
      case 'throw-sf': {
        const error = new SfError(`bad ${ESC}[2Jthing: ${SECRET}`, 'SomethingWrongError', [`rotate ${SECRET} now`]);
        error.setData({ clientSecret: SECRET, kept: 'visible' });
        throw error;
      }
      case 'type-error':
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
      case 'warn':
        this.warn(`org says ${ESC}[31mred${ESC}[0m ${ESC}]0;pwned title\u0007text ${SECRET}`);
        this.warn({ name: 'LabelWarning', message: `label ${ESC}[2K${ESC}[1Aoverwritten`, actions: ['an action'] });
        return { done: true };
      case 'request': {
        const org = flags['target-org'];
        if (!org) throw new Error('--target-org is needed');
        const conn = Probe.orgConnection(org, flags['api-version']);
        await conn.request(`${conn.instanceUrl}/services/data/v${conn.getApiVersion()}/limits`);
        return { done: true };
      }
      default:
        return { done: true };
    }
  }
}

/** The error a Probe run ends with. */
async function failure(argv: string[]): Promise<SfError> {
  return Probe.run(argv).then(
    () => expect.fail('the command succeeded'),
    (e: SfError) => e
  );
}

describe('cli/ecaCommand', () => {
  const $$ = new TestContext();
  let ux: ReturnType<typeof stubSfCommandUx>;
  let exitCodeBefore: typeof process.exitCode;

  beforeEach(() => {
    ux = stubSfCommandUx($$.SANDBOX);
    exitCodeBefore = process.exitCode;
    delete process.env[REQUEST_TIMEOUT_ENV];
  });

  afterEach(() => {
    process.exitCode = exitCodeBefore;
    delete process.env[REQUEST_TIMEOUT_ENV];
    $$.restore();
  });

  /** Everything the command showed (stdout, stderr, warnings, --json output). */
  const shown = (): string =>
    [ux.log, ux.logToStderr, ux.warn, ux.logJson, ux.info]
      .flatMap((stub: SinonStub) => stub.getCalls().flatMap((c): unknown[] => c.args as unknown[]))
      .map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))
      .join('\n');

  it('runs a command that succeeds with exit code 0', async () => {
    expect(await Probe.run(['--mode', 'ok'])).to.deep.equal({ done: true });
    expect(process.exitCode ?? 0).to.equal(exitCodeBefore ?? 0);
  });

  describe('errors', () => {
    it('a thrown error naming a registered secret comes out redacted, with exit code 1', async () => {
      const error = await failure(['--mode', 'throw']);
      expect(error.exitCode).to.equal(1);
      expect(process.exitCode).to.equal(1);
      expect(error.message).to.include('the org echoed the secret <redacted> back').and.not.include(SECRET);
      expect(error.stack ?? '').to.not.include(SECRET);
      expect(shown()).to.not.include(SECRET);
    });

    it('our own errors keep their name and data, with message, actions and data redacted and terminal-safe', async () => {
      const error = await failure(['--mode', 'throw-sf']);
      expect(error.name).to.equal('SomethingWrongError');
      expect(error.exitCode).to.equal(1);
      expect(error.message).to.equal('bad thing: <redacted>');
      expect(error.actions).to.deep.equal(['rotate <redacted> now']);
      expect(error.data).to.deep.equal({ clientSecret: '<redacted>', kept: 'visible' });
      // The CLI styles its own "Error (...)" header when colour is on (CI=true turns it on); none of the org's
      // control sequences (here ESC[2J, clear screen) may come through.
      const withoutOwnStyling = shown().replace(SGR, '');
      expect(shown()).to.not.include(SECRET).and.not.include(`${ESC}[2J`);
      expect(withoutOwnStyling).to.not.include(ESC);
    });

    it('with --json, the error object printed has no secret either', async () => {
      const error = await failure(['--mode', 'throw-sf', '--json']);
      expect(error.exitCode).to.equal(1);
      expect(ux.logJson.called).to.equal(true);
      const printed = JSON.stringify(ux.logJson.getCalls().map((c) => c.args[0]));
      expect(printed).to.include('SomethingWrongError').and.not.include(SECRET);
    });

    it('a dropped connection (TypeError: fetch failed) exits 1, not 10, naming the cause', async () => {
      const error = await failure(['--mode', 'type-error']);
      expect(error.exitCode).to.equal(1);
      expect(process.exitCode).to.equal(1);
      expect(error.name).to.equal('NetworkFailureError');
      expect(error.message).to.include('other side closed (UND_ERR_SOCKET)');
    });

    for (const argv of [['--mode', 'ok', '--no-such-flag'], ['--mode', 'ok', '--count', 'many'], ['--mode', 'nope'], []]) {
      it(`a flag error keeps exit code 2 (${argv.join(' ') || 'no flags'})`, async () => {
        const error = await failure(argv);
        expect(error.exitCode).to.equal(2);
        expect(process.exitCode).to.equal(2);
      });
    }

    it('a flag error is made terminal-safe too', async () => {
      const error = await failure(['--mode', `${ESC}[2J${ESC}]0;title\u0007bad`]);
      expect(error.exitCode).to.equal(2);
      expect(error.message).to.include('bad').and.not.include(ESC).and.not.include('\u0007');
    });
  });

  describe('warn', () => {
    it('strips terminal escape sequences and redacts registered secrets, for text and for warning objects', async () => {
      await Probe.run(['--mode', 'warn']);
      const warnings = ux.warn.getCalls().map((c) => c.args[0] as string | { message: string; actions?: string[] });
      expect(warnings).to.deep.include('org says red text <redacted>');
      expect(warnings).to.deep.include({ name: 'LabelWarning', message: 'label overwritten', actions: ['an action'] });
      expect(JSON.stringify(warnings)).to.not.include(ESC).and.not.include('\\u001b').and.not.include(SECRET);
    });
  });

  describe('orgConnection', () => {
    const testOrg = new MockTestOrgData();

    it('gives the org connection, at the API version asked, with the default request timeout', async () => {
      await $$.stubAuths(testOrg);
      const org = await Org.create({ aliasOrUsername: testOrg.username });
      const conn = org.getConnection();
      const seen: Array<Record<string, unknown>> = [];
      // Record what reaches jsforce's transport (the place every request of the connection goes through).
      // eslint-disable-next-line no-underscore-dangle -- jsforce's field name
      conn._transport.httpRequest = ((_req: unknown, options: Record<string, unknown> = {}) => {
        seen.push(options);
        return Promise.resolve({ statusCode: 200, headers: {}, body: '{}' });
      }) as unknown as Connection['_transport']['httpRequest'];
      const limited = Probe.connectionOf(org, '61.0');
      expect(limited).to.equal(conn);
      expect(limited.getApiVersion()).to.equal('61.0');
      // eslint-disable-next-line no-underscore-dangle -- jsforce's field name
      await limited._transport.httpRequest({ method: 'GET', url: `${limited.instanceUrl}/x` });
      expect(seen).to.deep.equal([{ timeout: DEFAULT_ORG_REQUEST_TIMEOUT_MS }]);
    });

    it('reads SF_ECA_REQUEST_TIMEOUT (seconds) when the connection is made', async () => {
      await $$.stubAuths(testOrg);
      const org = await Org.create({ aliasOrUsername: testOrg.username });
      const seen: Array<Record<string, unknown>> = [];
      // eslint-disable-next-line no-underscore-dangle -- jsforce's field name
      org.getConnection()._transport.httpRequest = ((_req: unknown, options: Record<string, unknown> = {}) => {
        seen.push(options);
        return Promise.resolve({ statusCode: 200, headers: {}, body: '{}' });
      }) as unknown as Connection['_transport']['httpRequest'];
      process.env[REQUEST_TIMEOUT_ENV] = '1.5';
      // eslint-disable-next-line no-underscore-dangle -- jsforce's field name
      await Probe.connectionOf(org)._transport.httpRequest({ method: 'GET', url: 'https://x/y' }, { responseType: 'json' } as never);
      expect(seen).to.deep.equal([{ responseType: 'json', timeout: 1500 }]);
    });

    describe('against an org that never answers', function () {
      // Without the limit the request would wait for jsforce's 30 minutes: fail fast instead.
      this.timeout(5000);

      let server: Server;
      let requests: string[];

      beforeEach(async () => {
        requests = [];
        // Answers the Organization query core makes while creating the org (before the command runs), hangs on the rest.
        server = createServer((req, res) => {
          const url = req.url ?? '';
          requests.push(url);
          if (url.includes('FROM%20Organization')) {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ totalSize: 1, done: true, records: [{ Name: 'Acme', IsSandbox: false, NamespacePrefix: null, OrganizationType: 'Developer Edition' }] }));
          }
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      });

      afterEach(async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      });

      it('ends the request after SF_ECA_REQUEST_TIMEOUT: a RequestTimeoutError naming the limit, exit code 1', async () => {
        testOrg.instanceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        await $$.stubAuths(testOrg);
        await $$.stubConfig({ 'org-api-version': '62.0' });
        // Let requests reach the network (TestContext answers Connection.request itself).
        $$.SANDBOXES.CONNECTION.restore();
        process.env[REQUEST_TIMEOUT_ENV] = '0.2';
        const started = Date.now();
        const error = await failure(['--mode', 'request', '--target-org', testOrg.username]);
        const elapsed = Date.now() - started;
        expect(requests.filter((url) => !url.includes('FROM%20Organization'))).to.deep.equal(['/services/data/v62.0/limits']);
        expect(error.name).to.equal('RequestTimeoutError');
        expect(error.exitCode).to.equal(1);
        expect(error.message).to.include('0.2 seconds');
        expect(error.actions?.join(' ')).to.include(REQUEST_TIMEOUT_ENV);
        expect(elapsed).to.be.at.least(190).and.below(3000);
      });
    });
  });
});
