/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { splitNames } from '../metadata/componentCompare.js';
import type { XmlNode } from '../metadata/xml.js';
import { textOf } from '../metadata/xml.js';

/**
 * The OAuth policy's pre-authorization lists (commaSeparatedPermissionSet, commaSeparatedProfile) against what the org
 * already has. Reports disagree on how an org treats them [T]: one says they are additive and that a name the org
 * already has fails the deploy ("profile names are already taken"); a plain reading of a metadata deploy says the
 * list replaces the org's. So deploy never sends a name the org already has, and reads the policy back afterwards:
 * - lists already granted (every wanted name is in the org's list): the elements are left out of the deploy, or no
 * deploy is sent when nothing else changed;
 * - otherwise the first deploy carries only the names the org lacks (accepted either way);
 * - when the read-back shows wanted names missing (the org replaced its list with what was sent, or cleared an
 * omitted one), the policy is deployed again with the full list: the wanted names plus those the org had, which a
 * replacing org accepts and which removes no one.
 */

export const PRE_AUTHORIZATION_LISTS = ['commaSeparatedPermissionSet', 'commaSeparatedProfile'] as const;
export type PreAuthorizationList = (typeof PRE_AUTHORIZATION_LISTS)[number];

export type ListPlan = {
  /** Names the project wants pre-authorized. */
  wanted: string[];
  /** Names the org's policy has. */
  inOrg: string[];
  /** Wanted names the org lacks: what the first deploy sends (empty: the element is left out). */
  missing: string[];
  /** Wanted names plus the org's: what a second deploy sends when the org replaced its list. */
  full: string[];
};

export type PreAuthorizationPlan = Partial<Record<PreAuthorizationList, ListPlan>>;

/** Case-insensitive: profile names are; permission set API names are unique regardless of case. */
function lacking(wanted: readonly string[], have: readonly string[]): string[] {
  const present = new Set(have.map((n) => n.toLowerCase()));
  return wanted.filter((n) => !present.has(n.toLowerCase()));
}

/** The lists of the project's policy against the org's (undefined `org`: the org has no policy for the app yet). */
export function planPreAuthorization(local: XmlNode, org: XmlNode | undefined): PreAuthorizationPlan {
  const plan: PreAuthorizationPlan = {};
  for (const list of PRE_AUTHORIZATION_LISTS) {
    const wanted = splitNames(textOf(local, list));
    if (wanted.length === 0) continue;
    const inOrg = org ? splitNames(textOf(org, list)) : [];
    plan[list] = { wanted, inOrg, missing: lacking(wanted, inOrg), full: [...wanted, ...lacking(inOrg, wanted)] };
  }
  return plan;
}

/** Every wanted name is already granted. */
export function isGranted(plan: PreAuthorizationPlan): boolean {
  return Object.values(plan).every((p) => p.missing.length === 0);
}

/**
 * The list elements of the first deploy: the names the org lacks, or the element removed when it lacks none (never
 * a name it already has). An org without the policy gets the file's lists as they are.
 */
export function firstDeployLists(plan: PreAuthorizationPlan): Record<string, string | null> {
  const overrides: Record<string, string | null> = {};
  for (const [list, p] of Object.entries(plan)) {
    if (p.inOrg.length === 0) continue;
    overrides[list] = p.missing.length ? p.missing.join(',') : null;
  }
  return overrides;
}

/**
 * Names the org's policy lacks after a deploy, by list (empty: the org holds them all): the wanted names and the ones
 * it had before (a replacing org drops those too, and they are not ours to remove).
 */
export function stillMissing(plan: PreAuthorizationPlan, orgAfter: XmlNode | undefined): Partial<Record<PreAuthorizationList, string[]>> {
  const out: Partial<Record<PreAuthorizationList, string[]>> = {};
  for (const list of PRE_AUTHORIZATION_LISTS) {
    const p = plan[list];
    if (!p) continue;
    const missing = lacking(p.full, orgAfter ? splitNames(textOf(orgAfter, list)) : []);
    if (missing.length) out[list] = missing;
  }
  return out;
}

/** Whether the first deploy left out names the org must keep (then the policy is read back afterwards). */
export function needsReadBack(plan: PreAuthorizationPlan): boolean {
  return Object.values(plan).some((p) => p.inOrg.length > 0 && p.full.length > p.missing.length);
}

/** The list elements of the second deploy (replacing org): the full lists. */
export function fullLists(plan: PreAuthorizationPlan): Record<string, string> {
  return Object.fromEntries(Object.entries(plan).map(([list, p]) => [list, p.full.join(',')]));
}
