/**
 * A run's dark processing split by pixel ranges (local worker threads): every piece reads the whole run
 * with the single pass's event selection and accumulates the same frames, but only its own contiguous
 * range of each source's pixels (C order). The psana algorithm is per pixel up to the summary — stage-1
 * gates, stage-2 sums, counters, max, min — so concatenating the pieces' states in pixel order gives the
 * single pass's state exactly, and the summary (limits from all pixels, status) runs once on it.
 * Unlike a split by events, each piece keeps only its share of the stage-1 block and computes only its
 * share of the gates, so memory and the fixed per-run cost are divided too.
 */
import { createDarkAccumulator, type DarkAccumulator as Gen3Accumulator } from '../dark/accumulator.js';
import type { DarkParams } from '../dark/params.js';
import type { DarkState } from '../dark/state.js';
import type { DarkSums } from '../dark/stage2.js';
import { summariseDark } from '../dark/summary.js';
import { CalibmanError } from '../errors.js';
import { shapeSize } from '../io/dtype.js';
import { toCOrder, type NdArray } from '../io/ndarray.js';
import { splitRange } from '../jobs/split.js';
import { checkPieceSpec, type DarkPieceResult, type DarkPieceSpec } from './dark-piece.js';
import { type DarkPassCore, type DarkRunRequest, type DarkRunResult, type DarkSourceResult, accumulateRun } from './dark-run.js';
import { darkParamsOf, toDarkArrays } from './engines.js';
import type { DarkAccumulator, DarkEngines } from './ports.js';

/** Pixel range `[start, end)` of piece `index` of `count` for a frame of `size` pixels (empty when size < count). */
export function pixelRangeOf(size: number, piece: DarkPieceSpec): { start: number; end: number } {
  return splitRange(size, piece.count)[piece.index] ?? { start: size, end: size };
}

/** Accumulates one pixel range of every frame of a source. */
class RangeAccumulator implements DarkAccumulator {
  private readonly acc: Gen3Accumulator | undefined;
  private readonly start: number;
  private readonly end: number;
  private frames = 0;

  constructor(params: Partial<DarkParams>, shape: readonly number[], piece: DarkPieceSpec) {
    ({ start: this.start, end: this.end } = pixelRangeOf(shapeSize(shape), piece));
    if (this.end > this.start) this.acc = createDarkAccumulator(params, [this.end - this.start], { stage1: 'block' }); // short runs merge their stage-1 frames
  }

  get count(): number {
    return this.frames;
  }

  add(frame: NdArray): void {
    this.frames++;
    this.acc?.add(toCOrder(frame).subarray(this.start, this.end));
  }

  /** The range's state (undefined for an empty range). */
  state(): DarkState | undefined {
    return this.acc?.state();
  }

  finish(): never {
    throw new CalibmanError('a pixel range of a split dark run is merged, not finished on its own');
  }
}

/** One pixel-range piece of a run: for every source the state of its pixel range (see the module comment). */
export async function runDarkPixelPiece(req: DarkRunRequest, engines: Pick<DarkEngines, 'openRun'>, piece: DarkPieceSpec): Promise<DarkPieceResult> {
  checkPieceSpec(piece);
  const params = darkParamsOf(req.thresholds);
  const core: DarkPassCore<RangeAccumulator> = await accumulateRun(req, engines, (shape) => new RangeAccumulator(params, shape, piece));
  const sources: DarkPieceResult['sources'] = [];
  for (const [source, st] of core.states) {
    const state = st.acc!.state();
    if (!state) continue;
    sources.push({ source, detector: st.detector, damaged: st.damaged, shape: st.shape!, frames: st.acc!.count, state });
  }
  core.done();
  return { piece, sources, eventsRead: core.eventsRead, eventsUsed: core.eventsUsed, eventsRejected: core.eventsRejected, files: core.files };
}

function concat<T extends Int32Array | Uint32Array | Float64Array | Uint16Array>(parts: T[], sizes: number[]): T {
  const total = sizes.reduce((a, b) => a + b, 0);
  const out = new (parts[0].constructor as new (n: number) => T)(total);
  let at = 0;
  parts.forEach((p, k) => {
    out.set(p.subarray(0, sizes[k]), at);
    at += sizes[k];
  });
  return out;
}

