/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { OrgState } from '../state.js';
import type { XmlElement } from './componentXml.js';
import type { DeployCandidate, DeployRule } from './deployRules.js';
import { EXECUTION_USER_PROBLEM, type Problem } from './validate.js';

/**
 * The deploy rules of legacy Connected Apps (eca-metadata.md section 9), and of components installed from a managed
 * package (a namespace prefix `ns__Name` in the fullName).
 */

const CONNECTED_APP = 'ConnectedApp';

/** Wording chosen by the emulator [U]: the restriction is documented (KB 005228017), its error text is not. */
export const CONNECTED_APP_CREATION_PROBLEM =
  "You can't create a connected app. Connected app creation is restricted; create an external client app instead.";
export const CONSUMER_KEY_PROBLEM = 'You cannot provide a Consumer Key';

/** A namespace prefix (`ns__Name`): ECA and connected app API names can't contain `__` otherwise. */
export function namespaceOf(fullName: string): string | undefined {
  return /^([A-Za-z][A-Za-z0-9]*)__./.exec(fullName)?.[1];
}

const parsed = (c: DeployCandidate): boolean => c.elements.length > 0;

function add(c: DeployCandidate, code: Problem['code'], problem: string, element?: string): void {
  const el = element ? findElement(c.elements, element.split('/')) : undefined;
  c.problems.push({
    code,
    problem,
    problemType: 'Error',
    ...(element ? { element } : {}),
    ...(el && el.line > 0 ? { lineNumber: el.line, columnNumber: el.column } : {}),
  });
}

function findElement(elements: readonly XmlElement[], path: string[]): XmlElement | undefined {
  const [first, ...rest] = path;
  const el = elements.find((e) => e.name === first);
  return rest.length === 0 || !el ? el : findElement(el.children, rest);
}

const textAt = (c: DeployCandidate, path: string): string | undefined => findElement(c.elements, path.split('/'))?.text;

/** No new connected apps (KB 005228017, meta_connectedapp 67.0) [D]; the Support exception is a switch; wording [U]. */
const noNewConnectedApps: DeployRule = (state, candidates) => {
  if (state.config.allowConnectedAppCreation) return;
  for (const c of candidates.filter((x) => x.type === CONNECTED_APP && parsed(x))) {
    if (!state.getComponent(CONNECTED_APP, c.fullName)) add(c, 'CONNECTED_APP_CREATION_BLOCKED', CONNECTED_APP_CREATION_PROBLEM);
  }
};

/** The consumer key is set at creation only; a redeploy that carries one is refused (section 9.2) [T]. */
const consumerKeyImmutable: DeployRule = (state, candidates) => {
  for (const c of candidates.filter((x) => x.type === CONNECTED_APP && parsed(x))) {
    if (state.getComponent(CONNECTED_APP, c.fullName) && textAt(c, 'oauthConfig/consumerKey') !== undefined) {
      add(c, 'CONSUMER_KEY_CHANGED', CONSUMER_KEY_PROBLEM, 'oauthConfig/consumerKey');
    }
  }
};

/**
 * isClientCredentialEnabled needs oauthClientCredentialUser (section 9.1) [D], an existing active user [D for
 * "execution user"; active U]; the text is the ECA one (section 11) [U for connected apps].
 */
const executionUser: DeployRule = (state: OrgState, candidates) => {
  for (const c of candidates.filter((x) => x.type === CONNECTED_APP && parsed(x))) {
    const username = textAt(c, 'oauthConfig/oauthClientCredentialUser') ?? '';
    const enabled = textAt(c, 'oauthConfig/isClientCredentialEnabled') === 'true';
    if (username === '' && !enabled) continue;
    if (username === '' || !state.findUserByUsername(username)?.IsActive) {
      add(c, 'EXECUTION_USER_INVALID', EXECUTION_USER_PROBLEM, 'oauthConfig/oauthClientCredentialUser');
    }
  }
};

/** A component installed from a managed package can't be changed by a deploy in the subscriber org [U wording]. */
const managedComponents: DeployRule = (_state, candidates) => {
  for (const c of candidates.filter((x) => parsed(x) && namespaceOf(x.fullName) !== undefined)) {
    add(c, 'MANAGED_COMPONENT', `Cannot modify managed object: ${c.type} ${c.fullName} is installed from a package (namespace ${namespaceOf(c.fullName) ?? ''}).`);
  }
};

export const CONNECTED_APP_RULES: readonly DeployRule[] = [managedComponents, noNewConnectedApps, consumerKeyImmutable, executionUser];
