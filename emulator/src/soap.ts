/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
/**
 * SOAP helpers of the server (the Metadata API itself is emulator/src/metadata/, which checks the SessionHeader
 * through ctx.authenticate): the fault shape and the SOAP method of a request (org-wire-protocol.md section 1).
 */

export type SoapResponse = { status: number; body: string };

function xmlEscape(text: string): string {
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

/** The first element inside <soapenv:Body> (the SOAP method, e.g. 'deploy'), or undefined. */
export function extractSoapMethod(body: string): string | undefined {
  const match = /<(?:\w+:)?Body\b[^>]*>\s*<(?:\w+:)?([A-Za-z]\w*)/.exec(body);
  return match ? match[1] : undefined;
}
