/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { controlRoute, type EmulatorControl } from './control.js';
import {
  bearerToken,
  collapseSlashes,
  notFound,
  restError,
  type EmuRequest,
  type EmuResponse,
  type RouteContext,
} from './http.js';
import { handleMetadataSoap } from './metadata/index.js';
import { introspect, revoke, token } from './oauth/token.js';
import { connectOauth } from './rest/connectOauth.js';
import { identity, isSupportedVersion, limits, listVersions, resources, userinfo } from './rest/identity.js';
import { query } from './rest/query.js';
import { sobjects, toolingDescribe } from './rest/sobjects.js';
import { extractSoapMethod, soapFault } from './soap.js';
import type { HttpFault, OrgState } from './state.js';

/**
 * The two node:http listeners on 127.0.0.1: the My Domain host (everything) and the generic login host (token
 * requests answer "request not supported on this domain"). Per request: collapse slashes, latency, faults, route,
 * request log.
 */

export type Listener = 'instance' | 'login';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function matchFault(faults: HttpFault[], path: string, soapMethod: string | undefined, method: string): HttpFault | undefined {
  const fault = faults.find(
    (f) =>
      f.remaining > 0 &&
      (f.method === undefined || f.method.toUpperCase() === method.toUpperCase()) &&
      ((f.path !== undefined && (f.path.startsWith('=') ? path === f.path.slice(1) : path.includes(f.path))) ||
        (f.soapMethod !== undefined && f.soapMethod === soapMethod))
  );
  if (!fault) return undefined;
  if (fault.skip) {
    fault.skip -= 1;
    return undefined;
  }
  fault.remaining -= 1;
  if (fault.remaining <= 0) faults.splice(faults.indexOf(fault), 1);
  return fault;
}

async function routeSoap(ctx: RouteContext, req: EmuRequest, version: string): Promise<EmuResponse> {
  const { state } = ctx;
  const response = await handleMetadataSoap(req.body, {
    state,
    apiVersionFromPath: version,
    maxApiVersion: state.config.maxApiVersion,
    deployInProgressPolls: state.config.deployInProgressPolls,
    now: () => new Date(state.now()),
    authenticate: (sessionId: string) => {
      const session = state.resolveSession(sessionId);
      const user = session ? state.users.get(session.userId) : undefined;
      if (!session || !user?.IsActive) return undefined;
      return { userId: user.Id, username: user.Username, name: user.FirstName ? `${user.FirstName} ${user.LastName}` : user.LastName };
    },
    faults: state.faults,
  });
  return { status: response.status, headers: { 'content-type': response.contentType }, body: response.body };
}

/** Routes /services/data/vXX.X/... */
function routeData(ctx: RouteContext, req: EmuRequest, version: string, rest: string[]): EmuResponse {
  if (!isSupportedVersion(ctx.state, version)) return notFound();
  if (rest.length === 0) return resources(ctx, req, version);
  switch (rest[0]) {
    case 'query':
    case 'queryAll':
      return query(ctx, req, version, false);
    case 'tooling':
      return rest[1] === 'query' ? query(ctx, req, version, true) : toolingDescribe(ctx, req, version, rest.slice(1));
    case 'sobjects':
      return sobjects(ctx, req, version, rest.slice(1));
    case 'limits':
      return limits(ctx, req);
    case 'apps':
      return connectOauth(ctx, req, version, rest.slice(1));
    default:
      return notFound();
  }
}

const OAUTH_ROUTES: Record<string, { methods: string[]; handle: (ctx: RouteContext, req: EmuRequest) => EmuResponse }> = {
  '/services/oauth2/token': { methods: ['POST'], handle: token },
  '/services/oauth2/userinfo': { methods: ['GET', 'POST'], handle: userinfo },
  '/services/oauth2/revoke': { methods: ['GET', 'POST'], handle: revoke },
  '/services/oauth2/introspect': { methods: ['POST'], handle: introspect },
};

/** Routes a request of the My Domain listener. */
async function routeInstance(ctx: RouteContext, req: EmuRequest): Promise<EmuResponse> {
  const { path, method } = req;
  const oauth = OAUTH_ROUTES[path];
  if (oauth?.methods.includes(method)) return oauth.handle(ctx, req);
  const id = /^\/id\/([A-Za-z0-9]{15,18})\/([A-Za-z0-9]{15,18})\/?$/.exec(path);
  if (id) return identity(ctx, req, id[1], id[2]);
  const soap = /^\/services\/Soap\/m\/(\d+\.\d)(?:\/.*)?$/.exec(path);
  if (soap && method === 'POST') return routeSoap(ctx, req, soap[1]);
  if (path === '/services/data' || path === '/services/data/') return listVersions(ctx);
  const data = /^\/services\/data\/v(\d+\.\d)(?:\/(.*))?$/.exec(path);
  if (data) return routeData(ctx, req, data[1], (data[2] ?? '').split('/').filter(Boolean));
  return notFound();
}

function routeLogin(ctx: RouteContext, req: EmuRequest): EmuResponse {
  if (req.path === '/services/oauth2/token' && req.method === 'POST') return token(ctx, req);
  return notFound();
}

export type ServerPair = {
  instanceServer: Server;
  loginServer: Server;
  instanceUrl: string;
  loginUrl: string;
  /** Closes both listeners, their connections and pending latency timers. */
  close: () => Promise<void>;
};

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function send(res: ServerResponse, response: EmuResponse): void {
  res.writeHead(response.status, response.headers ?? {});
  res.end(response.body ?? '');
}

