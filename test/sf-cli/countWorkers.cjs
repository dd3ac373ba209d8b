/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */
// Preloaded into a real `sf` run (NODE_OPTIONS=--require): on exit, appends the script of every worker thread the
// process started to the file named by COUNT_WORKERS_FILE. pino's log transport (thread-stream) starts one per
// copy of @salesforce/core that creates a root logger.
'use strict';
const { appendFileSync } = require('node:fs');
const workerThreads = require('node:worker_threads');

const file = process.env.COUNT_WORKERS_FILE;
if (file && workerThreads.isMainThread) {
  const started = [];
  const Original = workerThreads.Worker;
  workerThreads.Worker = class CountedWorker extends Original {
    constructor(script, options) {
      super(script, options);
      started.push(String(script));
    }
  };
  process.on('exit', () => {
    try {
      appendFileSync(file, started.map((s) => `${s}\n`).join(''));
    } catch {
      // counting must never change the outcome of the run
    }
  });
}
