/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
import type { MultiStageOutputOptions } from '@oclif/multi-stage-output';

/**
 * Options every multi-stage progress display of the plugin uses. @oclif/multi-stage-output's defaults re-render the
 * whole display (which asks the terminal for its size) every millisecond for the millisecond timers and every 80-100 ms
 * for the spinners: a deploy waiting on a slow org kept a CPU core busy (issue 13). Timers in seconds and a slow
 * spinner bring that to a few renders a second.
 */
export const CALM_PROGRESS = {
  timerUnit: 's',
  design: { spinners: { stage: 'simpleDots', info: 'simpleDots' } },
} as const satisfies Partial<MultiStageOutputOptions<Record<string, unknown>>>;
