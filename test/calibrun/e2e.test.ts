import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNdarrayText } from '../../src/io/ndarray-text.js';
import { readNpy } from '../../src/io/npy.js';
import { writeSyntheticRun, type WrittenSyntheticRun } from '../../src/node/xtc-synthetic.js';
import { PixelKind } from '../../src/synthetic/model.js';
import { calibrunTree, runCalibrun } from './run-fixture.js';

/**
 * End to end on generated runs with a known truth: calibrun reads the xtc files of a synthetic run from
 * the standard directory layout, writes the work files and deploys them; the deployed pedestals are
 * compared with the generator's per-pixel pedestals.
 */
const tree = calibrunTree('calibrun-e2e-', 'CXI', 'cxi12345');
const { tmp, root, xtcDir } = tree;
let big: WrittenSyntheticRun;
let small: WrittenSyntheticRun;
const OPAL = 'XppEndstation.0:Opal1000.0';
const CSPAD = 'CxiDs1.0:Cspad.0';

beforeAll(async () => {
  big = await writeSyntheticRun(xtcDir, {
    experiment: 'cxi12345',
    run: 42,
    events: 24,
    seed: 7,
    detectors: [
      { type: 'CSPAD', hotFraction: 0.002, deadFraction: 0.002 },
      { type: 'OPAL1000', width: 40, height: 30 },
    ],
  });
  small = await writeSyntheticRun(xtcDir, {
    experiment: 'cxi12345',
    run: 43,
    events: 60,
    seed: 8,
    darkFraction: 0.5,
    detectors: [{ type: 'OPAL1000', width: 24, height: 16, deadFraction: 0.02 }],
  });
}, 120_000);
afterAll(() => tree.remove());

const calibrun = (argv: string[], cwd = tmp) => runCalibrun(argv, { cwd });

const fresh = (name: string) => tree.dirs(name);

