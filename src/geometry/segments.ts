/**
 * Sensor (segment) types of psana geometry: pixel layout in the segment's local frame, pixel areas and the
 * sensor mask bits. Coordinates are built with psana's operation order so that they agree bit for bit.
 */
import { GeometryFileError } from '../errors.js';

/** Options of a sensor mask: see {@link SegmentGeometry.mask}. */
export interface SegmentMaskOptions {
  /** Mask control bits: +1 edges, +2 wide/central columns (and rows), +4 non-bonded, +8 four, +16 eight neighbours. */
  mbits?: number;
  /** Edge width in pixels (default 1). */
  width?: number;
  /** Number of central columns/rows masked on each side of an ASIC boundary (default 1). */
  wcentral?: number;
}

/** One sensor type: its pixel layout in its own frame. */
export interface SegmentGeometry {
  /** The sensor name as written in a geometry file, e.g. `SENS2X1:V1`. */
  readonly name: string;
  /** Pixel rows of the segment. */
  readonly rows: number;
  /** Pixel columns of the segment. */
  readonly cols: number;
  /** Pitch used to bin pixels into an image, um. */
  readonly pixelScaleSizeUm: number;
  /** Nominal pixel depth, um. */
  readonly depthUm: number;
  /** Row/column of the first pixel of each ASIC (for CrystFEL export); empty when not defined. */
  readonly asic0Indices: ReadonlyArray<readonly [number, number]>;
  /** ASIC size (rows, cols). */
  readonly asicRowsCols: readonly [number, number];
  /** ASICs per segment along (rows, cols). */
  readonly nAsicsInRowsCols: readonly [number, number];
  /** Local x per column and y per row (the pixel grid is their outer product), um. */
  axes(useWidePixCenter: boolean): {
    /** Local x per column (or per row when `xAlongRows`), um. */
    x: Float64Array;
    /** Local y per row (or per column when `xAlongRows`), um. */
    y: Float64Array;
    /** True when `x` is indexed by row and `y` by column (instead of the reverse). */
    xAlongRows: boolean;
  };
  /** Relative pixel areas (1 = pitch²), C order (rows, cols). */
  areas(): Float64Array;
  /** Pixel x/y sizes, um, C order. */
  pixelSizes(): {
    /** Pixel x sizes, um. */
    x: Float64Array;
    /** Pixel y sizes, um. */
    y: Float64Array;
  };
  /** Mask, 1 = good, C order (rows, cols). */
  mask(opts?: SegmentMaskOptions): Uint8Array;
}

function arange(n: number, f: (i: number) => number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = f(i);
  return a;
}

/** Mirror a right-hand-side array: [-rhs reversed, rhs] (or with `sign` applied to each half). */
function mirror(rhs: Float64Array, leftSign: number, rightSign: number): Float64Array {
  const h = rhs.length;
  const out = new Float64Array(2 * h);
  for (let k = 0; k < h; k++) {
    out[h - 1 - k] = leftSign * rhs[k];
    out[h + k] = rightSign * rhs[k];
  }
  return out;
}

function outer(rows: number, cols: number, f: (r: number, c: number) => number): Float64Array {
  const a = new Float64Array(rows * cols);
  for (let r = 0, i = 0; r < rows; r++) for (let c = 0; c < cols; c++, i++) a[i] = f(r, c);
  return a;
}

function fillRect(m: Uint8Array, cols: number, r0: number, r1: number, c0: number, c1: number): void {
  const rows = m.length / cols;
  for (let r = Math.max(0, r0); r < Math.min(rows, r1); r++) m.fill(0, r * cols + Math.max(0, c0), r * cols + Math.min(cols, c1));
}

function maskEdges(m: Uint8Array, rows: number, cols: number, w: number): void {
  if (w <= 0) return;
  fillRect(m, cols, 0, w, 0, cols);
  fillRect(m, cols, rows - w, rows, 0, cols);
  fillRect(m, cols, 0, rows, 0, w);
  fillRect(m, cols, 0, rows, cols - w, cols);
}

