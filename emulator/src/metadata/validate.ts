/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { isSyntaxError, parseComponentXml, type XmlElement } from './componentXml.js';
import {
  CONNECTED_APP_ELEMENTS,
  KNOWN_USER_PERMISSIONS,
  METADATA_NS,
  OAUTH_SCOPES,
  SCHEMAS,
  type FieldSpec,
  type ValueType,
} from './schema.js';

/**
 * The org's checks of one component file, as the Metadata API reports them in a deploy's componentFailures
 * (`problem`, `problemType`, `lineNumber`, `columnNumber`). Pure: no org state. Checks that need the org (Run As
 * user exists, permission sets exist, one policy per app, satellites' app exists) live in the deploy module.
 *
 * Problem texts: "Error parsing file: Element {ns}x invalid at this location in type T" and "Element x is duplicated
 * at this location in type T" are the shapes the Metadata API's parser reports [T]; "Enter a valid execution user
 * for the OAuth client credentials flow." is eca-metadata.md section 11 [T]; the other texts are [U] (modelled on the
 * same parser's wording). `code` is the emulator's own classification, stable for tests.
 */

export type ProblemCode =
  | 'MALFORMED_XML'
  | 'WRONG_ROOT'
  | 'WRONG_NAMESPACE'
  | 'TYPE_NOT_AVAILABLE'
  | 'UNKNOWN_ELEMENT'
  | 'CONNECTED_APP_ELEMENT'
  | 'NEWER_THAN_API_VERSION'
  | 'REMOVED_IN_API_VERSION'
  | 'DUPLICATE_ELEMENT'
  | 'TOO_MANY_ELEMENTS'
  | 'INVALID_VALUE'
  | 'INTERNAL_VALUE'
  | 'REQUIRED_FIELD_MISSING'
  | 'ORG_GENERATED_FIELD'
  | 'INVALID_OAUTH_SCOPE'
  | 'UNKNOWN_USER_PERMISSION'
  | 'PERMISSION_DEPENDENCY'
  | 'LICENSE_PERMISSION'
  | 'EXECUTION_USER_MISSING'
  // Deploy rules that need the org (deployRules.ts) and deploy-level problems (deploy.ts):
  | 'ECA_DISABLED'
  | 'APP_NOT_FOUND'
  | 'OAUTH_SETTINGS_NOT_FOUND'
  | 'EXECUTION_USER_INVALID'
  | 'PERMISSION_SET_NOT_FOUND'
  | 'PROFILE_NOT_FOUND'
  | 'PREAUTH_NAME_TAKEN'
  | 'DUPLICATE_VALUE'
  | 'CONSUMER_KEY_CHANGED'
  | 'CREDENTIAL_ROTATION'
  | 'LICENSE_NOT_FOUND'
  | 'LICENSE_CHANGED'
  | 'FILE_NOT_FOUND'
  | 'INJECTED_FAILURE'
  | 'CONNECTED_APP_CREATION_BLOCKED'
  | 'MANAGED_COMPONENT';

export type Problem = {
  code: ProblemCode;
  problem: string;
  problemType: 'Error' | 'Warning';
  /** The element the problem is about (dotted path for nested ones, e.g. userPermissions.enabled). */
  element?: string;
  lineNumber?: number;
  columnNumber?: number;
};

export type ValidateOptions = {
  /**
   * The target org's Id. Org-generated fields (oauthLink, orgScopedExternalApp) are accepted only when their value
   * starts with this org's Id (a retrieve round trip); without it every such field is a problem.
   */
  orgId?: string;
};

export const EXECUTION_USER_PROBLEM = 'Enter a valid execution user for the OAuth client credentials flow.';

export function unknownTypeProblem(type: string): string {
  return `Unknown type name '${type}' specified in package.xml`;
}

/** The types this validator knows (the five ECA types and Profile). */
export function isModelledType(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(SCHEMAS, type);
}

function toVersion(apiVersion: string | number): number {
  const parsed = typeof apiVersion === 'number' ? apiVersion : Number.parseFloat(apiVersion);
  return Number.isFinite(parsed) ? parsed : 0;
}

const at = (el: XmlElement): Pick<Problem, 'lineNumber' | 'columnNumber'> =>
  el.line > 0 ? { lineNumber: el.line, columnNumber: el.column } : {};

const invalidHere = (name: string, typeName: string): string =>
  `Error parsing file: Element {${METADATA_NS}}${name} invalid at this location in type ${typeName}`;

const INT = /^-?\d+$/;
const notInt = (value: string): string => `Error parsing file: '${value}' is not a valid value for the type xsd:int`;

