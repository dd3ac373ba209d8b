/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { OrgState, Session, UserRecord } from './state.js';

/**
 * The seam between the server and the SOAP Metadata API module (emulator/src/metadata/index.ts): the handler type,
 * SOAP fault shapes and the SessionHeader check (org-wire-protocol.md sections 1 and 2).
 */

export type SoapResponse = { status: number; body: string };

export type SoapContext = {
  state: OrgState;
  /** API version from the path, e.g. '66.0' for /services/Soap/m/66.0. */
  apiVersion: string;
  /** 'http://127.0.0.1:PORT' of the My Domain listener. */
  instanceUrl: string;
};

/** What emulator/src/metadata/index.ts exports as `handleMetadataSoap`. */
export type MetadataSoapHandler = (body: string, ctx: SoapContext) => SoapResponse | Promise<SoapResponse>;

export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A SOAP fault: HTTP 500, faultcode sf:CODE, faultstring "CODE: message". */
export function soapFault(code: string, message: string): SoapResponse {
  return {
    status: 500,
    body:
      '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
      ' xmlns:sf="http://soap.sforce.com/2006/04/metadata"><soapenv:Body><soapenv:Fault>' +
      `<faultcode>sf:${xmlEscape(code)}</faultcode><faultstring>${xmlEscape(`${code}: ${message}`)}</faultstring>` +
      '</soapenv:Fault></soapenv:Body></soapenv:Envelope>',
  };
}

/** The fault for a missing, unknown or expired session. */
export function invalidSessionFault(): SoapResponse {
  return soapFault('INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session');
}

/** The <sessionId> of a SOAP envelope's SessionHeader (any namespace prefix), or undefined. */
export function extractSessionId(body: string): string | undefined {
  const match = /<(?:\w+:)?sessionId\b[^>]*>([^<]*)<\/(?:\w+:)?sessionId>/.exec(body);
  return match ? match[1].trim() : undefined;
}

/** The first element inside <soapenv:Body> (the SOAP method, e.g. 'deploy'), or undefined. */
export function extractSoapMethod(body: string): string | undefined {
  const match = /<(?:\w+:)?Body\b[^>]*>\s*<(?:\w+:)?([A-Za-z]\w*)/.exec(body);
  return match ? match[1] : undefined;
}

export type SessionCheck =
  | { ok: true; session: Session; user: UserRecord }
  | { ok: false; fault: SoapResponse };

/**
 * Checks the SessionHeader of a SOAP request: a live session of an active user, else the INVALID_SESSION_ID fault.
 * The metadata module calls this first for every request.
 */
export function checkSoapSession(state: OrgState, body: string): SessionCheck {
  const session = state.resolveSession(extractSessionId(body));
  const user = session ? state.users.get(session.userId) : undefined;
  if (!session || !user?.IsActive) return { ok: false, fault: invalidSessionFault() };
  return { ok: true, session, user };
}