function maskOptions(o: SegmentMaskOptions | undefined): { mbits: number; w: number; u: number } {
  return { mbits: o?.mbits ?? 0o377, w: o?.width ?? 1, u: o?.wcentral ?? 1 };
}

/** Wide-central-pixel sensors (CSPAD 2x1, Epix100, Epix10ka): a pitch, a wide pitch at the ASIC boundary. */
class WideCentreSegment implements SegmentGeometry {
  readonly asicRowsCols: readonly [number, number];
  readonly asic0Indices: ReadonlyArray<readonly [number, number]>;
  readonly nAsicsInRowsCols: readonly [number, number];
  constructor(
    readonly name: string,
    readonly rows: number,
    readonly cols: number,
    private readonly pixs: number,
    private readonly pixw: number,
    /** Which axes have the wide central pixels: CSPAD only columns. */
    private readonly wideRows: boolean,
    /** +1: y grows with row index (Epix100); -1: y decreases with row index. */
    private readonly ySign: 1 | -1,
    readonly depthUm = 400,
    private readonly nonBonded = false,
  ) {
    const rh = wideRows ? rows / 2 : rows;
    const ch = cols / 2;
    this.asicRowsCols = [rh, ch];
    this.nAsicsInRowsCols = [wideRows ? 2 : 1, 2];
    this.asic0Indices = wideRows ? [[0, 0], [0, ch], [rh, 0], [rh, ch]] : [[0, 0], [0, ch]];
    if (name === 'EPIX100:V1') this.asic0Indices = [];
  }
  get pixelScaleSizeUm(): number {
    return this.pixs;
  }
  private rhs(n: number, wpc: boolean): Float64Array {
    const a = arange(n, (i) => i * this.pixs + this.pixw - this.pixs / 2);
    if (wpc) a[0] = this.pixw / 2;
    return a;
  }
  axes(wpc: boolean): { x: Float64Array; y: Float64Array; xAlongRows: boolean } {
    const x = mirror(this.rhs(this.cols / 2, wpc), -1, 1);
    let y: Float64Array;
    if (this.wideRows) {
      const yr = this.rhs(this.rows / 2, wpc);
      y = this.ySign > 0 ? mirror(yr, -1, 1) : mirror(yr, 1, -1);
    } else {
      // CSPAD: y = -r·p, then minus half of the last value (origin at the centre)
      y = arange(this.rows, (r) => -r * this.pixs);
      const half = y[this.rows - 1] / 2;
      for (let r = 0; r < this.rows; r++) y[r] -= half;
    }
    return { x, y, xAlongRows: false };
  }
  pixelSizes(): { x: Float64Array; y: Float64Array } {
    const ch = this.cols / 2;
    const rh = this.rows / 2;
    const sx = (c: number) => (c === ch - 1 || c === ch ? this.pixw : this.pixs);
    const sy = (r: number) => (this.wideRows && (r === rh - 1 || r === rh) ? this.pixw : this.pixs);
    return {
      x: outer(this.rows, this.cols, (_r, c) => sx(c)),
      y: outer(this.rows, this.cols, (r) => sy(r)),
    };
  }
  areas(): Float64Array {
    const { x, y } = this.pixelSizes();
    const factor = 1 / (this.pixs * this.pixs);
    for (let i = 0; i < x.length; i++) x[i] = x[i] * y[i] * factor;
    return x;
  }
  mask(o?: SegmentMaskOptions): Uint8Array {
    const { mbits, w, u } = maskOptions(o);
    const { rows, cols } = this;
    const m = new Uint8Array(rows * cols).fill(1);
    const h = cols / 2;
    if (mbits & 1) maskEdges(m, rows, cols, w);
    if (mbits & 2) {
      fillRect(m, cols, 0, rows, h - u, h + u);
      if (this.wideRows) fillRect(m, cols, rows / 2 - u, rows / 2 + u, 0, cols);
    }
    if (this.nonBonded && mbits & (4 | 8 | 16)) {
      const set0 = (r: number, c: number) => {
        m[r * cols + c] = 0;
      };
      for (let p = 0; p < rows; p += 10) {
        for (const off of [0, h]) {
          if (mbits & 16) {
            if (p === 0) fillRect(m, cols, 0, 2, off, off + 2);
            else fillRect(m, cols, p - 1, p + 2, p - 1 + off, p + 2 + off);
          } else if (mbits & 8) {
            if (p === 0) {
              set0(1, off);
              set0(0, 1 + off);
            } else {
              for (let d = -1; d <= 1; d++) {
                set0(p + d, p + off);
                set0(p, p + d + off);
              }
            }
          } else {
            set0(p, p + off);
          }
        }
      }
    }
    return m;
  }
}

