/**
 * Dark-run calibration from a script with the CalibManager facade.
 *
 *   npx tsx examples/dark-run.ts                      # generates a small synthetic run in a temp dir
 *   npx tsx examples/dark-run.ts <root> <exp> <run> [detector…]   # a real data root, e.g. /sdf/data/lcls/ds
 *
 * Steps: choose experiment and detectors, list the runs on disk, scan a run's sources, process the dark
 * run with a progress line (Ctrl-C aborts cleanly), look at the constants, compare them with what the calib
 * directory holds, then deploy.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CalibManager, CalibmanError, formatProgressLine, toCOrder, writeSyntheticRun } from 'calibman/node';

async function main(): Promise<void> {
  let [root, experiment, runText, ...detectors] = process.argv.slice(2);
  let workDir = './work';
  let calibDir: string | undefined;
  if (!root) {
    const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-example-'));
    root = path.join(tmp, 'data');
    experiment = 'xpptut15';
    runText = '54';
    detectors = ['CSPAD2x2', 'Opal1000'];
    workDir = path.join(tmp, 'work');
    calibDir = path.join(tmp, 'calib');
    console.log(`generating a synthetic dark run under ${root}`);
    await writeSyntheticRun(path.join(root, 'XPP', experiment, 'xtc'), {
      experiment,
      run: Number(runText),
      events: 60,
      detectors: [{ type: 'CSPAD2x2', hotFraction: 0.001 }, { type: 'OPAL1000', width: 128, height: 96 }],
    });
  }

  const cm = new CalibManager({ experiment, detectors, root, workDir, ...(calibDir ? { calibDir } : {}) });
  console.log(`experiment ${cm.experiment} (${cm.instrument}); xtc ${cm.xtcDir}; calib ${cm.calibDir}`);
  console.log(`runs on disk: ${(await cm.listRuns()).join(', ')}`);

  const run = Number(runText);
  for (const s of await cm.scanSources(run)) console.log(`  source ${s.source}  ${s.detectorType ?? ''}`);

  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  cm.addEventListener('progress', (e) => process.stderr.write(`\r${formatProgressLine(e.progress)}   `));
  const job = await cm.runDark({ run, numEvents: 50 }, { signal: ac.signal });
  process.stderr.write('\n');

  for (const s of job.sources) {
    const peds = toCOrder(s.arrays.pedestals);
    let sum = 0;
    for (let i = 0; i < peds.length; i++) sum += Number(peds[i]);
    console.log(
      `${s.source}: ${s.frames} frames, shape (${s.shape.join(',')}), mean pedestal ${(sum / peds.length).toFixed(2)} ADU, ` +
        `${s.badPixels} bad pixels; work files ${Object.values(s.files).length}`,
    );
  }

  for (const q of await cm.checkQuality(job)) {
    console.log(`${q.source} ${q.calibType}: ${q.current ? `compared with ${q.current}` : 'nothing deployed yet for this run'}`);
  }

  const deployed = await cm.deploy(job);
  for (const d of deployed) console.log(`deployed ${d.target}`);
}

main().catch((err) => {
  console.error(err instanceof CalibmanError ? `error: ${err.message}` : err);
  process.exitCode = 1;
});
