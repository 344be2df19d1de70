/**
 * A run's dark processing split into pieces that merge exactly into the single-pass result.
 *
 * Every piece reads the whole run with the single pass's event selection (skip, event codes, number of
 * events, damage), so all pieces agree on which frames of each source are used and in which order. All
 * pieces compute the stage-1 gates from the same first `nrecs1` frames; frame number f of a source is then
 * accumulated (stage 2) by piece f mod N only. Stage-2 sums, counters, max and min are exact, so merging
 * the N states gives bit-identical constants to one pass.
 */
import { createDarkAccumulator, type DarkAccumulator as Gen3Accumulator } from '../dark/accumulator.js';
import type { DarkParams } from '../dark/params.js';
import type { FrameInput } from '../dark/frames.js';
import { type DarkState, mergeDarkStates } from '../dark/state.js';
import { summariseDark } from '../dark/summary.js';
import { CalibmanError, ConfigError } from '../errors.js';
import { toCOrder, type NdArray } from '../io/ndarray.js';
import { type DarkPassCore, type DarkRunRequest, type DarkRunResult, type DarkSourceResult, accumulateRun } from './dark-pass.js';
import { darkParamsOf } from './params.js';
import type { SourceAccumulator, DarkEngines } from './ports.js';

/** Which piece of how many. */
export interface DarkPieceSpec {
  /** 0-based piece number. */
  index: number;
  /** Number of pieces. */
  count: number;
}

/** The result of one piece: a mergeable state per source plus the pass counters. */
export interface DarkPieceResult {
  /** Which piece this is (index and count). */
  piece: DarkPieceSpec;
  /** Per source: its mergeable accumulation state. */
  sources: {
    /** DetInfo source, `CxiDs1.0:Cspad.0`. */
    source: string;
    /** Menu name or source the user asked for that selected it. */
    detector: string;
    /** Events where the source's data was damaged (excluded). */
    damaged: number;
    /** Raw frame shape. */
    shape: number[];
    /** Frames this piece accumulated. */
    frames: number;
    /** The accumulation state, merged with the other pieces' states. */
    state: DarkState;
    /** What a detector type's own job carries to its merge with the state (JSON-serialisable; e.g. Jungfrau's gain-stage run). */
    job?: Record<string, unknown>;
  }[];
  /** Events read by this piece. */
  eventsRead: number;
  /** Events this piece accumulated. */
  eventsUsed: number;
  /** Events rejected by the event-code selection. */
  eventsRejected: number;
  /** xtc files read. */
  files: string[];
}

/**
 * Accumulator of one piece: stage 1 streams every frame of the run's block (gates only), the piece keeps
 * its own block frames until the gates are known, then accumulates its own frames only.
 */
class PieceAccumulator implements SourceAccumulator {
  private block: FrameInput[] = [];
  private gatesAcc: Gen3Accumulator | undefined;
  private acc: Gen3Accumulator | undefined;
  private seen = 0;

  constructor(
    private readonly params: Partial<DarkParams> & { nrecs1: number },
    private readonly shape: readonly number[],
    private readonly piece: DarkPieceSpec,
  ) {}

  get count(): number {
    return this.seen;
  }

  add(frame: NdArray): void {
    const f = this.seen++;
    if (!this.acc && f < this.params.nrecs1) {
      (this.gatesAcc ??= createDarkAccumulator(this.params, this.shape)).add(frame);
      if (f % this.piece.count === this.piece.index) this.block.push(toCOrder(frame).slice());
      return;
    }
    this.startStage2();
    if (f % this.piece.count === this.piece.index) this.acc!.add(frame);
  }

  private startStage2(): void {
    if (this.acc) return;
    const gates = this.gatesAcc!.stage1Gates();
    this.gatesAcc!.close();
    this.gatesAcc = undefined;
    this.acc = createDarkAccumulator(this.params, this.shape, { gates });
    for (const fr of this.block) this.acc.add(fr);
    this.block = [];
  }

  state(): DarkState {
    this.startStage2();
    return this.acc!.state();
  }

  finish(): never {
    throw new CalibmanError('a piece of a split dark run is merged, not finished on its own');
  }
}

/** Check a piece spec. */
export function checkPieceSpec(piece: DarkPieceSpec): void {
  if (!Number.isInteger(piece.count) || piece.count < 1) throw new ConfigError('pieces', `expected a positive integer, found ${piece.count}`);
  if (!Number.isInteger(piece.index) || piece.index < 0 || piece.index >= piece.count) {
    throw new ConfigError('piece', `expected 0..${piece.count - 1}, found ${piece.index}`);
  }
}

/** Process one piece of a run (see the module comment for the exact split). */
export async function runDarkPiece(req: DarkRunRequest, engines: Pick<DarkEngines, 'openRun'>, piece: DarkPieceSpec): Promise<DarkPieceResult> {
  checkPieceSpec(piece);
  const params = { ...darkParamsOf(req.thresholds), nrecs1: req.thresholds.nrecs1 };
  const core: DarkPassCore<PieceAccumulator> = await accumulateRun(req, engines, (shape) => new PieceAccumulator(params, shape, piece));
  const sources = [...core.states].map(([source, st]) => ({
    source,
    detector: st.detector,
    damaged: st.damaged,
    shape: st.shape!,
    frames: st.acc!.count,
    state: st.acc!.state(),
  }));
  core.done();
  return { piece, sources, eventsRead: core.eventsRead, eventsUsed: core.eventsUsed, eventsRejected: core.eventsRejected, files: core.files };
}

/**
 * Merge the results of all pieces of a run into what one pass gives.
 * @throws CalibmanError when pieces are missing, duplicated, or disagree on the sources or the events used
 */
export function mergeDarkPieces(pieces: readonly DarkPieceResult[], elapsedSec = 0): DarkRunResult {
  if (pieces.length === 0) throw new CalibmanError('no dark pieces to merge');
  const n = pieces[0].piece.count;
  const have = new Set(pieces.map((p) => p.piece.index));
  if (pieces.some((p) => p.piece.count !== n) || have.size !== pieces.length || have.size !== n) {
    const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !have.has(i));
    throw new CalibmanError(
      `cannot merge dark pieces: expected pieces 0..${n - 1} once each, found ${pieces.map((p) => `${p.piece.index}/${p.piece.count}`).join(', ')}` +
        (missing.length ? ` (missing ${missing.join(', ')})` : ''),
    );
  }
  const first = pieces[0];
  for (const p of pieces) {
    if (p.eventsUsed !== first.eventsUsed || p.sources.map((s) => s.source).join() !== first.sources.map((s) => s.source).join()) {
      throw new CalibmanError(
        `cannot merge dark pieces: piece ${p.piece.index} used ${p.eventsUsed} events of ${p.sources.map((s) => s.source).join(', ')}, ` +
          `piece ${first.piece.index} ${first.eventsUsed} of ${first.sources.map((s) => s.source).join(', ')} (were they run with the same options?)`,
      );
    }
  }
  const sources: DarkSourceResult[] = first.sources.map((s0, k) => {
    const states = pieces.map((p) => p.sources[k].state).filter((st) => st.nFrames > 0);
    const merged = states.reduce((a, b) => mergeDarkStates(a, b));
    return { source: s0.source, detector: s0.detector, frames: s0.frames, damaged: s0.damaged, shape: s0.shape, arrays: summariseDark(merged) };
  });
  return { sources, eventsRead: first.eventsRead, eventsUsed: first.eventsUsed, eventsRejected: first.eventsRejected, elapsedSec, files: first.files };
}
