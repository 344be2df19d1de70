/**
 * The pictures of a dark job — pedestals, pixel_rms, pixel_status, any per-pixel array — and its spectra,
 * ready to draw: RGBA pixels, value range, unit and colour bar (or legend). The HTML report draws exactly
 * these (src/node/dark-report.ts calls the same functions), so a GUI showing them and the report never
 * disagree. Platform-neutral.
 */
import { ConfigError } from '../errors.js';
import { evaluateLimits } from '../dark/numpy-stats.js';
import { defaultGeometryFor } from '../detectors/geometry.js';
import { detectorTypeOfSource, getDetectorType } from '../detectors/registry.js';
import type { DetectorType } from '../detectors/types.js';
import type { GeometryAccess } from '../geometry/geometry-access.js';
import type { TypedArray } from '../io/dtype.js';
import { type NdArray, toCOrder } from '../io/ndarray.js';
import type { PixelIndexMaps } from '../mask/pixel-mask.js';
import { displayImage, toFloat32 } from '../plot/arrange.js';
import type { Rgb } from '../plot/canvas.js';
import { type ColormapName, colormapLut } from '../plot/colormap.js';
import { type ImageCategory, type ImageFigureOptions, renderFigurePicture } from '../plot/figure.js';
import { type Histogram, histogram } from '../plot/histogram.js';
import { maxPoolImage } from './pool.js';
import { STATUS_ABSENT, STATUS_CLASSES, absentSegmentPixels, statusCategoryCodes, statusLegend } from './status-map.js';

/** The calib types a dark job produces, as picture kinds. */
export type DarkPictureKind = 'pedestals' | 'pixel_rms' | 'pixel_status';

/** Picture kinds of {@link darkPicture}. */
export const DARK_PICTURE_KINDS: readonly DarkPictureKind[] = ['pedestals', 'pixel_rms', 'pixel_status'];

/** The constants of one source to draw (arrays in psana's shape, any element type). */
export interface DarkPictureSource {
  /** DetInfo source, `CxiDs1.0:Cspad.0`. */
  source: string;
  /** Detector type or menu name, when the source's device is not enough to find it in the registry. */
  detector?: string;
  /** Raw frame shape, psana's (e.g. `[32, 185, 388]`). */
  shape: readonly number[];
  /** Pedestals, ADU. */
  pedestals: NdArray | TypedArray;
  /** pixel_rms, ADU. */
  pixelRms: NdArray | TypedArray;
  /** pixel_status bits. */
  pixelStatus: NdArray | TypedArray;
}

/** Options of {@link prepareDarkPictures}. */
export interface DarkPictureOptions {
  /**
   * Geometry the pictures are assembled with (e.g. the one the calib store gives for the run); default the
   * registry's default geometry of the detector type (cameras: the frame itself; unknown types: segments tiled).
   */
  geometry?: GeometryAccess;
  /** Size of the larger side of the pictures, px (default 400, as the report; `Infinity`: one px per image bin). */
  targetSize?: number;
  /** Colour map of the continuous pictures (default `viridis`). */
  colormap?: ColormapName;
}

/** A continuous colour bar: values `range[0]`…`range[1]` mapped linearly onto 256 colours. */
export interface ContinuousColorbar {
  /** Discriminant. */
  readonly type: 'continuous';
  /** Colour map name. */
  readonly colormap: ColormapName;
  /** 256 × RGB, entry 0 for `range[0]`, 255 for `range[1]`. */
  readonly colors: Uint8Array;
  /** Values at the two ends of the bar. */
  readonly range: [number, number];
  /** Quantity and unit along the bar (`pedestal, ADU`). */
  readonly label: string;
}

/** A legend of colours (categorical pictures such as the status map). */
export interface CategoricalColorbar {
  /** Discriminant. */
  readonly type: 'categorical';
  /** Category code, colour and label with its pixel count, in legend order. */
  readonly categories: readonly ImageCategory[];
}

