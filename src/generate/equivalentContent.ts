/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { isDeepStrictEqual } from 'node:util';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * Whether a file on disk already says what generate would write, formatting aside: the same XML elements, order,
 * attributes, comments and (trimmed) values, or the same JSON value. A file reformatted by an editor or a formatter
 * then counts as unchanged and is left alone; any real edit is still a conflict.
 */

const parser = new XMLParser({
  ignoreAttributes: false,
  ignoreDeclaration: true,
  preserveOrder: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  commentPropName: '#comment',
});

function parseXml(text: string): unknown {
  if (XMLValidator.validate(text) !== true) throw new Error('malformed XML');
  return parser.parse(text) as unknown;
}

export function equivalentContent(existing: string, generated: string, path: string): boolean {
  try {
    if (path.endsWith('.json')) return isDeepStrictEqual(JSON.parse(existing), JSON.parse(generated));
    if (path.endsWith('.xml')) return isDeepStrictEqual(parseXml(existing), parseXml(generated));
  } catch {
    return false;
  }
  return false;
}
