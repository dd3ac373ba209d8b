/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { bearerToken, restError, type EmuRequest, type EmuResponse } from '../http.js';
import type { OrgState, Session, UserRecord } from '../state.js';

/**
 * REST authentication: the Bearer token must be a live session of an active user (org-wire-protocol.md section 2),
 * and for the REST API the session needs the `api` (or `full`) scope and the user API Enabled
 * (oauth-client-credentials.md section 3, last rows [T]: a session without the scope answers INVALID_SESSION_ID, a
 * user without API Enabled API_DISABLED_FOR_ORG).
 */

export type Authenticated = { session: Session; user: UserRecord };

export function invalidSession(): EmuResponse {
  return restError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
}

/** The session of a request, or the 401 response to send. */
export function authenticate(state: OrgState, req: EmuRequest, allowQueryToken = false): Authenticated | EmuResponse {
  const session = state.resolveSession(bearerToken(req, allowQueryToken));
  const user = session ? state.users.get(session.userId) : undefined;
  if (!session || !user?.IsActive) return invalidSession();
  return { session, user };
}

/** Like authenticate, plus the REST API checks (scope `api`/`full`, user permission ApiEnabled). */
export function authenticateApi(state: OrgState, req: EmuRequest): Authenticated | EmuResponse {
  const auth = authenticate(state, req);
  if (!isAuthenticated(auth)) return auth;
  const scoped = auth.session.scopes.includes('api') || auth.session.scopes.includes('full');
  if (!scoped) return restError(401, 'INVALID_SESSION_ID', 'This session is not valid for use with the REST API');
  // A user without API Enabled (oauth section 3 [T]; the status 403 is [U]).
  if (!state.hasPermission(auth.user.Id, 'ApiEnabled')) {
    return restError(403, 'API_DISABLED_FOR_ORG', 'The REST API is not enabled for this Organization.');
  }
  return auth;
}

export function isAuthenticated(value: Authenticated | EmuResponse): value is Authenticated {
  return 'session' in value;
}
