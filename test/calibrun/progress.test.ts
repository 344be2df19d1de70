import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgressRenderer, formatProgressLine, formatProgressStage } from '../../src/calibrun/progress.js';
import type { DarkProgress } from '../../src/pipeline/progress.js';
import { writeSyntheticRun } from '../../src/node/xtc-synthetic.js';
import { jungfrauDarkRunSpecs } from '../../src/synthetic/jungfrau-runs.js';
import { calibrunTree, runCalibrun } from './run-fixture.js';

/**
 * calibrun's progress line names the stage of a gain-mode dark job (Jungfrau's run of a gain stage, an
 * Epix10ka calib cycle), and a non-TTY log gets a line whenever the stage changes.
 */
const p: DarkProgress = { eventsRead: 512, eventsUsed: 500, eventsTarget: 1000, elapsedSec: 2, rate: 256, etaSec: 2 };

describe('the stage in the progress line', () => {
  it('Jungfrau: the run of the gain stage, 1-based among the runs, with its stage name once known', () => {
    const stage = { kind: 'gain-run', index: 1, count: 3, run: 22 } as const;
    expect(formatProgressStage(stage)).toBe('run 22 (gain stage 2/3)');
    expect(formatProgressLine({ ...p, stage: { ...stage, mode: 'Med-01' } })).toBe('run 22 (gain stage 2/3, Med-01): events 500/1000 (read 512) 256.0 ev/s ETA 00:02');
    expect(formatProgressStage({ ...stage, mode: 'Med-01', finished: true })).toBe('run 22 (gain stage 2/3, Med-01, done)');
  });

  it('Epix10ka: the calib cycle among the dark cycles, its gain mode and the source', () => {
    const stage = { kind: 'calib-cycle', index: 2, count: 5, source: 'XcsEndstation.0:Epix10ka.1' } as const;
    expect(formatProgressStage(stage)).toBe('calibcycle 3/5 (XcsEndstation.0:Epix10ka.1)');
    expect(formatProgressLine({ ...p, stage: { ...stage, mode: 'FL' } })).toBe(
      'calibcycle 3/5 (FL, XcsEndstation.0:Epix10ka.1): events 500/1000 (read 512) 256.0 ev/s ETA 00:02',
    );
    expect(formatProgressStage({ kind: 'calib-cycle', index: 0, count: 7, mode: 'FH', finished: true })).toBe('calibcycle 1/7 (FH, done)');
  });

  it('a single-gain pass keeps the plain line', () => {
    expect(formatProgressLine(p)).toBe('events 500/1000 (read 512) 256.0 ev/s ETA 00:02');
  });

  it('a log (not a TTY) gets a line at each change of stage, however soon, and the interval otherwise', () => {
    const out: string[] = [];
    const r = createProgressRenderer({ write: (s: string) => out.push(s) }, { intervalSec: 5 });
    const stage = (index: number, extra: object = {}) => ({ kind: 'gain-run', index, count: 2, run: 21 + index, mode: ['Normal-00', 'Med-01'][index], ...extra }) as const;
    r.update({ ...p, elapsedSec: 0.1, stage: stage(0) });
    r.update({ ...p, elapsedSec: 0.2, stage: stage(0) }); // same stage within the interval: not shown
    r.update({ ...p, elapsedSec: 0.3, stage: stage(0, { finished: true }) });
    r.update({ ...p, elapsedSec: 0.4, stage: stage(1) });
    r.update({ ...p, elapsedSec: 0.5, stage: stage(1) });
    r.update({ ...p, elapsedSec: 0.6, done: true });
    r.end();
    expect(out.map((l) => l.replace(/: events.*\n$/, '').replace(/^events.*done in.*\n$/, 'done'))).toEqual([
      'run 21 (gain stage 1/2, Normal-00)',
      'run 21 (gain stage 1/2, Normal-00, done)',
      'run 22 (gain stage 2/2, Med-01)',
      'done',
    ]);
  });
});

describe('calibrun -d JUNGFRAU -r 21,22,23 on stderr (not a TTY)', () => {
  const tree = calibrunTree('calibrun-progress-', 'XPP', 'xpptut15');
  const SOURCE = 'XppEndstation.0:Jungfrau.0';
  beforeAll(async () => {
    const specs = jungfrauDarkRunSpecs({ experiment: 'e1234', runs: [21, 22, 23], events: 6, seed: 5, detector: { source: SOURCE, jungfrau: { modules: 1 } } });
    for (const s of specs) await writeSyntheticRun(tree.xtcDir, s);
  }, 120_000);
  afterAll(() => tree.remove());

  it('prints the start and the end of each gain-stage run with its stage, then the total', async () => {
    const d = tree.dirs('p');
    const r = await runCalibrun(['-e', 'xpptut15', '-r', '21,22,23', '-d', 'JUNGFRAU', '--root', tree.root, '-w', d.work, '-c', d.calib, '-n', '6', '-P'], { cwd: tree.tmp });
    expect(r.code, r.err).toBe(0);
    const lines = r.err.split('\n').filter((l) => l.includes('events'));
    const stages = ['Normal-00', 'Med-01', 'Low-11'];
    for (const [k, run] of [21, 22, 23].entries()) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^run ${run} \\(gain stage ${k + 1}/3, ${stages[k]}\\): events \\d+/18 `)));
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^run ${run} \\(gain stage ${k + 1}/3, ${stages[k]}, done\\): events ${6 * (k + 1)}/18 \\(read ${6 * (k + 1)}\\)`)));
    }
    expect(lines.at(-1)).toMatch(/^events 18\/18 \(read 18\) .* done in /);
  }, 120_000);
});
