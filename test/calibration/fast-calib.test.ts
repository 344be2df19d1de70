/**
 * The WebAssembly SIMD engine of det.calib / det.image (src/calibration/fast-calib.ts), on one thread and
 * with a helper thread, against the JavaScript path (calibrateFrame with the JavaScript common-mode engine,
 * itself checked against a plain transcription in fast-path.test.ts) and the image assembler, bit for bit,
 * over frames of a generated run with planted per-group offsets (some refused), exact halves and NaN.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { calibrateFrame, maskGainFactor } from '../../src/calibration/calibrate.js';
import { CommonModeCorrector } from '../../src/calibration/common-mode.js';
import { FastCalibEngine } from '../../src/calibration/fast-calib.js';
import { type PixelRegion, asicRegions, sectionRegions } from '../../src/calibration/regions.js';
import { defaultGeometryFor } from '../../src/detectors/geometry.js';
import { nodeCalibThreading } from '../../src/node/detector-threads.js';
import { mulberry32, gaussian } from '../../src/synthetic/prng.js';
import { firstDiff } from './bit-diff.js';

const SHAPE = [32, 185, 388];
const SIZE = 32 * 185 * 388;
const PARS = [1, 25, 25, 100, 1];

const rand = mulberry32(11);
/** Pedestals near 1200 ADU, every fifth one on an exact half (values land on x.5), a few NaN and far off. */
const ped = new Float32Array(SIZE).map((_, i) => Math.round((1200 + 40 * gaussian(rand)) * 100) / 100 + (i % 5 === 0 ? 0.5 : 0) - (i % 5 === 0 ? 0.25 : 0));
for (let i = 17; i < SIZE; i += 4999) ped[i] = NaN;
for (let i = 29; i < SIZE; i += 3001) ped[i] = i % 2 ? 3199.5 : 200 - 0.5;
const bad = new Uint8Array(SIZE).map((_, i) => (i % 211 === 0 ? 1 : 0));
const mask = new Uint8Array(SIZE).map((_, i) => (i % 37 === 0 ? 0 : 1));
const gain = new Float32Array(SIZE).map((_, i) => 0.75 + (i % 11) * 0.0625);
/** A negative gain makes the mask × gain product −0 where masked (the engine must not fold it into flags). */
const gainNeg = gain.map((g, i) => (i % 1013 === 0 ? -g : g));

/** Raw int16 frames: pedestals + noise σ 3 + photons + a per-group offset in −10…10, every fourth one 40 more (refused). */
const frames = new Map<string, Int16Array>();
function rawFrame(e: number, regions: readonly PixelRegion[]): Int16Array {
  const key = `${e}|${regions.length}`;
  const cached = frames.get(key);
  if (cached) return cached;
  const r = mulberry32(100 + e);
  const raw = new Int16Array(SIZE);
  for (let i = 0; i < SIZE; i++) {
    const p = Number.isNaN(ped[i]) ? 1200 : ped[i];
    raw[i] = Math.round(p + 3 * gaussian(r) + (r() < 0.01 ? 40 : 0));
  }
  regions.forEach((g, k) => {
    const off = ((k * 7 + e * 3) % 21) - 10 + ((2 * k + e) % 4 === 3 ? 40 : 0);
    for (let row = 0; row < g.rows; row++) for (let c = 0; c < g.cols; c++) raw[g.start + row * g.rowStep + c] += off;
  });
  frames.set(key, raw);
  return raw;
}

const engines: FastCalibEngine[] = [];
afterAll(() => engines.forEach((e) => e.close()));

function engineFor(opts: Parameters<typeof FastCalibEngine.create>[0]): FastCalibEngine {
  const e = FastCalibEngine.create(opts);
  expect(e).not.toBeNull();
  engines.push(e!);
  return e!;
}

