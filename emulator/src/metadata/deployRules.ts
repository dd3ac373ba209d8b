/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { OrgState } from '../state.js';
import { childText, type XmlElement } from './componentXml.js';
import { ECA_SETTINGS_NAME } from './schema.js';
import { profileNameOf } from './store.js';
import { EXECUTION_USER_PROBLEM, type Problem } from './validate.js';
import { integrationLicenseObjects, permissionDependenciesMet, permissionsExistInOrg } from './permissionRules.js';
import { CONNECTED_APP_RULES } from './connectedAppRules.js';

/**
 * The deploy rules that need the org (eca-metadata.md section 11 and the sections cited per rule). Each rule adds
 * problems to the components of one deploy; a component with an Error problem fails.
 */

export type DeployCandidate = {
  type: string;
  fullName: string;
  /** Path in the zip. */
  fileName: string;
  /** File text; undefined when package.xml names a component the zip lacks. */
  xml?: string;
  /** Top-level elements of the file (empty when it could not be parsed). */
  elements: XmlElement[];
  problems: Problem[];
};

export type RuleOptions = { version: number; ignoreWarnings: boolean };
export type DeployRule = (state: OrgState, candidates: DeployCandidate[], options: RuleOptions) => void;

const APP = 'ExternalClientApplication';
const OAUTH_SETTINGS = 'ExtlClntAppOauthSettings';
const OAUTH_POLICY = 'ExtlClntAppOauthConfigurablePolicies';
const APP_POLICY = 'ExtlClntAppConfigurablePolicies';
const GLOBAL = 'ExtlClntAppGlobalOauthSettings';
const ECA_TYPES = new Set([APP, GLOBAL, OAUTH_SETTINGS, OAUTH_POLICY, APP_POLICY]);
const SATELLITES = new Set([GLOBAL, OAUTH_SETTINGS, OAUTH_POLICY, APP_POLICY]);
const SETTINGS = 'ExternalClientAppSettings';

const hasErrors = (c: DeployCandidate): boolean => c.problems.some((p) => p.problemType === 'Error');
const appOf = (c: DeployCandidate): string => childText(c.elements, 'externalClientApplication') ?? '';
const splitNames = (value: string): string[] =>
  value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');

function add(c: DeployCandidate, code: Problem['code'], problem: string, element?: string, problemType: Problem['problemType'] = 'Error'): void {
  const el = element ? c.elements.find((e) => e.name === element) : undefined;
  c.problems.push({
    code,
    problem,
    problemType,
    ...(element ? { element } : {}),
    ...(el && el.line > 0 ? { lineNumber: el.line, columnNumber: el.column } : {}),
  });
}

const parsed = (c: DeployCandidate): boolean => c.elements.length > 0;

/** Needs the org opt-in ExternalClientAppSettings.enableExternalClientApps (eca-metadata.md sections 2, 7) [D; text U]. */
const externalClientAppsEnabled: DeployRule = (state, candidates) => {
  const settings = candidates.find((c) => c.type === SETTINGS && !hasErrors(c));
  const inDeploy = settings ? childText(settings.elements, 'enableExternalClientApps') : undefined;
  if (inDeploy === undefined ? state.settings.enableExternalClientApps : inDeploy === 'true') return;
  for (const c of candidates.filter((x) => ECA_TYPES.has(x.type))) {
    add(c, 'ECA_DISABLED', "External client apps aren't enabled in this org. Turn on enableExternalClientApps in ExternalClientAppSettings.");
  }
};

/** Satellites link to their app through <externalClientApplication> (section 1); the app must exist [D; text U]. */
const satellitesNeedTheirApp: DeployRule = (state, candidates) => {
  const deployedApps = new Set(candidates.filter((c) => c.type === APP && !hasErrors(c)).map((c) => c.fullName));
  for (const c of candidates.filter((x) => SATELLITES.has(x.type) && parsed(x))) {
    const app = appOf(c);
    if (app === '' || deployedApps.has(app) || state.getComponent(APP, app)) continue;
    add(c, 'APP_NOT_FOUND', `In field: externalClientApplication - no ExternalClientApplication named ${app} found`, 'externalClientApplication');
  }
};

/**
 * An OAuth policy belongs to the app's OAuth settings record (the DUPLICATE_VALUE text names ExtlClntAppOauthSettingsId;
 * "to update an OAuth policies file, you must first deploy an external client app", section 11) [T; text U].
 */
const policyNeedsOauthSettings: DeployRule = (state, candidates) => {
  const withSettings = new Set(candidates.filter((c) => c.type === OAUTH_SETTINGS && !hasErrors(c)).map(appOf));
  for (const c of candidates.filter((x) => x.type === OAUTH_POLICY && parsed(x) && !hasErrors(x))) {
    const app = appOf(c);
    if (withSettings.has(app) || state.satelliteOf(app, OAUTH_SETTINGS)) continue;
    add(c, 'OAUTH_SETTINGS_NOT_FOUND', `In field: externalClientApplication - no ExtlClntAppOauthSettings found for ${app}`, 'externalClientApplication');
  }
};

