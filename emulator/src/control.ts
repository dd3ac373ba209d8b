/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { json, type EmuRequest, type EmuResponse } from './http.js';
import { newStagedCredential } from './state.js';
import { type ConnectedAppSeed, type SeededCredentials, type SetupEcaSeed, seedConnectedApp, seedSetupEca } from './appSeeds.js';
import type {
  HttpFaultKind,
  IpRange,
  OrgState,
  PermissionSetRecord,
  ProfileRecord,
  RequestLogEntry,
  UserRecord,
} from './state.js';

/**
 * The control API for tests: seed data, settings, faults, request log. Every method takes one object argument and
 * returns JSON-able data, so the HTTP form is `POST /__emulator/<method>` with that object as JSON body.
 */

export class ControlError extends Error {}

export type AppCredentialsView = {
  appName: string;
  appId: string;
  consumerId: string;
  consumerKey: string;
  consumerSecret: string;
};

export class EmulatorControl {
  public constructor(private readonly state: OrgState) {}

  public seedUser(args: {
    Username: string;
    LastName: string;
    Email: string;
    profileName?: string;
    ProfileId?: string;
    FirstName?: string;
    Alias?: string;
    IsActive?: boolean;
    permissions?: string[];
    permissionSets?: string[];
  }): UserRecord {
    const profile = args.ProfileId
      ? this.state.profiles.get(args.ProfileId)
      : this.state.profileByName(args.profileName ?? 'Standard User');
    if (!profile) throw new ControlError(`no profile ${args.ProfileId ?? args.profileName ?? ''}`);
    if (this.state.findUserByUsername(args.Username)) throw new ControlError(`user ${args.Username} exists`);
    const user = this.state.addUser({
      Username: args.Username,
      LastName: args.LastName,
      Email: args.Email,
      ProfileId: profile.Id,
      FirstName: args.FirstName ?? null,
      Alias: args.Alias,
      IsActive: args.IsActive ?? true,
      grantedPermissions: [...(args.permissions ?? [])],
    });
    for (const name of args.permissionSets ?? []) this.assignPermissionSet({ username: user.Username, permissionSet: name });
    return user;
  }

  public seedProfile(args: {
    name: string;
    license?: string;
    permissions?: Record<string, boolean>;
    loginIpRanges?: IpRange[];
  }): ProfileRecord {
    if (this.state.profileByName(args.name)) throw new ControlError(`profile ${args.name} exists`);
    return this.state.addProfile({
      Name: args.name,
      license: args.license ?? 'Salesforce',
      permissions: args.permissions,
      loginIpRanges: args.loginIpRanges,
    });
  }

  public seedPermissionSet(args: {
    name: string;
    label?: string;
    license?: string;
    permissions?: Record<string, boolean>;
    objectPermissions?: string[];
  }): PermissionSetRecord {
    if (this.state.permissionSetByName(args.name)) throw new ControlError(`permission set ${args.name} exists`);
    return this.state.addPermissionSet({
      Name: args.name,
      Label: args.label,
      LicenseName: args.license ?? null,
      permissions: args.permissions,
      objectPermissions: args.objectPermissions,
    });
  }

  /** The org's permission dependencies ([permission, required] API names), replacing the defaults. */
  public setPermissionDependencies(args: { dependencies: Array<[string, string]> }): Array<[string, string]> {
    this.state.permissionDependencies = args.dependencies.map(([p, r]) => [p, r]);
    return this.state.permissionDependencies;
  }

  /** Adds or removes user permissions the org has (describe of Profile/PermissionSet; deploys of unknown ones fail). */
  public setOrgPermissions(args: { add?: string[]; remove?: string[] }): string[] {
    for (const p of args.add ?? []) this.state.orgPermissions.add(p);
    for (const p of args.remove ?? []) this.state.orgPermissions.delete(p);
    return [...this.state.orgPermissions].sort();
  }

  /** Seats of a permission set license (default: 5 for SalesforceAPIIntegrationPsl). */
  public setPermissionSetLicenseSeats(args: { developerName: string; seats: number }): { developerName: string; seats: number } {
    const psl = this.state.permissionSetLicenseByName(args.developerName);
    if (!psl) throw new ControlError(`no permission set license ${args.developerName}`);
    psl.TotalLicenses = args.seats;
    return { developerName: psl.DeveloperName, seats: psl.TotalLicenses };
  }

