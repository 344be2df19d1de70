/**
 * `npm run demo`: the main job of calibman on an embedded demo experiment.
 *
 * 1. writes a demo experiment under ./demo-output (a dark run of CSPAD, CSPAD2x2, pnCCD and Opal1000 with EVR,
 *    known pedestals, noise, hot/dead/saturated pixels, some events without the dark event code 162);
 * 2. processes and deploys it as `calibrun -P -D -f 162` would, through the CalibManager facade;
 * 3. prints a per-detector summary compared with the known truth;
 * 4. writes ./demo-output/report.html with pictures of every detector;
 * 5. lists what it wrote, and how big (about 0.3 GB with the default 12 events: 8.8 MB of XTC per event, the
 *    psana text files of the constants in work/ and calib/, the report).
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import {
  CalibManager,
  CalibmanError,
  darkReportSection,
  demoDarkRunSpec,
  formatDarkSummaryTable,
  formatProgressLine,
  writeDarkReport,
  writeSyntheticRun,
} from 'calibman';

const OUT = path.resolve(process.env.CALIBMAN_DEMO_OUT ?? 'demo-output');
const EXPERIMENT = 'cxidemo13';
const RUN = 7;
/** The experiment's number: the DAQ names its files the LCLS-I way, e913-r0007-s00-c00.xtc. */
const EXPNUM = 913;
/** Events in the run (about 85 % dark); each carries 8.8 MB of frames. */
const EVENTS = Number(process.env.CALIBMAN_DEMO_EVENTS ?? 12);

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

  const report = path.join(OUT, 'report.html');
  await writeDarkReport(report, {
    title: 'calibman demo: dark run processing',
    experiment: EXPERIMENT,
    run: RUN,
    notes: [`xtc: ${xtcDir}`, `calib: ${cm.calibDir}`, `${job.eventsUsed} dark events used of ${job.eventsRead} read`],
    sections,
  });
  console.log(`\n4. report: ${report}`);

  console.log(`5. written under ${OUT}:`);
  const written5 = [...written.files, path.join(OUT, 'work'), cm.calibDir, report].map((p) => ({ p, ...sizeOf(p) }));
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
