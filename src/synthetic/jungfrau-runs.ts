/**
 * The three-run dark set of a Jungfrau gain-mode calibration (one run per gain stage), as psana's Jungfrau
 * dark processing expects it.
 */
import { JungfrauGainMode } from '../xtc/payloads/jungfrau.js';
import type { SyntheticRunSpec } from './generate.js';
import type { JungfrauSyntheticSpec } from './jungfrau-truth.js';
import type { SyntheticDetectorSpec } from './model.js';
import { mixSeed } from './prng.js';

/** Options of {@link jungfrauDarkRunSpecs}. */
export interface JungfrauDarkSetOptions {
  /** Experiment of the file names (default `xpptut15`). */
  experiment?: string;
  /** Run numbers of stages 0, 1, 2 (default 21, 22, 23). */
  runs?: readonly [number, number, number];
  /** Events per run (default 20). */
  events?: number;
  /** Detector seed shared by the three runs (default 1); each run has its own event noise. */
  seed?: number;
  /** Configured gain modes of the three runs (default Normal, ForcedGain1, ForcedGain2). */
  gainModes?: readonly [number, number, number];
  /** Everything else of the detector (source, modules, bad pixels, per-stage maps, versions). */
  detector?: Omit<SyntheticDetectorSpec, 'type' | 'jungfrau'> & { jungfrau?: Omit<JungfrauSyntheticSpec, 'gainMode' | 'wrongModeEvents'> };
  /** Wrong-mode events per run (index 0, 1, 2 = the runs of stages 0, 1, 2). */
  wrongModeEvents?: readonly (readonly number[] | undefined)[];
}

/**
 * The three dark runs of a Jungfrau gain-mode calibration: one per gain stage, the same detector (same
 * per-stage pedestals, noise and bad pixels), independent event noise. All events are dark.
 */
export function jungfrauDarkRunSpecs(o: JungfrauDarkSetOptions = {}): [SyntheticRunSpec, SyntheticRunSpec, SyntheticRunSpec] {
  const runs = o.runs ?? [21, 22, 23];
  const modes = o.gainModes ?? [JungfrauGainMode.Normal, JungfrauGainMode.ForcedGain1, JungfrauGainMode.ForcedGain2];
  const seed = o.seed ?? 1;
  const spec = (k: number): SyntheticRunSpec => ({
    experiment: o.experiment ?? 'xpptut15',
    run: runs[k],
    seed,
    eventSeed: mixSeed(seed, 0x6a6f, runs[k]),
    events: o.events ?? 20,
    darkFraction: 1,
    detectors: [
      {
        ...o.detector,
        type: 'JUNGFRAU',
        jungfrau: { ...o.detector?.jungfrau, gainMode: modes[k], wrongModeEvents: o.wrongModeEvents?.[k] ?? [] },
      },
    ],
  });
  return [spec(0), spec(1), spec(2)];
}
