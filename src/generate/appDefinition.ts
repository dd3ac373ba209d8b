/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages } from '@salesforce/core';
import { apiMajor, KNOWN_MAX_API_VERSION } from '../metadata/ecaSchema.js';
import { USER_DEFINITION_DEFAULTS } from '../metadata/userDefinition.js';
import { accessPermissionSetName } from '../metadata/ecaTypes.js';
import {
  DESCRIPTION_MAX,
  IP_RELAXATION_VALUES,
  IpRelaxation,
  LABEL_MAX,
  PERMITTED_USERS_VALUES,
  PermittedUsers,
  REFRESH_TOKEN_POLICY_VALUES,
  RefreshTokenPolicy,
  RefreshTokenUnit,
  deriveAlias,
  resolveApiVersion,
  validateAlias,
  validateAppName,
  validateCallbackUrl,
  validateEmail,
  validateEnum,
  validateExistingProfileName,
  validateLocale,
  validateObjectName,
  validatePermissionSetName,
  validateProfileName,
  validateRefreshTokenValidity,
  validateScopes,
  validateSessionTimeout,
  validateText,
  validateTimeZone,
  validateUsername,
} from './appDefinitionRules.js';

/**
 * The validated description of one client credentials External Client App: everything `generate` renders files from.
 * `buildAppDefinition` turns raw input (flag values; undefined = not given) into a definition, applying defaults and the rules of
 * appDefinitionRules.ts, and rejects contradictory combinations.
 */

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.generate');

export const DEFAULT_CALLBACK_URL = 'https://login.salesforce.com/services/oauth2/success';
export const DEFAULT_SCOPES = ['Api'];
export const DEFAULT_USER_LICENSE = 'Salesforce';
export const DEFAULT_LOCALE = USER_DEFINITION_DEFAULTS.LocaleSidKey;
export const DEFAULT_TIME_ZONE = USER_DEFINITION_DEFAULTS.TimeZoneSidKey;
export const DEFAULT_LANGUAGE = USER_DEFINITION_DEFAULTS.LanguageLocaleKey;
export const DEFAULT_EMAIL_ENCODING = USER_DEFINITION_DEFAULTS.EmailEncodingKey;
export const DEFAULT_USER_LAST_NAME = 'Integration';

/** Salesforce User.LastName holds 80 characters, FirstName 40. */
const LAST_NAME_MAX = 80;
const FIRST_NAME_MAX = 40;

export type AppDefinitionInput = {
  name: string;
  label?: string;
  description?: string;
  contactEmail: string;
  runAsUsername: string;
  scopes?: string[];
  callbackUrl?: string;
  profileName?: string;
  existingProfile?: string;
  permissionSets?: string[];
  /** Generate the app's access permission set `<App>_Access` (default true). */
  accessPermissionSet?: boolean;
  apiVersion?: string;
  /** sourceApiVersion of sfdx-project.json, used when apiVersion is not given. */
  projectApiVersion?: string;
  pkce?: boolean;
  refreshTokenRotation?: boolean;
  jwtAccessTokens?: boolean;
  ipRelaxation?: string;
  sessionTimeout?: number;
  refreshTokenPolicy?: string;
  refreshTokenValidity?: string;
  permittedUsers?: string;
  apiOnlyUser?: boolean;
  viewAllData?: boolean;
  viewAllObjects?: string[];
  userLicense?: string;
  userLastName?: string;
  userFirstName?: string;
  userEmail?: string;
  userAlias?: string;
  userLocale?: string;
  userTimeZone?: string;
};

export type CustomProfileDefinition = {
  kind: 'custom';
  name: string;
  description: string;
  userLicense: string;
  apiOnlyUser: boolean;
  viewAllData: boolean;
  /** Object API names given read + view-all access. */
  viewAllObjects: string[];
};

export type ExistingProfileDefinition = { kind: 'existing'; name: string };

/**
 * The permission set generate writes for the app (`<App>_Access`): assigned to the Run As user and listed in the
 * policy's commaSeparatedPermissionSet, it pre-authorizes the user whether or not the org honours a profile there.
 */
export type AccessPermissionSetDefinition = {
  name: string;
  label: string;
  description: string;
  /**
   * User permissions (API names) and objects given read + view-all that the permission set grants: used for the
   * Salesforce Integration license, which refuses standard-object permissions on a profile
   * (eca-metadata.md section 8.2); empty otherwise (the custom profile carries them).
   */
  userPermissions: string[];
  viewAllObjects: string[];
};

