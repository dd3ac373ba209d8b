/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Messages, SfError } from '@salesforce/core';
import {
  componentName,
  type EcaTypeName,
  type GeneratedTypeName,
  SATELLITE_TYPES,
  TYPES,
} from '../metadata/ecaTypes.js';
import { MetadataXmlError, parseMetadataXml, textOf, type XmlNode } from '../metadata/xml.js';
import { USER_DEFINITION_DEFAULTS } from '../metadata/userDefinition.js';
import { checkElements } from '../metadata/elementCheck.js';
import { isUsernameShaped, USERNAME_MAX } from '../metadata/username.js';
import { appNamesOf, type FoundFile, listMetadataFiles } from './metadataFiles.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

/**
 * Reads an app's generated (and possibly hand-edited) files from the SFDX project and checks them before anything is
 * sent to an org. The files are the source of truth (contract A): the header is found by file name, each satellite by
 * its <externalClientApplication> value, the Run As user by the OAuth policy, the user definition at
 * config/<App>.user-def.json, the profile by the user definition's profileName.
 */

/** One metadata source file of the app. */
export type LocalComponent = {
  type: GeneratedTypeName;
  /** fullName = file base name (what SDR deploys it as). */
  fullName: string;
  /** Absolute path. */
  filePath: string;
  fields: XmlNode;
  order: string[];
  /** Elements left out of the deployed copy: returned by orgs on retrieve, but newer than the deploy's API version. */
  dropped?: string[];
};

/** The integration user, as `generate` writes it (an `sf org create user` definition file). */
export type UserDefinition = {
  Username: string;
  LastName: string;
  FirstName?: string;
  Email: string;
  Alias: string;
  profileName: string;
  permsets: string[];
  LocaleSidKey: string;
  TimeZoneSidKey: string;
  LanguageLocaleKey: string;
  EmailEncodingKey: string;
};

export type AppFiles = {
  appName: string;
  projectRoot: string;
  header: LocalComponent;
  globalOauth: LocalComponent;
  oauthSettings: LocalComponent;
  oauthPolicy: LocalComponent;
  /** ExtlClntAppConfigurablePolicies: optional (the org defaults it). */
  appPolicy?: LocalComponent;
  /** The custom profile file named by the user definition, when it is in the project. */
  profile?: LocalComponent;
  /**
   * Permission set files of the project that the user definition assigns or the policy pre-authorizes (the
   * generated `<App>_Access` among them): deployed before they are assigned and before the policy names them.
   */
  permissionSets: LocalComponent[];
  /** Profile the Run As user must have (from the user definition), if known. */
  profileName?: string;
  userDef?: { path: string; definition: UserDefinition };
  /** The Run As username this deploy uses: --run-as-username, else the policy's clientCredentialsFlowUser. */
  runAsUsername: string;
  /** What the policy file says. */
  policyRunAsUsername?: string;
  /** Permission set API names the policy pre-authorizes (commaSeparatedPermissionSet). */
  policyPermissionSets: string[];
  /** Profile names the policy pre-authorizes (commaSeparatedProfile). */
  policyProfiles: string[];
  /** Non-blocking findings, already worded for the user. */
  warnings: string[];
};

export type ReadOptions = {
  /** Absolute path of the project root (folder of sfdx-project.json). */
  projectRoot: string;
  /** Absolute package directory paths. */
  packageDirs: string[];
  /** --name; when absent the project must hold exactly one app. */
  appName?: string;
  /** --run-as-username. */
  runAsUsername?: string;
  /** API version the deploy uses, to check elements against (e.g. "66.0"). */
  apiVersion: string;
};

/** A blocking problem in a file, worded with its fix. */
export type FileProblem = { file: string; line?: number; message: string };

type Parsed = { ok: true; component: LocalComponent } | { ok: false; problem: FileProblem };

async function parseFile(file: FoundFile, projectRoot: string): Promise<Parsed> {
  const shown = relative(projectRoot, file.path);
  const xml = await readFile(file.path, 'utf8');
  try {
    const parsed = parseMetadataXml(xml);
    if (parsed.root !== file.type) {
      return {
        ok: false,
        problem: { file: shown, message: messages.getMessage('problem.wrongRoot', [parsed.root, file.type]) },
      };
    }
    return {
      ok: true,
      component: { type: file.type, fullName: file.fullName, filePath: file.path, fields: parsed.fields, order: parsed.order },
    };
  } catch (e) {
    const line = e instanceof MetadataXmlError ? e.line : undefined;
    const reason = e instanceof Error ? e.message : String(e);
    return { ok: false, problem: { file: shown, line, message: messages.getMessage('problem.malformedXml', [reason]) } };
  }
}

/**
 * Reads and checks the app's files. Throws an SfError listing every blocking problem (file, line, fix) so the user
 * can fix them all at once; nothing has been sent to the org at that point.
 */
