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
  /** Pixel kind codes ({@link TRUTH_PIXEL_KIND}). */
  kind: ArrayLike<number>;
}

/** The constants of one source to summarise (flat arrays in the same pixel order). */
export interface DarkSummaryInput {
  source: string;
  detectorType?: string;
  frames: number;
  pedestals: TypedArray | ArrayLike<number>;
  pixelRms: TypedArray | ArrayLike<number>;
  pixelStatus: TypedArray | ArrayLike<number | bigint>;
}

/** How planted pixels of one kind were flagged. */
export interface PlantedPixels {
  planted: number;
  /** Planted pixels with a non-zero status. */
  flagged: number;
}

/** Summary of one source. */
export interface DarkSourceSummary {
  source: string;
  detectorType: string | undefined;
  frames: number;
  pixels: number;
  /** Mean of the pedestals of good (status 0) pixels, ADU. */
  meanPedestal: number;
  /** Median rms of good pixels, ADU. */
  medianRms: number;
  /** Pixels with a non-zero status. */
  badPixels: number;
  /** Pixels with each status bit set, keyed by bit value (1, 2, 4, …). */
  badByBit: Record<number, number>;
  truth?: {
    hot: PlantedPixels;
    dead: PlantedPixels;
    saturated: PlantedPixels;
    /** Good pixels flagged although the truth says good (false positives). */
    goodFlagged: number;
    /** rms over good unflagged pixels of (pedestal − true mean) / (sigma / √frames): ≈ 1 when unbiased. */
    pedestalPull: number;
  };
}

const STATUS_BIT_VALUES = Object.values(DARK_STATUS_BITS);

/** Summarise one source's constants, comparing with `truth` when given. */
export function summarizeDarkSource(input: DarkSummaryInput, truth?: DarkTruth): DarkSourceSummary {
  const n = input.pedestals.length;
  const status = input.pixelStatus;
  const badByBit: Record<number, number> = {};
  for (const b of STATUS_BIT_VALUES) badByBit[b] = 0;
  let bad = 0;
  let sumPed = 0;
  let good = 0;
  const rmsGood = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = Number(status[i]);
    if (s !== 0) {
      bad++;
      for (const b of STATUS_BIT_VALUES) if (s & b) badByBit[b]++;
      continue;
    }
    sumPed += Number(input.pedestals[i]);
    rmsGood[good++] = Number(input.pixelRms[i]);
  }
  const summary: DarkSourceSummary = {
    source: input.source,
    detectorType: input.detectorType,
    frames: input.frames,
    pixels: n,
    meanPedestal: good ? sumPed / good : NaN,
    medianRms: median(rmsGood.subarray(0, good)),
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
  let goodFlagged = 0;
  let pullSq = 0;
  let pullN = 0;
  const sqrtFrames = Math.sqrt(Math.max(1, input.frames));
  for (let i = 0; i < input.pedestals.length; i++) {
    const flagged = Number(input.pixelStatus[i]) !== 0;
    const kind = truth.kind[i];
    if (kind === TRUTH_PIXEL_KIND.Hot) count(hot, flagged);
    else if (kind === TRUTH_PIXEL_KIND.Dead) count(dead, flagged);
    else if (kind === TRUTH_PIXEL_KIND.Saturated) count(saturated, flagged);
    else if (kind === TRUTH_PIXEL_KIND.Good) {
      if (flagged) goodFlagged++;
      else if (truth.noise[i] > 0) {
        const pull = ((Number(input.pedestals[i]) - truth.pedestals[i]) * sqrtFrames) / truth.noise[i];
        pullSq += pull * pull;
        pullN++;
      }
    }
  }
  return { hot, dead, saturated, goodFlagged, pedestalPull: pullN ? Math.sqrt(pullSq / pullN) : NaN };
}

function count(p: PlantedPixels, flagged: boolean): void {
  p.planted++;
  if (flagged) p.flagged++;
}

function median(values: Float64Array): number {
  if (values.length === 0) return NaN;
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
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
    .map((s) => {
      const t = s.truth!;
      return (
        `${s.source}: planted hot ${t.hot.flagged}/${t.hot.planted}, dead ${t.dead.flagged}/${t.dead.planted}, ` +
        `saturated ${t.saturated.flagged}/${t.saturated.planted} flagged; good pixels flagged ${t.goodFlagged}; ` +
        `pedestal pull rms ${t.pedestalPull.toFixed(3)} (1 = statistical error)`
      );
    });
  if (truthLines.length) out.push('', 'compared with the known truth:', ...truthLines);
  return out.join('\n');
}
