import { createDarkAccumulator } from '../dark/accumulator.js';
import { nodeDarkThreading } from '../node/dark-threads.js';
import { openXtcRun } from '../node/xtc-run.js';
import type { DarkParams } from '../dark/params.js';
import type { DarkResult } from '../dark/result.js';
import type { DarkThresholds } from './config.js';
import type { DarkArrays, DarkEngines } from './ports.js';

/** calibrun's thresholds as the dark accumulator's parameters (no frame limit: the driver counts events). */
export function darkParamsOf(t: DarkThresholds): Partial<DarkParams> {
  return {
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
  };
}

/** The accumulator's result in the driver's terms. */
export function toDarkArrays(r: DarkResult): DarkArrays {
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
}

/** The real XTC reader (src/node/xtc-run) and dark accumulator (src/dark, psana generation 3) behind the driver's ports. */
export function defaultEngines(): DarkEngines {
  return {
    parallelSafe: true,
    openRun: (req) => openXtcRun(req),
    createAccumulator(t, shape, _source, options) {
      const threads = options?.threads ?? 1;
      const acc = createDarkAccumulator(darkParamsOf(t), shape, threads > 1 ? { threading: nodeDarkThreading(threads - 1) } : {});
      return {
        add: (frame) => void acc.add(frame),
        nextSlot: () => acc.nextSlot(),
        get count() {
          return acc.nFrames;
        },
        finish: () => toDarkArrays(acc.finish()),
        close: () => acc.close(),
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
