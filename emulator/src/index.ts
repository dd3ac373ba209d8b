/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { EmulatorControl } from './control.js';
import { startServers } from './server.js';
import { OrgState, type CcFlagOffError, type OrgKind, type PreauthListSemantics } from './state.js';
import type { PermissionDependencyFormat } from './userPermissions.js';

/**
 * The org emulator (contract B): `startEmulator(options)` starts the My Domain and generic login listeners on
 * 127.0.0.1 with random free ports; `stop()` closes both. See emulator/README.md.
 */

export type EmulatorOptions = {
  /** Highest API version (default '66.0'). */
  maxApiVersion?: string;
  orgKind?: OrgKind;
  /** How long a newly created app's consumer key answers invalid_client_id (default 0). */
  propagationDelayMs?: number;
  /** checkDeployStatus answers InProgress this many times first (default 1). */
  deployInProgressPolls?: number;
  /** Per-request latency (default 0). */
  latencyMs?: number;
  /** Token error when a client credentials flag is off (default 'invalid_grant'; sources disagree). */
  ccFlagOffError?: CcFlagOffError;
  /** Multi-currency org with this corporate currency, e.g. 'EUR' (default null: single currency). */
  multiCurrency?: string | null;
  /** How Tooling PermissionDependency names permissions (default 'apiName'; 'label'; 'none' = no rows). */
  permissionDependencyFormat?: PermissionDependencyFormat;
  /** Sandbox name suffixed to usernames when orgKind is 'sandbox' (default 'uat2'). */
  sandboxName?: string;
  /** A profile in commaSeparatedProfile authorizes the client credentials Run As user (default false). */
  preauthProfileHonoured?: boolean;
  /** Pre-authorization lists on deploy: 'additive' (default; already-granted names fail) or 'replace'. */
  preauthListSemantics?: PreauthListSemantics;
  /** A global OAuth settings deploy replaces the settings, clearing a certificate the file lacks (default true). */
  declarativeGlobalOauth?: boolean;
  /** Whether a staged pair gets tokens before it is promoted (default false; [U], oauth section 8.4). */
  stagedPairWorksBeforePromotion?: boolean;
  /** Salesforce Support enabled connected app creation for this org (default false: Spring '26 restriction). */
  allowConnectedAppCreation?: boolean;
  /** Fixed ports (default 0 = random free port). */
  port?: number;
  loginPort?: number;
};

export type EmulatorAdmin = { username: string; userId: string; accessToken: string };

export type Emulator = {
  instanceUrl: string;
  loginUrl: string;
  orgId: string;
  admin: EmulatorAdmin;
  state: OrgState;
  control: EmulatorControl;
  stop: () => Promise<void>;
};

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = new OrgState({
    maxApiVersion: options.maxApiVersion,
    orgKind: options.orgKind,
    propagationDelayMs: options.propagationDelayMs,
    deployInProgressPolls: options.deployInProgressPolls,
    latencyMs: options.latencyMs,
    ccFlagOffError: options.ccFlagOffError,
    multiCurrency: options.multiCurrency,
    permissionDependencyFormat: options.permissionDependencyFormat,
    sandboxName: options.sandboxName,
    preauthProfileHonoured: options.preauthProfileHonoured,
    preauthListSemantics: options.preauthListSemantics,
    declarativeGlobalOauth: options.declarativeGlobalOauth,
    stagedPairWorksBeforePromotion: options.stagedPairWorksBeforePromotion,
    allowConnectedAppCreation: options.allowConnectedAppCreation,
  });
  const control = new EmulatorControl(state);
  const servers = await startServers(state, control, { port: options.port, loginPort: options.loginPort });
  const adminUser = state.admin;
  const session = state.createSession(adminUser.Id, { expiresAt: Number.MAX_SAFE_INTEGER });
  let stopped = false;
  return {
    instanceUrl: servers.instanceUrl,
    loginUrl: servers.loginUrl,
    orgId: state.org.Id,
    admin: { username: adminUser.Username, userId: adminUser.Id, accessToken: session.token },
    state,
    control,
    stop: async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      await servers.close();
    },
  };
}

export { OrgState } from './state.js';
export { EmulatorControl } from './control.js';
export type { OrgKind, CcFlagOffError, PreauthListSemantics } from './state.js';
export type { PermissionDependencyFormat } from './userPermissions.js';
