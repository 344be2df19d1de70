import { describe, expect, it } from 'vitest';
import { XtcFormatError } from '../../../src/errors.js';
import { EPIX100A } from '../../../src/detectors/epix100a.js';
import { TypeId } from '../../../src/xtc/enums.js';
import { decodeEpixElement, epixElementSize, epixElementSizes } from '../../../src/xtc/payloads/epix-element.js';
import { EPIX100A_GEOMETRY, decodeEpix100aConfig, encodeEpix100aConfig } from '../../../src/xtc/payloads/epix100a.js';
import { decodeWith, handConfig100aV1, handConfig100aV2, handElementV3, handPixel, unaligned } from './epix-fixtures.js';

describe('Epix100a configuration (Config100aV1/V2)', () => {
  it('decodes a hand-built Config100aV2: geometry words, carrier id, per-pixel config', () => {
    const c = decodeEpix100aConfig(handConfig100aV2(), 2);
    expect(c.geometry).toEqual(EPIX100A_GEOMETRY);
    expect(c.sizes).toEqual({ rows: 704, readableRows: 704, columns: 768, calibrationRows: 4, environmentalRows: 2, asics: 4 });
    expect(c.fields.carrierId0).toBe(0xca11);
    expect(c.fields.asicMask).toBe(0xf);
    expect(c.asics.length).toBe(4 * 25);
    expect(c.asicPixelConfigArray.length).toBe(704 * 768);
    expect(c.asicPixelConfigArray[5 * 768 + 7]).toBe(3);
    expect(c.calibPixelConfigArray.length).toBe(2 * 768);
  });

  it('decodes a hand-built Config100aV1', () => {
    const c = decodeEpix100aConfig(handConfig100aV1(), 1);
    expect(c.geometry).toEqual(EPIX100A_GEOMETRY);
    expect(c.fields.asicMask).toBe(0xf);
    expect(c.asicPixelConfigArray[5 * 768 + 7]).toBe(3);
  });

  it('encodes both versions at the sizes pdsdata gives them, and round-trips', () => {
    expect(encodeEpix100aConfig(1).length).toBe(1083424);
    expect(encodeEpix100aConfig(2).length).toBe(1083468);
    for (const v of [1, 2]) {
      const c = decodeEpix100aConfig(encodeEpix100aConfig(v, { dacSetting: 123, asicMask: 0xe }), v);
      expect(c.geometry).toEqual(EPIX100A_GEOMETRY);
      expect(c.fields.dacSetting).toBe(123);
      expect(c.fields.asicMask).toBe(0xe);
    }
  });

  it('rejects truncated, oversized and unknown-version configurations with a typed error', () => {
    const p = handConfig100aV2();
    expect(() => decodeEpix100aConfig(p.subarray(0, 100), 2)).toThrow(XtcFormatError);
    expect(() => decodeEpix100aConfig(p.subarray(0, p.length - 4), 2)).toThrow(/expected 1083468 bytes, found 1083464 bytes/);
    expect(() => decodeEpix100aConfig(p, 1)).toThrow(XtcFormatError);
    expect(() => decodeEpix100aConfig(p, 3)).toThrow(/version 1 or 2/);
    const huge = p.slice();
    new DataView(huge.buffer).setUint32(34 * 4, 0x7fffffff, true);
    expect(() => decodeEpix100aConfig(huge, 2)).toThrow(XtcFormatError);
  });
});

describe('Epix100a data (ElementV2/V3)', () => {
  const sizes = epixElementSizes(EPIX100A_GEOMETRY);
  const cfg = { [TypeId.Epix100aConfig]: [2, handConfig100aV2()] as [number, Uint8Array] };
  const hand = handElementV3(704, 768, 4, 2, 4);

  it('a hand-built ElementV3 has the size the ddl gives', () => {
    expect(hand.length).toBe(1090604);
    expect(epixElementSize(sizes)).toBe(1090604);
  });

  it('decodes the frame of a hand-built ElementV3 as (704, 768) uint16, aligned or not', () => {
    for (const body of [hand, unaligned(hand)]) {
      const f = decodeWith(EPIX100A, body, TypeId.EpixElement, 3, cfg)!;
      expect(f.shape).toEqual([704, 768]);
      expect(f.data).toBeInstanceOf(Uint16Array);
      for (const [r, c] of [[0, 0], [1, 2], [351, 383], [352, 384], [703, 767]]) expect(f.get(r, c)).toBe(handPixel(r, c));
    }
    // ElementV2 under a Config100aV1: the same frame bytes
    const v2 = decodeWith(EPIX100A, hand, TypeId.EpixElement, 2, { [TypeId.Epix100aConfig]: [1, handConfig100aV1()] })!;
    expect(v2.get(703, 767)).toBe(handPixel(703, 767));
  });

  it('exposes calibration rows, environmental rows and temperatures apart from the frame', () => {
    const e = decodeEpixElement(hand, 3, sizes);
    expect(e.header).toEqual({ vc: 1, lane: 2, acqCount: 0x1234, frameNumber: 77, ticks: 999, fiducials: 0x1ffe0 });
    expect(e.calibrationRows.length).toBe(4 * 768);
    expect(e.calibrationRows[0]).toBe(0x1000);
    expect(e.calibrationRows[4 * 768 - 1]).toBe(0x1000 + ((4 * 768 - 1) & 0xfff));
    expect(e.environmentalRows).toBeInstanceOf(Uint32Array);
    expect(e.environmentalRows.length).toBe(2 * 384);
    expect(e.environmentalRows[5]).toBe(0x10005);
    expect([...e.temperatures]).toEqual([300, 301, 302, 303]);
    expect(e.lastWord).toBe(0xdeadbeef);
    // ElementV2 has the same bytes, environmental rows read as uint16
    const v2 = decodeEpixElement(hand, 2, sizes);
    expect(v2.environmentalRows).toBeInstanceOf(Uint16Array);
    expect(v2.environmentalRows[10]).toBe(0x0005);
    expect(v2.environmentalRows[11]).toBe(0x0001);
  });

  it('rejects short and (undamaged) long payloads and a config of another geometry; needs the config', () => {
    expect(() => decodeWith(EPIX100A, hand.subarray(0, hand.length - 2), TypeId.EpixElement, 3, cfg)).toThrow(/expected 1090604 bytes, found 1090602 bytes/);
    const long = new Uint8Array(hand.length + 8);
    long.set(hand);
    expect(() => decodeWith(EPIX100A, long, TypeId.EpixElement, 3, cfg)).toThrow(XtcFormatError);
    expect(decodeWith(EPIX100A, long, TypeId.EpixElement, 3, cfg, 0x4000)!.shape).toEqual([704, 768]);
    const other = handConfig100aV2();
    new DataView(other.buffer).setUint32(35 * 4, 350, true); // 350 readable rows per ASIC
    expect(() => decodeWith(EPIX100A, hand, TypeId.EpixElement, 3, { [TypeId.Epix100aConfig]: [2, other] })).toThrow(/ElementV3 \(700x768/);
    expect(decodeWith(EPIX100A, hand, TypeId.EpixElement, 3, {})).toBeUndefined();
    expect(decodeWith(EPIX100A, hand, TypeId.EpixElement, 1, cfg)).toBeUndefined();
    expect(() => decodeWith(EPIX100A, hand, TypeId.EpixElement, 3, { [TypeId.Epix100aConfig]: [2, other.subarray(0, 50)] })).toThrow(XtcFormatError);
  });
});
