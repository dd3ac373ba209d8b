/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Logger, Messages, type Org } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand } from '../../../cli/ecaCommand.js';
import { exitCodesHelp } from '../../../cli/exitCodes.js';
import { checkSecretEnvName, DEFAULT_SECRET_ENV, shellWord, targetOrgArgument, TOKEN_API_VERSION } from '../../../cli/commandLine.js';
import { readableTable } from '../../../output/readableTable.js';
import type { LoginResult } from '../../../login/clientCredentialsLogin.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.login');

export type { LoginResult } from '../../../login/clientCredentialsLogin.js';

export default class Login extends EcaCommand<LoginResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = exitCodesHelp(messages);

  public static readonly flags = {
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary') }),
    'target-org': Flags.optionalOrg({ char: 'o', summary: messages.getMessage('flags.target-org.summary') }),
    'api-version': Flags.orgApiVersion({ summary: messages.getMessage('flags.api-version.summary') }),
    'instance-url': Flags.string({ summary: messages.getMessage('flags.instance-url.summary'), exclusive: ['my-domain'] }),
    'my-domain': Flags.string({ summary: messages.getMessage('flags.my-domain.summary'), exclusive: ['instance-url'] }),
    'client-id': Flags.string({ char: 'i', summary: messages.getMessage('flags.client-id.summary') }),
    'client-secret-env': Flags.string({
      summary: messages.getMessage('flags.client-secret-env.summary'),
      default: DEFAULT_SECRET_ENV,
    }),
    'run-as-username': Flags.string({ summary: messages.getMessage('flags.run-as-username.summary') }),
    alias: Flags.string({ char: 'a', summary: messages.getMessage('flags.alias.summary') }),
    'set-default': Flags.boolean({ char: 'd', summary: messages.getMessage('flags.set-default.summary') }),
    wait: Flags.duration({
      char: 'w',
      unit: 'minutes',
      min: 0,
      max: 60,
      defaultValue: 0,
      summary: messages.getMessage('flags.wait.summary'),
    }),
    'no-prompt': Flags.boolean({ char: 'p', summary: messages.getMessage('flags.no-prompt.summary') }),
  };

  public async run(): Promise<LoginResult> {
    const { flags } = await this.parse(Login);
    const [{ resolveTokenEndpoint }, { createOrgAccess }, { runTokenCheck }, { loginWithClientCredentials }, { storeAccessToken }] =
      await Promise.all([
        import('../../../oauth/tokenEndpoint.js'),
        import('../../../orgCredentials/orgAccess.js'),
        import('../../../tokenCheck/tokenCheck.js'),
        import('../../../login/clientCredentialsLogin.js'),
        import('../../../login/sfAuthorization.js'),
      ]);
    const logger = Logger.childFromRoot('eca:clientcreds:login');
    const log = (message: string): void => {
      logger.debug(this.redactor.redact(message));
    };
    const org = this.usableOrg(flags['target-org'], flags['client-id']);
    const conn = org ? Login.orgConnection(org, flags['api-version']) : undefined;
    if (flags['client-id'] && !flags['instance-url'] && !flags['my-domain'] && !conn) {
      throw messages.createError('error.NoEndpoint');
    }
    // Refuse a wrong host before anything asks for or reads a secret.
    const endpoint = resolveTokenEndpoint({
      instanceUrl: flags['instance-url'],
      myDomain: flags['my-domain'],
      targetOrgInstanceUrl: conn?.instanceUrl,
    });
    const orgAccess = org && conn ? createOrgAccess(conn, org.getOrgId()) : undefined;
    const credentials = await this.credentials(flags, orgAccess);

    this.spinner.start(messages.getMessage('spinner.token', [endpoint.tokenUrl]));
    const result = await loginWithClientCredentials(
      {
        endpoint,
        ...credentials,
        appName: flags.name,
        runAsUsernameFlag: flags['run-as-username'],
        org: orgAccess,
        apiVersion: flags['api-version'] ?? conn?.getApiVersion() ?? TOKEN_API_VERSION,
        waitMs: flags.wait.minutes * 60_000,
        alias: flags.alias,
        setDefault: Boolean(flags['set-default']),
      },
      {
        redactor: this.redactor,
        check: (input) =>
          runTokenCheck(input, {
            redactor: this.redactor,
            log,
            onWarning: (message) => this.warn(message),
            onVerify: () => {
              this.spinner.status = messages.getMessage('spinner.storing');
            },
          }),
        store: storeAccessToken,
        renewCommand: this.renewCommand(flags, endpoint.baseUrl),
        log,
      }
    );
    this.spinner.stop();
    this.display(result);
    return result;
  }

  protected async catch(error: Error & { exitCode?: number }): Promise<never> {
    this.spinner.stop();
    return super.catch(error);
  }

  /** With --client-id, a default target-org (not on the command line) is not the org to compare with. */
  private usableOrg(org: Org | undefined, clientId: string | undefined): Org | undefined {
    if (!org || !clientId) return org;
    return targetOrgArgument(this.argv) === undefined ? undefined : org;
  }

  private async credentials(
    flags: { name?: string; 'client-id'?: string; 'client-secret-env': string; 'no-prompt': boolean },
    orgAccess: import('../../../orgCredentials/orgAccess.js').OrgAccess | undefined
  ): Promise<{ clientId: string; clientSecret: string; credentialsFromOrg: boolean }> {
    const envName = flags['client-secret-env'];
    checkSecretEnvName(envName);
    const clientId = flags['client-id'];
    if (clientId) {
      let secret = process.env[envName]?.length ? process.env[envName] : undefined;
      if (!secret) {
        if (this.jsonEnabled() || flags['no-prompt'] || !process.stdin.isTTY) {
          throw messages.createError('error.MissingSecret', [envName], [envName]);
        }
        secret = await this.secretPrompt({ message: messages.getMessage('prompt.secret', [clientId]) });
      }
      this.redactor.register(secret);
      return { clientId, clientSecret: secret, credentialsFromOrg: false };
    }
    if (orgAccess && flags.name) {
      this.spinner.start(messages.getMessage('spinner.credentials', [flags.name]));
      const read = await orgAccess.readCredentials(flags.name);
      this.spinner.stop();
      this.redactor.register(read.consumerSecret);
      return { clientId: read.consumerKey, clientSecret: read.consumerSecret, credentialsFromOrg: true };
    }
    throw messages.createError('error.NoCredentials');
  }

  /** The same login again, without any secret (the flow has no refresh token). */
  private renewCommand(
    flags: { name?: string; 'client-id'?: string; 'client-secret-env': string; alias?: string },
    baseUrl: string
  ): string {
    const alias = flags.alias ? ` --alias ${shellWord(flags.alias)}` : '';
    if (flags['client-id']) {
      const env = flags['client-secret-env'] === DEFAULT_SECRET_ENV ? '' : ` --client-secret-env ${flags['client-secret-env']}`;
      return `${this.config.bin} eca clientcreds login --client-id ${shellWord(flags['client-id'])} --instance-url ${shellWord(baseUrl)}${env}${alias}`;
    }
    const target = targetOrgArgument(this.argv);
    return `${this.config.bin} eca clientcreds login --name ${shellWord(flags.name ?? '')}${target ? ` --target-org ${shellWord(target)}` : ''}${alias}`;
  }

  private display(result: LoginResult): void {
    const rows = [
      ['username', result.username],
      ['alias', result.alias ?? '-'],
      ['orgId', result.orgId ?? ''],
      ['instanceUrl', result.instanceUrl],
      ['tokenEndpoint', result.tokenEndpoint],
      ['scopes', result.scopes.join(' ') || '-'],
      ['expiresAt', result.expiresAt ?? '-'],
    ].map(([key, value]) => ({ key, value }));
    this.table({
      data: rows,
      columns: [
        { key: 'key', name: messages.getMessage('label.field') },
        { key: 'value', name: messages.getMessage('label.value') },
      ],
      ...readableTable(),
    });
    this.logSuccess(
      messages.getMessage('success', [result.username, result.orgId ?? '', result.appName ?? result.tokenEndpoint, result.alias ?? result.username])
    );
    this.log(
      result.expiresAt
        ? messages.getMessage('info.expiresAt', [result.expiresAt, result.renewCommand])
        : messages.getMessage('info.expiresUnknown', [result.renewCommand])
    );
  }
}
