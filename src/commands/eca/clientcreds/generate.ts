/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { dirname, relative } from 'node:path';
import { Messages, Org } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand } from '../../../cli/ecaCommand.js';
import { exitCodesHelp } from '../../../cli/exitCodes.js';
import { generateApp, GenerateResult } from '../../../generate/generateApp.js';
import type { ImportResult } from '../../../generate/fromOrg/importApp.js';
import { IP_RELAXATION_VALUES, PERMITTED_USERS_VALUES, REFRESH_TOKEN_POLICY_VALUES } from '../../../generate/appDefinitionRules.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.generate');
const fromOrgMessages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.generate.fromOrg');

export type { GenerateResult, GeneratedFile, GeneratedFileStatus } from '../../../generate/generateApp.js';

export default class Generate extends EcaCommand<GenerateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = exitCodesHelp(messages);

  public static readonly flags = {
    name: Flags.string({
      char: 'n',
      required: true,
      summary: messages.getMessage('flags.name.summary'),
      description: messages.getMessage('flags.name.description'),
    }),
    label: Flags.string({ char: 'l', summary: messages.getMessage('flags.label.summary') }),
    description: Flags.string({ summary: messages.getMessage('flags.description.summary') }),
    'contact-email': Flags.string({
      summary: messages.getMessage('flags.contact-email.summary'),
      atLeastOne: ['contact-email', 'from-org'],
    }),
    'from-org': Flags.boolean({
      summary: fromOrgMessages.getMessage('flags.from-org.summary'),
      description: fromOrgMessages.getMessage('flags.from-org.description'),
    }),
    // A plain string, resolved only with --from-org: generate alone never touches an org or its auth files.
    // eslint-disable-next-line sf-plugin/dash-o -- it is the target org
    'target-org': Flags.string({ char: 'o', summary: fromOrgMessages.getMessage('flags.target-org.summary') }),
    'run-as-username': Flags.string({
      char: 'u',
      required: true,
      summary: messages.getMessage('flags.run-as-username.summary'),
      description: messages.getMessage('flags.run-as-username.description'),
    }),
    scopes: Flags.string({
      char: 's',
      multiple: true,
      delimiter: ',',
      summary: messages.getMessage('flags.scopes.summary'),
      description: messages.getMessage('flags.scopes.description'),
    }),
    'callback-url': Flags.string({
      summary: messages.getMessage('flags.callback-url.summary'),
      description: messages.getMessage('flags.callback-url.description'),
    }),
    'profile-name': Flags.string({
      summary: messages.getMessage('flags.profile-name.summary'),
      exclusive: ['existing-profile'],
    }),
    'existing-profile': Flags.string({
      summary: messages.getMessage('flags.existing-profile.summary'),
      exclusive: ['profile-name'],
    }),
    'permission-sets': Flags.string({
      summary: messages.getMessage('flags.permission-sets.summary'),
      multiple: true,
      delimiter: ',',
    }),
    'access-permission-set': Flags.boolean({
      allowNo: true,
      default: true,
      summary: messages.getMessage('flags.access-permission-set.summary'),
      description: messages.getMessage('flags.access-permission-set.description'),
    }),
    'api-version': Flags.string({
      summary: messages.getMessage('flags.api-version.summary'),
      description: messages.getMessage('flags.api-version.description'),
    }),
    'output-dir': Flags.directory({
      char: 'd',
      summary: messages.getMessage('flags.output-dir.summary'),
      description: messages.getMessage('flags.output-dir.description'),
    }),
    force: Flags.boolean({ char: 'f', summary: messages.getMessage('flags.force.summary') }),
    pkce: Flags.boolean({ allowNo: true, summary: messages.getMessage('flags.pkce.summary') }),
    'refresh-token-rotation': Flags.boolean({
      allowNo: true,
      summary: messages.getMessage('flags.refresh-token-rotation.summary'),
    }),
    'jwt-access-tokens': Flags.boolean({
      allowNo: true,
      summary: messages.getMessage('flags.jwt-access-tokens.summary'),
    }),
    'ip-relaxation': Flags.string({
      summary: messages.getMessage('flags.ip-relaxation.summary'),
      options: [...IP_RELAXATION_VALUES],
    }),
    'session-timeout': Flags.integer({ summary: messages.getMessage('flags.session-timeout.summary') }),
    'refresh-token-policy': Flags.string({
      summary: messages.getMessage('flags.refresh-token-policy.summary'),
      options: [...REFRESH_TOKEN_POLICY_VALUES],
    }),
    'refresh-token-validity': Flags.string({ summary: messages.getMessage('flags.refresh-token-validity.summary') }),
    'permitted-users': Flags.string({
      summary: messages.getMessage('flags.permitted-users.summary'),
      description: messages.getMessage('flags.permitted-users.description'),
      options: [...PERMITTED_USERS_VALUES],
    }),
    'api-only-user': Flags.boolean({ allowNo: true, summary: messages.getMessage('flags.api-only-user.summary') }),
    'view-all-data': Flags.boolean({ allowNo: true, summary: messages.getMessage('flags.view-all-data.summary') }),
    'view-all-objects': Flags.string({
      summary: messages.getMessage('flags.view-all-objects.summary'),
      multiple: true,
      delimiter: ',',
    }),
    'user-license': Flags.string({ summary: messages.getMessage('flags.user-license.summary') }),
    'user-last-name': Flags.string({ summary: messages.getMessage('flags.user-last-name.summary') }),
    'user-first-name': Flags.string({ summary: messages.getMessage('flags.user-first-name.summary') }),
    'user-email': Flags.string({ summary: messages.getMessage('flags.user-email.summary') }),
    'user-alias': Flags.string({ summary: messages.getMessage('flags.user-alias.summary') }),
    'user-locale': Flags.string({ summary: messages.getMessage('flags.user-locale.summary') }),
    'user-time-zone': Flags.string({ summary: messages.getMessage('flags.user-time-zone.summary') }),
  };

  public async run(): Promise<GenerateResult> {
    const { flags } = await this.parse(Generate);
    const input = {
      name: flags.name,
        label: flags.label,
        description: flags.description,
        contactEmail: flags['contact-email'],
        runAsUsername: flags['run-as-username'],
        scopes: flags.scopes,
        callbackUrl: flags['callback-url'],
        profileName: flags['profile-name'],
        existingProfile: flags['existing-profile'],
        permissionSets: flags['permission-sets'],
        accessPermissionSet: flags['access-permission-set'],
        apiVersion: flags['api-version'],
        pkce: flags.pkce,
        refreshTokenRotation: flags['refresh-token-rotation'],
        jwtAccessTokens: flags['jwt-access-tokens'],
        ipRelaxation: flags['ip-relaxation'],
        sessionTimeout: flags['session-timeout'],
        refreshTokenPolicy: flags['refresh-token-policy'],
        refreshTokenValidity: flags['refresh-token-validity'],
        permittedUsers: flags['permitted-users'],
        apiOnlyUser: flags['api-only-user'],
        viewAllData: flags['view-all-data'],
        viewAllObjects: flags['view-all-objects'],
        userLicense: flags['user-license'],
        userLastName: flags['user-last-name'],
        userFirstName: flags['user-first-name'],
        userEmail: flags['user-email'],
        userAlias: flags['user-alias'],
        userLocale: flags['user-locale'],
        userTimeZone: flags['user-time-zone'],
    };
    const options = { cwd: process.cwd(), outputDir: flags['output-dir'], force: flags.force };
    let outcome: { result: GenerateResult & Partial<Pick<ImportResult, 'fromOrg'>>; warnings: string[] };
    if (flags['from-org']) {
      // The alias or username, else the target-org config (NoDefaultEnvError when neither).
      const org = await Org.create({ aliasOrUsername: flags['target-org'] }).catch((error: Error) => {
        if (flags['target-org'] === undefined) throw fromOrgMessages.createError('error.NoTargetOrg', [], [], error);
        throw error;
      });
      // Only --from-org pays for the org reads.
      const [{ generateFromOrg }, { connectionOrgApi }] = await Promise.all([
        import('../../../generate/fromOrg/importApp.js'),
        import('../../../org/orgApi.js'),
      ]);
      const targetOrg = org.getUsername() ?? '';
      outcome = await generateFromOrg(input, connectionOrgApi(Generate.orgConnection(org, flags['api-version'])), { ...options, targetOrg });
    } else {
      outcome = await generateApp({ ...input, contactEmail: input.contactEmail ?? '' }, options);
    }
    const { result, warnings } = outcome;
    for (const warning of warnings) this.warn(warning);

    // One line per file under its folder, like `sf project generate`: paths are never cut or wrapped by a table,
    // stay copyable, and fit 100 columns for app names of ordinary length.
    const statuses = result.files.map((f) => messages.getMessage(`status.${f.status}`));
    const width = Math.max(0, ...statuses.map((st) => st.length));
    const groups = new Map<string, string[]>();
    result.files.forEach((f, i) => {
      const inOutput = !relative(result.outputDir, f.path).startsWith('..');
      const folder = relative(process.cwd(), inOutput ? result.outputDir : dirname(f.path)) || '.';
      const line = `  ${statuses[i].padEnd(width)}  ${relative(inOutput ? result.outputDir : dirname(f.path), f.path)}`;
      groups.set(folder, [...(groups.get(folder) ?? []), line]);
    });
    for (const [folder, lines] of groups) this.log([`${folder}/`, ...lines].join('\n'));
    if (result.files.every((f) => f.status === 'unchanged')) this.log(messages.getMessage('info.NothingChanged'));
    if (outcome.result.fromOrg?.kind === 'ConnectedApp') {
      this.log(fromOrgMessages.getMessage('info.ConnectedAppNextStep', [result.name, outcome.result.fromOrg.targetOrg, result.name, outcome.result.fromOrg.targetOrg]));
    } else {
      this.log(messages.getMessage('info.NextStep', [result.name]));
    }
    return result;
  }
}
