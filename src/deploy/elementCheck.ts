/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages } from '@salesforce/core';
import type { EcaTypeName } from '../metadata/ecaTypes.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

/**
 * Checks the element names of an ECA file before deploying it: elements the org generates and that break a deploy to
 * another org (eca-metadata.md sections 2, 4, 10, 12).
 */

export type ElementFinding = { element: string; message: string; blocking: boolean };

/** Org-specific elements a retrieve may bring into a file; harmless in the org they came from, fatal elsewhere. */
const ORG_SPECIFIC: Partial<Record<EcaTypeName, readonly string[]>> = {
  ExternalClientApplication: ['orgScopedExternalApp'],
  ExtlClntAppOauthSettings: ['oauthLink'],
  ExtlClntAppGlobalOauthSettings: ['consumerKey'],
};

export function checkElements(type: EcaTypeName, elements: readonly string[], apiVersion: string): ElementFinding[] {
  const findings: ElementFinding[] = [];
  void apiVersion;
  for (const element of new Set(elements)) {
    if (ORG_SPECIFIC[type]?.includes(element)) {
      findings.push({ element, blocking: false, message: messages.getMessage('warning.orgSpecificElement', [element]) });
    }
    if (type === 'ExtlClntAppGlobalOauthSettings' && element === 'consumerSecret') {
      findings.push({ element, blocking: true, message: messages.getMessage('problem.secretInFile') });
    }
  }
  return findings;
}
