/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { expect } from 'chai';
import type { PlannedComponent } from '../../src/deploy/deployPlan.js';
import { mapDetails, stageFiles, withRunAsUser } from '../../src/deploy/metadataDeploy.js';
import { parseMetadataXml, textOf } from '../../src/metadata/xml.js';
import { type AppProject, policyXml, writeAppProject } from './fixtures.js';

const POLICY = 'ExtlClntAppOauthConfigurablePolicies';

describe('deploy metadataDeploy', () => {
  describe('withRunAsUser', () => {
    it('replaces <clientCredentialsFlowUser> in place, escaping XML', () => {
      const xml = withRunAsUser(policyXml('App', 'a@example.com'), 'b&c@example.com');
      expect(xml).to.include('<clientCredentialsFlowUser>b&amp;c@example.com</clientCredentialsFlowUser>');
      expect(textOf(parseMetadataXml(xml).fields, 'clientCredentialsFlowUser')).to.equal('b&c@example.com');
      expect(xml.replace('b&amp;c@example.com', 'a@example.com')).to.equal(policyXml('App', 'a@example.com'));
    });

    it('inserts it in alphabetical order when the file has none', () => {
      const parsed = parseMetadataXml(withRunAsUser(policyXml('App', undefined), 'b@example.com'));
      expect(textOf(parsed.fields, 'clientCredentialsFlowUser')).to.equal('b@example.com');
      expect(parsed.order).to.deep.equal([...parsed.order].sort());
      expect(parsed.root).to.equal(POLICY);
    });
  });

  describe('stageFiles', () => {
    let project: AppProject;
    beforeEach(async () => {
      project = await writeAppProject();
    });
    afterEach(() => project.cleanup());

    const component = (extra: Partial<PlannedComponent>): PlannedComponent => ({
      type: POLICY,
      fullName: 'My_Integration_oauthPlcy',
      localFullName: 'My_Integration_oauthPlcy',
      filePath: project.files.extlClntAppOauthPolicies,
      step: 'oauthPolicy',
      upToDate: false,
      adopted: false,
      ...extra,
    });

    it('deploys an identical copy outside the project, so .forceignore cannot drop it', async () => {
      await project.write('.forceignore', '**/extlClntAppOauthPolicies/**\n');
      const staged = await stageFiles([component({})]);
      expect(staged.paths).to.have.length(1);
      expect(staged.paths[0].startsWith(project.root)).to.equal(false);
      expect(basename(staged.paths[0])).to.equal('My_Integration_oauthPlcy.ecaOauthPlcy-meta.xml');
      expect(await readFile(staged.paths[0], 'utf8')).to.equal(await readFile(project.files.extlClntAppOauthPolicies, 'utf8'));
      const { ComponentSet } = await import('@salesforce/source-deploy-retrieve');
      expect(ComponentSet.fromSource(staged.paths).size).to.equal(1);
      await staged.cleanup();
      expect(existsSync(staged.paths[0])).to.equal(false);
      expect(existsSync(project.files.extlClntAppOauthPolicies)).to.equal(true);
    });

    it('deploys a renamed copy for an adopted name and an edited copy for another Run As user; removes them after', async () => {
      const original = await readFile(project.files.extlClntAppOauthPolicies, 'utf8');
      const staged = await stageFiles([
        component({ fullName: 'My_Integration_oauth_defaultPolicy', adopted: true, runAsUsername: 'sbx@example.com.uat' }),
      ]);
      expect(staged.paths).to.have.length(1);
      expect(basename(staged.paths[0])).to.equal('My_Integration_oauth_defaultPolicy.ecaOauthPlcy-meta.xml');
      const copy = await readFile(staged.paths[0], 'utf8');
      expect(textOf(parseMetadataXml(copy).fields, 'clientCredentialsFlowUser')).to.equal('sbx@example.com.uat');
      expect(await readFile(project.files.extlClntAppOauthPolicies, 'utf8')).to.equal(original);
      await staged.cleanup();
      expect(existsSync(staged.paths[0])).to.equal(false);
    });
  });

  describe('mapDetails', () => {
    const planned: PlannedComponent[] = [
      { type: 'ExternalClientApplication', fullName: 'App', localFullName: 'App', filePath: '/p/App.eca-meta.xml', step: 'app', adopted: false, upToDate: false },
      { type: POLICY, fullName: 'App_oauth_defaultPolicy', localFullName: 'App_oauthPlcy', filePath: '/p/App_oauthPlcy.ecaOauthPlcy-meta.xml', step: 'oauthPolicy', adopted: true, upToDate: false },
    ];

    it('maps created, changed and unchanged from the componentSuccesses flags (strings, as jsforce returns them)', () => {
      const result = mapDetails(
        { components: planned, checkOnly: false },
        [
          { componentType: 'ExternalClientApplication', fullName: 'App', created: 'true', changed: 'true' },
          { componentType: POLICY, fullName: 'App_oauth_defaultPolicy', created: 'false', changed: 'false' },
          { componentType: '', fullName: 'package.xml', created: 'false', changed: 'true' },
        ],
        []
      );
      expect(result.components.map((c) => c.state)).to.deep.equal(['Created', 'Unchanged']);
      expect(result.otherFailures).to.deep.equal([]);
    });

    it('maps a failure with its problem, line and column; the other components are not deployed', () => {
      const result = mapDetails(
        { components: planned, checkOnly: false },
        [],
        [{ componentType: POLICY, fullName: 'App_oauth_defaultPolicy', problem: 'Enter a valid execution user', lineNumber: '3', columnNumber: '5' }]
      );
      expect(result.components[0].state).to.equal('NotDeployed');
      expect(result.components[1]).to.deep.include({ state: 'Failed', problem: 'Enter a valid execution user', line: 3, column: 5 });
    });

    it('keeps failures that match none of our components', () => {
      const result = mapDetails({ components: planned, checkOnly: false }, [], [{ fileName: 'package.xml', problem: 'bad manifest' }]);
      expect(result.otherFailures).to.deep.equal(['package.xml: bad manifest']);
    });

    it('a check-only deploy validates, and a success without details is reported as deployed', () => {
      expect(mapDetails({ components: planned, checkOnly: true }, [], []).components.map((c) => c.state)).to.deep.equal([
        'Validated',
        'Validated',
      ]);
      expect(mapDetails({ components: planned, checkOnly: false }, [], []).components.map((c) => c.state)).to.deep.equal([
        'Deployed',
        'Deployed',
      ]);
    });
  });
});
