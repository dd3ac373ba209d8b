/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { OrgAccess } from '../orgCredentials/orgAccess.js';
import { type HandoverFields, hostForms } from './handoverFormats.js';

/**
 * Reads what a hand-over needs from --target-org with the user's login: the app's consumer (ids and key; the secret
 * only when asked for, so that without --output-file/--show-secret the secret never even enters this process), the
 * Run As username from the app's OAuth policy, and the host forms from the org's instance URL.
 */

export type HandoverOrg = Pick<OrgAccess, 'orgId' | 'instanceUrl' | 'apiVersion' | 'locateConsumer' | 'readPrimaryPair' | 'readAppSettings'>;

export type CollectedFields = {
  fields: HandoverFields;
  /** The app has more than one OAuth consumer: the first is used. */
  consumerCount: number;
  /** Why the Run As username is missing (the policy could not be read), already redacted by nature (org text). */
  runAsWarning?: string;
};

export async function collectHandoverFields(org: HandoverOrg, appName: string, withSecret: boolean): Promise<CollectedFields> {
  const consumer = await org.locateConsumer(appName);
  const pair = withSecret ? await org.readPrimaryPair(consumer) : undefined;
  let runAsUsername: string | undefined;
  let runAsWarning: string | undefined;
  try {
    runAsUsername = (await org.readAppSettings(appName)).runAsUser;
  } catch (error) {
    runAsWarning = error instanceof Error ? error.message : String(error);
  }
  return {
    fields: {
      ...hostForms(org.instanceUrl),
      appName,
      appId: consumer.appId,
      consumerId: consumer.consumerId,
      clientId: pair?.consumerKey ?? consumer.consumerKey ?? '',
      clientSecret: pair?.consumerSecret,
      runAsUsername,
      orgId: org.orgId,
      apiVersion: org.apiVersion,
    },
    consumerCount: consumer.consumerCount,
    runAsWarning,
  };
}
