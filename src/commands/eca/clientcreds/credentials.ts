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

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.credentials');

export type CredentialsResult = Omit<HandoverResult, 'shown'> & { appName: string };

export default class Credentials extends EcaCommand<CredentialsResult> {
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
    'output-file': Flags.file({
      summary: messages.getMessage('flags.output-file.summary'),
      description: messages.getMessage('flags.output-file.description'),
    }),
    force: Flags.boolean({ summary: messages.getMessage('flags.force.summary'), dependsOn: ['output-file'] }),
    'show-secret': Flags.boolean({ summary: messages.getMessage('flags.show-secret.summary') }),
  };

  public async run(): Promise<CredentialsResult> {
    const { flags } = await this.parse(Credentials);
    const [{ createOrgAccess }, { collectHandoverFields }, { checkHandoverTarget, handOver, secretWanted }] = await Promise.all([
      import('../../../orgCredentials/orgAccess.js'),
      import('../../../handover/handoverFields.js'),
      import('../../../handover/handOver.js'),
    ]);
    const logger = Logger.childFromRoot('eca:clientcreds:credentials');
    const options = {
      format: flags.format as HandoverFormat,
      outputFile: flags['output-file'],
      force: Boolean(flags.force),
      showSecret: Boolean(flags['show-secret']),
    };
    // Refuse a bad output file before reading anything.
    await checkHandoverTarget(options);
    const org = flags['target-org'];
    const orgAccess = createOrgAccess(Credentials.orgConnection(org, flags['api-version']), org.getOrgId());

    this.spinner.start(messages.getMessage('spinner.reading', [flags.name]));
    const collected = await collectHandoverFields(orgAccess, flags.name, secretWanted(options));
    this.spinner.stop();
    this.redactor.register(collected.fields.clientSecret);
    logger.debug(`credentials of ${flags.name}: consumer ${collected.fields.consumerId}, secret read: ${String(collected.fields.clientSecret !== undefined)}`);
    if (collected.consumerCount > 1) {
      this.warn(messages.getMessage('warning.ManyConsumers', [String(collected.consumerCount), collected.fields.consumerId]));
    }
    if (collected.runAsWarning) this.warn(messages.getMessage('warning.RunAsUnknown', [this.redactor.redact(collected.runAsWarning)]));
    if (options.showSecret) this.warn(loadHandoverMessage('warning.ShowSecret'));

    const handover = await handOver(collected.fields, options);
    const { shown, ...rest } = handover;
    this.display(handover, shown);
    return { appName: flags.name, ...rest };
  }

  protected async catch(error: Error & { exitCode?: number }): Promise<never> {
    this.spinner.stop();
    return super.catch(error);
  }

  private display(handover: HandoverResult, shown: string | undefined): void {
    const rows = Object.entries(handover.credentials)
      .filter(([key]) => key !== 'clientSecret')
      .map(([key, value]) => ({ key, value }));
    const secretValue = handover.secretShown
      ? undefined
      : handover.outputFile
      ? messages.getMessage('value.secretInFile', [handover.outputFile])
      : messages.getMessage('value.secretNotShown');
    if (secretValue) rows.splice(4, 0, { key: messages.getMessage('label.clientSecret'), value: secretValue });
    this.table({
      data: rows,
      columns: [
        { key: 'key', name: messages.getMessage('label.field') },
        { key: 'value', name: messages.getMessage('label.value') },
      ],
      ...readableTable(),
    });
    if (handover.outputFile) {
      if (handover.replacedFile) this.log(messages.getMessage('info.replacedFile', [handover.outputFile]));
      this.logSuccess(messages.getMessage('info.wroteFile', [handover.format, handover.outputFile]));
    }
    if (shown) {
      this.log(messages.getMessage('info.shown', [handover.format]));
      this.log(shown.trimEnd());
    }
  }
}

function loadHandoverMessage(key: string): string {
  return Messages.loadMessages('plugin-eca-clientcreds', 'handover').getMessage(key);
}
