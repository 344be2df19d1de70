/**
 * The fixed costs of a CSPAD dark job, phase by phase, in a fresh process (as the CLI runs them: code not
 * yet optimised by the JIT, engine memory not yet touched): `node --import tsx bench/calibrun-phases.ts`
 * prints one JSON line of CPU milliseconds (user + system, all threads of the process). Frames come from
 * memory (eight distinct frames copied into the engine's slots), so reading and decoding are left out;
 * calibrun-whole.ts runs it and prints the figures. Run directly, it first prints the minor page faults of
 * each phase (fresh memory first touched: ≈ 11 µs a 4 KiB page on the benchmark machine).
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDarkOutputs } from '../src/calibrun/dark-outputs.js';
import { createDarkAccumulator } from '../src/dark/accumulator.js';
import { nodeDarkThreading } from '../src/node/dark-threads.js';
import { defaultDarkWorkers } from '../src/calibrun/dark-workers.js';

const minorFaults = () => process.resourceUsage().minorPageFault;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** CPU ms of each fixed phase of a 100-frame full-CSPAD job. */
export async function measurePhases(): Promise<Record<string, number>> {
  return (await measurePhaseCosts()).cpuMs;
}

/** CPU ms and minor page faults of each fixed phase of a 100-frame full-CSPAD job. */
export async function measurePhaseCosts(): Promise<{ cpuMs: Record<string, number>; minorFaults: Record<string, number> }> {
  const shape = [32, 185, 388];
  const n = 32 * 185 * 388;
  let seed = 7;
  const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
  const frames = Array.from({ length: 8 }, () => Int16Array.from({ length: n }, (_, i) => 900 + ((i * 7919) % 500) + Math.floor(rnd() * 12)));
  const threads = defaultDarkWorkers(process.env);
  const out: Record<string, number> = {};
  const faults: Record<string, number> = {};
  let f0 = minorFaults();
  const phase = (name: string, t0: number) => {
    out[name] = cpuMs() - t0;
    faults[name] = minorFaults() - f0;
    f0 = minorFaults();
  };
  let t = cpuMs();
  const acc = createDarkAccumulator({}, shape, { keepGates: false, ...(threads > 1 ? { threading: nodeDarkThreading(threads - 1) } : {}) });
  const feed = (k: number) => {
    const slot = acc.nextSlot()!;
    slot.set(new Uint16Array(frames[k % 8].buffer));
    acc.add(slot);
  };
  for (let k = 0; k < 49; k++) feed(k);
  phase('stage1_49_frames', t);
  t = cpuMs();
  feed(49); // the 50th frame ends stage 1
  phase('frame50_and_finishStage1', t);
  t = cpuMs();
  for (let k = 50; k < 100; k++) feed(k);
  phase('stage2_50_frames', t);
  t = cpuMs();
  const r = acc.finish();
  phase('summary', t);
  const dir = join(tmpdir(), `calibman-bench-phases-${process.pid}`);
  try {
    t = cpuMs();
    await writeDarkOutputs([{ source: 'CxiDs1.0:Cspad.0', detector: 'CSPAD', frames: 100, damaged: 0, shape, arrays: r }], {
      resultsDir: dir, prefix: 'clb-', experiment: 'cxi12345', run: 1, dataset: 'exp=cxi12345:run=1',
    });
    phase('work_files', t);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { cpuMs: out, minorFaults: faults };
}

if (process.argv[1]?.endsWith('calibrun-phases.ts')) {
  const { cpuMs: cpu, minorFaults: faults } = await measurePhaseCosts();
  console.log(`minor page faults: ${Object.entries(faults).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(JSON.stringify(cpu));
}
