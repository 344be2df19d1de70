/**
 * Quality report of a processed metrology survey: side lengths, diagonals, perpendicularity, parallelism
 * and flatness of every sensor, judged with the tolerances of psana's optical_metrology_check.
 */
import { pyFixed } from '../geometry/py-format.js';
import type { MetrologyResult } from './processors.js';
import type { SensorMeasure } from './sensor-measures.js';

/** Tolerances, um. */
export interface MetrologyTolerances {
  /** Limit on |dD| (diagonal difference), |d(dS)| and |d(dL)| (side parallelism); psana `-x`, 60. */
  xyUm: number;
  /** Limit on |dz3| (flatness); psana `-z`, 100. */
  zUm: number;
  /** Limit on the deviation of short/long side from the nominal 2×1 size (calibman's check), 300. */
  sizeUm: number;
}

/** psana's default tolerances plus calibman's sensor-size check. */
export const METROLOGY_TOLERANCES: Readonly<MetrologyTolerances> = { xyUm: 60, zUm: 100, sizeUm: 300 };

/** Nominal 2×1 sensor outline from real surveys, um. */
export const NOMINAL_2X1_UM = { short: 20900, long: 43540, diagonal: 48297 } as const;

/** Quality numbers of one sensor (um, deg). */
export interface SensorQualityRow {
  /** Quad number (0-based). */
  quad: number;
  /** Sensor (2×1) number in the quad (0-based). */
  sensor: number;
  /** Short side from the origin corner, um. */
  shortSide: number;
  /** Long side from the origin corner, um. */
  longSide: number;
  /** Diagonal from the origin corner, um. */
  diagonal: number;
  /** First diagonal, um. */
  D1: number;
  /** Second diagonal, um. */
  D2: number;
  /** Diagonal difference D1 − D2 (perpendicularity). */
  dD: number;
  /** dS1 − dS2 and dL1 − dL2 (parallelism of opposite sides). */
  ddS: number;
  /** dL1 − dL2, um. */
  ddL: number;
  /** Flatness: corner 3 from the plane of corners 1, 2, 4. */
  dz3: number;
  /** Design rotation about z (a multiple of 90), deg. */
  rotZ: number;
  /** Tilt about z (measured angle − rotZ), deg. */
  tiltZ: number;
  /** Tilt about y, deg. */
  tiltY: number;
  /** Tilt about x, deg. */
  tiltX: number;
  /** Out-of-tolerance findings for this sensor. */
  warnings: string[];
}

/** The whole report. */
export interface MetrologyQualityReport {
  /** Processor variant used, e.g. `cspad-v2`. */
  variant: string;
  /** File path or label of the input. */
  source?: string;
  /** Tolerances the findings were judged with. */
  tolerances: MetrologyTolerances;
  /** One row per sensor. */
  sensors: SensorQualityRow[];
  /** Mean and (population) standard deviation of dz3 over all sensors, um. */
  flatness: {
    /** Mean dz3, um. */
    meanUm: number;
    /** Standard deviation of dz3, um. */
    stdUm: number;
  };
  /** MetrologySurvey-level findings (e.g. two quads with identical numbers). */
  surveyWarnings: string[];
  /** Total number of findings. */
  warningCount: number;
  /** The X-Y and Z tables exactly as psana's processors print them. */
  measures: SensorMeasure[];
}

function identicalQuads(result: MetrologyResult): string[] {
  const out: string[] = [];
  const { x, y, z } = result.standard;
  for (let a = 0; a < x.length; a++) {
    for (let b = a + 1; b < x.length; b++) {
      const same = x[a].every((v, i) => v === x[b][i] && y[a][i] === y[b][i] && z[a][i] === z[b][i]);
      if (same) out.push(`quad ${b} has exactly the same 32 points as quad ${a} (copied measurement?)`);
    }
  }
  return out;
}

/** Judge every sensor of a processed survey. */
export function buildMetrologyQualityReport(result: MetrologyResult, tolerances: Partial<MetrologyTolerances> = {}): MetrologyQualityReport {
  const tol: MetrologyTolerances = { ...METROLOGY_TOLERANCES, ...tolerances };
  const sensors = result.sensors.map((m): SensorQualityRow => {
    const w: string[] = [];
    const check = (name: string, v: number, lim: number) => {
      if (Math.abs(v) > lim) w.push(`|${name}| = ${Math.abs(Math.round(v * 1000) / 1000)} um > ${lim} um`);
    };
    check('dD', m.dD, tol.xyUm);
    check('d(dS)', m.ddS, tol.xyUm);
    check('d(dL)', m.ddL, tol.xyUm);
    check('dz3', m.dz3, tol.zUm);
    check('short side - nominal', m.shortSide - NOMINAL_2X1_UM.short, tol.sizeUm);
    check('long side - nominal', m.longSide - NOMINAL_2X1_UM.long, tol.sizeUm);
    return {
      quad: m.quad, sensor: m.sensor,
      shortSide: m.shortSide, longSide: m.longSide, diagonal: m.diagonal,
      D1: m.D1, D2: m.D2, dD: m.dD, ddS: m.ddS, ddL: m.ddL, dz3: m.dz3,
      rotZ: m.rotZ, tiltZ: m.tiltZ, tiltY: m.tiltY, tiltX: m.tiltX,
      warnings: w,
    };
  });
  const dz = result.sensors.map((m) => m.dz3);
  const mean = dz.reduce((a, b) => a + b, 0) / dz.length;
  const std = Math.sqrt(dz.reduce((a, b) => a + (b - mean) ** 2, 0) / dz.length);
  const surveyWarnings = result.variant === 'cspad2x2' ? [] : identicalQuads(result);
  return {
    variant: result.variant,
    source: result.standard.source,
    tolerances: tol,
    sensors,
    flatness: { meanUm: mean, stdUm: std },
    surveyWarnings,
    warningCount: surveyWarnings.length + sensors.reduce((a, s) => a + s.warnings.length, 0),
    measures: result.sensors,
  };
}

