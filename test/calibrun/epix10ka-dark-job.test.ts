import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrunMain, type CalibrunMainIO } from '../../src/cli/calibrun/main.js';
import { defaultEngines } from '../../src/calibrun/engines.js';
import { runEpix10kaCalibration, writeEpix10kaWorkFiles } from '../../src/calibrun/epix10ka-dark.js';
import { CalibManager } from '../../src/facade/calib-manager.js';
import { parseNdarrayTextBytes } from '../../src/io/ndarray-text.js';
import { writeSyntheticRun, type WrittenSyntheticRun } from '../../src/node/xtc-synthetic.js';
import { PixelKind } from '../../src/synthetic/model.js';

/**
 * The Epix10ka gain-mode dark job registered with the pipeline: `CalibManager.runDark` + `deploy` and
 * `calibrun -d EPIX10KA2M -P -D` run the same job on a generated Epix10kaQuad calibration run (five calib
 * cycles, one per gain mode) and deploy the same bytes (but the `DATE_TIME` header line); `-d EPIX10KAQUAD` and `-D` without `-P` work.
 */
const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-epix10ka-job-'));
const root = path.join(tmp, 'root');
const xtcDir = path.join(root, 'XCS', 'xcsx35617', 'xtc');
const SRC = 'XcsEndstation.0:Epix10kaQuad.0';
const GROUP = 'Epix10kaQuad::CalibV1';
const TYPES = ['pedestals', 'pixel_rms', 'pixel_status'] as const;
let run: WrittenSyntheticRun;

beforeAll(async () => {
  run = await writeSyntheticRun(xtcDir, {
    experiment: 'e977',
    run: 12,
    events: 5 * 4,
    calibCycles: 5,
    seed: 5,
    detectors: [{ type: 'EPIX10KAQUAD', source: SRC, noise: { mean: 4, spread: 0.2 }, deadFraction: 0.001, epix10ka: { autoSwitchFraction: 0 } }],
  });
}, 180_000);
afterAll(() => (process.env.KEEP_TMP ? undefined : rmSync(tmp, { recursive: true, force: true })));

async function calibrun(argv: string[]) {
  let out = '';
  let err = '';
  const io: CalibrunMainIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: tmp, engines: defaultEngines() };
  const code = await calibrunMain(argv, io);
  return { code, out, err };
}

/** File bytes without the `# DATE_TIME` header line (the one line that differs between two runs of a job). */
const undated = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/^# DATE_TIME .*\n/m, ''), 'latin1');
const deployed = (calib: string, t: string) => path.join(calib, GROUP, SRC, t, '12-end.data');

