/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */

/**
 * The user permissions an org has (API name -> label, as the describe of Profile/PermissionSet shows them in its
 * `Permissions<Name>` fields) and which depend on which (eca-metadata.md section 8.1). Which permissions exist and
 * what ViewAllData needs depend on the org ("org shape", [T]); the defaults below follow the reports the reference
 * lists, and tests change them per org through the control API.
 */

/** API name -> label (labels as Setup and the "depends on permission(s)" deploy errors show them). */
export const PERMISSION_LABELS: Readonly<Record<string, string>> = {
  ApiEnabled: 'API Enabled',
  ApiUserOnly: 'API Only User',
  ViewAllData: 'View All Data',
  ModifyAllData: 'Modify All Data',
  ManageUsers: 'Manage Users',
  ManageInternalUsers: 'Manage Internal Users',
  CustomizeApplication: 'Customize Application',
  ViewSetup: 'View Setup and Configuration',
  AuthorApex: 'Author Apex',
  ExternalClientAppAdmin: 'External Client App Admin',
  ExternalClientAppDeveloper: 'External Client App Developer',
  ExternalClientAppViewer: 'External Client App Viewer',
  ViewClientSecret: 'View Client Secret',
  LightningExperienceUser: 'Lightning Experience User',
  PasswordNeverExpires: 'Password Never Expires',
  ChatterInternalUser: 'Chatter Internal User',
  ViewAllForecasts: 'View All Forecasts',
  ViewPlatformEvents: 'View Real-Time Event Monitoring Data',
  ViewDataLeakageEvents: 'View Data Leakage Events',
  ViewEventLogFiles: 'View Event Log Files',
  ViewPublicDashboards: 'View Dashboards in Public Folders',
  ViewPublicReports: 'View Reports in Public Folders',
  ViewRoles: 'View Roles and Role Hierarchy',
  ManageQuotas: 'Manage Quotas',
  OverrideForecasts: 'Override Forecasts',
};

/**
 * Default dependencies [T]: ViewAllData needs ViewPlatformEvents and ViewDataLeakageEvents (forcedotcom/cli#2205,
 * sfpowerkit), plus ViewEventLogFiles (an integration-user guide); ModifyAllData needs ViewAllData (it implies it).
 */
export const DEFAULT_PERMISSION_DEPENDENCIES: ReadonlyArray<readonly [string, string]> = [
  ['ViewAllData', 'ViewPlatformEvents'],
  ['ViewAllData', 'ViewDataLeakageEvents'],
  ['ViewAllData', 'ViewEventLogFiles'],
  ['ModifyAllData', 'ViewAllData'],
];

/** How the Tooling object PermissionDependency names permissions (its value format is unverified, [U]). */
export type PermissionDependencyFormat = 'apiName' | 'label' | 'none';

export function permissionLabel(name: string): string {
  return PERMISSION_LABELS[name] ?? name.replace(/([a-z])([A-Z])/g, '$1 $2');
}

/** Standard objects' plural labels, for "Read Accounts" style object permission labels. */
export function objectPermissionLabel(object: string): string {
  const plural: Record<string, string> = { Opportunity: 'Opportunities', Account: 'Accounts', Contact: 'Contacts', Case: 'Cases', Lead: 'Leads' };
  return `Read ${plural[object] ?? `${object}s`}`;
}

/** Custom objects end in __c (and friends); everything else is a standard object. */
export function isStandardObject(object: string): boolean {
  return !/__(c|x|e|mdt|b)$/i.test(object);
}

/**
 * The permissions `enabled` lacks: for each enabled permission, the ones it depends on (direct dependencies, as the
 * org reports them) that are not enabled. Returns [permission, missing[]] pairs in a stable order.
 */
export function missingDependencies(
  enabled: ReadonlySet<string>,
  dependencies: ReadonlyArray<readonly [string, string]>
): Array<[string, string[]]> {
  const out: Array<[string, string[]]> = [];
  for (const permission of [...enabled].sort()) {
    const missing = dependencies.filter(([p, r]) => p === permission && !enabled.has(r)).map(([, r]) => r);
    if (missing.length > 0) out.push([permission, missing]);
  }
  return out;
}

/** "Permission View All Data depends on permission(s): View Event Log Files, ..." (labels, Gearset's wording [T]). */
export function dependsOnProblem(permission: string, missing: string[]): string {
  return `Permission ${permissionLabel(permission)} depends on permission(s): ${missing.map(permissionLabel).join(', ')}`;
}
