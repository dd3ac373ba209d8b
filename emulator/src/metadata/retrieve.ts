/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { ID_PREFIX } from '../ids.js';
import type { OrgState } from '../state.js';
import { buildComponentXml, escapeXml } from './componentXml.js';
import { componentsOfType, fieldsAtVersion, fileProperties, isListableType } from './readList.js';
import { METADATA_NS, SCHEMAS } from './schema.js';
import { metadataFileName, toElements } from './store.js';
import type { XmlOutObject } from './soapEnvelope.js';
import { writeZip } from './zip.js';

/**
 * retrieve + checkRetrieveStatus (org-wire-protocol.md section 5): a zip of the named components in metadata format
 * under `unpackaged/` (no prefix with singlePackage), fileProperties for each file including package.xml, and a
 * message per component that cannot be found. The retrieve is done at the first checkRetrieveStatus.
 */

export type RetrieveRequest = {
  apiVersion: string;
  singlePackage: boolean;
  types: Array<{ name: string; members: string[] }>;
};

export type RetrieveJob = {
  kind: 'retrieve';
  id: string;
  request: RetrieveRequest;
  createdDate: string;
  result?: XmlOutObject;
};

export function createRetrieveJob(state: OrgState, request: RetrieveRequest, now: Date): RetrieveJob {
  return { kind: 'retrieve', id: state.newId(ID_PREFIX.RetrieveRequest), request, createdDate: now.toISOString() };
}

function packageXml(types: Array<{ name: string; members: string[] }>, version: string): string {
  const body = [...types]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(
      (t) =>
        '    <types>\n' +
        [...t.members]
          .sort()
          .map((m) => `        <members>${escapeXml(m)}</members>\n`)
          .join('') +
        `        <name>${escapeXml(t.name)}</name>\n    </types>\n`
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="${METADATA_NS}">\n${body}    <version>${escapeXml(version)}</version>\n</Package>\n`;
}

export async function completeRetrieve(state: OrgState, job: RetrieveJob, now: Date): Promise<XmlOutObject> {
  const { request } = job;
  const prefix = request.singlePackage ? '' : 'unpackaged/';
  const version = Number.parseFloat(request.apiVersion);
  const files = new Map<string, string>();
  const properties: XmlOutObject[] = [];
  const messages: XmlOutObject[] = [];
  const retrieved: Array<{ name: string; members: string[] }> = [];
  for (const { name: type, members } of request.types) {
    if (!isListableType(type)) {
      messages.push({ fileName: `${prefix}package.xml`, problem: `Entity type: '${type}' is unknown` });
      continue;
    }
    const all = componentsOfType(state, type);
    const wanted = members.includes('*') ? all.map((c) => c.fullName) : members;
    const found: string[] = [];
    for (const fullName of wanted) {
      const c = all.find((x) => x.fullName === fullName);
      if (!c) {
        messages.push({
          fileName: `${prefix}package.xml`,
          problem: `Entity of type '${type}' named '${fullName}' cannot be found`,
        });
        continue;
      }
      const fields = fieldsAtVersion(c.fields, SCHEMAS[type].fields, version);
      files.set(prefix + metadataFileName(type, fullName), buildComponentXml(type, toElements(fields), METADATA_NS));
      properties.push(fileProperties(state, c, prefix));
      found.push(fullName);
    }
    if (found.length > 0) retrieved.push({ name: type, members: found });
  }
  files.set(`${prefix}package.xml`, packageXml(retrieved, request.apiVersion));
  const when = now.toISOString();
  properties.push({
    createdById: state.adminUserId.slice(0, 15),
    createdByName: '',
    createdDate: when,
    fileName: `${prefix}package.xml`,
    fullName: `${prefix}package.xml`,
    id: '',
    lastModifiedById: state.adminUserId.slice(0, 15),
    lastModifiedByName: '',
    lastModifiedDate: when,
    manageableState: 'unmanaged',
    type: 'Package',
  });
  return {
    done: true,
    fileProperties: properties,
    id: job.id,
    messages,
    status: 'Succeeded',
    success: true,
    zipFile: await writeZip(files),
  };
}
