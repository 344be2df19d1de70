/**
 * Each bulk-copy / zero-copy frame decoder against a straightforward per-pixel reference decode: random
 * payload bytes (header, padding and trailing records random too), the reference reads every pixel with a
 * DataView at the offset the DAQ format gives (psddldata: CSPAD element header 32 bytes, pnCCD FrameV1
 * header 16, Camera FrameV1 header 16, Epix ElementV2/V3 header 32, Epix ArrayV1 header 4, Jungfrau
 * ElementV1 header 12 / V2 16 + 20 per module), aligned and one byte off alignment.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CSPAD2X2 } from '../../../src/detectors/cspad2x2.js';
import { PNCCD } from '../../../src/detectors/pnccd.js';
import { CAMERAS } from '../../../src/detectors/cameras.js';
import { EPIX100A } from '../../../src/detectors/epix100a.js';
import { EPIX10KA2M, EPIX10KAQUAD } from '../../../src/detectors/epix10ka.js';
import { JUNGFRAU } from '../../../src/detectors/jungfrau.js';
import type { DetectorType } from '../../../src/detectors/types.js';
import type { ConfigEntry } from '../../../src/xtc/decoding.js';
import { ScratchBuffers } from '../../../src/xtc/event.js';
import { TypeId } from '../../../src/xtc/enums.js';
import { defaultPnccdConfig, encodePnccdConfig } from '../../../src/xtc/payloads/pnccd.js';
import { encodeEpix100aConfig } from '../../../src/xtc/payloads/epix100a.js';
import { encodeEpix10kaArrayConfig, epix10kaModeSetting } from '../../../src/xtc/payloads/epix10ka.js';
import { defaultJungfrauConfig, encodeJungfrauConfig } from '../../../src/xtc/payloads/jungfrau.js';

/** `n` random bytes from a seed (xorshift32), placed `shift` bytes into a fresh buffer. */
function randomPayload(n: number, seed: number, shift: 0 | 1): Uint8Array {
  const b = new Uint8Array(n + shift);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < b.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    b[i] = s & 0xff;
  }
  return b.subarray(shift);
}

/** Reference: `count` little-endian 16-bit pixels from `at` of `p`, one DataView read each. */
function pixelsAt(p: Uint8Array, at: number, count: number, signed: boolean): Int32Array {
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = signed ? dv.getInt16(at + 2 * i, true) : dv.getUint16(at + 2 * i, true);
  return out;
}

/** Where two pixel arrays first differ (`length` when one is shorter), or -1 when equal. */
function firstMismatch(got: ArrayLike<number | bigint>, want: ArrayLike<number | bigint>): number {
  const n = Math.min(got.length, want.length);
  for (let i = 0; i < n; i++) if (got[i] !== want[i]) return i;
  return got.length === want.length ? -1 : n;
}

function concat(parts: Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of parts) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

function decode(type: DetectorType, typeId: number, version: number, payload: Uint8Array, configs: ConfigEntry[] = []) {
  const scratch = new ScratchBuffers();
  const ctx = { payload, typeId, version, config: (id: number) => configs.find((c) => c.typeId === id), scratch, fileOffset: 0 };
  const a = type.decode(ctx);
  if (!a) throw new Error(`${type.name} decoded nothing`);
  // decoding again into the same scratch must give the same frame (reused buffer, no stale state)
  const again = type.decode(ctx)!;
  expect(firstMismatch(again.data, a.data)).toBe(-1);
  return a;
}

const seedShift = fc.tuple(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(0 as const, 1 as const));

