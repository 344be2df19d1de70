import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatNdarrayText } from '../../src/io/ndarray-text.js';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { readNpy } from '../../src/io/npy.js';
import { writeSyntheticRun } from '../../src/node/xtc-synthetic.js';
import { type SyntheticRunSpec, generateSyntheticRun } from '../../src/synthetic/generate.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE = 'XcsEndstation.0:Epix100a.0';
const ROWS = 704;
const COLS = 768;
const SIZE = ROWS * COLS;
const EVENTS = 3;
/** A light Epix100a run: noise σ 3 ADU, 1 % photons of 40 ADU, a per-event offset of σ 8 ADU per 352×96 bank. */
const SPEC: SyntheticRunSpec = {
  experiment: 'xcs12345', run: 3, events: EVENTS, seed: 9, darkFraction: 0,
  detectors: [{
    type: 'EPIX100A', source: SOURCE, pedestal: { mean: 1500, spread: 50 }, noise: { mean: 3, spread: 0.2 },
    photons: { rate: 0.01, adu: 40 }, light: { commonModeSpread: 8 },
  }],
};

function calibman(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/calibman.ts', ...args], { encoding: 'utf8', cwd: root });
}

let dir: string;
let files: string[];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'calibman-epix100a-cm-'));
  const written = await writeSyntheticRun(join(dir, 'xtc'), SPEC);
  files = written.files;
  const pedestals = Float32Array.from(written.truth.detectors[0].pedestals);
  const peds = join(dir, 'calib', 'Epix100a::CalibV1', SOURCE, 'pedestals');
  mkdirSync(peds, { recursive: true });
  writeFileSync(join(peds, '0-end.data'), formatNdarrayText(ndarrayOf(pedestals, [ROWS, COLS]), { fmt: '%.3f' }));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function calib(cm: string, out: string): Float32Array {
  const r = calibman('det', 'calib', '--xtc', ...files, '--source', SOURCE, '--calib-dir', join(dir, 'calib'), '--run', '3', '--cm', cm, '--npy', out);
  expect(r.status, r.stderr).toBe(0);
  const a = readNpy(new Uint8Array(readFileSync(out)), out);
  expect(a.array.shape).toEqual([EVENTS, ROWS, COLS]);
  return a.array.data as Float32Array;
}

function median(values: Float32Array): number {
  const s = values.slice().sort();
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Flat indices of bank s (two rows of eight 352×96 banks) in event e. */
function bankPixels(e: number, s: number): Int32Array {
  const out = new Int32Array(352 * 96);
  const r0 = Math.floor(s / 8) * 352;
  const c0 = (s % 8) * 96;
  let n = 0;
  for (let r = r0; r < r0 + 352; r++) for (let c = c0; c < c0 + 96; c++) out[n++] = e * SIZE + r * COLS + c;
  return out;
}

describe('calibman det calib on Epix100a', () => {
  it('--cm default removes a planted per-bank common mode as psana (algorithm 4, 16 banks of 352×96)', () => {
    const none = calib('none', join(dir, 'none.npy'));
    const corrected = calib('default', join(dir, 'default.npy'));
    const gen = generateSyntheticRun(SPEC);
    let planted = 0;
    let sq = 0;
    for (let e = 0; e < EVENTS; e++) {
      const truth = gen.commonModeOffsets(0, e)!;
      expect(truth.length).toBe(16);
      for (let s = 0; s < 16; s++) {
        const px = bankPixels(e, s);
        // one constant per bank: corrected = none − correction, every pixel (float32 rounding aside)
        const cor = none[px[0]] - corrected[px[0]];
        let worst = 0;
        for (const i of px) worst = Math.max(worst, Math.abs(none[i] - corrected[i] - cor));
        expect(worst).toBeLessThan(1e-3);
        // the correction is the planted offset within the statistical error: median of 33792 pixels of
        // σ 3 ADU (≈ 0.02 ADU) plus the photons' pull on the median (≈ +0.04 ADU)
        expect(Math.abs(cor - truth[s])).toBeLessThan(0.25);
        expect(Math.abs(median(Float32Array.from(px, (i) => corrected[i])))).toBeLessThan(0.01);
        planted = Math.max(planted, Math.abs(truth[s]));
        sq += (cor - truth[s]) ** 2;
      }
    }
    expect(planted).toBeGreaterThan(5);
    expect(Math.sqrt(sq / (EVENTS * 16))).toBeLessThan(0.12);
  }, 120_000);

  it('takes algorithm 4\'s cmtype bits: rows of each bank (cmtype 2) flatten every 96-pixel row', () => {
    const rows = calib('4 2 30 30', join(dir, 'rows.npy'));
    const gen = generateSyntheticRun(SPEC);
    const truth = gen.commonModeOffsets(0, 1)!;
    let worst = 0;
    for (let r = 0; r < ROWS; r += 37) {
      for (let b = 0; b < 8; b++) {
        const row = rows.subarray(SIZE + r * COLS + b * 96, SIZE + r * COLS + (b + 1) * 96);
        worst = Math.max(worst, Math.abs(median(row)));
      }
    }
    expect(Math.max(...truth)).toBeGreaterThan(5);
    expect(worst).toBeLessThan(1e-3);
  }, 120_000);
});
