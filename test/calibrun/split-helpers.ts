/** Shared fixture of the split-processing tests: a small generated run, requests, exact fingerprints. */
import { Buffer } from 'node:buffer';
import { CALIBRUN_DEFAULTS } from '../../src/calibrun/options.js';
import type { DarkRunRequest, DarkRunResult } from '../../src/pipeline/dark-pass.js';
import { toCOrder } from '../../src/io/ndarray.js';
import { writeSyntheticRun } from '../../src/node/xtc-synthetic.js';

/** Write a CSPAD2x2 + Opal run (2 streams, some beam events, planted bad pixels) for split tests. */
export async function writeSplitTestRun(xtcDir: string, run: number, seed: number, events = 60): Promise<void> {
  await writeSyntheticRun(xtcDir, {
    experiment: 'xpptut15',
    run,
    events,
    seed,
    streams: 2,
    darkFraction: 0.85,
    detectors: [
      { type: 'CSPAD2x2', hotFraction: 0.003, deadFraction: 0.003, saturatedFraction: 0.002 },
      { type: 'OPAL1000', width: 64, height: 48, hotFraction: 0.01, deadFraction: 0.01 },
    ],
  });
}

/** A dark-pass request over that run with calibrun's defaults (stage-1 block of 20 frames). */
export function splitTestRequest(xtcDir: string, run: number, over: Partial<DarkRunRequest> = {}): DarkRunRequest {
  const d = CALIBRUN_DEFAULTS;
  return {
    open: { xtcDir, experiment: 'xpptut15' },
    runs: [run],
    detectors: ['CSPAD2x2', 'OPAL1000'],
    numEvents: 1000,
    thresholds: {
      intLo: d.thr_int_min, intHi: d.thr_int_max, rmsLo: d.thr_rms_min, rmsHi: d.thr_rms_max,
      intNLo: d.intnlo, intNHi: d.intnhi, rmsNLo: d.rmsnlo, rmsNHi: d.rmsnhi, fracLm: 0.1, nrecs1: 20,
    },
    ...over,
  };
}

/** Counters and every array as raw bytes with its type (bit-for-bit comparison, dtype included). */
export function darkFingerprint(r: DarkRunResult) {
  return {
    eventsRead: r.eventsRead,
    eventsUsed: r.eventsUsed,
    eventsRejected: r.eventsRejected,
    sources: r.sources.map((s) => ({
      source: s.source,
      detector: s.detector,
      frames: s.frames,
      damaged: s.damaged,
      shape: s.shape,
      counter: s.arrays.counter,
      dtypes: s.arrays.dtypes,
      ...Object.fromEntries(
        (['pedestals', 'pixel_rms', 'pixel_status', 'mask', 'max', 'min'] as const).map((k) => {
          const a = toCOrder(s.arrays[k]!);
          return [k, `${a.constructor.name}:${Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64')}`];
        }),
      ),
    })),
  };
}