export async function readAppFiles(options: ReadOptions): Promise<AppFiles> {
  const { projectRoot } = options;
  checkRunAsFlag(options.runAsUsername);
  const files = await listMetadataFiles(options.packageDirs);
  const appName = chooseAppName(files, options.appName);
  const problems: FileProblem[] = [];
  const warnings: string[] = [];

  const headerFiles = files.filter((f) => f.type === 'ExternalClientApplication' && f.fullName === appName);
  if (headerFiles.length > 1) {
    throw messages.createError('error.DuplicateHeader', [appName, headerFiles.map((f) => relative(projectRoot, f.path)).join(', ')]);
  }
  const headerParsed = await parseFile(headerFiles[0], projectRoot);
  if (!headerParsed.ok) problems.push(headerParsed.problem);

  const satellites = await collectSatellites(files, appName, projectRoot, problems, warnings);
  const pick = (type: EcaTypeName, required: boolean): LocalComponent | undefined =>
    pickSatellite(satellites, type, required, appName, projectRoot, problems);
  const globalOauth = pick('ExtlClntAppGlobalOauthSettings', true);
  const oauthSettings = pick('ExtlClntAppOauthSettings', true);
  const oauthPolicy = pick('ExtlClntAppOauthConfigurablePolicies', true);
  const appPolicy = pick('ExtlClntAppConfigurablePolicies', false);

  const policyRunAsUsername = oauthPolicy ? textOf(oauthPolicy.fields, 'clientCredentialsFlowUser')?.trim() : undefined;
  const runAsUsername = options.runAsUsername ?? policyRunAsUsername ?? '';
  checkFlowSwitches({ oauthPolicy, globalOauth, runAsUsername, projectRoot, problems, warnings });

  const header = headerParsed.ok ? headerParsed.component : undefined;
  for (const component of [header, globalOauth, oauthSettings, oauthPolicy, appPolicy]) {
    if (component) checkComponentElements(component, options.apiVersion, projectRoot, problems, warnings);
  }

  const userDefPath = join(projectRoot, 'config', `${appName}.user-def.json`);
  const userDef = await readUserDef(userDefPath, projectRoot, problems);
  if (userDef && oauthPolicy && !options.runAsUsername) {
    checkUsernameMatch(userDef, policyRunAsUsername, oauthPolicy, projectRoot, problems);
  }
  if (!userDef) warnings.push(messages.getMessage('warning.noUserDef', [relative(projectRoot, userDefPath)]));

  const profileName = userDef?.definition.profileName;
  const { profile, permissionSets } = await readAccessFiles(files, { profileName, userDef, oauthPolicy }, options.apiVersion, {
    projectRoot,
    problems,
    warnings,
  });

  if (problems.length > 0 || !header || !globalOauth || !oauthSettings || !oauthPolicy) {
    throw filesError(appName, problems);
  }
  return {
    appName,
    projectRoot,
    header,
    globalOauth,
    oauthSettings,
    oauthPolicy,
    appPolicy,
    profile,
    permissionSets,
    profileName,
    userDef,
    runAsUsername,
    policyRunAsUsername,
    policyPermissionSets: splitList(textOf(oauthPolicy.fields, 'commaSeparatedPermissionSet')),
    policyProfiles: splitList(textOf(oauthPolicy.fields, 'commaSeparatedProfile')),
    warnings,
  };
}

/** A Run As username given on the command line is checked before anything else (and before any org request). */
export function checkRunAsFlag(runAsUsername: string | undefined): void {
  if (runAsUsername !== undefined && !isUsernameShaped(runAsUsername)) {
    throw messages.createError('error.InvalidRunAsUsername', [runAsUsername, USERNAME_MAX]);
  }
}

/** The user definition must create the user the policy names (unless --run-as-username chooses it). */
function checkUsernameMatch(
  userDef: { path: string; definition: UserDefinition },
  policyRunAsUsername: string | undefined,
  oauthPolicy: LocalComponent,
  projectRoot: string,
  problems: FileProblem[]
): void {
  // Usernames are case-insensitive in Salesforce.
  if (!policyRunAsUsername || userDef.definition.Username.toLowerCase() === policyRunAsUsername.toLowerCase()) return;
  problems.push({
    file: relative(projectRoot, userDef.path),
    message: messages.getMessage('problem.usernameMismatch', [
      userDef.definition.Username,
      policyRunAsUsername,
      relative(projectRoot, oauthPolicy.filePath),
    ]),
  });
}

type Satellites = {
  ours: Map<EcaTypeName, LocalComponent[]>;
  namingOther: Map<EcaTypeName, Array<{ component: LocalComponent; app: string }>>;
};

