/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { SfError } from '@salesforce/core';

/**
 * Keeps consumer secrets and access tokens out of output, --json, errors and logs.
 *
 * @salesforce/core's logger filter (src/logger/filters.ts) has a fixed list of key names and token patterns and no
 * way to register values, and it would miss a secret under keys like "client_secret" or "secret". So this plugin
 * (1) never passes a secret or token to any logger, and (2) runs every text that may echo one (server error bodies,
 * transport errors, anything shown verbatim) through a SecretRedactor that knows the exact values in play.
 */
export const REDACTED = '<redacted>';

/**
 * Values shorter than this are redacted only where they stand alone (not inside a longer run of letters and digits):
 * a short secret is still a secret, but replacing it inside every word would garble the output.
 */
const SHORT_SECRET_LENGTH = 6;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Opaque Salesforce session ids and JWTs, redacted even when they were never registered. */
const TOKEN_PATTERNS: readonly RegExp[] = [
  /00D\w{12,15}![.\w]+/g,
  /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g,
];

export class SecretRedactor {
  private readonly secrets = new Set<string>();

  /**
   * Registers values (a consumer secret, an access token) that must never be shown, whatever their length, with the
   * forms in which a request carries them (URL- and form-encoded). Empty values are ignored.
   */
  public register(...values: Array<string | undefined>): this {
    for (const value of values) {
      if (value) {
        this.secrets.add(value);
        // A secret may appear URL- or form-encoded (e.g. in an echoed request body).
        this.secrets.add(encodeURIComponent(value));
        this.secrets.add(new URLSearchParams({ v: value }).toString().slice(2));
      }
    }
    return this;
  }

  /**
   * Registers a client secret with every form it is sent in: raw, encoded, and the HTTP Basic credentials
   * base64(key:secret) (an endpoint or proxy that echoes the Authorization header shows that form).
   */
  public registerClientCredentials(clientId: string, clientSecret: string | undefined): this {
    if (!clientSecret) return this;
    this.register(clientSecret);
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    this.register(basic, `Basic ${basic}`, basic.replace(/=+$/, ''));
    return this;
  }

  /** Replaces every registered value and every token-shaped string in text. */
  public redact(text: string): string {
    let out = text;
    // Longest first, so a secret containing another registered value is replaced whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      out =
        secret.length >= SHORT_SECRET_LENGTH
          ? out.split(secret).join(REDACTED)
          : out.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(secret)}(?![A-Za-z0-9])`, 'g'), REDACTED);
    }
    for (const pattern of TOKEN_PATTERNS) {
      out = out.replace(pattern, REDACTED);
    }
    return out;
  }

  /** Deep-redacts strings inside a JSON-like value (for error data and results). */
  public redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.redactDeep(v)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactDeep(v)])) as T;
    }
    return value;
  }
}

/**
 * Redacts an error in place: message, stack, actions and data (the same object keeps its name, exit code and oclif
 * parse details). Commands call it in catch() before sf-plugins-core renders the error.
 */
export function redactError<E extends Error | SfError>(error: E, redactor: SecretRedactor): E {
  const redact = (text: string): string => redactor.redact(text);
  const target: Error = error;
  target.message = redact(error.message);
  if (error.stack) target.stack = redact(error.stack);
  if (error instanceof SfError) {
    const sfError: SfError = error;
    if (sfError.actions) sfError.actions = sfError.actions.map(redact);
    const data: unknown = sfError.data;
    if (data !== undefined) sfError.setData(redactor.redactDeep(data) as Parameters<SfError['setData']>[0]);
  }
  return error;
}
