/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { expect } from 'chai';
import { registry, RegistryAccess } from '@salesforce/source-deploy-retrieve';
import {
  accessPermissionSetName,
  componentName,
  type EcaTypeName,
  type GeneratedTypeName,
  METADATA_NAMESPACE,
  MIN_API_VERSION,
  SATELLITE_TYPES,
  sourceFilePath,
  typeFromFileName,
  TYPES,
} from '../../src/metadata/ecaTypes.js';
import { SCHEMAS } from '../../src/metadata/ecaSchema.js';

const ALL_TYPES = Object.keys(TYPES) as GeneratedTypeName[];
const ECA_TYPES: EcaTypeName[] = [
  'ExternalClientApplication',
  'ExtlClntAppGlobalOauthSettings',
  'ExtlClntAppOauthSettings',
  'ExtlClntAppOauthConfigurablePolicies',
  'ExtlClntAppConfigurablePolicies',
];

describe('metadata/ecaTypes', () => {
  it('describes the seven generated types, each under its own Metadata API name', () => {
    expect(ALL_TYPES).to.have.members([...ECA_TYPES, 'Profile', 'PermissionSet']);
    for (const type of ALL_TYPES) expect(TYPES[type].name).to.equal(type);
  });

  it('uses the folders and suffixes of source-deploy-retrieve, which sf project deploy/retrieve use', () => {
    for (const type of ALL_TYPES) {
      const sdr = registry.types[type.toLowerCase() as keyof typeof registry.types] as { name: string; directoryName: string; suffix?: string };
      expect(sdr, type).to.not.equal(undefined);
      expect(sdr.name, type).to.equal(type);
      expect(TYPES[type].folder, type).to.equal(sdr.directoryName);
      expect(TYPES[type].suffix, type).to.equal(sdr.suffix);
    }
  });

  it('names the Metadata API namespace', () => {
    expect(METADATA_NAMESPACE).to.equal('http://soap.sforce.com/2006/04/metadata');
  });

  it('sets MIN_API_VERSION to the lowest version where every client credentials field of the field tables exists', () => {
    const ccFields = Object.entries(SCHEMAS).flatMap(([type, schema]) =>
      Object.entries(schema)
        .filter(([element, rule]) => /clientCredential/i.test(element) && rule.until === undefined)
        .map(([element, rule]) => ({ field: `${type}.${element}`, since: rule.since }))
    );
    expect(ccFields.map((f) => f.field)).to.include.members([
      'ExtlClntAppGlobalOauthSettings.isClientCredentialsFlowEnabled',
      'ExtlClntAppOauthConfigurablePolicies.isClientCredentialsFlowEnabled',
      'ExtlClntAppOauthConfigurablePolicies.clientCredentialsFlowUser',
    ]);
    expect(MIN_API_VERSION).to.equal(Math.max(...ccFields.map((f) => f.since)));
  });

  it('lists the four satellite types: every ECA type but the header', () => {
    expect([...SATELLITE_TYPES]).to.have.members(ECA_TYPES.filter((t) => t !== 'ExternalClientApplication'));
    expect(SATELLITE_TYPES).to.have.length(4);
  });

  describe('componentName', () => {
    it('is the app name for the header and Setup\'s UI names for the satellites', () => {
      expect(componentName('ExternalClientApplication', 'My_Integration')).to.equal('My_Integration');
      expect(componentName('ExtlClntAppGlobalOauthSettings', 'My_Integration')).to.equal('My_Integration_glbloauth');
      expect(componentName('ExtlClntAppOauthSettings', 'My_Integration')).to.equal('My_Integration_oauth');
      expect(componentName('ExtlClntAppOauthConfigurablePolicies', 'My_Integration')).to.equal('My_Integration_oauthPlcy');
      expect(componentName('ExtlClntAppConfigurablePolicies', 'My_Integration')).to.equal('My_Integration_plcy');
    });

    it('gives the five components of one app five different names', () => {
      expect(new Set(ECA_TYPES.map((t) => componentName(t, 'A'))).size).to.equal(5);
    });
  });

  it('names the access permission set <App>_Access', () => {
    expect(accessPermissionSetName('My_Integration')).to.equal('My_Integration_Access');
  });

  describe('sourceFilePath', () => {
    it('is <folder>/<fullName>.<suffix>-meta.xml', () => {
      expect(sourceFilePath('ExternalClientApplication', 'My_App')).to.equal('externalClientApps/My_App.eca-meta.xml');
      expect(sourceFilePath('ExtlClntAppOauthConfigurablePolicies', 'My_App_oauthPlcy')).to.equal(
        'extlClntAppOauthPolicies/My_App_oauthPlcy.ecaOauthPlcy-meta.xml'
      );
      expect(sourceFilePath('PermissionSet', 'My_App_Access')).to.equal('permissionsets/My_App_Access.permissionset-meta.xml');
      expect(sourceFilePath('Profile', 'Integration Profile')).to.equal('profiles/Integration Profile.profile-meta.xml');
    });

    it('gives a path that SDR resolves to the same type, for every type', () => {
      const access = new RegistryAccess();
      for (const type of ALL_TYPES) {
        const path = sourceFilePath(type, 'My_App');
        const suffix = /\.([A-Za-z]+)-meta\.xml$/.exec(path)?.[1] ?? '';
        expect(access.getTypeBySuffix(suffix)?.name, path).to.equal(type);
      }
    });
  });

  describe('typeFromFileName', () => {
    it('reads the type back from every generated file name (the suffixes are distinct)', () => {
      for (const type of ALL_TYPES) {
        expect(typeFromFileName(sourceFilePath(type, 'My_App')), type).to.equal(type);
        expect(typeFromFileName(`My_App.${TYPES[type].suffix}-meta.xml`), type).to.equal(type);
      }
    });

    it('tells the OAuth policy suffix from the app policy and OAuth settings suffixes', () => {
      expect(typeFromFileName('X.ecaOauthPlcy-meta.xml')).to.equal('ExtlClntAppOauthConfigurablePolicies');
      expect(typeFromFileName('X.ecaPlcy-meta.xml')).to.equal('ExtlClntAppConfigurablePolicies');
      expect(typeFromFileName('X.ecaOauth-meta.xml')).to.equal('ExtlClntAppOauthSettings');
      expect(typeFromFileName('X.ecaGlblOauth-meta.xml')).to.equal('ExtlClntAppGlobalOauthSettings');
    });

    it('is undefined for other metadata, non-source files and suffixes that are not exact', () => {
      for (const name of [
        'Legacy.connectedApp-meta.xml',
        'My_App.eca',
        'My_App.eca-meta.xml.bak',
        'My_App.ECA-meta.xml',
        'My_App.eca-meta.json',
        'My_App-meta.xml',
        'README.md',
        '',
      ]) {
        expect(typeFromFileName(name), name).to.equal(undefined);
      }
    });

    it('is undefined for suffixes named like Object.prototype members', () => {
      for (const name of ['X.constructor-meta.xml', 'X.toString-meta.xml', 'X.valueOf-meta.xml', 'X.hasOwnProperty-meta.xml']) {
        expect(typeFromFileName(name), name).to.equal(undefined);
      }
    });
  });
});
