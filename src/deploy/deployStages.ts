/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import { Messages } from '@salesforce/core';
import type { MultiStageOutput } from '@oclif/multi-stage-output';
import { CALM_PROGRESS } from '../cli/progressDisplay.js';
import type { ProgressEvent } from './deployExecutor.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca-clientcreds', 'eca.clientcreds.deploy');

export type StageKey = 'read' | 'inventory' | 'profile' | 'user' | 'permissionSets' | 'app' | 'done';
export type StageData = { status: string; deployId: string; targetOrg: string; runAs: string };

export type DeployStages = {
  goto: (stage: StageKey, data?: Partial<StageData>) => void;
  progress: (event: ProgressEvent) => void;
  done: () => void;
  error: () => void;
};

/** Progress like `sf project deploy start`: multi-stage output (lazy-imported), nothing under --json. */
export async function deployStages(jsonEnabled: boolean, targetOrg: string, dryRun: boolean): Promise<DeployStages> {
  const titles: Record<StageKey, string> = {
    read: messages.getMessage('stage.read'),
    inventory: messages.getMessage('stage.inventory'),
    profile: messages.getMessage('stage.profile'),
    user: messages.getMessage('stage.user'),
    permissionSets: messages.getMessage('stage.permissionSets'),
    app: messages.getMessage(dryRun ? 'stage.validate' : 'stage.app'),
    done: messages.getMessage('stage.done'),
  };
  let mso: MultiStageOutput<StageData> | undefined;
  if (!jsonEnabled) {
    const { MultiStageOutput: Mso } = await import('@oclif/multi-stage-output');
    mso = new Mso<StageData>({
      ...CALM_PROGRESS,
      jsonEnabled,
      title: messages.getMessage(dryRun ? 'stage.titleDryRun' : 'stage.title'),
      stages: Object.values(titles),
      data: { targetOrg },
      postStagesBlock: [
        { type: 'dynamic-key-value', label: messages.getMessage('stage.label.status'), get: (d) => d?.status },
        { type: 'static-key-value', label: messages.getMessage('stage.label.deployId'), get: (d) => d?.deployId },
        { type: 'static-key-value', label: messages.getMessage('stage.label.targetOrg'), get: (d) => d?.targetOrg },
        { type: 'static-key-value', label: messages.getMessage('stage.label.runAs'), get: (d) => d?.runAs },
      ],
    });
  }
  const goto = (stage: StageKey, data?: Partial<StageData>): void => mso?.skipTo(titles[stage], data);
  return {
    goto,
    progress: (event): void => {
      if (event.kind === 'phase' && event.status === 'start') {
        goto(phaseStage(event.phase, event.steps), { status: '' });
      } else if (event.kind === 'deployStarted') {
        mso?.updateData({ deployId: event.id, status: 'Queued' });
      } else if (event.kind === 'deployUpdate') {
        mso?.updateData({ status: event.update.status });
      } else if (event.kind === 'deployFinished') {
        mso?.updateData({ status: event.status });
      }
    },
    done: (): void => {
      goto('done');
      mso?.stop();
    },
    error: () => mso?.error(),
  };
}

type PhaseStart = Extract<ProgressEvent, { kind: 'phase' }>;

/** The stage a starting phase of the plan shows as. */
export function phaseStage(phase: PhaseStart['phase'], steps: PhaseStart['steps']): StageKey {
  if (phase === 'createUser') return 'user';
  if (phase === 'assignPermissionSets' || phase === 'assignPermissionSetLicense') return 'permissionSets';
  // The access files (profile, permission sets) deployed before the user exists; anything with the app is the app stage.
  if (steps.length > 0 && steps.every((s) => s === 'profile' || s === 'permissionSetFiles')) return 'profile';
  return 'app';
}
