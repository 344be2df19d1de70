/**
 * The serialisable, exactly mergeable state of psana's dark algorithm (generation 3).
 *
 * Exactness: stage-2 sums are integer sums (exact in float64), counters, max and min, so adding two
 * states gives bit-identical results to one pass — provided both were gated with the same gates.
 * Split processing therefore shares one set of gates: computed from the first `nrecs1` selected frames
 * of the whole run ({@link computeDarkGates}) and given to every piece. A state that has not reached
 * stage 2 yet keeps its frames (≤ nrecs1) ungated; merging handles that case exactly too.
 */
import { CalibmanError } from '../errors.js';
import type { DType } from '../io/dtype.js';
import { type DarkGates, gatesFromBlock, sameGates } from './gates.js';
import type { DarkParams } from './params.js';
import { type DarkSums, addDarkSums } from './stage2.js';
import { createStage2Kernel } from './stage2-wasm.js';

/** State of a generation-3 dark accumulation. */
export interface DarkState {
  /** Tag of the accumulation algorithm. */
  algorithm: 'psana';
  /** Parameters in force. */
  params: DarkParams;
  /** Raw shape. */
  shape: number[];
  /** Raw dtype of the frames (decides psana's dtypes of max/min/mask). */
  dtype: DType;
  /** Frames accumulated (gated or pending). */
  nFrames: number;
  /** Stage-1 gates, once known. */
  gates?: DarkGates;
  /** Stage-2 sums (present with gates). */
  sums?: DarkSums;
  /** Frames waiting for stage 1 (no gates yet): `nFrames × size` raw 16-bit words. */
  pending?: Uint16Array;
}

function paramsKey(p: DarkParams): string {
  const { nrecs: _ignored, ...rest } = p;
  void _ignored;
  return JSON.stringify(rest);
}

function checkCompatible(a: DarkState, b: DarkState): void {
  if (a.shape.join(',') !== b.shape.join(',')) {
    throw new CalibmanError(`cannot merge dark states: shape (${a.shape}) vs (${b.shape})`);
  }
  if (a.dtype !== b.dtype) throw new CalibmanError(`cannot merge dark states: raw dtype ${a.dtype} vs ${b.dtype}`);
  if (paramsKey(a.params) !== paramsKey(b.params)) {
    throw new CalibmanError(`cannot merge dark states computed with different parameters: ${paramsKey(a.params)} vs ${paramsKey(b.params)}`);
  }
}

/** Gate `nf` pending frames with `gates` and return their sums. */
export function gatePending(gates: DarkGates, params: DarkParams, pending: Uint16Array, nf: number): DarkSums {
  const engine = createStage2Kernel(gates, params);
  if (nf > 0) engine.addFrames(pending, 0, nf);
  return engine.sums();
}

/** Run stage 1 on the first `nrecs1` of `nf` pending frames and stage 2 on all of them. */
export function stageFromPending(params: DarkParams, shape: number[], pending: Uint16Array, nf: number): { gates: DarkGates; sums: DarkSums } {
  const m = Math.min(nf, params.nrecs1);
  const gates = gatesFromBlock(pending, m, shape, params);
  return { gates, sums: gatePending(gates, params, pending, nf) };
}

function cloneSums(s: DarkSums): DarkSums {
  return {
    count: s.count.slice(),
    sum1: s.sum1.slice(),
    sum2: s.sum2.slice(),
    cntLo: s.cntLo.slice(),
    cntHi: s.cntHi.slice(),
    max: s.max.slice(),
    min: s.min.slice(),
  };
}

/**
 * Merge the states of two consecutive parts of a run (`a` before `b`) into the state of one pass over
 * both. Inputs are not modified.
 * @throws CalibmanError when the states are incompatible (shape, dtype, parameters, different gates,
 *   or `b` gated with its own gates while `a` has not reached stage 2)
 */
export function mergeDarkStates(a: DarkState, b: DarkState): DarkState {
  checkCompatible(a, b);
  const params = a.params;
  const size = a.shape.reduce((x, y) => x * y, 1);
  const nFrames = a.nFrames + b.nFrames;
  const base = { algorithm: 'psana' as const, params, shape: [...a.shape], dtype: a.dtype, nFrames };
  if (a.nFrames === 0) return { ...b, ...base };
  if (b.nFrames === 0) return { ...a, ...base };
  if (a.gates && a.sums) {
    const sums = cloneSums(a.sums);
    if (b.gates && b.sums) {
      if (!sameGates(a.gates, b.gates)) {
        throw new CalibmanError(
          'cannot merge dark states gated with different stage-1 gates; compute the gates once from the first nrecs1 frames of the run (computeDarkGates) and pass them to every piece',
        );
      }
      addDarkSums(sums, b.sums);
    } else if (b.pending) {
      addDarkSums(sums, gatePending(a.gates, params, b.pending, b.nFrames));
    }
    return { ...base, gates: a.gates, sums };
  }
  // a has not reached stage 2: its frames are the start of the run's stage-1 block
  if (b.gates) {
    throw new CalibmanError(
      'cannot merge: the earlier part is still in stage 1 but the later part was gated with its own gates; share gates computed from the start of the run (computeDarkGates)',
    );
  }
  const pending = new Uint16Array(nFrames * size);
  pending.set(a.pending!.subarray(0, a.nFrames * size), 0);
  pending.set(b.pending!.subarray(0, b.nFrames * size), a.nFrames * size);
  if (nFrames <= params.nrecs1) return { ...base, pending };
  return { ...base, ...stageFromPending(params, a.shape, pending, nFrames) };
}
