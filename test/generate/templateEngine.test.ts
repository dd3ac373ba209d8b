/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { escapeXml } from '../../src/metadata/xmlText.js';
import { renderJsonTemplate, renderXmlTemplate, TemplateError } from '../../src/generate/templateEngine.js';

describe('templateEngine', () => {
  it('escapes every XML special character in values', () => {
    expect(escapeXml('a&b<c>d"e\'f')).to.equal('a&amp;b&lt;c&gt;d&quot;e&apos;f');
    expect(renderXmlTemplate('<label>{{app.label}}</label>', { app: { label: 'R&D <x>' } })).to.equal(
      '<label>R&amp;D &lt;x&gt;</label>'
    );
  });

  it('renders booleans and numbers as text', () => {
    expect(renderXmlTemplate('{{a}} {{b}}', { a: false, b: 90 })).to.equal('false 90');
  });

  it('removes lines holding only a block tag, keeping the indentation of the block', () => {
    const template = '<a>\n    <x>1</x>\n    {{#if on}}\n    <y>2</y>\n    {{/if}}\n    <z>3</z>\n</a>\n';
    expect(renderXmlTemplate(template, { on: true })).to.equal('<a>\n    <x>1</x>\n    <y>2</y>\n    <z>3</z>\n</a>\n');
    expect(renderXmlTemplate(template, { on: false })).to.equal('<a>\n    <x>1</x>\n    <z>3</z>\n</a>\n');
  });

  it('supports if/else and unless on truthiness (empty lists and strings are false)', () => {
    const t = '{{#if v}}yes{{else}}no{{/if}}|{{#unless v}}none{{/unless}}';
    expect(renderXmlTemplate(t, { v: ['a'] })).to.equal('yes|');
    expect(renderXmlTemplate(t, { v: [] })).to.equal('no|none');
    expect(renderXmlTemplate(t, { v: '' })).to.equal('no|none');
    expect(renderXmlTemplate(t, { v: undefined })).to.equal('no|none');
  });

  it('keeps {{#since}} blocks from that API version on', () => {
    const t = '{{#since 61}}new{{else}}old{{/since}}';
    expect(renderXmlTemplate(t, { apiVersion: '60.0' })).to.equal('old');
    expect(renderXmlTemplate(t, { apiVersion: '61.0' })).to.equal('new');
    expect(renderXmlTemplate(t, { apiVersion: '66.0' })).to.equal('new');
  });

  it('repeats {{#each}} blocks with the item as scope, nested too', () => {
    const t = '{{#each types}}[{{#each members}}{{.}};{{/each}}{{name}}@{{version}}]{{/each}}';
    expect(
      renderXmlTemplate(t, {
        version: '66.0',
        types: [
          { name: 'A', members: ['a1', 'a&2'] },
          { name: 'B', members: [] },
        ],
      })
    ).to.equal('[a1;a&amp;2;A@66.0][B@66.0]');
  });

  it('throws TemplateError for template bugs instead of rendering empty text', () => {
    expect(() => renderXmlTemplate('{{missing}}', {})).to.throw(TemplateError, 'missing');
    expect(() => renderXmlTemplate('{{obj}}', { obj: { a: 'x' } })).to.throw(TemplateError);
    expect(() => renderXmlTemplate('{{#if a}}x', { a: true })).to.throw(TemplateError, 'unclosed');
    expect(() => renderXmlTemplate('{{#if a}}x{{/each}}', { a: true })).to.throw(TemplateError, 'closes');
    expect(() => renderXmlTemplate('{{#loop a}}x{{/loop}}', { a: true })).to.throw(TemplateError, 'unknown block');
    expect(() => renderXmlTemplate('{{#each a}}x{{/each}}', { a: 'text' })).to.throw(TemplateError, 'list');
    expect(() => renderXmlTemplate('{{#since 61}}x{{/since}}', {})).to.throw(TemplateError, 'apiVersion');
    expect(() => renderXmlTemplate('{{else}}', {})).to.throw(TemplateError, 'else');
  });

  describe('renderJsonTemplate', () => {
    it('puts whole values in place, drops undefined keys, escapes through JSON', () => {
      const out = renderJsonTemplate('{"a": "{{a}}", "list": "{{list}}", "gone": "{{none}}", "mixed": "x-{{a}}"}', {
        a: 'quote " and \\ backslash',
        list: ['p1', 'p2'],
      });
      expect(JSON.parse(out)).to.deep.equal({
        a: 'quote " and \\ backslash',
        list: ['p1', 'p2'],
        mixed: 'x-quote " and \\ backslash',
      });
      expect(out.endsWith('\n')).to.equal(true);
    });
    it('keeps literal values and rejects invalid JSON templates', () => {
      expect(JSON.parse(renderJsonTemplate('{"n": 1, "b": true, "s": "plain"}', {}))).to.deep.equal({
        n: 1,
        b: true,
        s: 'plain',
      });
      expect(() => renderJsonTemplate('{not json', {})).to.throw(TemplateError, 'JSON');
    });
  });
});
