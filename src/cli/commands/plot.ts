import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { GeometryAccess, type GeometryLimits } from '../../geometry/geometry-access.js';
import { shapeSize, type TypedArray } from '../../io/dtype.js';
import { toCOrder } from '../../io/ndarray.js';
import { CSPAD2X2_SHAPE, cspad2x2NaturalToDaq, parseNdarrayText } from '../../io/ndarray-text.js';
import { readNpy } from '../../io/npy.js';
import type { PixelIndexMaps } from '../../mask/pixel-mask.js';
import { readFileBytes, readTextFile, writeFileAtomic } from '../../node/files.js';
import { COLORMAPS, type ColormapName } from '../../plot/colormap.js';
import { toFloat32 } from '../../plot/arrange.js';
import type { ImageFigureOptions } from '../../plot/figure.js';
import { renderHistogramPng, renderNdarrayFigurePng, renderNdarrayPng } from '../../plot/png.js';
import { statusCategoryCodes, statusLegend } from '../../report/status-map.js';
import { autoRange } from '../../plot/raster.js';
import { action, parseIntOption, parseNumberOption } from '../action.js';

/** An ndarray read from a `.npy` or psana ndarray text file, flat C order. */
export interface LoadedNdarray {
  data: TypedArray;
  shape: number[];
}

/**
 * Read `.npy` (by extension) or psana ndarray text. With `geometryOrder`, CSPAD2x2 arrays are kept in
 * (or converted to) the DAQ order (185,388,2) that geometry index maps use.
 */
export async function readNdarrayFile(file: string, geometryOrder = false): Promise<LoadedNdarray> {
  let data: TypedArray;
  let shape: number[];
  if (/\.npy$/i.test(file)) {
    const a = readNpy(await readFileBytes(file), file).array;
    data = toCOrder(a);
    shape = [...a.shape];
  } else {
    const t = parseNdarrayText(await readTextFile(file), { file, cspad2x2Layout: geometryOrder ? 'daq' : 'natural' });
    data = toCOrder(t.array);
    shape = [...t.array.shape];
  }
  if (geometryOrder && shape.length === 3 && shape.every((d, i) => d === CSPAD2X2_SHAPE[i])) {
    data = cspad2x2NaturalToDaq(data);
    shape = [185, 388, 2];
  }
  return { data, shape };
}

/** Load a geometry file and its index maps; the data shape drops leading 1s and merges container axes. */
export async function loadGeometryMaps(file: string, limits: GeometryLimits = {}): Promise<{ geo: GeometryAccess; maps: PixelIndexMaps; dataShape: number[] }> {
  const geo = GeometryAccess.fromText(await readTextFile(file), { file, ...limits });
  const ix = geo.getPixelCoordIndexes();
  return { geo, maps: { rows: ix.rows, cols: ix.cols, imageShape: ix.imageShape }, dataShape: dataShapeOf(ix.shape) };
}

/**
 * psana data shape of a geometry array shape: leading 1s dropped, axes before the last three merged
 * ((1,1,4,8,185,388) → (32,185,388); (1,185,388,2) → (185,388,2); (1,704,768) → (704,768)).
 */
export function dataShapeOf(geometryShape: readonly number[]): number[] {
  const s = [...geometryShape];
  while (s.length > 2 && s[0] === 1) s.shift();
  if (s.length > 3) return [shapeSize(s.slice(0, -2)), s[s.length - 2], s[s.length - 1]];
  return s;
}

function parseRange(value: string): [number, number] | 'auto' {
  if (value === 'auto') return 'auto';
  const parts = value.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p)) || !(parts[1] > parts[0])) {
    throw new ConfigError('--range', `expected "auto" or LO,HI with LO < HI, found "${value}"`);
  }
  return [parts[0], parts[1]];
}

function parseColormap(value: string): ColormapName {
  if (!(COLORMAPS as readonly string[]).includes(value)) {
    throw new ConfigError('--colormap', `expected one of ${COLORMAPS.join(', ')}, found "${value}"`);
  }
  return value as ColormapName;
}

interface PlotOptions {
  geometry?: string;
  bare?: boolean;
  status?: boolean;
  label?: string;
  png: string;
  colormap: ColormapName;
  range: [number, number] | 'auto';
  scale: number;
  hist?: boolean;
  bins: number;
  logy?: boolean;
  title?: string;
}

const baseName = (file: string): string => file.split(/[\\/]/).pop() ?? file;

/** Colour bar label guessed from a calib-store or dark-output path, `value` otherwise. */
function valueLabelOf(file: string): string {
  if (/pedestals|-ave\b|\bave\b/.test(file)) return 'pedestal, ADU';
  if (/pixel_rms|-rms\b|\brms\b/.test(file)) return 'rms, ADU';
  if (/pixel_gain/.test(file)) return 'gain';
  if (/pixel_mask|-msk\b|\bmask\b/.test(file)) return 'mask (1 = good)';
  return 'value';
}

