/**
 * `npm run demo`: the main job of calibman on an embedded demo experiment.
 *
 * 1. writes a demo experiment under ./demo-output (a dark run of CSPAD, CSPAD2x2, pnCCD and Opal1000 with EVR,
 *    known pedestals, noise, hot/dead/saturated pixels, some events without the dark event code 162);
 * 2. processes and deploys it as `calibrun -P -D -f 162` would, through the CalibManager facade;
 * 3. prints a per-detector summary compared with the known truth;
 * 4. writes a light run of the CSPAD (photons on a powder ring, a common-mode offset per ASIC and event),
 *    calibrates it with the constants just deployed, and measures how far the ring stands out of the noise
 *    in the raw and in the calibrated image, against the ring's known truth;
 * 5. writes ./demo-output/report.html with pictures of every detector and the light run's raw and
 *    calibrated images side by side;
 * 6. lists what it wrote, and how big (about 0.37 GB with the default 12 events: 8.8 MB of XTC per dark
 *    event, the light run, the psana text files of the constants in work/ and calib/, the report).
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import {
  CalibManager,
  CalibmanError,
  type RingContrast,
  darkReportSection,
  demoDarkRunSpec,
  demoLightRunSpec,
  formatDarkSummaryTable,
  formatProgressLine,
  openDetector,
  rawVsCalibratedSection,
  ringContrast,
  toCOrder,
  writeDarkReport,
  writeSyntheticRun,
} from 'calibman/node';
import { jungfrauDemo } from './demo-jungfrau.js';
import { epix10kaDemo } from './demo-epix10ka.js';

const OUT = path.resolve(process.env.CALIBMAN_DEMO_OUT ?? 'demo-output');
const EXPERIMENT = 'cxidemo13';
const RUN = 7;
/** The experiment's number: the DAQ names its files the LCLS-I way, e913-r0007-s00-c00.xtc. */
const EXPNUM = 913;
/** Events in the run (about 85 % dark); each carries 8.8 MB of frames. */
const EVENTS = Number(process.env.CALIBMAN_DEMO_EVENTS ?? 12);
/** The light run (CSPAD only, 4.6 MB per event), taken after the dark run. */
const LIGHT_RUN = 8;
const LIGHT_EVENTS = 6;
/** Events of each of the three Jungfrau gain-stage dark runs (one 512×1024 module, 1 MB per event). */
const JUNGFRAU_EVENTS = Number(process.env.CALIBMAN_DEMO_JUNGFRAU_EVENTS ?? 20);
/** Events per calib cycle of the Epix10ka2M calibration run (5 cycles; 16 panels, 4.3 MB per event). */
const EPIX10KA_EVENTS = Number(process.env.CALIBMAN_DEMO_EPIX10KA_EVENTS ?? 6);

