/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/* eslint-disable camelcase -- OAuth and identity wire fields are snake_case */
import { createHmac } from 'node:crypto';
import { json, type EmuRequest, type EmuResponse, type RouteContext } from '../http.js';
import { clientCredentialsGrant, type OAuthError } from './clientCredentials.js';

/**
 * /services/oauth2/token, /revoke and /introspect (oauth-client-credentials.md sections 1-5, org-wire-protocol.md
 * section 8). Only client_credentials issues tokens; the other grants answer an error.
 */

function oauthError(error: OAuthError, status = 400): EmuResponse {
  return json(status, error);
}

function form(req: EmuRequest): URLSearchParams | undefined {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined;
  return new URLSearchParams(req.body);
}

type ClientAuth = { clientId?: string; clientSecret?: string } | { malformed: true };

/** Client id and secret from the body, else from HTTP Basic (oauth section 1). */
function clientAuth(req: EmuRequest, params: URLSearchParams): ClientAuth {
  const bodyId = params.get('client_id') ?? undefined;
  if (bodyId !== undefined) return { clientId: bodyId, clientSecret: params.get('client_secret') ?? undefined };
  const header = req.headers.authorization;
  if (!header) return {};
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return { malformed: true };
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { malformed: true };
  // RFC 6749 2.3.1: both parts are form-urlencoded before base64.
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { clientId: decode(decoded.slice(0, colon)), clientSecret: decode(decoded.slice(colon + 1)) };
}

export function token(ctx: RouteContext, req: EmuRequest): EmuResponse {
  const params = form(req);
  const grantType = params?.get('grant_type');
  if (!params || !grantType) return oauthError({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  if (grantType !== 'client_credentials') {
    if (grantType === 'refresh_token') return oauthError({ error: 'invalid_grant', error_description: 'expired access/refresh token' });
    if (grantType === 'urn:ietf:params:oauth:grant-type:jwt-bearer' || grantType === 'authorization_code' || grantType === 'password') {
      // Not modelled by the emulator (README "Not modelled").
      return oauthError({ error: 'invalid_grant', error_description: 'authentication failure' });
    }
    return oauthError({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  }
  // The generic login host knows no org for a grant that names no user (oauth section 1 [T]).
  if (req.listener === 'login') {
    return oauthError({ error: 'invalid_grant', error_description: 'request not supported on this domain' });
  }
  const auth = clientAuth(req, params);
  if ('malformed' in auth) return oauthError({ error: 'invalid_basic_auth_header', error_description: 'invalid basic auth header' });
  const { state } = ctx;
  const result = clientCredentialsGrant(state, auth.clientId, auth.clientSecret, req.remoteAddress);
  if (!result.ok) return oauthError(result.error);
  const session = state.createSession(result.user.Id, {
    kind: 'client_credentials',
    appName: result.creds.appName,
    scopes: result.scopes,
  });
  const id = `${ctx.instanceUrl}/id/${state.org.Id}/${result.user.Id}`;
  const issuedAt = String(state.now());
  return json(200, {
    access_token: session.token,
    signature: createHmac('sha256', result.creds.consumerSecret).update(id + issuedAt).digest('base64'),
    scope: result.scopes.join(' '),
    instance_url: ctx.instanceUrl,
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
    token_format: 'opaque',
    // Real orgs answer https://api.salesforce.com; the emulator keeps clients on loopback.
    api_instance_url: ctx.instanceUrl,
  });
}

/** POST /services/oauth2/revoke, form token=...: 200, or 400 unsupported_token_type (oauth section 5). */
export function revoke(ctx: RouteContext, req: EmuRequest): EmuResponse {
  const params = form(req) ?? new URLSearchParams(req.query);
  const value = params.get('token');
  if (!value || !ctx.state.sessions.has(value)) {
    return oauthError({ error: 'unsupported_token_type', error_description: 'this token type is not supported' });
  }
  ctx.state.sessions.delete(value);
  return { status: 200, body: '' };
}

/** POST /services/oauth2/introspect with the app's own client auth (oauth section 4). */
export function introspect(ctx: RouteContext, req: EmuRequest): EmuResponse {
  const params = form(req);
  if (!params) return oauthError({ error: 'invalid_request', error_description: 'invalid request' });
  const auth = clientAuth(req, params);
  const { state } = ctx;
  const pair = 'malformed' in auth || !auth.clientId ? undefined : state.pairByKey(auth.clientId);
  const creds = pair?.creds;
  if (!pair || !creds || 'malformed' in auth || auth.clientSecret !== pair.secret) {
    return oauthError({ error: 'invalid_client', error_description: 'invalid client credentials' }, 401);
  }
  const session = state.resolveSession(params.get('token') ?? undefined);
  const introspectAll = state.satelliteOf(creds.appName, 'ExtlClntAppGlobalOauthSettings')?.fields.isIntrospectAllTokens === 'true';
  if (!session || (session.appName !== creds.appName && !introspectAll)) return json(200, { active: false });
  const user = state.users.get(session.userId);
  return json(200, {
    active: true,
    scope: session.scopes.join(' '),
    client_id: creds.consumerKey,
    username: user?.Username,
    sub: `${ctx.instanceUrl}/id/${state.org.Id}/${session.userId}`,
    token_type: 'access_token',
    exp: Math.floor(session.expiresAt / 1000),
    iat: Math.floor(session.createdAt / 1000),
    nbf: Math.floor(session.createdAt / 1000),
  });
}