export const INTEGRATION_LICENSE = 'Salesforce Integration';
/** The standard profile of the Salesforce Integration license (oauth-client-credentials.md section 6). */
export const INTEGRATION_PROFILE = 'Minimum Access - API Only Integrations';

/** commaSeparatedProfile exists from API 62.0 (metadata-fields-by-version.md section 4). */
export const PROFILE_PRE_AUTHORIZATION_MIN_API = 62;

export type AppDefinition = {
  /** "NN.0", 60.0 or higher. */
  apiVersion: string;
  app: { name: string; label: string; description: string; contactEmail: string };
  oauth: {
    callbackUrl: string;
    scopes: string[];
    pkceRequired: boolean;
    refreshTokenRotation: boolean;
    jwtAccessTokens: boolean;
  };
  policy: {
    runAsUsername: string;
    permittedUsers: PermittedUsers;
    ipRelaxation: IpRelaxation;
    sessionTimeoutMinutes?: number;
    refreshTokenPolicy: RefreshTokenPolicy;
    refreshTokenValidity?: { period: number; unit: RefreshTokenUnit };
    /** Profiles and permission sets pre-authorized (only with AdminApprovedPreAuthorized). */
    preAuthorizedProfiles: string[];
    preAuthorizedPermissionSets: string[];
  };
  profile: CustomProfileDefinition | ExistingProfileDefinition;
  /** The app's access permission set, unless turned off. */
  accessPermissionSet?: AccessPermissionSetDefinition;
  /** Permission sets assigned to the Run As user: the access permission set first, then --permission-sets. */
  permissionSets: string[];
  user: {
    username: string;
    lastName: string;
    firstName?: string;
    email: string;
    alias: string;
    locale: string;
    timeZone: string;
    language: string;
    emailEncoding: string;
  };
};

export type BuiltAppDefinition = { definition: AppDefinition; warnings: string[] };

const SPECIFIC_REFRESH_POLICIES: readonly RefreshTokenPolicy[] = ['SpecificInactivity', 'SpecificLifetime'];

/** Default label: the API name with underscores as spaces ("My_Integration" -> "My Integration"). */
export function defaultLabel(appName: string): string {
  return appName.replace(/_/g, ' ');
}

/** Default custom profile name: "<App> Integration". */
export function defaultProfileName(appName: string): string {
  return `${appName} Integration`;
}

function rejectContradictions(input: AppDefinitionInput): void {
  if (input.profileName !== undefined && input.existingProfile !== undefined) {
    throw messages.createError('error.ProfileNameAndExistingProfile');
  }
  if (input.existingProfile !== undefined) {
    const customOnly: Array<[string, unknown]> = [
      ['--api-only-user', input.apiOnlyUser],
      ['--view-all-data', input.viewAllData],
      ['--view-all-objects', input.viewAllObjects],
      ['--user-license', input.userLicense],
    ];
    const given = customOnly.filter(([, value]) => value !== undefined).map(([flag]) => flag);
    if (given.length > 0) throw messages.createError('error.ProfileOptionsWithExistingProfile', [given.join(', ')]);
  }
  if (input.jwtAccessTokens === true && input.sessionTimeout !== undefined) {
    throw messages.createError('error.SessionTimeoutWithJwt');
  }
}

function uniqueList(values: readonly string[] | undefined, validate: (v: string) => string): string[] {
  const out: string[] = [];
  for (const value of (values ?? []).map((v) => v.trim()).filter((v) => v.length > 0)) {
    const valid = validate(value);
    if (!out.includes(valid)) out.push(valid);
  }
  return out;
}

function buildRefreshToken(input: AppDefinitionInput): Pick<AppDefinition['policy'], 'refreshTokenPolicy' | 'refreshTokenValidity'> {
  const refreshTokenPolicy = validateEnum('--refresh-token-policy', input.refreshTokenPolicy ?? 'Zero', REFRESH_TOKEN_POLICY_VALUES);
  const specific = SPECIFIC_REFRESH_POLICIES.includes(refreshTokenPolicy);
  if (input.refreshTokenValidity !== undefined && !specific) {
    throw messages.createError('error.RefreshTokenValidityWithoutSpecificPolicy', [refreshTokenPolicy]);
  }
  if (specific && input.refreshTokenValidity === undefined) {
    throw messages.createError('error.RefreshTokenPolicyNeedsValidity', [refreshTokenPolicy]);
  }
  return {
    refreshTokenPolicy,
    refreshTokenValidity:
      input.refreshTokenValidity === undefined ? undefined : validateRefreshTokenValidity(input.refreshTokenValidity),
  };
}

