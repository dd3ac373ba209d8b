/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { OrgApi } from '../org/orgApi.js';
import type { AppFiles } from '../project/projectFiles.js';
import { checkLicenses, withLicensePhase, type LicenseCheck } from './licenses.js';
import { makePlan, type Plan } from './deployPlan.js';
import { inventoryRequest, readOrgInventory, type OrgInventory } from './orgInventory.js';
import type { PermissionDependencyResolver } from './permissionDependencies.js';
import { findSandboxUser, type SandboxUsernameMatch } from './sandboxUsername.js';

/**
 * Everything deploy reads from the org before it changes anything, and the plan made from it. Each round trip to a
 * distant org costs (issue 12), so reads that don't depend on each other go out together:
 * 1. the inventory (orgInventory.ts); with it, the sandbox copies of the Run As username (used only when the inventory
 * doesn't find the user, and not asked when --run-as-username names it) and the org's permissions and their
 * dependencies (used only when a profile or permission set is deployed: permissionDependencies.ts);
 * 2. with the plan: the license seats (licenses.ts, which may add a phase to the plan) and the permissions the
 * deployed profiles need.
 * A read made ahead and not needed is dropped, its failure with it. What the org lacks (blockers) is said before a
 * failure to read its permissions.
 */

export type OrgReading = {
  /** The files, with the Run As username of this org (a sandbox copy's, when one was found). */
  files: AppFiles;
  inventory: OrgInventory;
  plan: Plan;
  licenses: LicenseCheck;
  sandboxMatch?: SandboxUsernameMatch;
};

export async function readOrgForDeploy(
  api: OrgApi,
  appFiles: AppFiles,
  options: { dryRun: boolean; runAsFromFlag: boolean; permissions: PermissionDependencyResolver }
): Promise<OrgReading> {
  let files = appFiles;
  const sandboxLookup = options.runAsFromFlag ? undefined : findSandboxUser(api, files.runAsUsername);
  sandboxLookup?.catch(() => undefined);
  if (files.profile !== undefined || files.permissionSets.length > 0) options.permissions.prefetch();
  let inventory = await readOrgInventory(api, inventoryRequest(files));
  let sandboxMatch: SandboxUsernameMatch | undefined;
  if (!inventory.runAsUser && sandboxLookup) {
    sandboxMatch = await sandboxLookup;
    if (sandboxMatch) {
      files = { ...files, runAsUsername: sandboxMatch.inOrg };
      inventory = await readOrgInventory(api, inventoryRequest(files));
    }
  }
  const plan = makePlan(files, inventory, { dryRun: options.dryRun });
  const [licenseCheck, completion] = await Promise.allSettled([
    checkLicenses(api, files, inventory, plan),
    options.permissions.completeBeforeDeploy(plan.components),
  ]);
  if (licenseCheck.status === 'rejected') throw licenseCheck.reason;
  plan.blockers.push(...licenseCheck.value.blockers);
  plan.phases = withLicensePhase(plan.phases, licenseCheck.value.phase, options.dryRun);
  if (completion.status === 'rejected' && plan.blockers.length === 0) throw completion.reason;
  return { files, inventory, plan, licenses: licenseCheck.value, ...(sandboxMatch ? { sandboxMatch } : {}) };
}