/** The problem text for a scalar value of this type, or undefined when the value is valid. */
function valueProblem(type: ValueType, value: string, path: string, apiVersion: number): string | undefined {
  switch (type.kind) {
    case 'boolean':
      return value === 'true' || value === 'false'
        ? undefined
        : `Error parsing file: '${value}' is not a valid value for the type xsd:boolean`;
    case 'int': {
      if (!INT.test(value)) return notInt(value);
      const n = Number(value);
      const low = type.min !== undefined && n < type.min;
      const high = type.max !== undefined && n > type.max;
      return low || high ? `${path}: ${value} is out of range (${type.min ?? ''}-${type.max ?? ''})` : undefined;
    }
    case 'intSet': {
      if (!INT.test(value)) return notInt(value);
      const allowed = type.valuesFor(apiVersion);
      return allowed.includes(Number(value))
        ? undefined
        : `${path}: ${value} is not a valid value; valid values are ${allowed.join(', ')}`;
    }
    case 'enum':
      return type.values.includes(value)
        ? undefined
        : `Error parsing file: '${value}' is not a valid value for the enum '${type.enumName}'`;
    default:
      return undefined;
  }
}

function checkValue(type: ValueType, el: XmlElement, path: string, apiVersion: number): Problem[] {
  const problem = valueProblem(type, el.text, path, apiVersion);
  if (problem === undefined) return [];
  const code: ProblemCode = type.kind === 'enum' && type.internal?.includes(el.text) ? 'INTERNAL_VALUE' : 'INVALID_VALUE';
  return [{ code, problem, problemType: 'Error', element: path, ...at(el) }];
}

type Scope = {
  fields: Readonly<Record<string, FieldSpec>>;
  typeName: string;
  pathPrefix: string;
  apiVersion: number;
  options: ValidateOptions;
};

/** Why an element is not accepted in this scope at this version, or undefined when it is. */
function unavailable(el: XmlElement, spec: FieldSpec | undefined, scope: Scope): ProblemCode | undefined {
  if (!spec) {
    return CONNECTED_APP_ELEMENTS.includes(el.name) && scope.pathPrefix === '' ? 'CONNECTED_APP_ELEMENT' : 'UNKNOWN_ELEMENT';
  }
  const outside =
    (spec.since !== undefined && scope.apiVersion < spec.since) || (spec.until !== undefined && scope.apiVersion > spec.until);
  // isClientCredentialEnabled existed on the ECA global settings only in the 58.0 WSDL: later it is the ConnectedApp name.
  if (outside && CONNECTED_APP_ELEMENTS.includes(el.name) && scope.pathPrefix === '') return 'CONNECTED_APP_ELEMENT';
  if (spec.since !== undefined && scope.apiVersion < spec.since) return 'NEWER_THAN_API_VERSION';
  if (spec.until !== undefined && scope.apiVersion > spec.until) return 'REMOVED_IN_API_VERSION';
  return undefined;
}

/** Checks of one accepted element: generated/internal fields, nested types, scalar values. */
function checkField(el: XmlElement, spec: FieldSpec, scope: Scope): Problem[] {
  const path = scope.pathPrefix + el.name;
  const problem = (code: ProblemCode, text: string, where: XmlElement = el): Problem => ({
    code,
    problem: text,
    problemType: 'Error',
    element: where === el ? path : `${path}.${where.name}`,
    ...at(where),
  });
  if (spec.internal) {
    return [problem('INTERNAL_VALUE', `${path} is set by Salesforce and can't be deployed; remove it from the file`)];
  }
  if (spec.orgGenerated) {
    const orgId = scope.options.orgId;
    const fromThisOrg = orgId !== undefined && el.text.split(':')[0].slice(0, 15) === orgId.slice(0, 15);
    return fromThisOrg
      ? []
      : [
          problem(
            'ORG_GENERATED_FIELD',
            `${path} ${el.text} isn't valid in this org. Remove ${path} from the file; it's generated during deployment.`
          ),
        ];
  }
  if (spec.type.kind === 'complex') return checkComplex(el, spec.type, path, scope);
  if (spec.type.kind === 'opaque') return [];
  if (el.children.length > 0) {
    return [problem('UNKNOWN_ELEMENT', invalidHere(el.children[0].name, scope.typeName), el.children[0])];
  }
  if (spec.required && el.text === '') return []; // reported once, as a missing required field
  return checkValue(spec.type, el, path, scope.apiVersion);
}

function checkElements(children: readonly XmlElement[], scope: Scope): Problem[] {
  const { fields, typeName, pathPrefix } = scope;
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  let previous: string | undefined;
  for (const el of children) {
    const path = pathPrefix + el.name;
    const spec = Object.prototype.hasOwnProperty.call(fields, el.name) ? fields[el.name] : undefined;
    const notHere = unavailable(el, spec, scope);
    const count = (seen.get(el.name) ?? 0) + 1;
    seen.set(el.name, count);
    const repeatedRun = previous === el.name;
    previous = el.name;
    if (notHere !== undefined || !spec) {
      problems.push({
        code: notHere ?? 'UNKNOWN_ELEMENT',
        problem: invalidHere(el.name, typeName),
        problemType: 'Error',
        element: path,
        ...at(el),
      });
      continue;
    }
    if (count > 1 && (!spec.repeated || !repeatedRun)) {
      problems.push({
        code: 'DUPLICATE_ELEMENT',
        problem: `Error parsing file: Element ${el.name} is duplicated at this location in type ${typeName}`,
        problemType: 'Error',
        element: path,
        ...at(el),
      });
    } else if (spec.maxOccurs !== undefined && count === spec.maxOccurs + 1) {
      problems.push({
        code: 'TOO_MANY_ELEMENTS',
        problem: `${path}: no more than ${spec.maxOccurs} entries are allowed`,
        problemType: 'Error',
        element: path,
        ...at(el),
      });
    }
    problems.push(...checkField(el, spec, scope));
  }
  for (const [name, spec] of Object.entries(fields)) {
    const present = children.some((el) => el.name === name && (el.text !== '' || el.children.length > 0));
    if (spec.required && !present) {
      problems.push({
        code: 'REQUIRED_FIELD_MISSING',
        problem: `Required field is missing: ${pathPrefix}${name}`,
        problemType: 'Error',
        element: pathPrefix + name,
      });
    }
  }
  return problems;
}