function buildProfile(input: AppDefinitionInput, appName: string): AppDefinition['profile'] {
  if (input.existingProfile !== undefined) {
    return { kind: 'existing', name: validateExistingProfileName(input.existingProfile) };
  }
  const userLicense = validateText('--user-license', input.userLicense ?? DEFAULT_USER_LICENSE, LABEL_MAX);
  // The Integration license: its standard profile is already API-only, so no custom profile unless one is named.
  if (userLicense === INTEGRATION_LICENSE && input.profileName === undefined) {
    return { kind: 'existing', name: INTEGRATION_PROFILE };
  }
  const integration = userLicense === INTEGRATION_LICENSE;
  return {
    kind: 'custom',
    name: validateProfileName(input.profileName ?? defaultProfileName(appName)),
    description: messages.getMessage('default.profileDescription', [appName]),
    userLicense,
    apiOnlyUser: input.apiOnlyUser ?? false,
    // On the Integration license these go into the access permission set instead (buildAccessPermissionSet).
    viewAllData: integration ? false : input.viewAllData ?? true,
    viewAllObjects: integration ? [] : uniqueList(input.viewAllObjects, validateObjectName),
  };
}

/**
 * On the Salesforce Integration license the data permissions (View All Data, view-all objects) go into the access
 * permission set: the license refuses standard-object permissions on a profile ("The user license doesn't allow the
 * permission: Read Accounts"), and deploy assigns the permission set license SalesforceAPIIntegrationPsl first.
 */
function integrationPermissions(input: AppDefinitionInput): Pick<AccessPermissionSetDefinition, 'userPermissions' | 'viewAllObjects'> {
  if ((input.userLicense ?? DEFAULT_USER_LICENSE) !== INTEGRATION_LICENSE || input.existingProfile !== undefined) {
    return { userPermissions: [], viewAllObjects: [] };
  }
  return {
    userPermissions: input.viewAllData ?? true ? ['ViewAllData'] : [],
    viewAllObjects: uniqueList(input.viewAllObjects, validateObjectName),
  };
}

function buildUser(input: AppDefinitionInput, username: string, contactEmail: string): AppDefinition['user'] {
  return {
    username,
    lastName: validateText('--user-last-name', input.userLastName ?? DEFAULT_USER_LAST_NAME, LAST_NAME_MAX),
    firstName:
      input.userFirstName === undefined ? undefined : validateText('--user-first-name', input.userFirstName, FIRST_NAME_MAX),
    email: validateEmail('--user-email', input.userEmail ?? contactEmail),
    alias: validateAlias(input.userAlias ?? deriveAlias(username)),
    locale: validateLocale(input.userLocale ?? DEFAULT_LOCALE),
    // The default needs no check (a unit test keeps it valid); checking a zone costs ICU's time zone data, ~6 MB.
    timeZone: input.userTimeZone === undefined ? DEFAULT_TIME_ZONE : validateTimeZone(input.userTimeZone),
    language: DEFAULT_LANGUAGE,
    emailEncoding: DEFAULT_EMAIL_ENCODING,
  };
}

/**
 * The app's access permission set, unless turned off. A profile in commaSeparatedProfile is reported not to authorize
 * the client credentials Run As user [T]; the profile is listed where the version has the element (62.0+), but this
 * permission set carries the pre-authorization.
 */
function buildAccessPermissionSet(input: AppDefinitionInput, appName: string): AccessPermissionSetDefinition | undefined {
  const granted = integrationPermissions(input);
  if (input.accessPermissionSet === false) {
    if (granted.userPermissions.length > 0 || granted.viewAllObjects.length > 0) {
      throw messages.createError('error.IntegrationLicenseNeedsPermissionSet');
    }
    return undefined;
  }
  return {
    ...granted,
    name: accessPermissionSetName(appName),
    // From the API name, not --label: relabelling the app does not rewrite (and conflict on) this file.
    label: `${defaultLabel(appName)} Access`,
    description: messages.getMessage('default.permissionSetDescription', [appName]),
  };
}

