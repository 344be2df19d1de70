import { runJungfrauDark, jungfrauGainModeLookup, type JungfrauDarkRunResult } from '../../../src/dark/gain-modes/jungfrau-run.js';
import type { DarkParams } from '../../../src/dark/params.js';
import { detectorTypeOfSource } from '../../../src/detectors/registry.js';
import { xtcRunFromBytes } from '../../../src/detectors/runs.js';
import { syntheticRunFiles, type SyntheticTruth } from '../../../src/synthetic/generate.js';
import { jungfrauDarkRunSpecs, type JungfrauDarkSetOptions } from '../../../src/synthetic/jungfrau-runs.js';

/** A small Jungfrau (2 modules of 32 × 64) with planted bad pixels, hot/dead/saturated and bad gain switches. */
export const SMALL_JUNGFRAU: JungfrauDarkSetOptions = {
  experiment: 'xpptut15',
  runs: [21, 22, 23],
  events: 60,
  seed: 7,
  detector: {
    source: 'XcsEndstation.0:Jungfrau.0',
    hotFraction: 0.002,
    deadFraction: 0.005,
    saturatedFraction: 0.003,
    jungfrau: { modules: 2, rows: 32, cols: 64, badSwitchFraction: 0.01 },
  },
  wrongModeEvents: [[3], [5, 17, 30], []],
};

/** Generate the three runs and reduce each with the Jungfrau kernel. */
export async function processSmallSet(
  options: JungfrauDarkSetOptions = SMALL_JUNGFRAU,
  params: Partial<DarkParams> = {},
): Promise<{ truths: SyntheticTruth[]; results: JungfrauDarkRunResult[] }> {
  const truths: SyntheticTruth[] = [];
  const results: JungfrauDarkRunResult[] = [];
  for (const spec of jungfrauDarkRunSpecs(options)) {
    const { truth, files } = syntheticRunFiles(spec);
    truths.push(truth);
    const run = xtcRunFromBytes(files);
    results.push(
      await runJungfrauDark({
        label: `run ${spec.run}`,
        events: run.events(),
        select: (s) => detectorTypeOfSource(s)?.name === 'JUNGFRAU',
        gainMode: jungfrauGainModeLookup(run.configs),
        params,
      }),
    );
    await run.close();
  }
  return { truths, results };
}
