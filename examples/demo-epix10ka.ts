/**
 * The Epix10ka part of `npm run demo`: a generated Epix10ka2M calibration run (five calib cycles, one per
 * gain mode FH, FM, FL, AHL, AML; a few events each), processed into psana's seven-range constants and
 * deployed as `calibrun -d EPIX10KA2M -P -D` does, with a report section per measured gain mode.
 */
import * as path from 'node:path';
import {
  type DarkReportSection,
  EPIX10KA_GAIN_MODES,
  darkReportSection,
  ndarrayOf,
  openCalibStore,
  runEpix10kaCalibration,
  writeEpix10kaWorkFiles,
  writeSyntheticRun,
} from 'calibman/node';

/** What the Epix10ka demo produced. */
export interface Epix10kaDemoResult {
  files: string[];
  workFiles: string[];
  sections: DarkReportSection[];
  lines: string[];
}

/** Write, process and deploy an Epix10ka2M calibration run of the demo experiment. */
export async function epix10kaDemo(o: { out: string; experiment: string; expnum: number; xtcDir: string; calibDir: string; eventsPerCycle: number }): Promise<Epix10kaDemoResult> {
  const run = 31;
  const source = 'CxiDs2.0:Epix10ka2M.0';
  const written = await writeSyntheticRun(o.xtcDir, {
    experiment: `e${o.expnum}`,
    run,
    events: 5 * o.eventsPerCycle,
    calibCycles: 5,
    seed: 9,
    detectors: [{ type: 'EPIX10KA2M', source, noise: { mean: 4, spread: 0.3 }, deadFraction: 0.0002, hotFraction: 0.0002, hotFactor: 30 }],
  });
  const r = await runEpix10kaCalibration({ open: { files: written.files }, detectors: ['EPIX10KA2M'] });
  const res = r.sources[0];
  const work = await writeEpix10kaWorkFiles(r.sources, { resultsDir: path.join(o.out, 'work', 'results'), prefix: 'clb-', experiment: o.experiment, run });
  const f = work.get(source)!;
  const store = await openCalibStore(o.calibDir, { experiment: o.experiment });
  const deployed = await store.deployAll(
    (
      [
        ['pedestals', f.ave],
        ['pixel_rms', f.rms],
        ['pixel_status', f.sta],
      ] as const
    ).map(([type, srcFile]) => ({ srcFile, source, type, runRange: `${run}-end`, comment: 'calibrun-dark', run, experiment: o.experiment })),
  );
  const c = res.constants;
  const lines = [
    `${source}: ${res.cycles.length} calib cycles, constants (${c.shape.join(',')}), ${deployed.length} files deployed as ${run}-end`,
    ...c.modes.map((m) => {
      const how = m.origin === 'calib-cycle' ? `calib cycle ${m.calibCycle}, ${m.frames} frames` : `${m.origin} (psana's defaults: no charge-injection constants)`;
      return `  ${m.mode.padEnd(5)} ${how}: mean pedestal ${m.meanPedestal.toFixed(1)} ADU, mean rms ${m.meanRms.toFixed(2)} ADU, ${m.badPixels} bad pixels`;
    }),
  ];
  const model = written.truth.detectors[0];
  const n = model.kind.length;
  const shape = [16, 352, 384];
  const sections = [0, 1, 2, 3, 4].map((m) => {
    const part = (a: Float32Array) => ndarrayOf(a.slice(m * n, (m + 1) * n), shape);
    return darkReportSection(
      {
        source: `${source} ${EPIX10KA_GAIN_MODES[m]} (calib cycle ${m})`,
        detector: 'EPIX10KA2M',
        frames: c.modes[m].frames,
        shape,
        pedestals: part(c.pedestals),
        pixelRms: part(c.rms),
        pixelStatus: part(c.status),
      },
      { truth: { pedestals: model.epix10ka!.pedestals[m], noise: model.epix10ka!.noise[m], kind: model.kind }, deployed: deployed.map((d) => d.target) },
    );
  });
  return { files: written.files, workFiles: [f.ave, f.rms, f.sta], sections, lines };
}
