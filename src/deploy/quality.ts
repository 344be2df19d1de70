import { CalibStoreError } from '../errors.js';
import { shapeSize } from '../io/dtype.js';

/** Constants as plain values (pedestals in ADU, status bits, …) with their shape. */
export interface ConstantsValues {
  /** Values in C order. */
  readonly data: ArrayLike<number>;
  /** Array shape. */
  readonly shape: readonly number[];
}

/** Options of {@link compareConstants}. */
export interface QualityOptions {
  /** Calib type of both arrays; status-like types compare good/bad instead of values. */
  readonly calibType: string;
  /** A pixel counts as changed when |new − old| exceeds this (ADU for pedestals/rms); default per type. */
  readonly threshold?: number;
  /** Number of segments to report; default: the first axis for arrays of ≥ 3 dimensions, else 1. */
  readonly segments?: number;
}

/** Statistics of one segment (or of the whole detector). */
export interface SegmentQuality {
  /** Segment index; −1 for the whole detector. */
  readonly segment: number;
  /** Pixels in the segment. */
  readonly pixels: number;
  /** Mean of the current (old) values over pixels finite in both. */
  readonly meanOld: number;
  /** Mean of the new values over pixels finite in both. */
  readonly meanNew: number;
  /** meanNew − meanOld. */
  readonly meanShift: number;
  /** Largest |new − old|. */
  readonly maxAbsChange: number;
  /** Pixels with |new − old| > threshold. */
  readonly changed: number;
  /** changed / pixels (0..1). */
  readonly fractionChanged: number;
  /** Bad pixels in old/new (status ≠ 0, mask = 0); 0 for value types. */
  readonly badOld: number;
  /** Bad pixels in new. */
  readonly badNew: number;
  /** Pixels good in old and bad in new. */
  readonly newBad: number;
  /** Pixels bad in old and good in new. */
  readonly fixed: number;
  /** Pixels whose new or old value is NaN/infinite (left out of the means). */
  readonly nonFinite: number;
}

/** Result of {@link compareConstants}. */
export interface QualityReport {
  /** Calib type compared, e.g. `pedestals`. */
  readonly calibType: string;
  /** `status` for pixel_status, status_extra, pixel_mask (good/bad comparison), `values` otherwise. */
  readonly kind: 'values' | 'status';
  /** |new − old| above which a pixel counts as changed, in the values' unit (ADU for pedestals). */
  readonly threshold: number;
  /** Shape of the compared arrays. */
  readonly shape: readonly number[];
  /** One entry per segment (the first axis for arrays of ≥ 3 dimensions, unless `segments` was given). */
  readonly segments: readonly SegmentQuality[];
  /** The whole detector (`segment` −1). */
  readonly total: SegmentQuality;
}

/** Default "changed" threshold per calib type (calibman's choice; psana has no such check). */
export const DEFAULT_CHANGE_THRESHOLDS: Readonly<Record<string, number>> = {
  pedestals: 10,
  pixel_rms: 1,
  pixel_gain: 0.05,
  pixel_bkgd: 10,
  pixel_offset: 10,
};

const STATUS_TYPES = new Set(['pixel_status', 'status_data', 'status_extra', 'pixel_status_extra', 'pixel_mask']);

/**
 * Compare new constants with the ones valid today for the same run: per segment the mean shift, the
 * fraction of pixels changed by more than a threshold and, for status/mask, new and fixed bad pixels.
 * @throws CalibStoreError when the arrays differ in size
 */
export function compareConstants(next: ConstantsValues, current: ConstantsValues, opts: QualityOptions): QualityReport {
  const n = shapeSize(next.shape);
  if (n !== shapeSize(current.shape) || n !== next.data.length || n !== current.data.length) {
    throw new CalibStoreError(
      `cannot compare ${opts.calibType}: new shape (${next.shape.join(',')}) has ${next.data.length} values, current (${current.shape.join(',')}) has ${current.data.length}`,
    );
  }
  const status = STATUS_TYPES.has(opts.calibType);
  const isBad = opts.calibType === 'pixel_mask' ? (v: number) => v === 0 : (v: number) => v !== 0;
  const threshold = opts.threshold ?? (status ? 0 : (DEFAULT_CHANGE_THRESHOLDS[opts.calibType] ?? 0));
  const nseg = opts.segments ?? (next.shape.length >= 3 ? next.shape[0] : 1);
  if (!Number.isInteger(nseg) || nseg < 1 || n % nseg !== 0) {
    throw new CalibStoreError(`cannot split ${n} pixels into ${nseg} equal segments`);
  }
  const per = n / nseg;
  const segments: SegmentQuality[] = [];
  const acc = newAcc();
  for (let s = 0; s < nseg; s++) {
    const a = newAcc();
    for (let i = s * per; i < (s + 1) * per; i++) add(a, next.data[i], current.data[i], threshold, status ? isBad : undefined);
    segments.push(finish(a, s));
    merge(acc, a);
  }
  return { calibType: opts.calibType, kind: status ? 'status' : 'values', threshold, shape: [...next.shape], segments, total: finish(acc, -1) };
}