/** A picture ready to draw. */
export interface DetectorPicture {
  /** What it shows: a calib type, or `array` for {@link arrayPicture}. */
  readonly kind: DarkPictureKind | 'array';
  /** Title as the report writes it. */
  readonly title: string;
  /** RGBA, 4 bytes per pixel, rows top to bottom (a browser ImageData's layout). */
  readonly rgba: Uint8Array;
  /** Width of `rgba`, px. */
  readonly width: number;
  /** Height of `rgba`, px. */
  readonly height: number;
  /** Value range of the colours (status map: the range of its category codes). */
  readonly range: [number, number];
  /** Unit of the values: `ADU`, or `category` for the status map, or what {@link arrayPicture} was given. */
  readonly unit: string;
  /** How values map to colours: a continuous bar, or the legend of a categorical picture. */
  readonly colorbar: ContinuousColorbar | CategoricalColorbar;
  /** Further colours in the picture and their meaning: overlays (absent sections), off-sensor bins. */
  readonly legend: readonly {
    /** What the colour means. */
    readonly label: string;
    /** The colour, RGB 0..255. */
    readonly color: Rgb;
  }[];
  /**
   * The values drawn, one per image bin (`imageShape` = [rows, cols]); the status map holds category codes,
   * max-pooled by `pool`. Bins with 0 in `reached` are off-sensor.
   */
  readonly image: Float32Array;
  /** `[rows, cols]` of `image`. */
  readonly imageShape: [number, number];
  /** 1 for image bins some detector pixel reaches (geometry images); undefined when all are. */
  readonly reached: Uint8Array | undefined;
  /** Image bins per drawn bin along each side (status map pooling; 1 otherwise). */
  readonly pool: number;
  /** Drawn px per drawn bin (≤ 1 shrinks, nearest bin). */
  readonly scale: number;
  /** Axis labels (`image column, pixels`). */
  readonly axes: {
    /** Label of the horizontal axis. */
    readonly x: string;
    /** Label of the vertical axis. */
    readonly y: string;
  };
  /** What the report draws for this picture: the same image and figure options. */
  readonly figure: {
    /** Values per image bin (as `image`). */
    readonly image: Float32Array;
    /** `[rows, cols]` of `image`. */
    readonly imageShape: [number, number];
    /** Figure options (colour map, range, labels) the report uses. */
    readonly options: ImageFigureOptions;
  };
}

/** A spectrum (histogram) of one calib type with the limits the pixel status was decided with. */
export interface DarkSpectrum {
  /** The calib type histogrammed. */
  readonly kind: 'pedestals' | 'pixel_rms';
  /** Title as the report writes it. */
  readonly title: string;
  /** Bins over `range` (numpy's binning), with under/overflow and NaN counts. */
  readonly histogram: Histogram;
  /** x range of the bins (the finite values and nearby limits, padded 2 %); undefined without finite values. */
  readonly range: [number, number] | undefined;
  /** Counts are best shown on a log scale (as the report does). */
  readonly logY: boolean;
  /** Unit of the values. */
  readonly unit: 'ADU';
  /** Axis label of the values (`rms, ADU`). */
  readonly xLabel: string;
  /**
   * The limits of the status decision, psana's `evaluate_limits` (mean ∓ n·std clipped to the fixed
   * limits); absent without thresholds.
   */
  readonly limits:
    | {
        /** Low limit, in the spectrum's unit (ADU). */
        readonly lo: number;
        /** High limit. */
        readonly hi: number;
        /** Mean of the values. */
        readonly mean: number;
        /** Standard deviation of the values. */
        readonly std: number;
      }
    | undefined;
  /** Finite limits as markers (what the report draws in red). */
  readonly markers: readonly {
    /** Position on the x axis, in the spectrum's unit. */
    readonly x: number;
    /** Marker text. */
    readonly label: string;
  }[];
}

/** The pixel-status thresholds a spectrum's limits come from (calibrun's names; ADU and sigmas). */
export interface SpectrumThresholds {
  /** Fixed low rms limit, ADU. */
  rmsLo: number;
  /** Fixed high rms limit, ADU (0: no high rms criterion). */
  rmsHi: number;
  /** Sigmas below the mean rms for the low limit (0: the fixed limit only). */
  rmsNLo: number;
  /** Sigmas above the mean rms for the high limit (0: the fixed limit only). */
  rmsNHi: number;
  /** Fixed low pedestal limit, ADU (pedestal spectrum). */
  intLo?: number;
  /** Fixed high pedestal limit, ADU. */
  intHi?: number;
  /** Sigmas below the mean pedestal (default 0). */
  intNLo?: number;
  /** Sigmas above the mean pedestal (default 0). */
  intNHi?: number;
}

