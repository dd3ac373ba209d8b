/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { type Connection, Logger, Messages, type Org, SfError } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand } from '../../../cli/ecaCommand.js';
import { exitCodesHelp } from '../../../cli/exitCodes.js';
import { checkSecretEnvName, DEFAULT_SECRET_ENV, targetOrgArgument, TOKEN_API_VERSION } from '../../../cli/commandLine.js';
import type { AppOauthSettings } from '../../../appSettings/appSettings.js';
import type { TokenCheckResult } from '../../../tokenCheck/tokenCheck.js';
import { readableTable } from '../../../output/readableTable.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.test');
const caMessages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.test.connectedApp');

export type { TokenCheckResult } from '../../../tokenCheck/tokenCheck.js';

export default class Test extends EcaCommand<TokenCheckResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = exitCodesHelp(messages);

  public static readonly flags = {
    name: Flags.string({
      char: 'n',
      summary: messages.getMessage('flags.name.summary'),
      description: messages.getMessage('flags.name.description'),
    }),
    'target-org': Flags.optionalOrg({
      char: 'o',
      summary: messages.getMessage('flags.target-org.summary'),
      description: messages.getMessage('flags.target-org.description'),
    }),
    'api-version': Flags.orgApiVersion({ summary: messages.getMessage('flags.api-version.summary') }),
    'instance-url': Flags.string({
      summary: messages.getMessage('flags.instance-url.summary'),
      exclusive: ['my-domain'],
    }),
    'my-domain': Flags.string({ summary: messages.getMessage('flags.my-domain.summary'), exclusive: ['instance-url'] }),
    'client-id': Flags.string({ char: 'i', summary: messages.getMessage('flags.client-id.summary') }),
    'client-secret': Flags.string({
      summary: messages.getMessage('flags.client-secret.summary'),
      dependsOn: ['client-id'],
    }),
    'client-secret-env': Flags.string({
      summary: messages.getMessage('flags.client-secret-env.summary'),
      default: DEFAULT_SECRET_ENV,
    }),
    'basic-auth': Flags.boolean({ summary: messages.getMessage('flags.basic-auth.summary') }),
    'run-as-username': Flags.string({ summary: messages.getMessage('flags.run-as-username.summary') }),
    wait: Flags.duration({
      char: 'w',
      unit: 'minutes',
      min: 0,
      max: 60,
      defaultValue: 0,
      summary: messages.getMessage('flags.wait.summary'),
    }),
    'show-token': Flags.boolean({ summary: messages.getMessage('flags.show-token.summary') }),
    'no-prompt': Flags.boolean({ char: 'p', summary: messages.getMessage('flags.no-prompt.summary') }),
  };

  /** The app's settings in the project's files (an ECA's, else a connected app's), if there is a project that has them. */
  private static async projectSettings(appName: string): Promise<AppOauthSettings | undefined> {
    try {
      const [{ findProject }, { readProjectAppSettings }] = await Promise.all([
        import('../../../project/sfdxProject.js'),
        import('../../../appSettings/appSettings.js'),
      ]);
      const project = await findProject();
      const eca = await readProjectAppSettings(project.packageDirs, appName);
      if (eca) return eca;
      // A connected app brought in by generate --from-org: its execution user is the expected Run As user.
      const { readProjectConnectedAppSettings } = await import('../../../appSettings/connectedAppSettings.js');
      return await readProjectConnectedAppSettings(project.packageDirs, appName);
    } catch {
      return undefined;
    }
  }

  public async run(): Promise<TokenCheckResult> {
    const { flags } = await this.parse(Test);
    const org = this.usableOrg(flags['target-org'], flags['instance-url'] ?? flags['my-domain']);
    const appName = flags.name;
    // Only what this run uses: the org's credentials reader only with an org (the project's files: projectSettings).
    const [{ resolveTokenEndpoint }, run, orgAccessModule] = await Promise.all([
      import('../../../oauth/tokenEndpoint.js'),
      import('../../../tokenCheck/tokenCheck.js'),
      org ? import('../../../orgCredentials/orgAccess.js') : undefined,
    ]);
    const logger = Logger.childFromRoot('eca:clientcreds:test');
    const conn = org ? Test.orgConnection(org, flags['api-version']) : undefined;

    // Refuse a wrong host before anything asks for or reads a secret.
    const endpoint = resolveTokenEndpoint({
      instanceUrl: flags['instance-url'],
      myDomain: flags['my-domain'],
      targetOrgInstanceUrl: conn?.instanceUrl,
    });
    if (endpoint.kind === 'other') this.warn(messages.getMessage('warning.UnrecognisedHost', [endpoint.host]));

    const orgAccess = org && conn && orgAccessModule ? orgAccessModule.createOrgAccess(conn, org.getOrgId()) : undefined;
    const credentials = await this.credentials(flags, orgAccess, conn, org?.getUsername());

    const projectSettings = appName ? await Test.projectSettings(appName) : undefined;

    if (flags['show-token']) this.warn(messages.getMessage('warning.ShowToken'));
    this.spinner.start(messages.getMessage('spinner.token', [endpoint.tokenUrl]));
    const waitMinutes = flags.wait.minutes;
    const result = await run.runTokenCheck(
      {
        endpoint,
        ...credentials,
        basicAuth: flags['basic-auth'],
        appName: flags.name,
        runAsUsernameFlag: flags['run-as-username'],
        projectSettings,
        org: orgAccess,
        apiVersion: flags['api-version'] ?? conn?.getApiVersion() ?? TOKEN_API_VERSION,
        waitMs: waitMinutes * 60_000,
        showToken: flags['show-token'],
      },
      {
        redactor: this.redactor,
        onRetry: (event) => {
          this.spinner.status = messages.getMessage('spinner.retry', [
            String(event.attempt),
            event.answer,
            String(Math.round(event.delayMs / 1000)),
            `${Math.floor(event.waitedMs / 60_000)}:${String(Math.floor((event.waitedMs % 60_000) / 1000)).padStart(2, '0')}`,
            String(waitMinutes),
          ]);
        },
        onVerify: () => {
          this.spinner.stop();
          this.spinner.start(messages.getMessage('spinner.identity'));
        },
        onWarning: (message) => this.warn(message),
        log: (message) => logger.debug(message),
      }
    );
    this.spinner.stop();
    this.display(result);
    return result;
  }

  /** Stops the spinner; the base class redacts the error and sets the exit code. */
  protected async catch(error: Error | SfError): Promise<never> {
    this.spinner.stop(messages.getMessage('spinner.failed'));
    return super.catch(error);
  }

  /**
   * The org to read from and compare with. A default target-org (from config, not on the command line) is ignored
   * when --instance-url/--my-domain points elsewhere: it would otherwise make a test of another org fail as WrongOrg.
   */
  private usableOrg(org: Org | undefined, explicitHost: string | undefined): Org | undefined {
    if (!org || !explicitHost) return org;
    return targetOrgArgument(this.argv) === undefined ? undefined : org;
  }

  private async credentials(
    flags: {
      name?: string;
      'client-id'?: string;
      'client-secret'?: string;
      'client-secret-env': string;
      'no-prompt': boolean;
    },
    orgAccess: import('../../../orgCredentials/orgAccess.js').OrgAccess | undefined,
    conn?: Connection,
    targetOrg?: string
  ): Promise<{ clientId: string; clientSecret: string; credentialsFromOrg: boolean }> {
    const envName = flags['client-secret-env'];
    checkSecretEnvName(envName);
    if (flags['client-id']) {
      let secret = flags['client-secret'];
      if (secret) this.warn(messages.getMessage('warning.ClientSecretFlag', [envName]));
      secret ??= process.env[envName]?.length ? process.env[envName] : undefined;
      if (!secret) {
        if (this.jsonEnabled() || flags['no-prompt']) {
          throw messages.createError('error.MissingSecret', [envName], [envName]);
        }
        // CI: no terminal to type into; a prompt would wait for input that never comes.
        if (process.stdin.isTTY !== true) throw messages.createError('error.MissingSecretNoTerminal', [envName], [envName]);
        secret = await this.secretPrompt({ message: messages.getMessage('prompt.secret', [flags['client-id']]) });
      }
      this.redactor.registerClientCredentials(flags['client-id'], secret);
      return { clientId: flags['client-id'], clientSecret: secret, credentialsFromOrg: false };
    }
    if (orgAccess) {
      if (!flags.name) throw messages.createError('error.NameRequired');
      this.spinner.start(messages.getMessage('spinner.credentials', [flags.name]));
      const name = flags.name;
      const read = await orgAccess.readCredentials(name).catch(async (error: unknown) => {
        // A connected app has no API that returns its secret: say so instead of the Connect REST failure.
        if (conn && (await isConnectedApp(conn, name))) {
          throw caMessages.createError('error.ConnectedAppNeedsCredentials', [name, targetOrg ?? ''], [name, targetOrg ?? '']);
        }
        throw error;
      });
      this.spinner.stop();
      this.redactor.registerClientCredentials(read.consumerKey, read.consumerSecret);
      if (read.consumerCount > 1) this.warn(messages.getMessage('warning.ManyConsumers', [read.consumerId]));
      return { clientId: read.consumerKey, clientSecret: read.consumerSecret, credentialsFromOrg: true };
    }
    throw messages.createError('error.NoCredentials', [], [envName]);
  }

  private display(result: TokenCheckResult): void {
    const rows: Array<{ key: string; value: string }> = [
      { key: messages.getMessage('label.tokenEndpoint'), value: result.tokenEndpoint },
      { key: messages.getMessage('label.runAsUsername'), value: result.runAsUsername ?? result.runAsUserId ?? '' },
      { key: messages.getMessage('label.expectedRunAsUsername'), value: result.expectedRunAsUsername ?? '-' },
      { key: messages.getMessage('label.orgId'), value: result.orgId ?? '' },
      { key: messages.getMessage('label.instanceUrl'), value: result.instanceUrl ?? '' },
      { key: messages.getMessage('label.tokenType'), value: result.tokenType ?? '' },
      { key: messages.getMessage('label.tokenFormat'), value: result.tokenFormat ?? '' },
      { key: messages.getMessage('label.scopes'), value: result.scopes.join(' ') || '-' },
      { key: messages.getMessage('label.issuedAt'), value: result.issuedAt ?? '' },
      {
        key: messages.getMessage('label.apiCheck'),
        value: result.apiCheck ? `${result.apiCheck.request} -> ${result.apiCheck.status}` : '-',
      },
      { key: messages.getMessage('label.attempts'), value: String(result.attempts) },
      {
        key: messages.getMessage('label.tokenRevoked'),
        value: messages.getMessage(result.tokenRevoked ? 'label.yes' : 'label.no'),
      },
      { key: messages.getMessage('label.elapsed'), value: `${(result.elapsedMs / 1000).toFixed(1)} s` },
    ];
    if (result.expiresAt) rows.push({ key: messages.getMessage('label.expiresAt'), value: result.expiresAt });
    this.table({
      data: rows,
      columns: [
        { key: 'key', name: messages.getMessage('label.field') },
        { key: 'value', name: messages.getMessage('label.value') },
      ],
      ...readableTable(),
    });
    // On a line of its own, never wrapped by the table: it is there to be copied.
    if (result.accessToken) this.log(`${messages.getMessage('label.accessToken')}: ${result.accessToken}`);
    if (result.attempts > 1) {
      this.log(messages.getMessage('info.waited', [String(result.attempts), (result.waitedMs / 1000).toFixed(0)]));
    }
    this.logSuccess(
      messages.getMessage('success', [result.appName ?? result.tokenEndpoint, result.runAsUsername ?? '', result.orgId ?? ''])
    );
  }
}

/** Whether `name` is a connected app in the org (best effort: false when the org can't tell). */
async function isConnectedApp(conn: Connection, name: string): Promise<boolean> {
  try {
    const [{ connectionOrgApi }, { readConnectedApps }] = await Promise.all([
      import('../../../org/orgApi.js'),
      import('../../../org/orgApps.js'),
    ]);
    return (await readConnectedApps(connectionOrgApi(conn), name)).length > 0;
  } catch {
    return false;
  }
}