describe('Epix10ka gain-mode dark job shared by the facade and calibrun', () => {
  it('CalibManager.runDark + deploy deploys the bytes calibrun -d EPIX10KA2M -P -D deploys', async () => {
    expect(run.files.map((f) => path.basename(f))).toEqual(['e977-r0012-s00-c00.xtc']);
    const work = path.join(tmp, 'work'); // shared: the work files' headers name their directory
    const calibA = path.join(tmp, 'calib-calibrun');
    const r = await calibrun(['-e', 'xcsx35617', '-r', '12', '-d', 'EPIX10KA2M', '--root', root, '-w', work, '-c', calibA, '-P', '-D']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Epix10ka gain-mode calibration');
    expect(r.out).toMatch(/calib cycle 4 AML-M: 4 frames collected/);

    const calibB = path.join(tmp, 'calib-facade');
    const cm = new CalibManager({ experiment: 'xcsx35617', detectors: ['EPIX10KA2M'], root, workDir: work, calibDir: calibB }, { env: {} });
    const job = await cm.runDark({ run: 12 });
    expect(job.sources.map((s) => [s.source, s.shape])).toEqual([[SRC, [7, 4, 352, 384]]]);
    // the planted dead pixels are flagged in the seven-range status
    const status = job.get(SRC).pixelStatus.data as Float32Array;
    const n = 4 * 352 * 384;
    expect(status.length).toBe(7 * n);
    const kind = run.truth.detectors[0].kind;
    let dead = 0;
    for (let i = 0; i < n; i++) {
      if (kind[i] !== PixelKind.Dead) continue;
      dead++;
      expect(status[i]).not.toBe(0);
    }
    expect(dead).toBeGreaterThan(0);
    // psana's merge-file layout: %.3f / %4i, no comment lines, and no max/min files
    const files = job.get(SRC).files;
    expect(Object.keys(files).sort()).toEqual(['ave', 'rms', 'sta']);
    const ave = readFileSync(files.ave!, 'utf8');
    expect(ave).not.toMatch(/^# DATASET/m);
    expect(ave.split('\n').find((l) => l && !l.startsWith('#'))).toMatch(/^\d+\.\d{3} /);
    expect(readFileSync(files.sta!, 'utf8').split('\n').find((l) => l && !l.startsWith('#'))).toMatch(/^ {0,3}\d+ +\d/);
    const results = await cm.deploy(job);
    expect(results).toHaveLength(3);
    for (const t of TYPES) {
      expect(existsSync(deployed(calibB, t))).toBe(true);
      expect(undated(readFileSync(deployed(calibB, t))).equals(undated(readFileSync(deployed(calibA, t)))), t).toBe(true);
    }
    // the port's writer gives the bytes of the Epix10ka calibration's own writer (PSCalib save_txt layout)
    const viaPort = [files.ave!, files.rms!, files.sta!].map((f) => undated(readFileSync(f)));
    const r0 = await runEpix10kaCalibration({ open: { files: run.files }, detectors: ['EPIX10KA2M'] });
    const own = (await writeEpix10kaWorkFiles(r0.sources, { resultsDir: path.join(work, 'results'), prefix: 'clb-', experiment: 'xcsx35617', run: 12 })).get(SRC)!;
    expect([own.ave, own.rms, own.sta]).toEqual([files.ave, files.rms, files.sta]);
    [own.ave, own.rms, own.sta].forEach((f, k) => expect(undated(readFileSync(f)).equals(viaPort[k])).toBe(true));
    const p = parseNdarrayTextBytes(new Uint8Array(readFileSync(deployed(calibB, 'pedestals'))), { dtype: 'float64' });
    expect([...p.array.shape]).toEqual([7, 4, 352, 384]);
  }, 300_000);

  it('-d EPIX10KAQUAD -P, then -D alone with EPIX10KAQUAD or EPIX10KA2M, deploys the quad\'s seven-range constants', async () => {
    const work = path.join(tmp, 'work-quad');
    const p = await calibrun(['-e', 'xcsx35617', '-r', '12', '-d', 'EPIX10KAQUAD', '--root', root, '-w', work, '-P']);
    expect(p.code, p.err).toBe(0);
    expect(p.out).toContain('Epix10ka gain-mode calibration');
    const reference = path.join(tmp, 'calib-calibrun'); // deployed by the first test from the same run
    for (const name of ['EPIX10KAQUAD', 'EPIX10KA2M']) {
      const calib = path.join(tmp, `calib-d-${name}`);
      const d = await calibrun(['-e', 'xcsx35617', '-r', '12', '-d', name, '--root', root, '-w', work, '-c', calib, '-D']);
      expect(d.code, `${name}: ${d.err}`).toBe(0);
      for (const t of TYPES) {
        const a = parseNdarrayTextBytes(new Uint8Array(readFileSync(deployed(calib, t))), { dtype: 'float64' }).array;
        const b = parseNdarrayTextBytes(new Uint8Array(readFileSync(deployed(reference, t))), { dtype: 'float64' }).array;
        expect([...a.shape], `${name} ${t}`).toEqual([7, 4, 352, 384]);
        expect(Buffer.from((a.data as Float64Array).buffer).equals(Buffer.from((b.data as Float64Array).buffer)), `${name} ${t}`).toBe(true);
      }
    }
  }, 300_000);
});
