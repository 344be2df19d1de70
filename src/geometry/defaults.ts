/**
 * Default geometries (what psana's Detector falls back to when no calib file exists) and the trivial
 * geometry of 2-D cameras (Opal), whose frame is the image.
 */
import { CalibmanError } from '../errors.js';
import { GeometryAccess } from './geometry-access.js';
import { DEFAULT_GEOMETRY_TEXTS } from './default-texts.js';

/** Names accepted by {@link getDefaultGeometryText} (aliases included). */
const ALIASES: Readonly<Record<string, string>> = {
  cspad: 'cspad',
  'cspad-xpp': 'cspad',
  'cspad-cxi': 'cspad-cxi',
  cspad2x2: 'cspad2x2',
  pnccd: 'pnccd',
  epix100a: 'epix100a',
  epix100: 'epix100a',
  epix10ka: 'epix10ka',
  epix10kaquad: 'epix10kaquad',
  epix10ka2m: 'epix10ka2m',
  jungfrau: 'jungfrau4m',
  jungfrau05m: 'jungfrau05m',
  jungfrau1m: 'jungfrau1m',
  jungfrau4m: 'jungfrau4m',
};

/** Detector types that have a default geometry (lower-case keys, aliases included). */
export function defaultGeometryTypes(): string[] {
  return Object.keys(ALIASES);
}

/**
 * The default psana geometry text for a detector type (case-insensitive): `cspad` (XPP metrology, psana's
 * default; alias `cspad-xpp`), `cspad-cxi` (CXI DS1 with quads), `cspad2x2`, `pnccd`, `epix100a`,
 * `epix10ka`, `epix10kaquad`, `epix10ka2m`, `jungfrau` (= `jungfrau4m`, as psana), `jungfrau05m`,
 * `jungfrau1m`. Returns undefined for detectors without one (e.g. Opal cameras: see
 * {@link frameGeometryText}).
 */
export function getDefaultGeometryText(detectorType: string): string | undefined {
  const key = ALIASES[detectorType.toLowerCase()];
  return key === undefined ? undefined : DEFAULT_GEOMETRY_TEXTS[key];
}

/**
 * A one-sensor geometry whose image is the 2-D frame itself (for cameras such as the Opal1000, 1024 × 1024):
 * a `MTRX:ROWS:COLS:P:P` matrix at the origin, so image row = data row and image column = data column.
 * `pixelSizeUm` only scales coordinates (psana has no confirmed Opal pitch).
 */
export function frameGeometryText(rows: number, cols: number, pixelSizeUm = 1): string {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new CalibmanError(`frame geometry: rows and cols must be positive integers, found ${rows} × ${cols}`);
  }
  if (!(pixelSizeUm > 0)) throw new CalibmanError(`frame geometry: pixel size must be positive, found ${pixelSizeUm}`);
  return [
    '# TITLE      Frame geometry of a 2-D camera (the frame is the image)',
    '# CALIB_TYPE geometry',
    '',
    `IP 0 MTRX:${rows}:${cols}:${pixelSizeUm}:${pixelSizeUm} 0 0 0 0 0 0 0 0 0 0`,
    '',
  ].join('\n');
}

/** {@link frameGeometryText}, parsed. */
export function frameGeometry(rows: number, cols: number, pixelSizeUm = 1): GeometryAccess {
  return GeometryAccess.fromText(frameGeometryText(rows, cols, pixelSizeUm));
}
