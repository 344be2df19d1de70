import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { type RoiFormsFile, parseRoiForms } from '../../mask/forms.js';
import { encodeMaskFile } from '../../mask/mask-file.js';
import { parseMedForms } from '../../mask/med-forms.js';
import { andMasks, invertMask, maskFromStatus } from '../../mask/pixel-mask.js';
import { roiMaskNdarray } from '../../mask/roi.js';
import { readTextFile, writeFileAtomic } from '../../node/files.js';
import { action } from '../action.js';
import { addGeometryLimitOptions, geometryLimitsOf } from '../geometry-limits.js';
import { loadGeometryMaps, readNdarrayFile } from './plot.js';

function parseBits(name: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
      throw new ConfigError(name, `expected a non-negative integer (decimal or 0x hex), found "${value}"`);
    }
    return n;
  };
}

/** Read a forms file: calibman JSON, or the text of psana's mask editor "Save Forms". */
async function readForms(file: string): Promise<RoiFormsFile> {
  const text = await readTextFile(file);
  if (text.trimStart().startsWith('{') || /\.json$/i.test(file)) return parseRoiForms(text, file);
  const forms = parseMedForms(text, file);
  if (forms.length === 0) throw new ConfigError(file, 'the form list is empty: nothing to draw');
  return { format: 'calibman-roi-forms', version: 1, forms };
}

/** Register the `calibman mask …` commands. */
export function register(program: Command): void {
  const mask = program
    .command('mask')
    .description('Pixel masks (1 = good, 0 = masked): ROI forms drawn on the detector image, pixel_status masks');

  const roi = mask
    .command('roi')
    .description(
      'Rasterise ROI forms (rectangle, circle, ring, wedge, polygon, line; kept or excluded, applied in order) on the ' +
        'image of a geometry, bring the mask image back to the data ndarray through the geometry index maps and multiply ' +
        "by the geometry's sensor mask bits (psana roicon -p3 / calibman ROI tab). See docs/masks.md for the forms format.",
    )
    .requiredOption('-g, --geometry <geo>', 'psana geometry file')
    .requiredOption('-f, --forms <forms>', 'forms file: calibman JSON (docs/masks.md), or psana mask-editor forms text')
    .option(
      '-b, --bits <n>',
      'sensor mask control bits: +1 edges, +2 central wide columns, +4 non-bonded pixels, +8 their 4 neighbours, ' +
        '+16 their 8 neighbours; 0 = none',
      parseBits('--bits'),
      255,
    )
    .option('--invert', 'write the logical NOT of the ROI mask before the sensor bits (psana "Save Inv-M")')
    .requiredOption('-o, --output <mask>', 'mask file to write: .npy (uint8), otherwise psana ndarray text (%d)');
  addGeometryLimitOptions(roi);
  roi.action(
    action(async (o: { geometry: string; forms: string; bits: number; invert?: boolean; output: string; maxDepth?: number; maxImagePixels?: number }) => {
      const forms = await readForms(o.forms);
      const { geo, maps, dataShape } = await loadGeometryMaps(o.geometry, geometryLimitsOf(o));
      let m = roiMaskNdarray(forms, maps);
      if (o.invert) m = invertMask(m);
      if (o.bits !== 0) m = andMasks(m, geo.getPixelMask({ mbits: o.bits }));
      await writeFileAtomic(o.output, encodeMaskFile(o.output, m, dataShape));
      const good = m.reduce((s, v) => s + v, 0);
      process.stdout.write(
        `wrote ${o.output}: shape ${dataShape.join('×')}, ${good} good / ${m.length - good} masked pixels ` +
          `(image ${maps.imageShape.join('×')}, ${forms.forms.length} forms, bits ${o.bits})\n`,
      );
    }),
  );

  mask
    .command('status')
    .description('Mask from a pixel_status file: a pixel is good (1) when none of the chosen status bits is set')
    .argument('<status>', 'pixel_status file (.npy or psana ndarray text)')
    .option(
      '-b, --bits <n>',
      'status bits that mask a pixel: 1 hot rms, 2 cold rms, 4 saturated, 8 low intensity, 16 pedestal high, ' +
        '32 pedestal low (default: all)',
      parseBits('--bits'),
      0xffffffff,
    )
    .option('--and <mask...>', 'AND further mask files (same size) into the result')
    .requiredOption('-o, --output <mask>', 'mask file to write: .npy (uint8), otherwise psana ndarray text (%d)')
    .action(
      action(async (statusFile: string, o: { bits: number; and?: string[]; output: string }) => {
        const status = await readNdarrayFile(statusFile);
        let m = maskFromStatus(status.data, o.bits);
        for (const f of o.and ?? []) {
          const other = await readNdarrayFile(f);
          if (other.data.length !== m.length) {
            throw new ConfigError('--and', `${f} has ${other.data.length} pixels, ${statusFile} has ${m.length}`);
          }
          m = andMasks(m, Uint8Array.from(other.data as ArrayLike<number>, (v) => (Number(v) !== 0 ? 1 : 0)));
        }
        await writeFileAtomic(o.output, encodeMaskFile(o.output, m, status.shape));
        const good = m.reduce((s, v) => s + v, 0);
        process.stdout.write(`wrote ${o.output}: shape ${status.shape.join('×')}, ${good} good / ${m.length - good} masked pixels\n`);
      }),
    );
}
