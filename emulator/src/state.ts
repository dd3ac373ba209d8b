/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { randomBytes } from 'node:crypto';
import { ID_PREFIX, IdFactory, newOrgId, randomBase62, to15 } from './ids.js';
import { DEFAULT_PERMISSION_DEPENDENCIES, PERMISSION_LABELS, type PermissionDependencyFormat } from './userPermissions.js';

/**
 * The state of one emulated org: users, profiles, permission sets, settings, deployed metadata components, OAuth
 * credentials per app, sessions and faults. One instance per emulator; nothing is global. The REST, OAuth, SOAP
 * metadata and control modules all read and write it through the methods below.
 */

export type OrgKind = 'production' | 'sandbox' | 'scratch' | 'developer';

/** What the OAuth token endpoint answers when a client credentials flag is off (sources disagree; [U]). */
export type CcFlagOffError = 'invalid_grant' | 'unsupported_grant_type' | 'unauthorized_client';

/** How an org treats the OAuth policy's pre-authorization lists on deploy (eca-metadata.md section 5 [T]). */
export type PreauthListSemantics = 'additive' | 'replace';

export type EmulatorConfig = {
  /** Highest API version the org speaks, e.g. '66.0'. */
  maxApiVersion: string;
  orgKind: OrgKind;
  /** How long a newly created app's consumer key answers invalid_client_id. */
  propagationDelayMs: number;
  /** checkDeployStatus answers InProgress this many times before finishing. */
  deployInProgressPolls: number;
  /** Delay added to every request. */
  latencyMs: number;
  /** Error for a client credentials flag that is off (oauth-client-credentials.md section 3, sources disagree). */
  ccFlagOffError: CcFlagOffError;
  /** Multi-currency org with this corporate currency (User.CurrencyIsoCode required on insert); null = single currency. */
  multiCurrency: string | null;
  /** How Tooling PermissionDependency names permissions: API names, labels, or no rows at all ([U]). */
  permissionDependencyFormat: PermissionDependencyFormat;
  /** Sandbox name appended to the usernames of a sandbox (`orgKind: 'sandbox'`): `admin@x.com.uat2`. */
  sandboxName: string;
  /** Whether a profile in commaSeparatedProfile authorizes the client credentials Run As user (one report: no [T]). */
  preauthProfileHonoured: boolean;
  /** additive: a deploy adds names and refuses ones already granted [T]; replace: the deployed list is the list. */
  preauthListSemantics: PreauthListSemantics;
  /** A global OAuth settings deploy replaces the settings as a whole (a file without certificate clears it) [T]. */
  declarativeGlobalOauth: boolean;
  /**
   * Whether a staged (not yet promoted) key/secret pair gets tokens (oauth-client-credentials.md section 8.4: [U]).
   * false: the token endpoint doesn't know the staged key (invalid_client_id) until it is promoted.
   */
  stagedPairWorksBeforePromotion: boolean;
  /** Connected apps may be created (Salesforce Support's exception to the Spring '26 restriction, eca section 9). */
  allowConnectedAppCreation: boolean;
};

export const DEFAULT_CONFIG: EmulatorConfig = {
  maxApiVersion: '66.0',
  orgKind: 'production',
  propagationDelayMs: 0,
  deployInProgressPolls: 1,
  latencyMs: 0,
  ccFlagOffError: 'invalid_grant',
  multiCurrency: null,
  permissionDependencyFormat: 'apiName',
  sandboxName: 'uat2',
  preauthProfileHonoured: false,
  preauthListSemantics: 'additive',
  declarativeGlobalOauth: true,
  stagedPairWorksBeforePromotion: false,
  allowConnectedAppCreation: false,
};

/** A permission set license (PermissionSetLicense) and its seats. */
export type PermissionSetLicenseRecord = { Id: string; DeveloperName: string; MasterLabel: string; TotalLicenses: number };

export type PermissionSetLicenseAssignRecord = { Id: string; AssigneeId: string; PermissionSetLicenseId: string };

