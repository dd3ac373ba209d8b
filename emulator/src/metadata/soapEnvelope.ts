/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { XMLParser } from 'fast-xml-parser';
import { soapFault as serverSoapFault } from '../soap.js';
import { METADATA_NS } from './schema.js';

/**
 * The Metadata API's SOAP envelope: reading a request (org-wire-protocol.md section 3.2, 4, 5) and writing a response
 * or a fault (section 1). Request values stay strings; elements the API defines as lists are always arrays.
 */

export type SoapValue = string | SoapObject | SoapValue[];
export type SoapObject = { [name: string]: SoapValue };

export type SoapRequest = {
  /** The first element of the Body (deploy, checkDeployStatus, listMetadata, ...). */
  method: string;
  /** Its children. */
  params: SoapObject;
  sessionId?: string;
};

export type SoapResponse = { status: number; body: string; contentType: string };

const LIST_ELEMENTS = new Set(['queries', 'fullNames', 'types', 'members', 'packageNames', 'specificFiles', 'runTests']);

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  processEntities: true,
  htmlEntities: false,
  isArray: (name): boolean => LIST_ELEMENTS.has(name),
});

export class SoapParseError extends Error {}

/** Parses a SOAP request envelope; throws SoapParseError when it is not one. */
export function parseSoapRequest(xml: string): SoapRequest {
  let doc: SoapObject;
  try {
    doc = parser.parse(xml) as SoapObject;
  } catch (error) {
    throw new SoapParseError(error instanceof Error ? error.message : String(error));
  }
  const envelope = doc.Envelope;
  if (typeof envelope !== 'object' || Array.isArray(envelope)) throw new SoapParseError('Missing SOAP Envelope');
  const body = envelope.Body;
  if (typeof body !== 'object' || Array.isArray(body)) throw new SoapParseError('Missing SOAP Body');
  const method = Object.keys(body)[0];
  if (!method) throw new SoapParseError('Empty SOAP Body');
  const params = body[method];
  const header = envelope.Header;
  let sessionId: string | undefined;
  if (typeof header === 'object' && !Array.isArray(header)) {
    const sessionHeader = header.SessionHeader;
    if (typeof sessionHeader === 'object' && !Array.isArray(sessionHeader) && typeof sessionHeader.sessionId === 'string') {
      sessionId = sessionHeader.sessionId;
    }
  }
  return {
    method,
    params: typeof params === 'object' && !Array.isArray(params) ? params : {},
    sessionId,
  };
}

/** A scalar child as a string ('' when absent or not a scalar). */
export function param(obj: SoapObject | undefined, name: string): string {
  const value = obj?.[name];
  return typeof value === 'string' ? value : '';
}

export function paramObject(obj: SoapObject | undefined, name: string): SoapObject | undefined {
  const value = obj?.[name];
  return typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

export function paramList(obj: SoapObject | undefined, name: string): SoapValue[] {
  const value = obj?.[name];
  if (value === undefined || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

export function paramBoolean(obj: SoapObject | undefined, name: string, fallback: boolean): boolean {
  const value = param(obj, name);
  return value === '' ? fallback : value === 'true';
}

// ---------------------------------------------------------------------------------------------------------------------

/** Response values: arrays repeat the element, null is xsi:nil, `@xsi:type` becomes an attribute. */
export type XmlOut = string | number | boolean | null | undefined | XmlOutObject | XmlOut[];
export type XmlOutObject = { [name: string]: XmlOut };

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
export const escapeText = (value: string): string => value.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);

export function toXml(name: string, value: XmlOut): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((item) => toXml(name, item)).join('');
  if (value === null) return `<${name} xsi:nil="true"/>`;
  if (typeof value === 'object') {
    const type = value['@xsi:type'];
    const attr = typeof type === 'string' ? ` xsi:type="${escapeText(type)}"` : '';
    const inner = Object.entries(value)
      .filter(([key]) => key !== '@xsi:type')
      .map(([key, child]) => toXml(key, child))
      .join('');
    return inner === '' ? `<${name}${attr}/>` : `<${name}${attr}>${inner}</${name}>`;
  }
  return `<${name}>${escapeText(String(value))}</${name}>`;
}

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
  ` xmlns="${METADATA_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>`;
const ENVELOPE_CLOSE = '</soapenv:Body></soapenv:Envelope>';
const TEXT_XML = 'text/xml; charset=utf-8';

/** `<methodResponse>` with one `<result>` per item (an array result repeats it; undefined gives none). */
export function soapResult(method: string, result: XmlOut): SoapResponse {
  return {
    status: 200,
    contentType: TEXT_XML,
    body: `${ENVELOPE_OPEN}<${method}Response>${toXml('result', result)}</${method}Response>${ENVELOPE_CLOSE}`,
  };
}

/** A SOAP fault (the server's shape, emulator/src/soap.ts: HTTP 500, sf:CODE, "CODE: message"). */
export function soapFault(code: string, message: string): SoapResponse {
  return { ...serverSoapFault(code, message), contentType: TEXT_XML };
}