function checkComplex(el: XmlElement, type: Extract<ValueType, { kind: 'complex' }>, path: string, scope: Scope): Problem[] {
  const problems = checkElements(el.children, {
    ...scope,
    fields: type.fields,
    typeName: type.typeName,
    pathPrefix: `${path}.`,
  });
  return problems.map((p) => (p.code === 'REQUIRED_FIELD_MISSING' ? { ...p, ...at(el) } : p));
}

/** Checks that need the values of several fields, or knowledge of value lists (pure, per type). */
function checkSemantics(type: string, children: readonly XmlElement[]): Problem[] {
  const problems: Problem[] = [];
  const find = (name: string): XmlElement | undefined => children.find((el) => el.name === name);
  if (type === 'ExtlClntAppOauthSettings') {
    const scopes = find('commaSeparatedOauthScopes');
    if (scopes && scopes.text !== '') {
      for (const token of scopes.text.split(',').map((t) => t.trim())) {
        if (!OAUTH_SCOPES.includes(token)) {
          problems.push({
            code: 'INVALID_OAUTH_SCOPE',
            problem: `Invalid OAuth scope: '${token}'. Valid scopes are ${OAUTH_SCOPES.join(', ')}.`,
            problemType: 'Error',
            element: 'commaSeparatedOauthScopes',
            ...at(scopes),
          });
        }
      }
    }
  }
  if (type === 'ExtlClntAppOauthConfigurablePolicies') {
    const flag = find('isClientCredentialsFlowEnabled');
    const user = find('clientCredentialsFlowUser');
    if (flag?.text === 'true' && (!user || user.text === '')) {
      problems.push({
        code: 'EXECUTION_USER_MISSING',
        problem: EXECUTION_USER_PROBLEM,
        problemType: 'Error',
        element: 'clientCredentialsFlowUser',
        ...at(flag),
      });
    }
  }
  if (type === 'Profile') {
    for (const perm of children.filter((el) => el.name === 'userPermissions')) {
      const name = perm.children.find((child) => child.name === 'name');
      if (!name) continue;
      const known = KNOWN_USER_PERMISSIONS.find((k) => k.toLowerCase() === name.text.toLowerCase());
      if (known !== undefined && known !== name.text) {
        problems.push({
          code: 'UNKNOWN_USER_PERMISSION',
          problem: `Unknown user permission: ${name.text}`,
          problemType: 'Error',
          element: 'userPermissions.name',
          ...at(name),
        });
      }
    }
  }
  return problems;
}

/**
 * The problems the org reports for one component file of `type` deployed at `apiVersion` (the package.xml
 * `<version>`). An empty array means the file is accepted as far as the file alone can tell.
 */
export function validateComponent(
  type: string,
  xml: string,
  apiVersion: string | number,
  options: ValidateOptions = {}
): Problem[] {
  const version = toVersion(apiVersion);
  const schema = isModelledType(type) ? SCHEMAS[type] : undefined;
  if (!schema || version < schema.minApi) {
    return [{ code: 'TYPE_NOT_AVAILABLE', problem: unknownTypeProblem(type), problemType: 'Error' }];
  }
  const parsed = parseComponentXml(xml);
  if (isSyntaxError(parsed)) {
    return [
      {
        code: 'MALFORMED_XML',
        problem: `Error parsing file: ${parsed.message}`,
        problemType: 'Error',
        lineNumber: parsed.line,
        columnNumber: parsed.column,
      },
    ];
  }
  if (parsed.root !== type) {
    return [
      {
        code: 'WRONG_ROOT',
        problem: `Error parsing file: Element {${parsed.namespace ?? ''}}${parsed.root} invalid at this location; expected {${METADATA_NS}}${type}`,
        problemType: 'Error',
        lineNumber: 1,
      },
    ];
  }
  const problems: Problem[] = [];
  if (parsed.namespace !== METADATA_NS) {
    problems.push({
      code: 'WRONG_NAMESPACE',
      problem: `Error parsing file: Element {${parsed.namespace ?? ''}}${type} invalid; the root element needs xmlns="${METADATA_NS}"`,
      problemType: 'Error',
      lineNumber: 1,
    });
  }
  problems.push(
    ...checkElements(parsed.children, { fields: schema.fields, typeName: type, pathPrefix: '', apiVersion: version, options })
  );
  problems.push(...checkSemantics(type, parsed.children));
  return problems;
}
