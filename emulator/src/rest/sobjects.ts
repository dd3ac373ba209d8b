/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { json, noContent, notFound, parseJsonBody, restError, type EmuRequest, type EmuResponse, type RouteContext } from '../http.js';
import { ID_PREFIX } from '../ids.js';
import { INTEGRATION_PSL, type OrgState, type PermissionSetRecord, type UserRecord } from '../state.js';
import { objectPermissionLabel, permissionLabel } from '../userPermissions.js';
import { canonicalField, findObject, findRow, OBJECTS, recordUrl, type ObjectDef } from './objects.js';
import { authenticateApi, isAuthenticated, type Authenticated } from './session.js';
import { validateUser, type UserInput } from './userValidation.js';

/**
 * /services/data/vXX.X/sobjects/...: describe, GET a record (optionally `?fields=`), User insert/update with
 * Salesforce's validation, PermissionSetAssignment insert/delete (org-wire-protocol.md section 6,
 * oauth-client-credentials.md section 6).
 */

type DescribeField = { name: string; label: string; type: string; picklistValues?: unknown[] };

/**
 * Fields that depend on the org: Profile/PermissionSet list `Permissions<Name>` for the permissions this org has,
 * labelled as Setup shows them; User has CurrencyIsoCode only in multi-currency orgs (its default = corporate).
 */
function orgFields(state: OrgState | undefined, def: ObjectDef): DescribeField[] {
  const fields: DescribeField[] = Object.entries(def.fields)
    .filter(([name]) => !(state && name.startsWith('Permissions') && (def.name === 'Profile' || def.name === 'PermissionSet')))
    .map(([name, type]) => ({ name, label: name, type }));
  if (!state) return fields;
  if (def.name === 'Profile' || def.name === 'PermissionSet') {
    for (const p of [...state.orgPermissions].sort()) fields.push({ name: `Permissions${p}`, label: permissionLabel(p), type: 'boolean' });
  }
  if (def.name === 'User' && state.config.multiCurrency) {
    const code = state.config.multiCurrency;
    fields.push({
      name: 'CurrencyIsoCode',
      label: 'User Currency',
      type: 'picklist',
      picklistValues: [{ value: code, label: code, active: true, defaultValue: true }],
    });
  }
  return fields;
}

export function describe(def: ObjectDef, version: string, state?: OrgState): EmuResponse {
  return json(200, {
    name: def.name,
    label: def.name,
    keyPrefix: def.keyPrefix,
    createable: ['User', 'PermissionSetAssignment', 'PermissionSetLicenseAssign'].includes(def.name),
    updateable: def.name === 'User',
    queryable: true,
    custom: false,
    fields: orgFields(state, def).map(({ name, label, type, picklistValues }) => ({
      name,
      label,
      type,
      ...(picklistValues ? { picklistValues } : {}),
      nillable: !['Id', 'Username', 'LastName', 'Email', 'Alias', 'ProfileId'].includes(name),
      createable: def.name === 'User' && name !== 'Id',
      updateable: def.name === 'User' && name !== 'Id',
      custom: false,
    })),
    urls: {
      sobject: `/services/data/v${version}/sobjects/${def.name}`,
      describe: `/services/data/v${version}/sobjects/${def.name}/describe`,
      rowTemplate: `/services/data/v${version}/sobjects/${def.name}/{ID}`,
    },
  });
}

