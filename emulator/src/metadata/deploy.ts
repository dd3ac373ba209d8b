/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { ID_PREFIX } from '../ids.js';
import type { OrgState } from '../state.js';
import { childText, isSyntaxError, parseComponentXml } from './componentXml.js';
import { applyComponent, APPLY_ORDER, existingFields, generateDefaultPolicies, newFields } from './deployApply.js';
import { ORG_RULES, type DeployCandidate } from './deployRules.js';
import { SCHEMAS, TYPE_FILES } from './schema.js';
import { metadataFileName } from './store.js';
import { isModelledType, unknownTypeProblem, validateComponent, type Problem } from './validate.js';
import { readZip } from './zip.js';

/**
 * The Metadata API deploy (org-wire-protocol.md section 3, eca-metadata.md section 11): an async job per deploy()
 * call; checkDeployStatus answers InProgress `deployInProgressPolls` times, then evaluates every rule and applies the
 * deploy all-or-nothing (rollbackOnError) or per component (deployApply.ts); deployResult.ts writes the answer.
 */

export type DeployOptions = {
  checkOnly: boolean;
  rollbackOnError: boolean;
  ignoreWarnings: boolean;
  singlePackage: boolean;
};

export type DeployMessage = {
  changed: boolean;
  columnNumber?: number;
  componentType: string;
  created: boolean;
  createdDate: string;
  deleted: boolean;
  fileName: string;
  fullName: string;
  id?: string;
  lineNumber?: number;
  problem?: string;
  problemType?: 'Error' | 'Warning';
  success: boolean;
};

export type DeployStatus = 'Queued' | 'InProgress' | 'Succeeded' | 'SucceededPartial' | 'Failed' | 'Canceled';

export type DeployJob = {
  kind: 'deploy';
  id: string;
  options: DeployOptions;
  /** Zip entries (paths as in the zip), or the reason the zip could not be read. */
  files: Map<string, string> | { error: string };
  /** API version of the SOAP endpoint the deploy came in on. */
  endpointVersion: string;
  createdBy: { userId: string; name: string };
  createdDate: string;
  pollsBeforeDone: number;
  stuck: boolean;
  status: DeployStatus;
  /** Set when the job is done. */
  result?: DeployOutcome;
  completedDate?: string;
  numberComponentsTotal: number;
};

export type DeployOutcome = {
  successes: DeployMessage[];
  failures: DeployMessage[];
  numberComponentsTotal: number;
  numberComponentsDeployed: number;
  status: DeployStatus;
  errorMessage?: string;
  errorStatusCode?: string;
};

export type DeployContext = {
  state: OrgState;
  maxApiVersion: string;
  now: () => Date;
  componentFailures: ReadonlyArray<{ type: string; fullName: string; problem: string }>;
};

type PackageManifest = { prefix: string; version?: string; types: Array<{ name: string; members: string[] }> };

const PACKAGE_XML = 'package.xml';

/** Where the package.xml is: at the root (singlePackage) or one folder down (`unpackaged/package.xml`). */
function findManifest(files: ReadonlyMap<string, string>): { prefix: string; xml: string } | undefined {
  if (files.has(PACKAGE_XML)) return { prefix: '', xml: files.get(PACKAGE_XML) as string };
  for (const [path, xml] of files) {
    const match = /^([^/]+\/)package\.xml$/.exec(path);
    if (match) return { prefix: match[1], xml };
  }
  return undefined;
}

function parseManifest(prefix: string, xml: string): PackageManifest | { error: string } {
  const parsed = parseComponentXml(xml);
  if (isSyntaxError(parsed)) return { error: `Error parsing file: ${parsed.message}` };
  if (parsed.root !== 'Package') return { error: 'package.xml: the root element must be Package' };
  const types = parsed.children
    .filter((el) => el.name === 'types')
    .map((el) => ({
      name: childText(el.children, 'name') ?? '',
      members: el.children.filter((child) => child.name === 'members').map((child) => child.text),
    }));
  return { prefix, version: childText(parsed.children, 'version'), types };
}

export async function createDeployJob(
  ctx: DeployContext,
  zipBase64: string,
  options: DeployOptions,
  endpointVersion: string,
  createdBy: { userId: string; name: string },
  pollsBeforeDone: number,
  stuck: boolean
): Promise<DeployJob> {
  let files: DeployJob['files'];
  try {
    files = await readZip(zipBase64);
  } catch (error) {
    files = { error: error instanceof Error ? error.message : String(error) };
  }
  const manifest = files instanceof Map ? findManifest(files) : undefined;
  const parsed = manifest ? parseManifest(manifest.prefix, manifest.xml) : undefined;
  const total = parsed && !('error' in parsed) ? parsed.types.reduce((n, t) => n + t.members.length, 0) : 0;
  return {
    kind: 'deploy',
    id: ctx.state.newId(ID_PREFIX.DeployRequest),
    options,
    files,
    endpointVersion,
    createdBy,
    createdDate: ctx.now().toISOString(),
    pollsBeforeDone,
    stuck,
    status: 'Queued',
    numberComponentsTotal: total,
  };
}