  public assignPermissionSet(args: { username: string; permissionSet: string }): { id: string } {
    const user = this.user(args.username);
    const ps = this.state.permissionSetByName(args.permissionSet);
    if (!ps) throw new ControlError(`no permission set ${args.permissionSet}`);
    const existing = this.state.findAssignment(user.Id, ps.Id);
    return { id: (existing ?? this.state.assignPermissionSet(user.Id, ps.Id)).Id };
  }

  public setSetting(args: { name: string; value: boolean }): Record<string, boolean> {
    this.state.settings[args.name] = args.value;
    return { ...this.state.settings };
  }

  public grantPermission(args: { username: string; permission: string }): string[] {
    const user = this.user(args.username);
    if (!user.grantedPermissions.includes(args.permission)) user.grantedPermissions.push(args.permission);
    return [...this.state.effectivePermissions(user.Id)];
  }

  /**
   * Removes a permission granted directly (grantPermission / seedUser permissions). A permission that still comes
   * from the user's profile or an assigned permission set is an error naming that source.
   */
  public revokePermission(args: { username: string; permission: string }): string[] {
    const user = this.user(args.username);
    user.grantedPermissions = user.grantedPermissions.filter((p) => p !== args.permission);
    const profile = this.state.profiles.get(user.ProfileId);
    const sources = [
      ...(profile?.permissions[args.permission] ? [`profile ${profile.Name}`] : []),
      ...this.state
        .permissionSetsOf(user.Id)
        .filter((ps) => ps.permissions[args.permission])
        .map((ps) => `permission set ${ps.Name}`),
    ];
    if (sources.length > 0) throw new ControlError(`${args.permission} still comes from ${sources.join(', ')}`);
    return [...this.state.effectivePermissions(user.Id)];
  }

  public deactivateUser(args: { username: string }): UserRecord {
    const user = this.user(args.username);
    user.IsActive = false;
    return user;
  }

  public activateUser(args: { username: string }): UserRecord {
    const user = this.user(args.username);
    user.IsActive = true;
    return user;
  }

  /** Active users allowed with a license (null = unlimited); default: 5 for Salesforce Integration. */
  public setLicenseLimit(args: { license: string; limit: number | null }): Record<string, number> {
    if (args.limit === null) delete this.state.licenseLimits[args.license];
    else this.state.licenseLimits[args.license] = args.limit;
    return { ...this.state.licenseLimits };
  }

  public reserveUsername(args: { username: string }): { reserved: string } {
    this.state.foreignUsernames.add(args.username.toLowerCase());
    return { reserved: args.username };
  }

  public setProfileLoginIpRanges(args: { profile: string; ranges: IpRange[] }): ProfileRecord {
    const profile = this.state.profileByName(args.profile);
    if (!profile) throw new ControlError(`no profile ${args.profile}`);
    profile.loginIpRanges = [...args.ranges];
    return profile;
  }

  /** The app's consumer key and secret (tests only), or null when the app has none yet. */
  public getAppCredentials(args: { app: string }): AppCredentialsView | null {
    const creds = this.state.credentials.get(args.app);
    if (!creds) return null;
    const { appName, appId, consumerId, consumerKey, consumerSecret } = creds;
    return { appName, appId, consumerId, consumerKey, consumerSecret };
  }

  /** The app's staged and rotated pairs (keys and secrets: for tests only, like getAppCredentials). */
  public getStagedCredentials(args: { app: string }): Array<{ id: string; consumerKey: string; consumerSecret: string; state: string }> {
    const creds = this.state.credentials.get(args.app);
    if (!creds) throw new ControlError(`no credentials for ${args.app}`);
    return creds.staged.map((s) => ({ id: s.id, consumerKey: s.consumerKey, consumerSecret: s.consumerSecret, state: this.state.stagedState(s) }));
  }

  /**
   * Stages a new pair as POST .../staged would (for a test that simulates a rotation interrupted after staging), or
   * with `refuse` makes the token endpoint refuse the secret of the app's staged pair (before and after promotion).
   */
  public stageCredentials(args: { app: string }): { id: string } {
    const creds = this.state.credentials.get(args.app);
    if (!creds) throw new ControlError(`no credentials for ${args.app}`);
    if (creds.staged.length > 0) throw new ControlError(`${args.app} already has staged credentials`);
    const staged = newStagedCredential(this.state);
    creds.staged.push(staged);
    if (this.state.faults.refuseStagedSecretsOf.has(args.app)) this.state.faults.refusedSecrets.add(staged.consumerSecret);
    return { id: staged.id };
  }