/**
 * Axes of an image assembled with a geometry, in mm of psana's frame: image rows follow x, columns y,
 * zero where the frame's origin falls.
 */
function geometryAxes(geo: GeometryAccess): Pick<ImageFigureOptions, 'xAxis' | 'yAxis'> {
  const mmPerBin = geo.getPixelScaleSizeUm() / 1000;
  const [r0, c0] = geo.pointCoordIndexes([0, 0], { fract: true });
  return {
    xAxis: { label: 'y, mm', origin: -c0 * mmPerBin, step: mmPerBin },
    yAxis: { label: 'x, mm', origin: -r0 * mmPerBin, step: mmPerBin },
  };
}

/** Register the `calibman plot …` commands. */
export function register(program: Command): void {
  program
    .command('plot')
    .description(
      'Render an ndarray file (.npy or psana ndarray text: raw frame, pedestals, pixel_rms, pixel_status, mask) as a PNG ' +
        'figure with axes and a colour bar (pixel_status: a legend of every status bit): assembled with its geometry when ' +
        '--geometry is given (axes in mm; empty image bins drawn as off-sensor and left out of the automatic range), ' +
        'otherwise 2-D arrays as they are and stacks of segments tiled. With --hist, draw the histogram (spectrum) of its values instead.',
    )
    .argument('<file>', 'ndarray file (.npy, or psana ndarray text for any other extension)')
    .option('-g, --geometry <geo>', 'psana geometry file used to assemble the detector image')
    .requiredOption('--png <out>', 'PNG file to write')
    .option('--colormap <name>', `colour map: ${COLORMAPS.join(', ')}`, parseColormap, 'viridis' as ColormapName)
    .option('--range <lo,hi>', 'value range of the colour map (or histogram), or "auto": 1st-99th percentile (histogram: 0.1-99.9th)', parseRange, 'auto' as const)
    .option('--scale <factor>', 'picture size factor, e.g. 0.5 for half size', parseNumberOption('--scale'), 1)
    .option('--hist', 'draw a histogram of the values (e.g. the pixel_rms spectrum) instead of the image')
    .option('--bins <n>', 'histogram bins', parseIntOption('--bins'), 100)
    .option('--logy', 'histogram: logarithmic count axis')
    .option('--title <text>', 'title (default: the file name)')
    .option('--label <text>', 'colour bar label, quantity and unit (default from the file name: pedestal, rms in ADU)')
    .option('--status', 'draw a pixel_status map: one colour per status bit with a legend (default for paths containing "pixel_status")')
    .option('--bare', 'the picture alone, one PNG pixel per image bin: no title, axes, colour bar or legend')
    .action(
      action(async (file: string, o: PlotOptions) => {
        const arr = await readNdarrayFile(file, o.geometry !== undefined);
        let png: Uint8Array;
        if (o.hist) {
          const values = toFloat32(arr.data);
          png = renderHistogramPng(values, {
            bins: o.bins,
            range: o.range === 'auto' ? autoRange(values, [0.1, 99.9]) : o.range,
            logY: o.logy === true,
            title: o.title ?? baseName(file),
            xLabel: 'value',
            yLabel: 'pixels',
          });
        } else {
          let maps: PixelIndexMaps | undefined;
          let axes: Pick<ImageFigureOptions, 'xAxis' | 'yAxis'> = {};
          if (o.geometry) {
            const g = await loadGeometryMaps(o.geometry);
            if (g.maps.rows.length !== arr.data.length) {
              throw new ConfigError(
                '--geometry',
                `${o.geometry} describes ${g.maps.rows.length} pixels (shape ${g.dataShape.join('×')}), ${file} has ${arr.data.length} (shape ${arr.shape.join('×')})`,
              );
            }
            maps = g.maps;
            axes = geometryAxes(g.geo);
          }
          if (o.bare) {
            png = renderNdarrayPng(arr.data, arr.shape, { maps, colormap: o.colormap, range: o.range, scale: o.scale });
          } else if (o.status ?? /pixel_status/.test(file)) {
            const codes = statusCategoryCodes(arr.data as ArrayLike<number | bigint>);
            png = renderNdarrayFigurePng(codes, arr.shape, { maps, scale: o.scale, categories: statusLegend(codes), title: o.title ?? baseName(file), ...axes });
          } else {
            png = renderNdarrayFigurePng(arr.data, arr.shape, {
              maps,
              colormap: o.colormap,
              range: o.range,
              scale: o.scale,
              title: o.title ?? baseName(file),
              valueLabel: o.label ?? valueLabelOf(file),
              ...axes,
            });
          }
        }
        await writeFileAtomic(o.png, png);
        process.stdout.write(`wrote ${o.png}\n`);
      }),
    );
}
