/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { escapeXml } from '../metadata/xmlText.js';

/**
 * A small, dependency-free template language for the files in templates/ (syntax in templates/README.md):
 * - `{{name}}`: value of `name` (dots reach into objects), escaped for the output format;
 * - `{{#if name}}…{{else}}…{{/if}}`: block kept when `name` is truthy (true, non-empty string, non-empty list);
 * - `{{#unless name}}…{{/unless}}`: block kept when `name` is falsy;
 * - `{{#since 61}}…{{/since}}`: block kept when the context's `apiVersion` is 61.0 or higher;
 * - `{{#each list}}…{{/each}}`: block repeated per item; `{{.}}` is the item, item fields shadow outer names.
 *
 * A line holding only a block tag is removed entirely, so blocks don't leave blank lines. A missing value is a
 * template bug and throws TemplateError (never renders as empty text).
 */

export type TemplateValue = string | number | boolean | undefined | TemplateContext | TemplateValue[];
export type TemplateContext = { [name: string]: TemplateValue };

export class TemplateError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

type TextNode = { kind: 'text'; text: string };
type VarNode = { kind: 'var'; name: string };
type BlockNode = { kind: 'if' | 'unless' | 'since' | 'each'; arg: string; body: Node[]; otherwise: Node[] };
type Node = TextNode | VarNode | BlockNode;

const TAG = /\{\{\s*([#/]?)([^}]*?)\s*\}\}/g;
const STANDALONE_BLOCK_LINE = /^[ \t]*(\{\{\s*(?:[#/][^}]*|else)\s*\}\})[ \t]*\r?\n/gm;

function parse(template: string): Node[] {
  const source = template.replace(STANDALONE_BLOCK_LINE, '$1');
  const root: Node[] = [];
  const stack: Array<{ block: BlockNode; inElse: boolean }> = [];
  const target = (): Node[] => {
    const top = stack.at(-1);
    if (!top) return root;
    return top.inElse ? top.block.otherwise : top.block.body;
  };
  let last = 0;
  for (const match of source.matchAll(TAG)) {
    if (match.index > last) target().push({ kind: 'text', text: source.slice(last, match.index) });
    last = match.index + match[0].length;
    const [, sigil, inner] = match;
    if (sigil === '#') {
      const [keyword, arg = ''] = inner.split(/\s+/, 2);
      if (!['if', 'unless', 'since', 'each'].includes(keyword) || arg === '') {
        throw new TemplateError(`unknown block tag "{{#${inner}}}"`);
      }
      const block: BlockNode = { kind: keyword as BlockNode['kind'], arg, body: [], otherwise: [] };
      target().push(block);
      stack.push({ block, inElse: false });
    } else if (sigil === '/') {
      const top = stack.pop();
      if (top?.block.kind !== inner) throw new TemplateError(`"{{/${inner}}}" closes no open {{#${inner}}} block`);
    } else if (inner === 'else') {
      const top = stack.at(-1);
      if (!top || top.inElse) throw new TemplateError('"{{else}}" outside an {{#if}} or {{#unless}} block');
      top.inElse = true;
    } else {
      target().push({ kind: 'var', name: inner });
    }
  }
  if (stack.length > 0) throw new TemplateError(`unclosed {{#${stack[stack.length - 1].block.kind}}} block`);
  if (last < source.length) root.push({ kind: 'text', text: source.slice(last) });
  return root;
}

function lookup(scopes: readonly TemplateValue[], name: string): TemplateValue {
  if (name === '.') return scopes[scopes.length - 1];
  const [head, ...rest] = name.split('.');
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i];
    if (typeof scope === 'object' && scope !== null && !Array.isArray(scope) && head in scope) {
      let value: TemplateValue = scope[head];
      for (const part of rest) {
        value = typeof value === 'object' && value !== null && !Array.isArray(value) ? value[part] : undefined;
      }
      return value;
    }
  }
  return undefined;
}

function truthy(value: TemplateValue): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== false && value !== '' && value !== 0;
}

function renderNodes(nodes: readonly Node[], scopes: readonly TemplateValue[], escape: (s: string) => string): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') {
      out += node.text;
    } else if (node.kind === 'var') {
      const value = lookup(scopes, node.name);
      if (value === undefined || (typeof value === 'object' && value !== null)) {
        throw new TemplateError(`no text value for "{{${node.name}}}"`);
      }
      out += escape(String(value));
    } else if (node.kind === 'since') {
      const version = Number.parseFloat(node.arg);
      const apiVersion = Number.parseFloat(String(lookup(scopes, 'apiVersion')));
      if (Number.isNaN(version) || Number.isNaN(apiVersion)) {
        throw new TemplateError(`{{#since ${node.arg}}} needs a numeric version and an apiVersion in the context`);
      }
      out += renderNodes(apiVersion >= version ? node.body : node.otherwise, scopes, escape);
    } else if (node.kind === 'each') {
      const list = lookup(scopes, node.arg);
      if (list === undefined) throw new TemplateError(`no list for "{{#each ${node.arg}}}"`);
      if (!Array.isArray(list)) throw new TemplateError(`"{{#each ${node.arg}}}" needs a list`);
      for (const item of list) out += renderNodes(node.body, [...scopes, item], escape);
    } else {
      const keep = truthy(lookup(scopes, node.arg)) === (node.kind === 'if');
      out += renderNodes(keep ? node.body : node.otherwise, scopes, escape);
    }
  }
  return out;
}

/** Renders an XML template with the context, XML-escaping every value. */
export function renderXmlTemplate(template: string, context: TemplateContext): string {
  return renderNodes(parse(template), [context], escapeXml);
}

const WHOLE_PLACEHOLDER = /^\{\{\s*([^#/{}][^{}]*?)\s*\}\}$/;

function fillJson(node: unknown, context: TemplateContext): unknown {
  if (typeof node === 'string') {
    const whole = WHOLE_PLACEHOLDER.exec(node);
    if (whole) return lookup([context], whole[1]);
    return renderNodes(parse(node), [context], (s) => s);
  }
  if (Array.isArray(node)) return node.map((item) => fillJson(item, context)).filter((item) => item !== undefined);
  if (typeof node === 'object' && node !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const filled = fillJson(value, context);
      if (filled !== undefined) out[key] = filled;
    }
    return out;
  }
  return node;
}

/**
 * Renders a JSON template: a string value that is exactly one `{{name}}` takes the value itself (a string, list or
 * object; the key is dropped when the value is undefined), other strings get their placeholders filled in. The result
 * is serialised with JSON.stringify, so every value is escaped correctly.
 */
export function renderJsonTemplate(template: string, context: TemplateContext): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(template);
  } catch (error) {
    throw new TemplateError(`template is not valid JSON: ${(error as Error).message}`);
  }
  return JSON.stringify(fillJson(parsed, context), null, 2) + '\n';
}