/** Parses every satellite file and keeps those whose <externalClientApplication> is this app (or whose name says so). */
async function collectSatellites(
  files: FoundFile[],
  appName: string,
  projectRoot: string,
  problems: FileProblem[],
  warnings: string[]
): Promise<Satellites> {
  const satelliteFiles = files.filter((f) => (SATELLITE_TYPES as readonly string[]).includes(f.type));
  const parsed = await Promise.all(satelliteFiles.map(async (f) => ({ file: f, result: await parseFile(f, projectRoot) })));
  const result: Satellites = { ours: new Map(), namingOther: new Map() };
  for (const { file, result: r } of parsed) {
    const type = file.type as EcaTypeName;
    if (!r.ok) {
      // A broken file may belong to any app; it blocks this deploy only when its name says it is this app's.
      if (looksLikeAppsFile(file.fullName, appName)) problems.push(r.problem);
      else warnings.push(messages.getMessage('warning.unreadableOtherFile', [r.problem.file]));
      continue;
    }
    const app = textOf(r.component.fields, 'externalClientApplication');
    if (app === appName) {
      result.ours.set(type, [...(result.ours.get(type) ?? []), r.component]);
    } else if (looksLikeAppsFile(file.fullName, appName)) {
      result.namingOther.set(type, [...(result.namingOther.get(type) ?? []), { component: r.component, app: app ?? '' }]);
    }
  }
  return result;
}

function pickSatellite(
  satellites: Satellites,
  type: EcaTypeName,
  required: boolean,
  appName: string,
  projectRoot: string,
  problems: FileProblem[]
): LocalComponent | undefined {
  const list = satellites.ours.get(type) ?? [];
  if (list.length > 1) {
    problems.push({
      file: list.map((c) => relative(projectRoot, c.filePath)).join(', '),
      message: messages.getMessage('problem.duplicateSatellite', [type, appName]),
    });
    return undefined;
  }
  if (list.length === 1) return list[0];
  const other = satellites.namingOther.get(type)?.[0];
  if (other) {
    problems.push({
      file: relative(projectRoot, other.component.filePath),
      message: other.app
        ? messages.getMessage('problem.satelliteNamesOtherApp', [other.app, appName, appName])
        : messages.getMessage('problem.satelliteWithoutApp', [appName]),
    });
    return undefined;
  }
  if (required) {
    problems.push({
      file: `${TYPES[type].folder}/${componentName(type, appName)}.${TYPES[type].suffix}-meta.xml`,
      message: messages.getMessage('problem.missingSatellite', [type, appName]),
    });
  }
  return undefined;
}

function checkFlowSwitches(input: {
  oauthPolicy?: LocalComponent;
  globalOauth?: LocalComponent;
  runAsUsername: string;
  projectRoot: string;
  problems: FileProblem[];
  warnings: string[];
}): void {
  const { oauthPolicy, globalOauth, projectRoot } = input;
  if (oauthPolicy && !input.runAsUsername) {
    input.problems.push({ file: relative(projectRoot, oauthPolicy.filePath), message: messages.getMessage('problem.runAsMissing') });
  }
  if (oauthPolicy && textOf(oauthPolicy.fields, 'isClientCredentialsFlowEnabled') !== 'true') {
    input.warnings.push(messages.getMessage('warning.flowOffInPolicy', [relative(projectRoot, oauthPolicy.filePath)]));
  }
  if (globalOauth && textOf(globalOauth.fields, 'isClientCredentialsFlowEnabled') !== 'true') {
    input.warnings.push(messages.getMessage('warning.flowOffInGlobal', [relative(projectRoot, globalOauth.filePath)]));
  }
}

/** Elements unknown to the type, newer than the deploy's API version, or org-specific. */
function checkComponentElements(
  component: LocalComponent,
  apiVersion: string,
  projectRoot: string,
  problems: FileProblem[],
  warnings: string[]
): void {
  const file = relative(projectRoot, component.filePath);
  for (const finding of checkElements(component.type, component.fields, component.order, apiVersion)) {
    if (finding.blocking) problems.push({ file, message: finding.message });
    else warnings.push(`${file}: ${finding.message}`);
    // eslint-disable-next-line no-param-reassign -- the component is being built here
    if (finding.drop) component.dropped = [...(component.dropped ?? []), finding.element];
  }
}

async function readProfile(
  files: FoundFile[],
  profileName: string,
  projectRoot: string,
  problems: FileProblem[]
): Promise<LocalComponent | undefined> {
  const profileFile = files.find((f) => f.type === 'Profile' && f.fullName === profileName);
  if (!profileFile) return undefined;
  const parsed = await parseFile(profileFile, projectRoot);
  if (parsed.ok) return parsed.component;
  problems.push(parsed.problem);
  return undefined;
}

