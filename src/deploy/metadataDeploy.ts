/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Connection } from '@salesforce/core';
import type { Duration } from '@salesforce/kit';
import { sourceFilePath } from '../metadata/ecaTypes.js';
import { buildMetadataXml, parseMetadataXml, type XmlNode } from '../metadata/xml.js';
import { escapeXml } from '../metadata/xmlText.js';
import { onInterrupt } from '../cli/interrupt.js';
import { finishedStatus } from './deployPolling.js';
import type { PlannedComponent } from './deployPlan.js';
import { withUserPermissions } from './permissionDependencies.js';

/**
 * Metadata deploys through source-deploy-retrieve (lazy-imported: only the deploy path pays for it), from copies of
 * the planned files (see stageFiles); the user's files are never changed. Results are mapped back to the user's
 * files.
 */

/**
 * Deployed = succeeded without per-component details from the org; NotDeployed = a failure (or an earlier stop)
 * kept it from being deployed; NotValidated = a dry run could not validate it (its Run As user doesn't exist yet).
 */
export type ComponentState =
  | 'Created'
  | 'Changed'
  | 'Unchanged'
  | 'Deployed'
  | 'Failed'
  | 'Validated'
  | 'NotDeployed'
  | 'NotValidated';

export type ComponentOutcome = {
  type: string;
  fullName: string;
  state: ComponentState;
  /** Record Id the org reports for a deployed component (a Profile's 00e Id). */
  id?: string;
  problem?: string;
  line?: number;
  column?: number;
};

export type MetadataDeployOutcome = {
  id: string;
  status: string;
  success: boolean;
  components: ComponentOutcome[];
  /** Failures not tied to one of our components (e.g. package.xml). */
  otherFailures: string[];
};

export type DeployStatusUpdate = { id: string; status: string; deployed: number; total: number };

export type MetadataDeployRequest = {
  components: PlannedComponent[];
  checkOnly: boolean;
  /** How long to poll before giving up with a WaitExceeded error (the deploy continues in the org). */
  wait: Duration;
  onStart?: (id: string) => void;
  onUpdate?: (update: DeployStatusUpdate) => void;
};

/** Signature the executor uses, so tests can replace the org side. */
export type MetadataDeployer = (request: MetadataDeployRequest) => Promise<MetadataDeployOutcome>;

/** Thrown when --wait ends before the org finishes; carries the deploy id to check and resume. */
export class DeployWaitExceeded extends Error {
  public constructor(public readonly deployId: string) {
    super(`Deploy ${deployId} did not finish in time`);
    this.name = 'DeployWaitExceeded';
  }
}

let sdrModule: Promise<typeof import('@salesforce/source-deploy-retrieve')> | undefined;

/** SDR, loaded once (lazily: only a deploy pays for it). */
export function loadSdr(): Promise<typeof import('@salesforce/source-deploy-retrieve')> {
  sdrModule ??= import('@salesforce/source-deploy-retrieve');
  return sdrModule;
}

/**
 * Starts loading SDR (about half a second of module loading on a small machine) while deploy waits for the org's
 * answers, so that the first deploy finds it loaded. A failure to load surfaces when the deploy needs it.
 */
export function preloadSdr(): void {
  loadSdr().catch(() => undefined);
}

export function sdrDeployer(connection: Connection, apiVersion: string): MetadataDeployer {
  return (request) => deployWithSdr(connection, apiVersion, request);
}

async function deployWithSdr(
  connection: Connection,
  apiVersion: string,
  request: MetadataDeployRequest
): Promise<MetadataDeployOutcome> {
  const staging = await stageFiles(request.components);
  try {
    const { ComponentSet } = await loadSdr();
    const set = ComponentSet.fromSource(staging.paths);
    set.apiVersion = apiVersion;
    set.sourceApiVersion = apiVersion;
    const deploy = await set.deploy({
      usernameOrConnection: connection,
      apiOptions: { checkOnly: request.checkOnly, rollbackOnError: true, singlePackage: true },
    });
    const id = deploy.id ?? '';
    request.onStart?.(id);
    const report = (status: { status?: unknown; numberComponentsDeployed?: unknown; numberComponentsTotal?: unknown }): void =>
      request.onUpdate?.({
        id,
        status: String(status.status ?? ''),
        deployed: Number(status.numberComponentsDeployed ?? 0),
        total: Number(status.numberComponentsTotal ?? 0),
      });
    deploy.onUpdate(report);
    let response;
    try {
      response = await finishedStatus(deploy, { waitSeconds: request.wait.seconds, onStatus: report });
    } catch (e) {
      if (e instanceof Error && /timed out/i.test(e.message)) throw new DeployWaitExceeded(id);
      throw e;
    }
    return {
      id,
      status: String(response.status),
      success: response.success === true || String(response.success) === 'true',
      ...mapDetails(request, asList(response.details?.componentSuccesses), asList(response.details?.componentFailures)),
    };
  } finally {
    await staging.cleanup();
  }
}