/** The permission set license that lets Integration-license users get permission sets (oauth section 6). */
export const INTEGRATION_PSL = 'SalesforceAPIIntegrationPsl';

export type OrgInfo = {
  Id: string;
  Name: string;
  kind: OrgKind;
  InstanceName: string;
  OrganizationType: string;
  NamespacePrefix: string | null;
  IsSandbox: boolean;
  TrialExpirationDate: string | null;
};

export type UserLicense = { Id: string; Name: string; LicenseDefinitionKey: string };

export type IpRange = { startAddress: string; endAddress: string; description?: string };

export type ProfileRecord = {
  Id: string;
  Name: string;
  UserLicenseId: string;
  /** Standard profiles are not custom. */
  custom: boolean;
  description?: string;
  /** User permissions by API name (ApiEnabled, ApiUserOnly, ViewAllData, ModifyAllData, ...). Missing = false. */
  permissions: Record<string, boolean>;
  loginIpRanges: IpRange[];
  CreatedDate: string;
  LastModifiedDate: string;
};

export type UserRecord = {
  Id: string;
  Username: string;
  LastName: string;
  FirstName: string | null;
  Email: string;
  Alias: string;
  CommunityNickname: string;
  ProfileId: string;
  IsActive: boolean;
  TimeZoneSidKey: string;
  LocaleSidKey: string;
  EmailEncodingKey: string;
  LanguageLocaleKey: string;
  UserType: string;
  /** Permissions granted to this user directly by the control API (in a real org they come from a permission set). */
  grantedPermissions: string[];
  /** Only in multi-currency orgs. */
  CurrencyIsoCode?: string | null;
  CreatedDate: string;
  LastModifiedDate: string;
};

export type PermissionSetRecord = {
  Id: string;
  Name: string;
  Label: string;
  /** License name the permission set is tied to, or null. */
  LicenseName: string | null;
  permissions: Record<string, boolean>;
  /** Objects this permission set can read (object permissions; the emulator models Read only). */
  objectPermissions: string[];
  IsOwnedByProfile: boolean;
  CreatedDate: string;
};

export type PermissionSetAssignmentRecord = {
  Id: string;
  AssigneeId: string;
  PermissionSetId: string;
  SystemModstamp: string;
};

/** Parsed XML children, values as strings (no coercion), repeated elements as arrays. */
export type MetadataValue = string | MetadataFields | MetadataValue[];
export type MetadataFields = { [element: string]: MetadataValue };

export type StoredComponent = {
  type: string;
  fullName: string;
  id: string;
  fields: MetadataFields;
  createdDate: string;
  lastModifiedDate: string;
  createdById: string;
  lastModifiedById: string;
};

/** App Oauth Staged Credentials `state` (oauth-client-credentials.md section 8.1). */
export type StagedState = 'Active' | 'Rotated' | 'Expired';

export type StagedCredential = {
  id: string;
  consumerKey: string;
  consumerSecret: string;
  createdAt: number;
  /** 'Active' when staged; 'Rotated' for the previous primary pair after a promotion (section 8.3). */
  state: Exclude<StagedState, 'Expired'>;
  /** Epoch ms: staged and rotated credentials are valid 30 days unless deleted (section 8.1). */
  expiresAt: number;
};

/** "Staged credentials are valid for 30 days unless they're deleted before then." (oauth section 8.1 [D]) */
export const STAGED_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export type AppCredentials = {
  appName: string;
  /** The ExternalClientApplication id (0xI...). */
  appId: string;
  /** The OAuth consumer id (888...). */
  consumerId: string;
  consumerKey: string;
  consumerSecret: string;
  /** Epoch ms when the key was created (or last rotated): start of the propagation window. */
  createdAt: number;
  staged: StagedCredential[];
};

export type Session = {
  token: string;
  userId: string;
  createdAt: number;
  /** Epoch ms; a session past it is INVALID_SESSION_ID. */
  expiresAt: number;
  /** 'admin' for test logins, 'client_credentials' for tokens from the token endpoint. */
  kind: 'admin' | 'client_credentials';
  appName?: string;
  scopes: string[];
};

