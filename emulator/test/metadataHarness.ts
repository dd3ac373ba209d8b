/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { DeployResult, FileProperties } from '@jsforce/jsforce-node/lib/api/metadata.js';
import { XMLParser } from 'fast-xml-parser';
import JSZip from 'jszip';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.js';
import { TYPE_FILES } from '../src/metadata/schema.js';
import type { OrgState } from '../src/state.js';
import { API_VERSION, connectionFor } from './helpers.js';

/**
 * Drives the emulator's SOAP Metadata API over HTTP with jsforce's metadata API (deploy + checkDeployStatus,
 * cancelDeploy, list, read, describe), the way SDR and the plugin call it. `call` posts a hand-built envelope for the
 * fault cases jsforce turns into exceptions.
 */

export type Component = { type: string; fullName: string; xml: string };

export type DeployOptionsInput = {
  version?: string;
  checkOnly?: boolean;
  rollbackOnError?: boolean;
  ignoreWarnings?: boolean;
  manifest?: string;
  /** Zip as a non-singlePackage deploy: everything under `unpackaged/`. */
  unpackaged?: boolean;
};

export function envelope(sessionId: string, method: string, inner: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
    ' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    '<soapenv:Header xmlns="http://soap.sforce.com/2006/04/metadata"><SessionHeader><sessionId>' +
    sessionId +
    '</sessionId></SessionHeader><CallOptions><client>sfdx toolbelt:</client></CallOptions></soapenv:Header>' +
    `<soapenv:Body xmlns="http://soap.sforce.com/2006/04/metadata"><${method}>${inner}</${method}></soapenv:Body></soapenv:Envelope>`
  );
}

export function packageXml(components: Component[], version: string): string {
  const byType = new Map<string, string[]>();
  for (const c of components) byType.set(c.type, [...(byType.get(c.type) ?? []), c.fullName]);
  const types = [...byType]
    .map(([name, members]) => `<types>${members.map((m) => `<members>${m}</members>`).join('')}<name>${name}</name></types>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><Package xmlns="http://soap.sforce.com/2006/04/metadata">${types}<version>${version}</version></Package>`;
}

/** A deploy zip in metadata format (singlePackage: no prefix), as SDR builds it. */
export async function deployZip(components: Component[], version: string, manifest?: string, prefix = ''): Promise<string> {
  const zip = new JSZip();
  zip.file(`${prefix}package.xml`, manifest ?? packageXml(components, version));
  for (const c of components) {
    const { folder, suffix } = TYPE_FILES[c.type] ?? { folder: 'unknown', suffix: 'unknown' };
    zip.file(`${prefix}${folder}/${c.fullName}.${suffix}`, c.xml);
  }
  return (await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })).toString('base64');
}

const faultParser = new XMLParser({ removeNSPrefix: true, parseTagValue: false });

export type RawResponse = { status: number; body: string };

/** The fault of a raw SOAP response, or undefined. */
export function faultOf(response: RawResponse): { faultcode: string; faultstring: string } | undefined {
  const doc = faultParser.parse(response.body) as { Envelope?: { Body?: { Fault?: { faultcode: string; faultstring: string } } } };
  return doc.Envelope?.Body?.Fault;
}

export class MetadataDriver {
  private constructor(public readonly emu: Emulator, public readonly conn: Connection) {}

  public get state(): OrgState {
    return this.emu.state;
  }

  public get token(): string {
    return this.emu.admin.accessToken;
  }

  public static async start(options: EmulatorOptions = {}): Promise<MetadataDriver> {
    const emu = await startEmulator({ deployInProgressPolls: 1, ...options });
    const conn = connectionFor(emu);
    conn.metadata.pollInterval = 5;
    return new MetadataDriver(emu, conn);
  }

  public async stop(): Promise<void> {
    await this.emu.stop();
  }

  /** Posts a hand-built envelope (org-wire-protocol.md section 3.2 shape) and returns the raw answer. */
  public async call(method: string, inner: string, apiVersion = API_VERSION, token = this.token): Promise<RawResponse> {
    const response = await fetch(`${this.emu.instanceUrl}/services/Soap/m/${apiVersion}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml', SOAPAction: '""' },
      body: envelope(token, method, inner),
    });
    return { status: response.status, body: await response.text() };
  }

  /** Starts a deploy (jsforce metadata.deploy) and returns its 0Af id. */
  public async startDeploy(components: Component[], options: DeployOptionsInput = {}): Promise<string> {
    const version = options.version ?? API_VERSION;
    const zip = await deployZip(components, version, options.manifest, options.unpackaged ? 'unpackaged/' : '');
    const started = await this.conn.metadata.deploy(zip, {
      rollbackOnError: options.rollbackOnError ?? true,
      ignoreWarnings: options.ignoreWarnings ?? false,
      checkOnly: options.checkOnly ?? false,
      singlePackage: !options.unpackaged,
    });
    return started.id;
  }

  public async status(id: string): Promise<DeployResult> {
    return this.conn.metadata.checkDeployStatus(id, true);
  }

  /** Deploys and polls (jsforce complete) until done; returns the final DeployResult. */
  public async deploy(components: Component[], options: DeployOptionsInput = {}): Promise<DeployResult> {
    const id = await this.startDeploy(components, options);
    let result = await this.status(id);
    for (let i = 0; i < 20 && !result.done; i++) {
      // eslint-disable-next-line no-await-in-loop
      result = await this.status(id);
    }
    return result;
  }

  public async list(types: string[], version = API_VERSION): Promise<FileProperties[]> {
    return this.conn.metadata.list(
      types.map((type) => ({ type })),
      version
    );
  }

  /** readMetadata through jsforce's untyped signature (its 3.12 schema lacks the ECA types, wire section 4). */
  public async read(type: string, fullNames: string[], conn = this.conn): Promise<Array<Record<string, unknown>>> {
    const read = conn.metadata.read.bind(conn.metadata) as unknown as (t: string, names: string[]) => Promise<unknown>;
    return (await read(type, fullNames)) as Array<Record<string, unknown>>;
  }

  /** A connection at another API version (the SOAP endpoint version). */
  public connectionAt(version: string): Connection {
    const conn = connectionFor(this.emu, this.token, version);
    conn.metadata.pollInterval = 5;
    return conn;
  }
}

export function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function failuresOf(result: DeployResult): Array<[string, string, string]> {
  return asArray(result.details?.componentFailures).map((f) => [f.componentType ?? '', f.fullName, f.problem ?? '']);
}

export function successesOf(result: DeployResult): Array<[string, string]> {
  return asArray(result.details?.componentSuccesses).map((s) => [s.componentType ?? '', s.fullName]);
}
