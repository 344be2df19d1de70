/**
 * Node side of the facade's pictures: the constants of a job or given arrays, the geometry the calib store
 * gives for the run (else the registry default), then the platform-neutral pictures of src/report/pictures.ts.
 */
import { promises as fsp } from 'node:fs';
import * as z from 'zod';
import { ConfigError } from '../errors.js';
import { GeometryAccess } from '../geometry/geometry-access.js';
import type { TypedArray } from '../io/dtype.js';
import type { NdArray } from '../io/ndarray.js';
import {
  type ArrayPictureOptions,
  type DarkPictureKind,
  type DarkPictureSet,
  type DarkPictureSource,
  type DarkSpectrum,
  type DetectorPicture,
  type SpectrumThresholds,
  arrayPicture,
  darkPicture,
  darkSpectrum,
  prepareDarkPictures,
} from '../report/pictures.js';
import type { CalibStore } from '../node/calib-store.js';
import { storeError } from '../node/calib-store-fs.js';
import { normalizeSource } from '../detectors/registry.js';
import { parseInput } from './input-errors.js';

/** A dark job as pictures need it: its run and the constants of each source. */
export interface PictureJob {
  /** The dark run (its deployed geometry assembles the pictures). */
  readonly run: number;
  /** Constants of a source, or of the first source of a menu detector. */
  get(sourceOrDetector: string): DarkPictureSource;
}

/** Constants given directly, optionally with the run whose geometry assembles them. */
export type PictureConstants = DarkPictureSource & {
  /** Run whose deployed geometry assembles the picture (default: the registry's default geometry). */
  readonly run?: number;
};

/** Options of the facade's `picture` and `spectrum`. */
export const PictureOptionsSchema = z
  .object({
    /** Run whose deployed geometry assembles the picture (default: the job's run; constants without one: registry default). */
    run: z.number().int().nonnegative().optional(),
    /** `store` (default): the geometry psana's finder gives for the run, else the registry default; `default`: always the registry's. */
    geometry: z.enum(['store', 'default']).optional(),
    /** Size of the larger side, px (default 400 as the report); `'full'`: one px per image bin. */
    targetSize: z.union([z.number().positive(), z.literal('full')]).optional(),
    /** Colour map of continuous pictures (default `viridis`). */
    colormap: z.enum(['viridis', 'inferno', 'magma', 'gray', 'jet', 'hot']).optional(),
    /** Title of a per-pixel array picture. */
    title: z.string().optional(),
    /** Unit of a per-pixel array's values (default `ADU`). */
    unit: z.string().optional(),
    /** Number of spectrum bins (default 200). */
    bins: z.number().int().min(1).optional(),
  })
  .strict();
/** Input of {@link PictureOptionsSchema}. */
export type PictureOptions = z.input<typeof PictureOptionsSchema>;

function isJob(x: PictureJob | PictureConstants): x is PictureJob {
  return typeof (x as PictureJob).get === 'function';
}

/** The geometry file psana's finder chooses for `run` in the store, parsed; undefined when none is deployed. */
export async function storeGeometry(store: CalibStore, source: string, run: number): Promise<GeometryAccess | undefined> {
  const found = await store.find({ source, type: 'geometry', run });
  if (!found.path) return undefined;
  let text: string;
  try {
    text = await fsp.readFile(found.path, 'utf8');
  } catch (err) {
    throw storeError(found.path, err, 'read geometry file');
  }
  return GeometryAccess.fromText(text, { file: found.path });
}

/** The picture set of one source of a job or of given constants, with the store's geometry when asked. */
export async function pictureSet(
  store: () => Promise<CalibStore>, from: PictureJob | PictureConstants, source: string, options: PictureOptions, what: string,
): Promise<DarkPictureSet> {
  const o = parseInput(PictureOptionsSchema, options, what);
  let constants: DarkPictureSource;
  let run = o.run;
  if (isJob(from)) {
    constants = from.get(source);
    run ??= from.run;
  } else {
    if (from.source !== source && normalizeSource(from.source) !== normalizeSource(source)) {
      throw new ConfigError('source', `the constants given are those of ${from.source}, not of ${source}`);
    }
    constants = from;
    run ??= from.run;
  }
  const geometry = o.geometry !== 'default' && run !== undefined ? await storeGeometry(await store(), constants.source, run) : undefined;
  return prepareDarkPictures(constants, { geometry, targetSize: o.targetSize === 'full' ? Infinity : o.targetSize, colormap: o.colormap });
}

/** A picture of a calib type or of a per-pixel array. */
export function pictureOf(set: DarkPictureSet, kind: DarkPictureKind | NdArray | TypedArray, o: ArrayPictureOptions): DetectorPicture {
  return typeof kind === 'string' ? darkPicture(set, kind) : arrayPicture(set, kind, o);
}

/** The spectrum of a calib type with the status limits of `thresholds`. */
export function spectrumOf(set: DarkPictureSet, kind: 'pedestals' | 'pixel_rms', thresholds: SpectrumThresholds, bins?: number): DarkSpectrum {
  return darkSpectrum(set, kind, thresholds, bins);
}
