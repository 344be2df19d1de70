import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrunMain } from '../../src/cli/calibrun/main.js';
import { defaultEngines } from '../../src/calibrun/engines.js';
import { CalibManager } from '../../src/facade/calib-manager.js';
import { writeSyntheticRun } from '../../src/node/xtc-synthetic.js';

/**
 * The safety net of the one dark pipeline: one generated run with LCLS-I file names (`e777-r0042-s00-c00.xtc`,
 * experiment number from an ExpNameDb file) goes through calibrun from the command line (`-P -D`), through
 * the facade (`runDark` + `deploy`) and through calibrun's pieces and merge (`--piece K/3`, `--merge 3 -D`);
 * every deployed file must be the same byte for byte.
 *
 * Normalised, because they legitimately differ between two invocations: the `# DATE_TIME` header line of a
 * work file (when it was written), the `# DATASET` header line (calibrun writes psana's dataset name
 * `exp=…:run=…`, the facade adds `:dir=<xtc dir>`), and in HISTORY records the `cptime:` stamp, `user:`,
 * `host:` and the `comment:` (`calibrun-dark` vs `calibman-dark`). All three write into the same work
 * directory, so `WORK_DIR` and `FILE_NAME` (and HISTORY's `copy_of:`) are equal and compared.
 */
const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-pipeline-eq-'));
const root = path.join(tmp, 'data');
const xtcDir = path.join(root, 'CXI', 'cxitut13', 'xtc');
const db = path.join(tmp, 'experiment-db.dat');
const work = path.join(tmp, 'work');
const DETECTORS = ['CSPAD2x2', 'Opal1000', 'Rayonix'];
const COMMON = ['-e', 'cxitut13', '-r', '42', '-d', DETECTORS.join(','), '--root', root, '--expnamedb', db, '-w', work, '-n', '30', '--nrecs1', '10'];

