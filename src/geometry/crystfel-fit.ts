/**
 * CrystFEL `.geom` → psana segment placements by CrystFEL's own geometry semantics: pixel positions from
 * corner, fs/ss (with z), `res`, `clen` + `coffset` ({@link readCrystfelDetector}); each psana segment gets the
 * rigid placement (rotation from the panels' fs/ss, translation by least squares) that puts its pixels there.
 */
import { GeometryFileError } from '../errors.js';
import { type CrystfelDetector, type CrystfelPanel, type Vec3, crystfelPanelPoint } from './crystfel-geom.js';
import { type CrystfelPanelMap, type DefaultNames, type PanelPiece, panelMapError, resolvePanelMap } from './crystfel-panel-map.js';
import { pyFixed } from './py-format.js';
import { type SegmentGeometry, segmentGeometry, segmentPixelCoords } from './segments.js';

/** Detector types of the CrystFEL-semantics import: candidate sensors, usual panel names, segment counts. */
export const CRYSTFEL_FIT_TYPES: Readonly<
  Record<
    string,
    {
      /** Candidate sensor types (psana segment names). */
      segments: readonly string[];
      /** Usual panel name of segment s, ASIC a. */
      names: DefaultNames;
      /** Accepted segment counts. */
      counts: readonly number[];
    }
  >
> = {
  cspad: { segments: ['SENS2X1:V1'], names: (s, a) => `p${Math.floor(s / 8)}a${2 * (s % 8) + a}`, counts: [32] },
  cspadv2: { segments: ['SENS2X1:V1'], names: (s, a) => `p${s}a${a}`, counts: [1, 8, 32] },
  cspad2x2: { segments: ['SENS2X1:V1'], names: (s, a) => `p${s}a${a}`, counts: [2] },
  jungfrau: { segments: ['JUNGFRAU:V2', 'JUNGFRAU:V1'], names: (s, a) => `p${s}a${a}`, counts: range(1, 32) },
  epix10ka: { segments: ['EPIX10KA:V2', 'EPIX10KA:V1'], names: (s, a) => `p${s}a${a}`, counts: range(1, 16) },
  pnccd: { segments: ['MTRX:V2:512:512:75:75', 'PNCCD:V1'], names: (s) => `p${s}a0`, counts: [4] },
};

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

/** How `corner_x/y` are meant: the panel's outer corner (CrystFEL) or the centre of its first pixel (psana's exporter). */
export type CrystfelCornerConvention = 'edge' | 'pixel-centre';

/** Options of {@link fitCrystfelDetector}. */
export interface CrystfelFitOptions {
  /** Detector type (a key of {@link CRYSTFEL_FIT_TYPES}). */
  dettype: string;
  /** File name for error messages. */
  file?: string;
  /** Frame of the file's coordinates: 1 = CrystFEL's lab frame (default), 0 = psana's frame (`to-crystfel --cframe 0`). */
  cframe?: 0 | 1;
  /** How the file's `corner_x/y` are meant. */
  corner: CrystfelCornerConvention;
  /** Camera length, m, when the file reads `clen` from the data (default 0). */
  clenM?: number;
  /** Which panels make up which segment (default: from the panel names). */
  panelMap?: CrystfelPanelMap;
  /** Sensor type to place (default: the detector type's candidate that fits best). */
  segment?: string;
}

/** One fitted segment, psana frame, um and degrees (rotation order Z, Y, X as in psana). */
export interface FittedSegment {
  /** Segment origin in the detector frame (psana X0, Y0, Z0), um. */
  origin: Vec3;
  /** Rotation angles about Z, Y, X, deg. */
  angles: Vec3;
}

/** Result of {@link fitCrystfelDetector}. */
export interface CrystfelFit {
  /** Sensor type placed (psana segment name, e.g. `SENS2X1:V1`). */
  segment: string;
  /** Fitted segments in psana order. */
  segments: FittedSegment[];
  /** Largest distance between a fitted pixel and its CrystFEL position among the pixels used, um. */
  maxResidualUm: number;
  /** Which pixels were fitted: every regular pixel (edge corners) or each ASIC's first pixel (psana's corners). */
  fitted: 'regular pixels' | 'first pixel of each ASIC';
}

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const scale = (a: Vec3, k: number): Vec3 => [a[0] * k, a[1] * k, a[2] * k];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const unit = (a: Vec3): Vec3 => scale(a, 1 / Math.hypot(...a));

interface Region {
  piece: PanelPiece;
  r0: number;
  c0: number;
  rows: number;
  cols: number;
}

