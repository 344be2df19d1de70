import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticRun, type WrittenSyntheticRun } from '../../src/node/xtc-synthetic.js';
import { runEpix10kaCalibration, selectEpix10kaSources, wantsEpix10kaGainModes, writeEpix10kaWorkFiles } from '../../src/calibrun/epix10ka-dark.js';
import { parseNdarrayTextBytes } from '../../src/io/ndarray-text.js';
import { ConfigError, DetectorNotFoundError, GainModeError } from '../../src/errors.js';
import { PixelKind } from '../../src/synthetic/model.js';

const PIX = 352 * 384;
const SOURCE = 'XcsEndstation.0:Epix10kaQuad.0';
const EVENTS_PER_CYCLE = 8;

let dir: string;
let run: WrittenSyntheticRun;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'calibman-epix10ka-'));
  run = await writeSyntheticRun(join(dir, 'xtc'), {
    experiment: 'e1234',
    run: 7,
    events: 5 * EVENTS_PER_CYCLE,
    calibCycles: 5,
    seed: 3,
    detectors: [
      {
        type: 'EPIX10KAQUAD',
        source: SOURCE,
        pedestal: { mean: 2500, spread: 200 },
        noise: { mean: 4, spread: 0.3 },
        deadFraction: 0.0005,
        epix10ka: { autoSwitchFraction: 0 },
      },
    ],
  });
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('calibrun Epix10ka gain-mode job on generated XTC runs', () => {
  it('reads the run written as e<expnum>-r<run>-s00-c00.xtc and recovers every mode within the statistical error', async () => {
    expect(run.files.map((f) => f.split('/').pop())).toEqual(['e1234-r0007-s00-c00.xtc']);
    const r = await runEpix10kaCalibration({ open: { files: run.files }, detectors: ['EPIX10KAQUAD'] });
    expect(r.sources).toHaveLength(1);
    const s = r.sources[0];
    expect(s.source).toBe(SOURCE);
    expect(s.cycles.map((c) => [c.mode, c.frames])).toEqual(['FH', 'FM', 'FL', 'AHL-H', 'AML-M'].map((m) => [m, EVENTS_PER_CYCLE - 1]));
    const c = s.constants;
    expect(c.shape).toEqual([7, 4, 352, 384]);
    const model = run.truth.detectors[0];
    const truth = model.epix10ka!;
    const n = 4 * PIX;
    const used = EVENTS_PER_CYCLE - 1;
    for (let m = 0; m < 5; m++) {
      let worst = 0;
      let bad = 0;
      let deadFlagged = 0;
      let dead = 0;
      for (let i = 0; i < n; i++) {
        const st = c.status[m * n + i];
        if (model.kind[i] === PixelKind.Dead) {
          dead++;
          if (st !== 0) deadFlagged++;
          continue;
        }
        if (st) {
          // a few statistical outliers of 7-frame samples are flagged, as psana would flag them
          bad++;
          continue;
        }
        const se = Math.sqrt(truth.noise[m][i] ** 2 + 1 / 12) / Math.sqrt(used);
        worst = Math.max(worst, Math.abs(c.pedestals[m * n + i] - truth.pedestals[m][i]) / se);
      }
      expect(worst).toBeLessThan(6.5);
      expect(dead).toBeGreaterThan(0);
      expect(deadFlagged).toBe(dead); // planted dead pixels flagged in every mode
      expect(bad / n).toBeLessThan(5e-5);
    }
  }, 120_000);

  it('writes the work files psana-style (float32, no comments, (7,4,352,384)) under calibman names', async () => {
    const r = await runEpix10kaCalibration({ open: { files: run.files }, detectors: [SOURCE] });
    const files = await writeEpix10kaWorkFiles(r.sources, { resultsDir: join(dir, 'work', 'results'), prefix: 'clb-', experiment: 'xcsx1234', run: 7 });
    const f = files.get(SOURCE)!;
    expect(f.ave).toMatch(/clb-xcsx1234-r0007-peds-ave-XcsEndstation\.0:Epix10kaQuad\.0\.txt$/);
    const parsed = parseNdarrayTextBytes(new Uint8Array(readFileSync(f.sta)), { dtype: 'float64' });
    expect([...parsed.array.shape]).toEqual([7, 4, 352, 384]);
    expect(parsed.header.DTYPE).toBe('float32');
    const text = readFileSync(f.ave, 'utf8');
    expect(text).not.toMatch(/^# DATASET/m);
    const firstRow = text.split('\n').find((l) => /^\s*\d/.test(l))!;
    expect(firstRow.trim().split(/\s+/)).toHaveLength(384);
    expect(firstRow.trim().split(/\s+/)[0]).toMatch(/^\d+\.\d{3}$/);
    expect(readdirSync(join(dir, 'work', 'results')).filter((x) => x.includes('.tmp'))).toEqual([]);
  }, 120_000);

  it('calibrates a single Epix10ka module (one panel: constants (7,1,352,384))', async () => {
    const single = await writeSyntheticRun(join(dir, 'single'), {
      experiment: 'e1234',
      run: 10,
      events: 20,
      calibCycles: 5,
      seed: 4,
      detectors: [{ type: 'EPIX10KA', source: 'XcsEndstation.0:Epix10ka.1', noise: { mean: 3, spread: 0.2 }, epix10ka: { autoSwitchFraction: 0 } }],
    });
    const r = await runEpix10kaCalibration({ open: { files: single.files }, detectors: ['EPIX10KA'] });
    const c = r.sources[0].constants;
    expect(c.shape).toEqual([7, 1, 352, 384]);
    expect(r.sources[0].cycles.map((x) => x.frames)).toEqual([3, 3, 3, 3, 3]);
    const truth = single.truth.detectors[0].epix10ka!;
    for (let m = 0; m < 5; m++) {
      let sum = 0;
      for (let i = 0; i < PIX; i++) sum += c.pedestals[m * PIX + i] - truth.pedestals[m][i];
      expect(Math.abs(sum / PIX)).toBeLessThan(0.1);
    }
  }, 120_000);

  it('refuses bad input with typed errors', async () => {
    // a run without calib cycles' gain modes: one calib cycle only → modes missing
    const one = await writeSyntheticRun(join(dir, 'one'), {
      experiment: 'e1234',
      run: 8,
      events: 4,
      detectors: [{ type: 'EPIX10KAQUAD', source: SOURCE }],
    });
    await expect(runEpix10kaCalibration({ open: { files: one.files }, detectors: ['EPIX10KAQUAD'] })).rejects.toThrow(GainModeError);
    // a cycle with an unexpected mode: the run's cycles in another order
    const swapped = await writeSyntheticRun(join(dir, 'swapped'), {
      experiment: 'e1234',
      run: 9,
      events: 10,
      calibCycles: 5,
      detectors: [{ type: 'EPIX10KAQUAD', source: SOURCE, epix10ka: { modes: ['FM', 'FH', 'FL', 'AHL', 'AML'] } }],
    });
    await expect(runEpix10kaCalibration({ open: { files: swapped.files }, detectors: ['EPIX10KAQUAD'] })).rejects.toThrow(/calib cycle 0: configured gain mode disagrees.*expected FH, found FM/);
    await expect(runEpix10kaCalibration({ open: { files: run.files }, detectors: ['EPIX10KA'] })).rejects.toThrow(DetectorNotFoundError);
    // CalibManager's Epix10ka2M menu entry selects by data type (Epix::ArrayV): quads too
    expect(await selectEpix10kaSources({ files: run.files }, ['Epix10ka2M'])).toEqual([SOURCE]);
    expect(existsSync(join(dir, 'swapped'))).toBe(true);
  }, 120_000);

  it('selects the gain-mode job only for Epix10ka-family detectors', () => {
    expect(wantsEpix10kaGainModes(['EPIX10KA2M'])).toBe(true);
    expect(wantsEpix10kaGainModes(['epix10kaquad', 'EPIX10KA'])).toBe(true);
    expect(wantsEpix10kaGainModes(['CSPAD'])).toBe(false);
    expect(() => wantsEpix10kaGainModes(['CSPAD', 'EPIX10KA2M'])).toThrow(ConfigError);
  });
});
