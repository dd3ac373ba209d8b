/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */

/**
 * The SOAP Metadata API of the org emulator: `POST /services/Soap/m/<version>` (after slash collapsing) is answered by
 * `handleMetadataSoap`. The server owns transport (latency, HTTP 500 and dropped-connection faults, request log);
 * this module owns the envelope, the session check (through `ctx.authenticate`) and the Metadata API calls.
 *
 * STUB: the signature is the contract with the emulator-core engineer; the body lands in the next commits.
 */

/** The user a session id belongs to. */
export type SessionUser = { userId: string; username: string; name: string };

/** Faults the control API sets; the server passes the same object on every call (read, never copied). */
export type MetadataFaults = {
  /** Deploys started while true stay InProgress until cancelled (cancelDeploy still works). */
  deployStuckInProgress?: boolean;
  /** Every deploy containing this type+fullName fails that component with this problem text. */
  componentFailures?: Array<{ type: string; fullName: string; problem: string }>;
};

export type MetadataSoapContext<State = unknown> = {
  /** The org state of this emulator instance (emulator/src/state.ts). */
  state: State;
  /** '68.0' from `/services/Soap/m/68.0`. */
  apiVersionFromPath: string;
  /** The emulator's newest API version (EmulatorOptions.maxApiVersion, default '66.0'). */
  maxApiVersion: string;
  /** checkDeployStatus answers InProgress this many times first (EmulatorOptions.deployInProgressPolls). */
  deployInProgressPolls: number;
  /** Clock (tests may pin it). */
  now: () => Date;
  /** Resolves the SessionHeader sessionId; undefined (unknown or expired) -> INVALID_SESSION_ID fault. */
  authenticate: (sessionId: string) => SessionUser | undefined;
  faults: MetadataFaults;
};

export type SoapResponse = { status: number; body: string; contentType: string };

export async function handleMetadataSoap<State>(body: string, ctx: MetadataSoapContext<State>): Promise<SoapResponse> {
  void body;
  void ctx;
  return Promise.resolve({
    status: 500,
    contentType: 'text/xml; charset=utf-8',
    body:
      '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
      '<soapenv:Body><soapenv:Fault><faultcode>sf:UNKNOWN_EXCEPTION</faultcode>' +
      '<faultstring>UNKNOWN_EXCEPTION: not implemented yet</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>',
  });
}
