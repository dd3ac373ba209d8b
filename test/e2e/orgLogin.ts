/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { REPO_ROOT, runNode } from './harness.js';

/**
 * Logs a private HOME in to an org emulator the way `sf org login access-token --instance-url <url> --alias <a>`
 * does (plugin-auth: AuthInfo.create({accessTokenOptions}), save(), handleAliasAndDefaultSettings), so that
 * `bin/run.js ... --target-org <alias|username>` works. @salesforce/core runs in a child process whose HOME is the
 * private one: building an AuthInfo writes ~/.sfdx files, and core caches state per process.
 */

export type EmulatorLoginTarget = {
  instanceUrl: string;
  admin: { username: string; accessToken: string };
};

export type EmulatorLogin = { username: string; alias?: string; instanceUrl: string };

export type LoginOptions = {
  /** Also make it the default org (`--set-default`), so commands work without --target-org. */
  setDefault?: boolean;
  /**
   * Log in with another session than the admin's (e.g. from emu.control.createSession). Auth files are keyed by
   * username, as in sf: a second login of the same user replaces the first for every alias of that user, so
   * expiring this token then breaks the other aliases too. Use a session of another (seeded) user to keep them apart.
   */
  accessToken?: string;
};

const LOGIN_SCRIPT = `
import { AuthInfo } from '@salesforce/core';
const { EMU_INSTANCE_URL: instanceUrl, EMU_ACCESS_TOKEN: accessToken, EMU_ALIAS: alias, EMU_SET_DEFAULT: setDefault } = process.env;
const authInfo = await AuthInfo.create({ accessTokenOptions: { accessToken, instanceUrl, loginUrl: instanceUrl } });
await authInfo.save();
await authInfo.handleAliasAndDefaultSettings({
  alias: alias || undefined,
  setDefault: setDefault === 'true',
  setDefaultDevHub: false,
});
process.stdout.write(JSON.stringify({ username: authInfo.getUsername() }));
`;

export async function loginToEmulator(
  emu: EmulatorLoginTarget,
  home: string,
  alias?: string,
  options: LoginOptions = {}
): Promise<EmulatorLogin> {
  const result = await runNode<never>(['--input-type=module', '-e', LOGIN_SCRIPT], {
    cwd: REPO_ROOT,
    home,
    env: {
      EMU_INSTANCE_URL: emu.instanceUrl,
      EMU_ACCESS_TOKEN: options.accessToken ?? emu.admin.accessToken,
      EMU_ALIAS: alias ?? '',
      EMU_SET_DEFAULT: options.setDefault ? 'true' : 'false',
    },
    timeoutMs: 60_000,
  });
  const parsed = result.json as { username?: string } | undefined;
  if (result.exitCode !== 0 || !parsed?.username) {
    // The token is a local emulator credential, but keep it out of failure output anyway.
    const token = options.accessToken ?? emu.admin.accessToken;
    const stderr = result.stderr.split(token).join('<token>');
    throw new Error(`login to the emulator at ${emu.instanceUrl} failed (exit ${String(result.exitCode)}): ${stderr}`);
  }
  return { username: parsed.username, alias, instanceUrl: emu.instanceUrl };
}