/** Who is pre-authorized: the permission sets (the access permission set first), the profile only from 62.0. */
function buildPreAuthorization(
  input: AppDefinitionInput,
  apiVersion: string,
  profileName: string,
  accessPermissionSet: AccessPermissionSetDefinition | undefined,
  warnings: string[]
): Pick<AppDefinition['policy'], 'permittedUsers' | 'preAuthorizedProfiles' | 'preAuthorizedPermissionSets'> & {
  permissionSets: string[];
} {
  const permissionSets = uniqueList(
    [...(accessPermissionSet ? [accessPermissionSet.name] : []), ...(input.permissionSets ?? [])],
    validatePermissionSetName
  );
  const permittedUsers = validateEnum('--permitted-users', input.permittedUsers ?? 'AdminApprovedPreAuthorized', PERMITTED_USERS_VALUES);
  const preAuthorize = permittedUsers === 'AdminApprovedPreAuthorized';
  if (preAuthorize && permissionSets.length === 0) {
    warnings.push(messages.getMessage('warning.NoPermissionSetPreAuthorization', [apiVersion]));
  }
  const profileListed = preAuthorize && apiMajor(apiVersion) >= PROFILE_PRE_AUTHORIZATION_MIN_API;
  return {
    permissionSets,
    permittedUsers,
    preAuthorizedProfiles: profileListed ? [profileName] : [],
    preAuthorizedPermissionSets: preAuthorize ? permissionSets : [],
  };
}

/** Validates raw input and builds the definition; throws an SfError naming the first problem and its fix. */
export function buildAppDefinition(input: AppDefinitionInput): BuiltAppDefinition {
  const warnings: string[] = [];
  rejectContradictions(input);

  const name = validateAppName(input.name);
  const label = validateText('--label', input.label ?? defaultLabel(name), LABEL_MAX);
  const description = validateText(
    '--description',
    input.description ?? messages.getMessage('default.appDescription'),
    DESCRIPTION_MAX
  );
  const contactEmail = validateEmail('--contact-email', input.contactEmail);
  const runAsUsername = validateUsername('--run-as-username', input.runAsUsername);

  const apiVersion = resolveApiVersion(input.apiVersion, input.projectApiVersion);
  if (apiMajor(apiVersion) > KNOWN_MAX_API_VERSION) {
    warnings.push(messages.getMessage('warning.ApiVersionNewerThanKnown', [apiVersion, `${KNOWN_MAX_API_VERSION}.0`]));
  }
  if (input.projectApiVersion !== undefined && Number.parseFloat(input.projectApiVersion) < Number.parseFloat(apiVersion)) {
    warnings.push(messages.getMessage('warning.ApiVersionAboveProject', [apiVersion, input.projectApiVersion]));
  }

  const { scopes, warnings: scopeWarnings } = validateScopes(input.scopes ?? DEFAULT_SCOPES);
  warnings.push(...scopeWarnings);
  const callbackUrl = validateCallbackUrl(input.callbackUrl ?? DEFAULT_CALLBACK_URL);

  const jwtAccessTokens = input.jwtAccessTokens ?? false;
  if (jwtAccessTokens && apiMajor(apiVersion) < 61) {
    throw messages.createError('error.JwtNeedsApiVersion', [apiVersion]);
  }

  const accessPermissionSet = buildAccessPermissionSet(input, name);
  const profile = buildProfile(input, name);
  const access = buildPreAuthorization(input, apiVersion, profile.name, accessPermissionSet, warnings);

  const user = buildUser(input, runAsUsername, contactEmail);

  const definition: AppDefinition = {
    apiVersion,
    app: { name, label, description, contactEmail },
    oauth: {
      callbackUrl,
      scopes,
      pkceRequired: input.pkce ?? false,
      refreshTokenRotation: input.refreshTokenRotation ?? false,
      jwtAccessTokens,
    },
    policy: {
      runAsUsername,
      permittedUsers: access.permittedUsers,
      ipRelaxation: validateEnum('--ip-relaxation', input.ipRelaxation ?? 'Enforce', IP_RELAXATION_VALUES),
      sessionTimeoutMinutes:
        input.sessionTimeout === undefined ? undefined : validateSessionTimeout(input.sessionTimeout),
      ...buildRefreshToken(input),
      preAuthorizedProfiles: access.preAuthorizedProfiles,
      preAuthorizedPermissionSets: access.preAuthorizedPermissionSets,
    },
    profile,
    ...(accessPermissionSet ? { accessPermissionSet } : {}),
    permissionSets: access.permissionSets,
    user,
  };
  return { definition, warnings };
}