/** Jungfrau module: 2 × 4 ASICs of 256 × 256, 75 um, 3-pitch spacing between ASIC edge pixels. */
class JungfrauSegment implements SegmentGeometry {
  readonly rows = 512;
  readonly cols = 1024;
  readonly pixelScaleSizeUm = 75;
  readonly depthUm = 400;
  readonly asicRowsCols = [256, 256] as const;
  readonly nAsicsInRowsCols = [2, 4] as const;
  readonly asic0Indices = [
    [0, 0], [0, 256], [0, 512], [0, 768], [256, 0], [256, 256], [256, 512], [256, 768],
  ] as const;
  constructor(
    readonly name: string,
    private readonly rowZeroAtBottom: boolean,
  ) {}
  axes(): { x: Float64Array; y: Float64Array; xAlongRows: boolean } {
    const p = 75;
    const x0 = [(-512 - 2.5) * p, -256.5 * p, 1.5 * p, (256 + 3.5) * p];
    const x = arange(1024, (c) => (c % 256) * p + x0[c >> 8]);
    const y = this.rowZeroAtBottom
      ? arange(512, (r) => [-256.5 * p, 1.5 * p][r >> 8] + (r % 256) * p)
      : arange(512, (r) => [256.5 * p, -1.5 * p][r >> 8] - (r % 256) * p);
    return { x, y, xAlongRows: false };
  }
  pixelSizes(): { x: Float64Array; y: Float64Array } {
    return { x: new Float64Array(this.rows * this.cols).fill(75), y: new Float64Array(this.rows * this.cols).fill(75) };
  }
  areas(): Float64Array {
    return new Float64Array(this.rows * this.cols).fill(1);
  }
  mask(o?: SegmentMaskOptions): Uint8Array {
    const { mbits, w, u } = maskOptions(o);
    const m = new Uint8Array(this.rows * this.cols).fill(1);
    if (mbits & 1) maskEdges(m, this.rows, this.cols, w);
    if (mbits & 2) {
      for (let k = 1; k < 4; k++) fillRect(m, this.cols, 0, this.rows, 256 * k - u, 256 * k + u);
      fillRect(m, this.cols, 256 - u, 256 + u, 0, this.cols);
    }
    return m;
  }
}

/** Matrix sensors: V1 (origin at pixel (0,0), x along rows) and V2 (centred, x along columns). */
class MatrixSegment implements SegmentGeometry {
  readonly asicRowsCols: readonly [number, number];
  readonly asic0Indices = [[0, 0]] as const;
  readonly nAsicsInRowsCols = [1, 1] as const;
  readonly pixelScaleSizeUm: number;
  constructor(
    readonly name: string,
    readonly rows: number,
    readonly cols: number,
    private readonly pr: number,
    private readonly pc: number,
    private readonly v2: boolean,
    readonly depthUm: number,
    scale?: number,
  ) {
    this.asicRowsCols = [rows, cols];
    this.pixelScaleSizeUm = scale ?? Math.min(pr, pc);
  }
  axes(): { x: Float64Array; y: Float64Array; xAlongRows: boolean } {
    if (this.v2) {
      const hc = (this.cols - 1) / 2;
      const hr = (this.rows - 1) / 2;
      return {
        x: arange(this.cols, (c) => (c - hc) * this.pc),
        y: arange(this.rows, (r) => (r - hr) * -this.pr),
        xAlongRows: false,
      };
    }
    // V1: x = row·PR (one value per row), y = col·PC (one value per column)
    return { x: arange(this.rows, (r) => r * this.pr), y: arange(this.cols, (c) => c * this.pc), xAlongRows: true };
  }
  pixelSizes(): { x: Float64Array; y: Float64Array } {
    const n = this.rows * this.cols;
    return this.v2
      ? { x: new Float64Array(n).fill(this.pc), y: new Float64Array(n).fill(this.pr) }
      : { x: new Float64Array(n).fill(this.pr), y: new Float64Array(n).fill(this.pc) };
  }
  areas(): Float64Array {
    return new Float64Array(this.rows * this.cols).fill(1);
  }
  mask(o?: SegmentMaskOptions): Uint8Array {
    const { mbits, w } = maskOptions(o);
    const m = new Uint8Array(this.rows * this.cols).fill(1);
    if (mbits & 1) maskEdges(m, this.rows, this.cols, w);
    return m;
  }
}

