// Preloaded (NODE_OPTIONS=--import) into one extra run of each benchmarked command: on exit, appends every module
// URL the process loaded (ESM and CommonJS, through a synchronous loader hook) to the file named by
// BENCH_MODULES_FILE. Separate from the timed runs, because the hook itself costs time.
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const file = process.env.BENCH_MODULES_FILE;
if (file) {
  const loaded = new Set();
  registerHooks({
    load(url, context, nextLoad) {
      loaded.add(url);
      return nextLoad(url, context);
    },
  });
  process.on('exit', () => {
    try {
      appendFileSync(file, `${[...loaded].join('\n')}\n`);
    } catch {
      // measuring must never change the outcome of the measured command
    }
  });
}
