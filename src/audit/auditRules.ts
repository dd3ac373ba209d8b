/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */

/**
 * The audit's rules, pure: each looks at one client credentials app as the org holds it (AuditedApp) and returns
 * its findings (rule id, severity, message tokens). Wording and fixes are in messages/eca.clientcreds.audit.md under
 * `rule.<id>` / `rule.<id>.fix`, so a rule is only the decision.
 */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Orders severities: higher is worse. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity);
}

export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) >= severityRank(threshold);
}

/** Powers a client credentials token inherits from its Run As user, with the worst first. */
export const POWERFUL_PERMISSIONS: ReadonlyArray<{ name: string; severity: Severity }> = [
  { name: 'ModifyAllData', severity: 'critical' },
  { name: 'ManageUsers', severity: 'critical' },
  { name: 'AuthorApex', severity: 'high' },
  { name: 'CustomizeApplication', severity: 'high' },
  { name: 'ManageInternalUsers', severity: 'high' },
  { name: 'ViewAllData', severity: 'high' },
  { name: 'ViewSetup', severity: 'low' },
];

export type RunAsUser = {
  username: string;
  isActive: boolean;
  userType?: string;
  profileName?: string;
  license?: string;
  /** API Only User, from the profile or a permission set. */
  apiOnly: boolean;
  /** Powerful permission -> where it comes from ("profile X", "permission set Y"). */
  permissions: Record<string, string[]>;
  /** Permission sets assigned (not the profile's own). */
  permissionSets: string[];
};

export type AppKind = 'ExternalClientApplication' | 'ConnectedApp';

export type AuditedApp = {
  kind: AppKind;
  name: string;
  managed: boolean;
  /** ECA: the global OAuth settings switch and the policy switch; a connected app has one switch (both the same). */
  flow: { global: boolean; policy: boolean };
  runAsUsername?: string;
  /** Undefined when runAsUsername names no user of the org. */
  runAs?: RunAsUser;
  /** ECA: permittedUsersPolicyType; connected app: AdminApproved / AllSelfAuthorized from isAdminApproved. */
  permittedUsers?: string;
  preAuthorizedProfiles: string[];
  preAuthorizedPermissionSets: string[];
  /** As the org writes it: ECA Enforce/Bypass/..., connected app ENFORCE/BYPASS/... */
  ipRelaxation?: string;
  /** Scope tokens as the app lists them (Api, RefreshToken, Full, ...). */
  scopes: string[];
  sessionTimeoutMinutes?: number;
  refreshTokenPolicy?: string;
  /** ECA: the app and its OAuth plugin are on (ExtlClntAppConfigurablePolicies). */
  oauthPluginEnabled?: boolean;
  /** The consumer secret can be read through Connect REST (ECA with the org setting on); a connected app's never. */
  secretReadableByRest: boolean;
};

export type RuleFinding = { rule: string; severity: Severity; tokens: string[] };

export type Rule = (app: AuditedApp) => RuleFinding[];

const finding = (rule: string, severity: Severity, ...tokens: string[]): RuleFinding => ({ rule, severity, tokens });

/** On in one place only: no token is issued, and a later change of the other switch turns it on unreviewed. */
export const halfEnabled: Rule = (app) =>
  app.kind === 'ExternalClientApplication' && app.flow.global !== app.flow.policy
    ? [finding('halfEnabled', 'medium', app.flow.global ? 'global OAuth settings' : 'OAuth policy', app.flow.global ? 'OAuth policy' : 'global OAuth settings')]
    : [];

/** The flow is on (or half on) without a Run As user. */
export const noRunAsUser: Rule = (app) => (app.runAsUsername ? [] : [finding('noRunAsUser', 'medium')]);

/** The Run As username is no user of the org. */
export const runAsUserMissing: Rule = (app) =>
  app.runAsUsername && !app.runAs ? [finding('runAsUserMissing', 'high', app.runAsUsername)] : [];

export const runAsUserInactive: Rule = (app) =>
  app.runAs && !app.runAs.isActive ? [finding('runAsUserInactive', 'medium', app.runAs.username)] : [];

/** Salesforce asks for an API Only execution user (eca-metadata.md sections 5, 9.2). */
export const runAsNotApiOnly: Rule = (app) =>
  app.runAs && !app.runAs.apiOnly ? [finding('runAsNotApiOnly', 'medium', app.runAs.username)] : [];

