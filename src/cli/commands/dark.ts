/** `calibman dark …`: dark processing of a stack of frames. */
import { promises as fsp } from 'node:fs';
import type { Command } from 'commander';
import { CalibmanError, ConfigError, NdarrayFileError } from '../../errors.js';
import { action, parseIntOption, parseNumberOption } from '../action.js';
import { type DType, type TypedArray, DTYPE_SIZE, allocTyped, shapeSize } from '../../io/dtype.js';
import type { NpyHeader } from '../../io/npy.js';
import { readNpyFileHeader, writeNpyFile } from '../../node/npy-files.js';
import { fileError } from '../../node/files.js';
import { createDarkAccumulator } from '../../dark/accumulator.js';
import { createNdArrAverageAccumulator } from '../../dark/ndarraverage.js';
import { CALIBRUN_DARK_DEFAULTS, NDARRAVERAGE_DEFAULTS } from '../../dark/params.js';
import type { DarkResult } from '../../dark/result.js';

/** Frame element types `dark stack` accepts. */
const FRAME_DTYPES: readonly DType[] = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64'];

/** Header of a .npy stack read frame by frame, checked for what the dark algorithms need. */
async function readNpyStackHeader(handle: fsp.FileHandle, file: string): Promise<NpyHeader> {
  const h = await readNpyFileHeader(handle, file);
  if (!FRAME_DTYPES.includes(h.dtype)) throw new NdarrayFileError(`unsupported frame dtype ${h.dtype} (expected integer or float frames)`, { file });
  if (h.fortranOrder) throw new NdarrayFileError('Fortran-ordered stacks are not supported (expected C order, events first)', { file });
  if (h.shape.length < 2) throw new NdarrayFileError(`expected a stack of frames (events first, ndim >= 2), found shape (${h.shape.join(',')})`, { file });
  if (h.shape.slice(1).includes(0)) throw new NdarrayFileError(`frames of shape (${h.shape.slice(1).join(',')}) hold no pixels`, { file });
  return h;
}

/** Frames of a .npy stack, read in chunks so that the whole stack is never in memory. */
async function* readStackFrames(file: string, skip: number, limit: number): AsyncGenerator<{ frame: TypedArray; shape: number[] }> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, 'r');
  } catch (err) {
    throw fileError(file, err, 'open');
  }
  try {
    const h = await readNpyStackHeader(handle, file);
    const frameShape = h.shape.slice(1);
    const nFrames = h.shape[0];
    const esize = DTYPE_SIZE[h.dtype];
    const frameBytes = shapeSize(frameShape) * esize;
    const perChunk = Math.max(1, Math.floor((32 << 20) / Math.max(1, frameBytes)));
    const chunk = new Uint8Array(perChunk * frameBytes);
    const end = Math.min(nFrames, skip + limit);
    for (let f0 = skip; f0 < end; f0 += perChunk) {
      const nf = Math.min(perChunk, end - f0);
      await handle.read(chunk, 0, nf * frameBytes, h.dataOffset + f0 * frameBytes);
      if (h.bigEndian && esize > 1) for (let i = 0; i < nf * frameBytes; i += esize) chunk.subarray(i, i + esize).reverse();
      for (let k = 0; k < nf; k++) {
        const frame = allocTyped(h.dtype, 0).constructor as new (b: ArrayBuffer, o: number, n: number) => TypedArray;
        yield { frame: new frame(chunk.buffer, k * frameBytes, frameBytes / esize), shape: frameShape };
      }
    }
  } finally {
    await handle.close();
  }
}

interface StackOptions {
  outPrefix: string;
  algorithm: string;
  nrecs: number;
  nrecs1: number;
  skip: number;
  intLo: number;
  intHi: number;
  rmsLo: number;
  rmsHi: number;
  /** commander's keys of `--int-nlo`, `--int-nhi`, `--rms-nlo`, `--rms-nhi`, `--fraclm`. */
  intNlo: number;
  intNhi: number;
  rmsNlo: number;
  rmsNhi: number;
  fraclm: number;
  dataBits: number;
  thrRms: number;
  thrRmsMin: number;
  thrMin: number;
  thrMax: number;
  quiet?: boolean;
}

