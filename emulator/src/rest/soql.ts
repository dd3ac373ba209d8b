/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { OrgState } from '../state.js';
import {
  canonicalField,
  canonicalRelationship,
  findObject,
  OBJECTS,
  recordUrl,
  type ObjectDef,
  type Row,
} from './objects.js';

/**
 * A small, honest SOQL subset: `SELECT f1, Rel.f2 | COUNT() FROM Object [WHERE cond] [ORDER BY f [ASC|DESC]]
 * [LIMIT n] [OFFSET n]`, where cond combines `=, !=, <>, <, >, <=, >=, LIKE, IN (...), NOT IN (...)` with AND, OR,
 * NOT and parentheses. Anything else is MALFORMED_QUERY; unknown objects INVALID_TYPE; unknown fields INVALID_FIELD,
 * with Salesforce's message layout (query, caret, "ERROR at Row:r:Column:c", text).
 */

export class SoqlError extends Error {
  public constructor(public readonly errorCode: string, message: string) {
    super(message);
  }
}

type Token = { kind: 'word' | 'string' | 'number' | 'punct' | 'op'; text: string; value: string; pos: number };

type Literal = string | number | boolean | null;
type FieldPath = { parts: string[]; pos: number };
type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; inner: Condition }
  | { kind: 'cmp'; field: FieldPath; op: string; value: Literal }
  | { kind: 'in'; field: FieldPath; negated: boolean; values: Literal[] }
  | { kind: 'like'; field: FieldPath; pattern: string };

export type SoqlQuery = {
  count: boolean;
  fields: FieldPath[];
  object: string;
  objectPos: number;
  where?: Condition;
  orderBy?: { field: FieldPath; desc: boolean };
  limit?: number;
  offset?: number;
};

function located(query: string, pos: number, text: string): string {
  const before = query.slice(0, pos);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = pos - lineStart + 1;
  const line = query.split('\n')[row - 1];
  return `\n${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n${text}`;
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'") {
      let value = '';
      let j = i + 1;
      for (; j < query.length && query[j] !== "'"; j++) {
        if (query[j] === '\\' && j + 1 < query.length) {
          j++;
          const esc = query[j];
          value += esc === 'n' ? '\n' : esc === 't' ? '\t' : esc;
        } else {
          value += query[j];
        }
      }
      if (j >= query.length) throw new SoqlError('MALFORMED_QUERY', located(query, i, 'unterminated string literal'));
      tokens.push({ kind: 'string', text: query.slice(i, j + 1), value, pos: i });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(query.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'word', text: match[0], value: match[0], pos: i });
      i += match[0].length;
    } else if (/[0-9-]/.test(ch)) {
      const match = /^-?[0-9][0-9:.TZ+-]*/.exec(query.slice(i));
      if (!match) throw new SoqlError('MALFORMED_QUERY', located(query, i, `unexpected token: '${ch}'`));
      tokens.push({ kind: 'number', text: match[0], value: match[0], pos: i });
      i += match[0].length;
    } else if ('(),'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch, value: ch, pos: i });
      i++;
    } else {
      const match = /^(<=|>=|!=|<>|=|<|>)/.exec(query.slice(i));
      if (!match) throw new SoqlError('MALFORMED_QUERY', located(query, i, `unexpected token: '${ch}'`));
      tokens.push({ kind: 'op', text: match[0], value: match[0], pos: i });
      i += match[0].length;
    }
  }
  return tokens;
}

class Parser {
  private index = 0;
  public constructor(private readonly query: string, private readonly tokens: Token[]) {}

