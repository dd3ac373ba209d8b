/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages } from '@salesforce/core';
import type { OrgApi } from '../org/orgApi.js';
import { readAuditInventory } from './auditReader.js';
import { type AuditedApp, atOrAbove, evaluate, type RunAsUser, type Severity, SEVERITIES } from './auditRules.js';

/**
 * `audit`: read the org (auditReader), score each app (auditRules), word the findings (messages). Only reads.
 */

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.audit');

export type AuditFinding = { rule: string; severity: Severity; message: string; fix: string };

/** An app as the report shows it: its settings as read (auditRules.ts AuditedApp), the Run As user, its findings. */
export type AuditedAppReport = Pick<
  AuditedApp,
  | 'name'
  | 'kind'
  | 'managed'
  | 'runAsUsername'
  | 'permittedUsers'
  | 'preAuthorizedProfiles'
  | 'preAuthorizedPermissionSets'
  | 'ipRelaxation'
  | 'scopes'
  | 'sessionTimeoutMinutes'
  | 'refreshTokenPolicy'
  | 'secretReadableByRest'
> & {
  /** on: both switches on; half: on in one place only, or no Run As user. */
  flow: 'on' | 'half';
  runAsUser?: RunAsUser & { exists: true };
  /** Worst severity of its findings, if any. */
  worst?: Severity;
  findings: AuditFinding[];
};

export type AuditResult = {
  targetOrg: string;
  /** External Client Apps and connected apps the org has (all of them, with or without the flow). */
  appsInOrg: { externalClientApps: number; connectedApps: number };
  apps: AuditedAppReport[];
  /** Number of findings per severity. */
  counts: Record<Severity, number>;
  failOn?: Severity;
  /** True when a finding is at or above --fail-on. */
  failed: boolean;
};

export async function runAudit(api: OrgApi, options: { targetOrg: string; failOn?: Severity }): Promise<AuditResult> {
  const inventory = await readAuditInventory(api);
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const apps = inventory.apps.map((app): AuditedAppReport => {
    const findings = evaluate(app).map(
      (f): AuditFinding => ({
        rule: f.rule,
        severity: f.severity,
        message: messages.getMessage(`rule.${f.rule}`, f.tokens),
        fix: messages.getMessage(`rule.${f.rule}.fix`),
      })
    );
    findings.forEach((f) => counts[f.severity]++);
    const { runAs, flow, oauthPluginEnabled, kind, ...rest } = app;
    void oauthPluginEnabled;
    return {
      ...rest,
      kind,
      flow: flow.global && flow.policy && app.runAsUsername ? 'on' : 'half',
      ...(runAs ? { runAsUser: { ...runAs, exists: true as const } } : {}),
      ...(findings[0] ? { worst: findings[0].severity } : {}),
      findings,
    };
  });
  const failed = options.failOn !== undefined && apps.some((a) => a.findings.some((f) => atOrAbove(f.severity, options.failOn!)));
  return {
    targetOrg: options.targetOrg,
    appsInOrg: { externalClientApps: inventory.ecaCount, connectedApps: inventory.connectedAppCount },
    apps,
    counts,
    ...(options.failOn ? { failOn: options.failOn } : {}),
    failed,
  };
}
