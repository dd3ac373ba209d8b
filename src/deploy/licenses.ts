/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages } from '@salesforce/core';
import { textOf } from '../metadata/xml.js';
import { errorCodeOf, type OrgApi, soqlString } from '../org/orgApi.js';
import type { AppFiles } from '../project/projectFiles.js';
import type { OrgInventory } from './orgInventory.js';
import type { Phase, Plan } from './deployPlan.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

/**
 * The Run As user's license (oauth-client-credentials.md section 6), checked before anything changes:
 * - creating the user takes a seat of its profile's user license (`UserLicense.TotalLicenses - UsedLicenses`); a
 * Developer Edition has two Salesforce licenses, so the error names the free Salesforce Integration license and the
 * exact flags as the way out;
 * - a Salesforce Integration user needs the permission set license `SalesforceAPIIntegrationPsl` (a seat of it)
 * assigned BEFORE any permission set ("required to be able to assign regular permission sets to this user"): the plan
 * gets an `assignPermissionSetLicense` phase before `assignPermissionSets`.
 */

export const INTEGRATION_LICENSE = 'Salesforce Integration';
export const INTEGRATION_PSL = 'SalesforceAPIIntegrationPsl';
export const INTEGRATION_PROFILE = 'Minimum Access - API Only Integrations';

export type LicenseReport = {
  /** The user license of the Run As user's profile, when known. */
  userLicense?: string;
  /** Seats of that license before this deploy (only read when the user is created). */
  seats?: { total: number; used: number };
  /** The Integration permission set license: assigned by this run, already assigned, or not needed. */
  permissionSetLicense?: { developerName: string; status: 'assign' | 'assigned' };
};

export type LicenseCheck = { report: LicenseReport; blockers: string[]; phase?: Extract<Phase, { kind: 'assignPermissionSetLicense' }> };

type Seats = { Name?: string; DeveloperName?: string; Id?: string; TotalLicenses?: unknown; UsedLicenses?: unknown };

export async function checkLicenses(api: OrgApi, files: AppFiles, org: OrgInventory, plan: Plan): Promise<LicenseCheck> {
  const creating = plan.steps.some((s) => s.step === 'user' && s.action === 'create');
  const profileName = org.runAsUser?.profileName ?? files.profileName;
  const license = await userLicenseOf(api, files, profileName);
  const report: LicenseReport = { userLicense: license };
  const blockers: string[] = [];
  if (!license) return { report, blockers };

  if (creating) {
    const rows = await optional(
      api.query<Seats>(
        `SELECT Name, TotalLicenses, UsedLicenses FROM UserLicense WHERE Name IN (${[...new Set([license, INTEGRATION_LICENSE])]
          .map(soqlString)
          .join(', ')})`
      )
    );
    const row = rows?.find((r) => r.Name === license);
    const seats = row ? seatsOf(row) : undefined;
    if (seats) report.seats = seats;
    if (seats && seats.total - seats.used <= 0) {
      const integration = rows?.find((r) => r.Name === INTEGRATION_LICENSE);
      const free = integration ? seatsOf(integration) : undefined;
      blockers.push(noSeatBlocker(files, license, seats, free));
    }
  }

  if (license === INTEGRATION_LICENSE) {
    const psl = (
      await optional(
        api.query<Seats>(
          `SELECT Id, DeveloperName, TotalLicenses, UsedLicenses FROM PermissionSetLicense WHERE DeveloperName = ${soqlString(INTEGRATION_PSL)}`
        )
      )
    )?.[0];
    if (!psl?.Id) {
      blockers.push(messages.getMessage('blocker.integrationPslMissing', [INTEGRATION_PSL]));
      return { report, blockers };
    }
    const assigned = org.runAsUser
      ? (
          await api.query<{ Id: string }>(
            `SELECT Id FROM PermissionSetLicenseAssign WHERE AssigneeId = ${soqlString(org.runAsUser.id)} AND PermissionSetLicenseId = ${soqlString(psl.Id)}`
          )
        ).length > 0
      : false;
    report.permissionSetLicense = { developerName: INTEGRATION_PSL, status: assigned ? 'assigned' : 'assign' };
    if (!assigned) {
      const seats = seatsOf(psl);
      if (seats && seats.total - seats.used <= 0) {
        blockers.push(messages.getMessage('blocker.integrationPslNoSeat', [INTEGRATION_PSL, seats.used, seats.total]));
      }
      return { report, blockers, phase: { kind: 'assignPermissionSetLicense', permissionSetLicenseId: psl.Id, developerName: INTEGRATION_PSL } };
    }
  }
  return { report, blockers };
}

/** Puts the PSL assignment right before the permission set assignments (or after the user creation); none in a dry run. */
export function withLicensePhase(phases: Phase[], phase: LicenseCheck['phase'], dryRun: boolean): Phase[] {
  if (!phase || dryRun) return phases;
  const at = phases.findIndex((p) => p.kind === 'assignPermissionSets');
  const index = at >= 0 ? at : Math.max(0, phases.findIndex((p) => p.kind === 'createUser') + 1);
  return [...phases.slice(0, index), phase, ...phases.slice(index)];
}

/** The license of the profile file in the project, else of the org's profile (one query). */
async function userLicenseOf(api: OrgApi, files: AppFiles, profileName: string | undefined): Promise<string | undefined> {
  if (files.profile && files.profile.fullName === profileName) {
    const fromFile = textOf(files.profile.fields, 'userLicense');
    if (fromFile) return fromFile;
  }
  if (!profileName) return undefined;
  if (profileName === INTEGRATION_PROFILE) return INTEGRATION_LICENSE;
  const rows = await optional(
    api.query<{ UserLicense?: { Name?: string } | null }>(`SELECT Name, UserLicense.Name FROM Profile WHERE Name = ${soqlString(profileName)}`)
  );
  return rows?.[0]?.UserLicense?.Name ?? undefined;
}

function seatsOf(row: Seats): { total: number; used: number } | undefined {
  const total = Number(row.TotalLicenses);
  const used = Number(row.UsedLicenses);
  return Number.isFinite(total) && Number.isFinite(used) && row.TotalLicenses !== null ? { total, used } : undefined;
}

function noSeatBlocker(
  files: AppFiles,
  license: string,
  seats: { total: number; used: number },
  integration: { total: number; used: number } | undefined
): string {
  if (license === INTEGRATION_LICENSE) return messages.getMessage('blocker.noIntegrationSeat', [seats.used, seats.total]);
  const contact = textOf(files.header.fields, 'contactEmail') ?? 'you@example.com';
  const command = `sf eca clientcreds generate --name ${files.appName} --contact-email ${contact} --run-as-username ${files.runAsUsername} --user-license "${INTEGRATION_LICENSE}" --force`;
  const free = integration ? String(integration.total - integration.used) : '?';
  return messages.getMessage('blocker.noSeat', [license, seats.used, seats.total, INTEGRATION_LICENSE, free, command]);
}

/** A query the org may refuse (object unknown to an old API or an edition): undefined instead of an error. */
async function optional<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (e) {
    if (['INVALID_TYPE', 'INVALID_FIELD', 'INSUFFICIENT_ACCESS'].includes(errorCodeOf(e) ?? '')) return undefined;
    throw e;
  }
}
