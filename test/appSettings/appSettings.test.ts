/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { type MetadataReader, readOrgAppSettings, readProjectAppSettings } from '../../src/appSettings/appSettings.js';

const NS = 'http://soap.sforce.com/2006/04/metadata';
const xml = (root: string, body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${NS}">\n${body}\n</${root}>\n`;

const POLICY = xml(
  'ExtlClntAppOauthConfigurablePolicies',
  `<clientCredentialsFlowUser>integration@acme.com</clientCredentialsFlowUser>
   <commaSeparatedPermissionSet>My_App_Access, Other</commaSeparatedPermissionSet>
   <externalClientApplication>My_App</externalClientApplication>
   <isClientCredentialsFlowEnabled>true</isClientCredentialsFlowEnabled>
   <permittedUsersPolicyType>AdminApprovedPreAuthorized</permittedUsersPolicyType>`
);
const GLOBAL_OFF = xml(
  'ExtlClntAppGlobalOauthSettings',
  `<externalClientApplication>My_App</externalClientApplication>
   <isClientCredentialsFlowEnabled>false</isClientCredentialsFlowEnabled>`
);

describe('appSettings/appSettings', () => {
  let base: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'appsettings-'));
  });
  afterEach(async () => rm(base, { recursive: true, force: true }));

  async function put(path: string, text: string): Promise<string> {
    const full = join(base, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, text);
    return full;
  }

  describe('readProjectAppSettings', () => {
    it('finds satellites by <externalClientApplication>, whatever their file names', async () => {
      await put('force-app/main/default/externalClientApps/My_App.eca-meta.xml', xml('ExternalClientApplication', '<label>x</label>'));
      const policy = await put('force-app/main/default/extlClntAppOauthPolicies/Renamed.ecaOauthPlcy-meta.xml', POLICY);
      const global = await put('other/extlClntAppGlobalOauthSets/Whatever.ecaGlblOauth-meta.xml', GLOBAL_OFF);
      await put(
        'force-app/main/default/extlClntAppOauthPolicies/Another_oauthPlcy.ecaOauthPlcy-meta.xml',
        POLICY.replace('>My_App<', '>Another<').replace('integration@acme.com', 'other@acme.com')
      );
      const settings = await readProjectAppSettings([join(base, 'force-app'), join(base, 'other')], 'My_App');
      expect(settings).to.deep.equal({
        source: 'project',
        appName: 'My_App',
        appFound: true,
        globalCcEnabled: false,
        policyCcEnabled: true,
        runAsUser: 'integration@acme.com',
        permittedUsersPolicy: 'AdminApprovedPreAuthorized',
        policyProfiles: undefined,
        policyPermissionSets: ['My_App_Access', 'Other'],
        appEnabled: undefined,
        oauthPluginEnabled: undefined,
        scopes: undefined,
        locations: {
          ExternalClientApplication: join(base, 'force-app/main/default/externalClientApps/My_App.eca-meta.xml'),
          ExtlClntAppOauthConfigurablePolicies: policy,
          ExtlClntAppGlobalOauthSettings: global,
        },
      });
    });

    it('returns undefined when no file belongs to the app, and skips malformed files', async () => {
      await put('force-app/extlClntAppOauthPolicies/Bad.ecaOauthPlcy-meta.xml', '<oops');
      expect(await readProjectAppSettings([join(base, 'force-app'), join(base, 'missing')], 'My_App')).to.equal(undefined);
    });

    it('treats a missing flag as false and absent app switches as true (their defaults)', async () => {
      await put('p/extlClntAppOauthPolicies/P.ecaOauthPlcy-meta.xml', xml('ExtlClntAppOauthConfigurablePolicies', '<externalClientApplication>My_App</externalClientApplication>'));
      await put('p/extlClntAppPolicies/P.ecaPlcy-meta.xml', xml('ExtlClntAppConfigurablePolicies', '<externalClientApplication>My_App</externalClientApplication>'));
      const settings = await readProjectAppSettings([join(base, 'p')], 'My_App');
      expect(settings).to.include({ policyCcEnabled: false, runAsUser: undefined, appEnabled: true, oauthPluginEnabled: true, appFound: false });
    });
  });

  describe('readOrgAppSettings', () => {
    type Call = { op: 'list' | 'read'; type: string; names?: string[] };
    function reader(components: Record<string, Array<Record<string, string>>>, calls: Call[]): MetadataReader {
      return {
        list: (queries): ReturnType<MetadataReader['list']> => {
          queries.forEach((q) => calls.push({ op: 'list', type: q.type }));
          return Promise.resolve(
            queries.flatMap((q) =>
              (components[q.type] ?? []).map((c) => ({ fullName: c.fullName, type: q.type, lastModifiedDate: c.lastModifiedDate }))
            )
          );
        },
        read: (type, fullNames): ReturnType<MetadataReader['read']> => {
          calls.push({ op: 'read', type, names: fullNames });
          // Like readMetadata: one record per name asked, without fullName when missing.
          return Promise.resolve(fullNames.map((name) => (components[type] ?? []).find((c) => c.fullName === name) ?? {}));
        },
      };
    }

    it('reads the Setup-named components with one read per type', async () => {
      const calls: Call[] = [];
      const settings = await readOrgAppSettings(
        reader(
          {
            ExternalClientApplication: [{ fullName: 'My_App', lastModifiedDate: '2026-11-22T10:00:00.000Z' }],
            ExtlClntAppGlobalOauthSettings: [{ fullName: 'My_App_glbloauth', externalClientApplication: 'My_App', isClientCredentialsFlowEnabled: 'true' }],
            ExtlClntAppOauthConfigurablePolicies: [
              { fullName: 'My_App_oauthPlcy', externalClientApplication: 'My_App', isClientCredentialsFlowEnabled: 'false', clientCredentialsFlowUser: 'i@acme.com' },
            ],
            ExtlClntAppConfigurablePolicies: [{ fullName: 'My_App_plcy', externalClientApplication: 'My_App', isEnabled: 'true', isOauthPluginEnabled: 'false' }],
            ExtlClntAppOauthSettings: [{ fullName: 'My_App_oauth', externalClientApplication: 'My_App', commaSeparatedOauthScopes: 'Api, Web' }],
          },
          calls
        ),
        'My_App'
      );
      expect(settings).to.include({
        source: 'org',
        appFound: true,
        globalCcEnabled: true,
        policyCcEnabled: false,
        runAsUser: 'i@acme.com',
        appEnabled: true,
        oauthPluginEnabled: false,
        appLastModified: '2026-11-22T10:00:00.000Z',
      });
      expect(settings.scopes).to.deep.equal(['Api', 'Web']);
      expect(settings.locations.ExtlClntAppOauthConfigurablePolicies).to.equal('My_App_oauthPlcy');
      expect(calls.filter((c) => c.op === 'list').map((c) => c.type)).to.deep.equal(['ExternalClientApplication']);
      expect(calls.filter((c) => c.op === 'read')).to.have.length(4);
    });

    it('falls back to listing a type when the Setup name is missing (a deploy-generated policy name)', async () => {
      const calls: Call[] = [];
      const settings = await readOrgAppSettings(
        reader(
          {
            ExternalClientApplication: [{ fullName: 'My_App' }],
            ExtlClntAppOauthConfigurablePolicies: [
              { fullName: 'Other_policy', externalClientApplication: 'Other', clientCredentialsFlowUser: 'x@acme.com' },
              { fullName: 'Weird_Name', externalClientApplication: 'My_App', clientCredentialsFlowUser: 'i@acme.com', isClientCredentialsFlowEnabled: 'true' },
            ],
          },
          calls
        ),
        'My_App'
      );
      expect(settings).to.include({ runAsUser: 'i@acme.com', policyCcEnabled: true });
      expect(settings.locations.ExtlClntAppOauthConfigurablePolicies).to.equal('Weird_Name');
    });

    it('reports an app that is not in the org without listing satellites', async () => {
      const calls: Call[] = [];
      const settings = await readOrgAppSettings(reader({}, calls), 'My_App');
      expect(settings).to.include({ appFound: false, runAsUser: undefined, policyCcEnabled: undefined });
      expect(calls.filter((c) => c.op === 'list')).to.have.length(1);
    });
  });
});
