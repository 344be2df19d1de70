import { describe, expect, it } from 'vitest';
import { XtcFormatError } from '../../../src/errors.js';
import { EPIX10KA, EPIX10KA2M, EPIX10KAQUAD } from '../../../src/detectors/epix10ka.js';
import { TypeId } from '../../../src/xtc/enums.js';
import { decodeEpixElement, epixElementSizes } from '../../../src/xtc/payloads/epix-element.js';
import {
  EPIX10KA_GEOMETRY,
  EPIX10KA_MODE_CBITS,
  decodeEpix10kaArray,
  decodeEpix10kaArrayConfig,
  decodeEpix10kaConfig,
  encodeEpix10kaArrayConfig,
  encodeEpix10kaConfig,
  epix10kaArrayConfigSize,
  epix10kaGainModeConfig,
  epix10kaGainRange,
  epix10kaGainRanges,
  epix10kaModeSetting,
} from '../../../src/xtc/payloads/epix10ka.js';
import { EPIX10KA_GEOMETRY_WORDS, decodeWith, handElementV3, handPixel, payload, unaligned } from './epix-fixtures.js';

/**
 * Config10kaV2: 50 uint32 head words (geometry at words 32-38), char[64] firmwareHash at 200, char[256]
 * firmwareDesc at 264, 4 Asic10kaConfigV1 blocks of 26 words at 520 (trbit: word 22 bit 4), (352,384)
 * uint16 pixel config at 936, (2,384) uint8 at 271272; 272040 bytes.
 */
function handConfig10kaV2(): Uint8Array {
  const p = payload(272040);
  EPIX10KA_GEOMETRY_WORDS.forEach((v, i) => p.u32((32 + i) * 4, v));
  'abc'.split('').forEach((ch, i) => p.u8(200 + i, ch.charCodeAt(0)));
  p.u32(520 + 2 * 104 + 88, 1 << 4); // ASIC 2 trbit
  for (let i = 0; i < 352 * 384; i++) p.u16(936 + 2 * i, 12);
  p.u16(936, 8);
  return p.bytes;
}

/** Config10kaV1: the Config100aV2 head (47 words, geometry at 32-38), ASIC blocks at 188, pixel config at 604; 271708 bytes. */
function handConfig10kaV1(): Uint8Array {
  const p = payload(271708);
  EPIX10KA_GEOMETRY_WORDS.forEach((v, i) => p.u32((32 + i) * 4, v));
  p.u32(188 + 0 * 104 + 88, 1 << 4);
  p.u16(604 + 2 * (351 * 384 + 383), 12);
  return p.bytes;
}

/**
 * Config10ka2MV1: PgpEvrConfig (8 bytes: u16 enable, u8 runCode, u8 daqCode, u32 runDelay), 4 ×
 * Quad10kaConfigV1 (812 bytes; digitalCardId0 at +12), 16 × Elem10kaConfigV1 from 3256 (271532 bytes each:
 * carrierId0/1, asicMask, ASIC blocks at +12, pixel config at +428).
 */
function handConfig10ka2MV1(): Uint8Array {
  const p = payload(4347768);
  p.u16(0, 1);
  p.u8(2, 40);
  p.u8(3, 41);
  p.u32(4, 12345);
  p.u32(8 + 3 * 812 + 12, 0xabc);
  const e5 = 3256 + 5 * 271532;
  p.u32(e5, 0x5ca1);
  p.u32(e5 + 12 + 0 * 104 + 88, 1 << 4); // panel 5, ASIC 0 trbit
  for (let i = 0; i < 352 * 384; i++) p.u16(e5 + 428 + 2 * i, 12);
  return p.bytes;
}

