/**
 * GeometryAccess: an immutable psana detector geometry (PSCalib GeometryAccess semantics) — pixel
 * coordinates, areas, masks, image index maps, object look-up and alignment operations that return a new
 * geometry.
 */
import { CalibmanError, GeometryLimitError } from '../errors.js';
import { formatGeometryText, parseGeometryText, type GeometryRecord, type ObjectParams } from './file-format.js';
import { ImageAssembler } from './assembler.js';
import { imageFromPixelArrays, pointToRowCol, xyToRowCol, type PixelIndexes } from './image.js';
import { pairwiseSum } from './numpy-sum.js';
import { compareTrees, type GeometryComparison } from './compare.js';
import { applyIpRule, buildTree, DEFAULT_MAX_GEOMETRY_DEPTH, type GeoNode, type GeoTree } from './tree.js';
import { checkLimitOption, DEFAULT_MAX_IMAGE_PIXELS } from './image-limits.js';
import { nodeConcat, nodeCoords, nodeShape, nodeSize, type Coords } from './transform.js';

/**
 * An object of the tree: a path string or a `{ name, index }` pair (psana's first-match look-up).
 * Path: `NAME:INDEX` (split on the last colon, e.g. `QUAD:V1:2`), parent-qualified with `/`:
 * `QUAD:V1:2/SENS2X1:V1:3` is sensor 3 of quad 2. The first component is found by first match.
 */
export type ObjectRef =
  | string
  | {
      /** Object name, `QUAD:V1`. */
      name: string;
      /** Object index among its parent's children of that name. */
      index: number;
    };

/** Placement parameters of one object (um, deg). */
export type { ObjectParams };

/** Options selecting coordinates. */
export interface CoordOptions {
  /** Object name (psana `oname`); omitted = the whole detector. Use `object` for a path. */
  oname?: string;
  /** Object index (psana `oindex`, default 0). */
  oindex?: number;
  /** Object as `NAME:INDEX` or `{ name, index }` (instead of oname/oindex). */
  object?: ObjectRef;
  /** Apply tilts (default true). */
  doTilt?: boolean;
  /** 0 = psana frame (default), 1 = LAB frame. */
  cframe?: 0 | 1;
}

/** Options of the image index maps. */
export interface IndexMapOptions extends CoordOptions {
  /** Bin size, um (default: the pixel scale size of the detector's first sensor). */
  pixScaleSizeUm?: number;
  /** Offset (rows, cols) in bins; non-positive components ignored (psana). */
  xy0OffPix?: [number, number];
}

/**
 * Limits guarding against absurd geometries, checked before the work or memory is spent
 * (a {@link GeometryLimitError} names the limit and what the geometry needs).
 */
export interface GeometryLimits {
  /** Largest number of levels below the top object (default 1000; real detectors have fewer than 10). */
  maxDepth?: number;
  /** Largest image (rows × cols) of the index maps, images and assemblers, and largest pixel count (default 10⁸). */
  maxImagePixels?: number;
}

/** Options of {@link GeometryAccess.fromText}. */
export interface GeometryLoadOptions extends GeometryLimits {
  /** File name, for messages. */
  file?: string;
  /** Place the wide CSPAD/Epix pixels at their true centres (psana's use_wide_pix_center, default false). */
  useWidePixCenter?: boolean;
}

/** Parse `NAME:INDEX` (split on the last colon). */
export function parseObjectName(s: string): {
  /** Object name, e.g. `QUAD:V1`. */
  name: string;
  /** Object index. */
  index: number;
} {
  const k = s.lastIndexOf(':');
  const idx = k > 0 ? s.slice(k + 1) : '';
  if (!/^\d+$/.test(idx)) throw new CalibmanError(`object "${s}": expected NAME:INDEX, e.g. QUAD:V1:2`);
  return { name: s.slice(0, k), index: Number(idx) };
}

const DEFAULT_LIMITS: Readonly<Required<GeometryLimits>> = Object.freeze({ maxDepth: DEFAULT_MAX_GEOMETRY_DEPTH, maxImagePixels: DEFAULT_MAX_IMAGE_PIXELS });

