import { nodeDarkThreading } from '../node/dark-threads.js';
import { openXtcRun } from '../node/xtc-run.js';
import type { DarkEngines } from '../pipeline/ports.js';
import { darkSourceAccumulator } from '../pipeline/source-accumulator.js';

/** The real XTC reader (src/node/xtc-run) and dark accumulator (src/dark, psana generation 3) behind the driver's ports. */
export function defaultEngines(): DarkEngines {
  return {
    parallelSafe: true,
    openRun: (req) => openXtcRun(req),
    createAccumulator(t, shape, _source, options) {
      const threads = options?.threads ?? 1;
      return darkSourceAccumulator(t, shape, threads > 1 ? nodeDarkThreading(threads - 1) : undefined);
    },
    async scanSources(req, opts) {
      const run = await openXtcRun(req);
      try {
        const scan = await run.scan({ signal: opts.signal });
        const seen = new Map<string, string | undefined>();
        for (const s of scan.sources) if (s.events > 0 && !s.isConfig && s.detectorType) seen.set(s.source, s.detectorType);
        return [...seen].sort((a, b) => a[0].localeCompare(b[0])).map(([source, detectorType]) => ({ source, detectorType }));
      } finally {
        await run.close();
      }
    },
  };
}
