/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { escapeXml } from '../../src/metadata/xmlText.js';

/** A standard XML parser (entities decoded, values kept as text): the oracle for what a reader of the file sees. */
const reader = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, parseAttributeValue: false, trimValues: false });

describe('metadata/xmlText', () => {
  it('replaces each of the five XML special characters by its predefined entity', () => {
    expect(escapeXml('&')).to.equal('&amp;');
    expect(escapeXml('<')).to.equal('&lt;');
    expect(escapeXml('>')).to.equal('&gt;');
    expect(escapeXml('"')).to.equal('&quot;');
    expect(escapeXml("'")).to.equal('&apos;');
  });

  it('replaces every occurrence, not just the first', () => {
    expect(escapeXml('a<b<c&&d')).to.equal('a&lt;b&lt;c&amp;&amp;d');
  });

  it('escapes & first, so the entities it writes are not escaped again and existing entities stay literal text', () => {
    expect(escapeXml('<')).to.not.include('&amp;lt;');
    // Text that already looks like an entity is text: a reader must get "&lt;" back, not "<".
    expect(escapeXml('&lt;')).to.equal('&amp;lt;');
  });

  it('leaves text without special characters unchanged (letters, digits, unicode, whitespace)', () => {
    for (const text of ['', 'My_Integration', 'Café – 東京 ✓', 'tab\tand\nnewline', 'integration@acme.com.uat2']) {
      expect(escapeXml(text)).to.equal(text);
    }
  });

  it('gives element text and attribute values that a standard XML parser reads back exactly', () => {
    const values = ['R&D <Integration>', '"quoted" and \'single\'', 'a]]>b', '&amp; literal', '<![CDATA[x]]>', '&#60;not a char ref'];
    for (const value of values) {
      const xml = `<root attr="${escapeXml(value)}" other='${escapeXml(value)}'><label>${escapeXml(value)}</label></root>`;
      expect(XMLValidator.validate(xml), value).to.equal(true);
      const parsed = reader.parse(xml) as { root: { label: string; '@_attr': string; '@_other': string } };
      expect(parsed.root.label, value).to.equal(value);
      expect(parsed.root['@_attr'], value).to.equal(value);
      expect(parsed.root['@_other'], value).to.equal(value);
    }
  });

  it('cannot be used to inject markup: the output has no raw < > " or \' and no & outside an entity', () => {
    const hostile = '</label><consumerSecret>x</consumerSecret><label a="1" b=\'2\'>&x;';
    const out = escapeXml(hostile);
    expect(out).to.not.match(/[<>"']/);
    expect(out.replace(/&(amp|lt|gt|quot|apos);/g, '')).to.not.include('&');
  });
});
