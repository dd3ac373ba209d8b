/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth wire fields are snake_case */
import type { FetchLike } from '../../src/oauth/tokenClient.js';

/**
 * An injectable fetch for unit tests: routes by method + path to handlers, records every request (URL, headers,
 * body) so tests can assert what went over the wire. Not a Salesforce model: the e2e tests use the emulator.
 */

export type RecordedRequest = { method: string; url: string; path: string; headers: Record<string, string>; body: string };
export type FakeAnswer = { status: number; json?: unknown; text?: string; headers?: Record<string, string> } | Error;
export type Handler = (request: RecordedRequest) => FakeAnswer;

export class FakeFetch {
  public readonly requests: RecordedRequest[] = [];
  private readonly routes: Array<{ method: string; path: string | RegExp; handler: Handler }> = [];

  public get fetch(): FetchLike {
    return async (input: string, init?: RequestInit): Promise<Response> => {
      const url = new URL(input);
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
      const request: RecordedRequest = {
        method: init?.method ?? 'GET',
        url: input,
        path: url.pathname,
        headers,
        body: typeof init?.body === 'string' ? init.body : '',
      };
      this.requests.push(request);
      const route = this.routes.find(
        (r) => r.method === request.method && (typeof r.path === 'string' ? r.path === url.pathname : r.path.test(url.pathname))
      );
      const answer: FakeAnswer = route ? route.handler(request) : { status: 404, json: [{ errorCode: 'NOT_FOUND', message: 'no route' }] };
      if (answer instanceof Error) throw answer;
      const body = answer.text ?? (answer.json === undefined ? '' : JSON.stringify(answer.json));
      return Promise.resolve(new Response(answer.status === 204 ? null : body, { status: answer.status, headers: answer.headers }));
    };
  }

  public on(method: string, path: string | RegExp, handler: Handler | FakeAnswer): this {
    this.routes.push({ method, path, handler: typeof handler === 'function' ? handler : (): FakeAnswer => handler });
    return this;
  }

}

export const ORG_ID = '00D000000000001AAA';
export const USER_ID = '005000000000002AAA';
export const BASE = 'https://acme.my.salesforce.com';
export const ACCESS_TOKEN = '00D000000000001!FAKE.fetchtoken';

export function tokenBody(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    access_token: ACCESS_TOKEN,
    signature: 'c2lnbmF0dXJl',
    scope: 'api',
    instance_url: BASE,
    id: `https://login.salesforce.com/id/${ORG_ID}/${USER_ID}`,
    token_type: 'Bearer',
    issued_at: '1678833535086',
    token_format: 'opaque',
    ...overrides,
  };
}
