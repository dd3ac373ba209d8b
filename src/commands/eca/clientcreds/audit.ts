/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand } from '../../../cli/ecaCommand.js';
import { exitCodesHelp } from '../../../cli/exitCodes.js';
import { readableTable } from '../../../output/readableTable.js';
import type { AuditResult } from '../../../audit/audit.js';
import { SEVERITIES, type Severity } from '../../../audit/auditRules.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.audit');

export type { AuditResult, AuditedAppReport, AuditFinding } from '../../../audit/audit.js';

/** Exit code when a finding is at or above --fail-on (1 is a failed command, 2 bad flags). */
export const FINDINGS_EXIT_CODE = 3;
const WIDTH = 100;

export default class Audit extends EcaCommand<AuditResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = exitCodesHelp(messages, {
    [messages.getMessage('errorCodes.findings.label', [String(FINDINGS_EXIT_CODE)])]: messages.getMessage('errorCodes.findings'),
  });

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    'fail-on': Flags.option({ summary: messages.getMessage('flags.fail-on.summary'), options: SEVERITIES })(),
  };

  public async run(): Promise<AuditResult> {
    const { flags } = await this.parse(Audit);
    const org = flags['target-org'];
    const [{ runAudit }, { connectionOrgApi }] = await Promise.all([import('../../../audit/audit.js'), import('../../../org/orgApi.js')]);
    this.spinner.start(messages.getMessage('spinner.reading', [org.getUsername() ?? '']));
    const result = await runAudit(connectionOrgApi(Audit.orgConnection(org, flags['api-version'])), {
      targetOrg: org.getUsername() ?? '',
      failOn: flags['fail-on'] as Severity | undefined,
    });
    this.spinner.stop();
    this.display(result);
    if (result.failed) process.exitCode = FINDINGS_EXIT_CODE;
    return result;
  }

  private display(result: AuditResult): void {
    if (this.jsonEnabled()) return;
    this.log(
      messages.getMessage('output.summary', [
        result.targetOrg,
        String(result.appsInOrg.externalClientApps),
        String(result.appsInOrg.connectedApps),
        String(result.apps.length),
      ])
    );
    if (result.apps.length === 0) {
      this.log(messages.getMessage('output.none', [result.targetOrg]));
      return;
    }
    this.table({
      data: result.apps.map((a) => ({
        app: a.name,
        type: messages.getMessage(`kind.${a.kind}`),
        flow: messages.getMessage(`flow.${a.flow}`),
        runAs: a.runAsUsername ?? '-',
        worst: a.worst ?? '-',
      })),
      columns: [
        { key: 'app', name: messages.getMessage('column.app') },
        { key: 'type', name: messages.getMessage('column.type') },
        { key: 'flow', name: messages.getMessage('column.flow') },
        { key: 'runAs', name: messages.getMessage('column.runAs') },
        { key: 'worst', name: messages.getMessage('column.worst') },
      ],
      ...readableTable(),
    });
    for (const app of result.apps.filter((a) => a.findings.length > 0)) {
      this.log();
      this.log(messages.getMessage('output.appTitle', [app.name, messages.getMessage(`kind.${app.kind}`)]));
      for (const f of app.findings) {
        const label = f.severity.toUpperCase().padEnd(9);
        this.log(wrap(f.message, WIDTH, `  ${label}`, ' '.repeat(11)));
        this.log(wrap(messages.getMessage('output.fix', [f.fix]), WIDTH, ' '.repeat(11), ' '.repeat(11)));
      }
    }
    this.log();
    const c = result.counts;
    this.log(messages.getMessage('output.counts', [c.critical, c.high, c.medium, c.low, c.info].map(String)));
    if (result.failed && result.failOn) this.log(messages.getMessage('output.failed', [result.failOn]));
  }
}

/** Wraps `text` to `width` columns, the first line after `first`, the next ones after `rest`. */
export function wrap(text: string, width: number, first: string, rest: string): string {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}
