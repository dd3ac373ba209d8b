/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { to15 } from '../ids.js';
import type { DeployJob, DeployMessage } from './deploy.js';
import type { XmlOutObject } from './soapEnvelope.js';

/** The DeployResult as the SOAP API answers it (org-wire-protocol.md section 3.3; elements in WSDL order). */
export function deployResultXml(job: DeployJob, includeDetails: boolean): XmlOutObject {
  const outcome = job.result;
  const done = job.status !== 'Queued' && job.status !== 'InProgress';
  const result: XmlOutObject = {
    checkOnly: job.options.checkOnly,
    ...(done ? { completedDate: job.completedDate } : {}),
    createdBy: to15(job.createdBy.userId),
    createdByName: job.createdBy.name,
    createdDate: job.createdDate,
  };
  if (includeDetails && outcome) {
    result.details = {
      componentFailures: outcome.failures.map(toXmlMessage),
      componentSuccesses: outcome.successes.map(toXmlMessage),
      runTestResult: { numFailures: 0, numTestsRun: 0, totalTime: 0 },
    };
  }
  Object.assign(result, {
    done,
    ...(outcome?.errorMessage ? { errorMessage: outcome.errorMessage, errorStatusCode: outcome.errorStatusCode } : {}),
    id: job.id,
    ignoreWarnings: job.options.ignoreWarnings,
    lastModifiedDate: job.completedDate ?? job.createdDate,
    numberComponentErrors: outcome?.failures.length ?? 0,
    numberComponentsDeployed: outcome?.numberComponentsDeployed ?? 0,
    numberComponentsTotal: outcome?.numberComponentsTotal ?? job.numberComponentsTotal,
    numberTestErrors: 0,
    numberTestsCompleted: 0,
    numberTestsTotal: 0,
    rollbackOnError: job.options.rollbackOnError,
    runTestsEnabled: false,
    ...(job.status !== 'Queued' ? { startDate: job.createdDate } : {}),
    status: job.status,
    success: job.status === 'Succeeded' || job.status === 'SucceededPartial',
  });
  return result;
}

function toXmlMessage(m: DeployMessage): XmlOutObject {
  return {
    changed: m.changed,
    ...(m.columnNumber !== undefined ? { columnNumber: m.columnNumber } : {}),
    componentType: m.componentType,
    created: m.created,
    createdDate: m.createdDate,
    deleted: m.deleted,
    fileName: m.fileName,
    fullName: m.fullName,
    ...(m.id ? { id: m.id } : {}),
    ...(m.lineNumber !== undefined ? { lineNumber: m.lineNumber } : {}),
    ...(m.problem !== undefined ? { problem: m.problem, problemType: m.problemType } : {}),
    success: m.success,
  };
}