interface Acc {
  pixels: number; finite: number; sumOld: number; sumNew: number; maxAbs: number; changed: number;
  badOld: number; badNew: number; newBad: number; fixed: number; nonFinite: number;
}

function newAcc(): Acc {
  return { pixels: 0, finite: 0, sumOld: 0, sumNew: 0, maxAbs: 0, changed: 0, badOld: 0, badNew: 0, newBad: 0, fixed: 0, nonFinite: 0 };
}

function add(a: Acc, nv: number, ov: number, thr: number, isBad?: (v: number) => boolean): void {
  a.pixels++;
  if (!Number.isFinite(nv) || !Number.isFinite(ov)) {
    a.nonFinite++;
    return;
  }
  a.finite++;
  a.sumOld += ov;
  a.sumNew += nv;
  const d = Math.abs(nv - ov);
  if (d > a.maxAbs) a.maxAbs = d;
  if (d > thr) a.changed++;
  if (isBad) {
    const bo = isBad(ov);
    const bn = isBad(nv);
    if (bo) a.badOld++;
    if (bn) a.badNew++;
    if (bn && !bo) a.newBad++;
    if (bo && !bn) a.fixed++;
  }
}

function merge(t: Acc, a: Acc): void {
  for (const k of Object.keys(t) as (keyof Acc)[]) t[k] = k === 'maxAbs' ? Math.max(t[k], a[k]) : t[k] + a[k];
}

function finish(a: Acc, segment: number): SegmentQuality {
  const meanOld = a.finite ? a.sumOld / a.finite : NaN;
  const meanNew = a.finite ? a.sumNew / a.finite : NaN;
  return {
    segment, pixels: a.pixels, meanOld, meanNew, meanShift: meanNew - meanOld, maxAbsChange: a.maxAbs, changed: a.changed,
    fractionChanged: a.pixels ? a.changed / a.pixels : 0, badOld: a.badOld, badNew: a.badNew, newBad: a.newBad, fixed: a.fixed,
    nonFinite: a.nonFinite,
  };
}

/** The report as a text table, one row per segment and a total row. */
export function formatQualityTable(r: QualityReport): string {
  const head = r.kind === 'status'
    ? ['seg', 'pixels', 'bad old', 'bad new', 'new bad', 'fixed', 'changed %']
    : ['seg', 'pixels', 'mean old', 'mean new', 'shift', 'max |d|', `>${r.threshold} %`];
  const row = (s: SegmentQuality): string[] => {
    const seg = s.segment < 0 ? 'all' : String(s.segment);
    const pct = (100 * s.fractionChanged).toFixed(3);
    return r.kind === 'status'
      ? [seg, String(s.pixels), String(s.badOld), String(s.badNew), String(s.newBad), String(s.fixed), pct]
      : [seg, String(s.pixels), s.meanOld.toFixed(2), s.meanNew.toFixed(2), s.meanShift.toFixed(3), s.maxAbsChange.toFixed(2), pct];
  };
  const rows = [head, ...r.segments.map(row), row(r.total)];
  const widths = head.map((_, c) => Math.max(...rows.map((x) => x[c].length)));
  const fmt = (x: string[]): string => x.map((v, c) => v.padStart(widths[c])).join('  ');
  const lines = [`${r.calibType}: new vs current, shape (${r.shape.join(',')})`, fmt(head), '-'.repeat(fmt(head).length)];
  for (const x of rows.slice(1, -1)) lines.push(fmt(x));
  if (r.segments.length > 1) lines.push('-'.repeat(fmt(head).length), fmt(rows[rows.length - 1]));
  if (r.total.nonFinite) lines.push(`${r.total.nonFinite} pixel(s) with NaN/inf left out`);
  return lines.join('\n');
}
