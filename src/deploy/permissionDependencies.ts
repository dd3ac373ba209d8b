/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readFile } from 'node:fs/promises';
import { errorCodeOf, type DescribedField, type OrgApi } from '../org/orgApi.js';
import { buildMetadataXml, parseMetadataXml, type XmlNode, type XmlValue } from '../metadata/xml.js';
import type { ComponentOutcome } from './metadataDeploy.js';
import type { PlannedComponent } from './deployPlan.js';

/**
 * Permission dependencies of the profiles and permission sets deploy sends (eca-metadata.md section 8.1). A profile
 * that enables ViewAllData without what it depends on in the target org fails ("Permission View All Data depends on
 * permission(s): ..."), and which permissions exist and depend on which differs by org. So, before deploying:
 * - read the permissions the org has: the describe of Profile, whose `Permissions<Name>` fields carry API name and
 * label (one request);
 * - read the org's dependencies: Tooling `PermissionDependency` (one request). Its values may be API names or labels
 * (unverified): both are mapped to API names through the describe. It may answer nothing for ViewAllData in some
 * orgs, or be unavailable (INVALID_TYPE, no View Setup): then nothing is added before the deploy;
 * - add each required permission that exists in the org and that the file doesn't enable, transitively, to the
 * DEPLOYED COPY of the file (never the project file), and report it.
 * If the org still answers "Permission X depends on permission(s): A, B" (labels), the labels are mapped to API names
 * and the deploy is retried once with them added.
 */

export const PERMISSION_TYPES: ReadonlySet<string> = new Set(['Profile', 'PermissionSet']);

/** Why a permission was added to a deployed copy. */
export type PermissionAddition = {
  type: string;
  fullName: string;
  /** Path of the project file (unchanged), for the advice. */
  filePath: string;
  /** API name of the added permission. */
  permission: string;
  label: string;
  /** API name of the permission that needs it. */
  requiredBy: string;
  requiredByLabel: string;
  /** Where the dependency came from: the Tooling PermissionDependency rows, or the org's deploy error. */
  source: 'PermissionDependency' | 'deployError';
};

export type PermissionNote = { kind: 'describeUnavailable' } | { kind: 'dependenciesUnavailable' } | { kind: 'unknownLabel'; label: string };

export type PermissionCatalog = {
  /** Lower-case API name -> API name and label. */
  byName: Map<string, { name: string; label: string }>;
  /** Lower-case label -> API name. */
  byLabel: Map<string, string>;
};

export type Dependency = { permission: string; required: string };

/** The permissions an org has, from a describe of Profile (or PermissionSet): the `Permissions<Name>` fields. */
export function catalogFromDescribe(fields: readonly DescribedField[]): PermissionCatalog {
  const byName = new Map<string, { name: string; label: string }>();
  const byLabel = new Map<string, string>();
  for (const f of fields) {
    const match = /^Permissions(\w+)$/.exec(f.name);
    if (!match) continue;
    const name = match[1];
    byName.set(name.toLowerCase(), { name, label: f.label || name });
    if (f.label) byLabel.set(f.label.toLowerCase(), name);
  }
  return { byName, byLabel };
}

/** An API name or a label, as the org may write either, mapped to the API name; undefined when the org has no such permission. */
export function toApiName(value: string, catalog: PermissionCatalog): string | undefined {
  const key = value.trim().toLowerCase();
  return catalog.byName.get(key)?.name ?? catalog.byLabel.get(key);
}

export function labelOf(name: string, catalog: PermissionCatalog): string {
  return catalog.byName.get(name.toLowerCase())?.label ?? name;
}

type DependencyRow = { Permission?: unknown; PermissionType?: unknown; RequiredPermission?: unknown; RequiredPermissionType?: unknown };

/**
 * PermissionDependency rows as API-name pairs. Only user permissions: object permission rows (PermissionType naming
 * an object permission) are left out, as are values the org's describe doesn't know.
 */
export function dependenciesFromRows(rows: readonly DependencyRow[], catalog: PermissionCatalog): Dependency[] {
  const out: Dependency[] = [];
  for (const row of rows) {
    if (/object/i.test(String(row.PermissionType ?? '')) || /object/i.test(String(row.RequiredPermissionType ?? ''))) continue;
    const permission = typeof row.Permission === 'string' ? toApiName(row.Permission, catalog) : undefined;
    const required = typeof row.RequiredPermission === 'string' ? toApiName(row.RequiredPermission, catalog) : undefined;
    if (permission && required && !out.some((d) => d.permission === permission && d.required === required)) {
      out.push({ permission, required });
    }
  }
  return out;
}

/**
 * The permissions to add so that every enabled permission has what it depends on: transitively, only those the org
 * has, never one the file explicitly disables. Returns [added, requiredBy] pairs in a stable order.
 */