/** The Run As user must be an existing, active username of this org (section 11) [T]. */
const runAsUserExists: DeployRule = (state, candidates) => {
  for (const c of candidates.filter((x) => x.type === OAUTH_POLICY && parsed(x))) {
    const username = childText(c.elements, 'clientCredentialsFlowUser') ?? '';
    if (username === '') continue;
    const user = state.findUserByUsername(username);
    if (!user?.IsActive) add(c, 'EXECUTION_USER_INVALID', EXECUTION_USER_PROBLEM, 'clientCredentialsFlowUser');
  }
};

/** commaSeparatedPermissionSet takes permission set API names that must exist, in the org or this deploy (sections 5, 11) [T]. */
const permissionSetsExist: DeployRule = (state, candidates) => {
  const deployed = new Set(candidates.filter((c) => c.type === 'PermissionSet' && !hasErrors(c)).map((c) => c.fullName));
  for (const c of candidates.filter((x) => x.type === OAUTH_POLICY && parsed(x))) {
    const missing = splitNames(childText(c.elements, 'commaSeparatedPermissionSet') ?? '').filter(
      (name) => !state.permissionSetByName(name) && !deployed.has(name)
    );
    if (missing.length > 0) {
      add(c, 'PERMISSION_SET_NOT_FOUND', `INVALID_FIELD: We couldn't find permission sets called ${missing.join(', ')}`, 'commaSeparatedPermissionSet');
    }
  }
};

/** commaSeparatedProfile takes profile names that must exist, in the org or in this deploy (section 5) [D; text U]. */
const profilesExist: DeployRule = (state, candidates) => {
  const deployed = new Set(candidates.filter((c) => c.type === 'Profile' && !hasErrors(c)).map((c) => profileNameOf(c.fullName).toLowerCase()));
  for (const c of candidates.filter((x) => x.type === OAUTH_POLICY && parsed(x))) {
    const missing = splitNames(childText(c.elements, 'commaSeparatedProfile') ?? '').filter(
      (name) => !state.profileByName(name) && !deployed.has(name.toLowerCase())
    );
    if (missing.length > 0) {
      add(c, 'PROFILE_NOT_FOUND', `INVALID_FIELD: We couldn't find profiles called ${missing.join(', ')}`, 'commaSeparatedProfile');
    }
  }
};

/**
 * Additive pre-authorization lists (switch preauthListSemantics, default 'additive'): redeploying a name the policy
 * already has fails. Profiles: "profile names are already taken" (We-Go README, eca-metadata.md section 5 [T]);
 * permission sets: the same wording by analogy [U].
 */
const preAuthorizationNotTaken: DeployRule = (state, candidates) => {
  if (state.config.preauthListSemantics !== 'additive') return;
  for (const c of candidates.filter((x) => x.type === OAUTH_POLICY && parsed(x))) {
    const existing = state.getComponent(OAUTH_POLICY, c.fullName)?.fields;
    if (!existing) continue;
    for (const [element, what] of [
      ['commaSeparatedProfile', 'profile'],
      ['commaSeparatedPermissionSet', 'permission set'],
    ] as const) {
      const granted = new Set(splitNames(typeof existing[element] === 'string' ? existing[element] : '').map((n) => n.toLowerCase()));
      const taken = splitNames(childText(c.elements, element) ?? '').filter((n) => granted.has(n.toLowerCase()));
      if (taken.length > 0) add(c, 'PREAUTH_NAME_TAKEN', `The ${what} names are already taken: ${taken.join(', ')}`, element);
    }
  }
};

/**
 * One component of `type` per app: a second name fails with DUPLICATE_VALUE naming the first (section 11: one OAuth
 * policy per OAuth settings record [T]; applied to ExtlClntAppConfigurablePolicies by analogy [U]).
 */
function onePerApp(type: string, keyField: string): DeployRule {
  return (state, candidates) => {
    const claimed = new Map<string, string>();
    for (const c of candidates.filter((x) => x.type === type && parsed(x))) {
      const app = appOf(c);
      const existing = state.componentsOfApp(app, type).find((other) => other.fullName !== c.fullName)?.fullName;
      const holder = existing ?? claimed.get(app);
      if (holder !== undefined && holder !== c.fullName) {
        add(c, 'DUPLICATE_VALUE', `DUPLICATE_VALUE: ${keyField} duplicates value on ${holder}`);
      } else if (!claimed.has(app)) {
        claimed.set(app, c.fullName);
      }
    }
  };
}

/**
 * Consumer key: a preset key is adopted for a new app [T, U]; an existing app's key cannot be replaced (rotate it
 * with shouldRotateConsumerKey) [U]. Rotation happens on every deploy and needs ignoreWarnings (section 3) [D; text U].
 */