/** The arrays and layout shared by the pictures of one source (see {@link prepareDarkPictures}). */
export interface DarkPictureSet {
  /** DetInfo source. */
  readonly source: string;
  /** Raw frame shape. */
  readonly shape: readonly number[];
  /** Registry detector type, when known. */
  readonly type: DetectorType | undefined;
  /** The constants, flat in psana's order, ADU. */
  readonly pedestals: Float32Array;
  /** pixel_rms, flat, ADU. */
  readonly pixelRms: Float32Array;
  /** pixel_status bits, flat. */
  readonly pixelStatus: Float32Array;
  /** Image row and column of each pixel; undefined when the type has no geometry (segments tiled). */
  readonly maps: PixelIndexMaps | undefined;
  /** Pixels of sections absent from the data, or undefined. */
  readonly absent: Uint8Array | undefined;
  /** Size of the larger picture side, px. */
  readonly targetSize: number;
  /** Colour map of continuous pictures (undefined: viridis). */
  readonly colormap: ColormapName | undefined;
  /** Drawn px per image bin of the continuous pictures. */
  readonly scale: number;
  /** Axis labels and the legend text of gaps. */
  readonly axes: Pick<ImageFigureOptions, 'xAxis' | 'yAxis' | 'nanLabel'>;
}

const ABSENT_COLOR = STATUS_CLASSES.find((c) => c.code === STATUS_ABSENT)!.color;
const STATUS_CODE_RANGE: [number, number] = [Math.min(...STATUS_CLASSES.map((c) => c.code)), Math.max(...STATUS_CLASSES.map((c) => c.code))];

function flat(a: NdArray | TypedArray): Float32Array {
  return toFloat32(('shape' in a && 'data' in a && !ArrayBuffer.isView(a) ? toCOrder(a) : a) as TypedArray);
}

/**
 * Flatten a source's constants and lay out its pictures: geometry index maps (given geometry, else the
 * registry default), scale to about `targetSize` px, axis labels, absent sections.
 * @throws ConfigError when an array does not hold the shape's pixel count or the geometry has another
 */
export function prepareDarkPictures(src: DarkPictureSource, opts: DarkPictureOptions = {}): DarkPictureSet {
  const pedestals = flat(src.pedestals);
  const pixelRms = flat(src.pixelRms);
  const pixelStatus = flat(src.pixelStatus);
  const size = src.shape.reduce((a, b) => a * b, 1);
  for (const [name, a] of [['pedestals', pedestals], ['pixelRms', pixelRms], ['pixelStatus', pixelStatus]] as const) {
    if (a.length !== size) throw new ConfigError(name, `expected ${size} values for the shape (${src.shape.join(',')}), found ${a.length}`);
  }
  const type = (src.detector ? getDetectorType(src.detector) : undefined) ?? detectorTypeOfSource(src.source);
  const geometry = opts.geometry ?? (type ? defaultGeometryFor(type, src.shape) : undefined);
  const maps = geometry?.getPixelCoordIndexes();
  if (maps && maps.rows.length !== size) {
    throw new ConfigError('geometry', `the geometry has ${maps.rows.length} pixels, the constants of ${src.source} ${size}`);
  }
  const targetSize = opts.targetSize ?? 400;
  if (!(targetSize > 0)) throw new ConfigError('targetSize', `expected a picture size in px > 0, found ${targetSize}`);
  const imageShape = maps ? maps.imageShape : displayImage(pedestals, src.shape).imageShape;
  const scale = Math.min(1, targetSize / Math.max(...imageShape));
  const axes: DarkPictureSet['axes'] = maps
    ? { xAxis: { label: 'image column, pixels' }, yAxis: { label: 'image row, pixels' } }
    : src.shape.length >= 3
      ? { xAxis: { label: 'column (segments tiled), pixels' }, yAxis: { label: 'row (segments tiled), pixels' }, nanLabel: 'gap between segments' }
      : {};
  return {
    source: src.source, shape: src.shape, type, pedestals, pixelRms, pixelStatus, maps,
    absent: absentSegmentPixels(pedestals, pixelRms, src.shape), targetSize, colormap: opts.colormap, scale, axes,
  };
}

