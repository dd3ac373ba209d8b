/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { Messages, SfError } from '@salesforce/core';
import { readAppFiles, type ReadOptions } from '../../src/project/projectFiles.js';
import { type AppProject, globalOauthXml, headerXml, oauthSettingsXml, policyXml, writeAppProject } from '../deploy/fixtures.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

function options(project: AppProject, extra: Partial<ReadOptions> = {}): ReadOptions {
  return { projectRoot: project.root, packageDirs: [project.packageDir], apiVersion: '66.0', ...extra };
}

async function expectError(promise: Promise<unknown>): Promise<SfError> {
  try {
    await promise;
  } catch (e) {
    return e as SfError;
  }
  expect.fail('expected an error');
}

describe('project/projectFiles', () => {
  let project: AppProject;
  beforeEach(async () => {
    project = await writeAppProject({ permsets: ['Integration_Access'] });
  });
  afterEach(() => project.cleanup());

  it('reads every component of the app, the Run As user, the user definition and the profile', async () => {
    const files = await readAppFiles(options(project, { appName: project.app }));
    expect(files.appName).to.equal('My_Integration');
    expect(files.header.fullName).to.equal('My_Integration');
    expect(files.globalOauth.fullName).to.equal('My_Integration_glbloauth');
    expect(files.oauthSettings.fullName).to.equal('My_Integration_oauth');
    expect(files.oauthPolicy.fullName).to.equal('My_Integration_oauthPlcy');
    expect(files.appPolicy?.fullName).to.equal('My_Integration_plcy');
    expect(files.runAsUsername).to.equal(project.runAs);
    expect(files.policyRunAsUsername).to.equal(project.runAs);
    expect(files.userDef?.definition.permsets).to.deep.equal(['Integration_Access']);
    expect(files.profileName).to.equal('My Integration Profile');
    expect(files.profile?.filePath).to.equal(project.files.profiles);
    expect(files.policyProfiles).to.deep.equal(['My Integration Profile']);
    expect(files.warnings).to.deep.equal([]);
  });

  it('picks the only app of the project when --name is not given', async () => {
    const files = await readAppFiles(options(project));
    expect(files.appName).to.equal('My_Integration');
  });

  it('asks for --name when the project holds several apps', async () => {
    await project.write('force-app/main/default/externalClientApps/Other_App.eca-meta.xml', headerXml('Other_App'));
    const error = await expectError(readAppFiles(options(project)));
    expect(error.name).to.equal('NameRequiredError');
    expect(error.message).to.equal(messages.getMessage('error.NameRequired', ['My_Integration, Other_App']));
  });

  it('names the apps found when --name matches none', async () => {
    const error = await expectError(readAppFiles(options(project, { appName: 'Nope' })));
    expect(error.name).to.equal('AppNotFoundError');
    expect(error.message).to.include('My_Integration');
  });

  it('finds satellites by <externalClientApplication>, not by file name (renamed or Setup-made files)', async () => {
    const renamed = join(project.metaDir, 'extlClntAppOauthPolicies', 'Whatever_Name.ecaOauthPlcy-meta.xml');
    await rename(project.files.extlClntAppOauthPolicies, renamed);
    const files = await readAppFiles(options(project));
    expect(files.oauthPolicy.fullName).to.equal('Whatever_Name');
    expect(files.oauthPolicy.filePath).to.equal(renamed);
  });

  it('ignores other apps satellites and finds satellites in any package directory', async () => {
    await project.write('force-app/main/default/extlClntAppOauthSettings/Other_oauth.ecaOauth-meta.xml', oauthSettingsXml('Other'));
    await rm(project.files.extlClntAppGlobalOauthSets);
    const second = await project.write('second/extlClntAppGlobalOauthSets/G.ecaGlblOauth-meta.xml', globalOauthXml(project.app));
    const files = await readAppFiles(options(project, { packageDirs: [project.packageDir, join(project.root, 'second')] }));
    expect(files.oauthSettings.fullName).to.equal('My_Integration_oauth');
    expect(files.globalOauth.filePath).to.equal(second);
  });

  it('stops on malformed XML with the file and line, before anything is sent', async () => {
    await project.write(
      'force-app/main/default/extlClntAppOauthSettings/My_Integration_oauth.ecaOauth-meta.xml',
      '<?xml version="1.0"?>\n<ExtlClntAppOauthSettings>\n  <label>x</label\n</ExtlClntAppOauthSettings>\n'
    );
    const error = await expectError(readAppFiles(options(project)));
    expect(error.name).to.equal('InvalidProjectFilesError');
    expect(error.message).to.match(/extlClntAppOauthSettings\/My_Integration_oauth\.ecaOauth-meta\.xml:\d+: the XML cannot be read/);
    const data = error.data as { problems: Array<{ file: string; line?: number }> };
    expect(data.problems[0].line).to.be.a('number');
  });

  it('says which element is not closed, with its line, in plain words (issue 13: parser jargon)', async () => {
    await project.write(
      'force-app/main/default/extlClntAppOauthSettings/My_Integration_oauth.ecaOauth-meta.xml',
      '<?xml version="1.0"?>\n<ExtlClntAppOauthSettings>\n  <label>x\n</ExtlClntAppOauthSettings>\n'
    );
    const error = await expectError(readAppFiles(options(project)));
    expect(error.message).to.include('My_Integration_oauth.ecaOauth-meta.xml:4: the XML cannot be read: <label> opened on line 3 is not closed');
    expect(error.message).to.not.match(/InvalidTag|Expected closing tag/);
  });

  it('refuses a file with a DOCTYPE in the pre-flight check (issue 13: it passed and was refused after org changes)', async () => {
    await project.write(
      'force-app/main/default/extlClntAppOauthSettings/My_Integration_oauth.ecaOauth-meta.xml',
      `<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n${oauthSettingsXml(project.app).replace(/^<\?xml[^>]*>\n/, '')}`
    );
    const error = await expectError(readAppFiles(options(project)));
    expect(error.name).to.equal('InvalidProjectFilesError');
    expect(error.message).to.match(/My_Integration_oauth\.ecaOauth-meta\.xml:2: .*DOCTYPE/);
  });

  for (const bad of ['not a user', 'integration.user', 'a@b']) {
    it(`refuses --run-as-username "${bad}" before reading the org (issue 13)`, async () => {
      const error = await expectError(readAppFiles(options(project, { runAsUsername: bad })));
      expect(error.name).to.equal('InvalidRunAsUsernameError');
      expect(error.message).to.include(bad);
    });
  }

  it('only warns about a broken file that belongs to another app', async () => {
    await project.write('force-app/main/default/extlClntAppOauthSettings/Other_oauth.ecaOauth-meta.xml', '<broken');
    const files = await readAppFiles(options(project));
    expect(files.warnings.join('\n')).to.include('Other_oauth.ecaOauth-meta.xml');
  });

  it('stops when a satellite named like this app names another app', async () => {
    await project.write(
      'force-app/main/default/extlClntAppOauthPolicies/My_Integration_oauthPlcy.ecaOauthPlcy-meta.xml',
      policyXml('Another_App', project.runAs)
    );
    const error = await expectError(readAppFiles(options(project)));
    expect(error.message).to.include(messages.getMessage('problem.satelliteNamesOtherApp', ['Another_App', 'My_Integration', 'My_Integration']));
  });

  it('stops when a required satellite is missing', async () => {
    await rm(project.files.extlClntAppGlobalOauthSets);
    const error = await expectError(readAppFiles(options(project)));
    expect(error.message).to.include(messages.getMessage('problem.missingSatellite', ['ExtlClntAppGlobalOauthSettings', 'My_Integration']));
  });

  it('accepts an app without app policies (the org defaults them)', async () => {
    await rm(project.files.extlClntAppPolicies);
    const files = await readAppFiles(options(project));
    expect(files.appPolicy).to.equal(undefined);
  });

  it('stops when two satellites of one type name the app', async () => {
    await project.write('force-app/main/default/extlClntAppOauthSettings/Copy.ecaOauth-meta.xml', oauthSettingsXml(project.app));
    const error = await expectError(readAppFiles(options(project)));
    expect(error.message).to.include(messages.getMessage('problem.duplicateSatellite', ['ExtlClntAppOauthSettings', 'My_Integration']));
  });

  it('stops when the Run As user is missing, unless --run-as-username gives it', async () => {
    await project.write(
      'force-app/main/default/extlClntAppOauthPolicies/My_Integration_oauthPlcy.ecaOauthPlcy-meta.xml',
      policyXml(project.app, undefined)
    );
    const error = await expectError(readAppFiles(options(project)));
    expect(error.message).to.include(messages.getMessage('problem.runAsMissing'));
    const files = await readAppFiles(options(project, { runAsUsername: project.runAs }));
    expect(files.runAsUsername).to.equal(project.runAs);
    expect(files.policyRunAsUsername).to.equal(undefined);
  });

  it('stops when the user definition creates another user than the policy names; --run-as-username overrides', async () => {
    await project.write(
      'force-app/main/default/extlClntAppOauthPolicies/My_Integration_oauthPlcy.ecaOauthPlcy-meta.xml',
      policyXml(project.app, 'someone.else@example.com')
    );
    const error = await expectError(readAppFiles(options(project)));
    expect(error.message).to.include('"integration.user@example.com.test"');
    expect(error.message).to.include('"someone.else@example.com"');
    const files = await readAppFiles(options(project, { runAsUsername: 'sandbox.user@example.com.uat' }));
    expect(files.runAsUsername).to.equal('sandbox.user@example.com.uat');
  });

  it('compares the user definition and policy usernames case-insensitively, like Salesforce', async () => {
    await project.write(
      'force-app/main/default/extlClntAppOauthPolicies/My_Integration_oauthPlcy.ecaOauthPlcy-meta.xml',
      policyXml(project.app, project.runAs.toUpperCase())
    );
    const files = await readAppFiles(options(project));
    expect(files.runAsUsername).to.equal(project.runAs.toUpperCase());
  });

  it('stops on an element newer than the deploy API version, naming the version that has it', async () => {
    await project.write(
      'force-app/main/default/extlClntAppGlobalOauthSets/My_Integration_glbloauth.ecaGlblOauth-meta.xml',
      globalOauthXml(project.app, '\n    <isNamedUserJwtEnabled>false</isNamedUserJwtEnabled>')
    );
    const error = await expectError(readAppFiles(options(project, { apiVersion: '60.0' })));
    expect(error.message).to.include(messages.getMessage('problem.tooNewElement', ['isNamedUserJwtEnabled', '61.0', '60.0', '61.0']));
    const files = await readAppFiles(options(project, { apiVersion: '62.0' }));
    expect(files.globalOauth.order).to.include('isNamedUserJwtEnabled');
  });

  it('stops on an element the type does not have (a ConnectedApp name in an ECA file)', async () => {
    await project.write(
      'force-app/main/default/extlClntAppGlobalOauthSets/My_Integration_glbloauth.ecaGlblOauth-meta.xml',
      globalOauthXml(project.app, '\n    <isClientCredentialEnabled>true</isClientCredentialEnabled>\n    <nonsense>x</nonsense>')
    );
    const error = await expectError(readAppFiles(options(project)));
    expect(error.message).to.include(messages.getMessage('problem.unknownElement', ['nonsense', 'ExtlClntAppGlobalOauthSettings']));
    // isClientCredentialEnabled was an element of the global settings in the 58.0 WSDL only.
    expect(error.message).to.include(messages.getMessage('problem.removedElement', ['isClientCredentialEnabled', '58.0', '66.0']));
  });

  it('only warns about an element the tables do not know in a file newer than the tables, and about types-only elements', async () => {
    await project.write(
      'force-app/main/default/extlClntAppGlobalOauthSets/My_Integration_glbloauth.ecaGlblOauth-meta.xml',
      globalOauthXml(project.app, '\n    <isEnforceRefreshTokenTTL>false</isEnforceRefreshTokenTTL>\n    <isBrandNewThing>true</isBrandNewThing>')
    );
    // 66.0: the new element blocks (the tables know 66.0), isEnforceRefreshTokenTTL (types 1.7.3, returned by orgs) only warns.
    const error = await expectError(readAppFiles(options(project, { apiVersion: '66.0' })));
    expect(error.message).to.include(messages.getMessage('problem.unknownElement', ['isBrandNewThing', 'ExtlClntAppGlobalOauthSettings']));
    expect(error.message).to.not.include('isEnforceRefreshTokenTTL');
    const newer = await readAppFiles(options(project, { apiVersion: '69.0' }));
    expect(newer.warnings.join('\n')).to.include(
      messages.getMessage('warning.unknownElementNewerVersion', ['isBrandNewThing', 'ExtlClntAppGlobalOauthSettings', '69.0', '68.0'])
    );
    await project.write(
      'force-app/main/default/extlClntAppGlobalOauthSets/My_Integration_glbloauth.ecaGlblOauth-meta.xml',
      globalOauthXml(project.app, '\n    <isDPopEnabled>false</isDPopEnabled>\n    <isMtlsEnabled>false</isMtlsEnabled>')
    );
    const files = await readAppFiles(options(project, { apiVersion: '66.0' }));
    expect(files.warnings.join('\n')).to.include(
      messages.getMessage('warning.typesOnlyElement', ['isDPopEnabled', '1.9.0', '66.0', '68.0'])
    );
    // Left out of the deployed copy (an org at 66.0 may not know them), never blocking.
    expect(files.globalOauth.dropped).to.deep.equal(['isDPopEnabled', 'isMtlsEnabled']);
    expect((await readAppFiles(options(project, { apiVersion: '68.0' }))).globalOauth.dropped).to.equal(undefined);
  });

  it('leaves commaSeparatedCustomScopes (returned by orgs on retrieve) out of a deploy below 61.0 instead of blocking it', async () => {
    await project.write(
      'force-app/main/default/extlClntAppOauthPolicies/My_Integration_oauthPlcy.ecaOauthPlcy-meta.xml',
      policyXml(project.app, project.runAs)
        .replace('<externalClientApplication>', '<commaSeparatedCustomScopes>x</commaSeparatedCustomScopes>\n    <externalClientApplication>')
        .replace(/\s*<isGuestCodeCredFlowEnabled>false<\/isGuestCodeCredFlowEnabled>/, '')
    );
    await project.write(
      'force-app/main/default/extlClntAppOauthSettings/My_Integration_oauth.ecaOauth-meta.xml',
      oauthSettingsXml(project.app).replace(/\s*<isFirstPartyAppEnabled>false<\/isFirstPartyAppEnabled>/, '')
    );
    const files = await readAppFiles(options(project, { apiVersion: '60.0' }));
    expect(files.oauthPolicy.dropped).to.deep.equal(['commaSeparatedCustomScopes']);
    expect(files.warnings.join('\n')).to.include(messages.getMessage('warning.droppedElement', ['commaSeparatedCustomScopes', '61.0', '60.0']));
  });

  it('refuses a consumer secret in a file, and only warns about an org-specific consumer key', async () => {
    await project.write(
      'force-app/main/default/extlClntAppGlobalOauthSets/My_Integration_glbloauth.ecaGlblOauth-meta.xml',
      globalOauthXml(project.app, '\n    <consumerKey>EMUKEY</consumerKey>')
    );
    const files = await readAppFiles(options(project));
    expect(files.warnings.join('\n')).to.include('<consumerKey>');
    await project.write(
      'force-app/main/default/extlClntAppGlobalOauthSets/My_Integration_glbloauth.ecaGlblOauth-meta.xml',
      globalOauthXml(project.app, '\n    <consumerSecret>EMUSECRET</consumerSecret>')
    );
    const error = await expectError(readAppFiles(options(project)));
    expect(error.message).to.include(messages.getMessage('problem.secretInFile'));
    expect(error.message).not.to.include('EMUSECRET');
  });

  it('reports several problems at once', async () => {
    await rm(project.files.extlClntAppGlobalOauthSets);
    await project.write('config/My_Integration.user-def.json', '{"Username": ');
    const error = await expectError(readAppFiles(options(project)));
    expect(error.message).to.include(messages.getMessage('problem.missingSatellite', ['ExtlClntAppGlobalOauthSettings', 'My_Integration']));
    expect(error.message).to.include('config/My_Integration.user-def.json: malformed JSON');
  });

  it('stops on a user definition without its required fields', async () => {
    await project.write('config/My_Integration.user-def.json', JSON.stringify({ Username: project.runAs, permsets: 'x' }));
    const error = await expectError(readAppFiles(options(project)));
    expect(error.message).to.include(messages.getMessage('problem.userDefMissing', ['LastName, Email, Alias, profileName']));
    expect(error.message).to.include(messages.getMessage('problem.userDefPermsets'));
  });

  it('warns when there is no user definition (the Run As user must exist)', async () => {
    await rm(project.files.userDef);
    const files = await readAppFiles(options(project));
    expect(files.userDef).to.equal(undefined);
    expect(files.profile).to.equal(undefined);
    expect(files.warnings).to.include(messages.getMessage('warning.noUserDef', ['config/My_Integration.user-def.json']));
  });

  it('warns when the flow is off in the policy or the global settings', async () => {
    await project.write(
      'force-app/main/default/extlClntAppOauthPolicies/My_Integration_oauthPlcy.ecaOauthPlcy-meta.xml',
      policyXml(project.app, project.runAs).replace(
        '<isClientCredentialsFlowEnabled>true<',
        '<isClientCredentialsFlowEnabled>false<'
      )
    );
    const files = await readAppFiles(options(project));
    expect(files.warnings.join('\n')).to.include('extlClntAppOauthPolicies/My_Integration_oauthPlcy.ecaOauthPlcy-meta.xml');
  });

  it('stops when no app is in the project', async () => {
    await rm(project.files.externalClientApps);
    const error = await expectError(readAppFiles(options(project)));
    expect(error.name).to.equal('NoAppInProjectError');
  });
});
