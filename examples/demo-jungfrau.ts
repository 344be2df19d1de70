/**
 * The Jungfrau part of `npm run demo`: three dark runs of a one-module Jungfrau (Normal, ForcedGain1,
 * ForcedGain2; one frame of the ForcedGain1 run taken in another gain stage), processed and deployed as
 * `calibrun -d JUNGFRAU -r 21,22,23 -P -D` does, with a report section per gain stage.
 */
import * as path from 'node:path';
import {
  CalibManager,
  type DarkReportSection,
  darkReportSection,
  defaultGeometryFor,
  jungfrauDarkRunSpecs,
  jungfrauStagesOf,
  ndarrayOf,
  toCOrder,
  writeSyntheticRun,
  type WrittenSyntheticRun,
} from 'calibman/node';

/** What the Jungfrau demo produced. */
export interface JungfrauDemoResult {
  files: string[];
  calibDir: string;
  sections: DarkReportSection[];
  lines: string[];
}

/** Write, process and deploy the Jungfrau gain-stage set of the demo experiment. */
export async function jungfrauDemo(o: { out: string; experiment: string; expnum: number; xtcDir: string; events: number }): Promise<JungfrauDemoResult> {
  const runs: [number, number, number] = [21, 22, 23];
  const specs = jungfrauDarkRunSpecs({
    experiment: `e${o.expnum}`,
    runs,
    events: o.events,
    seed: 5,
    detector: { source: 'CxiEndstation.0:Jungfrau.0', hotFraction: 0.0005, deadFraction: 0.0005, jungfrau: { modules: 1, badSwitchFraction: 0.0001 } },
    wrongModeEvents: [[], [3], []],
  });
  const written: WrittenSyntheticRun[] = [];
  for (const s of specs) written.push(await writeSyntheticRun(o.xtcDir, s));
  const cm = new CalibManager({
    experiment: o.experiment,
    detectors: ['Jungfrau'],
    root: o.out,
    workDir: path.join(o.out, 'work'),
    thresholds: { nrecs1: Math.min(50, o.events - 2) },
  });
  const job = await cm.runDark({ run: [...runs], numEvents: o.events });
  const deployed = await cm.deploy(job);
  const src = job.sources[0];
  const stages = jungfrauStagesOf(src) ?? [];
  const model = written[0].truth.detectors[0];
  const n = model.kind.length;
  const geometry = defaultGeometryFor('jungfrau05m');
  const lines = [`${src.source}: constants (${src.shape.join(',')}) from runs ${runs.join(', ')}, ${deployed.length} files deployed as ${runs[0]}-end`];
  const sections = stages.map((st) => {
    const g = st.stage;
    const jf = written[g].truth.detectors[0].jungfrau!;
    const stage = (a: typeof src.arrays.pedestals) => {
      const d = toCOrder(a) as ArrayLike<number | bigint>;
      return ndarrayOf(Float64Array.from({ length: n }, (_, i) => Number(d[g * n + i])), [1, 512, 1024]);
    };
    lines.push(
      `  run ${st.run} ${st.gainModeName.padEnd(11)} gain stage ${g}: ${st.framesAccepted} frames used, ${st.wrongModeFrames} rejected in another gain stage, ` +
        `${st.badPixels} bad pixels (${st.badSwitchPixels} with a bad gain switch, status 64)`,
    );
    return darkReportSection(
      {
        source: `${src.source} gain stage ${g} (run ${st.run}, ${st.gainModeName})`,
        detector: 'JUNGFRAU',
        frames: st.framesAccepted,
        shape: [1, 512, 1024],
        pedestals: stage(src.arrays.pedestals),
        pixelRms: stage(src.arrays.pixel_rms),
        pixelStatus: stage(src.arrays.pixel_status),
      },
      { truth: { pedestals: jf.pedestals[g], noise: jf.noise[g], kind: model.kind }, thresholds: cm.thresholds, geometry, deployed: deployed.map((d) => d.target) },
    );
  });
  return { files: written.flatMap((w) => w.files), calibDir: cm.calibDir, sections, lines };
}