function regionsOf(pieces: PanelPiece[], seg: SegmentGeometry, s: number, file?: string): Region[] {
  const [ar, ac] = seg.asicRowsCols;
  const regions: Region[] =
    pieces.length === 1
      ? [{ piece: pieces[0], r0: 0, c0: 0, rows: seg.rows, cols: seg.cols }]
      : pieces.map((piece, a) => ({ piece, r0: seg.asic0Indices[a][0], c0: seg.asic0Indices[a][1], rows: ar, cols: ac }));
  for (const { piece, rows, cols } of regions) {
    const p = piece.panel;
    if (piece.ss0 + rows > p.maxSs - p.minSs + 1 || piece.fs0 + cols > p.maxFs - p.minFs + 1) {
      throw new GeometryFileError(
        `segment ${s}: panel ${p.name} (${p.maxSs - p.minSs + 1} ss × ${p.maxFs - p.minFs + 1} fs) cannot hold ${rows} × ${cols} ${seg.name} pixels from ss ${piece.ss0}, fs ${piece.fs0}`,
        { file },
      );
    }
  }
  return regions;
}

/** psana angles (Z, Y, X, degrees) of R = Rx·Ry·Rz. */
function anglesOf(R: number[][]): Vec3 {
  const DEG = 180 / Math.PI;
  const ay = Math.asin(Math.max(-1, Math.min(1, R[0][2])));
  if (Math.abs(Math.cos(ay)) < 1e-9) return [Math.atan2(R[1][0], R[1][1]) * DEG, ay * DEG, 0];
  return [Math.atan2(-R[0][1], R[0][0]) * DEG, ay * DEG, Math.atan2(-R[1][2], R[2][2]) * DEG];
}

function fitWith(det: CrystfelDetector, seg: SegmentGeometry, map: PanelPiece[][], opts: CrystfelFitOptions) {
  const loc = segmentPixelCoords(seg);
  const L = (i: number): Vec3 => [loc.x[i], loc.y[i], loc.z[i]];
  const sizes = seg.pixelSizes();
  let minX = Infinity, minY = Infinity;
  for (let i = 0; i < sizes.x.length; i++) {
    minX = Math.min(minX, sizes.x[i]);
    minY = Math.min(minY, sizes.y[i]);
  }
  const f = unit(sub(L(1), L(0)));
  const s = unit(sub(L(seg.cols), L(0)));
  const n = cross(f, s);
  const clen = det.clenM ?? opts.clenM ?? 0;
  const toPsana = (v: Vec3): Vec3 => (opts.cframe === 0 ? v : [-v[1], -v[0], -v[2]]);
  const edge = opts.corner === 'edge';
  let sq = 0, count = 0, maxRes = 0;
  const segments = map.map((pieces, k) => {
    const regions = regionsOf(pieces, seg, k, opts.file);
    let F: Vec3 = [0, 0, 0], S: Vec3 = [0, 0, 0];
    for (const { piece } of regions) {
      F = F.map((v, j) => v + unit(toPsana(piece.panel.fs))[j]) as Vec3;
      S = S.map((v, j) => v + unit(toPsana(piece.panel.ss))[j]) as Vec3;
    }
    const names = regions.map((g) => g.piece.panel.name).join(', ');
    if (!(Math.hypot(...F) > 1e-6)) throw new GeometryFileError(`segment ${k}: fs of panel(s) ${names} is zero or the panels point opposite ways`, { file: opts.file });
    F = unit(F);
    S = sub(S, scale(F, dot(S, F)));
    if (!(Math.hypot(...S) > 1e-6)) throw new GeometryFileError(`segment ${k}: fs and ss of panel(s) ${names} are parallel or ss is zero`, { file: opts.file });
    S = unit(S);
    const N = cross(F, S);
    const R = [0, 1, 2].map((i) => [0, 1, 2].map((j) => F[i] * f[j] + S[i] * s[j] + N[i] * n[j]));
    // differences (CrystFEL position − rotated psana local pixel), um — visited twice: mean, then residuals
    const visit = (cb: (dx: number, dy: number, dz: number) => void) => {
      for (const { piece, r0, c0, rows, cols } of regions) {
        const p: CrystfelPanel = piece.panel;
        const o = scale(toPsana(crystfelPanelPoint(p, 0, 0, clen)), 1e6);
        const pf = scale(toPsana(p.fs), 1e6 / p.res);
        const ps = scale(toPsana(p.ss), 1e6 / p.res);
        const at = (r: number, c: number, h: number) => {
          const i = (r0 + r) * seg.cols + c0 + c;
          const u = piece.fs0 + c + h, v = piece.ss0 + r + h;
          const lx = loc.x[i], ly = loc.y[i], lz = loc.z[i];
          cb(
            o[0] + u * pf[0] + v * ps[0] - (R[0][0] * lx + R[0][1] * ly + R[0][2] * lz),
            o[1] + u * pf[1] + v * ps[1] - (R[1][0] * lx + R[1][1] * ly + R[1][2] * lz),
            o[2] + u * pf[2] + v * ps[2] - (R[2][0] * lx + R[2][1] * ly + R[2][2] * lz),
          );
        };
        if (!edge) {
          at(0, 0, 0);
          continue;
        }
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) {
            const i = (r0 + r) * seg.cols + c0 + c;
            if (sizes.x[i] === minX && sizes.y[i] === minY) at(r, c, 0.5);
          }
        }
      }
    };
    let tx = 0, ty = 0, tz = 0;
    let m = 0;
    visit((dx, dy, dz) => {
      tx += dx;
      ty += dy;
      tz += dz;
      m++;
    });
    const t: Vec3 = [tx / m, ty / m, tz / m];
    visit((dx, dy, dz) => {
      const e = Math.sqrt((dx - t[0]) ** 2 + (dy - t[1]) ** 2 + (dz - t[2]) ** 2);
      sq += e * e;
      count++;
      maxRes = Math.max(maxRes, e);
    });
    return { origin: t, angles: anglesOf(R) };
  });
  return { segments, rms: Math.sqrt(sq / Math.max(count, 1)), maxRes };
}