export type HttpFaultKind = 'http500' | 'drop' | 'hang' | 'expireSession';

export type HttpFault = {
  kind: HttpFaultKind;
  /** Matching requests to let through before the fault applies (default 0). */
  skip?: number;
  /** http500 only: the ErrorId in the UNKNOWN_EXCEPTION message (Salesforce's form: "1439237453-53165 (-1594178683)"). */
  errorId?: string;
  /** Matches when the collapsed request path contains this text (or equals it when it starts with '='). */
  path?: string;
  /** Matches a SOAP request whose body element is this method (deploy, checkDeployStatus, ...). */
  soapMethod?: string;
  /** Only requests with this HTTP method (POST /sobjects/User, not GET /sobjects/User/describe); default any. */
  method?: string;
  /** Remaining number of matching requests to hit. */
  remaining: number;
};

export type ComponentFailureFault = { type: string; fullName: string; problem: string };

export type Faults = {
  http: HttpFault[];
  /** Deploys started while true stay InProgress until cancelled (read by the metadata module as MetadataFaults). */
  deployStuckInProgress: boolean;
  /** Every deploy containing this type + fullName fails that component with this problem text. */
  componentFailures: ComponentFailureFault[];
  /** Latency (ms) added to every request on top of the configured latency. */
  extraLatencyMs: number;
  /** Consumer secrets the token endpoint refuses (invalid_client) although they are the app's: a refused rotation. */
  refusedSecrets: Set<string>;
  /** Apps whose newly staged secrets go into refusedSecrets. */
  refuseStagedSecretsOf: Set<string>;
};

export type RequestLogEntry = {
  method: string;
  path: string;
  soapMethod?: string;
  /** The SOQL of a query request (the decoded `q` parameter). */
  soql?: string;
  status: number;
  listener: 'instance' | 'login';
  time: string;
};

/** Org settings (ExternalClientAppSettings and friends), by field name. */
export type OrgSettings = Record<string, boolean>;

const ADMIN_PROFILE = 'System Administrator';
export const INTEGRATION_PROFILE = 'Minimum Access - API Only Integrations';

/** Session lifetime: two hours, the default org session timeout. */
export const SESSION_TTL_MS = 2 * 60 * 60 * 1000;

export type NewUser = Partial<Omit<UserRecord, 'Id' | 'CreatedDate' | 'LastModifiedDate'>> &
  Pick<UserRecord, 'Username' | 'LastName' | 'Email' | 'ProfileId'>;

export class OrgState {
  public readonly config: EmulatorConfig;
  public readonly org: OrgInfo;
  public readonly ids: IdFactory;
  public readonly licenses = new Map<string, UserLicense>();
  public readonly users = new Map<string, UserRecord>();
  public readonly profiles = new Map<string, ProfileRecord>();
  public readonly permissionSets = new Map<string, PermissionSetRecord>();
  public readonly assignments = new Map<string, PermissionSetAssignmentRecord>();
  public readonly settings: OrgSettings = {
    enableExternalClientApps: true,
    enableClientSecretInRestApiAccess: false,
    enableConsumerSecretApiAccess: false,
    enablePackageEcaOauthFromDevOrg: false,
  };
  /** Metadata components keyed by `${type}:${fullName}`. */
  public readonly components = new Map<string, StoredComponent>();
  /** Connected app consumer secrets by ConnectedApp fullName (never in component fields: not returned by the API). */
  public readonly connectedAppSecrets = new Map<string, string>();
  /** OAuth credentials keyed by app (ExternalClientApplication fullName). */
  public readonly credentials = new Map<string, AppCredentials>();
  public readonly sessions = new Map<string, Session>();
  /**
   * Active users allowed per license name (unlisted = unlimited); "five licenses included" (oauth section 6); a
   * Developer Edition has two Salesforce licenses [T].
   */
  public readonly licenseLimits: Record<string, number> = { 'Salesforce Integration': 5 };
  /** The user permissions this org has (describe of Profile/PermissionSet); others are unknown to it. */
  public readonly orgPermissions = new Set<string>(Object.keys(PERMISSION_LABELS));
  /** [permission, required permission] pairs, API names (Tooling PermissionDependency; deploy checks). */
  public permissionDependencies: Array<[string, string]> = DEFAULT_PERMISSION_DEPENDENCIES.map(([p, r]) => [p, r]);
  public readonly permissionSetLicenses = new Map<string, PermissionSetLicenseRecord>();
  public readonly permissionSetLicenseAssignments = new Map<string, PermissionSetLicenseAssignRecord>();
  /** Usernames taken in other orgs (Usernames are unique across all Salesforce orgs). */
  public readonly foreignUsernames = new Set<string>();
  /** Deploy and retrieve jobs, owned by the metadata module, keyed by their 0Af / 09S id. */
  public readonly asyncJobs = new Map<string, unknown>();
  public readonly faults: Faults = { http: [], deployStuckInProgress: false, componentFailures: [], extraLatencyMs: 0, refusedSecrets: new Set(), refuseStagedSecretsOf: new Set() };
  public readonly requestLog: RequestLogEntry[] = [];
  /** The admin user the tests log in as. */
  public adminUserId = '';
  /** Clock, replaceable in tests of time windows. */
  public now: () => number;

