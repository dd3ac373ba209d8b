/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { AuthInfo } from '@salesforce/core';

/**
 * Stores an access token as an sf org authorization exactly as `sf org login access-token` does (plugin-auth;
 * org-wire-protocol.md section 2): AuthInfo.create({accessTokenOptions}) (which asks the org who the token is:
 * userinfo, then the User record), save() (~/.sfdx/<username>.json, the token encrypted with the CLI's key), then
 * handleAliasAndDefaultSettings() (alias in the StateAggregator's alias file, target-org in the local or global
 * config). Only the token is stored: no client id or secret, so nothing here can mint a new token.
 */

export type StoredAuthorization = { username: string; orgId?: string; instanceUrl: string };

export async function storeAccessToken(input: {
  accessToken: string;
  instanceUrl: string;
  alias?: string;
  setDefault: boolean;
}): Promise<StoredAuthorization> {
  const authInfo = await AuthInfo.create({
    accessTokenOptions: { accessToken: input.accessToken, instanceUrl: input.instanceUrl, loginUrl: input.instanceUrl },
  });
  await authInfo.save();
  await authInfo.handleAliasAndDefaultSettings({ alias: input.alias, setDefault: input.setDefault, setDefaultDevHub: false });
  const fields = authInfo.getFields();
  return { username: authInfo.getUsername(), orgId: fields.orgId, instanceUrl: fields.instanceUrl ?? input.instanceUrl };
}
