import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CalibManager } from '../../src/facade/calib-manager.js';
import { BatchJobEvent, batchDarkArgs, type BatchDarkJob } from '../../src/facade/batch-job.js';
import type { DarkLogEvent } from '../../src/facade/log-event.js';
import { ConfigError } from '../../src/errors.js';
import { SlurmClient, listJobRecords } from '../../src/jobs/index.js';
import { toCOrder } from '../../src/io/ndarray.js';
import { writeSyntheticRun } from '../../src/node/xtc-synthetic.js';

/** `runDark({ queue })` on a real SLURM (skipped when none answers; see .ci/setup-slurm.sh), as test/calibrun/batch.integration.test.ts. */
const partition = process.env.CALIBMAN_TEST_PARTITION || undefined;
const slurm = new SlurmClient();
const check = await slurm.check(partition);
const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-facade-batch-'));
const root = path.join(tmp, 'data');
const OPAL = 'XppEndstation.0:Opal1000.0';

afterAll(async () => {
  for (const r of await listJobRecords(path.join(tmp, 'work')).catch(() => [])) {
    const ids = r.submissions.flatMap((s) => [s.arrayJobId, s.mergeJobId]).filter((x): x is string => !!x);
    await slurm.scancel(ids).catch(() => undefined);
  }
  rmSync(tmp, { recursive: true, force: true });
});

const make = (workDir: string) =>
  new CalibManager({ experiment: 'xpp12345', detectors: ['Opal1000'], root, workDir, calibDir: path.join(tmp, 'calib'), thresholds: { nrecs1: 8 } }, { env: {} });
const values = (a: object) => Array.from(toCOrder(a as never) as ArrayLike<number>, Number);

describe('runDark with a queue: options', () => {
  it('rejects pieces without a queue and options a batch job cannot take, naming the field', async () => {
    const cm = make(path.join(tmp, 'w0'));
    await expect(cm.runDark({ run: 5, pieces: 3 })).rejects.toMatchObject({ field: 'pieces' });
    await expect(cm.runDark({ run: 5, queue: 'debug', files: ['/x.xtc'] })).rejects.toMatchObject({ field: 'files' });
    await expect(cm.runDark({ run: 5, queue: 'bad queue' })).rejects.toBeInstanceOf(ConfigError);
    expect(await cm.jobs()).toEqual([]);
  });

  it("gives the tasks calibrun's arguments with absolute paths and every threshold", () => {
    const args = batchDarkArgs({
      experiment: 'xpp12345', runs: [5, 6], detectors: ['Opal1000'], root: 'data', xtcDir: 'data/XPP/xpp12345/xtc', calibDir: 'calib', workDir: 'work',
      filePrefix: 'clb-', thresholds: { intLo: 1, intHi: 2, rmsLo: 3, rmsHi: 4, intNLo: 5, intNHi: 6, rmsNLo: 7, rmsNHi: 8, fracLm: 0.1, nrecs1: 9 },
      dirMode: 0o2775, fileMode: 0o664, numEvents: 20, skipEvents: 1, scanEvents: 10, npy: false, zeroPeds: false, queue: 'debug', pieces: 2, pollMs: 100,
    });
    expect(args.join(' ')).toBe(
      `-e xpp12345 -r 5,6 -d Opal1000 -w ${path.resolve('work')} -c ${path.resolve('calib')} --root ${path.resolve('data')} ` +
        `-x exp=xpp12345:run=5,6:dir=${path.resolve('data/XPP/xpp12345/xtc')} -n 20 -s 1 -m 10 -B 1 -T 2 -b 3 -t 4 -Z 5 -U 6 -z 7 -u 8 --nrecs1 9 ` +
        '--dirmode 02775 --filemode 0664 -P',
    );
  });
});

describe.skipIf(!check.ok)('runDark with a queue (SLURM)', () => {
  it('submits pieces + merge, follows them to the end and returns the constants a local job gives; jobs() lists it', async () => {
    await writeSyntheticRun(path.join(root, 'XPP', 'xpp12345', 'xtc'), {
      experiment: 'xpp12345',
      run: 5,
      events: 30,
      seed: 9,
      detectors: [{ type: 'OPAL1000', width: 16, height: 12, hotFraction: 0.03 }],
    });
    const local = await make(path.join(tmp, 'work-local')).runDark({ run: 5, numEvents: 25 });
    const cm = make(path.join(tmp, 'work'));
    const seen: BatchJobEvent[] = [];
    const logs: DarkLogEvent[] = [];
    cm.addEventListener('batch', (e) => seen.push(e));
    cm.addEventListener('log', (e) => logs.push(e));
    const job = (await cm.runDark({ run: 5, numEvents: 25, queue: partition ?? 'debug', pieces: 3, pollMs: 300 })) as BatchDarkJob;
    expect(job.batch.phase).toBe('completed');
    expect(job.batch.pieces).toHaveLength(3);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[0].record.phase).toBe('pending');
    expect(seen.at(-1)!.piecesDone).toBe(3);
    expect(logs[0].message).toMatch(new RegExp(`^Submitted batch job ${job.batch.id} to partition \\S+ \\(3 piece\\(s\\) \\+ merge\\)`));
    expect(logs.some((e) => e.message === `job ${job.batch.id}: pieces 3/3 done, merge completed`)).toBe(true);
    // the merged constants are the local pass's, and the work files are the local job's, byte for byte apart from the header
    const [b, l] = [job.get(OPAL), local.get(OPAL)];
    expect(values(b.pixelStatus)).toEqual(values(l.pixelStatus));
    expect(b.badPixels).toBeGreaterThan(0);
    for (const kind of ['ave', 'rms', 'sta'] as const) {
      const data = (f: string) => readFileSync(f, 'utf8').split('\n').filter((x) => x && !x.startsWith('#'));
      expect(data(b.files[kind]!)).toEqual(data(l.files[kind]!));
    }
    // deployable like a local job
    expect(cm.planDeploy(job).map((i) => i.calibType)).toEqual(['pedestals', 'pixel_rms', 'pixel_status']);
    const listed = await cm.jobs({ refresh: true });
    expect(listed.map((r) => [r.id, r.phase])).toEqual([[job.batch.id, 'completed']]);
    expect((await new CalibManager({ experiment: 'xpp12345', workDir: path.join(tmp, 'work') }, { env: {} }).jobs()).map((r) => r.id)).toEqual([job.batch.id]);
  }, 240_000);

  it('cancels the batch job when the signal aborts', async () => {
    const cm = make(path.join(tmp, 'work-abort'));
    const ctl = new AbortController();
    cm.addEventListener('batch', () => ctl.abort());
    const err = await cm.runDark({ run: 5, numEvents: 25, queue: partition ?? 'debug', pieces: 2, pollMs: 300 }, { signal: ctl.signal }).catch((e) => e);
    expect(err.name).toBe('AbortError');
    expect(err.message).toMatch(/^batch job \S+ cancelled/);
    const [rec] = await cm.jobs();
    expect([rec.phase, rec.cancelRequested]).toEqual(['cancelled', true]);
  }, 120_000);
});