  public parse(): SoqlQuery {
    this.expectKeyword('SELECT');
    let count = false;
    const fields: FieldPath[] = [];
    if (this.isKeyword('COUNT') && this.peek(1)?.text === '(') {
      this.index += 2;
      this.expectPunct(')');
      count = true;
    } else {
      fields.push(this.fieldPath());
      while (this.peek()?.text === ',') {
        this.index++;
        fields.push(this.fieldPath());
      }
    }
    this.expectKeyword('FROM');
    const objectToken = this.next('an object name');
    if (objectToken.kind !== 'word') this.unexpected(objectToken);
    const result: SoqlQuery = { count, fields, object: objectToken.value, objectPos: objectToken.pos };
    if (this.isKeyword('WHERE')) {
      this.index++;
      result.where = this.orExpr();
    }
    if (this.isKeyword('ORDER')) {
      this.index++;
      this.expectKeyword('BY');
      const field = this.fieldPath();
      let desc = false;
      if (this.isKeyword('ASC') || this.isKeyword('DESC')) desc = this.next('').value.toUpperCase() === 'DESC';
      result.orderBy = { field, desc };
    }
    if (this.isKeyword('LIMIT')) {
      this.index++;
      result.limit = this.integer();
    }
    if (this.isKeyword('OFFSET')) {
      this.index++;
      result.offset = this.integer();
    }
    const extra = this.peek();
    if (extra) this.unexpected(extra);
    return result;
  }

  private orExpr(): Condition {
    let left = this.andExpr();
    while (this.isKeyword('OR')) {
      this.index++;
      left = { kind: 'or', left, right: this.andExpr() };
    }
    return left;
  }