function getRecord(state: OrgState, req: EmuRequest, def: ObjectDef, id: string, version: string): EmuResponse {
  const row = findRow(state, def, id);
  if (!row) return notFound();
  const requested = req.query.get('fields');
  let fields = Object.keys(def.fields);
  if (requested) {
    fields = [];
    for (const name of requested.split(',').map((f) => f.trim()).filter(Boolean)) {
      const canonical = canonicalField(def, name);
      if (!canonical) return restError(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type ${def.name}`);
      fields.push(canonical);
    }
  }
  const record: Record<string, unknown> = { attributes: { type: def.name, url: recordUrl(version, def.name, row.Id) } };
  for (const f of fields) record[f] = row[f] ?? null;
  return json(200, record);
}

type BodyResult = { body: Record<string, unknown> } | { error: EmuResponse };

function readBody(req: EmuRequest): BodyResult {
  try {
    const body = parseJsonBody(req.body);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return { error: restError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object') };
    }
    return { body: body as Record<string, unknown> };
  } catch (error) {
    return { error: restError(400, 'JSON_PARSER_ERROR', `Unexpected character in JSON body: ${(error as Error).message}`) };
  }
}

function hasManageUsers(state: OrgState, auth: Authenticated): boolean {
  return state.hasPermission(auth.user.Id, 'ManageUsers');
}

function insufficientAccess(): EmuResponse {
  return restError(400, 'INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');
}

function insertUser(state: OrgState, auth: Authenticated, body: UserInput): EmuResponse {
  if (!hasManageUsers(state, auth)) return insufficientAccess();
  const errors = validateUser(state, body);
  if (errors.length > 0) return json(400, errors);
  const get = (f: string): string | undefined => {
    const key = Object.keys(body).find((k) => k.toLowerCase() === f.toLowerCase());
    return key === undefined ? undefined : (body[key] as string);
  };
  const user = state.addUser({
    Username: get('Username') as string,
    LastName: get('LastName') as string,
    FirstName: get('FirstName') ?? null,
    Email: get('Email') as string,
    Alias: get('Alias'),
    CommunityNickname: get('CommunityNickname'),
    ProfileId: [...state.profiles.values()].find((p) => p.Id.slice(0, 15) === (get('ProfileId') as string).slice(0, 15))?.Id as string,
    TimeZoneSidKey: get('TimeZoneSidKey'),
    LocaleSidKey: get('LocaleSidKey'),
    EmailEncodingKey: get('EmailEncodingKey'),
    LanguageLocaleKey: get('LanguageLocaleKey'),
    IsActive: (body.IsActive as boolean | undefined) ?? true,
    CurrencyIsoCode: get('CurrencyIsoCode') ?? null,
  });
  return json(201, { id: user.Id, success: true, errors: [] });
}

function updateUser(state: OrgState, auth: Authenticated, id: string, body: UserInput): EmuResponse {
  const user = [...state.users.values()].find((u) => u.Id === id || u.Id.slice(0, 15) === id);
  if (!user) return notFound();
  if (!hasManageUsers(state, auth) && user.Id !== auth.user.Id) return insufficientAccess();
  const errors = validateUser(state, body, user);
  if (errors.length > 0) return json(400, errors);
  const record = user as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(body)) {
    if (key === 'attributes') continue;
    const canonical = canonicalField(OBJECTS.User, key) as string;
    record[canonical] = canonical === 'ProfileId'
      ? [...state.profiles.values()].find((p) => p.Id.slice(0, 15) === String(value).slice(0, 15))?.Id
      : value;
  }
  user.LastModifiedDate = state.isoNow();
  return noContent();
}

function insertAssignment(state: OrgState, auth: Authenticated, body: Record<string, unknown>): EmuResponse {
  if (!hasManageUsers(state, auth)) return insufficientAccess();
  const assigneeId = typeof body.AssigneeId === 'string' ? body.AssigneeId : undefined;
  const permissionSetId = typeof body.PermissionSetId === 'string' ? body.PermissionSetId : undefined;
  const missing = [assigneeId ? undefined : 'AssigneeId', permissionSetId ? undefined : 'PermissionSetId'].filter(
    (f): f is string => f !== undefined
  );
  if (missing.length > 0) {
    return restError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
  }
  const user = [...state.users.values()].find((u) => u.Id.slice(0, 15) === (assigneeId as string).slice(0, 15));
  const ps = [...state.permissionSets.values()].find((p) => p.Id.slice(0, 15) === (permissionSetId as string).slice(0, 15));
  if (!user) return restError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', ['AssigneeId']);
  if (!ps) return restError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', ['PermissionSetId']);
  const existing = state.findAssignment(user.Id, ps.Id);
  if (existing) {
    // Text [U]: Salesforce's generic duplicate message.
    return restError(400, 'DUPLICATE_VALUE', `duplicate value found: <unknown> duplicates value on record with id: ${existing.Id}`, []);
  }
  const integrationProblem = integrationUserProblem(state, user, ps);
  if (integrationProblem) return restError(400, 'FIELD_INTEGRITY_EXCEPTION', integrationProblem, ['PermissionSetId']);
  if (ps.LicenseName) {
    const profile = state.profiles.get(user.ProfileId);
    const license = profile ? state.licenses.get(profile.UserLicenseId)?.Name : undefined;
    if (license !== ps.LicenseName) {
      // A license-bound permission set on a user of another license; text [U].
      return restError(400, 'FIELD_INTEGRITY_EXCEPTION', `The user license doesn't allow the permission set ${ps.Name}: it requires the ${ps.LicenseName} license.`, ['PermissionSetId']);
    }
  }
  const assignment = state.assignPermissionSet(user.Id, ps.Id);
  return json(201, { id: assignment.Id, success: true, errors: [] });
}

/**
 * A Salesforce Integration user gets permission sets only after the permission set license "Salesforce API
 * Integration" (oauth section 6 [T]): `Can't assign permission set "<PS>" to user "<User>". The user license doesn't
 * allow the permission: Read Accounts`. Permission sets tied to the Integration license are exempt.
 */
function integrationUserProblem(state: OrgState, user: UserRecord, ps: PermissionSetRecord): string | undefined {
  if (state.licenseNameOf(user.Id) !== 'Salesforce Integration' || ps.LicenseName === 'Salesforce Integration') return undefined;
  if (state.permissionSetLicensesOf(user.Id).some((l) => l.DeveloperName === INTEGRATION_PSL)) return undefined;
  const first = ps.objectPermissions[0] ?? Object.keys(ps.permissions).filter((p) => ps.permissions[p])[0];
  const permission = first === undefined ? 'Read Accounts' : ps.objectPermissions.includes(first) ? objectPermissionLabel(first) : permissionLabel(first);
  return `Can't assign permission set "${ps.Label}" to user "${user.FirstName ? `${user.FirstName} ${user.LastName}` : user.LastName}". The user license doesn't allow the permission: ${permission}`;
}

/** POST sobjects/PermissionSetLicenseAssign: one per user and license, within the license's seats. */
function insertLicenseAssignment(state: OrgState, auth: Authenticated, body: Record<string, unknown>): EmuResponse {
  if (!hasManageUsers(state, auth)) return insufficientAccess();
  const assigneeId = typeof body.AssigneeId === 'string' ? body.AssigneeId : '';
  const licenseId = typeof body.PermissionSetLicenseId === 'string' ? body.PermissionSetLicenseId : '';
  const user = [...state.users.values()].find((u) => assigneeId && u.Id.slice(0, 15) === assigneeId.slice(0, 15));
  const psl = [...state.permissionSetLicenses.values()].find((l) => licenseId && l.Id.slice(0, 15) === licenseId.slice(0, 15));
  if (!user) return restError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', ['AssigneeId']);
  if (!psl) return restError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', ['PermissionSetLicenseId']);
  const assigned = [...state.permissionSetLicenseAssignments.values()];
  const existing = assigned.find((a) => a.AssigneeId === user.Id && a.PermissionSetLicenseId === psl.Id);
  if (existing) {
    return restError(400, 'DUPLICATE_VALUE', `duplicate value found: <unknown> duplicates value on record with id: ${existing.Id}`, []);
  }
  if (assigned.filter((a) => a.PermissionSetLicenseId === psl.Id).length >= psl.TotalLicenses) {
    // Same wording as the user license limit; text for a PSL [U].
    return restError(400, 'LICENSE_LIMIT_EXCEEDED', `License Limit Exceeded - ${psl.MasterLabel}`, []);
  }
  const id = state.newId(ID_PREFIX.PermissionSetLicenseAssign);
  state.permissionSetLicenseAssignments.set(id, { Id: id, AssigneeId: user.Id, PermissionSetLicenseId: psl.Id });
  return json(201, { id, success: true, errors: [] });
}

/**
 * /services/data/vXX.X/tooling/sobjects/<Type>/describe: only SourceMember, only in scratch orgs (source tracking,
 * org-wire-protocol.md sections 3.4 and 5); elsewhere 404, which the CLI reads as "no tracking".
 */
export function toolingDescribe(ctx: RouteContext, req: EmuRequest, version: string, rest: string[]): EmuResponse {
  const auth = authenticateApi(ctx.state, req);
  if (!isAuthenticated(auth)) return auth;
  const def = rest.length === 3 && rest[0] === 'sobjects' && rest[2] === 'describe' ? findObject(ctx.state, rest[1], true) : undefined;
  return def?.tooling && req.method === 'GET' ? describe(def, version, ctx.state) : notFound();
}

/** The sObjects the emulator inserts, with Salesforce's validation. */
const INSERTS: Record<string, (state: OrgState, auth: Authenticated, body: Record<string, unknown>) => EmuResponse> = {
  User: insertUser,
  PermissionSetAssignment: insertAssignment,
  PermissionSetLicenseAssign: insertLicenseAssignment,
};

/** Routes /services/data/vXX.X/sobjects/<rest>. */
export function sobjects(ctx: RouteContext, req: EmuRequest, version: string, rest: string[]): EmuResponse {
  const auth = authenticateApi(ctx.state, req);
  if (!isAuthenticated(auth)) return auth;
  const { state } = ctx;
  if (rest.length === 0) {
    return json(200, {
      encoding: 'UTF-8',
      maxBatchSize: 200,
      sobjects: Object.values(OBJECTS)
        .filter((o) => !o.tooling)
        .map((o) => ({ name: o.name, label: o.name, keyPrefix: o.keyPrefix, queryable: true, custom: false })),
    });
  }
  const def = findObject(state, rest[0], false);
  if (!def) return notFound();
  const [, idOrAction] = rest;
  if (rest.length === 2 && idOrAction === 'describe' && req.method === 'GET') return describe(def, version, state);
  if (rest.length === 1 && req.method === 'POST') {
    const parsed = readBody(req);
    if ('error' in parsed) return parsed.error;
    const inserter = INSERTS[def.name];
    if (inserter) return inserter(state, auth, parsed.body);
    return restError(400, 'INVALID_TYPE_FOR_OPERATION', `entity type ${def.name} does not support insert in the emulator`);
  }
  if (rest.length === 2) {
    if (req.method === 'GET') return getRecord(state, req, def, idOrAction, version);
    if (req.method === 'PATCH' && def.name === 'User') {
      const parsed = readBody(req);
      if ('error' in parsed) return parsed.error;
      return updateUser(state, auth, idOrAction, parsed.body);
    }
    if (req.method === 'DELETE' && def.name === 'PermissionSetAssignment') {
      const row = findRow(state, def, idOrAction);
      if (!row) return notFound();
      state.assignments.delete(String(row.Id));
      return noContent();
    }
    return restError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are GET,HEAD`);
  }
  return notFound();
}