type DeployMessageLike = {
  componentType?: string;
  fullName?: string;
  fileName?: string;
  created?: string | boolean;
  changed?: string | boolean;
  problem?: string;
  lineNumber?: string | number;
  columnNumber?: string | number;
  id?: string;
};

function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

const isTrue = (v: unknown): boolean => v === true || v === 'true';

/** Maps the org's componentSuccesses/componentFailures to our planned components. Pure; exported for tests. */
export function mapDetails(
  request: Pick<MetadataDeployRequest, 'components' | 'checkOnly'>,
  successes: DeployMessageLike[],
  failures: DeployMessageLike[]
): Pick<MetadataDeployOutcome, 'components' | 'otherFailures'> {
  const matches = (m: DeployMessageLike, c: PlannedComponent): boolean =>
    m.componentType === c.type && m.fullName === c.fullName;
  const components = request.components.map((c): ComponentOutcome => {
    const failure = failures.find((m) => matches(m, c));
    if (failure) {
      return {
        type: c.type,
        fullName: c.fullName,
        state: 'Failed',
        problem: failure.problem ?? '',
        ...(failure.lineNumber ? { line: Number(failure.lineNumber) } : {}),
        ...(failure.columnNumber ? { column: Number(failure.columnNumber) } : {}),
      };
    }
    const success = successes.find((m) => matches(m, c));
    if (!success) {
      return { type: c.type, fullName: c.fullName, state: failures.length ? 'NotDeployed' : request.checkOnly ? 'Validated' : 'Deployed' };
    }
    if (request.checkOnly) return { type: c.type, fullName: c.fullName, state: 'Validated' };
    const state: ComponentState = isTrue(success.created) ? 'Created' : isTrue(success.changed) ? 'Changed' : 'Unchanged';
    return { type: c.type, fullName: c.fullName, state, ...(success.id ? { id: success.id } : {}) };
  });
  const otherFailures = failures
    .filter((m) => !request.components.some((c) => matches(m, c)))
    .map((m) => `${m.fileName ?? m.fullName ?? ''}: ${m.problem ?? ''}`.trim());
  return { components, otherFailures };
}

/**
 * The paths SDR deploys: a copy of each planned file in a temporary folder, renamed when it is deployed under the
 * org's name (adoption) and edited when --run-as-username replaces the Run As user, the plan sets elements (the
 * pre-authorization lists, a certificate carried over from the org) or permissions the org requires are added
 * (permissionDependencies.ts). Always a copy, outside the
 * project: SDR's source resolution honours the project's .forceignore, which may list these files (the Help says
 * global OAuth settings must not go to source control) and would silently drop them from the deploy.
 */
export async function stageFiles(components: PlannedComponent[]): Promise<{ paths: string[]; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'eca-deploy-'));
  // Ctrl-C / SIGTERM removes the folder too (the interrupt handler ends the process without unwinding).
  const forget = onInterrupt({ cleanup: () => rmSync(dir, { recursive: true, force: true }) });
  const remove = async (): Promise<void> => {
    forget();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const paths = await Promise.all(
      components.map(async (c) => {
        const target = join(dir, sourceFilePath(c.type, c.fullName));
        await mkdir(dirname(target), { recursive: true });
        const xml = await readFile(c.filePath, 'utf8');
        const copy = c.addedPermissions?.length ? withUserPermissions(xml, c.addedPermissions) : xml;
        const withUser = c.runAsUsername ? withRunAsUser(copy, c.runAsUsername) : copy;
        await writeFile(target, c.fieldOverrides && Object.keys(c.fieldOverrides).length ? withFields(withUser, c.fieldOverrides) : withUser);
        return target;
      })
    );
    return { paths, cleanup: remove };
  } catch (e) {
    await remove();
    throw e;
  }
}

/** The XML with top-level elements set (string) or removed (null), in alphabetical order. */
export function withFields(xml: string, overrides: Readonly<Record<string, string | null>>): string {
  const parsed = parseMetadataXml(xml);
  const fields: XmlNode = { ...parsed.fields };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === null) delete fields[name];
    else fields[name] = value;
  }
  const sorted = Object.fromEntries(Object.keys(fields).sort().map((k) => [k, fields[k]]));
  return buildMetadataXml(parsed.root, sorted);
}

/** The policy XML with <clientCredentialsFlowUser> set to `username` (kept in place, or inserted in alphabetical order). */
export function withRunAsUser(xml: string, username: string): string {
  const element = /<clientCredentialsFlowUser>[^<]*<\/clientCredentialsFlowUser>|<clientCredentialsFlowUser\s*\/>/;
  const replacement = `<clientCredentialsFlowUser>${escapeXml(username)}</clientCredentialsFlowUser>`;
  if (element.test(xml)) return xml.replace(element, replacement);
  const parsed = parseMetadataXml(xml);
  const fields: XmlNode = { ...parsed.fields, clientCredentialsFlowUser: username };
  const sorted = Object.fromEntries(Object.keys(fields).sort().map((k) => [k, fields[k]]));
  return buildMetadataXml(parsed.root, sorted);
}