describe('frame decoders equal a per-pixel reference decode on random payloads', () => {
  it('CSPAD2x2: (185,388,2) int16 after the 32-byte element header', () => {
    fc.assert(
      fc.property(seedShift, ([seed, shift]) => {
        const n = 185 * 388 * 2;
        const p = randomPayload(32 + 2 * n, seed, shift);
        const a = decode(CSPAD2X2, TypeId.Cspad2x2Element, 1, p);
        expect(a.shape).toEqual([185, 388, 2]);
        expect(firstMismatch(a.data, pixelsAt(p, 32, n, true))).toBe(-1);
      }),
      { numRuns: 6 },
    );
  });

  it('pnCCD: numLinks FrameV1 blocks (16-byte header, padded to 4) stacked into (links,512,512)', () => {
    fc.assert(
      fc.property(seedShift, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 9 }), ([seed, shift], numLinks, extra) => {
        const payloadSizePerLink = 16 + 512 * 512 * 2 + extra;
        const frameSize = (16 + 2 * Math.floor((payloadSizePerLink - 16) / 2) + 3) & ~3;
        const cfg = { ...defaultPnccdConfig(2), numLinks, payloadSizePerLink };
        const p = randomPayload(numLinks * frameSize, seed, shift);
        const a = decode(PNCCD, TypeId.pnCCDframe, 1, p, [{ typeId: TypeId.pnCCDconfig, version: 2, bytes: encodePnccdConfig(cfg) }]);
        expect(a.shape).toEqual([numLinks, 512, 512]);
        const want = concat(Array.from({ length: numLinks }, (_, l) => pixelsAt(p, l * frameSize + 16, 512 * 512, false)));
        expect(firstMismatch(a.data, want)).toBe(-1);
      }),
      { numRuns: 8 },
    );
  });

  it('Camera FrameV1: (height,width) uint8 or uint16 after the 16-byte header', () => {
    const opal = CAMERAS.find((c) => c.name === 'OPAL1000')!;
    fc.assert(
      fc.property(seedShift, fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }), fc.constantFrom(8, 10, 12, 16), ([seed, shift], w, h, depth) => {
        const bpp = depth > 8 ? 2 : 1;
        const p = randomPayload((16 + w * h * bpp + 3) & ~3, seed, shift);
        const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
        dv.setUint32(0, w, true);
        dv.setUint32(4, h, true);
        dv.setUint32(8, depth, true);
        const a = decode(opal, TypeId.Frame, 1, p);
        expect(a.shape).toEqual([h, w]);
        expect(a.data).toBeInstanceOf(bpp === 1 ? Uint8Array : Uint16Array);
        expect(firstMismatch(a.data, bpp === 1 ? p.subarray(16, 16 + w * h) : pixelsAt(p, 16, w * h, false))).toBe(-1);
      }),
      { numRuns: 30 },
    );
  });

  it('Epix100a ElementV2/V3: (704,768) uint16 after the 32-byte header', () => {
    fc.assert(
      fc.property(seedShift, fc.constantFrom(2, 3), ([seed, shift], version) => {
        // frame 704·768, 4 calibration rows, 2 environmental rows (V2 u16 · 768, V3 u32 · 384), 4 temperatures, last word
        const size = 32 + (704 + 4) * 768 * 2 + 2 * 768 * 2 + 4 * 2 + 4;
        const p = randomPayload(size, seed, shift);
        const a = decode(EPIX100A, TypeId.EpixElement, version, p, [{ typeId: TypeId.Epix100aConfig, version: 2, bytes: encodeEpix100aConfig(2) }]);
        expect(a.shape).toEqual([704, 768]);
        expect(firstMismatch(a.data, pixelsAt(p, 32, 704 * 768, false))).toBe(-1);
      }),
      { numRuns: 6 },
    );
  });

  it('Epix10kaQuad / Epix10ka2M ArrayV1: (panels,352,384) uint16 after the 4-byte frame number', () => {
    fc.assert(
      fc.property(seedShift, fc.constantFrom(['quad', 4] as const, ['2m', 16] as const), ([seed, shift], [kind, panels]) => {
        // per panel: frame 352·384, 4 calibration rows, 2 environmental rows (384 u16 each), 4 temperatures
        const size = 4 + panels * (352 * 384 * 2 + 4 * 384 * 2 + 2 * 384 * 2 + 4 * 2);
        const p = randomPayload(size, seed, shift);
        const type = kind === 'quad' ? EPIX10KAQUAD : EPIX10KA2M;
        const cfgType = kind === 'quad' ? TypeId.Epix10kaQuadConfig : TypeId.Epix10ka2MConfig;
        const cfg = encodeEpix10kaArrayConfig(kind, 2, Array.from({ length: panels }, () => epix10kaModeSetting('FM')));
        const a = decode(type, TypeId.Epix10kaArray, 1, p, [{ typeId: cfgType, version: 2, bytes: cfg }]);
        expect(a.shape).toEqual([panels, 352, 384]);
        expect(firstMismatch(a.data, pixelsAt(p, 4, panels * 352 * 384, false))).toBe(-1);
      }),
      { numRuns: 4 },
    );
  });

  it('Jungfrau ElementV1/V2: (modules,512,1024) uint16 after the header (V2: 16 + 20 per module)', () => {
    fc.assert(
      fc.property(seedShift, fc.constantFrom(1, 2), fc.integer({ min: 1, max: 4 }), ([seed, shift], version, modules) => {
        const header = version === 1 ? 12 : 16 + 20 * modules;
        const n = modules * 512 * 1024;
        const p = randomPayload(header + 2 * n, seed, shift);
        const cfg = defaultJungfrauConfig(3, modules);
        const a = decode(JUNGFRAU, TypeId.JungfrauElement, version, p, [{ typeId: TypeId.JungfrauConfig, version: 3, bytes: encodeJungfrauConfig(cfg) }]);
        expect(a.shape).toEqual([modules, 512, 1024]);
        expect(firstMismatch(a.data, pixelsAt(p, header, n, false))).toBe(-1);
      }),
      { numRuns: 6 },
    );
  });
});
