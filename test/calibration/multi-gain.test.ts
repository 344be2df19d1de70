import { describe, expect, it } from 'vitest';
import { createDetector } from '../../src/calibration/detector.js';
import type { ConstantFile } from '../../src/calibration/constants.js';
import { parseMultiGainCommonModePars } from '../../src/calibration/gain-range.js';
import { requireDetectorType } from '../../src/detectors/registry.js';
import { CalibStoreError, ConfigError, GainModeError } from '../../src/errors.js';
import { formatNdarrayTextBytes } from '../../src/io/ndarray-text-write.js';
import { ndarrayOf } from '../../src/io/ndarray.js';
import type { TypedArray } from '../../src/io/dtype.js';

/**
 * Jungfrau and Epix10ka-family calibrated frames from constants given as bytes, against psana's definitions
 * (UtilsJungfrau.calib_jungfrau_single_panel, UtilsEpix10ka.calib_epix10ka_nda) written out here per pixel.
 */
const JF = 512 * 1024;
const EP = 352 * 384;

function file(name: string, data: TypedArray, shape: number[], fmt = '%.3f'): ConstantFile {
  return { name, bytes: formatNdarrayTextBytes(ndarrayOf(data, shape), { fmt }) };
}

/** Deterministic pseudo-random integers in [0, n). */
function rng(seed: number): (n: number) => number {
  let s = seed | 1;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

describe('Jungfrau det.calib (1 module)', () => {
  const r = rng(7);
  const ped = new Float32Array(3 * JF);
  const off = new Float32Array(3 * JF);
  const gain = new Float32Array(3 * JF);
  const status = new Uint16Array(3 * JF);
  const base = [3000, 11000, 13500];
  const g0 = [40, 1.5, 0.125];
  for (let g = 0; g < 3; g++) {
    for (let i = 0; i < JF; i++) {
      ped[g * JF + i] = base[g] + r(400) - 200 + r(1000) / 1000;
      off[g * JF + i] = g === 1 ? 2.5 : 0;
      gain[g * JF + i] = i % 4099 === 0 ? 0 : g0[g] * (1 + (i % 5) / 50);
    }
  }
  // bad in stage 0 only, in stage 2 only: both masked (psana merges the three stages)
  for (let i = 11; i < JF; i += 3001) status[i] = 1;
  for (let i = 17; i < JF; i += 2903) status[2 * JF + i] = 64;
  const files = {
    pedestals: file('pedestals', ped, [3, 1, 512, 1024]),
    pixel_offset: file('pixel_offset', off, [3, 1, 512, 1024], '%.1f'),
    pixel_gain: file('pixel_gain', gain, [3, 1, 512, 1024], '%.5f'),
    pixel_status: file('pixel_status', status, [3, 1, 512, 1024], '%d'),
  };
  const det = createDetector({ source: 'XppEndstation.0:Jungfrau.0', type: requireDetectorType('JUNGFRAU'), files });
  const P = det.pedestals()!;
  const O = new Float32Array(3 * JF);
  for (let i = 0; i < 3 * JF; i++) O[i] = Math.round(off[i] * 10) / 10;
  const G = det.gain()!;

  // raw: each pixel in a stage by its bits (00, 01, 11, and 10 = no stage), ADC within ±5 of that stage's pedestal + offset
  const raw = new Uint16Array(JF);
  const bitsOf = [0, 1, 3, 2];
  for (let i = 0; i < JF; i++) {
    const k = i % 97 === 0 ? 3 : i % 13 === 0 ? 2 : i % 7 === 0 ? 1 : 0;
    const adc = k === 3 ? 5000 + r(100) : Math.round(P[k * JF + i] + O[k * JF + i] + r(11) - 5);
    raw[i] = (adc & 0x3fff) | (bitsOf[k] << 14);
  }
  const bad = (i: number) => status[i] !== 0 || status[JF + i] !== 0 || status[2 * JF + i] !== 0;

  it('reads psana\'s (3, modules, 512, 1024) constants; shape from the pedestals; explain lists pixel_offset', () => {
    expect(det.shape).toEqual([1, 512, 1024]);
    expect(P.length).toBe(3 * JF);
    expect(det.explain().map((e) => e.type)).toContain('pixel_offset');
    expect(det.commonMode().slice(0, 4)).toEqual([7, 1, 100, 0]);
    expect(det.geometry.size).toBe(JF);
  });

  it('mask = status merged over the 3 stages, exactly', () => {
    const m = det.mask({ status: true })!;
    let wrong = 0;
    for (let i = 0; i < JF; i++) if (m[i] !== (bad(i) ? 0 : 1)) wrong++;
    expect(wrong).toBe(0);
  });

  it('--cm none: (raw & 0x3fff) − (pedestal + offset)[stage], × 1/gain[stage] (0 where gain 0), × mask; bits 10: raw & 0x3fff', () => {
    const out = det.calib(raw, { cmpars: [0] })!;
    let wrong = 0;
    let noStage = 0;
    for (let i = 0; i < JF; i++) {
      const b = raw[i] >> 14;
      const g = b === 0 ? 0 : b === 1 ? 1 : b === 3 ? 2 : -1;
      const v = raw[i] & 0x3fff;
      let want: number;
      if (g < 0) {
        want = v;
        noStage++;
      } else {
        const poff = Math.fround(P[g * JF + i] + O[g * JF + i]);
        const f = G[g * JF + i] === 0 ? 0 : Math.fround(1 / G[g * JF + i]);
        want = Math.fround(Math.fround(v - poff) * f);
      }
      if (bad(i)) want *= 0;
      if (!Object.is(out[i], want)) wrong++;
    }
    expect(noStage).toBeGreaterThan(5000);
    expect(wrong).toBe(0);
    const ranges = det.gainRanges(raw)!;
    expect([ranges[1], ranges[7], ranges[13], ranges[97]]).toEqual([0, 1, 2, -1]);
  });

  it('algorithm 7 (rows of 64-pixel banks) removes a planted per-row, per-bank offset from stage-0 good pixels only', () => {
    const withCm = new Uint16Array(raw);
    const offset = (i: number) => ((Math.floor(i / 1024) * 7 + Math.floor((i % 1024) / 64) * 3) % 41) - 20;
    for (let i = 0; i < JF; i++) {
      if (raw[i] >> 14 !== 0) continue;
      withCm[i] = (raw[i] & 0x3fff) + offset(i);
    }
    const none = det.calib(raw, { cmpars: [0] })!;
    const cm = det.calib(withCm, { cmpars: [7, 1, 100, 0] })!;
    // the per-row median of the un-offset frame is some ADU: compare corrected minus reference per row and bank
    const ref = det.calib(raw, { cmpars: [7, 1, 100, 0] })!;
    let worst = 0;
    let otherChanged = 0;
    for (let i = 0; i < JF; i++) {
      if (raw[i] >> 14 !== 0) {
        if (!Object.is(cm[i], none[i])) otherChanged++;
        continue;
      }
      if (bad(i)) {
        expect(Object.is(cm[i], 0) || Object.is(cm[i], -0)).toBe(true);
        continue;
      }
      if (G[i] === 0) continue;
      worst = Math.max(worst, Math.abs((cm[i] - ref[i]) * G[i]));
    }
    expect(otherChanged).toBe(0);
    expect(worst).toBeLessThan(1e-2);
    // without the correction the offset stays
    const plain = det.calib(withCm, { cmpars: [0] })!;
    let kept = 0;
    for (let i = 0; i < JF; i++) if (raw[i] >> 14 === 0 && !bad(i) && G[i] !== 0 && Math.abs((plain[i] - none[i]) * G[i] - offset(i)) < 1e-2) kept++;
    expect(kept).toBeGreaterThan(JF / 2);
  });

  it('without pedestals: the raw frame as float32 with a warning, and images of it', () => {
    const bare = createDetector({ source: 's', type: requireDetectorType('JUNGFRAU'), shape: [1, 512, 1024], files: {} });
    expect(bare.warnings.join('\n')).toMatch(/no pedestals/);
    expect(bare.warnings.join('\n')).toMatch(/jungfrau05m default geometry/);
    expect(Array.from(bare.calib(raw)!.subarray(0, 100))).toEqual(Array.from(raw.subarray(0, 100)));
    expect(bare.image(raw)!.length).toBe(bare.imageShape[0] * bare.imageShape[1]);
    expect(bare.gainRanges(raw)).toBeUndefined();
  });

  it('outputBuffer with the default common mode (algorithm 7, no fast path): a frame- or image-sized buffer calib fills as any other', () => {
    expect(det.usesFastPath({}, 'image')).toBe(false);
    const own = det.outputBuffer('frame');
    expect(own.length).toBe(JF);
    expect(det.outputBuffer('image').length).toBe(det.imageShape[0] * det.imageShape[1]);
    expect(det.calib(raw, { out: own })).toBe(own);
    const fresh = det.calib(raw)!;
    let diff = 0;
    for (let i = 0; i < JF; i++) if (!Object.is(own[i], fresh[i])) diff++;
    expect(diff).toBe(0);
  });

  it('refuses constants of the wrong shape and other common-mode algorithms with typed errors', () => {
    const t = requireDetectorType('JUNGFRAU');
    expect(() => createDetector({ source: 's', type: t, shape: [1, 512, 1024], files: { pedestals: file('p.data', new Float32Array(JF), [1, 512, 1024]) } }))
      .toThrow(CalibStoreError);
    expect(() => createDetector({ source: 's', type: t, shape: [1, 512, 1024], files: { pedestals: file('p.data', new Float32Array(JF), [1, 512, 1024]) } }))
      .toThrow(/expected 1572864 values \(3 gain ranges × 524288 pixels\), found 524288/);
    expect(() => createDetector({ source: 's', type: t, files: { ...files, pixel_gain: file('g.data', new Float32Array(2 * JF), [2, 1, 512, 1024]) } }))
      .toThrow(CalibStoreError);
    expect(() => det.calib(raw, { cmpars: [1, 25, 25, 100] })).toThrow(ConfigError);
    expect(() => parseMultiGainCommonModePars('3 300 50 128', 'JUNGFRAU', '--cm')).toThrow(/algorithm 7/);
    expect(parseMultiGainCommonModePars('none', 'JUNGFRAU')).toEqual([0]);
    expect(parseMultiGainCommonModePars('default', 'EPIX10KA2M').slice(0, 4)).toEqual([7, 2, 10, 10]);
  });
});

describe('Epix10ka det.calib (single panel, mixed gain modes)', () => {
  const r = rng(3);
  const ped = new Float32Array(7 * EP);
  const gain = new Float32Array(7 * EP);
  const status = new Uint8Array(7 * EP);
  for (let g = 0; g < 7; g++) {
    for (let i = 0; i < EP; i++) {
      ped[g * EP + i] = 1000 + 100 * g + r(50);
      gain[g * EP + i] = [16.4, 5.47, 0.164, 16.4, 5.47, 0.164, 0.164][g];
    }
  }
  for (let i = 5; i < EP; i += 1001) status[4 * EP + i] = 1; // AML-M bad → masked
  for (let i = 9; i < EP; i += 997) status[6 * EP + i] = 1; // AML-L bad only → not masked (psana merges FH..AML-M)
  const files = {
    pedestals: file('pedestals', ped, [7, 1, 352, 384], '%.2f'),
    pixel_gain: file('pixel_gain', gain, [7, 1, 352, 384], '%.3f'),
    pixel_status: file('pixel_status', status, [7, 1, 352, 384], '%d'),
  };
  const det = createDetector({ source: 'XcsEndstation.0:Epix10ka.0', type: requireDetectorType('EPIX10KA'), files });
  // control bits: ASIC quadrants configured FH (28), FM (12), AHL (16), AML (0); a few FL (8)
  const cbits = new Uint8Array(EP);
  for (let row = 0; row < 352; row++) {
    for (let col = 0; col < 384; col++) {
      const q = (row < 176 ? 0 : 2) + (col < 192 ? 0 : 1);
      cbits[row * 384 + col] = (row * 384 + col) % 211 === 0 ? 8 : [28, 12, 16, 0][q];
    }
  }
  const P = det.pedestals()!;
  const G = det.gain()!;
  const rangeOf = (cb: number, v: number): number => {
    const c = cb | ((v & 0x4000) >> 9);
    if ((c & 28) === 28) return 0;
    if ((c & 28) === 12) return 1;
    if ((c & 12) === 8) return 2;
    return { 16: 3, 0: 4, 48: 5, 32: 6 }[c & 60] ?? -1;
  };
  // raw: gain bit on every 5th pixel, ADC within ±3 of the pixel's range pedestal
  const raw = new Uint16Array(EP);
  for (let i = 0; i < EP; i++) {
    const bit = i % 5 === 0 ? 0x4000 : 0;
    raw[i] = Math.round(P[rangeOf(cbits[i], bit) * EP + i] + r(7) - 3) | bit;
  }

  it('7 ranges from the control bits and bit 14; default cm none-equivalent result checked per pixel', () => {
    const out = det.calib(raw, { cmpars: [0], controlBits: cbits })!;
    const counts = [0, 0, 0, 0, 0, 0, 0];
    let wrong = 0;
    for (let i = 0; i < EP; i++) {
      const g = rangeOf(cbits[i], raw[i]);
      counts[g]++;
      const masked = status[i] || status[EP + i] || status[2 * EP + i] || status[3 * EP + i] || status[4 * EP + i];
      const want = Math.fround(Math.fround((raw[i] & 0x3fff) - P[g * EP + i]) * Math.fround(1 / G[g * EP + i])) * (masked ? 0 : 1);
      if (!Object.is(out[i], want)) wrong++;
    }
    expect(counts.every((n) => n > 500)).toBe(true);
    expect(wrong).toBe(0);
    expect(Array.from(det.gainRanges(raw, { controlBits: cbits })!.subarray(0, 3))).toEqual([rangeOf(cbits[0], raw[0]), rangeOf(cbits[1], raw[1]), rangeOf(cbits[2], raw[2])]);
  });

  it('mask merges ranges FH..AML-M only (psana indexes 0-4)', () => {
    const m = det.mask({ status: true })!;
    expect(m[5]).toBe(0);
    expect(m[9]).toBe(1);
    let zeros = 0;
    for (let i = 0; i < EP; i++) zeros += m[i] ? 0 : 1;
    expect(zeros).toBe(Math.ceil((EP - 5) / 1001));
  });

  it('default common mode (7 2 10 10: columns of half panels) corrects only FH, FM, AHL-H, AML-M good pixels', () => {
    const shifted = new Uint16Array(raw);
    for (let i = 0; i < EP; i++) shifted[i] = raw[i] + ((i % 384) % 9) - 4; // per-column offset, |offset| ≤ 4 < cormax 10
    const ref = det.calib(raw, { controlBits: cbits })!;
    const cm = det.calib(shifted, { controlBits: cbits })!;
    const none = det.calib(shifted, { cmpars: [0], controlBits: cbits })!;
    const refNone = det.calib(raw, { cmpars: [0], controlBits: cbits })!;
    let worst = 0;
    let lowChanged = 0;
    for (let i = 0; i < EP; i++) {
      const g = rangeOf(cbits[i], raw[i]);
      if (g === 2 || g === 5 || g === 6) {
        if (!Object.is(cm[i], none[i])) lowChanged++;
        continue;
      }
      if (cm[i] === 0) continue;
      worst = Math.max(worst, Math.abs((cm[i] - ref[i]) * G[g * EP + i]));
    }
    expect(lowChanged).toBe(0);
    expect(worst).toBeLessThan(1e-2);
    expect(Math.abs((none[3] - refNone[3]) * G[3]) > 0.5 || (3 % 384) % 9 === 4).toBe(true);
  });

  it('without control bits (no configuration) calib says what it needs', () => {
    const fresh = createDetector({ source: 'XcsEndstation.0:Epix10ka.0', type: requireDetectorType('EPIX10KA'), files });
    expect(() => fresh.calib(raw)).toThrow(GainModeError);
    expect(() => fresh.calib(raw, { controlBits: new Uint8Array(10) })).toThrow(ConfigError);
  });
});

describe('Epix10kaQuad (4 panels)', () => {
  const panels = 4;
  const n = panels * EP;
  const ped = new Float32Array(7 * n);
  for (let g = 0; g < 7; g++) for (let i = 0; i < n; i++) ped[g * n + i] = 100 * (g + 1) + (i % 4);
  const det = createDetector({
    source: 'XcsEndstation.0:Epix10kaQuad.0',
    type: requireDetectorType('EPIX10KAQUAD'),
    files: { pedestals: file('pedestals', ped, [7, panels, 352, 384], '%d'), pixel_status: file('pixel_status', new Uint8Array(n).fill(0).map((_, i) => (i % 777 === 0 ? 1 : 0)), [panels, 352, 384], '%d') },
  });
  // panel p configured in mode FH, FM, AHL, AML; every 3rd pixel with the gain bit
  const modes = [28, 12, 16, 0];
  const cbits = new Uint8Array(n);
  for (let p = 0; p < panels; p++) cbits.fill(modes[p], p * EP, (p + 1) * EP);
  const raw = new Uint16Array(n);
  const rangeOfPanel = (p: number, bit: boolean) => (p === 0 ? 0 : p === 1 ? 1 : p === 2 ? (bit ? 5 : 3) : bit ? 6 : 4);
  for (let i = 0; i < n; i++) {
    const p = Math.floor(i / EP);
    const bit = i % 3 === 0;
    raw[i] = (100 * (rangeOfPanel(p, bit) + 1) + (i % 4) + ((i % 384) % 5) - 2) | (bit ? 0x4000 : 0);
  }

  it('each panel by its own configuration; raw-shaped status; the default geometry of the quad; --no-mask keeps bad pixels', () => {
    expect(det.geometry.size).toBe(n);
    const ranges = det.gainRanges(raw, { controlBits: cbits })!;
    for (let p = 0; p < panels; p++) {
      expect(ranges[p * EP + 1]).toBe(rangeOfPanel(p, false));
      expect(ranges[p * EP + 3]).toBe(rangeOfPanel(p, true));
    }
    const masked = det.calib(raw, { cmpars: [0], controlBits: cbits })!;
    const open = det.calib(raw, { cmpars: [0], controlBits: cbits, mask: false })!;
    let wrong = 0;
    for (let i = 0; i < n; i++) {
      const want = ((i % 384) % 5) - 2;
      if (open[i] !== want) wrong++;
      if (masked[i] !== (i % 777 === 0 ? 0 : want)) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it('algorithm 7 per panel: the per-column offset is removed on the high-range pixels of every panel', () => {
    const out = det.calib(raw, { cmpars: [7, 2, 10, 10], controlBits: cbits })!;
    let left = 0;
    let lowChanged = 0;
    for (let i = 0; i < n; i++) {
      const p = Math.floor(i / EP);
      const r = rangeOfPanel(p, i % 3 === 0);
      if (i % 777 === 0) continue;
      if (r === 5 || r === 6) {
        if (out[i] !== ((i % 384) % 5) - 2) lowChanged++;
      } else if (out[i] !== 0) left++;
    }
    expect(lowChanged).toBe(0);
    expect(left).toBe(0);
  });
});