const PARAM_KEYS = ['x0', 'y0', 'z0', 'rotZ', 'rotY', 'rotX', 'tiltZ', 'tiltY', 'tiltX'] as const;

/** An immutable psana geometry. Alignment methods return a new instance. */
export class GeometryAccess {
  private readonly cache = new Map<string, unknown>();
  private constructor(
    private readonly tree: GeoTree,
    /** psana's stored comment texts, in order. */
    readonly comments: readonly string[],
    /** File the geometry was read from, for messages. */
    readonly file: string | undefined,
    /** Place the wide CSPAD/Epix pixels at their true centres (psana's use_wide_pix_center, default false). */
    readonly useWidePixCenter = false,
    /** The limits in effect (defaults filled in). */
    readonly limits: Readonly<Required<GeometryLimits>> = DEFAULT_LIMITS,
  ) {}

  /**
   * Parse a geometry text (psana file format).
   * @throws GeometryFileError with file and line; GeometryLimitError beyond `maxDepth`.
   */
  static fromText(text: string, opts: GeometryLoadOptions = {}): GeometryAccess {
    const g = parseGeometryText(text, opts.file);
    return GeometryAccess.fromRecords(g.records, g.comments, opts.file, opts.useWidePixCenter, opts);
  }

  /** Build from records (file order); the IP z-sign rule is applied. */
  static fromRecords(
    records: readonly GeometryRecord[], comments: readonly string[] = [], file?: string, useWidePixCenter = false, limits: GeometryLimits = {},
  ): GeometryAccess {
    checkLimitOption('maxDepth', limits.maxDepth);
    checkLimitOption('maxImagePixels', limits.maxImagePixels);
    const lim = { maxDepth: limits.maxDepth ?? DEFAULT_MAX_GEOMETRY_DEPTH, maxImagePixels: limits.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS };
    const tree = buildTree(records.map(applyIpRule), file, lim);
    // every per-pixel array has this many elements: bounded like an image
    const pixels = nodeSize(tree, tree.top);
    if (pixels > lim.maxImagePixels) {
      throw new GeometryLimitError(
        `the detector has ${pixels} pixels, more than the limit of ${lim.maxImagePixels} (maxImagePixels, --max-image-pixels); check the sensor sizes (e.g. MTRX:ROWS:COLS:…)`,
        { file, limit: 'maxImagePixels', max: lim.maxImagePixels, found: pixels },
      );
    }
    return new GeometryAccess(tree, Object.freeze([...comments]), file, useWidePixCenter, Object.freeze(lim));
  }

  /** The geometry as psana saves it (comments, empty line, data lines; X0/Y0/Z0 rounded to 1 um). */
  toText(): string {
    return formatGeometryText({ comments: [...this.comments], records: this.records() });
  }

  /** Data records in file order (values in effect, z after the IP rule), without the synthesized top. */
  records(): GeometryRecord[] {
    return this.tree.nodes.filter((n) => !n.synthesized).map((n) => ({ ...n.record }));
  }

  /** Warnings psana would log while using the tree (e.g. children out of index order). */
  get warnings(): readonly string[] {
    return this.tree.warnings;
  }

  /** Objects with a line in the file, in psana's list order, as `NAME:INDEX <- PARENT:INDEX`. */
  objectsInFileOrder(): string[] {
    return this.tree.nodes.filter((n) => !n.synthesized).map((n) => {
      const r = n.record;
      return `${r.objectName}:${r.objectIndex} <- ${r.parentName}:${r.parentIndex}`;
    });
  }

  /** `NAME:INDEX` of the top object. */
  get topObject(): string {
    const r = this.tree.nodes[this.tree.top].record;
    return `${r.objectName}:${r.objectIndex}`;
  }

  /** Name of the first sensor object (psana `get_seg_geo`). */
  get segmentName(): string {
    return this.tree.nodes[this.tree.firstSegment].record.objectName;
  }

  /** Number of sensors. */
  get numSegments(): number {
    return this.tree.nodes.filter((n) => n.segment).length;
  }

  /** Total pixel count. */
  get size(): number {
    return nodeSize(this.tree, this.tree.top);
  }