describe('fast calibration engine equals the JavaScript path bit for bit', () => {
  const geometry = defaultGeometryFor('CSPAD')!;
  const assembler = geometry.imageAssembler();
  const [h, w] = assembler.imageShape;
  const scatter = { pixels: assembler.pixels, bins: assembler.bins, imageSize: h * w };
  const units: Array<['psana' | 'asic', PixelRegion[]]> = [['psana', sectionRegions('CSPAD', SIZE)], ['asic', asicRegions('CSPAD', SIZE)]];
  const factors: Array<[string, Float32Array | undefined]> = [
    ['no mask or gain', undefined],
    ['mask only (0/1 folded into flags)', maskGainFactor(mask, undefined, SIZE)],
    ['mask × gain', maskGainFactor(mask, gain, SIZE)],
    ['mask × gain with negative gains', maskGainFactor(mask, gainNeg, SIZE)],
  ];

  for (const [unit, regions] of units) for (const cm of [true, false]) for (const [label, factor] of factors) {
    it(`${cm ? `algorithm 1 (${unit} groups)` : `no common mode (${unit === 'asic' ? 'ASIC work groups' : 'default work groups'})`}, ${label}: frames and images, 1 and 2 threads`, () => {
      const corrector = cm ? new CommonModeCorrector(PARS, { detectorType: 'CSPAD', shape: SHAPE }, { unit, engine: 'js' }) : undefined;
      const commonMode = corrector ? { regions: corrector.regions, pars: PARS } : undefined;
      // without common mode, the ASIC case cuts the work along sensors (the scatter then follows their orientation)
      const groups = !cm && unit === 'asic' ? regions : undefined;
      const one = engineFor({ pedestals: ped, bad, factor, commonMode, groups, frame: true, image: scatter });
      const two = engineFor({ pedestals: ped, bad, factor, commonMode, groups, frame: true, image: scatter, threading: nodeCalibThreading(2) });
      expect(two.helpers).toBe(1);
      // image-only engines: with factors all +0 or 1 the masked bins are stored times 0 after the scatter
      const imageOnly = [engineFor({ pedestals: ped, bad, factor, commonMode, groups, image: scatter }), engineFor({ pedestals: ped, bad, factor, commonMode, groups, image: scatter, threading: nodeCalibThreading(2) })];
      const ref = new Float32Array(SIZE);
      let refused = 0;
      for (let e = 0; e < 2; e++) {
        const raw = rawFrame(e, regions);
        calibrateFrame(raw, ref, { pedestals: ped, commonMode: corrector, status: bad, factor });
        const refImage = assembler.assemble(ref, new Float32Array(h * w));
        for (const eng of [one, two]) {
          eng.raw.set(raw);
          eng.run('frame');
          expect(firstDiff(eng.frame!, ref)).toBe(-1);
          if (corrector) expect(Array.from(eng.corrections)).toEqual(Array.from(corrector.corrections));
          eng.run('image');
          expect(firstDiff(eng.image!, refImage)).toBe(-1);
        }
        for (const eng of imageOnly) {
          eng.raw.set(raw);
          eng.run('image');
          expect(firstDiff(eng.image!, refImage), `image-only, ${eng.helpers} helper(s)`).toBe(-1);
          if (corrector) expect(Array.from(eng.corrections)).toEqual(Array.from(corrector.corrections));
        }
        if (corrector) refused += corrector.corrections.filter(Number.isNaN).length;
      }
      // the planted offsets of 30–50 ADU are refused (|mean| > 25), the others corrected
      if (corrector) expect(refused).toBeGreaterThan(0);
      if (corrector) expect(refused).toBeLessThan(regions.length);
    });
  }

  it('bins the histogram edges and exact negative halves as psana rounds them', () => {
    // every pixel of section s is edge[s % n] after the pedestals: the correction is that value rounded, or none
    const edge = [-1000.5, -1000.49, -999.5, -2.5, -0.5, -0.25, 0.5, 2.5, 1998.5, 1999.49, 1999.5, -0.4999999701976776];
    const regions = sectionRegions('CSPAD', SIZE);
    const raw = new Int16Array(SIZE).map((_, i) => 3 + (i % 3));
    const p = new Float32Array(SIZE);
    regions.forEach((r, g) => {
      for (let k = 0; k < r.rows * r.cols; k++) p[r.start + k] = raw[r.start + k] - edge[g % edge.length];
    });
    const pars = [1, 3000, 3000, 10];
    const corrector = new CommonModeCorrector(pars, { detectorType: 'CSPAD', shape: SHAPE }, { engine: 'js' });
    const ref = calibrateFrame(raw, new Float32Array(SIZE), { pedestals: p, commonMode: corrector });
    expect(Array.from(corrector.corrections.slice(0, 11))).toEqual([NaN, -1000, -1000, -3, -1, 0, 1, 3, 1999, 1999, NaN]);
    const eng = engineFor({ pedestals: p, commonMode: { regions, pars }, frame: true });
    eng.raw.set(raw);
    eng.run('frame');
    expect(firstDiff(eng.frame!, ref)).toBe(-1);
    expect(Array.from(eng.corrections)).toEqual(Array.from(corrector.corrections));
  });

  it('rounds values one float32 step either side of every half as the JavaScript path does (all magnitudes of the histogram)', () => {
    // raw 0 and pedestal −v: the value after the pedestals is exactly v (float32); one value per section
    const f = new Float32Array(1);
    const bits = new Int32Array(f.buffer);
    const step = (x: number, d: number) => {
      f[0] = x;
      bits[0] += x >= 0 ? d : -d;
      return f[0];
    };
    const values: number[] = [];
    for (const m of [0, 1, 2, 63, 999, 1998, -1, -2, -511, -1000]) {
      const half = Math.fround(m + (m < 0 ? -0.5 : 0.5));
      values.push(step(half, -1), half, step(half, 1));
    }
    values.push(Math.fround(0.5 - 2 ** -25), -Math.fround(0.5 - 2 ** -25));
    const regions = sectionRegions('CSPAD', SIZE);
    const raw = new Int16Array(SIZE);
    const p = new Float32Array(SIZE);
    regions.forEach((r, g) => p.fill(-values[g % values.length], r.start, r.start + r.rows * r.cols));
    const pars = [1, 3000, 3000, 10];
    const corrector = new CommonModeCorrector(pars, { detectorType: 'CSPAD', shape: SHAPE }, { engine: 'js' });
    const ref = calibrateFrame(raw, new Float32Array(SIZE), { pedestals: p, commonMode: corrector });
    // every value is its own bin's peak: the correction is the value rounded half away from zero (none
    // outside the histogram's −1000 … 1999)
    regions.forEach((_, g) => {
      const v = values[g % values.length];
      const bin = Math.sign(v) * Math.round(Math.abs(v)) + 0;
      expect(corrector.corrections[g]).toBe(bin >= -1000 && bin <= 1999 ? bin : NaN);
    });
    const eng = engineFor({ pedestals: p, commonMode: { regions, pars }, frame: true });
    eng.raw.set(raw);
    eng.run('frame');
    expect(firstDiff(eng.frame!, ref)).toBe(-1);
    expect(Array.from(eng.corrections)).toEqual(Array.from(corrector.corrections));
  });

  it('image scatter: runs (the default), one-byte step codes and 4-byte addresses give the same image, 1 and 2 threads', () => {
    const corrector = new CommonModeCorrector(PARS, { detectorType: 'CSPAD', shape: SHAPE }, { engine: 'js' });
    const commonMode = { regions: corrector.regions, pars: PARS };
    const factor = maskGainFactor(mask, gain, SIZE);
    const raw = rawFrame(0, corrector.regions);
    const ref = calibrateFrame(raw, new Float32Array(SIZE), { pedestals: ped, commonMode: corrector, status: bad, factor });
    const refImage = assembler.assemble(ref, new Float32Array(h * w));
    for (const threading of [undefined, nodeCalibThreading(2)]) {
      for (const [runs, stepCodes, kind] of [[true, true, 'runs'], [false, true, 'steps'], [false, false, 'addresses']] as const) {
        const eng = engineFor({ pedestals: ped, bad, factor, commonMode, image: scatter, runs, stepCodes, threading });
        expect(eng.scatter).toBe(kind);
        eng.raw.set(raw);
        eng.run('image');
        expect(firstDiff(eng.image!, refImage)).toBe(-1);
      }
    }
  });

  it('a two-frame job gives each frame the values of a run of its own: frames and images, every scatter, with the helper and after it is closed', () => {
    const corrector = new CommonModeCorrector(PARS, { detectorType: 'CSPAD', shape: SHAPE }, { engine: 'js' });
    const commonMode = { regions: corrector.regions, pars: PARS };
    const factor = maskGainFactor(mask, gain, SIZE);
    const raws = [rawFrame(2, corrector.regions), rawFrame(3, corrector.regions)];
    const refFrames = raws.map((raw) => calibrateFrame(raw, new Float32Array(SIZE), { pedestals: ped, commonMode: corrector, status: bad, factor }));
    const refImages = refFrames.map((f) => assembler.assemble(f, new Float32Array(h * w)));
    for (const [runs, stepCodes, kind] of [[true, true, 'runs'], [false, true, 'steps'], [false, false, 'addresses']] as const) {
      const images = engineFor({ pedestals: ped, bad, factor, commonMode, image: scatter, runs, stepCodes, threading: nodeCalibThreading(2) });
      expect(images.scatter).toBe(kind);
      expect(images.images.length).toBe(2);
      expect(images.inputs.length).toBe(4);
      // the frames in slots 3 and 1 (the first output takes the first slot named)
      images.inputs[3].set(raws[0]);
      images.inputs[1].set(raws[1]);
      images.start('image', 3, 1);
      images.finish();
      expect(firstDiff(images.images[0], refImages[0]), kind).toBe(-1);
      expect(firstDiff(images.images[1], refImages[1]), kind).toBe(-1);
      // the corrections are the first frame's, as a run of it alone finds them (the second frame's differ)
      const paired = images.corrections.slice();
      images.inputs[0].set(raws[1]);
      images.run('image', 0);
      expect(Array.from(paired)).not.toEqual(Array.from(images.corrections));
      images.run('image', 3);
      expect(Array.from(paired)).toEqual(Array.from(images.corrections));
    }
    const frames = engineFor({ pedestals: ped, bad, factor, commonMode, frame: true, threading: nodeCalibThreading(2) });
    expect(frames.frames.length).toBe(2);
    for (const closed of [false, true]) {
      if (closed) frames.close();
      frames.inputs[0].set(raws[1]);
      frames.inputs[2].set(raws[0]);
      frames.start('frame', 2, 0);
      frames.finish();
      expect(firstDiff(frames.frames[0], refFrames[0]), `helper closed: ${closed}`).toBe(-1);
      expect(firstDiff(frames.frames[1], refFrames[1]), `helper closed: ${closed}`).toBe(-1);
    }
    // a single frame after a pair writes the first output only
    const second = frames.frames[1].slice();
    frames.run('frame', 0);
    expect(firstDiff(frames.frame!, refFrames[1])).toBe(-1);
    expect(firstDiff(frames.frames[1], second)).toBe(-1);
    // without helper threads there is one output: two-frame jobs are refused, as are slots that do not exist
    const single = engineFor({ pedestals: ped, bad, factor, commonMode, frame: true });
    expect(single.frames.length).toBe(1);
    expect(() => single.start('frame', 0, 1)).toThrow(/two-frame jobs/);
    expect(() => single.start('frame', 2)).toThrow(/input slots 0 to 1, not 2/);
  });

  it('a geometry with more than 256 distinct steps between neighbouring bins falls back to addresses', () => {
    // every pixel to a pseudo-random bin of an image twice the frame (some pixels collide: the later one wins)
    const r = mulberry32(5);
    const imageSize = 2 * SIZE;
    const pixels = Uint32Array.from({ length: SIZE }, (_, i) => i);
    const bins = Uint32Array.from({ length: SIZE }, () => Math.floor(r() * imageSize));
    const winner = new Int32Array(imageSize).fill(-1);
    for (let k = 0; k < SIZE; k++) winner[bins[k]] = k;
    const keep = Array.from({ length: SIZE }, (_, k) => winner[bins[k]] === k);
    const map = { pixels: pixels.filter((_, k) => keep[k]), bins: bins.filter((_, k) => keep[k]), imageSize };
    const groups = sectionRegions('CSPAD', SIZE);
    const raw = rawFrame(1, groups);
    const ref = calibrateFrame(raw, new Float32Array(SIZE), { pedestals: ped, status: bad });
    const refImage = new Float32Array(imageSize);
    for (let k = 0; k < map.pixels.length; k++) refImage[map.bins[k]] = ref[map.pixels[k]];
    const eng = engineFor({ pedestals: ped, bad, groups, image: map, runs: false });
    expect(eng.scatter).toBe('addresses');
    eng.raw.set(raw);
    eng.run('image');
    expect(firstDiff(eng.image!, refImage)).toBe(-1);
    // the same map as runs: almost all of length 1, a few where neighbours happen to land side by side
    const asRuns = engineFor({ pedestals: ped, bad, groups, image: map });
    expect(asRuns.scatter).toBe('runs');
    asRuns.raw.set(raw);
    asRuns.run('image');
    expect(firstDiff(asRuns.image!, refImage)).toBe(-1);
  });

  it('image scatter as runs: long runs ascending and descending, along rows and (sensors turned by 90°) columns, 1 and 2 threads', () => {
    // section s as an image block: rows along image rows (s % 4 = 0 ascending, 2 descending) or turned
    // (columns along image rows: 1 ascending, 3 descending); image lines 3 bins longer than the sensor's,
    // a break in each line after its 203rd pixel (runs of 203 and the rest), every 97th pixel nowhere
    const groups = sectionRegions('CSPAD', SIZE);
    const [rows, cols] = [185, 388];
    const block = (cols + 3) * (rows + 3);
    const pixels: number[] = [];
    const bins: number[] = [];
    groups.forEach((g, s) => {
      for (let row = 0; row < rows; row++) {
        for (let c = 0; c < cols; c++) {
          const p = g.start + row * g.rowStep + c;
          if (p % 97 === 0) continue;
          const turned = s % 2 === 1;
          const along = turned ? row : c;
          const across = turned ? c : row;
          const len = turned ? rows : cols;
          const pos = (s % 4 >= 2 ? len - 1 - along : along) + (along >= 203 ? 1 : 0);
          pixels.push(p);
          bins.push(s * block + across * (len + 3) + pos);
        }
      }
    });
    const map = { pixels: Uint32Array.from(pixels), bins: Uint32Array.from(bins), imageSize: groups.length * block };
    const raw = rawFrame(2, groups);
    const ref = calibrateFrame(raw, new Float32Array(SIZE), { pedestals: ped, status: bad });
    const refImage = new Float32Array(map.imageSize);
    for (let k = 0; k < pixels.length; k++) refImage[bins[k]] = ref[pixels[k]];
    for (const threading of [undefined, nodeCalibThreading(2)]) {
      const eng = engineFor({ pedestals: ped, bad, groups, image: map, threading });
      expect(eng.scatter).toBe('runs');
      eng.raw.set(raw);
      eng.run('image');
      expect(firstDiff(eng.image!, refImage)).toBe(-1);
    }
  });

  it('groups of a width that is not a multiple of 4 (CSPAD ASICs of 194 columns) take the scalar tail', () => {
    // covered by the asic cases above; here a frame whose tail pixels alone carry the signal
    const regions = asicRegions('CSPAD', SIZE);
    const raw = new Int16Array(SIZE).fill(1200);
    for (const r of regions) for (let row = 0; row < r.rows; row++) raw[r.start + row * r.rowStep + 192] = 1300;
    const p = new Float32Array(SIZE).fill(1199.5);
    const corrector = new CommonModeCorrector(PARS, { detectorType: 'CSPAD', shape: SHAPE }, { unit: 'asic', engine: 'js' });
    const ref = calibrateFrame(raw, new Float32Array(SIZE), { pedestals: p, commonMode: corrector });
    const eng = engineFor({ pedestals: p, commonMode: { regions, pars: PARS }, frame: true });
    eng.raw.set(raw);
    eng.run('frame');
    expect(firstDiff(eng.frame!, ref)).toBe(-1);
  });

  it('groups 1 to 20 columns wide (8 at a time, then 4, then one by one), frames and images with sensors turned or not', () => {
    // group w (1…20 columns, 6 rows) as an image block: rows along image rows, or (odd w) turned, columns along
    // image rows; mask × gain; the reference is calibrateFrame and the map applied by hand
    const widths = Array.from({ length: 20 }, (_, i) => i + 1);
    const rows = 6;
    const size = rows * widths.reduce((a, b) => a + b, 0);
    const groups: PixelRegion[] = [];
    let start = 0;
    for (const w of widths) {
      groups.push({ start, rows, cols: w, rowStep: w, colStep: 1 });
      start += rows * w;
    }
    const r = mulberry32(21);
    const p = new Float32Array(size).map(() => Math.round((1200 + 40 * gaussian(r)) * 4) / 4);
    const raw = new Int16Array(size).map((_, i) => Math.round(p[i] + 3 * gaussian(r)));
    const factor = maskGainFactor(new Uint8Array(size).map((_, i) => (i % 13 === 0 ? 0 : 1)), new Float32Array(size).map((_, i) => 0.5 + (i % 7) / 8), size)!;
    const block = 24 * 24;
    const pixels: number[] = [];
    const bins: number[] = [];
    groups.forEach((g, k) => {
      for (let row = 0; row < g.rows; row++) {
        for (let c = 0; c < g.cols; c++) {
          const turned = g.cols % 2 === 1 && g.cols > 1;
          pixels.push(g.start + row * g.cols + c);
          bins.push(k * block + (turned ? c * 24 + row : row * 24 + c));
        }
      }
    });
    const map = { pixels: Uint32Array.from(pixels), bins: Uint32Array.from(bins), imageSize: groups.length * block };
    const ref = calibrateFrame(raw, new Float32Array(size), { pedestals: p, factor });
    const refImage = new Float32Array(map.imageSize);
    for (let k = 0; k < pixels.length; k++) refImage[bins[k]] = ref[pixels[k]];
    for (const threading of [undefined, nodeCalibThreading(2)]) {
      const frames = engineFor({ pedestals: p, factor, groups, frame: true, threading });
      frames.raw.set(raw);
      frames.run('frame');
      expect(firstDiff(frames.frame!, ref)).toBe(-1);
      const images = engineFor({ pedestals: p, factor, groups, image: map, threading });
      expect(images.scatter).toBe('runs');
      images.raw.set(raw);
      images.run('image');
      expect(firstDiff(images.image!, refImage)).toBe(-1);
    }
  });
});