export function requiredAdditions(
  enabled: readonly string[],
  disabled: readonly string[],
  dependencies: readonly Dependency[],
  catalog: PermissionCatalog
): Array<{ permission: string; requiredBy: string }> {
  const have = new Set(enabled.map((p) => p.toLowerCase()));
  const off = new Set(disabled.map((p) => p.toLowerCase()));
  const out: Array<{ permission: string; requiredBy: string }> = [];
  const queue = [...enabled];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    for (const d of dependencies.filter((x) => x.permission.toLowerCase() === current.toLowerCase())) {
      const key = d.required.toLowerCase();
      if (have.has(key) || off.has(key) || !catalog.byName.has(key)) continue;
      have.add(key);
      out.push({ permission: catalog.byName.get(key)?.name ?? d.required, requiredBy: d.permission });
      queue.push(d.required);
    }
  }
  return out;
}

/**
 * "Permission View All Data depends on permission(s): View Event Log Files, View Roles" -> the permission and what it
 * needs, as API names (labels or API names accepted). Undefined when the text is not such an error.
 */
export function parseDependsOn(
  problem: string,
  catalog: PermissionCatalog
): { permission: string; required: string[]; unknown: string[] } | undefined {
  const match = /Permission (.+?) depends on permission\(s\):\s*(.+?)\s*$/s.exec(problem);
  if (!match) return undefined;
  const permission = toApiName(match[1], catalog) ?? match[1].trim();
  const names = match[2].split(',').map((n) => n.trim().replace(/\.$/, '')).filter((n) => n !== '');
  const required = names.map((n) => toApiName(n, catalog)).filter((n): n is string => n !== undefined);
  return { permission, required, unknown: names.filter((n) => toApiName(n, catalog) === undefined) };
}

