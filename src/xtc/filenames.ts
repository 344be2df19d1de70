/** LCLS-I run file names: `e<expnum>-r<run>-s<stream>-c<chunk>.xtc` or `<exp>-r<run>-s<stream>-c<chunk>.xtc`. */

/** The parts of a run file name. */
export interface XtcFileName {
  /** Experiment part (`e665`, `xcsc00118`). */
  experiment: string;
  /** Run number (`-r0042`). */
  run: number;
  /** DAQ stream (`-s01`; ≥ 80 for control streams). */
  stream: number;
  /** Chunk of the stream (`-c00`). */
  chunk: number;
  /** Small-data file (`.smd.xtc`). */
  smd: boolean;
  /** Still being written (`.inprogress`). */
  inProgress: boolean;
}

const RE = /^(.+)-r(\d+)-s(\d+)-c(\d+)\.(smd\.)?xtc(\.inprogress)?$/;

/** Parse a run file's base name; undefined when it does not follow the pattern. */
export function parseXtcFileName(basename: string): XtcFileName | undefined {
  const m = RE.exec(basename);
  if (!m) return undefined;
  return { experiment: m[1], run: Number(m[2]), stream: Number(m[3]), chunk: Number(m[4]), smd: !!m[5], inProgress: !!m[6] };
}

/** The classic file name of a chunk: `<exp>-r0042-s01-c00.xtc` (experiment `e665` or `xcsc00118`). */
export function xtcFileName(experiment: string, run: number, stream: number, chunk: number, inProgress = false): string {
  const p = (n: number, w: number): string => String(n).padStart(w, '0');
  return `${experiment}-r${p(run, 4)}-s${p(stream, 2)}-c${p(chunk, 2)}.xtc${inProgress ? '.inprogress' : ''}`;
}

/**
 * True when an experiment request matches a file's experiment part exactly (`665` and `e665` match `e665`).
 * Run lookup uses the wider rule of `experimentPartBelongs` (src/xtc/run-naming.ts), which also takes
 * `e<expnum>` files of an experiment given by name.
 */
export function experimentMatches(requested: string | undefined, fileExperiment: string): boolean {
  if (requested === undefined || requested === '') return true;
  if (requested === fileExperiment) return true;
  return /^\d+$/.test(requested) && fileExperiment === `e${requested}`;
}

/** Streams numbered 80 and above are controls (IOC) recorder streams. */
export function isControlStream(stream: number): boolean {
  return stream >= 80;
}
