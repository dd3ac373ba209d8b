/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { json, restError, type EmuRequest, type EmuResponse, type RouteContext } from '../http.js';
import { authenticateApi, isAuthenticated } from './session.js';
import { runSoql, soqlColumns, SoqlError } from './soql.js';

/** GET /services/data/vXX.X/query?q= and /tooling/query?q= (org-wire-protocol.md section 6). */
export function query(ctx: RouteContext, req: EmuRequest, version: string, tooling: boolean): EmuResponse {
  const auth = authenticateApi(ctx.state, req);
  if (!isAuthenticated(auth)) return auth;
  const soql = req.query.get('q');
  if (!soql) return restError(400, 'MALFORMED_QUERY', "A query string has to be specified: use the 'q' parameter");
  try {
    if (req.query.get('columns') === 'true') return json(200, soqlColumns(ctx.state, soql, tooling));
    return json(200, runSoql(ctx.state, soql, version, tooling, auth.user.Id));
  } catch (error) {
    if (error instanceof SoqlError) return restError(400, error.errorCode, error.message);
    throw error;
  }
}