  /** psana's array shape of the whole detector, e.g. [1, 32, 185, 388]. */
  get shape(): number[] {
    return nodeShape(this.tree, this.tree.top);
  }

  /** The full parent-qualified path of a resolved object, e.g. `IP:0/CSPAD:V1:0/QUAD:V1:2`. */
  objectPath(ref: ObjectRef): string {
    const parts: string[] = [];
    for (let id: number | undefined = this.resolve(ref); id !== undefined; id = this.tree.nodes[id].parent) {
      const r = this.tree.nodes[id].record;
      parts.unshift(`${r.objectName}:${r.objectIndex}`);
    }
    return parts.join('/');
  }

  /** Resolve an object reference to its list position (first match, then children along a path). */
  private resolve(ref: ObjectRef | undefined): number {
    if (ref === undefined) return this.tree.top;
    const steps = typeof ref === 'string' ? ref.split('/').filter((s) => s !== '').map(parseObjectName) : [ref];
    if (steps.length === 0) return this.tree.top;
    const { nodes } = this.tree;
    const match = (n: GeoNode, s: { name: string; index: number }) => n.record.objectName === s.name && n.record.objectIndex === s.index;
    let cur = nodes.findIndex((n) => match(n, steps[0]));
    for (let k = 1; cur >= 0 && k < steps.length; k++) {
      cur = nodes[cur].children.find((c) => match(nodes[c], steps[k])) ?? -1;
    }
    if (cur < 0) {
      const s = typeof ref === 'string' ? ref : `${ref.name}:${ref.index}`;
      throw new CalibmanError(`geometry object ${s} not found (objects: ${this.tree.nodes.map((n) => `${n.record.objectName}:${n.record.objectIndex}`).join(', ')})`);
    }
    return cur;
  }

  private refOf(o: CoordOptions): ObjectRef | undefined {
    if (o.object !== undefined) return o.object;
    if (o.oname !== undefined) return { name: o.oname, index: o.oindex ?? 0 };
    return undefined;
  }