/** Bytes and file count of a file or a directory tree. */
function sizeOf(p: string): { bytes: number; files: number } {
  const st = statSync(p);
  if (!st.isDirectory()) return { bytes: st.size, files: 1 };
  let bytes = 0;
  let files = 0;
  for (const name of readdirSync(p)) {
    const sub = sizeOf(path.join(p, name));
    bytes += sub.bytes;
    files += sub.files;
  }
  return { bytes, files };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  rmSync(OUT, { recursive: true, force: true });
  const xtcDir = path.join(OUT, 'CXI', EXPERIMENT, 'xtc');
  const spec = { ...demoDarkRunSpec(EVENTS), experiment: `e${EXPNUM}`, run: RUN, darkFraction: 0.85 };
  console.log(`1. writing demo run ${EXPERIMENT} r${RUN}: ${EVENTS} events, CSPAD + CSPAD2x2 + pnCCD + Opal1000 → ${xtcDir}`);
  const written = await writeSyntheticRun(xtcDir, spec);
  const dark = written.truth.events.filter((e) => e.dark).length;
  console.log(`   ${dark} dark events (code 162), ${EVENTS - dark} with beam`);
  for (const f of written.files) console.log(`   wrote ${f} (${megabytes(sizeOf(f).bytes)})`);

  console.log('2. dark processing and deployment (calibrun -P -D -f 162)');
  const cm = new CalibManager({
    experiment: EXPERIMENT,
    detectors: ['CSPAD', 'CSPAD2x2', 'PNCCD', 'OPAL1000'],
    root: OUT,
    workDir: path.join(OUT, 'work'),
  });
  const job = await cm.runDark(
    { run: RUN, numEvents: EVENTS, eventCodes: [162] },
    { onProgress: (p) => process.stderr.write(`\r   ${formatProgressLine(p)}   `) },
  );
  process.stderr.write('\n');
  const deployed = await cm.deploy(job);
  console.log(`   ${job.eventsUsed} events used, ${job.eventsRejected} rejected by the event code; ${deployed.length} files deployed to ${cm.calibDir}`);

  const sections = job.sources.map((s) => {
    const model = written.truth.detectors.find((d) => d.source === s.source);
    return darkReportSection(s, {
      truth: model,
      thresholds: cm.thresholds,
      deployed: deployed.filter((d) => d.target.includes(s.source)).map((d) => d.target),
    });
  });
  console.log('3. summary\n');
  console.log(formatDarkSummaryTable(sections.map((s) => s.summary)));

  console.log(`\n3b. Jungfrau gain-mode darks: runs 21-23 of a one-module Jungfrau (${JUNGFRAU_EVENTS} events each), as calibrun -d JUNGFRAU -r 21,22,23 -P -D`);
  const jf = await jungfrauDemo({ out: OUT, experiment: EXPERIMENT, expnum: EXPNUM, xtcDir, events: JUNGFRAU_EVENTS });
  for (const l of jf.lines) console.log(`   ${l}`);

  console.log(`\n3c. Epix10ka2M gain-mode calibration: run 31, 5 calib cycles (FH, FM, FL, AHL, AML) of ${EPIX10KA_EVENTS} events, as calibrun -d EPIX10KA2M -r 31 -P -D`);
  const ep = await epix10kaDemo({ out: OUT, experiment: EXPERIMENT, expnum: EXPNUM, xtcDir, calibDir: cm.calibDir, eventsPerCycle: EPIX10KA_EVENTS });
  for (const l of ep.lines) console.log(`   ${l}`);

  const lightSpec = { ...demoLightRunSpec(LIGHT_EVENTS), experiment: `e${EXPNUM}`, run: LIGHT_RUN };
  const ring = lightSpec.detectors[0].light!.ring!;
  console.log(
    `\n4. light run r${LIGHT_RUN}: ${LIGHT_EVENTS} events of the CSPAD, photons on a powder ring (radius ${ring.radius}, width ${ring.width} image pixels)` +
      ` and a common-mode offset per ASIC and event (sigma ${lightSpec.detectors[0].light!.commonModeSpread} ADU)`,
  );
  const light = await writeSyntheticRun(xtcDir, lightSpec);
  for (const f of light.files) console.log(`   wrote ${f} (${megabytes(sizeOf(f).bytes)})`);
  const truth = light.truth.detectors[0];
  // the constants psana's finder picks for the light run: the dark run's, deployed as 7-end
  const { detector: det, xtcRun } = await openDetector({ calibDir: cm.calibDir, source: truth.source, run: LIGHT_RUN, xtc: { files: light.files } });
  const n = det.size;
  const rawSum = new Float64Array(n);
  const calSum = new Float64Array(n);
  const calibrated = new Float32Array(n);
  const perAsic = new Float32Array(n);
  const asicSum = new Float64Array(n);
  let frames = 0;
  try {
    for await (const ev of xtcRun!.events()) {
      const raw = det.raw(ev);
      if (!raw) continue;
      const values = toCOrder(raw) as Int16Array;
      det.calib(values, { out: calibrated }); // the default common mode (psana's cmpars) and the status mask
      det.calib(values, { out: perAsic, unit: 'asic' }); // the same algorithm per ASIC instead of per 2×1 section
      for (let i = 0; i < n; i++) {
        rawSum[i] += values[i];
        calSum[i] += calibrated[i];
        asicSum[i] += perAsic[i];
      }
      frames++;
    }
  } finally {
    await xtcRun!.close();
  }
  const rawMean = Float32Array.from(rawSum, (v) => v / frames);
  const calMean = Float32Array.from(calSum, (v) => v / frames);
  const good = det.mask({ status: true }) ?? new Uint8Array(n).fill(1);
  // good pixels only: neither planted as bad nor masked by the deployed pixel_status
  const use = Uint8Array.from(truth.kind, (k, i) => (k === 0 && good[i] ? 1 : 0));
  const signal = truth.light!.ringSignal;
  const contrasts: [string, RingContrast][] = [
    ['raw', ringContrast(rawMean, signal, use)],
    ['calibrated', ringContrast(calMean, signal, use)],
    ['per ASIC', ringContrast(Float32Array.from(asicSum, (v) => v / frames), signal, use)],
  ];
  const c0 = contrasts[0][1];
  console.log(
    `   ring vs background over ${frames} events, in units of the background's pixel-to-pixel spread` +
      ` (truth: ring signal ${c0.trueRingSignal.toFixed(2)} ADU per event on ${c0.ringPixels} pixels, ${c0.backgroundPixels} background pixels):`,
  );
  const line = (name: string, c: RingContrast): string =>
    `${name.padEnd(10)}  ring − background ${(c.ringMean - c.backgroundMean).toFixed(2).padStart(7)} ADU, spread ${c.backgroundSpread.toFixed(2).padStart(7)} ADU → contrast ${c.contrast.toFixed(2)}`;
  for (const [name, c] of contrasts) console.log(`     ${line(name, c)}`);
  console.log(`   (calibrated: psana's default common mode ${det.commonMode().join(' ')}, one estimate per 2×1 section; per ASIC: the same per ASIC)`);
  const lightSection = rawVsCalibratedSection({
    title: `light run ${LIGHT_RUN}: ${truth.source}, raw vs calibrated (mean of ${frames} events)`,
    notes: [
      `photons on a powder ring and a common-mode offset per ASIC and event; calibrated with the constants deployed from run ${RUN} (psana's default common mode ${det.commonMode().join(' ')})`,
      'contrast: (ring mean − background mean) / pixel-to-pixel spread of the background, good pixels, ring and background from the known truth',
    ],
    rows: [
      ['true ring signal', `${c0.trueRingSignal.toFixed(2)} ADU per event (${c0.ringPixels} ring pixels)`],
      ...contrasts.map(([name, c]): [string, string] => [
        name === 'per ASIC' ? 'calibrated, common mode per ASIC (not drawn)' : `${name} image`,
        `ring − background ${(c.ringMean - c.backgroundMean).toFixed(2)} ADU, background spread ${c.backgroundSpread.toFixed(2)} ADU → contrast ${c.contrast.toFixed(2)}`,
      ]),
    ],
    shape: det.shape,
    maps: det.indexes(),
    raw: rawMean,
    calibrated: calMean,
    masked: Uint8Array.from(good, (g) => 1 - g),
  });

  const report = path.join(OUT, 'report.html');
  await writeDarkReport(report, {
    title: 'calibman demo: dark run processing',
    experiment: EXPERIMENT,
    run: RUN,
    notes: [`xtc: ${xtcDir}`, `calib: ${cm.calibDir}`, `${job.eventsUsed} dark events used of ${job.eventsRead} read`],
    sections: [...sections, ...jf.sections, ...ep.sections],
    figureSections: [lightSection],
  });
  console.log(`\n5. report: ${report}`);

  console.log(`6. written under ${OUT}:`);
  const written5 = [...written.files, ...light.files, ...jf.files, ...ep.files, path.join(OUT, 'work'), cm.calibDir, report].map((p) => ({ p, ...sizeOf(p) }));
  for (const w of written5) {
    const what = w.files > 1 || statSync(w.p).isDirectory() ? ` in ${w.files} files` : '';
    console.log(`   ${megabytes(w.bytes).padStart(8)}  ${path.relative(OUT, w.p)}${what}`);
  }
  console.log(`   ${megabytes(sizeOf(OUT).bytes).padStart(8)}  in total; done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  console.error(err instanceof CalibmanError ? `error: ${err.message}` : err);
  process.exitCode = 1;
});