/**
 * Place psana segments where a CrystFEL file puts their pixels. The segment type is the detector type's
 * candidate with the smallest residual (e.g. JUNGFRAU:V2 vs V1), unless `opts.segment` names one.
 * @throws CrystfelPanelMapError when the panel names do not say which segment they hold.
 * @throws GeometryFileError for unknown detector types, panels too small, malformed values.
 */
export function fitCrystfelDetector(det: CrystfelDetector, opts: CrystfelFitOptions): CrystfelFit {
  const spec = CRYSTFEL_FIT_TYPES[opts.dettype.toLowerCase()];
  if (!spec) {
    throw new GeometryFileError(`unknown CrystFEL import detector type "${opts.dettype}" (known: ${Object.keys(CRYSTFEL_FIT_TYPES).join(', ')})`, { file: opts.file });
  }
  const names = opts.segment ? [opts.segment] : spec.segments;
  let best: (ReturnType<typeof fitWith> & { name: string }) | undefined;
  for (const name of names) {
    const seg = segmentGeometry(name);
    if (!seg) throw new GeometryFileError(`unknown sensor type "${name}"`, { file: opts.file });
    const nAsics = seg.nAsicsInRowsCols[0] * seg.nAsicsInRowsCols[1];
    const map = resolvePanelMap(det.panels, {
      map: opts.panelMap,
      defaults: spec.names,
      nAsics,
      segRows: seg.rows,
      segCols: seg.cols,
      maxSegments: Math.max(...spec.counts),
      file: opts.file,
    });
    if (!spec.counts.includes(map.length)) {
      const want = spec.counts.length > 3 ? `1…${Math.max(...spec.counts)}` : spec.counts.join(' or ');
      const hint = spec.segments[0] === 'SENS2X1:V1' ? ' (Cheetah CSPAD quads q0a0…q3a15: --dettype cspad; psana layout p0a0…p31a1: cspadv2)' : '';
      throw panelMapError(`${opts.dettype}: the panel names give ${map.length} segment(s), expected ${want}${hint}`, det.panels, {
        nAsics,
        segRows: seg.rows,
        segCols: seg.cols,
        file: opts.file,
      });
    }
    const fit = { ...fitWith(det, seg, map, opts), name };
    if (!best || fit.rms < best.rms - 1e-6) best = fit;
  }
  return {
    segment: best!.name,
    segments: best!.segments,
    maxResidualUm: best!.maxRes,
    fitted: opts.corner === 'edge' ? 'regular pixels' : 'first pixel of each ASIC',
  };
}

/**
 * psana data lines for a fit: segments under `DET:VC 0` under `IP` (whole um, rotations as multiples of 90° +
 * tilts). `DET:VC` carries the mean z when it is ≤ 0; psana negates a positive Z0 under `IP`, so a detector at
 * +z keeps `DET:VC` at 0 and the segments carry their whole z.
 */
export function fittedGeometryLines(fit: CrystfelFit): string[] {
  const mean = Math.round(fit.segments.reduce((a, g) => a + g.origin[2], 0) / fit.segments.length);
  const zMean = mean <= 0 ? mean : 0;
  const pad = (s: string, w: number) => s.padStart(w);
  const split = (a: number): [number, number] => {
    const rot = Math.round(a / 90) * 90;
    return [(((rot % 360) + 360) % 360) + 0, a - rot];
  };
  const lines = fit.segments.map((g, i) => {
    const [rz, tz] = split(g.angles[0]);
    const [ry, ty] = split(g.angles[1]);
    const [rx, tx] = split(g.angles[2]);
    const xyz = [g.origin[0], g.origin[1], g.origin[2] - zMean].map((v) => pad(String(Math.round(v) + 0), 8)).join(' ');
    return (
      `DET:VC         0  ${pad(fit.segment, 12)}  ${pad(String(i), 2)}   ${xyz} ${pad(String(rz), 7)} ${pad(String(ry), 5)} ${pad(String(rx), 5)}` +
      `   ${pad(pyFixed(tz, 5), 8)} ${pad(pyFixed(ty, 5), 8)} ${pad(pyFixed(tx, 5), 8)}`
    );
  });
  lines.push(`IP             0    DET:VC       0          0        0 ${pad(String(zMean), 8)}       0     0     0    0.00000  0.00000  0.00000`);
  return lines;
}
