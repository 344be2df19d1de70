/**
 * `npm run fuzz -- [--cases N] [--seed S] [--parser NAME[,NAME…]] [--timeout-ms T] [--case I]`
 *
 * Long fuzz runs of every parser: N mutated inputs per parser (seeded, reproducible), each parser in
 * its own child process so that a native abort, an out-of-memory or a hang costs one case, not the run.
 * A case is a crash when the parser throws anything but a CalibmanError (or the process dies), a hang
 * when it takes longer than T ms. Prints per parser: cases, accepted, typed errors, crashes, hangs, the
 * slowest case and the peak RSS; exits 1 when anything crashed or hung. `--case I` replays one case
 * in-process and prints its verdict.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TARGETS, fuzzTarget } from './targets.js';
import { fuzzInput, runFuzzCase } from './case.js';

interface Args {
  cases: number;
  seed: number;
  parsers: string[];
  timeoutMs: number;
  replay: number | undefined;
  maxOldSpaceMb: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { cases: 1000, seed: 1, parsers: TARGETS.map((t) => t.name), timeoutMs: 10_000, replay: undefined, maxOldSpaceMb: 4096 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    const int = (what: string): number => {
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what}: expected a non-negative integer, found "${v}"`);
      i++;
      return n;
    };
    switch (argv[i]) {
      case '--cases': a.cases = int('--cases'); break;
      case '--seed': a.seed = int('--seed'); break;
      case '--timeout-ms': a.timeoutMs = int('--timeout-ms'); break;
      case '--case': a.replay = int('--case'); break;
      case '--max-old-space-mb': a.maxOldSpaceMb = int('--max-old-space-mb'); break;
      case '--parser': a.parsers = (v ?? '').split(',').filter(Boolean); i++; a.parsers.forEach(fuzzTarget); break;
      default: throw new Error(`unknown argument "${argv[i]}" (expected --cases, --seed, --parser, --timeout-ms, --case, --max-old-space-mb)`);
    }
  }
  return a;
}

/** Figures of one parser's run. */
export interface FuzzFigures {
  parser: string;
  cases: number;
  accepted: number;
  typedErrors: number;
  crashes: { index: number; error: string }[];
  hangs: number[];
  slowestMs: number;
  peakRssMiB: number;
  seconds: number;
}

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'fuzz-child.ts');

/** Run cases [start, end) in one child; resolves with the index to resume at (end when finished). */
function runChild(name: string, a: Args, start: number, end: number, f: FuzzFigures): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${a.maxOldSpaceMb}`, '--import', 'tsx', CHILD, name, String(a.seed), String(start), String(end)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let current: number | undefined;
    let lastDone = start - 1;
    let timer: NodeJS.Timeout | undefined;
    let hung = false;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      const [tag, x, kind, ms] = line.split(' ');
      const i = Number(x);
      if (tag === 'S') {
        current = i;
        clearTimeout(timer);
        timer = setTimeout(() => {
          hung = true;
          child.kill('SIGKILL');
        }, a.timeoutMs);
      } else if (tag === 'R') {
        clearTimeout(timer);
        current = undefined;
        lastDone = i;
        f.cases++;
        if (kind === 'accepted') f.accepted++;
        else if (kind === 'typed-error') f.typedErrors++;
        f.slowestMs = Math.max(f.slowestMs, Number(ms));
      } else if (tag === 'C') {
        f.crashes.push({ index: i, error: JSON.parse(line.slice(line.indexOf(' ', 2) + 1)) as string });
      } else if (tag === 'M' || tag === 'D') {
        f.peakRssMiB = Math.max(f.peakRssMiB, i / 1024);
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (current === undefined) {
        if (lastDone + 1 >= end) resolve(end);
        else {
          // died between cases (or its last lines were lost): count the next case against it and go on
          f.cases++;
          f.crashes.push({ index: lastDone + 1, error: `child exited (${signal ?? `exit ${code}`}) before finishing: ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
          resolve(lastDone + 2);
        }
        return;
      }
      f.cases++;
      if (hung) f.hangs.push(current);
      else f.crashes.push({ index: current, error: `process died (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
      resolve(current + 1);
    });
  });
}

async function fuzzParser(name: string, a: Args): Promise<FuzzFigures> {
  const f: FuzzFigures = { parser: name, cases: 0, accepted: 0, typedErrors: 0, crashes: [], hangs: [], slowestMs: 0, peakRssMiB: 0, seconds: 0 };
  const t0 = performance.now();
  let next = 0;
  while (next < a.cases) next = await runChild(name, a, next, a.cases, f);
  f.seconds = (performance.now() - t0) / 1000;
  return f;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  if (a.replay !== undefined) {
    for (const name of a.parsers) {
      const t = fuzzTarget(name);
      const input = fuzzInput(t, a.seed, a.replay);
      const v = await runFuzzCase(t, input);
      process.stdout.write(`${name} case ${a.replay} (seed ${a.seed}, ${input.length} bytes): ${JSON.stringify(v)}\n`);
    }
    return;
  }
  process.stdout.write(`fuzz: ${a.cases} cases per parser, seed ${a.seed}, time bound ${a.timeoutMs} ms per input\n`);
  process.stdout.write('| parser | cases | accepted | typed errors | crashes | hangs | slowest case (ms) | peak RSS (MiB) | time (s) |\n|---|---|---|---|---|---|---|---|---|\n');
  let bad = 0;
  const details: string[] = [];
  for (const name of a.parsers) {
    const f = await fuzzParser(name, a);
    bad += f.crashes.length + f.hangs.length;
    process.stdout.write(
      `| ${f.parser} | ${f.cases} | ${f.accepted} | ${f.typedErrors} | ${f.crashes.length} | ${f.hangs.length} | ${f.slowestMs.toFixed(0)} | ${f.peakRssMiB.toFixed(0)} | ${f.seconds.toFixed(0)} |\n`,
    );
    for (const c of f.crashes.slice(0, 5)) details.push(`crash ${f.parser} case ${c.index}: ${c.error}`);
    for (const h of f.hangs.slice(0, 5)) details.push(`hang ${f.parser} case ${h} (> ${a.timeoutMs} ms)`);
  }
  for (const d of details) process.stdout.write(`${d}\n  replay: npm run fuzz -- --parser ${d.split(' ')[1]} --seed ${a.seed} --case ${d.split(' ')[3].replace(':', '')}\n`);
  process.exitCode = bad ? 1 : 0;
}

main().catch((err: unknown) => {
  process.stderr.write(`fuzz: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
