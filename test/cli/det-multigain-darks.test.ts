import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy } from '../../src/io/npy.js';
import { writeSyntheticRun, type WrittenSyntheticRun } from '../../src/node/xtc-synthetic.js';
import { generateSyntheticRun, type SyntheticRunSpec } from '../../src/synthetic/generate.js';
import { jungfrauDarkRunSpecs } from '../../src/synthetic/jungfrau-runs.js';
import { calibrunTree, runCalibrun } from '../calibrun/run-fixture.js';

/**
 * The whole chain: gain-mode darks by calibrun (`-P -D`), then `calibman det calib` on a later run of the same
 * detector. Epix10ka: a calibration run (five calib cycles, one per gain mode), then a data run in auto-ranging
 * AHL mode: the AHL-H pixels come out at zero within the dark's statistical error, the pixels that switched to
 * AHL-L get psana's default AHL-L pedestal (0: a dark run gives no AHL-L constants) — their raw ADC value.
 * Jungfrau: the three forced-gain dark runs, then a run in Normal mode with one frame in stage 1.
 */
const tree = calibrunTree('calibman-det-epix-darks-', 'XCS', 'xcsx35617');
const SRC = 'XcsEndstation.0:Epix10ka.0';
const PER_CYCLE = 6;
const EP = 352 * 384;
const detector = { type: 'EPIX10KA', source: SRC, noise: { mean: 4, spread: 0.2 } } as const;
const DATA: SyntheticRunSpec = {
  experiment: 'e977', run: 395, events: 4, seed: 21, darkFraction: 1,
  detectors: [{ ...detector, epix10ka: { modes: ['AHL'], autoSwitchFraction: 0.05 } }],
};
let data: WrittenSyntheticRun;
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

beforeAll(async () => {
  await writeSyntheticRun(tree.xtcDir, { experiment: 'e977', run: 394, events: 5 * PER_CYCLE, calibCycles: 5, seed: 21, detectors: [{ ...detector, epix10ka: { autoSwitchFraction: 0 } }] });
  data = await writeSyntheticRun(tree.xtcDir, DATA);
}, 180_000);
afterAll(() => tree.remove());

describe('Epix10ka: gain-mode darks deployed, then det calib of a data run', () => {
  it('recovers the AHL-H signal within the statistical error and applies psana\'s AHL-L default to switched pixels', async () => {
    const d = tree.dirs('chain');
    const r = await runCalibrun(['-e', 'xcsx35617', '-r', '394', '-d', 'EPIX10KA', '--root', tree.root, '-w', d.work, '-c', d.calib, '-P', '-D'], { cwd: tree.tmp });
    expect(r.code, r.err).toBe(0);
    const out = join(tree.tmp, 'calib.npy');
    const c = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/calibman.ts', 'det', 'calib', '--xtc', ...data.files, '--source', SRC,
      '--calib-dir', d.calib, '--run', '395', '--cm', 'none', '--npy', out], { encoding: 'utf8', cwd: root });
    expect(c.status, c.stderr).toBe(0);
    const a = readNpy(new Uint8Array(readFileSync(out)), out);
    expect([...a.array.shape]).toEqual([4, 352, 384]);
    const v = a.array.data as Float32Array;
    const model = data.truth.detectors[0];
    const tr = model.epix10ka!;
    const gen = generateSyntheticRun(DATA);
    let s = 0;
    let s2 = 0;
    let n = 0;
    let switchedWrong = 0;
    let switched = 0;
    for (let e = 0; e < 4; e++) {
      const raw = gen.expectedFrame(0, e) as Uint16Array;
      for (let i = 0; i < EP; i++) {
        if (model.kind[i] !== 0) continue;
        const x = v[e * EP + i];
        if (raw[i] & 0x4000) {
          switched++;
          if (x !== (raw[i] & 0x3fff) && x !== 0) switchedWrong++;
          continue;
        }
        if (x === 0) continue; // flagged by the dark job
        const z = x / tr.noise[3][i];
        s += z;
        s2 += z * z;
        n++;
      }
    }
    const mean = s / n;
    const std = Math.sqrt(s2 / n - mean * mean);
    expect(n).toBeGreaterThan(0.9 * 4 * EP * 0.95);
    // pedestals averaged over 6 frames: per-pixel error σ/√6, so the spread is √(1 + 1/6) σ
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(std).toBeGreaterThan(1.0);
    expect(std).toBeLessThan(1.2);
    expect(switched).toBeGreaterThan(4 * EP * 0.04);
    expect(switchedWrong).toBe(0);
  }, 240_000);
});

describe('Jungfrau: three gain-stage darks deployed, then det calib of a later run', () => {
  const JSRC = 'XppEndstation.0:Jungfrau.0';
  const JF = 512 * 1024;
  const specs = jungfrauDarkRunSpecs({ experiment: 'e977', runs: [21, 22, 23], events: 12, seed: 5, detector: { source: JSRC, hotFraction: 0.001, jungfrau: { modules: 1 } } });
  const later: SyntheticRunSpec = {
    ...specs[0], run: 24, events: 3, eventSeed: 4242,
    detectors: [{ ...specs[0].detectors[0], jungfrau: { ...specs[0].detectors[0].jungfrau, wrongModeEvents: [{ event: 1, stage: 1 }] } }],
  };
  let run: WrittenSyntheticRun;
  beforeAll(async () => {
    for (const s of specs) await writeSyntheticRun(tree.xtcDir, s);
    run = await writeSyntheticRun(tree.xtcDir, later);
  }, 180_000);

  it('stage-0 frames and the stage-1 frame come out at zero within the darks\' statistical error', async () => {
    const d = tree.dirs('jf');
    const r = await runCalibrun(['-e', 'xcsx35617', '-r', '21,22,23', '-d', 'JUNGFRAU', '--root', tree.root, '-w', d.work, '-c', d.calib, '--nrecs1', '8', '-P', '-D'], { cwd: tree.tmp });
    expect(r.code, r.err).toBe(0);
    const out = join(tree.tmp, 'jf.npy');
    const c = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/calibman.ts', 'det', 'calib', '--xtc', ...run.files, '--source', JSRC,
      '--calib-dir', d.calib, '--run', '24', '--cm', 'none', '--npy', out], { encoding: 'utf8', cwd: root });
    expect(c.status, c.stderr).toBe(0);
    const a = readNpy(new Uint8Array(readFileSync(out)), out);
    expect([...a.array.shape]).toEqual([3, 1, 512, 1024]);
    const v = a.array.data as Float32Array;
    const model = run.truth.detectors[0];
    const jf = model.jungfrau!;
    for (const [e, stage] of [[0, 0], [1, 1], [2, 0]]) {
      let s = 0;
      let s2 = 0;
      let n = 0;
      for (let i = 0; i < JF; i++) {
        const x = v[e * JF + i];
        if (model.kind[i] !== 0 || x === 0) continue;
        const z = x / jf.noise[stage][i];
        s += z;
        s2 += z * z;
        n++;
      }
      const mean = s / n;
      const std = Math.sqrt(s2 / n - mean * mean);
      expect(n).toBeGreaterThan(0.95 * JF);
      // pedestals from ~12 frames: per-pixel error σ/√12, spread √(1 + 1/12) σ ≈ 1.04 σ
      expect(Math.abs(mean)).toBeLessThan(0.03);
      expect(std).toBeGreaterThan(0.98);
      expect(std).toBeLessThan(1.12);
    }
  }, 240_000);
});
