/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Logger, Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand } from '../../../cli/ecaCommand.js';
import { exitCodesHelp } from '../../../cli/exitCodes.js';
import { readableTable } from '../../../output/readableTable.js';
import { HANDOVER_FORMATS, type HandoverFormat } from '../../../handover/handoverFormats.js';
import type { HandoverResult } from '../../../handover/handOver.js';
import type { RotationResult } from '../../../rotation/rotateCredentials.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.rotate');

export type RotateResult = RotationResult & { handover?: Omit<HandoverResult, 'shown'> };

export default class Rotate extends EcaCommand<RotateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = exitCodesHelp(messages);

  public static readonly flags = {
    name: Flags.string({ char: 'n', required: true, summary: messages.getMessage('flags.name.summary') }),
    'target-org': Flags.requiredOrg({ summary: messages.getMessage('flags.target-org.summary') }),
    'api-version': Flags.orgApiVersion({ summary: messages.getMessage('flags.api-version.summary') }),
    format: Flags.option({
      char: 'f',
      options: HANDOVER_FORMATS,
      default: 'json' as const,
      summary: messages.getMessage('flags.format.summary'),
    })(),
    'output-file': Flags.file({ summary: messages.getMessage('flags.output-file.summary') }),
    force: Flags.boolean({ summary: messages.getMessage('flags.force.summary'), dependsOn: ['output-file'] }),
    'show-secret': Flags.boolean({ summary: messages.getMessage('flags.show-secret.summary') }),
    'revoke-previous': Flags.boolean({ summary: messages.getMessage('flags.revoke-previous.summary') }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
    wait: Flags.duration({
      char: 'w',
      unit: 'minutes',
      min: 0,
      max: 60,
      defaultValue: 10,
      summary: messages.getMessage('flags.wait.summary'),
    }),
  };

  public async run(): Promise<RotateResult> {
    const { flags } = await this.parse(Rotate);
    const [{ createOrgAccess }, handoverModule, formats, rotation, tokenCheck, tokenClient, { resolveTokenEndpoint }] = await Promise.all([
      import('../../../orgCredentials/orgAccess.js'),
      import('../../../handover/handOver.js'),
      import('../../../handover/handoverFormats.js'),
      import('../../../rotation/rotateCredentials.js'),
      import('../../../tokenCheck/tokenCheck.js'),
      import('../../../oauth/tokenClient.js'),
      import('../../../oauth/tokenEndpoint.js'),
    ]);
    const logger = Logger.childFromRoot('eca:clientcreds:rotate');
    const log = (message: string): void => {
      logger.debug(this.redactor.redact(message));
    };
    const options = {
      format: flags.format as HandoverFormat,
      outputFile: flags['output-file'],
      force: Boolean(flags.force),
      showSecret: Boolean(flags['show-secret']),
    };
    // Refuse a bad output file before anything changes in the org: the new pair must have somewhere to go.
    await handoverModule.checkHandoverTarget(options);
    const org = flags['target-org'];
    const conn = Rotate.orgConnection(org, flags['api-version']);
    const orgAccess = createOrgAccess(conn, org.getOrgId());
    const endpoint = resolveTokenEndpoint({ targetOrgInstanceUrl: conn.instanceUrl });
    const apiVersion = conn.getApiVersion();
    if (options.showSecret) this.warn(Messages.loadMessages('plugin-eca-clientcreds', 'handover').getMessage('warning.ShowSecret'));

    let provenRunAs: string | undefined;
    const delivered: { handover?: HandoverResult } = {};
    this.spinner.start(messages.getMessage('spinner.reading', [flags.name]));
    const result = await rotation.rotateCredentials(
      { appName: flags.name, revokePrevious: Boolean(flags['revoke-previous']), dryRun: Boolean(flags['dry-run']), waitMs: flags.wait.minutes * 60_000 },
      {
        org: orgAccess,
        redactor: this.redactor,
        prove: async (pair, waitMs) => {
          const check = await tokenCheck.runTokenCheck(
            {
              endpoint,
              ...pair,
              credentialsFromOrg: true,
              basicAuth: false,
              appName: flags.name,
              org: orgAccess,
              apiVersion,
              waitMs,
              showToken: false,
            },
            { redactor: this.redactor, log, onWarning: (message) => this.warn(message) }
          );
          provenRunAs = check.runAsUsername;
          return { runAsUsername: check.runAsUsername, orgId: check.orgId };
        },
        probe: (pair) => tokenClient.requestClientCredentialsToken({ tokenUrl: endpoint.tokenUrl, ...pair }),
        revokeToken: async (accessToken) => {
          const outcome = await tokenClient.revokeToken({ baseUrl: endpoint.baseUrl, accessToken });
          log(`probe token revoke: HTTP ${outcome.status}`);
        },
        handOver: async (pair) => {
          const runAsUsername = provenRunAs ?? (await orgAccess.readAppSettings(flags.name).catch(() => undefined))?.runAsUser;
          delivered.handover = await handoverModule.handOver(
            {
              ...formats.hostForms(conn.instanceUrl),
              appName: flags.name,
              appId: pair.appId,
              consumerId: pair.consumerId,
              clientId: pair.consumerKey,
              clientSecret: handoverModule.secretWanted(options) ? pair.consumerSecret : undefined,
              runAsUsername,
              orgId: org.getOrgId(),
              apiVersion,
            },
            options
          );
        },
        onStep: (step) => {
          this.spinner.status = `${messages.getMessage(`step.${step.step}`)}: ${step.status}`;
          log(`rotate ${flags.name}: ${step.step} ${step.status}${step.detail ? ` (${step.detail})` : ''}`);
        },
        log,
      }
    );
    this.spinner.stop();
    if (result.consumerCount > 1) this.warn(messages.getMessage('warning.ManyConsumers', [String(result.consumerCount), result.consumerId]));
    const shown = delivered.handover?.shown;
    const handoverResult = delivered.handover ? { ...delivered.handover, shown: undefined } : undefined;
    const output: RotateResult = { ...result, ...(handoverResult ? { handover: handoverResult } : {}) };
    this.display(output, shown);
    return output;
  }

  protected async catch(error: Error & { exitCode?: number }): Promise<never> {
    this.spinner.stop();
    return super.catch(error);
  }

  private display(result: RotateResult, shown: string | undefined): void {
    this.table({
      data: result.steps.map((s) => ({ step: messages.getMessage(`step.${s.step}`), status: s.status, detail: s.detail ?? '' })),
      columns: [
        { key: 'step', name: messages.getMessage('label.step') },
        { key: 'status', name: messages.getMessage('label.status') },
        { key: 'detail', name: messages.getMessage('label.detail') },
      ],
      ...readableTable(),
    });
    if (result.dryRun) {
      this.log(messages.getMessage('info.dryRun'));
      return;
    }
    if (result.resumed) this.log(messages.getMessage('info.resumed'));
    const handover = result.handover;
    if (handover?.outputFile) this.log(messages.getMessage('info.wroteFile', [handover.format, handover.outputFile]));
    if (shown) {
      this.log(messages.getMessage('info.shown', [handover?.format ?? '']));
      this.log(shown.trimEnd());
    }
    const runAs = result.runAsUsername ?? '?';
    if (result.credentialState === 'previous-revoked') {
      this.logSuccess(messages.getMessage('success.previousRevoked', [result.appName, result.previousClientId ?? '', result.clientId ?? '', runAs]));
      return;
    }
    if (result.credentialState === 'rotated-previous-revoked') {
      this.logSuccess(messages.getMessage('success.rotatedRevoked', [result.appName, result.clientId ?? '', runAs]));
      return;
    }
    if (!handover?.outputFile && !shown) this.log(messages.getMessage('info.nextHandOver', [result.appName]));
    this.log(messages.getMessage('info.previousValid', [result.previousClientId ?? '', result.previousValidUntil ?? '?', result.appName]));
    this.logSuccess(messages.getMessage('success.rotated', [result.appName, result.clientId ?? '', runAs]));
  }
}