describe('Epix10ka configurations', () => {
  it('decodes a hand-built single-module Config10kaV2 and its gain-mode bits with psana ASIC placement', () => {
    const c = decodeEpix10kaConfig(handConfig10kaV2(), 2);
    expect(c.geometry).toEqual(EPIX10KA_GEOMETRY);
    expect(c.strings.firmwareHash).toBe('abc');
    const g = epix10kaGainModeConfig(c);
    expect(g.panels).toBe(1);
    expect([...g.trbits]).toEqual([0, 0, 1, 0]);
    const cb = (r: number, col: number) => g.cbits[r * 384 + col];
    expect(cb(0, 0)).toBe(8 | 16); // pixel config 8, ASIC 2 (rows 0-175, cols 0-191) trbit
    expect(cb(175, 191)).toBe(28);
    expect(cb(0, 192)).toBe(12); // ASIC 1
    expect(cb(176, 0)).toBe(12); // ASIC 3
    expect(cb(351, 383)).toBe(12); // ASIC 0
    expect(g.panelModes).toEqual([undefined]);
  });

  it('decodes a hand-built Config10kaV1', () => {
    const c = decodeEpix10kaConfig(handConfig10kaV1(), 1);
    expect(c.sizes.readableRows).toBe(352);
    const g = epix10kaGainModeConfig(c);
    expect([...g.trbits]).toEqual([1, 0, 0, 0]);
    expect(g.cbits[351 * 384 + 383]).toBe(28); // ASIC 0 is rows 176-351, cols 192-383
    expect(g.cbits[0]).toBe(0);
  });

  it('decodes a hand-built Config10ka2MV1: EVR, quad records, per-panel config', () => {
    const c = decodeEpix10kaArrayConfig(handConfig10ka2MV1(), '2m', 1);
    expect(c.evr).toEqual({ enable: 1, runCode: 40, daqCode: 41, runDelay: 12345 });
    expect(c.quads).toHaveLength(4);
    expect(c.quads[3].fields.digitalCardId0).toBe(0xabc);
    expect(c.quads[3].words.adc.length).toBe(170);
    expect(c.elements).toHaveLength(16);
    expect(c.elements[5].carrierId0).toBe(0x5ca1);
    const g = epix10kaGainModeConfig(c);
    expect(g.panels).toBe(16);
    const at = (s: number, r: number, col: number) => g.cbits[s * 352 * 384 + r * 384 + col];
    expect(at(5, 200, 200)).toBe(28);
    expect(at(5, 0, 0)).toBe(12);
    expect(at(4, 200, 200)).toBe(0);
    expect(g.panelModes[5]).toBeUndefined();
    expect(g.panelModes.filter((m) => m === 'AML')).toHaveLength(15);
  });

  it('sizes of the quad and 2M configurations follow the ddl; encode/decode round-trips each mode', () => {
    expect(epix10kaArrayConfigSize('quad', 1)).toBe(1086948);
    expect(epix10kaArrayConfigSize('quad', 2)).toBe(1087292);
    expect(epix10kaArrayConfigSize('2m', 1)).toBe(4347768);
    expect(epix10kaArrayConfigSize('2m', 2)).toBe(4349144);
    for (const mode of ['FH', 'FM', 'FL', 'AHL', 'AML'] as const) {
      const q = decodeEpix10kaArrayConfig(encodeEpix10kaArrayConfig('quad', 2, Array(4).fill(epix10kaModeSetting(mode)), { strings: { firmwareHash: 'h' } }), 'quad', 2);
      expect(q.quads[0].strings.firmwareHash).toBe('h');
      expect(epix10kaGainModeConfig(q).panelModes).toEqual([mode, mode, mode, mode]);
      for (const v of [1, 2]) expect(epix10kaGainModeConfig(decodeEpix10kaConfig(encodeEpix10kaConfig(v, epix10kaModeSetting(mode)), v)).panelModes).toEqual([mode]);
    }
  });

  it('rejects configurations of the wrong size or version', () => {
    const c = handConfig10ka2MV1();
    expect(() => decodeEpix10kaArrayConfig(c, '2m', 2)).toThrow(/expected 4349144 bytes, found 4347768 bytes/);
    expect(() => decodeEpix10kaArrayConfig(c.subarray(0, 1000), '2m', 1)).toThrow(XtcFormatError);
    expect(() => decodeEpix10kaArrayConfig(c, 'quad', 3)).toThrow(/version 1 or 2/);
    expect(() => decodeEpix10kaConfig(handConfig10kaV2(), 1)).toThrow(XtcFormatError);
  });
});

/** ArrayV1 of a quad: frameNumber, (4,352,384) frames at 4, (4,4,384) calibration rows at 1081348, (4,2,192) uint32 at 1093636, 16 temperatures at 1099780. */
function handArrayV1Quad(): Uint8Array {
  const p = payload(1099812);
  p.u32(0, 4242);
  for (let s = 0; s < 4; s++)
    for (let r = 0; r < 352; r++)
      for (let c = 0; c < 384; c++) p.u16(4 + 2 * ((s * 352 + r) * 384 + c), ((s * 1000 + r + c) & 0x3fff) | ((r + c) % 97 === 0 ? 0x4000 : 0));
  p.u16(1081348, 0x777);
  p.u32(1093636 + 4, 0x12345678);
  p.u16(1099780 + 2 * 15, 321);
  return p.bytes;
}