  public constructor(config: Partial<EmulatorConfig> = {}) {
    this.now = (): number => Date.now();
    this.config = { ...DEFAULT_CONFIG, ...stripUndefined(config) };
    const orgId = newOrgId();
    this.ids = new IdFactory(orgId.slice(3, 7));
    const kind = this.config.orgKind;
    this.org = {
      Id: orgId,
      Name: 'Emulated Org',
      kind,
      InstanceName: 'EMU1',
      OrganizationType: kind === 'developer' ? 'Developer Edition' : 'Enterprise Edition',
      NamespacePrefix: null,
      IsSandbox: kind === 'sandbox' || kind === 'scratch',
      // Scratch orgs are sandboxes with a trial expiration date (core determineOrg, org-wire-protocol.md section 2).
      TrialExpirationDate: kind === 'scratch' ? new Date(Date.now() + 7 * 86_400_000).toISOString() : null,
    };
    if (kind === 'developer') this.licenseLimits.Salesforce = 2;
    seedStandardOrg(this);
  }

  /** 15-character org id, as in the SOAP metadata URL. */
  public get orgId15(): string {
    return to15(this.org.Id);
  }

  public get admin(): UserRecord {
    const admin = this.users.get(this.adminUserId);
    if (!admin) throw new Error('emulator: admin user missing');
    return admin;
  }

  public isoNow(): string {
    return new Date(this.now()).toISOString();
  }

  public newId(prefix: string): string {
    return this.ids.next(prefix);
  }

  // ---- permission set licenses ----

  public permissionSetLicenseByName(developerName: string): PermissionSetLicenseRecord | undefined {
    return [...this.permissionSetLicenses.values()].find((l) => l.DeveloperName === developerName);
  }

  public permissionSetLicensesOf(userId: string): PermissionSetLicenseRecord[] {
    return [...this.permissionSetLicenseAssignments.values()]
      .filter((a) => a.AssigneeId === userId)
      .map((a) => this.permissionSetLicenses.get(a.PermissionSetLicenseId))
      .filter((l): l is PermissionSetLicenseRecord => l !== undefined);
  }

  /** Name of the user license of a user (through the profile). */
  public licenseNameOf(userId: string): string | undefined {
    const user = this.users.get(userId);
    const profile = user ? this.profiles.get(user.ProfileId) : undefined;
    return profile ? this.licenses.get(profile.UserLicenseId)?.Name : undefined;
  }

  // ---- licenses, profiles, permission sets ----

  public licenseByName(name: string): UserLicense | undefined {
    return [...this.licenses.values()].find((l) => l.Name === name);
  }

  public ensureLicense(name: string): UserLicense {
    const existing = this.licenseByName(name);
    if (existing) return existing;
    const license: UserLicense = { Id: this.newId(ID_PREFIX.UserLicense), Name: name, LicenseDefinitionKey: name };
    this.licenses.set(license.Id, license);
    return license;
  }

