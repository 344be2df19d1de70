/**
 * Generated Jungfrau and Epix10ka runs on disk (LCLS-I file names) with per-gain-range constants written from
 * their truth into a calib store, and psana's calibration definitions written out per pixel for checking.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatNdarrayTextBytes } from '../../src/io/ndarray-text-write.js';
import { parseNdarrayText } from '../../src/io/ndarray-text.js';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { writeSyntheticRun, type WrittenSyntheticRun } from '../../src/node/xtc-synthetic.js';
import { FrameGenerator } from '../../src/synthetic/model.js';
import { generateSyntheticRun, type SyntheticRunSpec } from '../../src/synthetic/generate.js';
import { mixSeed } from '../../src/synthetic/prng.js';
import { medianBankMap } from '../../src/synthetic/median-banks.js';

export const JF_SOURCE = 'XppEndstation.0:Jungfrau.0';
export const JF = 512 * 1024;
/** pixel_gain of stages 0, 1, 2 (calibrated = ADU / gain). */
export const JF_GAINS = [2, 0.5, 0.25];
/** pixel_offset of stages 0, 1, 2 (deployed pedestals are the truth minus these). */
export const JF_OFFSETS = [1.5, -2, 0];

export const JF_SPEC: SyntheticRunSpec = {
  experiment: 'e1234', run: 30, events: 6, seed: 11, darkFraction: 1,
  detectors: [{
    type: 'JUNGFRAU', source: JF_SOURCE, hotFraction: 0.001, deadFraction: 0.001, light: { commonModeSpread: 15 },
    jungfrau: { modules: 1, badSwitchFraction: 0.001, wrongModeEvents: [{ event: 3, stage: 1 }, { event: 5, stage: 2 }] },
  }],
};

export const EP_SOURCE = 'XcsEndstation.0:Epix10ka.0';
export const EP = 352 * 384;
export const EP_SPEC: SyntheticRunSpec = {
  experiment: 'e977', run: 12, events: 6, calibCycles: 2, seed: 21, darkFraction: 1,
  detectors: [{
    type: 'EPIX10KA', source: EP_SOURCE, noise: { mean: 4, spread: 0.2 }, hotFraction: 0.002, light: { commonModeSpread: 2 },
    epix10ka: { modes: ['FH', 'AHL'], autoSwitchFraction: 0.05 },
  }],
};