  /** Every secret staged for the app from now on (or already) is refused by the token endpoint (invalid_client). */
  public refuseStagedSecrets(args: { app: string }): { refusing: boolean } {
    this.state.faults.refuseStagedSecretsOf.add(args.app);
    for (const s of this.state.credentials.get(args.app)?.staged ?? []) this.state.faults.refusedSecrets.add(s.consumerSecret);
    return { refusing: true };
  }

  /** An External Client App as Setup makes it (client credentials off, Setup-style names); its key and secret. */
  public seedSetupEca(args: SetupEcaSeed): SeededCredentials | null {
    if (this.state.getComponent('ExternalClientApplication', args.name)) throw new ControlError(`app ${args.name} exists`);
    return seedSetupEca(this.state, args);
  }

  /** A legacy connected app (seeding bypasses the Spring '26 creation restriction); its key and secret. */
  public seedConnectedApp(args: ConnectedAppSeed): SeededCredentials | null {
    if (this.state.getComponent('ConnectedApp', args.name)) throw new ControlError(`connected app ${args.name} exists`);
    return seedConnectedApp(this.state, args);
  }

  /** A connected app's stored fields and its secret (tests only), or null when there is no such app. */
  public getConnectedApp(args: { name: string }): { fields: Record<string, unknown>; consumerSecret?: string } | null {
    const app = this.state.getComponent('ConnectedApp', args.name);
    if (!app) return null;
    return { fields: app.fields, consumerSecret: this.state.connectedAppSecrets.get(args.name) };
  }

  public setComponentField(args: { type: string; fullName: string; field: string; value: string | null }): Record<string, unknown> {
    const component = this.state.getComponent(args.type, args.fullName);
    if (!component) throw new ControlError(`no ${args.type} ${args.fullName}`);
    if (args.value === null) delete component.fields[args.field];
    else component.fields[args.field] = args.value;
    return component.fields;
  }

  public setAppField(args: { app: string; type: string; field: string; value: string | null }): Record<string, unknown> {
    const component =
      args.type === 'ExternalClientApplication'
        ? this.state.getComponent(args.type, args.app)
        : this.state.satelliteOf(args.app, args.type);
    if (!component) throw new ControlError(`app ${args.app} has no ${args.type}`);
    return this.setComponentField({ type: component.type, fullName: component.fullName, field: args.field, value: args.value });
  }

  /** The switches for facts reported by one source [T] (emulator/README.md, "Real-org switches"). */
  public setOrgBehaviour(args: {
    preauthProfileHonoured?: boolean;
    preauthListSemantics?: 'additive' | 'replace';
    declarativeGlobalOauth?: boolean;
  }): { preauthProfileHonoured: boolean; preauthListSemantics: string; declarativeGlobalOauth: boolean } {
    const config = this.state.config;
    if (args.preauthListSemantics !== undefined && !['additive', 'replace'].includes(args.preauthListSemantics)) {
      throw new ControlError(`preauthListSemantics must be additive or replace, not ${String(args.preauthListSemantics)}`);
    }
    if (args.preauthProfileHonoured !== undefined) config.preauthProfileHonoured = args.preauthProfileHonoured;
    if (args.preauthListSemantics !== undefined) config.preauthListSemantics = args.preauthListSemantics;
    if (args.declarativeGlobalOauth !== undefined) config.declarativeGlobalOauth = args.declarativeGlobalOauth;
    return {
      preauthProfileHonoured: config.preauthProfileHonoured,
      preauthListSemantics: config.preauthListSemantics,
      declarativeGlobalOauth: config.declarativeGlobalOauth,
    };
  }

  public setPropagationDelay(args: { ms: number }): { propagationDelayMs: number } {
    this.state.config.propagationDelayMs = args.ms;
    return { propagationDelayMs: args.ms };
  }

  public setLatency(args: { ms: number }): { latencyMs: number } {
    this.state.faults.extraLatencyMs = args.ms;
    return { latencyMs: args.ms };
  }

