import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as core from '../../../src/index.js';
import type { DarkEngines, DarkProgress } from '../../../src/index.js';
import { writeSyntheticRun, type WrittenSyntheticRun } from '../../../src/node/xtc-synthetic.js';

/**
 * The Jungfrau gain-mode dark job is part of the platform-neutral core: the package root alone registers it,
 * and it runs over in-memory bytes on the core reader (`xtcRunFromBytes`, as in a browser) with the constants,
 * stage reports and progress of the Node facade.
 */
const SOURCE = 'XppEndstation.0:Jungfrau.0';
const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-jungfrau-job-'));
const RUNS: [number, number, number] = [21, 22, 23];
const written: WrittenSyntheticRun[] = [];

beforeAll(async () => {
  const specs = core.jungfrauDarkRunSpecs({ experiment: 'e1234', runs: RUNS, events: 8, seed: 7, detector: { source: SOURCE, jungfrau: { modules: 1 } }, wrongModeEvents: [[], [3], []] });
  for (const s of specs) written.push(await writeSyntheticRun(path.join(tmp, 'xtc'), s));
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the Jungfrau gain-mode dark job on the core entry', () => {
  it('is exported by the package root', () => {
    expect(core.JUNGFRAU_DARK_JOB.handles(['JUNGFRAU'])).toBe(true);
    expect(core.JUNGFRAU_DARK_JOB.handles(['CSPAD'])).toBe(false);
  });

  it('runs over in-memory bytes on the core reader, registered by the core entry alone, as the Node facade does', async () => {
    const inputs = new Map(written.map((w, k) => [RUNS[k], w.files.map((f) => ({ name: `memory/${path.basename(f)}`, bytes: new Uint8Array(readFileSync(f)) }))]));
    const opened: number[] = [];
    const engines: DarkEngines = {
      async openRun(req) {
        opened.push(req.run!);
        return core.xtcRunFromBytes(inputs.get(req.run!)!);
      },
      createAccumulator: (t, shape) => core.darkSourceAccumulator(t, shape),
    };
    const seen: DarkProgress[] = [];
    const job = await core.runDarkJob(
      {
        pass: { open: { experiment: 'xpptut15' }, runs: [21, 22, 23], detectors: ['JUNGFRAU'], numEvents: 1000, thresholds: core.fillDarkThresholds({}), onProgress: (p) => seen.push(p) },
        threads: 1,
      },
      { engines },
    );
    expect(opened).toEqual([21, 22, 23]);
    const s = job.pass.sources[0];
    expect([s.source, ...s.shape]).toEqual([SOURCE, 3, 1, 512, 1024]);
    expect(core.jungfrauStagesOf(s)!.map((r) => [r.run, r.stage, r.framesAccepted, r.wrongModeFrames])).toEqual([
      [21, 0, 8, 0],
      [22, 1, 7, 1],
      [23, 2, 8, 0],
    ]);
    expect(seen.filter((p) => p.stage?.finished).map((p) => [p.stage!.run, p.stage!.mode])).toEqual([
      [21, 'Normal-00'],
      [22, 'Med-01'],
      [23, 'Low-11'],
    ]);

    // the Node facade (loaded only now, so the registration above came from the core entry) on the files on disk
    const { CalibManager } = await import('../../../src/facade/calib-manager.js');
    const cm = new CalibManager(
      { experiment: 'xpptut15', detectors: ['JUNGFRAU'], xtcDir: path.join(tmp, 'xtc'), workDir: path.join(tmp, 'work'), calibDir: path.join(tmp, 'calib') },
      { env: {} },
    );
    const node = (await cm.runDark({ run: [21, 22, 23], write: false })).get(SOURCE);
    const bytes = (x: ArrayBufferView) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
    for (const [a, b] of [
      [s.arrays.pedestals, node.pedestals],
      [s.arrays.pixel_rms, node.pixelRms],
      [s.arrays.pixel_status, node.pixelStatus],
    ] as const) {
      expect([...a.shape]).toEqual([3, 1, 512, 1024]);
      expect(bytes(a.data).equals(bytes(b.data))).toBe(true);
    }
  }, 120_000);
});
