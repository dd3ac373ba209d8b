/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */

/**
 * Sandbox copies append the sandbox name to every username: `user@acme.com` in a sandbox named `uat2` becomes
 * `user@acme.com.uat2` (oauth-client-credentials.md section 6; names with digits are common [U]). Shared by deploy
 * (finding the sandbox user of a production policy file) and test (accepting that user as the expected one).
 */

/** The sandbox suffix when `candidate` is `base` plus `.<suffix>` (one label of letters and digits), else undefined. */
export function sandboxSuffixOf(base: string, candidate: string): string | undefined {
  if (!candidate.toLowerCase().startsWith(`${base.toLowerCase()}.`)) return undefined;
  const suffix = candidate.slice(base.length + 1);
  return /^[A-Za-z][A-Za-z0-9]*$/.test(suffix) ? suffix : undefined;
}
