/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/**
 * SOAP helpers of the server (the Metadata API itself is emulator/src/metadata/): fault shapes, the SessionHeader
 * session id and the SOAP method of a request (org-wire-protocol.md sections 1 and 2).
 */

export type SoapResponse = { status: number; body: string };

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