const consumerKeyRules: DeployRule = (state, candidates, options) => {
  for (const c of candidates.filter((x) => x.type === GLOBAL && parsed(x))) {
    const creds = state.credentials.get(appOf(c));
    if (!creds) continue;
    const presetKey = childText(c.elements, 'consumerKey');
    if (presetKey && presetKey !== creds.consumerKey) {
      add(c, 'CONSUMER_KEY_CHANGED', "You can't change the consumer key of an existing external client app. Remove consumerKey from the file.", 'consumerKey');
    }
    for (const field of ['shouldRotateConsumerKey', 'shouldRotateConsumerSecret']) {
      if (childText(c.elements, field) === 'true' && !options.ignoreWarnings) {
        add(
          c,
          'CREDENTIAL_ROTATION',
          `${field} is true: the deploy rotates the app's credentials. Deploy with ignoreWarnings to continue.`,
          field,
          'Warning'
        );
      }
    }
  }
};

/**
 * A Profile's userLicense must be a license of the org (section 8) [D; text U], and an existing profile keeps its
 * license (a profile's license is fixed when it is created) [U].
 */
const profileLicenseExists: DeployRule = (state, candidates) => {
  for (const c of candidates.filter((x) => x.type === 'Profile' && parsed(x))) {
    const license = childText(c.elements, 'userLicense');
    if (!license) continue;
    const found = state.licenseByName(license);
    const existing = state.profileByName(profileNameOf(c.fullName));
    if (!found) {
      add(c, 'LICENSE_NOT_FOUND', `In field: userLicense - no UserLicense named ${license} found`, 'userLicense');
    } else if (existing && existing.UserLicenseId !== found.Id) {
      const current = state.licenses.get(existing.UserLicenseId)?.Name ?? existing.UserLicenseId;
      add(
        c,
        'LICENSE_CHANGED',
        `You can't change the user license of profile ${existing.Name} from ${current} to ${license}.`,
        'userLicense'
      );
    }
  }
};

/**
 * Org-generated links must point at this org's own records: `oauthLink` = `<OrgId>:<the app's OAuth consumer id>`,
 * `orgScopedExternalApp` = `<OrgId>:<the app's name>`. Values from another org are already rejected per file; a wrong
 * consumer or app here fails too ("deployment fails if there's an OAuth link field ... with incorrect information",
 * eca section 10) [D; text U].
 */
const generatedLinksMatch: DeployRule = (state, candidates) => {
  const orgPrefix = (value: string): boolean => value.split(':')[0].slice(0, 15) === state.org.Id.slice(0, 15);
  for (const c of candidates.filter((x) => parsed(x) && !hasErrors(x))) {
    const link = childText(c.elements, 'oauthLink');
    if (c.type === OAUTH_SETTINGS && link && orgPrefix(link)) {
      const creds = state.credentials.get(appOf(c));
      if (link.split(':')[1] !== creds?.consumerId) {
        add(c, 'ORG_GENERATED_FIELD', `oauthLink ${link} doesn't match the OAuth consumer of ${appOf(c)}. Remove oauthLink from the file; it's generated during deployment.`, 'oauthLink');
      }
    }
    const scoped = childText(c.elements, 'orgScopedExternalApp');
    if (c.type === APP && scoped && orgPrefix(scoped) && scoped.split(':')[1] !== c.fullName) {
      add(c, 'ORG_GENERATED_FIELD', `orgScopedExternalApp ${scoped} doesn't match ${c.fullName}. Remove orgScopedExternalApp from the file; it's generated during deployment.`, 'orgScopedExternalApp');
    }
  }
};

/** Settings components have one fixed name: ExternalClientAppSettings is `ExternalClientApp` [D; text U]. */
const settingsName: DeployRule = (state, candidates) => {
  for (const c of candidates.filter((x) => x.type === SETTINGS && x.fullName !== ECA_SETTINGS_NAME)) {
    add(c, 'INVALID_VALUE', `The ${SETTINGS} component must be named ${ECA_SETTINGS_NAME}, not ${c.fullName}.`);
  }
};

export const ORG_RULES: readonly DeployRule[] = [
  settingsName,
  generatedLinksMatch,
  externalClientAppsEnabled,
  profileLicenseExists,
  permissionsExistInOrg,
  integrationLicenseObjects,
  permissionDependenciesMet,
  satellitesNeedTheirApp,
  policyNeedsOauthSettings,
  runAsUserExists,
  permissionSetsExist,
  profilesExist,
  preAuthorizationNotTaken,
  onePerApp(OAUTH_POLICY, 'ExtlClntAppOauthSettingsId'),
  onePerApp(APP_POLICY, 'ExternalClientApplicationId'),
  consumerKeyRules,
  ...CONNECTED_APP_RULES,
];
