/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { XMLParser } from 'fast-xml-parser';
import JSZip from 'jszip';
import { handleMetadataSoap, type SoapResponse } from '../src/metadata/index.js';
import { OrgState } from '../src/state.js';
import { TYPE_FILES } from '../src/metadata/schema.js';

/**
 * Drives handleMetadataSoap in process with envelopes shaped like jsforce's (org-wire-protocol.md section 3.2), for
 * the rule tests; the client-library tests (metadataClients.test.ts) cover the wire.
 */

export type Component = { type: string; fullName: string; xml: string };

const responseParser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name): boolean =>
    ['componentSuccesses', 'componentFailures', 'result', 'records', 'fileProperties', 'messages'].includes(name),
});

export type Json = Record<string, unknown>;

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

export function parseResponse(response: SoapResponse): Json {
  const doc = responseParser.parse(response.body) as { Envelope: { Body: Json } };
  return doc.Envelope.Body;
}

export class MetadataDriver {
  public readonly state: OrgState;
  public readonly token: string;

  public constructor(state = new OrgState({ deployInProgressPolls: 1 })) {
    this.state = state;
    this.token = state.createSession(state.adminUserId).token;
  }

  public async call(method: string, inner: string, apiVersion = '66.0', token = this.token): Promise<SoapResponse> {
    return handleMetadataSoap(envelope(token, method, inner), { state: this.state, apiVersionFromPath: apiVersion });
  }

  /** The `result` of a call (the first one), failing on a SOAP fault. */
  public async result(method: string, inner: string, apiVersion = '66.0'): Promise<Json> {
    const response = await this.call(method, inner, apiVersion);
    const body = parseResponse(response);
    if (response.status !== 200) throw new Error(`SOAP fault: ${JSON.stringify(body)}`);
    const results = (body[`${method}Response`] as { result?: Json[] } | '').valueOf() as { result?: Json[] };
    return results.result?.[0] ?? {};
  }

  public async startDeploy(
    components: Component[],
    options: {
      version?: string;
      checkOnly?: boolean;
      rollbackOnError?: boolean;
      ignoreWarnings?: boolean;
      manifest?: string;
      /** Zip as a non-singlePackage deploy: everything under `unpackaged/`. */
      unpackaged?: boolean;
    } = {}
  ): Promise<string> {
    const version = options.version ?? '66.0';
    const zip = await deployZip(components, version, options.manifest, options.unpackaged ? 'unpackaged/' : '');
    const started = await this.result(
      'deploy',
      `<ZipFile>${zip}</ZipFile><DeployOptions><rollbackOnError>${String(options.rollbackOnError ?? true)}</rollbackOnError>` +
        `<ignoreWarnings>${String(options.ignoreWarnings ?? false)}</ignoreWarnings><checkOnly>${String(options.checkOnly ?? false)}</checkOnly>` +
        `<singlePackage>${String(!options.unpackaged)}</singlePackage><purgeOnDelete>false</purgeOnDelete></DeployOptions>`
    );
    return String(started.id);
  }

  public async status(id: string): Promise<Json> {
    return this.result('checkDeployStatus', `<asyncProcessId>${id}</asyncProcessId><includeDetails>true</includeDetails>`);
  }

  /** Deploys and polls until done; returns the final DeployResult. */
  public async deploy(components: Component[], options: Parameters<MetadataDriver['startDeploy']>[1] = {}): Promise<DeployResultJson> {
    const id = await this.startDeploy(components, options);
    for (let i = 0; i < 20; i++) {
      // eslint-disable-next-line no-await-in-loop
      const result = await this.status(id);
      if (result.done === 'true') return result as DeployResultJson;
    }
    throw new Error('deploy never finished');
  }
}

export type DeployMessageJson = {
  componentType: string;
  fullName: string;
  fileName: string;
  problem?: string;
  problemType?: string;
  success: string;
  created: string;
  changed: string;
  lineNumber?: string;
};

export type DeployResultJson = Json & {
  status: string;
  success: string;
  done: string;
  numberComponentsDeployed: string;
  numberComponentErrors: string;
  details?: { componentSuccesses?: DeployMessageJson[]; componentFailures?: DeployMessageJson[] };
};

export function failuresOf(result: DeployResultJson): Array<[string, string, string]> {
  return (result.details?.componentFailures ?? []).map((f) => [f.componentType, f.fullName, f.problem ?? '']);
}

export function successesOf(result: DeployResultJson): Array<[string, string]> {
  return (result.details?.componentSuccesses ?? []).map((s) => [s.componentType, s.fullName]);
}