describe('Epix10ka data', () => {
  it('decodes a hand-built ArrayV1 of a quad as (4, 352, 384) with the gain bit kept', () => {
    const body = handArrayV1Quad();
    const cfg = { [TypeId.Epix10kaQuadConfig]: [1, encodeEpix10kaArrayConfig('quad', 1, Array(4).fill(epix10kaModeSetting('AHL')))] as [number, Uint8Array] };
    for (const b of [body, unaligned(body)]) {
      const f = decodeWith(EPIX10KAQUAD, b, TypeId.Epix10kaArray, 1, cfg)!;
      expect(f.shape).toEqual([4, 352, 384]);
      for (const [s, r, c] of [[0, 0, 0], [1, 50, 47], [3, 351, 383], [2, 176, 192]]) {
        expect(f.get(s, r, c)).toBe(((s * 1000 + r + c) & 0x3fff) | ((r + c) % 97 === 0 ? 0x4000 : 0));
      }
    }
    const d = decodeEpix10kaArray(body, 4);
    expect(d.frameNumber).toBe(4242);
    expect(d.calibrationRows[0]).toBe(0x777);
    expect(d.environmentalRows[1]).toBe(0x12345678);
    expect(d.temperatures[15]).toBe(321);
    expect(() => decodeWith(EPIX10KAQUAD, body.subarray(0, body.length - 4), TypeId.Epix10kaArray, 1, cfg)).toThrow(/expected 1099812 bytes/);
    expect(() => decodeWith(EPIX10KA2M, body, TypeId.Epix10kaArray, 1, { [TypeId.Epix10ka2MConfig]: [1, handConfig10ka2MV1()] })).toThrow(/16 panels.*expected 4399236 bytes, found 1099812 bytes/);
    expect(decodeWith(EPIX10KAQUAD, body, TypeId.Epix10kaArray, 1, {})).toBeUndefined();
  });

  it('decodes a hand-built ArrayV1 of a 2M as (16, 352, 384)', () => {
    // frames from byte 4; panel s, row r, col c at 4 + 2·((s·352 + r)·384 + c); 4 399 236 bytes in all
    const p = payload(4399236);
    const at = (s: number, r: number, c: number) => 4 + 2 * ((s * 352 + r) * 384 + c);
    p.u16(at(0, 0, 0), 11);
    p.u16(at(7, 100, 200), 0x4000 | 1234);
    p.u16(at(15, 351, 383), 16383);
    p.u16(4 + 2 * 16 * 352 * 384, 0x5555); // first calibration-row word: not part of the frame
    const f = decodeWith(EPIX10KA2M, p.bytes, TypeId.Epix10kaArray, 1, { [TypeId.Epix10ka2MConfig]: [1, handConfig10ka2MV1()] })!;
    expect(f.shape).toEqual([16, 352, 384]);
    expect([f.get(0, 0, 0), f.get(7, 100, 200), f.get(15, 351, 383), f.get(15, 351, 382)]).toEqual([11, 0x4000 | 1234, 16383, 0]);
    expect(f.size).toBe(16 * 352 * 384);
    expect(decodeEpix10kaArray(p.bytes, 16).calibrationRows[0]).toBe(0x5555);
  });

  it('decodes a hand-built single-module ElementV3 as (352, 384)', () => {
    const body = handElementV3(352, 384, 4, 2, 4);
    expect(body.length).toBe(274988);
    const f = decodeWith(EPIX10KA, body, TypeId.EpixElement, 3, { [TypeId.Epix10kaConfig]: [2, handConfig10kaV2()] })!;
    expect(f.shape).toEqual([352, 384]);
    expect(f.get(351, 383)).toBe(handPixel(351, 383));
    expect(f.get(100, 7)).toBe(handPixel(100, 7));
    expect(decodeEpixElement(body, 3, epixElementSizes(EPIX10KA_GEOMETRY)).temperatures.length).toBe(4);
    expect(() => decodeWith(EPIX10KA, body.subarray(0, 1000), TypeId.EpixElement, 3, { [TypeId.Epix10kaConfig]: [2, handConfig10kaV2()] })).toThrow(XtcFormatError);
  });
});

describe('psana gain ranges from control bits and the data gain bit', () => {
  it('classifies the configured modes, with the data bit selecting the low range in auto modes only', () => {
    const m = EPIX10KA_MODE_CBITS;
    expect([m.FH, m.FM, m.FL, m.AHL, m.AML].map((cb) => epix10kaGainRange(cb, 1234))).toEqual([0, 1, 2, 3, 4]);
    expect([m.FH, m.FM, m.FL, m.AHL, m.AML].map((cb) => epix10kaGainRange(cb, 1234 | 0x4000))).toEqual([0, 1, 2, 5, 6]);
    expect(epix10kaGainRange(8 | 16, 0x4000)).toBe(2); // FL whatever the trbit and data bit
    expect(epix10kaGainRange(4, 0)).toBe(-1); // g without ga: no rule
    const out = epix10kaGainRanges(Uint8Array.of(16, 16, 28), Uint16Array.of(5, 0x4005, 0x4005), new Int8Array(3));
    expect([...out]).toEqual([3, 5, 0]);
    expect(() => epix10kaGainRanges(new Uint8Array(2), new Uint16Array(3), new Int8Array(3))).toThrow(RangeError);
  });
});
