/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages, SfError } from '@salesforce/core';
import { expect } from 'chai';
import {
  classifyHost,
  isLoopbackHost,
  isSafeForSecrets,
  myDomainHostFor,
  myDomainToUrl,
  resolveTokenEndpoint,
  type EndpointInput,
} from '../../src/oauth/tokenEndpoint.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.test');

function refusal(input: EndpointInput): SfError {
  try {
    resolveTokenEndpoint(input);
  } catch (error) {
    return error as SfError;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('oauth/tokenEndpoint', () => {
  describe('classifyHost', () => {
    const cases: Array<[string, string]> = [
      ['acme.my.salesforce.com', 'production'],
      ['ACME.MY.SALESFORCE.COM', 'production'],
      ['acme--uat.sandbox.my.salesforce.com', 'sandbox'],
      ['acme-dev-ed.develop.my.salesforce.com', 'developer'],
      ['power-ability-1234-dev-ed.scratch.my.salesforce.com', 'scratch'],
      ['acme-demo.demo.my.salesforce.com', 'partitioned'],
      ['acme.trailblaze.my.salesforce.com', 'partitioned'],
      ['acme.my.site.com', 'experience-site'],
      ['127.0.0.1', 'loopback'],
      ['localhost', 'loopback'],
      ['[::1]', 'loopback'],
      ['api.example.com', 'other'],
    ];
    for (const [host, kind] of cases) {
      it(`${host} -> ${kind}`, () => expect(classifyHost(host)).to.equal(kind));
    }
  });

  describe('isLoopbackHost', () => {
    it('accepts all of 127.0.0.0/8, ::1 and localhost', () => {
      for (const host of ['127.0.0.1', '127.10.20.30', '::1', '[::1]', 'localhost', 'LOCALHOST']) {
        expect(isLoopbackHost(host), host).to.equal(true);
      }
    });
    it('rejects look-alikes', () => {
      for (const host of ['128.0.0.1', '127.0.0.1.nip.io', 'localhost.example.com', '10.0.0.1', '0.0.0.0']) {
        expect(isLoopbackHost(host), host).to.equal(false);
      }
    });
  });

  describe('isSafeForSecrets', () => {
    it('allows https anywhere and http only to loopback', () => {
      expect(isSafeForSecrets('https://acme.my.salesforce.com')).to.equal(true);
      expect(isSafeForSecrets('http://127.0.0.1:1234')).to.equal(true);
      expect(isSafeForSecrets('http://[::1]:1234')).to.equal(true);
      expect(isSafeForSecrets('http://acme.my.salesforce.com')).to.equal(false);
      expect(isSafeForSecrets('ftp://acme.my.salesforce.com')).to.equal(false);
      expect(isSafeForSecrets('not a url')).to.equal(false);
    });
  });

  describe('myDomainHostFor (Lightning and Setup hosts)', () => {
    const cases: Array<[string, string]> = [
      ['acme.lightning.force.com', 'acme.my.salesforce.com'],
      ['acme--uat.sandbox.lightning.force.com', 'acme--uat.sandbox.my.salesforce.com'],
      ['acme-dev-ed.develop.lightning.force.com', 'acme-dev-ed.develop.my.salesforce.com'],
      ['x-dev-ed.scratch.lightning.force.com', 'x-dev-ed.scratch.my.salesforce.com'],
      ['acme.my.salesforce-setup.com', 'acme.my.salesforce.com'],
      ['acme--uat.sandbox.my.salesforce-setup.com', 'acme--uat.sandbox.my.salesforce.com'],
    ];
    for (const [host, expected] of cases) {
      it(`${host} -> ${expected}`, () => expect(myDomainHostFor(host)).to.equal(expected));
    }
    it('leaves My Domain hosts alone', () => expect(myDomainHostFor('acme.my.salesforce.com')).to.equal(undefined));
  });

  describe('myDomainToUrl', () => {
    it('maps bare names to the My Domain host of their kind', () => {
      expect(myDomainToUrl('acme')).to.equal('https://acme.my.salesforce.com');
      expect(myDomainToUrl('Acme--UAT')).to.equal('https://acme--uat.sandbox.my.salesforce.com');
      expect(myDomainToUrl('acme-dev-ed')).to.equal('https://acme-dev-ed.develop.my.salesforce.com');
    });
    it('completes a name with its partition', () => {
      expect(myDomainToUrl('acme--uat.sandbox')).to.equal('https://acme--uat.sandbox.my.salesforce.com');
      expect(myDomainToUrl('Acme-Dev-Ed.develop')).to.equal('https://acme-dev-ed.develop.my.salesforce.com');
    });
    it('keeps hosts and URLs', () => {
      expect(myDomainToUrl('acme.my.salesforce.com')).to.equal('https://acme.my.salesforce.com');
      expect(myDomainToUrl('https://acme.my.salesforce.com')).to.equal('https://acme.my.salesforce.com');
    });
    it('rejects names that are not host labels', () => {
      expect(() => myDomainToUrl('acme corp')).to.throw(messages.getMessage('error.InvalidMyDomain', ['acme corp']));
      expect(() => myDomainToUrl('-acme')).to.throw(SfError);
    });
  });

  describe('resolveTokenEndpoint', () => {
    it('uses the target org instance URL', () => {
      const endpoint = resolveTokenEndpoint({ targetOrgInstanceUrl: 'https://acme.my.salesforce.com/' });
      expect(endpoint).to.deep.equal({
        tokenUrl: 'https://acme.my.salesforce.com/services/oauth2/token',
        baseUrl: 'https://acme.my.salesforce.com',
        host: 'acme.my.salesforce.com',
        kind: 'production',
        source: 'target-org',
      });
    });

    it('prefers --instance-url, then --my-domain, over the target org', () => {
      const org = 'https://org.my.salesforce.com';
      expect(resolveTokenEndpoint({ instanceUrl: 'https://a.my.salesforce.com', myDomain: 'b', targetOrgInstanceUrl: org }).host).to.equal(
        'a.my.salesforce.com'
      );
      expect(resolveTokenEndpoint({ myDomain: 'b--uat', targetOrgInstanceUrl: org })).to.include({
        host: 'b--uat.sandbox.my.salesforce.com',
        kind: 'sandbox',
        source: 'my-domain',
      });
    });

    it('drops any path and query from the URL given', () => {
      const endpoint = resolveTokenEndpoint({ instanceUrl: 'https://acme.my.salesforce.com/services/oauth2/token?x=1' });
      expect(endpoint.tokenUrl).to.equal('https://acme.my.salesforce.com/services/oauth2/token');
    });

    it('accepts a host without scheme as https', () => {
      expect(resolveTokenEndpoint({ instanceUrl: 'acme.my.salesforce.com' }).tokenUrl).to.equal(
        'https://acme.my.salesforce.com/services/oauth2/token'
      );
    });

    it('allows plain http to loopback with a port (the emulator)', () => {
      const endpoint = resolveTokenEndpoint({ instanceUrl: 'http://127.0.0.1:4567/' });
      expect(endpoint).to.include({ tokenUrl: 'http://127.0.0.1:4567/services/oauth2/token', kind: 'loopback', host: '127.0.0.1:4567' });
    });

    it('refuses login.salesforce.com and test.salesforce.com, suggesting the target org My Domain', () => {
      for (const host of ['login.salesforce.com', 'test.salesforce.com']) {
        const error = refusal({ instanceUrl: `https://${host}`, targetOrgInstanceUrl: 'https://acme.my.salesforce.com' });
        expect(error.name).to.equal('LoginHostNotSupportedError');
        expect(error.message).to.equal(messages.getMessage('error.LoginHostNotSupported', [host]));
        expect(error.actions?.[0]).to.include('https://acme.my.salesforce.com');
      }
    });

    it('refuses a login host without a target org with the generic My Domain form', () => {
      const error = refusal({ instanceUrl: 'https://login.salesforce.com' });
      expect(error.actions?.[0]).to.include('MyDomainName.my.salesforce.com');
    });

    it('refuses Lightning hosts naming the My Domain host', () => {
      const error = refusal({ instanceUrl: 'https://acme--uat.sandbox.lightning.force.com/lightning/page/home' });
      expect(error.name).to.equal('LightningHostNotSupportedError');
      expect(error.message).to.equal(
        messages.getMessage('error.LightningHostNotSupported', [
          'acme--uat.sandbox.lightning.force.com',
          'acme--uat.sandbox.my.salesforce.com',
        ])
      );
      expect(error.actions).to.deep.equal(['Use --instance-url https://acme--uat.sandbox.my.salesforce.com']);
    });

    it('refuses Setup hosts naming the My Domain host', () => {
      const error = refusal({ myDomain: 'acme.my.salesforce-setup.com' });
      expect(error.name).to.equal('SetupHostNotSupportedError');
      expect(error.actions).to.deep.equal(['Use --instance-url https://acme.my.salesforce.com']);
    });

    it('refuses plain http to anything but loopback', () => {
      for (const url of ['http://acme.my.salesforce.com', 'http://10.0.0.5:8080', 'http://127.0.0.1.nip.io']) {
        const error = refusal({ instanceUrl: url });
        expect(error.name, url).to.equal('InsecureTokenEndpointError');
      }
    });

    it('refuses non-http schemes and garbage', () => {
      expect(refusal({ instanceUrl: 'ftp://acme.my.salesforce.com' }).name).to.equal('InvalidInstanceUrlError');
      expect(refusal({ instanceUrl: 'https://' }).name).to.equal('InvalidInstanceUrlError');
    });

    it('asks for an endpoint when none is given', () => {
      expect(refusal({}).name).to.equal('NoTokenEndpointError');
    });

    it('classifies other https hosts as "other" without refusing them', () => {
      expect(resolveTokenEndpoint({ instanceUrl: 'https://auth.example.com' }).kind).to.equal('other');
    });
  });
});