const d = (v: number, w: number) => String(Math.trunc(v)).padStart(w);
const fx = (v: number, digits: number, w: number) => pyFixed(v, digits).padStart(w);

/** The report as text: psana's X-Y and Z quality tables, flatness summary, then the warnings. */
export function formatMetrologyQualityText(report: MetrologyQualityReport): string {
  const L: string[] = [];
  L.push(`Metrology quality report — processor ${report.variant}${report.source ? `, input ${report.source}` : ''}`);
  const t = report.tolerances;
  L.push(`Tolerances: |dD|, |d(dS)|, |d(dL)| <= ${t.xyUm} um; |dz3| <= ${t.zUm} um; sides within ${t.sizeUm} um of ${NOMINAL_2X1_UM.short} x ${NOMINAL_2X1_UM.long} um`);
  L.push('');
  L.push('Quality check in XY plane (um, deg):');
  L.push('segm:        S1      S2     dS1     dS2        L1      L2     dL1     dL2    angle(deg)   D1      D2      dD   d(dS)   d(dL)');
  let quad = -1;
  for (const m of report.measures) {
    if (m.quad !== quad) L.push(`Quad  ${(quad = m.quad)}`);
    L.push(
      `segm: ${m.sensor}  ${d(m.S1, 6)}  ${d(m.S2, 6)}  ${d(m.dS1, 6)}  ${d(m.dS2, 6)}    ${d(m.L1, 6)}  ${d(m.L2, 6)}  ${d(m.dL1, 6)}  ${d(m.dL2, 6)}` +
        `   ${fx(m.tiltZ, 5, 8)}  ${d(m.D1, 6)}  ${d(m.D2, 6)}  ${d(m.dD, 6)}  ${d(m.ddS, 6)}  ${d(m.ddL, 6)}`,
    );
  }
  L.push('');
  L.push('Quality check in Z (um, deg):');
  L.push('segm:        SA      LA   XSize   YSize    dZS1  dZS2  dZL1  dZL2    dZSA  dZLA  ddZS  ddZL     dZX   dZY   angXZ(deg) angYZ(deg) dz3(um)');
  quad = -1;
  for (const m of report.measures) {
    if (m.quad !== quad) L.push(`Quad  ${(quad = m.quad)}`);
    L.push(
      `segm: ${m.sensor}  ${d(m.SA, 6)}  ${d(m.LA, 6)}  ${d(m.XSize, 6)}  ${d(m.YSize, 6)}   ${d(m.dZS1, 5)} ${d(m.dZS2, 5)} ${d(m.dZL1, 5)} ${d(m.dZL2, 5)}` +
        `   ${d(m.dZSA, 5)} ${d(m.dZLA, 5)} ${d(m.ddZS, 5)} ${d(m.ddZL, 5)}   ${d(m.dZX, 5)} ${d(m.dZY, 5)}  ${fx(m.tiltY, 5, 8)}   ${fx(m.tiltX, 5, 8)}   ${fx(m.dz3, 3, 8)}`,
    );
  }
  L.push('');
  L.push('Side lengths from the origin corner (um): quad sensor  short  long  diagonal');
  for (const s of report.sensors) {
    L.push(`  ${s.quad} ${s.sensor}  ${fx(s.shortSide, 1, 8)}  ${fx(s.longSide, 1, 8)}  ${fx(s.diagonal, 1, 8)}`);
  }
  L.push('');
  L.push(`Mean and Standard deviation for dz3[um]: ${fx(report.flatness.meanUm, 3, 8)} +- ${fx(report.flatness.stdUm, 3, 8)}`);
  L.push('');
  for (const w of report.surveyWarnings) L.push(`WARNING ${w}`);
  for (const s of report.sensors) for (const w of s.warnings) L.push(`WARNING quad ${s.quad} segm ${s.sensor}: ${w}`);
  L.push(report.warningCount ? `${report.warningCount} warning(s)` : 'OK: all sensors within tolerances');
  return L.join('\n') + '\n';
}

/** The report as a JSON-ready object (tolerances, per-sensor numbers and warnings, flatness summary). */
export function metrologyQualityJson(report: MetrologyQualityReport): object {
  return {
    variant: report.variant,
    source: report.source ?? null,
    tolerancesUm: report.tolerances,
    nominal2x1Um: NOMINAL_2X1_UM,
    flatness: report.flatness,
    warningCount: report.warningCount,
    surveyWarnings: report.surveyWarnings,
    sensors: report.sensors,
  };
}
