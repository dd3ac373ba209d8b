/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { type HandoverOrg, collectHandoverFields } from '../../src/handover/handoverFields.js';
import type { AppOauthSettings } from '../../src/appSettings/appSettings.js';

function org(calls: string[], settings: () => Promise<AppOauthSettings>): HandoverOrg {
  return {
    orgId: '00D000000000001AAA',
    instanceUrl: 'https://acme--uat.sandbox.my.salesforce.com',
    apiVersion: '66.0',
    locateConsumer: (appName): ReturnType<HandoverOrg['locateConsumer']> => {
      calls.push('locate');
      return Promise.resolve({ appName, appId: '0xI1', consumerId: '8881', consumerKey: 'KEY', consumerCount: 2 });
    },
    readPrimaryPair: (): ReturnType<HandoverOrg['readPrimaryPair']> => {
      calls.push('secret');
      return Promise.resolve({ appId: '0xI1', consumerId: '8881', consumerKey: 'KEY', consumerSecret: 'SECRET', consumerCount: 2 });
    },
    readAppSettings: (): Promise<AppOauthSettings> => {
      calls.push('settings');
      return settings();
    },
  };
}

describe('handover/handoverFields', () => {
  it('reads no secret unless asked, and takes the Run As user from the policy', async () => {
    const calls: string[] = [];
    const collected = await collectHandoverFields(org(calls, () => Promise.resolve({ runAsUser: 'int@acme.com' } as AppOauthSettings)), 'My_App', false);
    expect(calls).to.deep.equal(['locate', 'settings']);
    expect(collected.fields).to.deep.include({ clientId: 'KEY', clientSecret: undefined, runAsUsername: 'int@acme.com', myDomainName: 'acme--uat' });
    expect(collected.consumerCount).to.equal(2);
  });

  it('reads the secret when asked; an unreadable policy is a warning, not a failure', async () => {
    const calls: string[] = [];
    const collected = await collectHandoverFields(org(calls, () => Promise.reject(new Error('no metadata access'))), 'My_App', true);
    expect(calls).to.deep.equal(['locate', 'secret', 'settings']);
    expect(collected.fields.clientSecret).to.equal('SECRET');
    expect(collected.fields.runAsUsername).to.equal(undefined);
    expect(collected.runAsWarning).to.equal('no metadata access');
  });
});