  public profileByName(name: string): ProfileRecord | undefined {
    const lower = name.toLowerCase();
    return [...this.profiles.values()].find((p) => p.Name.toLowerCase() === lower);
  }

  public addProfile(input: {
    Name: string;
    license: string;
    custom?: boolean;
    description?: string;
    permissions?: Record<string, boolean>;
    loginIpRanges?: IpRange[];
  }): ProfileRecord {
    const now = this.isoNow();
    const profile: ProfileRecord = {
      Id: this.newId(ID_PREFIX.Profile),
      Name: input.Name,
      UserLicenseId: this.ensureLicense(input.license).Id,
      custom: input.custom ?? true,
      description: input.description,
      permissions: { ...(input.permissions ?? {}) },
      loginIpRanges: [...(input.loginIpRanges ?? [])],
      CreatedDate: now,
      LastModifiedDate: now,
    };
    this.profiles.set(profile.Id, profile);
    return profile;
  }

  /**
   * Creates or updates the Profile record for a deployed Profile component, so REST queries see it. Deploys overlay
   * existing settings (eca-metadata.md section 8): permissions not mentioned are kept; a new profile starts from the
   * "Minimum Access - Salesforce" permissions. `fields` are the parsed XML children of <Profile>.
   */
  public upsertProfileFromMetadata(fullName: string, fields: MetadataFields): ProfileRecord {
    const existing = this.profileByName(fullName);
    const licenseName = typeof fields.userLicense === 'string' ? fields.userLicense : undefined;
    const profile =
      existing ??
      this.addProfile({
        Name: fullName,
        license: licenseName ?? 'Salesforce',
        custom: true,
        permissions: { ...(this.profileByName('Minimum Access - Salesforce')?.permissions ?? {}) },
      });
    if (licenseName && existing) profile.UserLicenseId = this.ensureLicense(licenseName).Id;
    if (typeof fields.description === 'string') profile.description = fields.description;
    if (typeof fields.custom === 'string') profile.custom = fields.custom === 'true';
    for (const perm of asArray(fields.userPermissions)) {
      if (typeof perm === 'object' && !Array.isArray(perm) && typeof perm.name === 'string') {
        profile.permissions[perm.name] = perm.enabled === 'true';
      }
    }
    const ranges = asArray(fields.loginIpRanges).filter(
      (r): r is MetadataFields => typeof r === 'object' && !Array.isArray(r)
    );
    if (ranges.length > 0) {
      profile.loginIpRanges = ranges.map((r) => ({
        startAddress: String(r.startAddress ?? ''),
        endAddress: String(r.endAddress ?? ''),
        ...(typeof r.description === 'string' ? { description: r.description } : {}),
      }));
    }
    profile.LastModifiedDate = this.isoNow();
    return profile;
  }

  public permissionSetByName(name: string): PermissionSetRecord | undefined {
    return [...this.permissionSets.values()].find((p) => p.Name === name);
  }

  public addPermissionSet(input: {
    Name: string;
    Label?: string;
    LicenseName?: string | null;
    permissions?: Record<string, boolean>;
    objectPermissions?: string[];
  }): PermissionSetRecord {
    const ps: PermissionSetRecord = {
      Id: this.newId(ID_PREFIX.PermissionSet),
      Name: input.Name,
      Label: input.Label ?? input.Name.replace(/_/g, ' '),
      LicenseName: input.LicenseName ?? null,
      permissions: { ...(input.permissions ?? {}) },
      objectPermissions: [...(input.objectPermissions ?? [])],
      IsOwnedByProfile: false,
      CreatedDate: this.isoNow(),
    };
    this.permissionSets.set(ps.Id, ps);
    return ps;
  }

  public findAssignment(userId: string, permissionSetId: string): PermissionSetAssignmentRecord | undefined {
    return [...this.assignments.values()].find((a) => a.AssigneeId === userId && a.PermissionSetId === permissionSetId);
  }

