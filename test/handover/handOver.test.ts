/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { handOver, secretWanted } from '../../src/handover/handOver.js';
import { type HandoverFields, hostForms } from '../../src/handover/handoverFormats.js';

const FIELDS: HandoverFields = {
  ...hostForms('https://acme.my.salesforce.com'),
  appName: 'My_App',
  appId: '0xI000000000001AAA',
  consumerId: '888000000000001AAA',
  clientId: 'FAKE-KEY-1',
  clientSecret: 'S3CRETVALUE',
  orgId: '00D000000000001AAA',
  apiVersion: '66.0',
};

describe('handover/handOver', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'handover-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('wants the secret only for a file or --show-secret', () => {
    expect(secretWanted({ format: 'json', force: false, showSecret: false })).to.equal(false);
    expect(secretWanted({ format: 'json', force: false, showSecret: true })).to.equal(true);
    expect(secretWanted({ format: 'json', force: false, showSecret: false, outputFile: 'x' })).to.equal(true);
  });

  it('writes the secret to the file but keeps it out of the result', async () => {
    const path = join(dir, 'h.env');
    const result = await handOver(FIELDS, { format: 'env', force: false, showSecret: false, outputFile: path });
    expect(result).to.include({ outputFile: path, secretWritten: true, secretShown: false, replacedFile: false });
    expect(result.shown).to.equal(undefined);
    expect(JSON.stringify(result)).to.not.include('S3CRETVALUE');
    expect(await readFile(path, 'utf8')).to.include('SALESFORCE_CLIENT_SECRET=S3CRETVALUE');
  });

  it('shows the secret only with --show-secret', async () => {
    const result = await handOver(FIELDS, { format: 'aws-secretsmanager', force: false, showSecret: true });
    expect(result.credentials.clientSecret).to.equal('S3CRETVALUE');
    expect(JSON.parse(result.shown ?? '{}')).to.include({ consumerSecret: 'S3CRETVALUE' });
  });
});
