/**
 * node:zlib as the PNG compressor of the core's `encodePng`, installed when this module loads (the
 * `calibman/node` entry and the calibman CLI import it).
 */
import { constants, deflateSync } from 'node:zlib';
import { type PngDeflate, setPngDeflate } from '../plot/png-encode.js';

/**
 * node:zlib's deflate with the settings pngjs used for calibman 0.1 (level 6, run-length strategy), so PNGs
 * are byte-identical to that release's. On full-size CSPAD figures (`npm run bench -- mask-plot`) it is the
 * fastest zlib setting of the "sub"-filtered rows (3–4× faster than fflate), for files 15–20 % larger than
 * level 3's.
 * @category Plots
 */
export const nodePngDeflate: PngDeflate = (filtered) => deflateSync(filtered, { level: 6, strategy: constants.Z_RLE });

setPngDeflate(nodePngDeflate);