  private andExpr(): Condition {
    let left = this.unary();
    while (this.isKeyword('AND')) {
      this.index++;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Condition {
    if (this.isKeyword('NOT')) {
      this.index++;
      return { kind: 'not', inner: this.unary() };
    }
    if (this.peek()?.text === '(') {
      this.index++;
      const inner = this.orExpr();
      this.expectPunct(')');
      return inner;
    }
    const field = this.fieldPath();
    if (this.isKeyword('NOT') && this.isKeyword('IN', 1)) {
      this.index += 2;
      return { kind: 'in', field, negated: true, values: this.list() };
    }
    if (this.isKeyword('IN')) {
      this.index++;
      return { kind: 'in', field, negated: false, values: this.list() };
    }
    if (this.isKeyword('LIKE')) {
      this.index++;
      const pattern = this.next('a string');
      if (pattern.kind !== 'string') this.unexpected(pattern);
      return { kind: 'like', field, pattern: pattern.value };
    }
    const op = this.next('an operator');
    if (op.kind !== 'op') this.unexpected(op);
    return { kind: 'cmp', field, op: op.value === '<>' ? '!=' : op.value, value: this.literal() };
  }

  private list(): Literal[] {
    this.expectPunct('(');
    const values = [this.literal()];
    while (this.peek()?.text === ',') {
      this.index++;
      values.push(this.literal());
    }
    this.expectPunct(')');
    return values;
  }

  private literal(): Literal {
    const token = this.next('a value');
    if (token.kind === 'string') return token.value;
    if (token.kind === 'number') return /^-?\d+(\.\d+)?$/.test(token.value) ? Number(token.value) : token.value;
    if (token.kind === 'word') {
      const upper = token.value.toUpperCase();
      if (upper === 'TRUE') return true;
      if (upper === 'FALSE') return false;
      if (upper === 'NULL') return null;
    }
    return this.unexpected(token);
  }

  private integer(): number {
    const token = this.next('a number');
    if (token.kind !== 'number' || !/^\d+$/.test(token.value)) this.unexpected(token);
    return Number(token.value);
  }

  private fieldPath(): FieldPath {
    const token = this.next('a field');
    if (token.kind !== 'word' || ['FROM', 'WHERE'].includes(token.value.toUpperCase())) this.unexpected(token);
    return { parts: token.value.split('.'), pos: token.pos };
  }

  private peek(ahead = 0): Token | undefined {
    return this.tokens[this.index + ahead];
  }

  private next(what: string): Token {
    const token = this.tokens[this.index++];
    if (!token) {
      throw new SoqlError('MALFORMED_QUERY', located(this.query, this.query.length, `unexpected end of query, expected ${what}`));
    }
    return token;
  }

  private isKeyword(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token?.kind === 'word' && token.value.toUpperCase() === word;
  }

  private expectKeyword(word: string): void {
    const token = this.next(word);
    if (token.kind !== 'word' || token.value.toUpperCase() !== word) this.unexpected(token);
  }

  private expectPunct(punct: string): void {
    const token = this.next(`'${punct}'`);
    if (token.text !== punct) this.unexpected(token);
  }

  private unexpected(token: Token): never {
    throw new SoqlError('MALFORMED_QUERY', located(this.query, token.pos, `unexpected token: '${token.text}'`));
  }
}

export function parseSoql(query: string): SoqlQuery {
  return new Parser(query, tokenize(query)).parse();
}

/** A field path resolved against the object model. */
type Resolved = { relationships: Array<{ name: string; idField: string; target: ObjectDef }>; field: string; def: ObjectDef };

function resolvePath(query: string, root: ObjectDef, path: FieldPath): Resolved {
  let def = root;
  const relationships: Resolved['relationships'] = [];
  for (let i = 0; i < path.parts.length - 1; i++) {
    const rel = canonicalRelationship(def, path.parts[i]);
    if (!rel) {
      throw new SoqlError(
        'INVALID_FIELD',
        located(
          query,
          path.pos,
          `Didn't understand relationship '${path.parts[i]}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`
        )
      );
    }
    const [idField, targetName] = def.relationships[rel];
    const target = OBJECTS[targetName];
    relationships.push({ name: rel, idField, target });
    def = target;
  }
  const last = path.parts[path.parts.length - 1];
  const field = canonicalField(def, last);
  if (!field) {
    throw new SoqlError(
      'INVALID_FIELD',
      located(
        query,
        path.pos,
        `No such column '${last}' on entity '${def.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`
      )
    );
  }
  return { relationships, field, def };
}

function valueOf(state: OrgState, row: Row, resolved: Resolved): unknown {
  let current: Row | undefined = row;
  for (const rel of resolved.relationships) {
    const id: unknown = current?.[rel.idField];
    current = id ? rel.target.rows(state).find((r) => r.Id === id) : undefined;
  }
  return current ? current[resolved.field] ?? null : null;
}

function compare(a: unknown, b: Literal): number {
  if (a === null || a === undefined || b === null) return a === b || (a === undefined && b === null) ? 0 : NaN;
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase().localeCompare(b.toLowerCase());
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : NaN;
  return String(a).toLowerCase() === String(b).toLowerCase() ? 0 : NaN;
}

function likeMatches(value: unknown, pattern: string): boolean {
  if (typeof value !== 'string') return false;
  const regex = new RegExp(
    '^' +
      pattern
        .split('')
        .map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
    'is'
  );
  return regex.test(value);
}

function evaluate(state: OrgState, query: string, root: ObjectDef, row: Row, cond: Condition): boolean {
  switch (cond.kind) {
    case 'and':
      return evaluate(state, query, root, row, cond.left) && evaluate(state, query, root, row, cond.right);
    case 'or':
      return evaluate(state, query, root, row, cond.left) || evaluate(state, query, root, row, cond.right);
    case 'not':
      return !evaluate(state, query, root, row, cond.inner);
    case 'like':
      return likeMatches(valueOf(state, row, resolvePath(query, root, cond.field)), cond.pattern);
    case 'in': {
      const value = valueOf(state, row, resolvePath(query, root, cond.field));
      const found = cond.values.some((v) => compare(value, v) === 0);
      return cond.negated ? !found : found;
    }
    case 'cmp': {
      const result = compare(valueOf(state, row, resolvePath(query, root, cond.field)), cond.value);
      switch (cond.op) {
        case '=':
          return result === 0;
        case '!=':
          return !(result === 0);
        case '<':
          return result < 0;
        case '>':
          return result > 0;
        case '<=':
          return result <= 0;
        default:
          return result >= 0;
      }
    }
  }
}

export type QueryResult = { totalSize: number; done: true; records: Array<Record<string, unknown>> };

function shapeRecord(state: OrgState, version: string, query: string, def: ObjectDef, row: Row, fields: FieldPath[]): Record<string, unknown> {
  const record: Record<string, unknown> = { attributes: { type: def.name, url: recordUrl(version, def.name, row.Id) } };
  for (const path of fields) {
    const resolved = resolvePath(query, def, path);
    if (resolved.relationships.length === 0) {
      record[resolved.field] = row[resolved.field] ?? null;
      continue;
    }
    // Nest relationship values: {Profile: {attributes, Name}}; a missing related record is null.
    let target: Record<string, unknown> = record;
    let current: Row | undefined = row;
    for (const rel of resolved.relationships) {
      const id: unknown = current?.[rel.idField];
      current = id ? rel.target.rows(state).find((r) => r.Id === id) : undefined;
      if (!current) {
        target[rel.name] = target[rel.name] ?? null;
        break;
      }
      const existing = target[rel.name] as Record<string, unknown> | null | undefined;
      const nested = existing ?? { attributes: { type: rel.target.name, url: recordUrl(version, rel.target.name, current.Id) } };
      target[rel.name] = nested;
      target = nested;
    }
    if (current) target[resolved.field] = current[resolved.field] ?? null;
  }
  return record;
}

/** Runs a query against the org state; throws SoqlError with the Salesforce errorCode and message. */
export function runSoql(state: OrgState, query: string, version: string, tooling = false, viewerId?: string): QueryResult {
  const parsed = parseSoql(query);
  const def = findObject(state, parsed.object, tooling);
  if (!def) {
    throw new SoqlError(
      'INVALID_TYPE',
      located(
        query,
        parsed.objectPos,
        `sObject type '${parsed.object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`
      )
    );
  }
  // Resolve every path up front so unknown fields fail even when no row matches.
  for (const path of parsed.fields) resolvePath(query, def, path);
  const where = parsed.where;
  const checkPaths = (cond: Condition | undefined): void => {
    if (!cond) return;
    switch (cond.kind) {
      case 'and':
      case 'or':
        checkPaths(cond.left);
        checkPaths(cond.right);
        break;
      case 'not':
        checkPaths(cond.inner);
        break;
      default:
        resolvePath(query, def, cond.field);
    }
  };
  checkPaths(where);
  let rows = def.rows(state, viewerId).filter((row) => !where || evaluate(state, query, def, row, where));
  if (parsed.orderBy) {
    const resolved = resolvePath(query, def, parsed.orderBy.field);
    const sign = parsed.orderBy.desc ? -1 : 1;
    rows = [...rows].sort((a, b) => {
      const va = valueOf(state, a, resolved);
      const vb = valueOf(state, b, resolved);
      return sign * String(va ?? '').localeCompare(String(vb ?? ''));
    });
  }
  if (parsed.offset) rows = rows.slice(parsed.offset);
  if (parsed.limit !== undefined) rows = rows.slice(0, parsed.limit);
  if (parsed.count) return { totalSize: rows.length, done: true, records: [] };
  return {
    totalSize: rows.length,
    done: true,
    records: rows.map((row) => shapeRecord(state, version, query, def, row, parsed.fields)),
  };
}

const APEX_TYPES: Record<string, string> = {
  id: 'Id',
  string: 'String',
  boolean: 'Boolean',
  datetime: 'Datetime',
  reference: 'Id',
  picklist: 'String',
  email: 'String',
  int: 'Integer',
};

/** The `&columns=true` answer `sf data query` asks for (wire section 6). */
export function soqlColumns(state: OrgState, query: string, tooling = false): Record<string, unknown> {
  const parsed = parseSoql(query);
  const def = findObject(state, parsed.object, tooling);
  if (!def) throw new SoqlError('INVALID_TYPE', `sObject type '${parsed.object}' is not supported.`);
  const columnMetadata = parsed.fields.map((path) => {
    const resolved = resolvePath(query, def, path);
    const type = resolved.def.fields[resolved.field];
    return {
      aggregate: false,
      apexType: APEX_TYPES[type],
      booleanType: type === 'boolean',
      columnName: resolved.field,
      custom: false,
      displayName: [...resolved.relationships.map((r) => r.name), resolved.field].join('.'),
      foreignKeyName: null,
      insertable: false,
      joinColumns: [],
      numberType: type === 'int',
      textType: APEX_TYPES[type] === 'String',
      updatable: false,
    };
  });
  return {
    columnMetadata,
    entityName: def.name,
    groupBy: false,
    idSelected: parsed.fields.some((f) => f.parts.length === 1 && f.parts[0].toLowerCase() === 'id'),
    keyPrefix: def.keyPrefix,
  };
}
