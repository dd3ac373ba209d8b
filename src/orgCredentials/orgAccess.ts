/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { Connection } from '@salesforce/core';
import { type AppOauthSettings, type MetadataReader, readOrgAppSettings } from '../appSettings/appSettings.js';
import { soqlString } from '../org/orgApi.js';
import type { RunAsLookup } from '../oauth/oauthErrors.js';
import {
  type ConsumerCredentials,
  type ConsumerRef,
  type RestRequest,
  type StagedCredentials,
  deleteStagedCredentials,
  locateConsumer,
  promoteStagedCredentials,
  readConsumerCredentials,
  readConsumerKeys,
  readPrimaryPair,
  readStagedCredentials,
  stageCredentials,
} from './consumerCredentials.js';

/**
 * What the token commands (test, credentials, rotate, login) do in --target-org with the user's own login (never
 * with the client credentials token): the app's consumer credentials (read, stage, promote, delete), its settings
 * (for the diagnosis and the expected Run As user), and the Run As user (email vs Username).
 */
export type OrgAccess = {
  orgId: string;
  instanceUrl: string;
  apiVersion: string;
  readCredentials(appName: string): Promise<ConsumerCredentials>;
  /** The app's consumer keys (no secret), to tell a wrong key from propagation delay. */
  readConsumerKeys(appName: string): Promise<string[]>;
  readAppSettings(appName: string): Promise<AppOauthSettings>;
  lookupRunAs(value: string): Promise<RunAsLookup>;
  /** The app's consumer (ids and key, no secret). */
  locateConsumer(appName: string): Promise<ConsumerRef>;
  readPrimaryPair(consumer: ConsumerRef): Promise<ConsumerCredentials>;
  readStaged(consumer: ConsumerRef): Promise<StagedCredentials[]>;
  stage(consumer: ConsumerRef): Promise<StagedCredentials>;
  promote(consumer: ConsumerRef, stagedId: string): Promise<void>;
  deleteStaged(consumer: ConsumerRef, stagedId: string): Promise<void>;
};

type UserRow = { Username: string; IsActive?: boolean };

export function createOrgAccess(conn: Connection, orgId: string): OrgAccess {
  const apiVersion = conn.getApiVersion();
  // jsforce types readMetadata by its own list of type names, which lacks the ECA types.
  const readMetadata = (type: string, fullNames: string[]): Promise<unknown> =>
    (conn.metadata.read as (t: string, names: string[]) => Promise<unknown>).call(conn.metadata, type, fullNames);
  const rest = { request: <T>(request: string | RestRequest): Promise<T> => conn.request<T>(request) };
  const metadata: MetadataReader = {
    list: async (queries) => {
      const result = await conn.metadata.list(queries, apiVersion);
      return (Array.isArray(result) ? result : [result]).filter(Boolean);
    },
    read: async (type, fullNames) => {
      const result = await readMetadata(type, fullNames);
      return (Array.isArray(result) ? result : [result]).filter(Boolean) as Array<Record<string, unknown>>;
    },
  };
  return {
    orgId,
    instanceUrl: conn.instanceUrl,
    apiVersion,
    readCredentials: (appName) => readConsumerCredentials(rest, apiVersion, appName),
    readConsumerKeys: (appName) => readConsumerKeys(rest, apiVersion, appName),
    readAppSettings: (appName) => readOrgAppSettings(metadata, appName),
    locateConsumer: (appName) => locateConsumer(rest, apiVersion, appName),
    readPrimaryPair: (consumer) => readPrimaryPair(rest, apiVersion, consumer),
    readStaged: (consumer) => readStagedCredentials(rest, apiVersion, consumer),
    stage: (consumer) => stageCredentials(rest, apiVersion, consumer),
    promote: (consumer, stagedId) => promoteStagedCredentials(rest, apiVersion, consumer, stagedId),
    deleteStaged: (consumer, stagedId) => deleteStagedCredentials(rest, apiVersion, consumer, stagedId),
    lookupRunAs: async (value): Promise<RunAsLookup> => {
      const byUsername = await conn.query<UserRow>(
        `SELECT Username, IsActive FROM User WHERE Username = ${soqlString(value)} LIMIT 1`
      );
      if (byUsername.records.length > 0) {
        return { value, exists: true, active: byUsername.records[0].IsActive };
      }
      const byEmail = await conn.query<UserRow>(`SELECT Username, IsActive FROM User WHERE Email = ${soqlString(value)} LIMIT 2`);
      return { value, exists: false, usernameForEmail: byEmail.records.length === 1 ? byEmail.records[0].Username : undefined };
    },
  };
}
