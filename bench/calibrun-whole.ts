/**
 * Whole-command figures of `npm run bench -- calibrun`: `calibrun -e … -r … -d CSPAD -P` as a process on
 * synthetic full-CSPAD dark runs (from the page cache) against the native baseline bench/baseline/dark_gen3.cpp
 * (psana's generation-3 algorithm, single-threaded C++17, built here with `g++ -O3 -march=native`; skipped
 * with a message when g++ is missing), alternating runs, best of CALIBMAN_BENCH_REPEATS (default 3); the
 * baseline's pedestals are first checked against calibman's on a small run. Also the CSPAD decode rate and
 * the rates of every decoder (decode.bench.ts), the start-up of both CLIs and the fixed costs of a CSPAD job
 * phase by phase (calibrun-phases.ts). Each process is timed in wall-clock and in CPU time (user + system,
 * from /usr/bin/time when present): on a shared machine the CPU ratio is the fairer one, and the load
 * average is printed with the figures.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCalibrun } from '../src/calibrun/app.js';
import { defaultEngines } from '../src/calibrun/engines.js';
import { writeSyntheticRun } from '../src/node/xtc-synthetic.js';
import { assembleCspad, defaultCspadConfig, encodeCspadData } from '../src/xtc/payloads/cspad.js';
import { decodeRates } from './decode.bench.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const source = join(here, 'baseline', 'dark_gen3.cpp');

/** Build the native baseline into `dir`; undefined (with the reason printed) when it cannot be built. */
function buildBaseline(dir: string): string | undefined {
  const which = spawnSync('g++', ['--version'], { encoding: 'utf8' });
  if (which.error || which.status !== 0) {
    console.log('  native baseline skipped: no g++ on this machine');
    return undefined;
  }
  const exe = join(dir, 'dark_gen3');
  try {
    execFileSync('g++', ['-O3', '-march=native', '-std=c++17', '-o', exe, source], { stdio: 'pipe' });
  } catch (err) {
    console.log(`  native baseline skipped: g++ failed (${String((err as { stderr?: Buffer }).stderr ?? err).trim().split('\n')[0]})`);
    return undefined;
  }
  return exe;
}

/** The calibrun command line: the built CLI (dist/) when present, else the sources through tsx. */
function calibrunCommand(): { argv: string[]; label: string } {
  const built = join(repo, 'dist', 'cli', 'calibrun.js');
  if (existsSync(built)) return { argv: [built], label: `node dist/cli/calibrun.js (built ${statSync(built).mtime.toISOString().slice(0, 16)}Z)` };
  return { argv: ['--import', 'tsx', join(repo, 'src', 'cli', 'calibrun.ts')], label: 'node --import tsx src/cli/calibrun.ts (no dist/: run `npm run build` for the shipped figure)' };
}

async function cspadRun(root: string, events: number): Promise<string[]> {
  const w = await writeSyntheticRun(join(root, 'CXI', 'cxi12345', 'xtc'), {
    experiment: 'cxi12345', run: 1, events, detectors: [{ type: 'CSPAD', hotFraction: 0.001 }],
  });
  return w.files;
}

/** Wall-clock and CPU seconds (user + system; NaN without /usr/bin/time) and peak RSS (MB) of one process. */
interface ProcessTimes {
  wall: number;
  cpu: number;
  rssMb: number;
}

const TIME_BIN = '/usr/bin/time';
let timeOut = 0;