function finish(
  kind: DetectorPicture['kind'], title: string, unit: string, image: Float32Array, imageShape: [number, number],
  reached: Uint8Array | undefined, options: ImageFigureOptions, pool: number,
): DetectorPicture {
  const { picture, range, overlays, nanColor } = renderFigurePicture(image, imageShape, options);
  const legend = overlays.map((o) => ({ label: o.label, color: o.color }));
  let empty = false;
  const known = options.categories ? new Set(options.categories.map((c) => c.value)) : undefined;
  for (let i = 0; i < image.length && !empty; i++) empty = (reached !== undefined && !reached[i]) || (known ? !known.has(image[i]) : Number.isNaN(image[i]));
  if (empty) legend.push({ label: options.nanLabel ?? 'no pixel (off-sensor)', color: nanColor });
  const colorbar: ContinuousColorbar | CategoricalColorbar = options.categories
    ? { type: 'categorical', categories: options.categories }
    : { type: 'continuous', colormap: options.colormap ?? 'viridis', colors: colormapLut(options.colormap ?? 'viridis'), range: range!, label: options.valueLabel ?? '' };
  return {
    kind, title, rgba: picture.data, width: picture.width, height: picture.height,
    range: range ?? STATUS_CODE_RANGE, unit, colorbar, legend, image, imageShape, reached, pool,
    scale: options.scale ?? 1,
    axes: { x: options.xAxis?.label ?? 'column, pixels', y: options.yAxis?.label ?? 'row, pixels' },
    figure: { image, imageShape, options },
  };
}

function continuous(set: DarkPictureSet, kind: DetectorPicture['kind'], title: string, values: Float32Array, valueLabel: string, unit: string, overlay: boolean): DetectorPicture {
  const pic = displayImage(values, set.shape, set.maps);
  // sections absent from the data read 0: painted apart and kept out of the colour ranges
  const overlays = overlay && set.absent ? [{ mask: displayImage(toFloat32(set.absent), set.shape, set.maps).image, color: ABSENT_COLOR, label: 'section absent from the data' }] : [];
  const options: ImageFigureOptions = { scale: set.scale, reached: pic.reached, valueLabel, overlays, colormap: set.colormap, ...set.axes };
  return finish(kind, title, unit, pic.image, pic.imageShape, pic.reached, options, 1);
}

/**
 * One picture of a source's dark constants, as the report shows it: pedestals and pixel_rms through the
 * colour map (1st–99th percentile, absent sections grey and out of the range), pixel_status with one colour
 * per status bit and its legend, max-pooled so isolated bad pixels show at the picture's size.
 */
export function darkPicture(set: DarkPictureSet, kind: DarkPictureKind): DetectorPicture {
  if (kind === 'pedestals') return continuous(set, kind, 'pedestals (ADU)', set.pedestals, 'pedestal, ADU', 'ADU', true);
  if (kind === 'pixel_rms') return continuous(set, kind, 'pixel_rms (ADU)', set.pixelRms, 'rms, ADU', 'ADU', true);
  if (kind !== 'pixel_status') throw new ConfigError('kind', `expected pedestals, pixel_rms, pixel_status or a per-pixel array, found ${JSON.stringify(kind)}`);
  const codes = statusCategoryCodes(set.pixelStatus, set.absent);
  const sta = displayImage(codes, set.shape, set.maps);
  // pooled by an integer factor (the worst pixel of each block shows), then drawn at the others' size
  const pool = Math.max(1, Math.ceil(Math.max(...sta.imageShape) / set.targetSize));
  const pooled = maxPoolImage(sta.image, sta.imageShape, pool);
  const options: ImageFigureOptions = {
    categories: statusLegend(codes),
    scale: set.scale * pool,
    xAxis: { label: set.axes.xAxis?.label ?? 'column, pixels', step: pool },
    yAxis: { label: set.axes.yAxis?.label ?? 'row, pixels', step: pool },
    nanLabel: set.axes.nanLabel,
  };
  const title = `pixel_status (one colour per status bit${pool > 1 ? `; each bin shows the most specific of ${pool}×${pool} pixels` : ''})`;
  return finish(kind, title, 'category', pooled.image, pooled.imageShape, undefined, options, pool);
}

