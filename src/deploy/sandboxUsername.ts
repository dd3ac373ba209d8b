/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages } from '@salesforce/core';
import { type OrgApi, soqlString } from '../org/orgApi.js';
import { sandboxSuffixOf } from '../org/sandboxUsernames.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

/**
 * Sandbox copies append the sandbox name to every username: `user@acme.com` becomes `user@acme.com.uat2`
 * (oauth-client-credentials.md section 6). A policy file written for production names `user@acme.com`; in the
 * sandbox that user is `user@acme.com.<sandbox>`. When the policy's Run As username doesn't exist in a sandbox and
 * exactly one user has it plus a `.<suffix>`, deploy uses that user (in the deployed copy of the policy only) and
 * says so; several candidates stop the run with the list.
 */

export type SandboxUsernameMatch = {
  /** The username of the policy file. */
  fromProject: string;
  /** The sandbox user used instead. */
  inOrg: string;
  suffix: string;
};

/**
 * The one sandbox user for `username`, undefined when the org is not a sandbox or has none; throws when several
 * match. Made only when the username is not in the org: one query (users LIKE username.%), and a second (is the org a
 * sandbox?) only when a candidate exists.
 */
export async function findSandboxUser(api: OrgApi, username: string): Promise<SandboxUsernameMatch | undefined> {
  // `_` in a username is a LIKE wildcard: the match is a superset, narrowed by sandboxSuffixOf.
  const users = await api.query<{ Username: string }>(`SELECT Username FROM User WHERE Username LIKE ${soqlString(`${username}.%`)}`);
  const matches = users
    .map((u) => ({ username: u.Username, suffix: sandboxSuffixOf(username, u.Username) }))
    .filter((m): m is { username: string; suffix: string } => m.suffix !== undefined);
  if (matches.length === 0) return undefined;
  // Only a sandbox renames users this way; a production org with such a username is left alone.
  const [org] = await api.query<{ IsSandbox?: boolean | string }>('SELECT IsSandbox FROM Organization');
  if (!(org?.IsSandbox === true || org?.IsSandbox === 'true')) return undefined;
  if (matches.length > 1) {
    throw messages.createError(
      'error.SandboxUsernameAmbiguous',
      [username, matches.map((m) => `- ${m.username}`).join('\n')],
      [matches[0].username]
    );
  }
  return { fromProject: username, inOrg: matches[0].username, suffix: matches[0].suffix };
}
