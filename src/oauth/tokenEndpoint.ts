/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.test');

/**
 * Where the client credentials token request goes. The flow only works on the org's My Domain host
 * (oauth-client-credentials.md section 1): generic login hosts, Lightning and Setup hosts are refused up front with
 * the My Domain host to use instead, and a secret is never sent over plain http except to loopback.
 */

export type HostKind =
  | 'production'
  | 'sandbox'
  | 'developer'
  | 'scratch'
  | 'partitioned'
  | 'experience-site'
  | 'loopback'
  | 'other';

export type EndpointSource = 'target-org' | 'instance-url' | 'my-domain';

export type TokenEndpoint = {
  /** Full token URL, e.g. https://acme.my.salesforce.com/services/oauth2/token. */
  tokenUrl: string;
  /** Scheme + host (+ port), no trailing slash. */
  baseUrl: string;
  host: string;
  kind: HostKind;
  source: EndpointSource;
};

export type EndpointInput = {
  /** --instance-url */
  instanceUrl?: string;
  /** --my-domain: a bare My Domain name ("acme", "acme--uat") or a host/URL. */
  myDomain?: string;
  /** The instance URL of --target-org. */
  targetOrgInstanceUrl?: string;
};

export const TOKEN_PATH = '/services/oauth2/token';

const LOGIN_HOSTS = new Set(['login.salesforce.com', 'test.salesforce.com']);
const MY_DOMAIN_SUFFIX = '.my.salesforce.com';
const LIGHTNING_SUFFIX = '.lightning.force.com';
const SETUP_SUFFIX = '.my.salesforce-setup.com';
/** Developer Edition and other partitioned My Domains: <name>.<partition>.my.salesforce.com. */
const DEVELOPER_PARTITION = 'develop';
const BARE_MY_DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

/** True for 127.0.0.0/8, ::1 and localhost: the only hosts a secret may reach over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** True when a secret or token may be sent to this URL: https, or plain http to loopback only. */
export function isSafeForSecrets(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname));
  } catch {
    return false;
  }
}

/** Classifies a host by its Salesforce domain form. Hosts that must be refused are classified by refusalFor(). */
export function classifyHost(hostname: string): HostKind {
  const host = hostname.toLowerCase();
  if (isLoopbackHost(host)) return 'loopback';
  if (host.endsWith('.my.site.com')) return 'experience-site';
  if (!host.endsWith(MY_DOMAIN_SUFFIX)) return 'other';
  const labels = host.slice(0, -MY_DOMAIN_SUFFIX.length).split('.');
  if (labels.length === 1) return 'production';
  const partition = labels[labels.length - 1];
  if (partition === 'sandbox') return 'sandbox';
  if (partition === 'scratch') return 'scratch';
  if (partition === DEVELOPER_PARTITION) return 'developer';
  return 'partitioned';
}

/** The My Domain host to use instead of a Lightning or Setup host, or undefined when the host is not one. */
export function myDomainHostFor(hostname: string): string | undefined {
  const host = hostname.toLowerCase();
  if (host.endsWith(LIGHTNING_SUFFIX)) return host.slice(0, -LIGHTNING_SUFFIX.length) + MY_DOMAIN_SUFFIX;
  if (host.endsWith(SETUP_SUFFIX)) return host.slice(0, -SETUP_SUFFIX.length) + MY_DOMAIN_SUFFIX;
  return undefined;
}

/**
 * Turns --my-domain into a host: a value with a dot is a host (or URL); a bare name becomes its My Domain host
 * ("acme" -> acme.my.salesforce.com, "acme--uat" -> acme--uat.sandbox.my.salesforce.com,
 * "acme-dev-ed" -> acme-dev-ed.develop.my.salesforce.com).
 */
export function myDomainToUrl(value: string): string {
  const trimmed = value.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return trimmed;
  // "acme--uat.sandbox", "acme-dev-ed.develop": a My Domain name with its partition.
  if (/^[a-z0-9-]+\.(sandbox|develop|scratch|demo|free|trailblaze|patch)$/i.test(trimmed)) {
    return `https://${trimmed.toLowerCase()}${MY_DOMAIN_SUFFIX}`;
  }
  if (trimmed.includes('.') || trimmed.includes(':')) return `https://${trimmed}`;
  if (!BARE_MY_DOMAIN.test(trimmed)) {
    throw messages.createError('error.InvalidMyDomain', [value]);
  }
  const name = trimmed.toLowerCase();
  if (name.includes('--')) return `https://${name}.sandbox${MY_DOMAIN_SUFFIX}`;
  if (name.endsWith('-dev-ed')) return `https://${name}.${DEVELOPER_PARTITION}${MY_DOMAIN_SUFFIX}`;
  return `https://${name}${MY_DOMAIN_SUFFIX}`;
}

/**
 * Resolves and checks the token endpoint. Precedence: --instance-url, then --my-domain, then --target-org's
 * instance URL. Throws an SfError naming the host to use when the host can't serve the client credentials flow.
 */
export function resolveTokenEndpoint(input: EndpointInput): TokenEndpoint {
  let raw: string;
  let source: EndpointSource;
  if (input.instanceUrl) {
    raw = input.instanceUrl.trim();
    source = 'instance-url';
  } else if (input.myDomain) {
    raw = myDomainToUrl(input.myDomain);
    source = 'my-domain';
  } else if (input.targetOrgInstanceUrl) {
    raw = input.targetOrgInstanceUrl.trim();
    source = 'target-org';
  } else {
    throw messages.createError('error.NoTokenEndpoint');
  }

  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    throw messages.createError('error.InvalidInstanceUrl', [raw]);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw messages.createError('error.InvalidInstanceUrl', [raw]);
  }
  const hostname = url.hostname.toLowerCase();
  const suggestion = suggestedUrl(input.targetOrgInstanceUrl);

  if (LOGIN_HOSTS.has(hostname)) {
    throw messages.createError('error.LoginHostNotSupported', [hostname], [suggestion]);
  }
  const myDomainHost = myDomainHostFor(hostname);
  if (myDomainHost) {
    const key = hostname.endsWith(LIGHTNING_SUFFIX) ? 'error.LightningHostNotSupported' : 'error.SetupHostNotSupported';
    throw messages.createError(key, [hostname, myDomainHost], [myDomainHost]);
  }
  const kind = classifyHost(hostname);
  if (url.protocol === 'http:' && kind !== 'loopback') {
    throw messages.createError('error.InsecureTokenEndpoint', [url.origin], [`https://${url.host}`]);
  }
  const baseUrl = url.origin;
  return { tokenUrl: baseUrl + TOKEN_PATH, baseUrl, host: url.host, kind, source };
}

/** The URL to suggest for a refused login host: the target org's, when it is a usable one. */
function suggestedUrl(targetOrgInstanceUrl: string | undefined): string {
  if (targetOrgInstanceUrl) {
    try {
      const url = new URL(targetOrgInstanceUrl);
      const host = url.hostname.toLowerCase();
      if (!LOGIN_HOSTS.has(host)) {
        const myDomain = myDomainHostFor(host);
        return myDomain ? `https://${myDomain}` : url.origin;
      }
    } catch {
      // fall through to the generic form
    }
  }
  return 'https://MyDomainName.my.salesforce.com';
}