function listTree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('calibrun end to end (generated runs)', () => {
  it('processes and deploys CSPAD and Opal1000; pedestals match the truth within statistical error', async () => {
    const d = fresh('full');
    const r = await calibrun(['-e', 'cxi12345', '-r', '42', '-d', 'CSPAD,Opal1000', '--root', root, '-w', d.work, '-c', d.calib, '-P', '-D', '-n', '20', '--nrecs1', '10']);
    expect(r.err.replace(/events .*\n/g, '')).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Deployment of calibration files is completed');

    const types = ['pedestals', 'pixel_rms', 'pixel_status'];
    expect(listTree(d.calib)).toEqual(
      [
        ...types.flatMap((t) => [`Camera::CalibV1/${OPAL}/${t}/42-end.data`, `Camera::CalibV1/${OPAL}/${t}/HISTORY`]),
        ...types.flatMap((t) => [`CsPad::CalibV1/${CSPAD}/${t}/42-end.data`, `CsPad::CalibV1/${CSPAD}/${t}/HISTORY`]),
      ].sort(),
    );
    const hist = readFileSync(path.join(d.calib, 'CsPad::CalibV1', CSPAD, 'pedestals', 'HISTORY'), 'utf8').trimEnd().split('\n');
    expect(hist).toHaveLength(1);
    expect(hist[0]).toMatch(
      new RegExp(`^file:42-end\\.data {3}  copy_of:${d.work.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/results/clb-cxi12345-r0042-peds-ave-CxiDs1\\.0:Cspad\\.0\\.txt  exp:cxi12345  run:0042  comment:calibrun-dark  user:\\S+  host:\\S+  cptime:\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d  zone:`),
    );
    expect(readdirSync(path.join(d.work, 'results')).sort()).toEqual(
      [CSPAD, OPAL].flatMap((s) => ['ave', 'rms', 'sta', 'msk', 'max', 'min'].map((k) => `clb-cxi12345-r0042-peds-${k}-${s}.txt`)).sort(),
    );

    // CSPAD: 5920 x 388 text without metadata (psana's CSPAD rule); compare with the generator's truth
    const model = big.truth.detectors[0];
    const nFrames = 20;
    const pedsText = readFileSync(path.join(d.calib, 'CsPad::CalibV1', CSPAD, 'pedestals', '42-end.data'), 'utf8');
    expect(pedsText).not.toContain('# DTYPE');
    expect(pedsText.split('\n').filter((l) => l && !l.startsWith('#'))).toHaveLength(5920);
    expect(pedsText).toContain('# STATISTICS  19\n');
    const peds = parseNdarrayText(pedsText);
    expect(peds.array.size).toBe(32 * 185 * 388);
    const status = parseNdarrayText(readFileSync(path.join(d.calib, 'CsPad::CalibV1', CSPAD, 'pixel_status', '42-end.data'), 'utf8'));
    const rms = parseNdarrayText(readFileSync(path.join(d.calib, 'CsPad::CalibV1', CSPAD, 'pixel_rms', '42-end.data'), 'utf8'));
    const p = peds.array.data as Float32Array;
    const st = status.array.data;
    const rm = rms.array.data as Float32Array;
    let good = 0;
    let within = 0;
    let sumDev = 0;
    let sumVar = 0;
    const ratios: number[] = [];
    let deadFlagged = 0;
    let dead = 0;
    let hotFlagged = 0;
    let hot = 0;
    for (let i = 0; i < model.pedestals.length; i++) {
      const k = model.kind[i];
      if (k === PixelKind.Good) {
        good++;
        // per-pixel standard error of a mean of nFrames integer samples (noise plus rounding)
        const se = Math.sqrt(model.noise[i] ** 2 + 1 / 12) / Math.sqrt(nFrames);
        const dev = p[i] - model.pedestals[i];
        if (Math.abs(dev) <= 5 * se + 0.01) within++;
        sumDev += dev;
        sumVar += se * se;
        if (i % 97 === 0) ratios.push(rm[i] / model.noise[i]);
      } else if (k === PixelKind.Dead) {
        dead++;
        if (Number(st[i]) !== 0) deadFlagged++;
      } else if (k === PixelKind.Hot) {
        hot++;
        if (Number(st[i]) & 1) hotFlagged++;
      }
    }
    expect(good).toBeGreaterThan(2_000_000);
    // 5 standard errors: a gaussian leaves ~6e-7 outside; gating and rounding widen this a little
    expect(within / good).toBeGreaterThan(0.999);
    // the mean deviation over all good pixels is unbiased: within 5 standard errors of the mean
    expect(Math.abs(sumDev / good)).toBeLessThan((5 * Math.sqrt(sumVar)) / good + 0.005);
    // gated rms: stage-1 gates cut the tails, so it is somewhat below the true noise, never far above
    ratios.sort((a, b) => a - b);
    const median = ratios[ratios.length >> 1];
    expect(median).toBeGreaterThan(0.6);
    expect(median).toBeLessThan(1.1);
    expect(dead).toBeGreaterThan(1000);
    expect(deadFlagged).toBe(dead);
    expect(hotFlagged / hot).toBeGreaterThan(0.9);

    // Opal: 2-D text with metadata, shape (30, 40)
    const opalPeds = parseNdarrayText(readFileSync(path.join(d.calib, 'Camera::CalibV1', OPAL, 'pedestals', '42-end.data'), 'utf8'));
    expect(opalPeds.array.shape).toEqual([30, 40]);
    const om = big.truth.detectors[1];
    const od = opalPeds.array.data as Float32Array;
    let ok = 0;
    for (let i = 0; i < om.pedestals.length; i++) {
      const se = Math.sqrt(om.noise[i] ** 2 + 1 / 12) / Math.sqrt(nFrames);
      if (Math.abs(od[i] - om.pedestals[i]) <= 5 * se + 0.01) ok++;
    }
    expect(ok).toBeGreaterThanOrEqual(om.pedestals.length - 1);

    // session log in <work>/logs/<year>/
    const logDir = path.join(d.work, 'logs', String(new Date().getFullYear()));
    const logs = readdirSync(logDir);
    expect(logs).toHaveLength(1);
    const log = readFileSync(path.join(logDir, logs[0]), 'utf8');
    expect(log).toContain('[I] source CxiDs1.0:Cspad.0 (CSPAD): 20 frames, 0 damaged, shape (32,185,388), STATISTICS 19');
    expect(log).toContain('Tentative deployment commands:');
  });

  it('CSPAD2x2: work file in DAQ order (71780 x 2, no metadata) matching the truth', async () => {
    const dir = path.join(root, 'MEC', 'mec12345', 'xtc');
    const w = await writeSyntheticRun(dir, { experiment: 'mec12345', run: 3, events: 24, seed: 11, detectors: [{ type: 'CSPAD2x2' }] });
    const d = fresh('c2x2');
    const r = await calibrun(['-e', 'mec12345', '-r', '3', '-d', 'cspad2x2', '--root', root, '-w', d.work, '-c', d.calib, '-P', '-D', '-n', '20', '--nrecs1', '10']);
    expect(r.code).toBe(0);
    const src = 'MecTargetChamber.0:Cspad2x2.1';
    const text = readFileSync(path.join(d.calib, 'CsPad2x2::CalibV1', src, 'pedestals', '3-end.data'), 'utf8');
    expect(text).toContain('# SHAPE       (185,388,2)\n');
    expect(text).not.toContain('# DTYPE');
    const rows = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(rows).toHaveLength(71780);
    const values = rows.flatMap((l) => l.trim().split(/\s+/).map(Number));
    const m = w.truth.detectors[0];
    expect(m.shape).toEqual([185, 388, 2]);
    let ok = 0;
    for (let i = 0; i < m.pedestals.length; i++) {
      const se = Math.sqrt(m.noise[i] ** 2 + 1 / 12) / Math.sqrt(20);
      if (Math.abs(values[i] - m.pedestals[i]) <= 5 * se + 0.01) ok++;
    }
    expect(ok / m.pedestals.length).toBeGreaterThan(0.999);
  });

  it('event codes select the dark events only; -x with a single file; --npy copies', async () => {
    const d = fresh('codes');
    const file = small.files[0];
    const r = await calibrun(['-e', 'cxi12345', '-r', '43', '-d', 'opal1000', '-x', file, '-w', d.work, '-P', '-f', '162', '-n', '25', '--nrecs1', '5', '--npy']);
    expect(r.code).toBe(0);
    const res = r.outcome!.result!;
    const darkIdx = small.truth.events.filter((e) => e.dark).map((e) => e.index);
    expect(res.eventsUsed).toBe(25);
    // read up to the 25th dark event; everything else read was rejected
    expect(res.eventsRead).toBe(darkIdx[24] + 1);
    expect(res.eventsRejected).toBe(res.eventsRead - 25);
    const npy = readNpy(new Uint8Array(readFileSync(path.join(d.work, 'results', `clb-cxi12345-r0043-peds-ave-${OPAL}.npy`))));
    expect(npy.array.shape).toEqual([16, 24]);
    expect(r.out).toContain('FILE DEPLOYMENT OPTION IS TURNED OFF...');
    expect(existsSync(d.calib)).toBe(false);

    // -D alone later deploys the work files of that run, with -v as the range
    const r2 = await calibrun(['-e', 'cxi12345', '-r', '43', '-d', 'Opal1000', '-w', d.work, '-c', d.calib, '-D', '-v', '43-50']);
    expect(r2.code).toBe(0);
    expect(listTree(d.calib).filter((f) => f.endsWith('.data'))).toEqual(
      ['pedestals', 'pixel_rms', 'pixel_status'].map((t) => `Camera::CalibV1/${OPAL}/${t}/43-50.data`).sort(),
    );
  });

  it.each([
    ['a missing run', ['-r', '44', '-d', 'Opal1000'], /run 44 of experiment cxi12345 not found in \S+; runs present: 42, 43/],
    ['a detector that is not in the run', ['-r', '43', '-d', 'pnCCD'], /detector "pnCCD" not found in cxi12345 run 43; available: .*XppEndstation\.0:Opal1000\.0/],
    ['too few events', ['-r', '43', '-d', 'Opal1000', '-n', '2'], /XppEndstation\.0:Opal1000\.0: 2 usable frame\(s\).*at least 3 are needed; nothing was written/],
    ['too few selected events', ['-r', '43', '-d', 'Opal1000', '-f', '99'], /0 usable frame\(s\).*60 rejected by event codes/],
  ])('%s: clear message, exit 1, nothing written', async (_name, argv, message) => {
    const d = fresh('fail');
    const r = await calibrun(['-e', 'cxi12345', ...argv, '--root', root, '-w', d.work, '-c', d.calib, '-P', '-D']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
    expect(listTree(path.join(d.work, 'results'))).toEqual([]);
    expect(listTree(d.calib)).toEqual([]);
  });
});
