/**
 * The psana text encoding of calibrun's six work files for a full CSPAD (2.3 M values each: `%8.2f` of the
 * float64 pedestals and rms, `%d`/`%1d` of the uint64 status, uint16 mask, max and min), with the
 * WebAssembly SIMD kernels (src/io/wasm) and with the JavaScript encoders they replace: ns per value of the
 * first pass in this process (code not yet optimised) and the best of five later passes, CPU time.
 */
import type { TypedArray } from '../src/io/dtype.js';
import { ndarrayOf } from '../src/io/ndarray.js';
import { TextChunkBuffers, ndarrayTextChunks } from '../src/io/ndarray-text-write.js';
import { setTextWasmEnabled, textWasmAvailable } from '../src/io/wasm/text-kernels.js';

const SHAPE = [32, 185, 388];
const N = 32 * 185 * 388;

function workArrays(): [string, TypedArray, string][] {
  let seed = 11;
  const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
  const peds = new Float64Array(N);
  const rms = new Float64Array(N);
  const status = new BigUint64Array(N);
  const mask = new Uint16Array(N);
  const max = new Uint16Array(N);
  const min = new Uint16Array(N);
  for (let i = 0; i < N; i++) {
    const ped = 900 + ((i * 7919) % 500);
    const count = 376 + Math.floor(rnd() * 30); // frames in the pixel's average: about 1 % exact ties at %8.2f
    peds[i] = Math.floor(count * (ped + rnd() * 10)) / count;
    rms[i] = 2 + rnd() * 6;
    const bad = rnd() < 0.002;
    status[i] = bad ? 8n : 0n;
    mask[i] = bad ? 0 : 1;
    max[i] = ped + 20 + Math.floor(rnd() * 40);
    min[i] = ped - 20 - Math.floor(rnd() * 40);
  }
  return [
    ['ave %8.2f float64', peds, '%8.2f'],
    ['rms %8.2f float64', rms, '%8.2f'],
    ['sta %d uint64', status, '%d'],
    ['msk %1d uint16', mask, '%1d'],
    ['max %d uint16', max, '%d'],
    ['min %d uint16', min, '%d'],
  ];
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU ns per value of one pass over `data` (pieces consumed as a file writer would, through shared buffers). */
function pass(data: TypedArray, fmt: string, buffers: TextChunkBuffers): number {
  const t = cpuMs();
  let bytes = 0;
  for (const piece of ndarrayTextChunks(ndarrayOf(data, SHAPE), { fmt, info: { DATE_TIME: '2026-01-01T00:00:00' } }, buffers)) bytes += piece.length;
  if (bytes === 0) throw new Error('nothing encoded');
  return ((cpuMs() - t) * 1e6) / data.length;
}

/** Print first-pass and best-of-five ns/value per work file, WebAssembly and JavaScript. */
export async function run(): Promise<void> {
  const arrays = workArrays();
  console.log(`WebAssembly text kernels available: ${textWasmAvailable()}`);
  const rows: string[] = [];
  const totals = { wasm: [0, 0], js: [0, 0] };
  for (const mode of ['wasm', 'js'] as const) {
    setTextWasmEnabled(mode === 'wasm');
    const buffers = new TextChunkBuffers();
    for (const [name, data, fmt] of arrays) {
      const first = pass(data, fmt, buffers);
      let best = Infinity;
      for (let r = 0; r < 5; r++) best = Math.min(best, pass(data, fmt, buffers));
      totals[mode][0] += (first * N) / 1e6;
      totals[mode][1] += (best * N) / 1e6;
      rows.push(`${mode.padEnd(4)} ${name.padEnd(18)} first ${first.toFixed(1).padStart(5)} ns/value, best ${best.toFixed(1).padStart(5)} ns/value`);
    }
  }
  setTextWasmEnabled(true);
  for (const r of rows) console.log(r);
  for (const mode of ['wasm', 'js'] as const) {
    console.log(`${mode}: six files ${totals[mode][0].toFixed(0)} ms CPU on the first pass, ${totals[mode][1].toFixed(0)} ms at best`);
  }
}

if (process.argv[1]?.endsWith('text-encode.bench.ts')) await run();
