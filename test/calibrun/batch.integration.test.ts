import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
  it('processes in one job and deploys in a dependent one', async () => {
    const root = path.join(tmp, 'root');
    await writeSyntheticRun(path.join(root, 'MFX', 'mfx12345', 'xtc'), {
      experiment: 'mfx12345',
      run: 5,
      events: 12,
      detectors: [{ type: 'OPAL1000', width: 16, height: 12 }],
    });
    const work = path.join(tmp, 'work');
    const calib = path.join(tmp, 'calib');
    let out = '';
    const code = await calibrunMain(
      ['-e', 'mfx12345', '-r', '5', '-d', 'Opal1000', '--root', root, '-w', work, '-c', calib, '-P', '-D', '-n', '10', '--nrecs1', '5', '-q', partition ?? 'debug'],
      {
        stdout: { write: (s: string) => (out += s) },
        stderr: { write: () => true },
        env: {},
        cwd: tmp,
        engines: defaultEngines(),
        submitBatch: batchSubmitter(slurm, {}),
      },
    );
    expect(code).toBe(0);
    const id = /Submitted batch job (\S+)/.exec(out)![1];
    expect(existsSync(path.join(calib))).toBe(false);
    const done = await waitForJob(work, id, { pollMs: 500, timeoutMs: 120_000, slurm });
    expect(done.phase).toBe('completed');
    const typeDir = path.join(calib, 'Camera::CalibV1', 'XppEndstation.0:Opal1000.0');
    expect(readdirSync(typeDir).sort()).toEqual(['pedestals', 'pixel_rms', 'pixel_status']);
    for (const t of ['pedestals', 'pixel_rms', 'pixel_status']) expect(readdirSync(path.join(typeDir, t)).sort()).toEqual(['5-end.data', 'HISTORY']);
  });
});
