/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages } from '@salesforce/core';
import type { GeneratedTypeName } from './ecaTypes.js';
import {
  apiMajor,
  type ElementProblem,
  invalidEnumValues,
  KNOWN_MAX_API_VERSION,
  missingRequiredElements,
  unknownOrTooNewElements,
} from './ecaSchema.js';
import type { XmlNode } from './xml.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

/**
 * Checks an ECA file's elements against the field tables `generate` emits from (src/metadata/ecaSchema.ts) before
 * it is sent. What the org would reject blocks the deploy (an element the type doesn't have, one newer than the
 * deploy's API version, an enumeration value it doesn't know, a consumer secret). Elements the org generates and that
 * only fail in another org (orgScopedExternalApp, oauthLink, consumerKey of a retrieved file), and required elements
 * the Help lists but the API may default, only warn: a wrong warning costs nothing, a wrong block stops a good deploy.
 * For the same reason, elements whose first version is only inferred from a `@salesforce/types` release (real orgs
 * return isEnforceRefreshTokenTTL, isDPopEnabled, ... on retrieve) and elements the tables don't know in a file
 * newer than the tables only warn.
 */

/** drop: leave the element out of the deployed copy (the project file is not changed). */
export type ElementFinding = { element: string; message: string; blocking: boolean; drop?: boolean };

/** An element orgs return on retrieve, too new for the deploy's version: left out of the deployed copy. */
function droppedFinding(p: ElementProblem, apiVersion: string): ElementFinding {
  return {
    element: p.element,
    blocking: false,
    drop: true,
    message: p.typesRelease
      ? messages.getMessage('warning.typesOnlyElement', [p.element, p.typesRelease, apiVersion, p.since ?? ''])
      : messages.getMessage('warning.droppedElement', [p.element, p.since ?? '', apiVersion]),
  };
}

export function checkElements(type: GeneratedTypeName, fields: XmlNode, order: readonly string[], apiVersion: string): ElementFinding[] {
  const findings: ElementFinding[] = [];
  for (const p of unknownOrTooNewElements(type, order, apiVersion)) {
    if (p.problem === 'unknown' && apiMajor(apiVersion) > KNOWN_MAX_API_VERSION) {
      findings.push({
        element: p.element,
        blocking: false,
        message: messages.getMessage('warning.unknownElementNewerVersion', [p.element, type, apiVersion, `${KNOWN_MAX_API_VERSION}.0`]),
      });
    } else if (p.problem === 'unknown') {
      findings.push({ element: p.element, blocking: true, message: messages.getMessage('problem.unknownElement', [p.element, type]) });
    } else if (p.problem === 'tooNew' && p.droppable) {
      findings.push(droppedFinding(p, apiVersion));
    } else if (p.problem === 'removed') {
      findings.push({
        element: p.element,
        blocking: true,
        message: messages.getMessage('problem.removedElement', [p.element, p.until ?? '', apiVersion]),
      });
    } else if (p.problem === 'tooNew') {
      findings.push({
        element: p.element,
        blocking: true,
        message: messages.getMessage('problem.tooNewElement', [p.element, p.since ?? '', apiVersion, p.since ?? '']),
      });
    } else if (p.element === 'consumerSecret') {
      findings.push({ element: p.element, blocking: true, message: messages.getMessage('problem.secretInFile') });
    } else {
      findings.push({
        element: p.element,
        blocking: false,
        message: messages.getMessage('warning.neverEmitElement', [p.element, p.reason ?? '']),
      });
    }
  }
  const scalars: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(fields)) if (typeof value === 'string') scalars[key] = value;
  for (const bad of invalidEnumValues(type, scalars)) {
    findings.push({
      element: bad.element,
      blocking: true,
      message: messages.getMessage('problem.invalidEnum', [bad.value, bad.element, bad.allowed.join(', ')]),
    });
  }
  for (const element of missingRequiredElements(type, order)) {
    if (element === 'externalClientApplication') continue; // reported by the satellite matching
    findings.push({ element, blocking: false, message: messages.getMessage('warning.missingRequired', [element]) });
  }
  return findings;
}