/** Options of {@link arrayPicture}. */
export interface ArrayPictureOptions {
  /** Title (default `per-pixel values`). */
  title?: string;
  /** Unit of the values (default `ADU`). */
  unit?: string;
  /** Label along the colour bar (default `value, <unit>`). */
  valueLabel?: string;
}

/** Any per-pixel array of the source's shape (a mask, a gain map, a frame) drawn like the pedestals. */
export function arrayPicture(set: DarkPictureSet, values: NdArray | TypedArray, opts: ArrayPictureOptions = {}): DetectorPicture {
  const v = flat(values);
  if (v.length !== set.pedestals.length) {
    throw new ConfigError('values', `expected ${set.pedestals.length} values (the pixels of ${set.source}), found ${v.length}`);
  }
  const unit = opts.unit ?? 'ADU';
  return continuous(set, 'array', opts.title ?? 'per-pixel values', v, opts.valueLabel ?? `value, ${unit}`, unit, false);
}

/**
 * x range of a spectrum: the finite values, widened to show limits that lie within half the data span
 * beyond them (farther ones are drawn as arrows at the edge), padded by 2 %.
 */
function spectrumRange(values: Float32Array, limits: readonly number[]): [number, number] | undefined {
  if (values.length === 0) return undefined;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const span = hi - lo || 1;
  for (const x of limits) {
    if (x < lo && x >= lo - span / 2) lo = x;
    if (x > hi && x <= hi + span / 2) hi = x;
  }
  const pad = (hi - lo || 1) * 0.02;
  return [lo - pad, hi + pad];
}

/**
 * The spectrum of pixel_rms (or pedestals) in 200 bins with the limits the status was decided with —
 * the rms spectrum the report draws. With `rmsHi` 0 (calibrun's "noise criterion off") there is no high rms limit.
 */
export function darkSpectrum(set: DarkPictureSet, kind: 'pedestals' | 'pixel_rms', thresholds?: SpectrumThresholds, bins = 200): DarkSpectrum {
  if (kind !== 'pedestals' && kind !== 'pixel_rms') throw new ConfigError('kind', `expected pedestals or pixel_rms, found ${JSON.stringify(kind)}`);
  const values = kind === 'pixel_rms' ? set.pixelRms : set.pedestals;
  const finite = values.filter(Number.isFinite);
  const t = thresholds;
  let limits: DarkSpectrum['limits'];
  if (t && kind === 'pixel_rms') {
    const off = t.rmsHi === 0;
    limits = evaluateLimits(Float64Array.from(values), t.rmsNLo, off ? 0 : t.rmsNHi, t.rmsLo, off ? Infinity : t.rmsHi);
  } else if (t && kind === 'pedestals' && t.intLo !== undefined && t.intHi !== undefined) {
    limits = evaluateLimits(Float64Array.from(values), t.intNLo ?? 0, t.intNHi ?? 0, t.intLo, t.intHi);
  }
  const word = kind === 'pixel_rms' ? 'rms' : 'pedestal';
  const markers = limits
    ? [
        { x: limits.lo, label: `${word} low limit` },
        { x: limits.hi, label: `${word} high limit` },
      ].filter((m) => Number.isFinite(m.x))
    : [];
  const range = spectrumRange(finite, markers.map((m) => m.x));
  const title = limits
    ? `${kind} spectrum (log counts); red: ${word} limits ${limits.lo.toFixed(2)} … ${limits.hi.toFixed(2)} ADU`
    : `${kind} spectrum (log counts)`;
  return { kind, title, histogram: histogram(finite, { bins, range }), range, logY: true, unit: 'ADU', xLabel: `${word}, ADU`, limits, markers };
}