export async function startServers(
  state: OrgState,
  control: EmulatorControl,
  ports: { port?: number; loginPort?: number } = {}
): Promise<ServerPair> {
  const ctx: RouteContext = { state, instanceUrl: '', loginUrl: '' };
  const stopping = new AbortController();

  const handler =
    (listener: Listener) =>
    async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const rawUrl = req.url ?? '/';
      const queryIndex = rawUrl.indexOf('?');
      const path = collapseSlashes(queryIndex >= 0 ? rawUrl.slice(0, queryIndex) : rawUrl);
      const emuReq: EmuRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        path,
        query: new URLSearchParams(queryIndex >= 0 ? rawUrl.slice(queryIndex + 1) : ''),
        headers: req.headers,
        body: await readBody(req),
        listener,
        remoteAddress: req.socket.remoteAddress ?? '127.0.0.1',
      };
      if (listener === 'instance' && path.startsWith('/__emulator/')) {
        send(res, controlRoute(control, emuReq));
        return;
      }
      const soapMethod = path.startsWith('/services/Soap/') ? extractSoapMethod(emuReq.body) : undefined;
      const log = (status: number): void => {
        state.requestLog.push({
          method: emuReq.method,
          path,
          ...(soapMethod ? { soapMethod } : {}),
          ...(emuReq.query.has('q') ? { soql: emuReq.query.get('q') ?? '' } : {}),
          status,
          listener,
          time: new Date().toISOString(),
        });
      };
      const latency = state.config.latencyMs + state.faults.extraLatencyMs;
      // Rejects when the emulator stops; the outer catch then drops the socket.
      if (latency > 0) await sleep(latency, undefined, { signal: stopping.signal });

      let response: EmuResponse;
      const fault = matchFault(state.faults.http, path, soapMethod, emuReq.method);
      if (fault?.kind === 'drop' || fault?.kind === 'hang') {
        log(0);
        // hang: never answers; the request stays open until the client gives up or the emulator stops.
        if (fault.kind === 'hang') await untilClosed(req, stopping.signal);
        req.socket.destroy();
        return;
      }
      // expireSession: the caller's session expires now; this request (and every later one with it) is answered as expired.
      if (fault?.kind === 'expireSession') expireCallerSession(state, emuReq);
      if (fault && fault.kind !== 'expireSession') {
        response = faultAnswer(fault, soapMethod);
      } else {
        try {
          response = listener === 'instance' ? await routeInstance(ctx, emuReq) : routeLogin(ctx, emuReq);
        } catch (error) {
          const message = `emulator error: ${(error as Error).message}`;
          response = path.startsWith('/services/Soap/')
            ? { ...soapFault('UNKNOWN_EXCEPTION', message), headers: { 'content-type': 'text/xml; charset=utf-8' } }
            : restError(500, 'UNKNOWN_EXCEPTION', message);
        }
      }
      if (response.drop) {
        log(0);
        req.socket.destroy();
        return;
      }
      log(response.status);
      send(res, response);
    };

  // A client that aborts mid-request must not crash the emulator (or the test process hosting it).
  const serve =
    (listener: Listener) =>
    (req: IncomingMessage, res: ServerResponse): void => {
      handler(listener)(req, res).catch(() => req.socket.destroy());
    };
  const instanceServer = createServer(serve('instance'));
  const loginServer = createServer(serve('login'));
  const instancePort = await listen(instanceServer, ports.port ?? 0);
  let loginPort: number;
  try {
    loginPort = await listen(loginServer, ports.loginPort ?? 0);
  } catch (error) {
    // Leave nothing listening when the second port is taken.
    await closeServer(instanceServer);
    throw error;
  }
  ctx.instanceUrl = `http://127.0.0.1:${instancePort}`;
  ctx.loginUrl = `http://127.0.0.1:${loginPort}`;
  return {
    instanceServer,
    loginServer,
    instanceUrl: ctx.instanceUrl,
    loginUrl: ctx.loginUrl,
    close: async (): Promise<void> => {
      stopping.abort();
      await Promise.all([closeServer(instanceServer), closeServer(loginServer)]);
    },
  };
}

/** Closes a server and every open connection (keep-alive sockets included). */
async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Resolves when the client closes the connection or the emulator stops. */
function untilClosed(req: IncomingMessage, stopping: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    stopping.addEventListener('abort', () => resolve(), { once: true });
    req.socket.once('close', () => resolve());
  });
}

function expireCallerSession(state: OrgState, req: EmuRequest): void {
  const sessionId = bearerToken(req) ?? /<(?:\w+:)?sessionId>([^<]+)</.exec(req.body)?.[1];
  if (sessionId) state.expireSession(sessionId);
}

/** HTTP 500 (REST error body) or SOAP fault UNKNOWN_EXCEPTION with the fault's ErrorId. */
function faultAnswer(fault: HttpFault, soapMethod: string | undefined): EmuResponse {
  const text = `An unexpected error occurred. Please include this ErrorId if you contact support: ${fault.errorId ?? 'emulator-fault'}`;
  if (!soapMethod) return restError(500, 'UNKNOWN_EXCEPTION', text);
  return { ...soapFault('UNKNOWN_EXCEPTION', text), headers: { 'content-type': 'text/xml; charset=utf-8' } };
}