async function runStack(file: string, o: StackOptions): Promise<void> {
  if (o.algorithm !== 'psana' && o.algorithm !== 'ndarraverage') {
    throw new ConfigError('--algorithm', `expected psana or ndarraverage, found "${o.algorithm}"`);
  }
  if (!Number.isInteger(o.skip) || o.skip < 0) throw new ConfigError('--skip', `expected an integer >= 0, found ${o.skip}`);
  let acc: { add(f: TypedArray): boolean; finish(): DarkResult } | undefined;
  const t0 = performance.now();
  for await (const { frame, shape } of readStackFrames(file, o.skip, o.nrecs)) {
    acc ??=
      o.algorithm === 'psana'
        ? createDarkAccumulator(
            {
              nrecs: o.nrecs, nrecs1: o.nrecs1, intLo: o.intLo, intHi: o.intHi, rmsLo: o.rmsLo, rmsHi: o.rmsHi,
              intNLo: o.intNlo, intNHi: o.intNhi, rmsNLo: o.rmsNlo, rmsNHi: o.rmsNhi, fracLm: o.fraclm, dataBits: o.dataBits,
            },
            shape,
          )
        : createNdArrAverageAccumulator({ thrRms: o.thrRms, thrRmsMin: o.thrRmsMin, thrMin: o.thrMin, thrMax: o.thrMax, nrecs: o.nrecs }, shape);
    if (!acc.add(frame)) break;
  }
  if (!acc) throw new CalibmanError(`${file}: no frames to process after skipping ${o.skip}`);
  const r = acc.finish();
  const outputs: [string, keyof DarkResult & ('pedestals' | 'pixel_rms' | 'pixel_status' | 'max' | 'min')][] = [
    ['pedestals', 'pedestals'], ['pixel_rms', 'pixel_rms'], ['pixel_status', 'pixel_status'], ['max', 'max'], ['min', 'min'],
  ];
  for (const [suffix, key] of outputs) await writeNpyFile(`${o.outPrefix}-${suffix}.npy`, r[key], r.dtypes[key]);
  if (!o.quiet) {
    const secs = (performance.now() - t0) / 1000;
    const bits = Object.entries(r.statusCounts).map(([b, n]) => `${b}:${n}`).join(' ');
    process.stdout.write(
      `${r.algorithm}: ${r.nFrames} frames of shape (${r.shape.join(',')}) in ${secs.toFixed(2)} s; bad pixels ${r.badPixels} (by bit ${bits})\n` +
        (r.limits
          ? `limits: rms [${r.limits.rms.lo.toFixed(3)}, ${r.limits.rms.hi.toFixed(3)}] pedestals [${r.limits.pedestals.lo.toFixed(3)}, ${r.limits.pedestals.hi.toFixed(3)}] nevlm ${r.limits.nevlm}\n`
          : `rms threshold: ${r.rmsThreshold?.toFixed(3)}\n`) +
        `wrote ${outputs.map(([s]) => `${o.outPrefix}-${s}.npy`).join(', ')}\n`,
    );
  }
}

/** Register the `calibman dark …` commands. */
export function register(program: Command): void {
  const dark = program.command('dark').description('Dark (pedestal) processing: pedestals, pixel_rms, pixel_status');
  const d = CALIBRUN_DARK_DEFAULTS;
  const g1 = NDARRAVERAGE_DEFAULTS;
  const int = parseIntOption;
  const num = parseNumberOption;
  dark
    .command('stack')
    .description(
      'Run a dark algorithm on a .npy stack of raw frames (events first, C order) and write ' +
        '<P>-pedestals.npy, <P>-pixel_rms.npy, <P>-pixel_status.npy, <P>-max.npy, <P>-min.npy with psana\'s dtypes',
    )
    .argument('<frames.npy>', 'stack of frames, shape (events, ...raw shape)')
    .requiredOption('--out-prefix <P>', 'output path prefix P')
    .option('--algorithm <name>', 'psana (current DarkProc, generation 3) or ndarraverage (2013-2016 NDArrAverage)', 'psana')
    .option('--nrecs <n>', 'maximum number of frames used', int('--nrecs'), d.nrecs)
    .option('--skip <n>', 'frames to skip at the start of the stack', int('--skip'), 0)
    .option('--nrecs1 <n>', 'psana: frames in the stage-1 block (gates)', int('--nrecs1'), d.nrecs1)
    .option('--int-lo <adu>', 'psana: intensity low limit', num('--int-lo'), d.intLo)
    .option('--int-hi <adu>', 'psana: intensity high limit', num('--int-hi'), d.intHi)
    .option('--rms-lo <adu>', 'psana: rms low limit', num('--rms-lo'), d.rmsLo)
    .option('--rms-hi <adu>', 'psana: rms high limit', num('--rms-hi'), d.rmsHi)
    .option('--int-nlo <n>', 'psana: sigmas below the mean pedestal (0: use --int-lo)', num('--int-nlo'), d.intNLo)
    .option('--int-nhi <n>', 'psana: sigmas above the mean pedestal (0: use --int-hi)', num('--int-nhi'), d.intNHi)
    .option('--rms-nlo <n>', 'psana: sigmas below the mean rms (0: use --rms-lo)', num('--rms-nlo'), d.rmsNLo)
    .option('--rms-nhi <n>', 'psana: sigmas above the mean rms (0: use --rms-hi)', num('--rms-nhi'), d.rmsNHi)
    .option('--fraclm <f>', 'psana: allowed fraction of frames below --int-lo / above --int-hi', num('--fraclm'), d.fracLm)
    .option('--data-bits <n>', 'psana: data bits of the detector ADC (raw values are masked)', int('--data-bits'), d.dataBits)
    .option('--thr-rms <adu>', 'ndarraverage: hot-pixel rms threshold, 0 = evaluate automatically', num('--thr-rms'), g1.thrRms)
    .option('--thr-rms-min <adu>', 'ndarraverage: cold-rms threshold', num('--thr-rms-min'), g1.thrRmsMin)
    .option('--thr-min <adu>', 'ndarraverage: pedestal low threshold', num('--thr-min'), g1.thrMin)
    .option('--thr-max <adu>', 'ndarraverage: pedestal high threshold', num('--thr-max'), g1.thrMax)
    .option('-q, --quiet', 'print nothing on success')
    .action(action(async (file: string, opts: StackOptions) => runStack(file, opts)));
}
