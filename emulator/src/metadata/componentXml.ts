/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * A metadata component file as an ordered element tree with source positions (fast-xml-parser `preserveOrder` +
 * `captureMetaData`). Values stay strings, exactly as written; entities are decoded.
 */

export type XmlElement = {
  name: string;
  /** Text content (trimmed); '' for an empty element. */
  text: string;
  children: XmlElement[];
  /** 1-based position of the element's `<`. */
  line: number;
  column: number;
};

export type ParsedComponent = {
  root: string;
  /** The root's xmlns attribute, if any. */
  namespace?: string;
  children: XmlElement[];
};

export type XmlSyntaxError = { message: string; line?: number; column?: number };

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  captureMetaData: true,
  processEntities: true,
  htmlEntities: false,
});

const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

function position(xml: string, index: number | undefined): { line: number; column: number } {
  if (index === undefined || index < 0) return { line: 1, column: 1 };
  let line = 1;
  let lastNewline = -1;
  for (let i = 0; i < index && i < xml.length; i++) {
    if (xml.charCodeAt(i) === 10) {
      line++;
      lastNewline = i;
    }
  }
  return { line, column: index - lastNewline };
}

function elementName(node: OrderedNode): string | undefined {
  return Object.keys(node).find((key) => key !== ':@' && key !== '#text' && key !== '#comment');
}

function toElements(xml: string, nodes: OrderedNode[]): XmlElement[] {
  const out: XmlElement[] = [];
  for (const node of nodes) {
    const name = elementName(node);
    if (!name) continue;
    const content = (node[name] ?? []) as OrderedNode[];
    const text = content
      .filter((child) => '#text' in child)
      .map((child) => String(child['#text']))
      .join('');
    const meta = (node as unknown as Record<symbol, { startIndex?: number } | undefined>)[META];
    out.push({ name, text: text.trim(), children: toElements(xml, content), ...position(xml, meta?.startIndex) });
  }
  return out;
}

/** Parses a component file; returns the syntax error (with position) for malformed XML. */
export function parseComponentXml(xml: string): ParsedComponent | XmlSyntaxError {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    return { message: valid.err.msg, line: valid.err.line, column: valid.err.col };
  }
  const doc = parser.parse(xml) as OrderedNode[];
  const roots = doc.filter((node) => elementName(node) !== undefined);
  if (roots.length !== 1) {
    return { message: 'The markup in the document following the root element must be well-formed.' };
  }
  const rootNode = roots[0];
  const root = elementName(rootNode) as string;
  return {
    root,
    namespace: rootNode[':@']?.xmlns,
    children: toElements(xml, (rootNode[root] ?? []) as OrderedNode[]),
  };
}

export function isSyntaxError(parsed: ParsedComponent | XmlSyntaxError): parsed is XmlSyntaxError {
  return 'message' in parsed;
}

/** Text of the first top-level element with this name. */
export function childText(children: readonly XmlElement[], name: string): string | undefined {
  return children.find((child) => child.name === name)?.text;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

function serialise(el: XmlElement, depth: number): string {
  const pad = '    '.repeat(depth);
  if (el.children.length === 0) {
    return `${pad}<${el.name}>${escapeXml(el.text)}</${el.name}>\n`;
  }
  const inner = el.children.map((child) => serialise(child, depth + 1)).join('');
  return `${pad}<${el.name}>\n${inner}${pad}</${el.name}>\n`;
}

/** Writes a component in Salesforce's file layout (declaration, namespaced root, four-space indent). */
export function buildComponentXml(root: string, children: readonly XmlElement[], namespace: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<${root} xmlns="${namespace}">\n` +
    children.map((child) => serialise(child, 1)).join('') +
    `</${root}>\n`
  );
}

/** A new element (no source position). */
export function element(name: string, text: string, children: XmlElement[] = []): XmlElement {
  return { name, text, children, line: 0, column: 0 };
}
