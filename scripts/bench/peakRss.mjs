// Preloaded into every benchmarked Node process (NODE_OPTIONS=--import): on exit, appends the process's peak
// resident set size in kilobytes to the file named by BENCH_RSS_FILE.
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
    } catch {
      // measuring must never change the outcome of the measured command
    }
  });
}
