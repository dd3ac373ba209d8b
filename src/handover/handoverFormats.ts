/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { randomUUID } from 'node:crypto';

/**
 * What an integration is handed (oauth-client-credentials.md section 9): the client id and secret, every host form
 * consumers ask for (section 9.1, all derived from the org's My Domain instance URL), the Run As username and the
 * Connect REST ids. Rendered as json, env (dotenv), aws-secretsmanager (the SalesforceClientSecret secret value,
 * section 9.3) or postman (an environment for the "Salesforce Platform APIs" collection, section 9.4). Pure: no I/O.
 */

export const HANDOVER_FORMATS = ['json', 'env', 'aws-secretsmanager', 'postman'] as const;
export type HandoverFormat = (typeof HANDOVER_FORMATS)[number];

/** Section 9.1: bare host, My Domain name, base URL, token URL. */
export type HostForms = {
  /** acme.my.salesforce.com (with the port for a loopback emulator). */
  myDomainHost: string;
  /** acme (acme--uat for a sandbox); undefined when the host is not a *.my.salesforce.com My Domain. */
  myDomainName?: string;
  /** https://acme.my.salesforce.com */
  instanceUrl: string;
  /** https://acme.my.salesforce.com/services/oauth2/token */
  tokenUrl: string;
};

export type HandoverFields = HostForms & {
  appName: string;
  /** ECA id from /apps/oauth/usage (0x...). */
  appId: string;
  /** OAuth consumer id (888...). */
  consumerId: string;
  clientId: string;
  /** Present only when the user asked for it (--output-file or --show-secret). */
  clientSecret?: string;
  runAsUsername?: string;
  orgId: string;
  /** e.g. 66.0 */
  apiVersion: string;
};

const MY_DOMAIN_SUFFIX = '.my.salesforce.com';

/** Every host form from one source of truth: the org's My Domain instance URL (section 9.5). */
export function hostForms(instanceUrl: string): HostForms {
  const url = new URL(instanceUrl);
  const host = url.host.toLowerCase();
  const hostname = url.hostname.toLowerCase();
  const myDomainName = hostname.endsWith(MY_DOMAIN_SUFFIX) ? hostname.split('.')[0] : undefined;
  return { myDomainHost: host, myDomainName, instanceUrl: url.origin, tokenUrl: `${url.origin}/services/oauth2/token` };
}

/** The json format: every field, the secret only when present. Also the shape of --json's `credentials`. */
export function jsonFields(fields: HandoverFields): Record<string, string> {
  const entries: Array<[string, string | undefined]> = [
    ['appName', fields.appName],
    ['appId', fields.appId],
    ['consumerId', fields.consumerId],
    ['clientId', fields.clientId],
    ['clientSecret', fields.clientSecret],
    ['myDomainHost', fields.myDomainHost],
    ['myDomainName', fields.myDomainName],
    ['instanceUrl', fields.instanceUrl],
    ['tokenUrl', fields.tokenUrl],
    ['runAsUsername', fields.runAsUsername],
    ['orgId', fields.orgId],
    ['apiVersion', fields.apiVersion],
  ];
  return Object.fromEntries(entries.filter((e): e is [string, string] => e[1] !== undefined));
}

/** dotenv variable names; SALESFORCE_ (not SF_) so the sf CLI never reads them as its own settings. */
export const ENV_NAMES: Readonly<Record<string, string>> = {
  clientId: 'SALESFORCE_CLIENT_ID',
  clientSecret: 'SALESFORCE_CLIENT_SECRET',
  instanceUrl: 'SALESFORCE_INSTANCE_URL',
  myDomainHost: 'SALESFORCE_MY_DOMAIN_HOST',
  myDomainName: 'SALESFORCE_MY_DOMAIN_NAME',
  tokenUrl: 'SALESFORCE_TOKEN_URL',
  runAsUsername: 'SALESFORCE_RUN_AS_USERNAME',
  orgId: 'SALESFORCE_ORG_ID',
  appName: 'SALESFORCE_APP_NAME',
  appId: 'SALESFORCE_APP_ID',
  consumerId: 'SALESFORCE_CONSUMER_ID',
  apiVersion: 'SALESFORCE_API_VERSION',
};

/** A dotenv value: bare when it is plain, else double-quoted with escapes. */
function envValue(value: string): string {
  return /^[\w.:/@+=-]*$/.test(value) ? value : JSON.stringify(value);
}

function renderEnv(fields: HandoverFields): string {
  const json = jsonFields(fields);
  return (
    Object.entries(ENV_NAMES)
      .filter(([field]) => json[field] !== undefined)
      .map(([field, name]) => `${name}=${envValue(json[field])}`)
      .join('\n') + '\n'
  );
}

/** Section 9.3: all five keys are required by AWS; the secret is left out only when not asked for. */
export function awsSecretsManagerValue(fields: HandoverFields): Record<string, string> {
  return {
    consumerKey: fields.clientId,
    ...(fields.clientSecret !== undefined ? { consumerSecret: fields.clientSecret } : {}),
    baseUri: fields.instanceUrl,
    appId: fields.appId,
    consumerId: fields.consumerId,
  };
}

export type PostmanEnvironment = {
  id: string;
  name: string;
  values: Array<{ key: string; value: string; type: 'default' | 'secret'; enabled: boolean }>;
  // eslint-disable-next-line camelcase -- Postman's environment file field
  _postman_variable_scope: 'environment';
};

/**
 * Section 9.4: the collection's "Client Credentials Flow" request posts to {{url}}{{site}}/services/oauth2/token with
 * {{clientId}} and {{clientSecret}}; {{version}} is the API version of its other requests.
 */
export function postmanEnvironment(fields: HandoverFields, id: string = randomUUID()): PostmanEnvironment {
  const values: PostmanEnvironment['values'] = [
    { key: 'url', value: fields.instanceUrl, type: 'default', enabled: true },
    { key: 'version', value: fields.apiVersion, type: 'default', enabled: true },
    { key: 'clientId', value: fields.clientId, type: 'default', enabled: true },
    ...(fields.clientSecret !== undefined
      ? [{ key: 'clientSecret', value: fields.clientSecret, type: 'secret' as const, enabled: true }]
      : []),
    { key: 'site', value: '', type: 'default', enabled: true },
  ];
  // eslint-disable-next-line camelcase -- Postman's environment file field
  return { id, name: `${fields.appName} (client credentials)`, values, _postman_variable_scope: 'environment' };
}

/** The hand-over text in a format (file content, or what --show-secret prints). */
export function renderHandover(format: HandoverFormat, fields: HandoverFields): string {
  switch (format) {
    case 'env':
      return renderEnv(fields);
    case 'aws-secretsmanager':
      return JSON.stringify(awsSecretsManagerValue(fields), null, 2) + '\n';
    case 'postman':
      return JSON.stringify(postmanEnvironment(fields), null, 2) + '\n';
    case 'json':
    default:
      return JSON.stringify(jsonFields(fields), null, 2) + '\n';
  }
}