function matrixFromName(name: string, v2: boolean, file?: string, line?: number): MatrixSegment {
  const f = name.split(':');
  if (f.length < 5) {
    throw new GeometryFileError(`matrix sensor "${name}" needs 4 numeric fields (ROWS:COLS:PITCH_ROW:PITCH_COL)`, { file, line });
  }
  const [rs, cs, prs, pcs] = v2 ? f.slice(-4) : f.slice(1, 5);
  const rows = Number(rs);
  const cols = Number(cs);
  const pr = Number(prs);
  const pc = Number(pcs);
  if (!/^\d+$/.test(rs) || !/^\d+$/.test(cs) || rows < 1 || cols < 1 || !(pr > 0) || !(pc > 0)) {
    throw new GeometryFileError(`matrix sensor "${name}": expected positive integer rows/cols and positive pitches`, { file, line });
  }
  return new MatrixSegment(name, rows, cols, pr, pc, v2, 100);
}

const FIXED: Record<string, () => SegmentGeometry> = {
  'SENS2X1:V1': () => new WideCentreSegment('SENS2X1:V1', 185, 388, 109.92, 274.8, false, -1, 400, true),
  'EPIX100:V1': () => new WideCentreSegment('EPIX100:V1', 704, 768, 50, 175, true, 1),
  'EPIX10KA:V1': () => new WideCentreSegment('EPIX10KA:V1', 352, 384, 100, 250, true, -1),
  'EPIX10KA:V2': () => new WideCentreSegment('EPIX10KA:V2', 352, 384, 100, 225, true, -1),
  'PNCCD:V1': () => new MatrixSegment('PNCCD:V1', 512, 512, 75, 75, false, 400, 75),
  'JUNGFRAU:V1': () => new JungfrauSegment('JUNGFRAU:V1', false),
  'JUNGFRAU:V2': () => new JungfrauSegment('JUNGFRAU:V2', true),
};
const cache = new Map<string, SegmentGeometry>();

/** True when `name` is a sensor type (a leaf that produces pixels); other names are containers. */
export function isSegmentName(name: string): boolean {
  return name in FIXED || name.startsWith('MTRX');
}

/** The sensor type named `name`, or undefined for a container name. Instances are shared (immutable). */
export function segmentGeometry(name: string, where: { file?: string; line?: number } = {}): SegmentGeometry | undefined {
  const hit = cache.get(name);
  if (hit) return hit;
  let seg: SegmentGeometry | undefined;
  if (name in FIXED) seg = FIXED[name]();
  else if (name.startsWith('MTRX:V2')) seg = matrixFromName(name, true, where.file, where.line);
  else if (name.startsWith('MTRX')) seg = matrixFromName(name, false, where.file, where.line);
  if (seg) cache.set(name, seg);
  return seg;
}

/** Local pixel coordinates of a sensor (um, C order (rows, cols), z = 0). */
export function segmentPixelCoords(seg: SegmentGeometry, useWidePixCenter = false): { x: Float64Array; y: Float64Array; z: Float64Array } {
  const { x: ax, y: ay, xAlongRows } = seg.axes(useWidePixCenter);
  const { rows, cols } = seg;
  const n = rows * cols;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++, i++) {
      if (xAlongRows) {
        x[i] = ax[r];
        y[i] = ay[c];
      } else {
        x[i] = ax[c];
        y[i] = ay[r];
      }
    }
  }
  return { x, y, z: new Float64Array(n) };
}
