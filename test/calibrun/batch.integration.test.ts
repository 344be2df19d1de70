import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrunMain } from '../../src/cli/calibrun/main.js';
import { batchSubmitter } from '../../src/cli/calibrun/batch.js';
import { defaultEngines } from '../../src/calibrun/engines.js';
import { SlurmClient, listJobRecords, waitForJob } from '../../src/jobs/index.js';
import { writeSyntheticRun } from '../../src/node/xtc-synthetic.js';

/** `calibrun -q <partition>` on a real SLURM (skipped when none answers; see .ci/setup-slurm.sh). */
const partition = process.env.CALIBMAN_TEST_PARTITION || undefined;
const slurm = new SlurmClient();
const check = await slurm.check(partition);
const tmp = mkdtempSync(path.join(tmpdir(), 'calibrun-batch-'));

afterAll(async () => {
  for (const r of await listJobRecords(path.join(tmp, 'work')).catch(() => [])) {
    const ids = r.submissions.flatMap((s) => [s.arrayJobId, s.mergeJobId]).filter((x): x is string => !!x);
    await slurm.scancel(ids).catch(() => undefined);
  }
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!check.ok)('calibrun -q (SLURM)', () => {
  it('splits the run into 3 array tasks, merges and deploys exactly what a local pass deploys', async () => {
    const root = path.join(tmp, 'root');
    await writeSyntheticRun(path.join(root, 'MFX', 'mfx12345', 'xtc'), {
      experiment: 'mfx12345',
      run: 5,
      events: 30,
      streams: 2,
      detectors: [
        { type: 'OPAL1000', width: 16, height: 12, hotFraction: 0.02 },
        { type: 'CSPAD2x2', deadFraction: 0.002 },
      ],
    });
    const run = async (work: string, calib: string, extra: string[]) => {
      let out = '';
      const code = await calibrunMain(
        ['-e', 'mfx12345', '-r', '5', '-d', 'Opal1000,CSPAD2x2', '--root', root, '-w', work, '-c', calib, '-P', '-D', '-n', '25', '--nrecs1', '8', ...extra],
        {
          stdout: { write: (s: string) => (out += s) },
          stderr: { write: () => true },
          env: {},
          cwd: tmp,
          engines: defaultEngines(),
          submitBatch: batchSubmitter(slurm, {}, { pollMs: 500, progress: () => undefined }),
        },
      );
      return { code, out };
    };
    const local = await run(path.join(tmp, 'work-local'), path.join(tmp, 'calib-local'), []);
    expect(local.code).toBe(0);
    const work = path.join(tmp, 'work');
    const calib = path.join(tmp, 'calib');
    const batch = await run(work, calib, ['-q', partition ?? 'debug', '--pieces', '3']);
    expect(batch.code).toBe(0);
    const id = /Submitted batch job (\S+)/.exec(batch.out)![1];
    const record = await waitForJob(work, id, { pollMs: 500, timeoutMs: 10_000, slurm });
    expect(record.phase).toBe('completed');
    expect(record.pieces).toHaveLength(3);
    for (const [group, src] of [
      ['Camera::CalibV1', 'XppEndstation.0:Opal1000.0'],
      ['CsPad2x2::CalibV1', 'MecTargetChamber.0:Cspad2x2.1'],
    ]) {
      for (const t of ['pedestals', 'pixel_rms', 'pixel_status']) {
        const rel = path.join(group, src, t);
        expect(readdirSync(path.join(calib, rel)).sort()).toEqual(['5-end.data', 'HISTORY']);
        const data = (dir: string) => dataLines(readFileSync(path.join(dir, rel, '5-end.data'), 'utf8'));
        expect(data(calib)).toEqual(data(path.join(tmp, 'calib-local')));
      }
    }
  }, 240_000);
});

/** The numbers of a psana text file (header comments carry paths and times, which differ). */
function dataLines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
}