beforeAll(async () => {
  await writeSyntheticRun(xtcDir, {
    experiment: 'e777',
    run: 42,
    events: 40,
    seed: 11,
    detectors: [
      { type: 'CSPAD2x2', hotFraction: 0.01, deadFraction: 0.01 },
      { type: 'OPAL1000', width: 40, height: 30, deadFraction: 0.03 },
      { type: 'RAYONIX', width: 24, height: 16 },
    ],
  });
  writeFileSync(db, '777 CXI cxitut13\n');
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** calibrun in this process (for the pieces); throws with its stderr on a non-zero status. */
async function calibrunInProcess(argv: string[]): Promise<void> {
  let err = '';
  const code = await calibrunMain(argv, {
    stdout: { write: () => true },
    stderr: { write: (s: string) => (err += s) },
    env: { CALIBMAN_WORKERS: '1' },
    cwd: tmp,
    engines: defaultEngines(),
  });
  if (code !== 0) throw new Error(`calibrun ${argv.join(' ')} → ${code}: ${err}`);
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** The text with the legitimately differing parts blanked (see the module comment). */
function normalised(file: string): string {
  const text = readFileSync(file, 'latin1');
  if (path.basename(file) === 'HISTORY') {
    return text.replace(/\b(cptime|user|host|comment):\S*/g, '$1:');
  }
  return text.replace(/^# DATE_TIME .*$/m, '# DATE_TIME').replace(/^# DATASET .*$/m, '# DATASET');
}

describe('calibrun, the facade and pieces + merge deploy the same files', () => {
  const calib = { cli: path.join(tmp, 'calib-cli'), facade: path.join(tmp, 'calib-facade'), pieces: path.join(tmp, 'calib-pieces') };

  it('byte for byte, on one generated e<expnum>-r<run> run', async () => {
    const tsx = path.join(process.cwd(), 'node_modules', '.bin', 'tsx');
    const entry = path.join(process.cwd(), 'src', 'cli', 'calibrun.ts');
    const cli = spawnSync(tsx, [entry, ...COMMON, '-c', calib.cli, '-P', '-D'], { cwd: tmp, encoding: 'utf8', env: { ...process.env, CALIBMAN_WORKERS: '2' } });
    expect(cli.stderr).not.toMatch(/error|warning/i);
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain('e777-r0042-s00-c00.xtc');

    const cm = new CalibManager(
      { experiment: 'cxitut13', detectors: DETECTORS, root, expNameDb: db, workDir: work, calibDir: calib.facade, thresholds: { nrecs1: 10 } },
      { env: {} },
    );
    const job = await cm.runDark({ run: 42, numEvents: 30, threads: 1 });
    await cm.deploy(job);

    for (let k = 0; k < 3; k++) await calibrunInProcess([...COMMON, '-c', calib.pieces, '-P', '--piece', `${k}/3`]);
    await calibrunInProcess([...COMMON, '-c', calib.pieces, '-P', '-D', '--merge', '3']);

    const listed = filesUnder(calib.cli);
    // 3 sources × (pedestals, pixel_rms, pixel_status) × (data file + HISTORY)
    expect(listed.length).toBe(18);
    expect(listed).toContain(path.join('Camera::CalibV1', 'XppEndstation.0:Rayonix.0', 'pixel_status', '42-end.data'));
    expect(filesUnder(calib.facade)).toEqual(listed);
    expect(filesUnder(calib.pieces)).toEqual(listed);
    for (const f of listed) {
      const want = normalised(path.join(calib.cli, f));
      expect(normalised(path.join(calib.facade, f)), `facade ${f}`).toBe(want);
      expect(normalised(path.join(calib.pieces, f)), `pieces ${f}`).toBe(want);
    }
    // the normalisation leaves the numbers alone: a pixel_status file holds bad pixels of the generated run
    const status = readFileSync(path.join(calib.cli, 'CsPad2x2::CalibV1', 'MecTargetChamber.0:Cspad2x2.1', 'pixel_status', '42-end.data'), 'latin1');
    expect(status).toMatch(/^\s*[1-9]\d*\b/m);
  }, 120_000);

  it('the facade thresholds and calibrun threshold options reach the kernel the same way', async () => {
    const dirs = { cli: path.join(tmp, 'thr-cli'), facade: path.join(tmp, 'thr-facade') };
    const w = path.join(tmp, 'thr-work');
    mkdirSync(w, { recursive: true });
    const argv = ['-e', 'cxitut13', '-r', '42', '-d', 'Opal1000', '--root', root, '--expnamedb', db, '-w', w, '-n', '30', '--nrecs1', '8'];
    const thr = ['-b', '5', '-t', '20', '-B', '0.5', '-T', '9', '--intnlo', '3', '--intnhi', '4', '--rmsnlo', '2', '--rmsnhi', '6'];
    await calibrunInProcess([...argv, ...thr, '-c', dirs.cli, '-P', '-D', '-v', '40-50']);
    const cm = new CalibManager(
      {
        experiment: 'cxitut13',
        detectors: ['Opal1000'],
        root,
        expNameDb: db,
        workDir: w,
        calibDir: dirs.facade,
        thresholds: { intLo: 0.5, intHi: 9, rmsLo: 5, rmsHi: 20, intNLo: 3, intNHi: 4, rmsNLo: 2, rmsNHi: 6, nrecs1: 8 },
      },
      { env: {} },
    );
    await cm.deploy(await cm.runDark({ run: 42, numEvents: 30, threads: 1 }), { runRange: '40-50' });
    const listed = filesUnder(dirs.cli);
    expect(listed.length).toBe(6);
    expect(filesUnder(dirs.facade)).toEqual(listed);
    for (const f of listed) expect(normalised(path.join(dirs.facade, f)), f).toBe(normalised(path.join(dirs.cli, f)));
  }, 60_000);

  it('zero pedestals (calibrun --zeropeds, facade zeroPeds) deploy the same files, zeros for the Rayonix only', async () => {
    const dirs = { cli: path.join(tmp, 'zero-cli'), facade: path.join(tmp, 'zero-facade') };
    const w = path.join(tmp, 'zero-work');
    await calibrunInProcess(['-e', 'cxitut13', '-r', '42', '-d', 'Opal1000,Rayonix', '--root', root, '--expnamedb', db, '-w', w, '-n', '30', '--nrecs1', '10', '-c', dirs.cli, '-P', '-D', '--zeropeds']);
    const cm = new CalibManager(
      { experiment: 'cxitut13', detectors: ['Opal1000', 'Rayonix'], root, expNameDb: db, workDir: w, calibDir: dirs.facade, thresholds: { nrecs1: 10 } },
      { env: {} },
    );
    const job = await cm.runDark({ run: 42, numEvents: 30, threads: 1, zeroPeds: true });
    expect(job.zeroPedsSources).toEqual(['XppEndstation.0:Rayonix.0']);
    await cm.deploy(job);
    const listed = filesUnder(dirs.cli);
    expect(listed.length).toBe(12);
    expect(filesUnder(dirs.facade)).toEqual(listed);
    for (const f of listed) expect(normalised(path.join(dirs.facade, f)), f).toBe(normalised(path.join(dirs.cli, f)));
    const peds = (src: string) => readFileSync(path.join(dirs.cli, 'Camera::CalibV1', src, 'pedestals', '42-end.data'), 'latin1');
    expect(peds('XppEndstation.0:Rayonix.0')).toMatch(/^# ARR_TYPE {2}zero pedestals$/m);
    expect(peds('XppEndstation.0:Opal1000.0')).not.toMatch(/zero pedestals/);
  }, 60_000);
});
