/**
 * Per-detector summary of a dark job (what calibman's Status panel and the demo print): events used,
 * mean pedestal, median rms, bad pixels per status bit, and — for generated runs — how the result
 * compares with the known truth.
 */
import { DARK_STATUS_BITS } from '../dark/summary.js';
import type { TypedArray } from '../io/dtype.js';

/** Pixel kinds of a generated run's truth (same codes as the synthetic generator's `PixelKind`). */
export const TRUTH_PIXEL_KIND = { Good: 0, Hot: 1, Dead: 2, Saturated: 3, Absent: 4 } as const;

/** The known truth of one detector of a generated run. */
export interface DarkTruth {
  /** Mean raw value of each pixel, ADU. */
  pedestals: ArrayLike<number>;
  /** Noise sigma of each pixel, ADU. */
  noise: ArrayLike<number>;
  /** Pixel kind codes (`TRUTH_PIXEL_KIND`). */
  kind: ArrayLike<number>;
}

/** The constants of one source to summarise (flat arrays in the same pixel order). */
export interface DarkSummaryInput {
  /** DetInfo source string. */
  source: string;
  /** Detector type (registry name), when known. */
  detectorType?: string;
  /** Frames the constants were computed from. */
  frames: number;
  /** Pedestals, ADU. */
  pedestals: TypedArray | ArrayLike<number>;
  /** Pixel rms, ADU. */
  pixelRms: TypedArray | ArrayLike<number>;
  /** Pixel status bits (0 = good). */
  pixelStatus: TypedArray | ArrayLike<number | bigint>;
}

/** How planted pixels of one kind were flagged. */
export interface PlantedPixels {
  /** Pixels of that kind in the truth. */
  planted: number;
  /** Planted pixels with a non-zero status. */
  flagged: number;
}

/** Summary of one source. */
export interface DarkSourceSummary {
  /** DetInfo source string. */
  source: string;
  /** Detector type (registry name), when known. */
  detectorType: string | undefined;
  /** Frames the constants were computed from. */
  frames: number;
  /** Pixels of the detector. */
  pixels: number;
  /** Mean of the pedestals of good (status 0) pixels, ADU. */
  meanPedestal: number;
  /** Median rms of good pixels, ADU. */
  medianRms: number;
  /** Pixels with a non-zero status. */
  badPixels: number;
  /** Pixels with each status bit set, keyed by bit value (1, 2, 4, …). */
  badByBit: Record<number, number>;
  /** Comparison with the ground truth of a synthetic run (absent for real data). */
  truth?: {
    /** Planted hot (noisy) pixels. */
    hot: PlantedPixels;
    /** Planted dead pixels. */
    dead: PlantedPixels;
    /** Planted saturated pixels. */
    saturated: PlantedPixels;
    /** Pixels of segments absent from the data (e.g. CSPAD sections off in the configuration), flagged / total. */
    absent: PlantedPixels;
    /** Median true noise sigma of good pixels, ADU (psana's gated rms comes out below it: tails are gated out). */
    trueMedianNoise: number;
    /** Good pixels flagged although the truth says good (false positives). */
    goodFlagged: number;
    /** rms over good unflagged pixels of pedestal − true mean, ADU. */
    pedestalErrorRms: number;
    /** rms over the same pixels of the statistical error of a plain mean, sigma / √frames, ADU. */
    pedestalStatError: number;
    /**
     * rms of (pedestal − true mean) / (sigma / √frames): 1 for a plain mean. psana's gates (5–95 %
     * quantiles of the first block) clip each pixel's tails unevenly, a bias that does not shrink with
     * more frames, so this grows with the frame count (≈ 1.2 at 100 frames, 1.5 at 250).
     */
    pedestalPull: number;
  };
}

const STATUS_BIT_VALUES = Object.values(DARK_STATUS_BITS);

/** Summarise one source's constants, comparing with `truth` when given. */
export function summariseDarkSource(input: DarkSummaryInput, truth?: DarkTruth): DarkSourceSummary {
  const n = input.pedestals.length;
  const status = input.pixelStatus;
  const badByBit: Record<number, number> = {};
  for (const b of STATUS_BIT_VALUES) badByBit[b] = 0;
  let bad = 0;
  let sumPed = 0;
  let good = 0;
  let nRms = 0;
  const rmsGood = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = Number(status[i]);
    if (s !== 0) {
      bad++;
      for (const b of STATUS_BIT_VALUES) if (s & b) badByBit[b]++;
      continue;
    }
    sumPed += Number(input.pedestals[i]);
    good++;
    const r = Number(input.pixelRms[i]);
    if (Number.isFinite(r)) rmsGood[nRms++] = r;
  }
  const summary: DarkSourceSummary = {
    source: input.source,
    detectorType: input.detectorType,
    frames: input.frames,
    pixels: n,
    meanPedestal: good ? sumPed / good : NaN,
    medianRms: median(rmsGood.subarray(0, nRms)),
    badPixels: bad,
    badByBit,
  };
  if (truth) summary.truth = compareWithTruth(input, truth);
  return summary;
}