/** The profile file named by the user definition and the permission set files the app uses, checked. */
async function readAccessFiles(
  files: FoundFile[],
  names: { profileName?: string; userDef?: { definition: UserDefinition }; oauthPolicy?: LocalComponent },
  apiVersion: string,
  out: { projectRoot: string; problems: FileProblem[]; warnings: string[] }
): Promise<{ profile?: LocalComponent; permissionSets: LocalComponent[] }> {
  const { projectRoot, problems, warnings } = out;
  const profile = names.profileName ? await readProfile(files, names.profileName, projectRoot, problems) : undefined;
  const permissionSets = await readPermissionSets(files, permissionSetNamesOf(names.userDef, names.oauthPolicy), projectRoot, problems);
  for (const c of [...(profile ? [profile] : []), ...permissionSets]) checkComponentElements(c, apiVersion, projectRoot, problems, warnings);
  return { profile, permissionSets };
}

/** The permission sets the user definition assigns and the policy pre-authorizes. */
function permissionSetNamesOf(
  userDef: { definition: UserDefinition } | undefined,
  oauthPolicy: LocalComponent | undefined
): Set<string> {
  const fromPolicy = oauthPolicy ? splitList(textOf(oauthPolicy.fields, 'commaSeparatedPermissionSet')) : [];
  return new Set([...(userDef?.definition.permsets ?? []), ...fromPolicy]);
}

async function readPermissionSets(
  files: FoundFile[],
  names: ReadonlySet<string>,
  projectRoot: string,
  problems: FileProblem[]
): Promise<LocalComponent[]> {
  const found = files.filter((f) => f.type === 'PermissionSet' && names.has(f.fullName));
  const parsed = await Promise.all(found.map((f) => parseFile(f, projectRoot)));
  const out: LocalComponent[] = [];
  for (const p of parsed) {
    if (p.ok) out.push(p.component);
    else problems.push(p.problem);
  }
  return out;
}

function chooseAppName(files: FoundFile[], requested: string | undefined): string {
  const names = appNamesOf(files);
  if (requested) {
    if (!names.includes(requested)) {
      throw messages.createError('error.AppNotFound', [requested, names.length ? names.join(', ') : '-'], [requested]);
    }
    return requested;
  }
  if (names.length === 1) return names[0];
  if (names.length === 0) throw messages.createError('error.NoAppInProject');
  throw messages.createError('error.NameRequired', [names.join(', ')]);
}

/** Files named like the app's own (e.g. My_App_oauthPlcy): a broken or foreign one is most likely an edit mistake. */
function looksLikeAppsFile(fullName: string, appName: string): boolean {
  return fullName === appName || fullName.startsWith(`${appName}_`);
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

const REQUIRED_USER_FIELDS = ['Username', 'LastName', 'Email', 'Alias', 'profileName'] as const;
const STRING_USER_FIELDS = [
  'Username',
  'LastName',
  'FirstName',
  'Email',
  'Alias',
  'profileName',
  'LocaleSidKey',
  'TimeZoneSidKey',
  'LanguageLocaleKey',
  'EmailEncodingKey',
] as const;

/** Reads and checks config/<App>.user-def.json; undefined when absent, problems added when malformed. */
export async function readUserDef(
  path: string,
  projectRoot: string,
  problems: FileProblem[]
): Promise<{ path: string; definition: UserDefinition } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const file = relative(projectRoot, path);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    problems.push({ file, message: messages.getMessage('problem.malformedJson', [e instanceof Error ? e.message : String(e)]) });
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({ file, message: messages.getMessage('problem.malformedJson', ['not a JSON object']) });
    return undefined;
  }
  const record = raw as Record<string, unknown>;
  const before = problems.length;
  for (const key of STRING_USER_FIELDS) {
    if (key in record && typeof record[key] !== 'string') {
      problems.push({ file, message: messages.getMessage('problem.userDefNotString', [key]) });
    }
  }
  const missing = REQUIRED_USER_FIELDS.filter((key) => {
    const value = record[key];
    return typeof value !== 'string' || !value.trim();
  });
  if (missing.length) problems.push({ file, message: messages.getMessage('problem.userDefMissing', [missing.join(', ')]) });
  const permsets = record.permsets ?? [];
  if (!Array.isArray(permsets) || permsets.some((p) => typeof p !== 'string')) {
    problems.push({ file, message: messages.getMessage('problem.userDefPermsets') });
  }
  if (problems.length > before) return undefined;
  const definition = {
    ...USER_DEFINITION_DEFAULTS,
    ...record,
    permsets: permsets as string[],
  } as UserDefinition;
  return { path, definition };
}

function filesError(appName: string, problems: FileProblem[]): SfError {
  const list = problems
    .map((p) => `- ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`)
    .join('\n');
  const error = messages.createError('error.InvalidProjectFiles', [appName, problems.length, list]);
  error.setData({ problems });
  return error;
}
