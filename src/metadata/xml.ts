/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { METADATA_NAMESPACE } from './ecaTypes.js';

/**
 * Reading and writing Metadata API source files with fast-xml-parser. Values are kept as strings (no number or
 * boolean coercion), so what is read is exactly what the file says.
 */

export type XmlScalar = string;
export type XmlNode = { [element: string]: XmlValue };
export type XmlValue = XmlScalar | XmlNode | XmlValue[];

export type ParsedMetadata = {
  /** Root element name, i.e. the metadata type (e.g. "ExternalClientApplication"). */
  root: string;
  /** Child elements of the root, in file order (attributes removed). */
  fields: XmlNode;
  /** Element names in file order, for order checks. */
  order: string[];
};

export class MetadataXmlError extends Error {
  public constructor(message: string, public readonly line?: number) {
    super(message);
    this.name = 'MetadataXmlError';
  }
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
});

const orderParser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  preserveOrder: true,
  ignoreDeclaration: true,
});

/**
 * The parser's complaint in plain words (issue 13: "InvalidTag"-style jargon): what is wrong, and where it started.
 * Exported for tests.
 */
export function plainXmlProblem(message: string): string {
  const mismatch = /Expected closing tag '([^']+)' \(opened in line (\d+)[^)]*\) instead of closing tag '([^']+)'/.exec(message);
  if (mismatch) return `<${mismatch[1]}> opened on line ${mismatch[2]} is not closed before </${mismatch[3]}>`;
  const unclosed = /Unclosed tag '([^']+)'/.exec(message);
  if (unclosed) return `<${unclosed[1]}> is never closed (the file may be cut short)`;
  if (/Start tag expected/i.test(message)) return 'the file is empty or has no XML element';
  if (/open quote/i.test(message)) return 'a quote in an attribute is not closed';
  const char = /char '(.)' is not expected/.exec(message);
  if (char) return `"${char[1]}" is not allowed there (the file must start with <?xml ...?> or its root element)`;
  return message.replace(/\.$/, '');
}

/**
 * Parses a metadata source file; throws MetadataXmlError with a line number for malformed XML. A DOCTYPE is refused
 * (no Metadata API file has one; entity declarations in it could expand without bound), so pre-flight checks stop it
 * before anything is sent to an org.
 */
export function parseMetadataXml(xml: string): ParsedMetadata {
  const doctype = /<!DOCTYPE/i.exec(xml);
  if (doctype) {
    throw new MetadataXmlError(
      'it has a <!DOCTYPE> declaration, which Salesforce metadata files never have: remove it',
      xml.slice(0, doctype.index).split('\n').length
    );
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new MetadataXmlError(plainXmlProblem(valid.err.msg), valid.err.line);
  }
  const doc = parseReservedNamesSafely(() => parser.parse(xml) as Record<string, unknown>, xml);
  const roots = Object.keys(doc);
  if (roots.length !== 1) {
    throw new MetadataXmlError(`expected one root element, found ${roots.length}`);
  }
  const root = roots[0];
  const body = doc[root];
  const fields: XmlNode = typeof body === 'object' && body !== null ? (body as XmlNode) : {};
  type Ordered = Array<Record<string, Array<Record<string, unknown>>>>;
  const ordered = parseReservedNamesSafely(() => orderParser.parse(xml) as Ordered, xml);
  const rootEntry = ordered.find((entry) => root in entry);
  const order = (rootEntry?.[root] ?? []).flatMap((child) => Object.keys(child).filter((k) => k !== '#text' && k !== ':@'));
  return { root, fields, order };
}

/**
 * fast-xml-parser refuses an element named `constructor`, `__proto__` or `prototype` with "[SECURITY] Invalid name";
 * no metadata element has such a name: say so in plain words, with the element's line.
 */
function parseReservedNamesSafely<T>(parse: () => T, xml: string): T {
  try {
    return parse();
  } catch (e) {
    const name = e instanceof Error ? /Invalid name: "([^"]+)"/.exec(e.message)?.[1] : undefined;
    if (!name) throw e;
    const at = xml.search(new RegExp(`<${name.replace(/[^\w]/g, '\\$&')}[\\s/>]`));
    const line = at >= 0 ? xml.slice(0, at).split('\n').length : undefined;
    throw new MetadataXmlError(`the element <${name}> is not a metadata element (the name is reserved)`, line);
  }
}

/** The text value of a single scalar child, or undefined when absent or not a scalar. */
export function textOf(fields: XmlNode, element: string): string | undefined {
  const value = fields[element];
  return typeof value === 'string' ? value : undefined;
}

const builder = new XMLBuilder({
  format: true,
  indentBy: '    ',
  suppressEmptyNode: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
});

/**
 * Serialises a metadata component in Salesforce's source-file layout: XML declaration, namespaced root, four-space
 * indent, children in the given order (callers pass them sorted as the type requires).
 */
export function buildMetadataXml(root: string, fields: XmlNode): string {
  const body: string = builder.build({ [root]: { '@_xmlns': METADATA_NAMESPACE, ...fields } });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body.trimEnd()}\n`;
}