/** Each powerful permission of the Run As user is a power of every token the app issues. */
export const powerfulPermissions: Rule = (app) => {
  const runAs = app.runAs;
  if (!runAs) return [];
  return POWERFUL_PERMISSIONS.filter((p) => (runAs.permissions[p.name] ?? []).length > 0).map((p) =>
    finding(`permission.${p.name}`, p.severity, runAs.username, runAs.permissions[p.name].join(', '))
  );
};

/** A Run As user that is someone's login (a standard user, not an integration user) mixes audit trails. */
export const runAsFullLicense: Rule = (app) =>
  app.runAs?.license && app.runAs.license !== 'Salesforce Integration' && app.runAs.apiOnly === false
    ? [finding('runAsFullLicense', 'low', app.runAs.username, app.runAs.license)]
    : [];

/** Bypassing IP restrictions lets a stolen key and secret mint tokens from anywhere. */
export const ipRelaxed: Rule = (app) =>
  app.ipRelaxation && /^bypass/i.test(app.ipRelaxation) ? [finding('ipRelaxed', 'medium', app.ipRelaxation)] : [];

/** `Full` gives everything and `RefreshToken`/`OfflineAccess` serve flows this one doesn't use. */
export const unusedScopes: Rule = (app) => {
  const out: RuleFinding[] = [];
  if (app.scopes.some((s) => s.toLowerCase() === 'full')) out.push(finding('scopeFull', 'medium'));
  const refresh = app.scopes.filter((s) => ['refreshtoken', 'offlineaccess'].includes(s.toLowerCase()));
  if (refresh.length > 0) out.push(finding('scopeRefreshToken', 'low', refresh.join(', ')));
  return out;
};

/** Anyone may self-authorize the app in other flows; for an ECA the Run As user must be pre-authorized instead. */
export const permittedUsers: Rule = (app) => {
  if (app.kind === 'ExternalClientApplication' && app.permittedUsers === 'AdminApprovedPreAuthorized' && app.runAs) {
    const runAs = app.runAs;
    const viaProfile = app.preAuthorizedProfiles.some((p) => p.toLowerCase() === runAs.profileName?.toLowerCase());
    const viaPermSet = app.preAuthorizedPermissionSets.some((p) => runAs.permissionSets.some((q) => q.toLowerCase() === p.toLowerCase()));
    if (!viaProfile && !viaPermSet) return [finding('runAsNotPreAuthorized', 'medium', runAs.username)];
  }
  if (app.permittedUsers === 'AllSelfAuthorized') return [finding('allSelfAuthorized', 'low')];
  return [];
};

/** Connect REST hands out the secret to users with View Client Secret. */
export const secretReadable: Rule = (app) => (app.secretReadableByRest ? [finding('secretReadableByRest', 'info')] : []);

/** Without a timeout the token lives as long as the org's session timeout. */
export const noSessionTimeout: Rule = (app) =>
  app.kind === 'ExternalClientApplication' && app.sessionTimeoutMinutes === undefined ? [finding('noSessionTimeout', 'info')] : [];

export const refreshTokenForever: Rule = (app) =>
  app.refreshTokenPolicy && /^infinite$/i.test(app.refreshTokenPolicy) ? [finding('refreshTokenInfinite', 'low')] : [];

export const oauthPluginOff: Rule = (app) => (app.oauthPluginEnabled === false ? [finding('oauthPluginOff', 'info')] : []);

export const managedApp: Rule = (app) => (app.managed ? [finding('managedApp', 'info')] : []);

export const RULES: readonly Rule[] = [
  halfEnabled,
  noRunAsUser,
  runAsUserMissing,
  runAsUserInactive,
  powerfulPermissions,
  runAsNotApiOnly,
  runAsFullLicense,
  permittedUsers,
  ipRelaxed,
  unusedScopes,
  refreshTokenForever,
  noSessionTimeout,
  secretReadable,
  oauthPluginOff,
  managedApp,
];

/** Every finding of an app, worst first. */
export function evaluate(app: AuditedApp, rules: readonly Rule[] = RULES): RuleFinding[] {
  return rules.flatMap((rule) => rule(app)).sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
}
