/**
 * A thin GUI's model, without the window: drives the CalibManager facade the way the original calibman
 * Dark tab does and prints what its panels would show — instrument and experiment choosers, the run list
 * (files, detectors, processed, deployed), a live run appearing, Go with progress, Stop, the quality check,
 * Deploy with its tentative commands, the Status panel, HISTORY, pictures ready to draw, and the File Manager
 * confirmation windows (dry runs). It makes its own demo-like experiment in a temp directory:
 *
 *   npx tsx examples/gui-model.ts            # CALIBMAN_GUI_MODEL_KEEP=1 keeps the temp directory
 */
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  CalibManager,
  CalibmanError,
  type RunRecord,
  formatProgressLine,
  formatShowCmd,
  writeSyntheticRun,
} from 'calibman/node';

const EXPERIMENT = 'xppdemo15';
const OTHER = 'xppprev14';
const OPAL = 'XppEndstation.0:Opal1000.0';

function say(text = ''): void {
  process.stdout.write(text + '\n');
}

function runLine(r: RunRecord): string {
  const detectors = r.detectors ? r.detectors.map((d) => d.detectorType ?? d.source).join(',') : '(not scanned)';
  const processed = r.status.processed ? `processed ${r.status.processed.sources.length} source(s)` : 'not processed';
  const deployed = r.status.deployed.length
    ? r.status.deployed.map((d) => `${d.type} ${d.validity}${d.fromThisRun ? '*' : ''}`).join(', ')
    : 'nothing deployed applies';
  return `  run ${String(r.run).padStart(4)}  ${String(r.files.length).padStart(2)} file(s) ${String(r.bytes).padStart(9)} B` +
    `${r.inProgress ? '  IN PROGRESS' : ''}  ${detectors}  ${processed}  ${deployed}`;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-gui-model-'));
  const root = path.join(tmp, 'data');
  const xtcDir = path.join(root, 'XPP', EXPERIMENT, 'xtc');
  const detectors = [{ type: 'OPAL1000', width: 48, height: 32, hotFraction: 0.01, deadFraction: 0.01 }];
  try {
    // ---- the experiment on disk: dark runs 7 and 8, an older experiment with deployed constants
    await writeSyntheticRun(xtcDir, { experiment: EXPERIMENT, run: 7, events: 60, seed: 1, detectors });
    await writeSyntheticRun(xtcDir, { experiment: EXPERIMENT, run: 8, events: 3000, seed: 2, detectors });
    const other = new CalibManager({ experiment: OTHER, detectors: ['Opal1000'], root, workDir: path.join(tmp, 'work-other'), thresholds: { nrecs1: 20 } }, { env: {} });
    await writeSyntheticRun(other.xtcDir, { experiment: OTHER, run: 3, events: 40, seed: 3, detectors });
    await other.deploy(await other.runDark({ run: 3, numEvents: 40 }));

    const cm = new CalibManager({ experiment: EXPERIMENT, root, workDir: path.join(tmp, 'work'), thresholds: { nrecs1: 20 } }, { env: {} });

    // ---- selection panel
    say('== Instrument / experiment');
    say(`instruments: ${(await cm.instruments()).map((i) => i.name).join(' ')}`);
    for (const g of (await cm.experiments('XPP')).byYear) say(`  ${g.year ?? 'other'}: ${g.experiments.join(' ')}`);
    cm.selectDetectors(['Opal1000']);
    say(`selected: ${cm.experiment}, detectors ${cm.config.detectors.join(', ')}`);

    // ---- run list, then a live run appearing while the list is watched
    say('\n== Runs');
    for (const r of await cm.runs({ scan: true })) say(runLine(r));
    const watching = new AbortController();
    cm.addEventListener('runs', (e) => say(`(runs event: ${e.change.added.length} new, ${e.change.changed.length} changed)`));
    const watcher = (async () => {
      for await (const change of cm.watchRuns({ signal: watching.signal, intervalMs: 50 })) {
        for (const r of change.added) say(`new run: ${runLine(r).trim()}`);
        if (change.added.length) watching.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 120));
    // the DAQ starts run 9: its `.inprogress` file appears (written aside here, then moved in at once)
    const live = await writeSyntheticRun(path.join(tmp, 'daq'), { experiment: EXPERIMENT, run: 9, events: 5, seed: 4, detectors }, { inProgress: true });
    for (const f of live.files) renameSync(f, path.join(xtcDir, path.basename(f)));
    await watcher;

    // ---- the log panel: every step of a job or deployment (first line of each record here)
    cm.addEventListener('log', (e) => say(`log [${e.level}] ${e.time.toISOString().slice(11, 19)} ${e.message.split('\n').find((l) => !/^-+$/.test(l))}`));

    // ---- Go on run 7 with progress
    say('\n== Go (run 7)');
    const job = await cm.runDark({ run: 7, numEvents: 60 }, { onProgress: (p) => p.done && say(`progress: ${formatProgressLine(p)}`) });
    for (const s of job.sources) say(`  ${s.source}: ${s.frames} frames, shape (${s.shape.join(',')}), ${s.badPixels} bad pixels`);

    // ---- Go on run 8, then Stop
    say('\n== Go (run 8), then Stop');
    const stop = new AbortController();
    try {
      await cm.runDark({ run: 8, numEvents: 3000 }, { signal: stop.signal, onProgress: () => stop.abort() });
      say('run 8 finished before Stop');
    } catch (err) {
      say(`stopped: ${stop.signal.aborted ? 'yes' : 'no'} (${(err as Error).name})`);
    }

    // ---- quality check and Deploy
    say('\n== Check and Deploy (run 7)');
    for (const q of await cm.checkQuality(job)) say(`  ${q.calibType}: ${q.current ? `compared with ${path.basename(q.current)}` : 'nothing deployed yet'}, ${q.newValidation.count} values`);
    const plan = await cm.deploy(job, { dryRun: true });
    say(formatShowCmd(plan.flatMap((r) => r.operations).filter((o) => o.op === 'copy')));
    const deployed = await cm.deploy(job);
    say(`deployed ${deployed.length} file(s)`);

    // ---- Status panel, HISTORY
    say('\n== Status');
    for (const r of await cm.runs()) say(runLine(r));
    for (const t of await cm.deployed(OPAL, { run: 7 })) say(`  ${t.type}: ${t.files.map((f) => f.name).join(' ')}; run 7 uses ${t.forRun?.file}`);
    say('\n== HISTORY pedestals');
    for (const h of await cm.history(OPAL, 'pedestals')) say(`  ${h.file} ${h.comment} run ${h.fields.run} by ${h.fields.user}`);

    // ---- after a restart: a fresh manager rebuilds the job from its work files (Deploy and checks work again)
    say('\n== After a restart');
    const again = await new CalibManager({ experiment: EXPERIMENT, root, workDir: path.join(tmp, 'work') }, { env: {} }).loadJob(7);
    for (const s of again.sources) say(`  loaded ${s.source}: ${s.frames} frames, ${s.badPixels} bad pixels, files ${Object.keys(s.files).join(' ')}`);
    say(`  batch jobs recorded: ${(await cm.jobs()).length}`);

    // ---- pictures
    say('\n== Pictures');
    for (const kind of ['pedestals', 'pixel_rms', 'pixel_status'] as const) {
      const p = await cm.picture(job, OPAL, kind);
      say(`  ${kind}: ${p.width}x${p.height} px, range ${p.range.map((v) => v.toFixed(2)).join(' … ')} ${p.unit}, ${p.colorbar.type} colour bar`);
    }
    const spectrum = await cm.spectrum(job, OPAL, 'pixel_rms');
    say(`  rms spectrum: ${spectrum.histogram.counts.length} bins, limits ${spectrum.markers.map((m) => m.x.toFixed(2)).join(' … ')} ADU`);

    // ---- File Manager dry runs (the confirmation windows)
    say('\n== File Manager (dry runs)');
    const file = deployed[0].target;
    const show = (name: string, r: { confirmation: { title: string; text: string; commands: readonly string[] } }) =>
      say(`[${name}] ${r.confirmation.title}\n  ${r.confirmation.text.replace(/\n/g, '\n  ')}${r.confirmation.commands.length > 1 ? '\n  ' + r.confirmation.commands.join('\n  ') : ''}`);
    show('copy', await cm.copyFile({ from: file, runRange: '20-end', dryRun: true }));
    show('move', await cm.moveFile({ from: file, runRange: '7-19', dryRun: true }));
    show('delete', await cm.deleteFile({ path: file, dryRun: true }));
    show('deploy file', await cm.deployFile({ file: job.sources[0].files.ave!, source: OPAL, type: 'pedestals', runRange: '9-end', dryRun: true }));
    show('group copy', await cm.groupCopy({ fromExperiment: OTHER, fromRun: 3, runRange: '30-end', dryRun: true }));
  } finally {
    if (process.env.CALIBMAN_GUI_MODEL_KEEP) say(`\nkept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof CalibmanError ? err.message : (err as Error).stack}\n`);
  process.exitCode = 1;
});
