/** A generated CSPAD run on disk with constants deployed in a calib store, and its known truth. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatNdarrayText } from '../../src/io/ndarray-text.js';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { writeSyntheticRun } from '../../src/node/xtc-synthetic.js';
import type { SyntheticRunSpec } from '../../src/synthetic/generate.js';
import { generateSyntheticRun } from '../../src/synthetic/generate.js';

export const SOURCE = 'CxiDs1.0:Cspad.0';
export const SHAPE = [32, 185, 388];
export const SIZE = 32 * 185 * 388;

export interface RunFixture {
  files: string[];
  calibDir: string;
  pedestals: Float32Array;
  status: Uint16Array;
  gain: Float32Array;
  pixelMask: Uint8Array;
  /** Raw frame of event e as the reader returns it. */
  raw(e: number): Int16Array;
}

export const SPEC: SyntheticRunSpec = {
  experiment: 'cxi12345', run: 7, events: 3, seed: 5, darkFraction: 0,
  detectors: [{ type: 'CSPAD', source: SOURCE, pedestal: { mean: 1200, spread: 40 }, noise: { mean: 3, spread: 0.3 }, photons: { rate: 0.01, adu: 40 } }],
};

/** Write a calib file `<calib>/CsPad::CalibV1/<src>/<type>/<name>`. */
export function deploy(calibDir: string, type: string, name: string, text: string): string {
  const dir = join(calibDir, 'CsPad::CalibV1', SOURCE, type);
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Write the run and deploy pedestals (the truth, rounded to 0.01), status, gain and mask for runs 5-end. */
export async function makeRunFixture(dir: string, withConstants = true): Promise<RunFixture> {
  const written = await writeSyntheticRun(join(dir, 'xtc'), SPEC);
  const gen = generateSyntheticRun(SPEC);
  const model = written.truth.detectors[0];
  const pedestals = new Float32Array(SIZE);
  for (let i = 0; i < SIZE; i++) pedestals[i] = Math.round(model.pedestals[i] * 100) / 100;
  const status = new Uint16Array(SIZE);
  for (let i = 0; i < SIZE; i += 997) status[i] = 1;
  const gain = new Float32Array(SIZE);
  for (let i = 0; i < SIZE; i++) gain[i] = 1 + (i % 7) * 0.125;
  const pixelMask = new Uint8Array(SIZE).fill(1);
  for (let i = 5; i < SIZE; i += 1231) pixelMask[i] = 0;
  const calibDir = join(dir, 'calib');
  if (withConstants) {
    deploy(calibDir, 'pedestals', '5-end.data', formatNdarrayText(ndarrayOf(pedestals, SHAPE), { fmt: '%.2f' }));
    // an older, wider file the finder must not choose
    deploy(calibDir, 'pedestals', '0-end.data', formatNdarrayText(ndarrayOf(new Float32Array(SIZE), SHAPE), { fmt: '%.1f' }));
    deploy(calibDir, 'pixel_status', '5-end.data', formatNdarrayText(ndarrayOf(status, SHAPE), { fmt: '%d' }));
    deploy(calibDir, 'pixel_gain', '5-end.data', formatNdarrayText(ndarrayOf(gain, SHAPE), { fmt: '%.3f' }));
    deploy(calibDir, 'pixel_mask', '5-end.data', formatNdarrayText(ndarrayOf(pixelMask, SHAPE), { fmt: '%d' }));
  } else {
    mkdirSync(calibDir, { recursive: true });
  }
  return { files: written.files, calibDir, pedestals, status, gain, pixelMask, raw: (e) => gen.expectedFrame(0, e) as Int16Array };
}
