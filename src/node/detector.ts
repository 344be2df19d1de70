/**
 * Node side of the detector object: find a source's constants for a run in a calib store (psana's finder
 * rules), read them and build a {@link CalibratedDetector}; optionally open the run's XTC files too.
 */
import { promises as fsp } from 'node:fs';
import { CalibStoreError } from '../errors.js';
import { type CalibratedDetector, createDetector } from '../calibration/detector.js';
import { type ConstantFile, type DetectorCalibType, detectorCalibTypes } from '../calibration/constants.js';
import { detectorTypeOfSource, normalizeSource, requireDetectorType, resolveDetectors } from '../detectors/registry.js';
import type { DetectorType } from '../detectors/types.js';
import { openCalibStore } from './calib-store.js';
import { nodeCalibThreading } from './detector-threads.js';
import { storeError } from './calib-store-fs.js';
import { type OpenXtcRunOptions, type XtcRun, openXtcRun } from './xtc-run.js';

/** Options of {@link openDetector}. */
export interface OpenDetectorOptions {
  /** Experiment calib directory (`…/<exp>/calib`). */
  readonly calibDir: string;
  /** psana source string (`CxiDs1.0:Cspad.0`); with `xtc`, also an alias or a registry name of the run. */
  readonly source: string;
  /** Run number the constants are chosen for. */
  readonly run: number;
  /** Detector type when the source's device is not in the registry under its own name. */
  readonly detectorType?: string;
  /** Raw shape, for types without a fixed one (cameras) when no pedestals give it. */
  readonly shape?: readonly number[];
  /** The run's XTC files (or an xtc directory): then `run` of the result reads its events. */
  readonly xtc?: OpenXtcRunOptions;
  /**
   * Threads of the per-event calibration (calling thread + helpers sharing each frame's pixel groups):
   * default 1; `'auto'` = CALIBMAN_DET_THREADS, else the available cores.
   */
  readonly threads?: number | 'auto';
}

/** A detector object with, when XTC input was given, its open run. */
export interface OpenedDetector {
  /** Calibrated frames, images and constants of the detector. */
  readonly detector: CalibratedDetector;
  /** The open run (close it when done); undefined without XTC input. */
  readonly xtcRun: XtcRun | undefined;
}

async function readConstantFile(path: string): Promise<ConstantFile> {
  try {
    return { bytes: new Uint8Array(await fsp.readFile(path)), name: path };
  } catch (err) {
    throw storeError(path, err, 'read calib file');
  }
}

/** Resolve a user's source (with the run's sources and aliases when a run is open). */
async function resolveSource(opts: OpenDetectorOptions, run: XtcRun | undefined): Promise<{ source: string; type: DetectorType }> {
  if (opts.detectorType) return { source: normalizeSource(opts.source), type: requireDetectorType(opts.detectorType) };
  const direct = normalizeSource(opts.source);
  const t = detectorTypeOfSource(direct);
  if (t) return { source: direct, type: t };
  if (!run) throw new CalibStoreError(`"${opts.source}" is not a psana source string of a known detector (e.g. CxiDs1.0:Cspad.0)`);
  const scan = await run.scan();
  const found = resolveDetectors([opts.source], scan.sources.map((s) => s.source), new Map(Object.entries(scan.aliases)));
  if (found.length !== 1) {
    throw new CalibStoreError(`"${opts.source}" matches ${found.length} sources of the run (${found.map((f) => f.source).join(', ')}): give one source string`);
  }
  return found[0];
}

/**
 * Open one source of one run: its constants are the files psana's finder chooses for `run` in each type
 * directory (pedestals, pixel_status, pixel_rms, pixel_gain, pixel_mask, common_mode, geometry; Jungfrau also
 * pixel_offset); missing
 * ones fall back as psana does (see {@link CalibratedDetector.explain}).
 * @throws CalibStoreError / NdarrayFileError / GeometryFileError / DetectorNotFoundError with the file or source at fault
 */
export async function openDetector(opts: OpenDetectorOptions): Promise<OpenedDetector> {
  const xtcRun = opts.xtc ? await openXtcRun(opts.xtc) : undefined;
  try {
    const { source, type } = await resolveSource(opts, xtcRun);
    const store = await openCalibStore(opts.calibDir);
    const files: Partial<Record<DetectorCalibType, ConstantFile>> = {};
    const reasons: Partial<Record<DetectorCalibType, readonly string[]>> = {};
    for (const ct of detectorCalibTypes(type.name)) {
      const found = await store.find({ source, type: ct, group: type.calibGroup, run: opts.run });
      if (found.path) files[ct] = await readConstantFile(found.path);
      const others = found.candidates.filter((c) => c.verdict !== 'chosen' && c.verdict !== 'skipped');
      if (others.length) reasons[ct] = others.map((c) => `${c.name}: ${c.reason}`);
    }
    const threads = opts.threads ?? 1;
    const threading = threads === 1 ? undefined : nodeCalibThreading(threads === 'auto' ? undefined : threads);
    const detector = createDetector({ source, type, shape: opts.shape, files, reasons, threading });
    return { detector, xtcRun };
  } catch (err) {
    await xtcRun?.close();
    throw err;
  }
}
