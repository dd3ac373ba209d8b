/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { OrgState } from '../state.js';
import { dependsOnProblem, isStandardObject, missingDependencies, objectPermissionLabel } from '../userPermissions.js';
import { childText, type XmlElement } from './componentXml.js';
import type { DeployCandidate, DeployRule } from './deployRules.js';
import { profileNameOf } from './store.js';
import type { Problem } from './validate.js';

/**
 * Deploy rules about the permissions of a Profile or PermissionSet (eca-metadata.md sections 8.1, 8.2):
 * - a user permission the org doesn't have: `Unknown user permission: X` [T];
 * - an enabled permission without the ones it depends on in this org (after the overlay on what the org's profile
 * already has): `Permission View All Data depends on permission(s): ...`, with labels [T];
 * - standard-object permissions on a Salesforce Integration profile: `The user license doesn't allow the permission:
 * Read Accounts` [T].
 */

const PERMISSION_TYPES = new Set(['Profile', 'PermissionSet']);

function add(c: DeployCandidate, code: Problem['code'], problem: string, element: string): void {
  const el = c.elements.find((e) => e.name === element);
  c.problems.push({
    code,
    problem,
    problemType: 'Error',
    element,
    ...(el && el.line > 0 ? { lineNumber: el.line, columnNumber: el.column } : {}),
  });
}

function userPermissions(elements: XmlElement[]): Array<{ name: string; enabled: boolean }> {
  return elements
    .filter((e) => e.name === 'userPermissions')
    .map((e) => ({ name: childText(e.children, 'name') ?? '', enabled: childText(e.children, 'enabled') === 'true' }))
    .filter((p) => p.name !== '');
}

/** What the org has for this component before the deploy (deploys overlay: eca section 8). */
function existingPermissions(state: OrgState, c: DeployCandidate): Record<string, boolean> {
  if (c.type === 'Profile') return { ...(state.profileByName(profileNameOf(c.fullName))?.permissions ?? {}) };
  return { ...(state.permissionSetByName(c.fullName)?.permissions ?? {}) };
}

export const permissionsExistInOrg: DeployRule = (state, candidates) => {
  for (const c of candidates.filter((x) => PERMISSION_TYPES.has(x.type))) {
    const unknown = userPermissions(c.elements).filter((p) => !state.orgPermissions.has(p.name));
    for (const p of unknown) add(c, 'UNKNOWN_USER_PERMISSION', `Unknown user permission: ${p.name}`, 'userPermissions');
  }
};

export const permissionDependenciesMet: DeployRule = (state, candidates) => {
  for (const c of candidates.filter((x) => PERMISSION_TYPES.has(x.type) && !x.problems.some((p) => p.problemType === 'Error'))) {
    const after = existingPermissions(state, c);
    const inFile = userPermissions(c.elements);
    for (const p of inFile) after[p.name] = p.enabled;
    const enabled = new Set(Object.keys(after).filter((p) => after[p]));
    // The org requires only permissions it has, and checks the permissions this file enables.
    const enabledHere = new Set(inFile.filter((p) => p.enabled).map((p) => p.name));
    const dependencies = state.permissionDependencies.filter(([p, r]) => enabledHere.has(p) && state.orgPermissions.has(r));
    for (const [permission, missing] of missingDependencies(enabled, dependencies)) {
      add(c, 'PERMISSION_DEPENDENCY', dependsOnProblem(permission, missing), 'userPermissions');
    }
  }
};

export const integrationLicenseObjects: DeployRule = (state, candidates) => {
  for (const c of candidates.filter((x) => x.type === 'Profile')) {
    const existing = state.profileByName(profileNameOf(c.fullName));
    const license = childText(c.elements, 'userLicense') ?? (existing ? state.licenses.get(existing.UserLicenseId)?.Name : undefined);
    if (license !== 'Salesforce Integration') continue;
    const objects = c.elements
      .filter((e) => e.name === 'objectPermissions')
      .map((e) => childText(e.children, 'object') ?? '')
      .filter((o) => o !== '' && isStandardObject(o));
    if (objects.length > 0) {
      add(c, 'LICENSE_PERMISSION', `The user license doesn't allow the permission: ${objectPermissionLabel(objects[0])}`, 'objectPermissions');
    }
  }
};
