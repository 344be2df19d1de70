/**
 * Geometry benchmarks: CSPAD coordinates + index maps from a file (target ≤ 50 ms) and image assembly
 * (target ≥ 1000 CSPAD frames/s on one core), float32 (calibrated) and int16 (raw) frames.
 */
import { readFileSync } from 'node:fs';
import { GeometryAccess } from '../src/geometry/geometry-access.js';
import { imageFromPixelArrays } from '../src/geometry/image.js';
import { fixturePath } from '../test/fixture-files.js';

const CSPAD_FILES = {
  'CSPAD XPP default (32 sensors)': fixturePath('geometry/geometry-def-cspad.data'),
  'CSPAD CXI with quads': fixturePath('geometry/psgeom/refgeom_psana.data'),
};

/** CPU time of this process in ms (less sensitive than wall time to other processes on a shared machine). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

/** Print the geometry figures. */
export async function run(): Promise<void> {
  for (const [label, file] of Object.entries(CSPAD_FILES)) {
    const text = readFileSync(file, 'utf8');
    const times: number[] = [];
    const cpus: number[] = [];
    const warmUp = 3;
    for (let k = 0; k < warmUp + 10; k++) {
      const c0 = cpuMs();
      const t0 = performance.now();
      const g = GeometryAccess.fromText(text);
      g.getPixelCoordIndexes();
      times.push(performance.now() - t0);
      cpus.push(cpuMs() - c0);
    }
    const first = times.slice(0, warmUp).map((t) => t.toFixed(1)).join(', ');
    const [t, c] = [times.slice(warmUp), cpus.slice(warmUp)];
    console.log(
      `geometry: ${label}: parse + coordinates + index maps: median ${median(t).toFixed(1)} ms wall, ${median(c).toFixed(1)} ms CPU, best ${Math.min(...t).toFixed(1)} ms over 10 rounds (the ${warmUp} rounds before them, JIT warm-up: ${first} ms)`,
    );
  }

  const g = GeometryAccess.fromText(readFileSync(CSPAD_FILES['CSPAD CXI with quads'], 'utf8'));
  const ix = g.getPixelCoordIndexes();
  const frame = new Float32Array(g.size).map((_, i) => i % 1000);
  const out = new Float32Array(ix.imageShape[0] * ix.imageShape[1]);
  const asm = g.imageAssembler();
  const zc = asm.buffers('float32');
  if (!zc) throw new Error('WebAssembly SIMD is not available');
  zc.frame.set(frame);
  /** Frames/s of `f` over `reps` rounds of `n` frames: the median and best round, wall and CPU. */
  const rate = (f: () => void, n = 100, reps = 7) => {
    for (let k = 0; k < 20; k++) f();
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < reps; r++) {
      const c0 = cpuMs();
      const t0 = performance.now();
      for (let k = 0; k < n; k++) f();
      wall.push((n * 1000) / (performance.now() - t0));
      cpu.push((n * 1000) / Math.max(1e-3, cpuMs() - c0));
    }
    return `median ${median(wall).toFixed(0)}, best ${Math.max(...wall).toFixed(0)} CSPAD frames/s wall (${median(cpu).toFixed(0)} per CPU-second)`;
  };
  console.log(`geometry: image assembly, zero-copy (frame and image in the engine memory, asm.buffers()): ${rate(() => asm.assemble(zc.frame, zc.image))}`);
  console.log(`geometry: image assembly, caller's float32 frame and image buffers (copied in and out): ${rate(() => asm.assemble(frame, out))}`);
  // raw CSPAD frames are int16; psana assembles them into an image of the same dtype
  const raw = Int16Array.from(frame, (v) => v - 500);
  const raw16 = asm.buffers('int16');
  if (!raw16) throw new Error('WebAssembly SIMD is not available');
  raw16.frame.set(raw);
  const out16 = new Int16Array(out.length);
  console.log(`geometry: raw int16 image assembly, zero-copy (decode into asm.buffers('int16').frame): ${rate(() => asm.assemble(raw16.frame, raw16.image))}`);
  console.log(`geometry: raw int16 image assembly, caller's Int16Array frame and image (copied in and out): ${rate(() => asm.assemble(raw, out16))}`);
  const big = new Float32Array(g.size);
  console.log(`geometry: reference: memcpy of one CSPAD float32 frame (TypedArray.set): ${rate(() => big.set(frame))}`);
  const t1 = performance.now();
  const nPlain = 100;
  for (let k = 0; k < nPlain; k++) imageFromPixelArrays(ix.rows, ix.cols, frame, ix.imageShape, out);
  const tPlain = (performance.now() - t1) / 1000;
  console.log(`geometry: image assembly (imageFromPixelArrays, clear + scatter): ${(nPlain / tPlain).toFixed(0)} CSPAD frames/s`);
  const copy = new Float32Array(frame.length);
  const t2 = performance.now();
  for (let k = 0; k < 50; k++) for (let i = 0; i < frame.length; i++) copy[i] = frame[i];
  console.log(`geometry: reference: plain JS copy loop of one CSPAD frame: ${(50 / ((performance.now() - t2) / 1000)).toFixed(0)} frames/s (machine speed now)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
