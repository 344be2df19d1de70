import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { register } from '../../src/cli/commands/mask.js';
import { GeometryAccess } from '../../src/geometry/geometry-access.js';
import { toCOrder } from '../../src/io/ndarray.js';
import { formatNdarrayText, parseNdarrayText } from '../../src/io/ndarray-text.js';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { readNpy } from '../../src/io/npy.js';
import { andMasks } from '../../src/mask/pixel-mask.js';
import { roiMaskNdarray } from '../../src/mask/roi.js';
import { type CommandRun, runCommand } from '../cli-command.js';
import { fixturePath } from '../fixture-files.js';

const GEO = fixturePath('geometry/geometry-def-cspad.data');
const dir = mkdtempSync(join(tmpdir(), 'calibman-mask-cli-'));

function run(...args: string[]): Promise<CommandRun> {
  return runCommand(register, args);
}

afterEach(() => {
  process.exitCode = 0;
});

const differences = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let d = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) d++;
  return d;
};

describe('calibman mask roi', () => {
  const forms = {
    format: 'calibman-roi-forms',
    version: 1,
    forms: [
      { shape: 'ring', xc: 970, yc: 970, rInner: 60, rOuter: 700 },
      { shape: 'rectangle', x: 900, y: 0, width: 140, height: 1942, mode: 'exclude' },
    ],
  };
  const formsFile = join(dir, 'forms.json');
  writeFileSync(formsFile, JSON.stringify(forms));
  const geo = GeometryAccess.fromText(readFileSync(GEO, 'utf8'));
  const ix = geo.getPixelCoordIndexes();
  const roi = roiMaskNdarray(forms.forms as never, { rows: ix.rows, cols: ix.cols, imageShape: ix.imageShape });

  it('writes a CSPAD text mask = ROI mask × sensor bits (default 255)', async () => {
    const out = join(dir, 'mask.txt');
    const r = await run('mask', 'roi', '--geometry', GEO, '--forms', formsFile, '-o', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/shape 32×185×388/);
    const back = parseNdarrayText(readFileSync(out, 'utf8'));
    expect(back.array.shape).toEqual([32, 185, 388]);
    const expected = andMasks(roi, geo.getPixelMask({ mbits: 255 }));
    expect(differences(toCOrder(back.array) as ArrayLike<number>, expected)).toBe(0);
  });

  it('writes .npy with --bits 0 (no sensor mask) and --invert', async () => {
    const out = join(dir, 'mask.npy');
    const r = await run('mask', 'roi', '-g', GEO, '-f', formsFile, '--bits', '0', '--invert', '-o', out);
    expect(r.code).toBe(0);
    const a = readNpy(new Uint8Array(readFileSync(out)));
    expect(a.dtype).toBe('uint8');
    expect(a.array.shape).toEqual([32, 185, 388]);
    expect(differences(toCOrder(a.array) as Uint8Array, roi.map((v) => 1 - v))).toBe(0);
  });

  it('reports bad forms with the field and exits non-zero, writing nothing', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...forms, forms: [{ shape: 'circle', xc: 1, yc: 2, r: -3 }] }));
    const out = join(dir, 'never.txt');
    const r = await run('mask', 'roi', '-g', GEO, '-f', bad, '-o', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/forms\[0\]\.r/);
    expect(() => readFileSync(out)).toThrow();
    const r2 = await run('mask', 'roi', '-g', GEO, '-f', formsFile, '--bits', 'lots', '-o', out);
    expect(r2.code).not.toBe(0);
  });
});

describe('calibman mask status', () => {
  it('masks pixels with the chosen status bits', async () => {
    const status = Float32Array.from([0, 1, 2, 4, 8, 16, 32, 3, 0, 1, 0, 0]);
    const file = join(dir, 'status.txt');
    writeFileSync(file, formatNdarrayText(ndarrayOf(status, [3, 4]), { fmt: '%d' }));
    const out = join(dir, 'status-mask.npy');
    const r = await run('mask', 'status', file, '--bits', '0x3', '-o', out);
    expect(r.code).toBe(0);
    const a = readNpy(new Uint8Array(readFileSync(out)));
    expect(a.array.shape).toEqual([3, 4]);
    expect(Array.from(toCOrder(a.array) as Uint8Array)).toEqual(Array.from(status, (s) => ((s & 3) === 0 ? 1 : 0)));
  });
});
