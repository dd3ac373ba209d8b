/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import {
  type HandoverFields,
  awsSecretsManagerValue,
  hostForms,
  jsonFields,
  postmanEnvironment,
  renderHandover,
} from '../../src/handover/handoverFormats.js';

const FIELDS: HandoverFields = {
  ...hostForms('https://acme.my.salesforce.com'),
  appName: 'My_App',
  appId: '0xI000000000001AAA',
  consumerId: '888000000000001AAA',
  clientId: 'FAKE-KEY-1',
  clientSecret: 'S3CRET+/=',
  runAsUsername: 'integration@acme.com',
  orgId: '00D000000000001AAA',
  apiVersion: '66.0',
};

describe('handover/handoverFormats', () => {
  it('derives every host form from the instance URL', () => {
    expect(hostForms('https://acme.my.salesforce.com/')).to.deep.equal({
      myDomainHost: 'acme.my.salesforce.com',
      myDomainName: 'acme',
      instanceUrl: 'https://acme.my.salesforce.com',
      tokenUrl: 'https://acme.my.salesforce.com/services/oauth2/token',
    });
    expect(hostForms('https://acme--uat.sandbox.my.salesforce.com')).to.include({ myDomainName: 'acme--uat' });
    expect(hostForms('https://acme-dev-ed.develop.my.salesforce.com')).to.include({ myDomainName: 'acme-dev-ed' });
    // A loopback emulator: the port stays in the host, no My Domain name.
    expect(hostForms('http://127.0.0.1:4711')).to.deep.equal({
      myDomainHost: '127.0.0.1:4711',
      myDomainName: undefined,
      instanceUrl: 'http://127.0.0.1:4711',
      tokenUrl: 'http://127.0.0.1:4711/services/oauth2/token',
    });
  });

  it('json carries the secret only when it is present', () => {
    expect(jsonFields(FIELDS)).to.include({ clientSecret: 'S3CRET+/=', myDomainName: 'acme' });
    expect(jsonFields({ ...FIELDS, clientSecret: undefined })).to.not.have.property('clientSecret');
  });

  it('env quotes values that are not plain and names variables SALESFORCE_*', () => {
    const text = renderHandover('env', { ...FIELDS, runAsUsername: 'a b"c' });
    expect(text).to.include('SALESFORCE_CLIENT_ID=FAKE-KEY-1\n');
    expect(text).to.include('SALESFORCE_CLIENT_SECRET=S3CRET+/=\n');
    expect(text).to.include('SALESFORCE_RUN_AS_USERNAME="a b\\"c"\n');
    expect(text).to.include('SALESFORCE_TOKEN_URL=https://acme.my.salesforce.com/services/oauth2/token\n');
    expect(renderHandover('env', { ...FIELDS, clientSecret: undefined })).to.not.include('SALESFORCE_CLIENT_SECRET');
  });

  it('aws-secretsmanager has exactly the SalesforceClientSecret keys', () => {
    expect(awsSecretsManagerValue(FIELDS)).to.deep.equal({
      consumerKey: 'FAKE-KEY-1',
      consumerSecret: 'S3CRET+/=',
      baseUri: 'https://acme.my.salesforce.com',
      appId: '0xI000000000001AAA',
      consumerId: '888000000000001AAA',
    });
  });

  it('postman is an environment for the collection: url, version, clientId, secret-typed clientSecret, empty site', () => {
    const environment = postmanEnvironment(FIELDS, 'id-1');
    expect(environment).to.deep.include({ id: 'id-1', name: 'My_App (client credentials)' });
    expect(environment['_postman_variable_scope']).to.equal('environment');
    expect(environment.values.map((v) => [v.key, v.value, v.type])).to.deep.equal([
      ['url', 'https://acme.my.salesforce.com', 'default'],
      ['version', '66.0', 'default'],
      ['clientId', 'FAKE-KEY-1', 'default'],
      ['clientSecret', 'S3CRET+/=', 'secret'],
      ['site', '', 'default'],
    ]);
    expect(JSON.parse(renderHandover('postman', FIELDS))).to.have.property('values');
  });
});