  /** Assigns a permission set (no validation: the REST layer checks duplicates). */
  public assignPermissionSet(userId: string, permissionSetId: string): PermissionSetAssignmentRecord {
    const a: PermissionSetAssignmentRecord = {
      Id: this.newId(ID_PREFIX.PermissionSetAssignment),
      AssigneeId: userId,
      PermissionSetId: permissionSetId,
      SystemModstamp: this.isoNow(),
    };
    this.assignments.set(a.Id, a);
    return a;
  }

  public permissionSetsOf(userId: string): PermissionSetRecord[] {
    return [...this.assignments.values()]
      .filter((a) => a.AssigneeId === userId)
      .map((a) => this.permissionSets.get(a.PermissionSetId))
      .filter((p): p is PermissionSetRecord => p !== undefined);
  }

  // ---- users ----

  public findUserByUsername(username: string): UserRecord | undefined {
    const lower = username.toLowerCase();
    return [...this.users.values()].find((u) => u.Username.toLowerCase() === lower);
  }

  /** Adds a user without validation (seeding; the REST layer validates inserts). */
  public addUser(input: NewUser): UserRecord {
    const now = this.isoNow();
    const alias = input.Alias ?? input.LastName.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 8);
    const user: UserRecord = {
      Id: this.newId(ID_PREFIX.User),
      FirstName: null,
      Alias: alias || 'user',
      CommunityNickname: input.CommunityNickname ?? input.Username.split('@')[0],
      IsActive: true,
      TimeZoneSidKey: 'America/Los_Angeles',
      LocaleSidKey: 'en_US',
      EmailEncodingKey: 'UTF-8',
      LanguageLocaleKey: 'en_US',
      UserType: 'Standard',
      grantedPermissions: [],
      ...stripUndefined(input),
      CreatedDate: now,
      LastModifiedDate: now,
    } as UserRecord;
    this.users.set(user.Id, user);
    return user;
  }

  /** Whether a username is taken here or (as simulated by the control API) in another org. */
  public isUsernameTaken(username: string): boolean {
    return this.findUserByUsername(username) !== undefined || this.foreignUsernames.has(username.toLowerCase());
  }

  /** Every permission the user holds: profile + assigned permission sets + direct grants. */
  public effectivePermissions(userId: string): Set<string> {
    const user = this.users.get(userId);
    const perms = new Set<string>();
    if (!user) return perms;
    const profile = this.profiles.get(user.ProfileId);
    const add = (map: Record<string, boolean>): void => {
      for (const [name, on] of Object.entries(map)) if (on) perms.add(name);
    };
    if (profile) add(profile.permissions);
    for (const ps of this.permissionSetsOf(userId)) add(ps.permissions);
    for (const p of user.grantedPermissions) perms.add(p);
    return perms;
  }

  public hasPermission(userId: string, permission: string): boolean {
    return this.effectivePermissions(userId).has(permission);
  }

  // ---- metadata components ----

  public getComponent(type: string, fullName: string): StoredComponent | undefined {
    return this.components.get(componentKey(type, fullName));
  }

  /**
   * Stores (creates or replaces) a component's fields. Keeps id and createdDate of an existing component. An
   * ExternalClientApplication gets a 0xI id, which is also its app id for credentials.
   */
  public putComponent(type: string, fullName: string, fields: MetadataFields, userId = this.adminUserId): StoredComponent {
    const key = componentKey(type, fullName);
    const existing = this.components.get(key);
    const now = this.isoNow();
    const component: StoredComponent = existing
      ? { ...existing, fields, lastModifiedDate: now, lastModifiedById: userId }
      : {
          type,
          fullName,
          id: this.newId(componentIdPrefix(type)),
          fields,
          createdDate: now,
          lastModifiedDate: now,
          createdById: userId,
          lastModifiedById: userId,
        };
    this.components.set(key, component);
    return component;
  }

  public deleteComponent(type: string, fullName: string): boolean {
    return this.components.delete(componentKey(type, fullName));
  }

  public listComponents(type?: string): StoredComponent[] {
    return [...this.components.values()].filter((c) => type === undefined || c.type === type);
  }

  /** Satellites of an app: components whose <externalClientApplication> is the app's fullName. */
  public componentsOfApp(appName: string, type?: string): StoredComponent[] {
    return this.listComponents(type).filter((c) => c.fields.externalClientApplication === appName);
  }

  /** The app's single component of a satellite type (the first, if several). */
  public satelliteOf(appName: string, type: string): StoredComponent | undefined {
    return this.componentsOfApp(appName, type)[0];
  }

  // ---- OAuth credentials ----

  /**
   * The consumer key and secret of an app, created on first call (the metadata module calls this when an app's global
   * OAuth settings are first deployed). Keys are made at runtime with an obvious `EMU` prefix: never real-looking.
   */
  public ensureAppCredentials(appName: string): AppCredentials {
    const existing = this.credentials.get(appName);
    if (existing) return existing;
    const header = this.getComponent('ExternalClientApplication', appName);
    const creds: AppCredentials = {
      appName,
      appId: header?.id ?? this.newId(ID_PREFIX.ExternalClientApplication),
      consumerId: this.newId(ID_PREFIX.OauthConsumer),
      consumerKey: newConsumerKey(),
      consumerSecret: newConsumerSecret(),
      createdAt: this.now(),
      staged: [],
    };
    this.credentials.set(appName, creds);
    return creds;
  }

  public credentialsByKey(consumerKey: string): AppCredentials | undefined {
    return [...this.credentials.values()].find((c) => c.consumerKey === consumerKey);
  }

  public credentialsByAppId(appId: string): AppCredentials | undefined {
    return [...this.credentials.values()].find((c) => c.appId === appId || to15(c.appId) === appId);
  }

  /** Rotates an app's primary credentials (to a staged pair, or a new one), restarting the propagation window. */
  public rotateCredentials(appName: string, staged?: StagedCredential): AppCredentials {
    const creds = this.ensureAppCredentials(appName);
    creds.consumerKey = staged?.consumerKey ?? newConsumerKey();
    creds.consumerSecret = staged?.consumerSecret ?? newConsumerSecret();
    creds.createdAt = this.now();
    return creds;
  }

  /** The staged entries of an app still within their 30 days (expired ones answer state Expired and never work). */
  public stagedState(staged: StagedCredential): StagedState {
    return staged.expiresAt <= this.now() ? 'Expired' : staged.state;
  }

  /**
   * The pair a token request's client id names: the primary pair, a `Rotated` previous pair until it is deleted or
   * expires (oauth section 8.3 [T]), or an `Active` staged pair when stagedPairWorksBeforePromotion is on ([U]).
   */
  public pairByKey(consumerKey: string): { creds: AppCredentials; secret: string; createdAt: number } | undefined {
    const primary = this.credentialsByKey(consumerKey);
    if (primary) return { creds: primary, secret: primary.consumerSecret, createdAt: primary.createdAt };
    for (const creds of this.credentials.values()) {
      const staged = creds.staged.find((s) => s.consumerKey === consumerKey);
      if (!staged) continue;
      const state = this.stagedState(staged);
      if (state === 'Rotated' || (state === 'Active' && this.config.stagedPairWorksBeforePromotion)) {
        // A rotated pair was live before the promotion: no new propagation window.
        return { creds, secret: staged.consumerSecret, createdAt: state === 'Rotated' ? 0 : staged.createdAt };
      }
    }
    return undefined;
  }

  // ---- sessions ----

  public createSession(userId: string, options: Partial<Omit<Session, 'token' | 'userId'>> = {}): Session {
    const now = this.now();
    const session: Session = {
      token: `${to15(this.org.Id)}!AQ${randomBase62(8)}.${randomBase62(96)}`,
      userId,
      createdAt: now,
      expiresAt: now + SESSION_TTL_MS,
      kind: 'admin',
      scopes: ['api', 'web', 'full'],
      ...stripUndefined(options),
    };
    this.sessions.set(session.token, session);
    return session;
  }

  /** The live session for a token, or undefined when unknown or expired. */
  public resolveSession(token: string | undefined): Session | undefined {
    if (!token) return undefined;
    const session = this.sessions.get(token);
    if (!session || session.expiresAt <= this.now()) return undefined;
    return session;
  }

  public expireSession(token: string): boolean {
    const session = this.sessions.get(token);
    if (!session) return false;
    session.expiresAt = 0;
    return true;
  }
}