function measureProcess(cmd: string, args: string[]): ProcessTimes {
  const useTime = existsSync(TIME_BIN);
  const out = join(tmpdir(), `calibman-bench-time-${process.pid}-${timeOut++}.txt`);
  const t0 = performance.now();
  const r = useTime
    ? spawnSync(TIME_BIN, ['-f', '%U %S %M', '-o', out, cmd, ...args], { encoding: 'utf8' })
    : spawnSync(cmd, args, { encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${(r.stderr || r.stdout).trim().slice(0, 400)}`);
  if (!useTime) return { wall, cpu: NaN, rssMb: NaN };
  const [user, sys, rssKb] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  rmSync(out, { force: true });
  return { wall, cpu: user + sys, rssMb: rssKb / 1024 };
}

/** Max |calibman − baseline| of the pedestals and the count of differing status words, on a small run. */
async function agreement(exe: string, dir: string): Promise<void> {
  const events = 60;
  const root = join(dir, `agree`);
  const files = await cspadRun(root, events);
  const out = await runCalibrun(
    { exp: 'cxi12345', run: '1', detector: 'CSPAD', root, workdir: join(dir, 'agree-work'), process: true, num_events: events, print_bits: 0 },
    { engines: defaultEngines(), echo: () => undefined, env: {} },
  );
  const s = out.result!.sources[0];
  execFileSync(exe, [String(events), '--dump', join(dir, 'native'), ...files]);
  const peds = new Float64Array(readFileSync(join(dir, 'native.pedestals.f64')).buffer.slice(0));
  const sta = new BigUint64Array(readFileSync(join(dir, 'native.status.u64')).buffer.slice(0));
  const ours = s.arrays.pedestals.data as Float64Array;
  const ourSta = s.arrays.pixel_status.data as BigUint64Array;
  let maxDiff = 0;
  let staDiff = 0;
  for (let i = 0; i < ours.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(ours[i] - peds[i]));
    if (ourSta[i] !== sta[i]) staDiff++;
  }
  console.log(`  baseline agreement (${s.frames} frames): max |pedestal diff| ${maxDiff.toExponential(2)} ADU, status words differing ${staDiff} of ${ours.length}`);
}

/**
 * CSPAD frame decode (`assembleCspad`, full detector, 4.59 MB payload) in GB/s of payload, best of 5:
 * eight payloads decoded into eight destination frames in turn (74 MB, so from memory rather than cache),
 * destinations already touched (as the engine's reused batch slots are), then into untouched memory.
 */
export function decodeRate(): void {
  const cfg = defaultCspadConfig();
  const ring = 8;
  const payloads = Array.from({ length: ring }, (_, k) =>
    encodeCspadData(Int16Array.from({ length: 32 * 185 * 388 }, (_, i) => ((i + k) * 7919) & 0x3fff), 2, cfg, [2, 0, 3, 1]),
  );
  const outs = Array.from({ length: ring }, () => new Int16Array(32 * 185 * 388).fill(1));
  const bytes = payloads[0].length;
  let best = Infinity;
  for (let rep = 0; rep < 5; rep++) {
    const t0 = performance.now();
    for (let r = 0; r < 40; r++) assembleCspad(payloads[r % ring], 2, cfg, outs[(r * 3) % ring]);
    best = Math.min(best, (performance.now() - t0) / 40);
  }
  let fresh = Infinity;
  // all allocated first and kept, so that none reuses the pages of another
  const untouched = Array.from({ length: 5 }, () => new Int16Array(32 * 185 * 388));
  for (const [rep, out] of untouched.entries()) {
    const t0 = performance.now();
    assembleCspad(payloads[rep % ring], 2, cfg, out);
    fresh = Math.min(fresh, performance.now() - t0);
  }
  const gbs = (ms: number) => (bytes / ms / 1e6).toFixed(1);
  console.log(`  CSPAD decode (assembleCspad, ${(bytes / 1e6).toFixed(2)} MB frames from memory): ${(best * 1000).toFixed(0)} µs = ${gbs(best)} GB/s into reused slots; ${fresh.toFixed(2)} ms = ${gbs(fresh)} GB/s into untouched memory (first touch)`);
}

/**
 * `calibman --help`, `calibrun --help` (the command line only: the driver loads once a run is asked for),
 * calibrun without an action (loads the driver and the dark pipeline, checks the options and writes its session
 * log: the start-up of a run up to its first read) and bare `node -e 0`, best of 5 each in wall-clock and CPU
 * time (the built CLI; skipped without dist/).
 */
function startUp(): void {
  const built = join(repo, 'dist', 'cli', 'calibman.js');
  if (!existsSync(built)) return console.log('  calibman --help: skipped (no dist/, run `npm run build`)');
  const best = (args: string[]) => {
    let b: ProcessTimes = { wall: Infinity, cpu: Infinity, rssMb: 0 };
    for (let k = 0; k < 5; k++) {
      const t = measureProcess(process.execPath, args);
      b = { wall: Math.min(b.wall, t.wall), cpu: Math.min(b.cpu, t.cpu), rssMb: Math.max(b.rssMb, t.rssMb) };
    }
    return `${b.wall.toFixed(3)} s${Number.isNaN(b.cpu) ? '' : ` (CPU ${b.cpu.toFixed(3)} s)`}`;
  };
  const bare = best(['-e', '0']);
  const calibrun = join(repo, 'dist', 'cli', 'calibrun.js');
  const tmp = join(tmpdir(), `calibman-bench-startup-${process.pid}`);
  const noAction = best([calibrun, '-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', '--root', join(tmp, 'root'), '-w', join(tmp, 'work')]);
  rmSync(tmp, { recursive: true, force: true });
  console.log(`  calibman --help ${best([built, '--help'])}; calibrun --help ${best([calibrun, '--help'])}; calibrun without -P (driver loaded, options checked, log written) ${noAction}; node -e 0: ${bare}`);
}

/** The fixed costs of a 100-frame CSPAD job, phase by phase, measured in a fresh process (calibrun-phases.ts). */
function fixedCosts(): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'calibrun-phases.ts')], { cwd: repo, encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) return console.log(`  fixed costs: skipped (${(r.stderr || r.stdout).trim().split('\n')[0]})`);
  const phases = JSON.parse(line) as Record<string, number>;
  console.log(`  fixed costs of a 100-frame CSPAD job in a fresh process (frames from memory; CPU ms, all threads): ${Object.entries(phases).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
}

/** The rates of every decoder of decode.bench.ts, one line each. */
function allDecodeRates(): void {
  for (const r of decodeRates()) {
    console.log(`  decode ${r.name.padEnd(44)} ${(r.pixelBytes / 2 ** 20).toFixed(2).padStart(6)} MB ${r.gbs.toFixed(1).padStart(6)} GB/s${r.view ? ' (zero-copy view)' : ''}`);
  }
}

const loadText = () => `load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${availableParallelism()} cores`;

/** Print the whole-command ratios and the decode rates; `dir` is a scratch directory. */
export async function wholeCommand(dir: string): Promise<void> {
  console.log(`whole command, CSPAD-only synthetic dark run from the page cache (${loadText()}):`);
  decodeRate();
  allDecodeRates();
  mkdirSync(dir, { recursive: true });
  const exe = buildBaseline(dir);
  if (exe) await agreement(exe, dir);
  const { argv, label } = calibrunCommand();
  console.log(`  calibrun = ${label}`);
  startUp();
  fixedCosts();
  const repeats = Number(process.env.CALIBMAN_BENCH_REPEATS ?? 3);
  for (const events of [100, 400]) {
    const root = join(dir, `run${events}`);
    const files = await cspadRun(root, events);
    const args = [...argv, '-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', '-P', '-n', String(events), '--root', root, '-w', join(dir, `work${events}`), '-p', '16'];
    const best = (a: ProcessTimes, b: ProcessTimes): ProcessTimes => ({ wall: Math.min(a.wall, b.wall), cpu: Math.min(a.cpu, b.cpu), rssMb: Math.max(a.rssMb, b.rssMb) });
    let ours: ProcessTimes = { wall: Infinity, cpu: Infinity, rssMb: 0 };
    let native: ProcessTimes = { wall: Infinity, cpu: Infinity, rssMb: 0 };
    for (let k = 0; k < repeats; k++) {
      ours = best(ours, measureProcess(process.execPath, args));
      if (exe) native = best(native, measureProcess(exe, [String(events), ...files]));
    }
    const cpu = (t: ProcessTimes) => (Number.isNaN(t.cpu) ? '' : `, CPU ${t.cpu.toFixed(2)} s, RSS ${t.rssMb.toFixed(0)} MB`);
    const rate = `${ours.wall.toFixed(2)} s (${(events / ours.wall).toFixed(0)} events/s${cpu(ours)})`;
    if (!exe) {
      console.log(`  ${events} events: calibrun ${rate}`);
      continue;
    }
    const cpuRatio = Number.isNaN(ours.cpu) ? '' : `; CPU time ${(native.cpu / ours.cpu).toFixed(2)}x`;
    console.log(`  ${events} events: calibrun ${rate}; native C++ ${native.wall.toFixed(2)} s${cpu(native)}`);
    console.log(`    → wall ${(native.wall / ours.wall).toFixed(2)}x the native baseline${cpuRatio} (${loadText()})`);
  }
}