/** Write `<calib>/<group>/<src>/<type>/<name>`. */
export function deployText(calibDir: string, group: string, source: string, type: string, name: string, bytes: Uint8Array): string {
  const dir = join(calibDir, group, source, type);
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** A deployed per-pixel file read back as psana reads it (float values). */
export function readBack(path: string): Float64Array {
  return Float64Array.from(parseNdarrayText(readFileSync(path, 'utf8')).array.data as ArrayLike<number>);
}

export interface MultiGainFixture {
  written: WrittenSyntheticRun;
  calibDir: string;
  /** Raw frame of event e as the reader returns it. */
  raw(e: number): Uint16Array;
  /** Deployed (read back) pedestals, offsets, gains, per range; status per range. */
  ped: Float64Array;
  off: Float64Array | undefined;
  gain: Float64Array | undefined;
  status: Uint32Array;
}

/** The Jungfrau run with pedestals (truth − offset), pixel_offset, pixel_gain (zeros every 5003rd), pixel_status. */
export async function makeJungfrauFixture(dir: string): Promise<MultiGainFixture> {
  const written = await writeSyntheticRun(join(dir, 'xtc'), JF_SPEC);
  const gen = generateSyntheticRun(JF_SPEC);
  const model = written.truth.detectors[0];
  const jf = model.jungfrau!;
  const ped = new Float32Array(3 * JF);
  const off = new Float32Array(3 * JF);
  const gain = new Float32Array(3 * JF);
  const status = new Uint32Array(3 * JF);
  for (let g = 0; g < 3; g++) {
    for (let i = 0; i < JF; i++) {
      ped[g * JF + i] = jf.pedestals[g][i] - JF_OFFSETS[g];
      off[g * JF + i] = JF_OFFSETS[g];
      gain[g * JF + i] = g === 0 && i % 5003 === 0 ? 0 : JF_GAINS[g];
    }
  }
  for (let i = 0; i < JF; i++) {
    if (model.kind[i] !== 0) status[i] = 1;
    if (i % 3001 === 5) status[JF + i] = 64;
    if (i % 4001 === 7) status[2 * JF + i] = 2;
  }
  const calibDir = join(dir, 'calib');
  const shape = [3, 1, 512, 1024];
  const G = 'Jungfrau::CalibV1';
  const p = deployText(calibDir, G, JF_SOURCE, 'pedestals', '30-end.data', formatNdarrayTextBytes(ndarrayOf(ped, shape), { fmt: '%.3f' }));
  const o = deployText(calibDir, G, JF_SOURCE, 'pixel_offset', '30-end.data', formatNdarrayTextBytes(ndarrayOf(off, shape), { fmt: '%.1f' }));
  const gn = deployText(calibDir, G, JF_SOURCE, 'pixel_gain', '30-end.data', formatNdarrayTextBytes(ndarrayOf(gain, shape), { fmt: '%.3f' }));
  deployText(calibDir, G, JF_SOURCE, 'pixel_status', '30-end.data', formatNdarrayTextBytes(ndarrayOf(status, shape), { fmt: '%d' }));
  // a raw-shaped (single-gain) pedestals file for runs 40-end: refused for calibration
  deployText(calibDir, G, JF_SOURCE, 'pedestals', '40-end.data', formatNdarrayTextBytes(ndarrayOf(new Float32Array(JF), [1, 512, 1024]), { fmt: '%.1f' }));
  return { written, calibDir, raw: (e) => gen.expectedFrame(0, e) as Uint16Array, ped: readBack(p), off: readBack(o), gain: readBack(gn), status };
}

/** The Epix10ka run (cycles FH, AHL) with (7, 1, 352, 384) pedestals from the truth and pixel_status; no pixel_gain. */
export async function makeEpix10kaFixture(dir: string): Promise<MultiGainFixture> {
  const written = await writeSyntheticRun(join(dir, 'xtc'), EP_SPEC);
  const gen = generateSyntheticRun(EP_SPEC);
  const model = written.truth.detectors[0];
  const tr = model.epix10ka!;
  const ped = new Float32Array(7 * EP);
  const status = new Uint32Array(7 * EP);
  for (let g = 0; g < 7; g++) ped.set(tr.pedestals[g], g * EP);
  for (let i = 0; i < EP; i++) if (model.kind[i] !== 0) status[i] = 1;
  for (let i = 3; i < EP; i += 1999) status[5 * EP + i] = 1; // AHL-L only: not in psana's merged mask
  const calibDir = join(dir, 'calib');
  const shape = [7, 1, 352, 384];
  const G = 'Epix10ka::CalibV1';
  const p = deployText(calibDir, G, EP_SOURCE, 'pedestals', '12-end.data', formatNdarrayTextBytes(ndarrayOf(ped, shape), { fmt: '%.3f' }));
  deployText(calibDir, G, EP_SOURCE, 'pixel_status', '12-end.data', formatNdarrayTextBytes(ndarrayOf(status, shape), { fmt: '%d' }));
  return { written, calibDir, raw: (e) => gen.expectedFrame(0, e) as Uint16Array, ped: readBack(p), off: undefined, gain: undefined, status };
}

/**
 * psana's calibrated value without common mode: `(raw & 0x3fff) − (ped + off)[range]` in float32, × 1/gain
 * (0 for gain 0; 1 without gain), × mask; range −1: `raw & 0x3fff`.
 */
export function psanaValue(fx: MultiGainFixture, size: number, i: number, range: number, raw: number, masked: boolean): number {
  let v: number;
  if (range < 0) v = raw & 0x3fff;
  else {
    const k = range * size + i;
    const poff = Math.fround(Math.fround(fx.ped[k]) + (fx.off ? Math.fround(fx.off[k]) : 0));
    const gn = fx.gain ? Math.fround(fx.gain[k]) : 1;
    v = Math.fround(Math.fround((raw & 0x3fff) - poff) * (gn === 0 ? 0 : Math.fround(1 / gn)));
  }
  return masked ? v * 0 : v;
}

/** Jungfrau stage of a raw word (00 → 0, 01 → 1, 11 → 2, 10 → −1). */
export function jfRange(raw: number): number {
  const b = raw >>> 14;
  return b === 3 ? 2 : b === 2 ? -1 : b;
}

/** The planted common-mode offset of each pixel's bank in event `e` (Jungfrau: the run's generator). */
export function jungfrauOffsets(fx: MultiGainFixture, e: number): Float64Array {
  const off = generateSyntheticRun(JF_SPEC).commonModeOffsets(0, e)!;
  return perPixel(off, 'JUNGFRAU', [1, 512, 1024]);
}

/** Planted offsets of an Epix10ka range's frame generator in event `e` (its seed as src/synthetic/epix.ts derives it). */
export function epixOffsets(fx: MultiGainFixture, range: number, e: number): Float64Array {
  const model = fx.written.truth.detectors[0];
  const tr = model.epix10ka!;
  const g = new FrameGenerator({ ...model, pedestals: tr.pedestals[range], noise: tr.noise[range] }, mixSeed(mixSeed(EP_SPEC.seed!, 1), 0x9a10 + range));
  return perPixel(g.commonModeOffsets(e)!, 'EPIX10KA', [352, 384]);
}

function perPixel(perBank: Float64Array, type: string, shape: number[]): Float64Array {
  const { bankOf } = medianBankMap(type, shape)!;
  return Float64Array.from(bankOf, (b) => perBank[b]);
}
