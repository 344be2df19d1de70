/**
 * The browser example's calibman calls: list a run's area-detector sources and run psana's dark processing of
 * one of them over XTC bytes — the same core functions a Node script calls, fed from a `File` instead of disk.
 */
import {
  darkSourceAccumulator,
  fillDarkThresholds,
  runDarkPass,
  toCOrder,
  xtcRunFromBytes,
  type DarkEngines,
  type DarkThreading,
} from 'calibman';

/** An XTC file's name (for the stream/chunk order) and its bytes. */
export interface XtcInput {
  name: string;
  bytes: Uint8Array;
}

/** A source with frames in the run. */
export interface SourceEntry {
  source: string;
  detectorType: string;
  events: number;
}

/** The dark constants of one source (what the page draws and exposes). */
export interface DarkOutcome {
  source: string;
  detectorType: string;
  /** Raw frame shape (psana's). */
  shape: number[];
  /** Frames accumulated (events with undamaged data of the source). */
  frames: number;
  /** Pedestals, ADU, C order. */
  pedestals: Float64Array;
  /** pixel_status bits, C order (0 = good). */
  pixelStatus: Int32Array;
  /** Helper threads that shared the accumulation. */
  helpers: number;
}

/** Sources of the run that a detector decoder knows and that have data in some event. */
export async function listSources(inputs: readonly XtcInput[]): Promise<SourceEntry[]> {
  const run = xtcRunFromBytes(inputs);
  try {
    const scan = await run.scan();
    return scan.sources
      .filter((s) => !s.isConfig && s.events > 0 && s.detectorType !== undefined)
      .map((s) => ({ source: s.source, detectorType: s.detectorType!, events: s.events }))
      .sort((a, b) => a.source.localeCompare(b.source));
  } finally {
    await run.close();
  }
}

/** Events calibrun uses by default (`--num_events`). */
const NUM_EVENTS = 1000;

/**
 * psana's dark processing of one source with calibrun's defaults, through the same pipeline the Node facade and
 * calibrun run (`runDarkPass`: event selection, damaged frames left out, accumulation), here over the bytes of
 * the run's files and, given `threading`, with helper Web Workers.
 */
export async function darkOfSource(inputs: readonly XtcInput[], source: string, threading?: DarkThreading): Promise<DarkOutcome> {
  let detectorType = '';
  const engines: DarkEngines = {
    async openRun() {
      const run = xtcRunFromBytes(inputs);
      return {
        files: run.files,
        async *events(opts) {
          for await (const ev of run.events(opts)) {
            if (!detectorType && ev.sources.includes(source)) detectorType = ev.detectorType(source) ?? '';
            yield ev;
          }
        },
        close: () => run.close(),
      };
    },
    createAccumulator(thresholds, shape) {
      return darkSourceAccumulator(thresholds, shape, threading);
    },
  };
  const pass = await runDarkPass(
    { open: { files: inputs.map((f) => f.name) }, runs: [0], detectors: [source], numEvents: NUM_EVENTS, thresholds: fillDarkThresholds({}) },
    engines,
  );
  const result = pass.sources.find((s) => s.source === source);
  if (!result) throw new Error(`no frames of ${source} in the run`);
  return {
    source,
    detectorType,
    shape: result.shape,
    frames: result.frames,
    pedestals: Float64Array.from(toCOrder(result.arrays.pedestals) as ArrayLike<number>),
    pixelStatus: Int32Array.from(toCOrder(result.arrays.pixel_status) as Iterable<number | bigint>, Number),
    helpers: threading?.helpers ?? 0,
  };
}