function compareWithTruth(input: DarkSummaryInput, truth: DarkTruth): NonNullable<DarkSourceSummary['truth']> {
  const hot = { planted: 0, flagged: 0 };
  const dead = { planted: 0, flagged: 0 };
  const saturated = { planted: 0, flagged: 0 };
  const absent = { planted: 0, flagged: 0 };
  const noiseGood = new Float64Array(input.pedestals.length);
  let nGood = 0;
  let goodFlagged = 0;
  let pullSq = 0;
  let pullN = 0;
  let errSq = 0;
  let statSq = 0;
  const sqrtFrames = Math.sqrt(Math.max(1, input.frames));
  for (let i = 0; i < input.pedestals.length; i++) {
    const flagged = Number(input.pixelStatus[i]) !== 0;
    const kind = truth.kind[i];
    if (kind === TRUTH_PIXEL_KIND.Hot) count(hot, flagged);
    else if (kind === TRUTH_PIXEL_KIND.Dead) count(dead, flagged);
    else if (kind === TRUTH_PIXEL_KIND.Saturated) count(saturated, flagged);
    else if (kind === TRUTH_PIXEL_KIND.Absent) count(absent, flagged);
    else if (kind === TRUTH_PIXEL_KIND.Good) {
      noiseGood[nGood++] = truth.noise[i];
      if (flagged) goodFlagged++;
      else if (truth.noise[i] > 0) {
        const err = Number(input.pedestals[i]) - truth.pedestals[i];
        const stat = truth.noise[i] / sqrtFrames;
        errSq += err * err;
        statSq += stat * stat;
        pullSq += (err / stat) ** 2;
        pullN++;
      }
    }
  }
  return {
    hot,
    dead,
    saturated,
    absent,
    trueMedianNoise: median(noiseGood.subarray(0, nGood)),
    goodFlagged,
    pedestalErrorRms: pullN ? Math.sqrt(errSq / pullN) : NaN,
    pedestalStatError: pullN ? Math.sqrt(statSq / pullN) : NaN,
    pedestalPull: pullN ? Math.sqrt(pullSq / pullN) : NaN,
  };
}

function count(p: PlantedPixels, flagged: boolean): void {
  p.planted++;
  if (flagged) p.flagged++;
}

/** Median (numpy's: mean of the two middle values for an even count); reorders a copy by quickselect. */
function median(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return NaN;
  const a = Float64Array.from(values);
  const hi = select(a, n >> 1);
  return n % 2 ? hi : 0.5 * (hi + maxOf(a, n >> 1));
}

/** Partially order `a` so that a[k] is the k-th smallest and a[0..k) are not larger; returns a[k]. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

function maxOf(a: Float64Array, end: number): number {
  let m = -Infinity;
  for (let i = 0; i < end; i++) if (a[i] > m) m = a[i];
  return m;
}

/** A fixed-width text table of summaries (one line per source), as the demo prints it. */
export function formatDarkSummaryTable(summaries: readonly DarkSourceSummary[]): string {
  const bits = STATUS_BIT_VALUES;
  const head = ['source', 'frames', 'mean ped', 'median rms', 'bad', ...bits.map((b) => `bit${b}`)];
  const rows = summaries.map((s) => [
    s.source,
    String(s.frames),
    s.meanPedestal.toFixed(2),
    s.medianRms.toFixed(3),
    String(s.badPixels),
    ...bits.map((b) => String(s.badByBit[b] ?? 0)),
  ]);
  const lines = [head, ...rows];
  const widths = head.map((_, c) => Math.max(...lines.map((r) => r[c].length)));
  const fmt = (r: string[]) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
  const out = [fmt(head), ...rows.map(fmt)];
  const truthLines = summaries
    .filter((s) => s.truth)
    .flatMap((s) => {
      const t = s.truth!;
      const absent = t.absent.planted ? `; pixels of absent segments ${t.absent.flagged}/${t.absent.planted}` : '';
      return [
        `  ${s.source}`,
        `    flagged: planted hot ${t.hot.flagged}/${t.hot.planted}, dead ${t.dead.flagged}/${t.dead.planted}, ` +
          `saturated ${t.saturated.flagged}/${t.saturated.planted}; good pixels flagged ${t.goodFlagged}${absent}`,
        `    median rms ${s.medianRms.toFixed(3)} ADU (gated) vs true noise ${t.trueMedianNoise.toFixed(3)}; ` +
          `pedestal error rms ${t.pedestalErrorRms.toFixed(3)} ADU (plain-mean statistical ${t.pedestalStatError.toFixed(3)})`,
      ];
    });
  if (truthLines.length) out.push('', 'compared with the known truth:', ...truthLines);
  return out.join('\n');
}