  public failNext(args: {
    kind: HttpFaultKind;
    path?: string;
    soapMethod?: string;
    method?: string;
    times?: number;
    skip?: number;
    errorId?: string;
  }): { pending: number } {
    if (!['http500', 'drop', 'hang', 'expireSession'].includes(args.kind)) {
      throw new ControlError(`kind must be http500, drop, hang or expireSession, not ${String(args.kind)}`);
    }
    if (!args.path && !args.soapMethod) throw new ControlError('failNext needs path or soapMethod');
    this.state.faults.http.push({
      kind: args.kind,
      path: args.path,
      soapMethod: args.soapMethod,
      ...(args.method ? { method: args.method } : {}),
      remaining: args.times ?? 1,
      ...(args.errorId ? { errorId: args.errorId } : {}),
      ...(args.skip ? { skip: args.skip } : {}),
    });
    return { pending: this.state.faults.http.length };
  }

  public setDeployStuck(args: { stuck: boolean }): { stuck: boolean } {
    this.state.faults.deployStuckInProgress = args.stuck;
    return { stuck: args.stuck };
  }

  public injectComponentFailure(args: { type: string; fullName: string; problem: string }): { count: number } {
    this.state.faults.componentFailures.push({ type: args.type, fullName: args.fullName, problem: args.problem });
    return { count: this.state.faults.componentFailures.length };
  }

  public clearFaults(): { cleared: true } {
    const { faults } = this.state;
    faults.http.length = 0;
    faults.componentFailures.length = 0;
    faults.deployStuckInProgress = false;
    faults.extraLatencyMs = 0;
    faults.refusedSecrets.clear();
    faults.refuseStagedSecretsOf.clear();
    return { cleared: true };
  }

  public createSession(args: { username: string }): { accessToken: string; userId: string } {
    const user = this.user(args.username);
    return { accessToken: this.state.createSession(user.Id).token, userId: user.Id };
  }

  public expireSession(args: { token: string }): { expired: boolean } {
    return { expired: this.state.expireSession(args.token) };
  }

  /** A summary of the org for out-of-process users (no keys, secrets or tokens: use getAppCredentials). */
  public snapshot(): Record<string, unknown> {
    const { state } = this;
    return {
      org: state.org,
      settings: { ...state.settings },
      users: [...state.users.values()].map((u) => ({
        Id: u.Id,
        Username: u.Username,
        IsActive: u.IsActive,
        Profile: state.profiles.get(u.ProfileId)?.Name,
        PermissionSets: state.permissionSetsOf(u.Id).map((ps) => ps.Name),
      })),
      profiles: [...state.profiles.values()].map((p) => ({ Id: p.Id, Name: p.Name, License: state.licenses.get(p.UserLicenseId)?.Name })),
      permissionSets: [...state.permissionSets.values()].map((ps) => ({ Id: ps.Id, Name: ps.Name })),
      components: state.listComponents().map((c) => ({ type: c.type, fullName: c.fullName, id: c.id })),
      apps: [...state.credentials.values()].map((c) => ({ appName: c.appName, appId: c.appId, consumerId: c.consumerId })),
    };
  }

  public requestLog(): RequestLogEntry[] {
    return [...this.state.requestLog];
  }

  public clearRequestLog(): { cleared: true } {
    this.state.requestLog.length = 0;
    return { cleared: true };
  }

  private user(username: string): UserRecord {
    const user = this.state.findUserByUsername(username);
    if (!user) throw new ControlError(`no user ${username}`);
    return user;
  }
}

const METHODS = new Set(
  Object.getOwnPropertyNames(EmulatorControl.prototype).filter((m) => m !== 'constructor' && m !== 'user')
);

/** `POST|GET /__emulator/<method>`: the control API over HTTP (JSON in, `{result}` or `{error}` out). */
export function controlRoute(control: EmulatorControl, req: EmuRequest): EmuResponse {
  const method = req.path.slice('/__emulator/'.length);
  if (!METHODS.has(method)) return json(404, { error: `unknown control method ${method}` });
  let args: unknown = {};
  try {
    args = req.body.trim() ? (JSON.parse(req.body) as unknown) : {};
  } catch {
    return json(400, { error: 'body must be JSON' });
  }
  try {
    const fn = (control as unknown as Record<string, (a: unknown) => unknown>)[method];
    return json(200, { result: fn.call(control, args) ?? null });
  } catch (error) {
    if (error instanceof ControlError) return json(400, { error: error.message });
    throw error;
  }
}