function asList(value: XmlValue | undefined): XmlValue[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The user permissions a Profile/PermissionSet file enables and disables. */
export function filePermissions(xml: string): { enabled: string[]; disabled: string[] } {
  const { fields } = parseMetadataXml(xml);
  const enabled: string[] = [];
  const disabled: string[] = [];
  for (const p of asList(fields.userPermissions)) {
    if (typeof p !== 'object' || Array.isArray(p) || typeof p.name !== 'string') continue;
    (p.enabled === 'true' ? enabled : disabled).push(p.name);
  }
  return { enabled, disabled };
}

/** The file with these user permissions enabled, sorted by name among the others (as Salesforce writes them). */
export function withUserPermissions(xml: string, names: readonly string[]): string {
  if (names.length === 0) return xml;
  const { root, fields } = parseMetadataXml(xml);
  const existing = asList(fields.userPermissions).filter((p): p is XmlNode => typeof p === 'object' && !Array.isArray(p));
  const known = new Set(existing.map((p) => String(p.name).toLowerCase()));
  const added: XmlNode[] = names.filter((n) => !known.has(n.toLowerCase())).map((name) => ({ enabled: 'true', name }));
  const all = [...existing, ...added].sort((a, b) => (String(a.name) < String(b.name) ? -1 : String(a.name) > String(b.name) ? 1 : 0));
  const next: XmlNode = { ...fields, userPermissions: all };
  // Metadata types list their elements alphabetically; a new element goes to its place.
  const ordered = 'userPermissions' in fields ? next : Object.fromEntries(Object.keys(next).sort().map((k) => [k, next[k]]));
  return buildMetadataXml(root, ordered);
}

/**
 * Reads the org's permissions and dependencies once, completes the planned profile/permission-set components before
 * the deploy, and after a failed deploy adds what the org's "depends on" error names (once per component). The two
 * reads may start early (prefetch), while the deploy reads the rest of the org; what they could not read is noted only
 * when the answer is used.
 */
export class PermissionDependencyResolver {
  public readonly additions: PermissionAddition[] = [];
  /** What could not be read or mapped (the command words them). */
  public readonly notes: PermissionNote[] = [];
  private catalogRead?: Promise<PermissionCatalog | 'unavailable'>;
  private rowsRead?: Promise<DependencyRow[] | 'unavailable'>;
  private readonly retried = new Set<string>();

  public constructor(private readonly api: OrgApi) {}

  /**
   * Starts both reads without waiting for them. A failure surfaces when the answer is used, not here (and not at all
   * when nothing needs it).
   */
  public prefetch(): void {
    this.describeOnce().catch(() => undefined);
    this.rowsOnce().catch(() => undefined);
  }

  /** Before the deploy: adds required permissions to the planned components' deployed copies. */
  public async completeBeforeDeploy(components: readonly PlannedComponent[]): Promise<PermissionAddition[]> {
    // Components the org already holds are not deployed (deployPlan.ts upToDate): nothing to complete.
    const targets = components.filter((c) => PERMISSION_TYPES.has(c.type) && !c.upToDate);
    if (targets.length === 0) return [];
    const files = await Promise.all(targets.map(async (c) => ({ c, perms: filePermissions(await readFile(c.filePath, 'utf8')) })));
    if (files.every((f) => f.perms.enabled.length === 0)) return [];
    this.prefetch();
    const catalog = await this.readCatalog();
    if (!catalog) return [];
    const dependencies = await this.readDependencies(catalog);
    const added: PermissionAddition[] = [];
    for (const { c, perms } of files) {
      for (const a of requiredAdditions(perms.enabled, perms.disabled, dependencies, catalog)) {
        added.push(this.add(c, a.permission, a.requiredBy, 'PermissionDependency', catalog));
      }
    }
    return added;
  }

  /**
   * After a failed deploy: for each failed profile/permission set whose problem is "depends on permission(s)", add
   * the named permissions to its deployed copy. True when something was added (the caller deploys once more).
   */
  public async addFromFailures(components: readonly PlannedComponent[], outcomes: readonly ComponentOutcome[]): Promise<boolean> {
    const failed = outcomes.filter((o) => o.state === 'Failed' && PERMISSION_TYPES.has(o.type) && (o.problem ?? '').includes('depends on permission(s)'));
    if (failed.length === 0) return false;
    const catalog = await this.readCatalog();
    if (!catalog) return false;
    let changed = false;
    for (const o of failed) {
      const c = components.find((x) => x.type === o.type && x.fullName === o.fullName);
      const key = `${o.type}:${o.fullName}`;
      if (!c || this.retried.has(key)) continue;
      this.retried.add(key);
      // Several "Permission X depends on ..." sentences may come in one problem text.
      for (const sentence of (o.problem ?? '').split(/(?=Permission .+? depends on permission\(s\))/)) {
        const parsed = parseDependsOn(sentence, catalog);
        if (!parsed) continue;
        for (const label of parsed.unknown) this.notes.push({ kind: 'unknownLabel', label });
        for (const permission of parsed.required) {
          if ((c.addedPermissions ?? []).some((p) => p.toLowerCase() === permission.toLowerCase())) continue;
          this.add(c, permission, parsed.permission, 'deployError', catalog);
          changed = true;
        }
      }
    }
    return changed;
  }

  private add(
    c: PlannedComponent,
    permission: string,
    requiredBy: string,
    source: PermissionAddition['source'],
    catalog: PermissionCatalog
  ): PermissionAddition {
    // eslint-disable-next-line no-param-reassign
    c.addedPermissions = [...(c.addedPermissions ?? []), permission];
    const addition: PermissionAddition = {
      type: c.type,
      fullName: c.fullName,
      filePath: c.filePath,
      permission,
      label: labelOf(permission, catalog),
      requiredBy,
      requiredByLabel: labelOf(requiredBy, catalog),
      source,
    };
    this.additions.push(addition);
    return addition;
  }

  /** The describe of Profile, read once. */
  private describeOnce(): Promise<PermissionCatalog | 'unavailable'> {
    this.catalogRead ??= this.api.describe('Profile').then(
      (described) => catalogFromDescribe(described.fields),
      (e: unknown) => {
        if (!isUnavailable(e)) throw e;
        return 'unavailable' as const;
      }
    );
    return this.catalogRead;
  }

  /** The Tooling PermissionDependency rows, read once. */
  private rowsOnce(): Promise<DependencyRow[] | 'unavailable'> {
    this.rowsRead ??= this.api
      .toolingQuery<DependencyRow>('SELECT Permission, PermissionType, RequiredPermission, RequiredPermissionType FROM PermissionDependency')
      .catch((e: unknown) => {
        // Tooling API before 46.0, or a user without View Setup and Configuration (eca section 8.1).
        if (!isUnavailable(e)) throw e;
        return 'unavailable' as const;
      });
    return this.rowsRead;
  }

  private async readCatalog(): Promise<PermissionCatalog | undefined> {
    const read = await this.describeOnce();
    if (read !== 'unavailable') return read;
    this.note({ kind: 'describeUnavailable' });
    return undefined;
  }

  private async readDependencies(catalog: PermissionCatalog): Promise<Dependency[]> {
    const rows = await this.rowsOnce();
    if (rows !== 'unavailable') return dependenciesFromRows(rows, catalog);
    this.note({ kind: 'dependenciesUnavailable' });
    return [];
  }

  private note(note: PermissionNote): void {
    if (!this.notes.some((n) => n.kind === note.kind)) this.notes.push(note);
  }
}

function isUnavailable(e: unknown): boolean {
  const code = errorCodeOf(e) ?? '';
  return ['INVALID_TYPE', 'INSUFFICIENT_ACCESS', 'INSUFFICIENT_ACCESS_OR_READONLY', 'NOT_FOUND', 'INVALID_FIELD'].includes(code);
}