export function componentKey(type: string, fullName: string): string {
  return `${type}:${fullName}`;
}

function componentIdPrefix(type: string): string {
  return (ID_PREFIX as Record<string, string>)[type] ?? '0Em';
}

export function asArray(value: MetadataValue | undefined): MetadataValue[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function newConsumerKey(): string {
  return 'EMU' + randomBase62(80);
}

function newConsumerSecret(): string {
  return 'EMU' + randomBytes(32).toString('hex').toUpperCase();
}

export function newStagedCredential(state: OrgState): StagedCredential {
  const now = state.now();
  return {
    id: state.newId(ID_PREFIX.StagedCredential),
    consumerKey: newConsumerKey(),
    consumerSecret: newConsumerSecret(),
    createdAt: now,
    state: 'Active',
    expiresAt: now + STAGED_TTL_MS,
  };
}

/**
 * The standard seed: four standard profiles (incl. the Integration-license API-only profile), the admin user, and a
 * few permission sets.
 */
function seedStandardOrg(state: OrgState): void {
  state.ensureLicense('Salesforce');
  state.ensureLicense('Salesforce Integration');
  const admin = state.addProfile({
    Name: ADMIN_PROFILE,
    license: 'Salesforce',
    custom: false,
    permissions: {
      ApiEnabled: true,
      ViewAllData: true,
      ModifyAllData: true,
      ManageUsers: true,
      ManageInternalUsers: true,
      CustomizeApplication: true,
      ViewSetup: true,
      AuthorApex: true,
      // ECA permissions of an admin [U]; ViewClientSecret is deliberately not included (grant it in tests).
      ExternalClientAppAdmin: true,
      ExternalClientAppViewer: true,
    },
  });
  state.addProfile({
    Name: 'Standard User',
    license: 'Salesforce',
    custom: false,
    permissions: { ApiEnabled: true },
  });
  state.addProfile({ Name: 'Minimum Access - Salesforce', license: 'Salesforce', custom: false, permissions: {} });
  state.addProfile({
    Name: INTEGRATION_PROFILE,
    license: 'Salesforce Integration',
    custom: false,
    permissions: { ApiEnabled: true, ApiUserOnly: true },
  });
  const domain = `${state.org.Id.slice(3, 7).toLowerCase()}.emulator.example.com`;
  const sandboxSuffix = state.config.orgKind === 'sandbox' ? `.${state.config.sandboxName}` : '';
  const psl: PermissionSetLicenseRecord = {
    Id: state.newId(ID_PREFIX.PermissionSetLicense),
    DeveloperName: INTEGRATION_PSL,
    MasterLabel: 'Salesforce API Integration',
    TotalLicenses: 5,
  };
  state.permissionSetLicenses.set(psl.Id, psl);
  const adminUser = state.addUser({
    // A sandbox copy appends the sandbox name to every username (oauth section 6).
    Username: `admin@${domain}${sandboxSuffix}`,
    FirstName: 'Admin',
    LastName: 'User',
    Email: `admin@${domain}`,
    Alias: 'admin',
    ProfileId: admin.Id,
  });
  // eslint-disable-next-line no-param-reassign
  state.adminUserId = adminUser.Id;
  state.addPermissionSet({
    Name: 'External_Client_App_Developer',
    Label: 'External Client App Developer',
    permissions: { ExternalClientAppDeveloper: true, ViewClientSecret: true },
  });
  state.addPermissionSet({
    Name: 'Api_Integration_Access',
    Label: 'API Integration Access',
    LicenseName: 'Salesforce Integration',
    permissions: { ApiEnabled: true },
  });
  state.addPermissionSet({ Name: 'Read_Only_Access', Label: 'Read Only Access', permissions: {} });
}
