/**
 * Where the WebAssembly dark engine keeps what in its linear memory (byte offsets), so that the engine and
 * whoever prepares its memory ahead of time (src/node/dark-warm.ts) agree.
 */
import { quantileRanks } from './gates.js';
import type { DarkParams } from './params.js';
import { DARK_CTRL_BYTES } from './threads.js';

/** Largest stage-2 batch. */
export const MAX_ENGINE_BATCH = 16;

/** Byte offsets of the engine's arrays and its batch geometry. */
export interface DarkEngineLayout {
  /** Pixels rounded up to a multiple of 8 (one v128 of u16). */
  np: number;
  /** Bytes of one batch slot (a frame of u16). */
  slotBytes: number;
  /** Batch regions: 2 with helper threads (helpers accumulate one while the caller fills the other). */
  regions: number;
  /** Frames of a region. */
  batchCapacity: number;
  /** Frames a stage-1 commit may hold (the one region less the lists when they share it). */
  stage1Cap: number;
  /** Slots of the stage-1 lists (2k), 0 without a streaming stage 1. */
  listSlots: number;
  /** Batch slots (all regions). */
  buf: number;
  /** Stage-2 gate: lower bound (u16). */
  lo: number;
  /** Stage-2 gate: width + 1 where the SIMD path takes it, else 0 (u16). */
  wd: number;
  /** Running max and min of the masked values (u16). */
  mx: number;
  mn: number;
  /** Sums of d (u32: exact while at most 65535 frames are accumulated, d ≤ 65535) and of d² (f64). */
  sd: number;
  sd2: number;
  /** Room for the sums of d in f64 once more frames come (never touched before). */
  sdWide: number;
  /** Accepted values (u32). */
  cnt: number;
  /** Values below / above the intensity limits (u32), written only where some value left the limits. */
  clo: number;
  chi: number;
  /** Stage-1 lists (k smallest then k largest, per 8-pixel group), 0 without them. */
  lists: number;
  /** End of what is written in every run (the limit counters and what follows them are written rarely). */
  touchedEnd: number;
  /** Bytes in all. */
  bytes: number;
}

/** `n` bytes rounded up to the engine's 64-byte alignment of its arrays. */
export const align64 = (n: number): number => Math.ceil(n / 64) * 64;

/** The k a streaming stage 1 of up to `nrecs1` frames needs (ranks never decrease with the frame count). */
export function streamRank(params: DarkParams): number {
  const { kb, kt } = quantileRanks(params.nrecs1, params);
  return Math.max(kb, kt);
}

/**
 * The layout for `size` pixels, `k` values kept at each end by a streaming stage 1 (0 = none), up to
 * `batchFrames` batch slots, with or without helper threads.
 */
export function darkEngineLayout(size: number, k: number, batchFrames: number, threaded: boolean): DarkEngineLayout {
  const np = Math.ceil(size / 8) * 8;
  const slotsTotal = Math.min(MAX_ENGINE_BATCH, Math.max(1, Math.floor(batchFrames)));
  const regions = threaded && slotsTotal >= 2 ? 2 : 1;
  const batchCapacity = Math.floor(slotsTotal / regions);
  let o = threaded ? DARK_CTRL_BYTES : 0;
  const take = (bytes: number) => {
    const at = o;
    o = align64(o + bytes);
    return at;
  };
  const slotBytes = np * 2;
  const buf = take(regions * batchCapacity * slotBytes);
  // the lists of stage 1 live in the batch memory when it leaves room for frames: the tail of the one
  // region, or the second region (stage 1 fills only the first)
  const listSlots = 2 * k;
  const listsInBatch = k > 0 && (regions === 2 ? listSlots <= batchCapacity : batchCapacity - listSlots >= 2);
  const stage1Cap = listsInBatch && regions === 1 ? batchCapacity - listSlots : batchCapacity;
  const lo = take(slotBytes);
  const wd = take(slotBytes);
  const mx = take(slotBytes);
  const mn = take(slotBytes);
  const sd = take(np * 4);
  const sd2 = take(np * 8);
  const cnt = take(np * 4);
  const touchedEnd = o;
  const clo = take(np * 4);
  const chi = take(np * 4);
  const lists = k === 0 ? 0 : listsInBatch ? buf + (regions === 2 ? batchCapacity : stage1Cap) * slotBytes : take(listSlots * slotBytes);
  const listsEnd = o;
  const sdWide = take(np * 8);
  return { np, slotBytes, regions, batchCapacity, stage1Cap, listSlots, buf, lo, wd, mx, mn, sd, sd2, sdWide, cnt, clo, chi, lists, touchedEnd: lists > touchedEnd ? listsEnd : touchedEnd, bytes: o };
}

/** WebAssembly pages (64 KiB) of an engine memory for a layout (one spare page). */
export function darkEnginePages(layout: DarkEngineLayout): number {
  return Math.ceil(layout.bytes / 65536) + 1;
}