/** File names in a deploy zip are URL-encoded where the fullName has reserved characters (e.g. `%3A`). */
function safeDecode(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** The components the manifest names, each with its file (or the failure of a missing file / unknown type). */
function collectCandidates(
  files: ReadonlyMap<string, string>,
  manifest: PackageManifest,
  version: number
): { candidates: DeployCandidate[]; manifestFailures: string[] } {
  const candidates: DeployCandidate[] = [];
  const manifestFailures: string[] = [];
  for (const { name: type, members } of manifest.types) {
    if (!isModelledType(type) || version < SCHEMAS[type].minApi) {
      manifestFailures.push(unknownTypeProblem(type));
      continue;
    }
    const { folder, suffix } = TYPE_FILES[type];
    const inFolder = [...files.keys()]
      .filter((path) => path.startsWith(`${manifest.prefix}${folder}/`) && path.endsWith(`.${suffix}`))
      .map((path) => ({ path, fullName: safeDecode(path.slice(manifest.prefix.length + folder.length + 1, -suffix.length - 1)) }));
    const names = members.includes('*') ? inFolder.map((f) => f.fullName) : members;
    for (const fullName of names) {
      const file = inFolder.find((f) => f.fullName === fullName);
      const fileName = file ? file.path : `${manifest.prefix}${metadataFileName(type, fullName)}`;
      candidates.push({
        type,
        fullName,
        fileName,
        xml: file ? files.get(file.path) : undefined,
        problems: [],
        elements: [],
      });
    }
  }
  return { candidates, manifestFailures };
}

function problemOf(text: string, code: Problem['code']): Problem {
  return { code, problem: text, problemType: 'Error' };
}

/** Per-file checks: file present, validateComponent at the manifest version, injected failures. */
function checkFiles(ctx: DeployContext, candidates: DeployCandidate[], version: number): void {
  for (const c of candidates) {
    if (c.xml === undefined) {
      c.problems.push(
        problemOf(
          `An object '${c.fullName}' of type ${c.type} was named in package.xml, but was not found in zipped directory`,
          'FILE_NOT_FOUND'
        )
      );
      continue;
    }
    c.problems.push(...validateComponent(c.type, c.xml, version, { orgId: ctx.state.org.Id }));
    const parsed = parseComponentXml(c.xml);
    if (!isSyntaxError(parsed)) c.elements = parsed.children;
    for (const fault of ctx.componentFailures) {
      if (fault.type === c.type && fault.fullName === c.fullName) c.problems.push(problemOf(fault.problem, 'INJECTED_FAILURE'));
    }
  }
}

function isFailed(c: DeployCandidate, options: DeployOptions): boolean {
  return c.problems.some((p) => p.problemType === 'Error' || !options.ignoreWarnings);
}

function message(c: DeployCandidate, when: string, extra: Partial<DeployMessage>): DeployMessage {
  return {
    changed: false,
    componentType: c.type,
    created: false,
    createdDate: when,
    deleted: false,
    fileName: c.fileName,
    fullName: c.fullName,
    success: false,
    ...extra,
  };
}

function wholeDeployFailure(errorMessage: string, errorStatusCode: string, total: number): DeployOutcome {
  return { successes: [], failures: [], numberComponentsTotal: total, numberComponentsDeployed: 0, status: 'Failed', errorMessage, errorStatusCode };
}

function manifestFailure(problem: string, fileName: string, when: string): DeployMessage {
  return {
    changed: false,
    componentType: '',
    created: false,
    createdDate: when,
    deleted: false,
    fileName,
    fullName: PACKAGE_XML,
    problem,
    problemType: 'Error',
    success: false,
  };
}

type LoadedManifest = { manifest: PackageManifest; manifestFile: string } | { outcome: DeployOutcome };

function loadManifest(job: DeployJob, when: string): LoadedManifest {
  if (!(job.files instanceof Map)) {
    return { outcome: wholeDeployFailure(`The zip file is invalid: ${job.files.error}`, 'INVALID_ZIP', 0) };
  }
  const found = findManifest(job.files);
  if (!found) return { outcome: wholeDeployFailure('No package.xml found', 'INVALID_CROSS_REFERENCE_KEY', 0) };
  const manifestFile = found.prefix + PACKAGE_XML;
  const manifest = parseManifest(found.prefix, found.xml);
  if ('error' in manifest) {
    return {
      outcome: {
        ...wholeDeployFailure(manifest.error, 'INVALID_CROSS_REFERENCE_KEY', 0),
        failures: [manifestFailure(manifest.error, manifestFile, when)],
      },
    };
  }
  return { manifest, manifestFile };
}

function failureMessages(failed: DeployCandidate[], when: string): DeployMessage[] {
  return failed.flatMap((c) =>
    c.problems.map((p) =>
      message(c, when, {
        problem: p.problem,
        problemType: p.problemType,
        ...(p.lineNumber !== undefined ? { lineNumber: p.lineNumber, columnNumber: p.columnNumber ?? 1 } : {}),
      })
    )
  );
}

/** Success messages for the components that pass, applying them to the org when `apply`. */
function successMessages(
  state: OrgState,
  ok: DeployCandidate[],
  apply: boolean,
  context: { when: string; userId: string; version: number; manifestFile: string }
): DeployMessage[] {
  const { when, userId } = context;
  const successes: DeployMessage[] = [];
  const touchedApps = new Set<string>();
  const ordered = [...ok].sort((a, b) => APPLY_ORDER.indexOf(a.type) - APPLY_ORDER.indexOf(b.type));
  for (const c of ordered) {
    const fields = newFields(state, c);
    const existing = existingFields(state, c);
    const created = !existing;
    const changed =
      created || Object.entries(fields).some(([name, value]) => JSON.stringify(existing[name]) !== JSON.stringify(value)) ||
      (c.type !== 'ExternalClientAppSettings' && Object.keys(existing).length !== Object.keys(fields).length);
    if (apply) {
      applyComponent(state, c, fields, userId);
      touchedApps.add(c.type === 'ExternalClientApplication' ? c.fullName : String(fields.externalClientApplication ?? ''));
    }
    const id = state.getComponent(c.type, c.fullName)?.id;
    successes.push(message(c, when, { changed, created, success: true, ...(id ? { id } : {}) }));
  }
  if (apply) generateDefaultPolicies(state, [...touchedApps].filter(Boolean), context.version, userId);
  successes.push({
    changed: true,
    componentType: '',
    created: false,
    createdDate: when,
    deleted: false,
    fileName: context.manifestFile,
    fullName: PACKAGE_XML,
    success: true,
  });
  return successes;
}

/** Evaluates every rule and (unless check-only, or failing with rollbackOnError) applies the deploy. */
export function completeDeploy(ctx: DeployContext, job: DeployJob): DeployOutcome {
  const { state } = ctx;
  const { options } = job;
  const when = ctx.now().toISOString();
  const loaded = loadManifest(job, when);
  if ('outcome' in loaded) return loaded.outcome;
  const { manifest, manifestFile } = loaded;
  const files = job.files as Map<string, string>;
  const versionText = manifest.version ?? job.endpointVersion;
  const version = Number.parseFloat(versionText);
  const manifestProblems: string[] = [];
  if (!(version <= Number.parseFloat(ctx.maxApiVersion))) {
    manifestProblems.push(`Invalid API version ${versionText}: this org supports API versions up to ${ctx.maxApiVersion}`);
  }
  const { candidates, manifestFailures } = collectCandidates(files, manifest, version);
  manifestProblems.push(...manifestFailures);
  checkFiles(ctx, candidates, version);
  for (const rule of ORG_RULES) rule(state, candidates, { version, ignoreWarnings: options.ignoreWarnings });

  const failed = candidates.filter((c) => isFailed(c, options));
  const ok = candidates.filter((c) => !isFailed(c, options));
  const anyFailure = failed.length > 0 || manifestProblems.length > 0;
  const rolledBack = anyFailure && options.rollbackOnError;
  const apply = !options.checkOnly && !rolledBack && manifestProblems.length === 0;
  const failures = [
    ...manifestProblems.map((p) => manifestFailure(p, manifestFile, when)),
    ...failureMessages(failed, when),
  ];
  const successes =
    rolledBack || manifestProblems.length > 0
      ? []
      : successMessages(state, ok, apply, { when, userId: job.createdBy.userId, version, manifestFile });
  const deployed = apply || (options.checkOnly && !anyFailure) ? ok.length : 0;
  const status: DeployStatus = !anyFailure ? 'Succeeded' : apply && ok.length > 0 ? 'SucceededPartial' : 'Failed';
  return { successes, failures, numberComponentsTotal: candidates.length, numberComponentsDeployed: deployed, status };
}
