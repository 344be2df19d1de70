import { createDarkAccumulator } from '../dark/accumulator.js';
import { openXtcRun } from '../node/xtc-run.js';
import type { DarkEngines } from './ports.js';

/** The real XTC reader (src/node/xtc-run) and dark accumulator (src/dark, psana generation 3) behind the driver's ports. */
export function defaultEngines(): DarkEngines {
  return {
    openRun: (req) => openXtcRun(req),
    createAccumulator(t, shape) {
      const acc = createDarkAccumulator(
        {
          nrecs: Infinity,
          nrecs1: t.nrecs1,
          intLo: t.intLo,
          intHi: t.intHi,
          rmsLo: t.rmsLo,
          rmsHi: t.rmsHi,
          intNlo: t.intNLo,
          intNhi: t.intNHi,
          rmsNlo: t.rmsNLo,
          rmsNhi: t.rmsNHi,
          fraclm: t.fracLm,
        },
        shape,
      );
      return {
        add: (frame) => void acc.add(frame),
        get count() {
          return acc.nFrames;
        },
        finish() {
          const r = acc.finish();
          return {
            pedestals: r.pedestals,
            pixel_rms: r.pixel_rms,
            pixel_status: r.pixel_status,
            mask: r.mask,
            max: r.max,
            min: r.min,
            statistics: r.counter,
            dtypes: r.dtypes,
          };
        },
      };
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
