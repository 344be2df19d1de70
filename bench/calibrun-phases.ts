/**
 * The fixed costs of a CSPAD dark job, phase by phase, in a fresh process (as the CLI runs them: code not
 * yet optimised by the JIT, engine memory not yet touched): `node --import tsx bench/calibrun-phases.ts`
 * prints one JSON line of CPU milliseconds (user + system, all threads of the process). Frames come from
 * memory (eight distinct frames copied into the engine's slots), so reading and decoding are left out;
 * calibrun-whole.ts runs it and prints the figures.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDarkOutputs } from '../src/calibrun/dark-outputs.js';
import { createDarkAccumulator } from '../src/dark/accumulator.js';
import { nodeDarkThreading } from '../src/node/dark-threads.js';
import { defaultDarkWorkers } from '../src/calibrun/dark-workers.js';

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** CPU ms of each fixed phase of a 100-frame full-CSPAD job. */
export async function measurePhases(): Promise<Record<string, number>> {
  const shape = [32, 185, 388];
  const n = 32 * 185 * 388;
  let seed = 7;
  const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
  const frames = Array.from({ length: 8 }, () => Int16Array.from({ length: n }, (_, i) => 900 + ((i * 7919) % 500) + Math.floor(rnd() * 12)));
  const threads = defaultDarkWorkers(process.env);
  const out: Record<string, number> = {};
  let t = cpuMs();
  const acc = createDarkAccumulator({}, shape, { keepGates: false, ...(threads > 1 ? { threading: nodeDarkThreading(threads - 1) } : {}) });
  const feed = (k: number) => {
    const slot = acc.nextSlot()!;
    slot.set(new Uint16Array(frames[k % 8].buffer));
    acc.add(slot);
  };
  for (let k = 0; k < 49; k++) feed(k);
  out.stage1_49_frames = cpuMs() - t;
  t = cpuMs();
  feed(49); // the 50th frame ends stage 1
  out.frame50_and_finishStage1 = cpuMs() - t;
  t = cpuMs();
  for (let k = 50; k < 100; k++) feed(k);
  out.stage2_50_frames = cpuMs() - t;
  t = cpuMs();
  const r = acc.finish();
  out.summary = cpuMs() - t;
  const dir = join(tmpdir(), `calibman-bench-phases-${process.pid}`);
  try {
    t = cpuMs();
    await writeDarkOutputs([{ source: 'CxiDs1.0:Cspad.0', detector: 'CSPAD', frames: 100, damaged: 0, shape, arrays: r }], {
      resultsDir: dir, prefix: 'clb-', experiment: 'cxi12345', run: 1, dataset: 'exp=cxi12345:run=1',
    });
    out.work_files = cpuMs() - t;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1]?.endsWith('calibrun-phases.ts')) {
  console.log(JSON.stringify(await measurePhases()));
}