/** Concatenate the states of consecutive pixel ranges (in pixel order) into the state of the whole frame. */
export function concatDarkStates(parts: readonly DarkState[], shape: readonly number[]): DarkState {
  if (parts.length === 0) throw new CalibmanError('no pixel-range states to concatenate');
  const first = parts[0];
  const sizes = parts.map((p) => shapeSize(p.shape));
  if (sizes.reduce((a, b) => a + b, 0) !== shapeSize(shape)) {
    throw new CalibmanError(`pixel ranges cover ${sizes.reduce((a, b) => a + b, 0)} pixels, the frame (${shape.join('x')}) has ${shapeSize(shape)}`);
  }
  for (const p of parts) {
    if (p.nFrames !== first.nFrames || p.dtype !== first.dtype || !!p.gates !== !!first.gates) {
      throw new CalibmanError('pixel-range states disagree on frames, dtype or stage (were they run with the same options?)');
    }
  }
  const base = { algorithm: 'psana' as const, params: first.params, shape: [...shape], dtype: first.dtype, nFrames: first.nFrames };
  if (first.gates && first.sums) {
    const g = parts.map((p) => p.gates!);
    const gates = {
      shape: [...shape],
      nFrames: first.gates.nFrames,
      lo: concat(g.map((x) => x.lo), sizes),
      hi: concat(g.map((x) => x.hi), sizes),
      blockMin: concat(g.map((x) => x.blockMin), sizes),
      blockMax: concat(g.map((x) => x.blockMax), sizes),
    };
    const sums = {} as DarkSums;
    for (const k of ['count', 'sum1', 'sum2', 'cntLo', 'cntHi', 'max', 'min'] as const) {
      (sums as unknown as Record<string, unknown>)[k] = concat(parts.map((p) => p.sums![k]) as (typeof first.sums)[typeof k][], sizes);
    }
    return { ...base, gates, sums };
  }
  // still in stage 1 (no more than nrecs1 frames): frame-major raw words, interleave the ranges frame by frame
  const size = shapeSize(shape);
  const pending = new Uint16Array(first.nFrames * size);
  for (let f = 0; f < first.nFrames; f++) {
    let at = f * size;
    parts.forEach((p, k) => {
      pending.set(p.pending!.subarray(f * sizes[k], (f + 1) * sizes[k]), at);
      at += sizes[k];
    });
  }
  return { ...base, pending };
}

/**
 * Merge the pixel-range pieces of a run (any order) into what one pass gives.
 * @throws CalibmanError when pieces are missing or disagree on the sources or events used
 */
export function mergeDarkPixelPieces(pieces: readonly DarkPieceResult[], elapsedSec = 0): DarkRunResult {
  if (pieces.length === 0) throw new CalibmanError('no dark pieces to merge');
  const n = pieces[0].piece.count;
  const sorted = [...pieces].sort((a, b) => a.piece.index - b.piece.index);
  if (sorted.some((p, k) => p.piece.count !== n || p.piece.index !== k) || sorted.length !== n) {
    throw new CalibmanError(`cannot merge pixel ranges: expected pieces 0..${n - 1} once each, found ${pieces.map((p) => `${p.piece.index}/${p.piece.count}`).join(', ')}`);
  }
  const first = sorted[0];
  for (const p of sorted) {
    if (p.eventsUsed !== first.eventsUsed || p.eventsRead !== first.eventsRead) {
      throw new CalibmanError(`cannot merge pixel ranges: piece ${p.piece.index} used ${p.eventsUsed} events, piece 0 ${first.eventsUsed} (were they run with the same options?)`);
    }
  }
  const bySource = new Map<string, DarkPieceResult['sources']>();
  for (const p of sorted) for (const s of p.sources) bySource.set(s.source, [...(bySource.get(s.source) ?? []), s]);
  const sources: DarkSourceResult[] = [...bySource.values()].map((parts) => {
    const s0 = parts[0];
    const state = concatDarkStates(parts.map((s) => s.state), s0.shape);
    return { source: s0.source, detector: s0.detector, frames: s0.frames, damaged: s0.damaged, shape: s0.shape, arrays: toDarkArrays(summariseDark(state)) };
  });
  return { sources, eventsRead: first.eventsRead, eventsUsed: first.eventsUsed, eventsRejected: first.eventsRejected, elapsedSec, files: first.files };
}