  private cached<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, make());
    return this.cache.get(key) as T;
  }

  /**
   * Pixel coordinates (um) of the detector (in the top frame) or of one object (in its parent's frame),
   * psana shape. The arrays are shared with the cache: do not modify them.
   */
  getPixelCoords(opts: CoordOptions = {}): Coords {
    const id = this.resolve(this.refOf(opts));
    const doTilt = opts.doTilt ?? true;
    const cframe = opts.cframe ?? 0;
    return this.cached(`xyz|${id}|${doTilt}|${cframe}`, () => {
      const c = nodeCoords(this.tree, id, doTilt, this.useWidePixCenter);
      if (cframe === 1) {
        // LAB: (x, y, z) = (−y, −x, −z)
        const { x, y, z } = c;
        for (let i = 0; i < x.length; i++) {
          const t = x[i];
          x[i] = -y[i];
          y[i] = -t;
          z[i] = -z[i];
        }
        const e = c.extent;
        if (e) c.extent = { xmin: -e.ymax, xmax: -e.ymin, ymin: -e.xmax, ymax: -e.xmin };
      }
      return c;
    });
  }

  /** Relative pixel areas (1 = pitch²), psana shape flattened. */
  getPixelAreas(opts: { object?: ObjectRef } = {}): Float64Array {
    const id = this.resolve(opts.object);
    return this.cached(`area|${id}`, () => nodeConcat(this.tree, id, (n) => new Float64Array(n), (nd) => nd.segment!.areas()));
  }

  /** Sensor mask (1 = good, 0 = masked), psana shape flattened. Defaults: mbits 255, width 1, wcentral 1. */
  getPixelMask(opts: { mbits?: number; width?: number; wcentral?: number; object?: ObjectRef } = {}): Uint8Array {
    const id = this.resolve(opts.object);
    const m = { mbits: opts.mbits ?? 0o377, width: opts.width ?? 1, wcentral: opts.wcentral ?? 1 };
    return nodeConcat(this.tree, id, (n) => new Uint8Array(n), (nd) => nd.segment!.mask(m));
  }

  /** Pixel scale size (um) of the first sensor found along first children from the top. */
  getPixelScaleSizeUm(): number {
    let id = this.tree.top;
    while (!this.tree.nodes[id].segment) id = this.tree.nodes[id].children[0];
    return this.tree.nodes[id].segment!.pixelScaleSizeUm;
  }

  /** Image row/column index maps (psana `get_pixel_coord_indexes`), computed once per option set. */
  getPixelCoordIndexes(opts: IndexMapOptions = {}): PixelIndexes {
    const c = this.getPixelCoords(opts);
    const p = opts.pixScaleSizeUm ?? this.getPixelScaleSizeUm();
    const key = `idx|${this.resolve(this.refOf(opts))}|${opts.doTilt ?? true}|${opts.cframe ?? 0}|${p}|${opts.xy0OffPix ?? ''}`;
    return this.cached(key, () => xyToRowCol(c.x, c.y, c.shape, {
      pixScaleSizeUm: p, xy0OffPix: opts.xy0OffPix, cframe: opts.cframe ?? 0, extent: c.extent, maxImagePixels: this.limits.maxImagePixels,
    }));
  }

  /** Image bin (row, col) of a point (um) with the detector's binning (psana `point_coord_indexes`). */
  pointCoordIndexes(point: [number, number], opts: IndexMapOptions & { fract?: boolean } = {}): [number, number] {
    const c = this.getPixelCoords(opts);
    const p = opts.pixScaleSizeUm ?? this.getPixelScaleSizeUm();
    return pointToRowCol(point[0], point[1], c.x, c.y, { pixScaleSizeUm: p, xy0OffPix: opts.xy0OffPix, cframe: opts.cframe ?? 0, extent: c.extent }, opts.fract);
  }

  /**
   * x/y projected along the line to the origin onto the plane z = `zplane` (default mean z); if
   * |z plane| < 1000 um the unprojected x/y are returned (psana `get_pixel_xy_at_z`).
   */
  getPixelXyAtZ(opts: CoordOptions & { zplane?: number } = {}): {
    /** x of every pixel projected onto the plane, um. */
    x: Float64Array;
    /** y of every pixel projected onto the plane, um. */
    y: Float64Array;
    /** psana shape of the arrays. */
    shape: number[];
    /** z of the plane used, um. */
    zplane: number;
  } {
    const c = this.getPixelCoords(opts);
    const z0 = opts.zplane ?? pairwiseSum(c.z) / c.z.length;
    if (Math.abs(z0) < 1000) return { x: c.x.slice(), y: c.y.slice(), shape: c.shape, zplane: z0 };
    const x = new Float64Array(c.x.length);
    const y = new Float64Array(c.x.length);
    for (let i = 0; i < x.length; i++) {
      const z = c.z[i];
      x[i] = z0 * (z === 0 ? 0 : c.x[i] / z);
      y[i] = z0 * (z === 0 ? 0 : c.y[i] / z);
    }
    return { x, y, shape: c.shape, zplane: z0 };
  }

  /** Index maps of {@link getPixelXyAtZ} (psana `get_pixel_xy_inds_at_z`). */
  getPixelXyIndexesAtZ(opts: IndexMapOptions & { zplane?: number } = {}): PixelIndexes {
    const c = this.getPixelXyAtZ(opts);
    const p = opts.pixScaleSizeUm ?? this.getPixelScaleSizeUm();
    return xyToRowCol(c.x, c.y, c.shape, { pixScaleSizeUm: p, xy0OffPix: opts.xy0OffPix, cframe: opts.cframe ?? 0, maxImagePixels: this.limits.maxImagePixels });
  }

  /** A cached assembler for an index map (fast repeated image building, same result as {@link image}). */
  imageAssembler(opts: IndexMapOptions = {}): ImageAssembler {
    const ix = this.getPixelCoordIndexes(opts);
    return this.cached(`asm|${JSON.stringify(opts)}`, () => new ImageAssembler(ix.rows, ix.cols, ix.imageShape, { rowLength: ix.shape.at(-1), maxImagePixels: this.limits.maxImagePixels }));
  }

  /** Image of per-pixel values (any shape with the detector's pixel count), last pixel wins, float32. */
  image(
    values: ArrayLike<number>,
    opts: IndexMapOptions = {},
    out?: Float32Array | Float64Array,
  ): {
    /** The assembled image, row by row. */
    image: Float32Array | Float64Array;
    /** `[rows, cols]` of the image. */
    imageShape: [number, number];
  } {
    const ix = this.getPixelCoordIndexes(opts);
    if (values.length !== ix.rows.length) throw new CalibmanError(`data have ${values.length} values, the geometry has ${ix.rows.length} pixels`);
    return { image: imageFromPixelArrays(ix.rows, ix.cols, values, ix.imageShape, out), imageShape: ix.imageShape };
  }

  // ---- alignment ---------------------------------------------------------------------------------

  /** Placement parameters of an object (after the IP z-sign rule). */
  getObjectParams(ref?: ObjectRef): ObjectParams {
    const r = this.tree.nodes[this.resolve(ref)].record;
    return Object.fromEntries(PARAM_KEYS.map((k) => [k, r[k]])) as unknown as ObjectParams;
  }

  private withRecord(ref: ObjectRef | undefined, change: (r: GeometryRecord) => GeometryRecord): GeometryAccess {
    const id = this.resolve(ref);
    const nd = this.tree.nodes[id];
    if (nd.synthesized) throw new CalibmanError(`the top object ${this.topObject} has no line in the file and cannot be changed`);
    const records = this.tree.nodes.filter((n) => !n.synthesized).map((n) => (n.id === id ? change({ ...n.record }) : { ...n.record }));
    return new GeometryAccess(buildTree(records, this.file, this.limits), this.comments, this.file, this.useWidePixCenter, this.limits);
  }

  /** Replace some or all placement parameters (psana `set_geo_pars` replaces all; omitted ones keep their value here). */
  setObjectParams(ref: ObjectRef, p: Partial<ObjectParams>): GeometryAccess {
    for (const [k, v] of Object.entries(p)) {
      if (!(PARAM_KEYS as readonly string[]).includes(k)) throw new CalibmanError(`unknown geometry parameter "${k}"`);
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new CalibmanError(`parameter ${k}: expected a finite number, found ${v}`);
    }
    return this.withRecord(ref, (r) => ({ ...r, ...p }));
  }

  /** Shift an object's origin by (dx, dy, dz) um in its parent's frame (psana `move_geo`). */
  moveObject(ref: ObjectRef, dx = 0, dy = 0, dz = 0): GeometryAccess {
    return this.withRecord(ref, (r) => ({ ...r, x0: r.x0 + dx, y0: r.y0 + dy, z0: r.z0 + dz }));
  }

  /** Add to an object's tilt angles, deg (psana `tilt_geo`; note the x, y, z argument order). */
  tiltObject(ref: ObjectRef, dtX = 0, dtY = 0, dtZ = 0): GeometryAccess {
    return this.withRecord(ref, (r) => ({ ...r, tiltX: r.tiltX + dtX, tiltY: r.tiltY + dtY, tiltZ: r.tiltZ + dtZ }));
  }

  /** Add to an object's design rotation angles, deg (x, y, z order like {@link tiltObject}). */
  rotateObject(ref: ObjectRef, drX = 0, drY = 0, drZ = 0): GeometryAccess {
    return this.withRecord(ref, (r) => ({ ...r, rotX: r.rotX + drX, rotY: r.rotY + drY, rotZ: r.rotZ + drZ }));
  }

  /**
   * Compare with another geometry: per-object parameter deltas (other − this, objects matched by path) and
   * per-pixel displacement statistics (psana frame, tilts on) when the pixel counts agree.
   */
  compare(other: GeometryAccess): GeometryComparison {
    const same = other.size === this.size;
    return compareTrees(this.tree, other.tree, same ? this.getPixelCoords() : undefined, same ? other.getPixelCoords() : undefined);
  }

  /** A copy with other comments (e.g. a new history line before saving). */
  withComments(comments: readonly string[]): GeometryAccess {
    return new GeometryAccess(this.tree, Object.freeze([...comments]), this.file, this.useWidePixCenter, this.limits);
  }

  /** The tree (read-only) for helpers in this package. @internal */
  get geoTree(): GeoTree {
    return this.tree;
  }
}

