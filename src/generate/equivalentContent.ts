/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { isDeepStrictEqual } from 'node:util';
import type { XMLParser } from 'fast-xml-parser';

/**
 * Whether a file on disk already says what generate would write, formatting aside: the same XML elements, order,
 * attributes, comments and (trimmed) values, or the same JSON value. A file reformatted by an editor or a formatter
 * then counts as unchanged and is left alone; any real edit is still a conflict. The XML parser loads only when a
 * file is compared: a first generate writes new files and needs none.
 */

let xml: Promise<{ parser: XMLParser; validate: (text: string) => unknown }> | undefined;

function xmlReader(): NonNullable<typeof xml> {
  xml ??= import('fast-xml-parser').then(({ XMLParser: Parser, XMLValidator }) => ({
    parser: new Parser({
      ignoreAttributes: false,
      ignoreDeclaration: true,
      preserveOrder: true,
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: true,
      commentPropName: '#comment',
    }),
    validate: (text: string): unknown => XMLValidator.validate(text),
  }));
  return xml;
}

async function parseXml(text: string): Promise<unknown> {
  const { parser, validate } = await xmlReader();
  if (validate(text) !== true) throw new Error('malformed XML');
  return parser.parse(text) as unknown;
}

export async function equivalentContent(existing: string, generated: string, path: string): Promise<boolean> {
  try {
    if (path.endsWith('.json')) return isDeepStrictEqual(JSON.parse(existing), JSON.parse(generated));
    if (path.endsWith('.xml')) return isDeepStrictEqual(await parseXml(existing), await parseXml(generated));
  } catch {
    return false;
  }
  return false;
}
