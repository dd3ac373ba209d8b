/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth wire fields are snake_case */
import { Connection, SfError } from '@salesforce/core';
import type { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { MetadataApi } from '@jsforce/jsforce-node/lib/api/metadata.js';
import type { SinonStub } from 'sinon';
import { FakeFetch } from '../../../oauth/fakeFetch.js';
import { transport } from '../../../../src/oauth/tokenClient.js';

/**
 * What the token commands (credentials, rotate, login) talk to, for their command tests, in the style of the test
 * command's test: a mocked org (TestContext), its Connect REST OAuth credentials API answered through
 * $$.fakeConnectionRequest (an in-memory app with one staged slot, as the reference's section 8 describes), the app's
 * OAuth policy through jsforce's MetadataApi (stubbed), and the token endpoint through a FakeFetch in place of the OAuth client's transport.
 * Nothing reaches the network.
 */

export const INSTANCE = 'https://acme.my.salesforce.com';
export const TOKEN_URL = `${INSTANCE}/services/oauth2/token`;
export const ORG_ID = '00D000000000001AAA';
export const RUN_AS_ID = '005000000000002AAA';
export const RUN_AS = 'integration@acme.com';
export const APP = 'My_App';
export const APP_ID = '0xI000000000001AAA';
export const CONSUMER_ID = '888000000000001AAA';
export const API_VERSION = '66.0';
/** The app's primary pair before any rotation. */
export const KEY = 'FAKE-KEY-current';
export const SECRET = 'CurrentSecret0123456789ABCDEF';
/** A token that no built-in pattern recognises: only the command's registration of it can keep it out of output. */
export const TOKEN = 'AccessTokenOfTheFakeOrg0123456789';
/** Until when a Rotated (previous) pair keeps working, as the org says. */
export const PREVIOUS_VALID_UNTIL = '2027-02-28T00:00:00.000Z';
/** Token introspection's `exp` (seconds) and the ISO time the commands derive from it. */
export const TOKEN_EXP = 1_900_000_000;
export const TOKEN_EXPIRES_AT = new Date(TOKEN_EXP * 1000).toISOString();

/** What $$.fakeConnectionRequest resolves to (core types it as AnyJson). */
type FakeAnswer = ReturnType<TestContext['fakeConnectionRequest']>;

export type Pair = { key: string; secret: string };
export type StagedEntry = Pair & { id: string; state: 'Active' | 'Rotated'; createdDate?: string; expirationDate?: string };
type RestRequest = string | { method?: string; url: string; body?: string };

const OAUTH_BASE = /^\/services\/data\/v[\d.]+\/apps\/oauth/;

/** The app's OAuth consumer in Connect REST: primary pair, one staged slot, staging, promotion, deletion. */
export class FakeCredentialsApi {
  public primary: Pair = { key: KEY, secret: SECRET };
  public slot: StagedEntry[] = [];
  public consumerCount = 1;
  /** Every Connect REST call, as "METHOD path?query". */
  public readonly calls: string[] = [];
  /** The first call matching `match` fails with `error` (the org's answer). */
  public readonly failures: Array<{ match: RegExp; error: Error }> = [];
  private stagedCount = 0;

  /** The calls that change something in the org. */
  public get changes(): string[] {
    return this.calls.filter((c) => !c.startsWith('GET '));
  }

  /** The new pair the next POST .../staged creates (n = 1, 2...). */
  public static stagedPair(n: number): Pair {
    return { key: `FAKE-KEY-staged-${n}`, secret: `StagedSecret${n}0123456789XYZ` };
  }

  public answer(request: RestRequest): Promise<unknown> {
    const method = typeof request === 'string' ? 'GET' : request.method ?? 'GET';
    const url = typeof request === 'string' ? request : request.url;
    const path = url.replace(/^https?:\/\/[^/]+/, '');
    const call = `${method} ${path}`;
    if (!OAUTH_BASE.test(path)) {
      // core's own reads when it loads an org (queries): nothing of interest here.
      return path.includes('/query') ? Promise.resolve({ totalSize: 0, done: true, records: [] }) : Promise.reject(new SfError(`unexpected ${call}`));
    }
    this.calls.push(call);
    const failure = this.failures.findIndex((f) => f.match.test(call));
    if (failure >= 0) return Promise.reject(this.failures.splice(failure, 1)[0].error);
    const rest = path.replace(OAUTH_BASE, '');
    try {
      const answer = method === 'GET' ? this.read(rest) : this.change(method, rest);
      return answer === undefined ? Promise.reject(new SfError(`unexpected ${call}`)) : Promise.resolve(answer);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private read(rest: string): unknown {
    const consumer = `/credentials/${APP_ID}/${CONSUMER_ID}`;
    if (rest.startsWith('/usage')) return { apps: [{ developerName: APP, identifier: APP_ID }] };
    if (rest === `/credentials/${APP_ID}`) {
      const others = Array.from({ length: this.consumerCount - 1 }, (_, i) => ({ id: `88800000000000${i + 2}AAA`, key: `FAKE-KEY-other-${i}` }));
      return { consumers: [{ id: CONSUMER_ID, key: this.primary.key }, ...others] };
    }
    if (rest === `${consumer}?part=keyandsecret`) return { id: CONSUMER_ID, key: this.primary.key, secret: this.primary.secret };
    if (rest === `${consumer}/staged`) return { stagedCredentials: this.slot.map((s) => ({ ...s })) };
    return undefined;
  }

  private change(method: string, rest: string): unknown {
    const consumer = `/credentials/${APP_ID}/${CONSUMER_ID}`;
    if (method === 'POST' && rest === `${consumer}/staged`) {
      if (this.slot.length > 0) throw new SfError('the staged slot is taken', 'INVALID_OPERATION');
      this.stagedCount++;
      const entry: StagedEntry = {
        ...FakeCredentialsApi.stagedPair(this.stagedCount),
        id: `0xS00000000000000${this.stagedCount}`,
        state: 'Active',
        createdDate: '2026-01-31T00:00:00.000Z',
      };
      this.slot.push(entry);
      return { ...entry };
    }
    const stagedId = new RegExp(`^${consumer}/staged/(\\w+)$`).exec(rest)?.[1];
    if (method === 'PATCH' && stagedId) {
      const entry = this.slot.find((s) => s.id === stagedId && s.state === 'Active');
      if (!entry) throw new SfError('not staged', 'NOT_FOUND');
      const previous = this.primary;
      this.primary = { key: entry.key, secret: entry.secret };
      Object.assign(entry, { ...previous, state: 'Rotated', expirationDate: PREVIOUS_VALID_UNTIL });
      return {};
    }
    if (method === 'DELETE' && stagedId) {
      this.slot = this.slot.filter((s) => s.id !== stagedId);
      return {};
    }
    return undefined;
  }
}

/** The org's token endpoint, identity and revoke/introspect: tokens for the pairs the org knows. */
export class FakeTokenEndpoint {
  public readonly fake = new FakeFetch();
  /** Who the tokens run as (the Username the REST check returns). */
  public runAs = RUN_AS;
  /** Whether a staged (not yet promoted) pair gets tokens (unverified in the reference). */
  public stagedTokens = true;
  /** Every token request is refused with this OAuth error. */
  public refuse?: { error: string; description: string };
  /** The answer to token introspection (when the token expires). */
  public introspection: { status: number; json?: unknown } = { status: 200, json: { active: true, exp: TOKEN_EXP } };

  public constructor(private readonly api: FakeCredentialsApi) {
    this.fake
      .on('POST', '/services/oauth2/token', (request) => {
        const form = new URLSearchParams(request.body);
        const refusal = this.refusal({ key: form.get('client_id') ?? '', secret: form.get('client_secret') ?? '' });
        if (refusal) return { status: 400, json: refusal };
        return {
          status: 200,
          json: {
            access_token: TOKEN,
            instance_url: INSTANCE,
            id: `https://login.salesforce.com/id/${ORG_ID}/${RUN_AS_ID}`,
            token_type: 'Bearer',
            scope: 'api',
            issued_at: '1700000000000',
            token_format: 'opaque',
          },
        };
      })
      .on('GET', /\/sobjects\/User\//, () => ({ status: 200, json: { Username: this.runAs, IsActive: true } }))
      .on('POST', '/services/oauth2/revoke', { status: 200 })
      .on('POST', '/services/oauth2/introspect', () => this.introspection);
  }

  /** The token requests made, as the pairs they sent. */
  public get tokenRequests(): Pair[] {
    return this.fake.requests
      .filter((r) => r.path === '/services/oauth2/token')
      .map((r) => {
        const form = new URLSearchParams(r.body);
        return { key: form.get('client_id') ?? '', secret: form.get('client_secret') ?? '' };
      });
  }

  public requested(path: string): boolean {
    return this.fake.requests.some((r) => r.path === path);
  }

  private refusal(pair: Pair): { error: string; error_description: string } | undefined {
    if (this.refuse) return { error: this.refuse.error, error_description: this.refuse.description };
    const { primary, slot } = this.api;
    const known = [primary, ...slot.filter((s) => s.state === 'Rotated' || this.stagedTokens)].find((p) => p.key === pair.key);
    if (!known) return { error: 'invalid_client_id', error_description: 'client identifier invalid' };
    return known.secret === pair.secret ? undefined : { error: 'invalid_client', error_description: 'invalid client credentials' };
  }
}

export type CommandFixture = {
  ux: ReturnType<typeof stubSfCommandUx>;
  api: FakeCredentialsApi;
  endpoint: FakeTokenEndpoint;
  /** The app's OAuth policy as the org's Metadata API returns it: its Run As user, or the error reading it. */
  policy: { runAs?: string; error?: Error };
  /** Everything the command showed (log, success, warnings, tables, info), as one text. */
  output(): string;
  /** The texts passed to one of the ux stubs (first arguments). */
  shown(stub: SinonStub): string[];
};

/**
 * Stubs the org (My Domain INSTANCE, ORG_ID, API 66.0), the command's ux and spinner, Connect REST, the Metadata API
 * reads of the app's policy, and fetch. Call in beforeEach; $$.restore() undoes it.
 */
export async function setUpCommand($$: TestContext, testOrg: MockTestOrgData): Promise<CommandFixture> {
  // eslint-disable-next-line no-param-reassign
  testOrg.instanceUrl = INSTANCE;
  // eslint-disable-next-line no-param-reassign
  testOrg.orgId = ORG_ID;
  await $$.stubAuths(testOrg);
  // The mock auth has no cached instanceApiVersion: the org's highest version (staging needs 65.0+).
  $$.SANDBOX.stub(Connection.prototype, 'retrieveMaxApiVersion').resolves(API_VERSION);
  const ux = stubSfCommandUx($$.SANDBOX);
  stubSpinner($$.SANDBOX);
  const api = new FakeCredentialsApi();
  // eslint-disable-next-line no-param-reassign -- TestContext's documented way to answer the org's requests
  $$.fakeConnectionRequest = (request): FakeAnswer => api.answer(request as RestRequest) as FakeAnswer;
  const policy: CommandFixture['policy'] = { runAs: RUN_AS };
  $$.SANDBOX.stub(MetadataApi.prototype, 'list').resolves([]);
  $$.SANDBOX.stub(MetadataApi.prototype, 'read').callsFake(((type: string, fullNames: string | string[]) => {
    if (policy.error) return Promise.reject(policy.error);
    const name = Array.isArray(fullNames) ? fullNames[0] : fullNames;
    return Promise.resolve(
      type === 'ExtlClntAppOauthConfigurablePolicies' && policy.runAs
        ? [{ fullName: name, externalClientApplication: APP, isClientCredentialsFlowEnabled: 'true', clientCredentialsFlowUser: policy.runAs }]
        : [{}]
    );
  }) as never);
  const endpoint = new FakeTokenEndpoint(api);
  $$.SANDBOX.stub(transport, 'fetch').callsFake((input: string, init?: RequestInit) => endpoint.fake.fetch(input, init));
  const shown = (stub: SinonStub): string[] => stub.getCalls().map((c) => c.args[0] as string);
  const output = (): string =>
    [ux.log, ux.logSuccess, ux.warn, ux.table, ux.info]
      .flatMap((stub: SinonStub) => stub.getCalls().flatMap((c): unknown[] => c.args as unknown[]))
      .map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))
      .join('\n');
  return { ux, api, endpoint, policy, output, shown };
}

/** The rows a command passed to this.table (first call). */
export function tableOf(ux: CommandFixture['ux']): { data: Array<Record<string, string>>; columns: Array<{ key: string; name: string }> } {
  return ux.table.firstCall.args[0] as { data: Array<Record<string, string>>; columns: Array<{ key: string; name: string }> };
}

/** Runs a command that must fail; returns its error. */
export async function failureOf(run: () => Promise<unknown>): Promise<SfError> {
  try {
    await run();
  } catch (error) {
    return error as SfError;
  }
  throw new Error('expected the command to fail');
}
