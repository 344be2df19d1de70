import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CalibManager } from '../../src/facade/calib-manager.js';
import { writeSyntheticRun } from '../../src/node/xtc-synthetic.js';
import { frameGeometryText } from '../../src/geometry/defaults.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-gui-2p-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const root = path.join(tmp, 'data');
const workDir = path.join(tmp, 'work');
const OPAL = 'XppEndstation.0:Opal1000.0';
const repo = path.resolve(__dirname, '../..');

describe('a run deployed by one process, seen by a fresh CalibManager in another', () => {
  it('shows the run processed and deployed, its HISTORY, and pictures with the report pixels', async () => {
    // first process (this one): generate, run and deploy through the facade, plus a rotated geometry
    const written = await writeSyntheticRun(path.join(root, 'XPP', 'xpp12315', 'xtc'), {
      experiment: 'xpp12315',
      run: 7,
      events: 40,
      seed: 5,
      detectors: [{ type: 'OPAL1000', width: 40, height: 24, hotFraction: 0.02, deadFraction: 0.02 }],
    });
    const cm = new CalibManager({ experiment: 'xpp12315', detectors: ['Opal1000'], root, workDir, thresholds: { nrecs1: 20 } }, { env: {} });
    const job = await cm.runDark({ run: 7, numEvents: 40 });
    await cm.deploy(job);
    const geometry = path.join(tmp, 'rotated-geometry.txt');
    writeFileSync(geometry, frameGeometryText(24, 40).replace('MTRX:24:40:1:1 0 0 0 0 0 0 0', 'MTRX:24:40:1:1 0 0 0 0 90 0 0'));
    await cm.deployFile({ file: geometry, source: OPAL, type: 'geometry', runRange: '0-end' });

    // second process: a fresh CalibManager
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', path.join(repo, 'test/facade/gui-second-process.ts'), root, workDir, 'xpp12315', OPAL, '7'],
      { cwd: repo, maxBuffer: 1 << 24 },
    );
    const seen = JSON.parse(stdout);
    expect(seen.runs).toEqual([
      {
        run: 7,
        files: written.files.map((f) => [path.basename(f), statSync(f).size]),
        processed: { sources: [OPAL], kinds: ['ave', 'max', 'min', 'msk', 'rms', 'sta'] },
        deployed: [
          [OPAL, 'geometry', '0-end', false],
          [OPAL, 'pedestals', '7-end', true],
          [OPAL, 'pixel_rms', '7-end', true],
          [OPAL, 'pixel_status', '7-end', true],
        ],
      },
    ]);
    expect(seen.loadJob).toEqual({ pedestals: true, pixel_rms: true, pixel_status: true, files: ['ave', 'max', 'min', 'msk', 'rms', 'sta'] });
    expect(seen.history).toEqual([{ file: '7-end.data', comment: 'calibman-dark', run: '0007', exp: 'xpp12315' }]);
    // the deployed geometry turns the 40 × 24 frame by 90°: the pictures are 24 wide and 40 high
    expect(seen.pictures.map((p: { kind: string; width: number; height: number; equal: boolean }) => [p.kind, p.width, p.height, p.equal])).toEqual([
      ['pedestals', 24, 40, true],
      ['pixel_rms', 24, 40, true],
      ['pixel_status', 24, 40, true],
    ]);
    // the same picture from the job in memory (this process) has the same size and about the same range
    const here = await cm.picture(job, OPAL, 'pedestals');
    expect([here.width, here.height]).toEqual([24, 40]);
    expect(seen.pictures[0].range[0]).toBeCloseTo(here.range[0], 1);
    expect(seen.pictures[0].range[1]).toBeCloseTo(here.range[1], 1);
  }, 120_000);
});
