import { describe, expect, it } from 'vitest';
import { XtcFormatError } from '../../../src/errors.js';
import {
  JUNGFRAU_CONFIG_SIZES,
  JungfrauGainMode,
  assembleJungfrau,
  decodeJungfrauConfig,
  defaultJungfrauConfig,
  encodeJungfrauConfig,
  encodeJungfrauElement,
  jungfrauElementSize,
  jungfrauGainIndex,
  readJungfrauElementHeader,
  type JungfrauConfig,
} from '../../../src/xtc/payloads/jungfrau.js';

/** A small configuration (tests need not move 1 MB frames). */
function smallConfig(version: number, modules = 2, rows = 4, cols = 6): JungfrauConfig {
  return { ...defaultJungfrauConfig(version, modules, JungfrauGainMode.ForcedGain1), numberOfRowsPerModule: rows, numberOfColumnsPerModule: cols };
}

function rawFrame(n: number, seed = 1): Uint16Array {
  const a = new Uint16Array(n);
  for (let i = 0; i < n; i++) a[i] = ((i * 7919 + seed * 104729) & 0x3fff) | ((i % 4) << 14);
  return a;
}

describe('JungfrauConfig', () => {
  it('has pdsdata sizes 36 / 60 / 252 / 828 for v1-v4', () => {
    expect(JUNGFRAU_CONFIG_SIZES).toEqual({ 1: 36, 2: 60, 3: 252, 4: 828 });
    for (const v of [1, 2, 3, 4]) expect(encodeJungfrauConfig(defaultJungfrauConfig(v)).length).toBe(JUNGFRAU_CONFIG_SIZES[v]);
  });

  it.each([1, 2, 3, 4])('round-trips v%i', (v) => {
    const cfg = defaultJungfrauConfig(v, v === 3 ? 8 : 2, JungfrauGainMode.FixedGain2);
    expect(decodeJungfrauConfig(encodeJungfrauConfig(cfg), v)).toEqual(cfg);
  });

  it('reads a hand-built ConfigV4 at the pdsdata offsets (doubles at 4-byte alignment)', () => {
    const p = new Uint8Array(828);
    const dv = new DataView(p.buffer);
    dv.setUint32(0, 2, true);
    dv.setUint32(4, 512, true);
    dv.setUint32(8, 1024, true);
    dv.setUint32(12, 180, true);
    dv.setUint16(16, 4, true); // ForcedGain2
    dv.setUint16(18, 1, true); // Half
    dv.setFloat64(20, 0.25, true);
    dv.setFloat64(28, 1e-5, true);
    dv.setFloat64(36, 0.0083, true);
    for (let i = 0; i < 8; i++) dv.setUint16(44 + 2 * i, 100 + i, true);
    dv.setBigUint64(60 + 24 * 31, 0x1234567890abn, true); // last of 32 module slots
    dv.setBigUint64(60 + 24 * 31 + 16, 7n, true);
    const cfg = decodeJungfrauConfig(p, 4);
    expect(cfg).toMatchObject({ numberOfModules: 2, numberOfRowsPerModule: 512, numberOfColumnsPerModule: 1024, biasVoltage: 180, gainMode: 4, speedMode: 1 });
    expect(cfg.triggerDelay).toBe(0.25);
    expect(cfg.exposureTime).toBe(1e-5);
    expect(cfg.exposurePeriod).toBe(0.0083);
    expect(cfg.dacs).toEqual([100, 101, 102, 103, 104, 105, 106, 107]);
    expect(cfg.moduleConfig).toHaveLength(32);
    expect(cfg.moduleConfig[31]).toEqual({ serialNumber: 0x1234567890abn, moduleVersion: 0n, firmwareVersion: 7n });
    expect(jungfrauGainIndex(cfg.gainMode)).toBe(2);
  });

  it('maps the configured gain modes to psana gain indexes', () => {
    expect([0, 1, 2, 3, 4, 5].map(jungfrauGainIndex)).toEqual([0, 1, 2, 1, 2, 0]);
    expect(jungfrauGainIndex(6)).toBeUndefined();
  });

  it('refuses a wrong size, an unknown version and impossible module counts with typed errors', () => {
    const good = encodeJungfrauConfig(defaultJungfrauConfig(2));
    expect(() => decodeJungfrauConfig(good.subarray(0, 59), 2, 'f.xtc', 100)).toThrow(/JungfrauConfig v2.*expected 60 bytes.*found 59 bytes/s);
    expect(() => decodeJungfrauConfig(good, 5)).toThrow(XtcFormatError);
    const zero = good.slice();
    new DataView(zero.buffer).setUint32(0, 0, true);
    expect(() => decodeJungfrauConfig(zero, 2)).toThrow(/numberOfModules.*1-32.*found 0/s);
    const v3 = encodeJungfrauConfig(defaultJungfrauConfig(3));
    new DataView(v3.buffer).setUint32(0, 9, true);
    expect(() => decodeJungfrauConfig(v3, 3)).toThrow(/1-8/);
    const rows = good.slice();
    new DataView(rows.buffer).setUint32(4, 513, true);
    expect(() => decodeJungfrauConfig(rows, 2)).toThrow(/numberOfRowsPerModule/);
  });
});

describe('JungfrauElement', () => {
  it('has pdsdata sizes: v1 12 + 2N, v2 16 + 20·modules + 2N', () => {
    const cfg = defaultJungfrauConfig(3, 2);
    expect(jungfrauElementSize(1, cfg)).toBe(12 + 2 * 2 * 512 * 1024);
    expect(jungfrauElementSize(2, cfg)).toBe(16 + 40 + 2 * 2 * 512 * 1024);
  });

  it.each([
    [1, 1],
    [1, 2],
    [2, 1],
    [2, 2],
    [3, 2],
    [4, 1],
    [4, 2],
  ])('round-trips config v%i with element v%i, gain bits kept', (cv, ev) => {
    const cfg = smallConfig(cv);
    const raw = rawFrame(2 * 4 * 6, cv * 10 + ev);
    const info = [{ timestamp: 123456789012n, exposureTime: 100, moduleID: 17, xCoord: 1, yCoord: 2, zCoord: 3 }];
    const p = encodeJungfrauElement(raw, ev, cfg, { frameNumber: 42, ticks: 7, fiducials: 99, moduleInfo: info });
    const out = new Uint16Array(raw.length);
    expect(assembleJungfrau(p, ev, cfg, out)).toBe(2);
    expect(out).toEqual(raw);
    const h = readJungfrauElementHeader(p, ev, 2);
    expect(Number(h.frameNumber)).toBe(42);
    expect(h.fiducials).toBe(99);
    if (ev === 2) expect(h.moduleInfo[0]).toEqual(info[0]);
  });

  it('reads a hand-built ElementV2 at the pdsdata offsets', () => {
    const cfg = smallConfig(3, 2, 2, 3);
    const p = new Uint8Array(16 + 2 * 20 + 2 * 12);
    const dv = new DataView(p.buffer);
    dv.setBigUint64(0, 5n, true);
    dv.setUint32(8, 11, true);
    dv.setUint32(12, 0x1fffe, true);
    dv.setUint16(16 + 20 + 12, 9, true); // moduleID of module 1
    const pixels = [1, 2, 3, 4, 5, 6, 0x4000 | 100, 0xc000 | 200, 0x8000 | 300, 16383, 0, 65535];
    pixels.forEach((v, i) => dv.setUint16(56 + 2 * i, v, true));
    const out = new Uint16Array(12);
    assembleJungfrau(p, 2, cfg, out);
    expect([...out]).toEqual(pixels);
    expect(readJungfrauElementHeader(p, 2, 2).moduleInfo[1].moduleID).toBe(9);
    expect(readJungfrauElementHeader(p, 2, 2).fiducials).toBe(0x1fffe);
  });

  it('reads a hand-built ElementV1 (pixels right after the 12-byte header)', () => {
    const cfg = smallConfig(1, 1, 1, 4);
    const p = new Uint8Array(12 + 8);
    const dv = new DataView(p.buffer);
    [10, 0x4000 | 20, 0xc000 | 30, 40].forEach((v, i) => dv.setUint16(12 + 2 * i, v, true));
    const out = new Uint16Array(4);
    assembleJungfrau(p, 1, cfg, out);
    expect([...out]).toEqual([10, 0x4000 | 20, 0xc000 | 30, 40]);
  });

  it('refuses an undamaged payload of another size, naming both sizes', () => {
    const cfg = smallConfig(3);
    const p = encodeJungfrauElement(rawFrame(48), 2, cfg);
    const out = new Uint16Array(48);
    expect(() => assembleJungfrau(p.subarray(0, p.length - 2), 2, cfg, out, 'e1-r0001-s00-c00.xtc', 4096)).toThrow(
      /JungfrauElement v2 payload vs JungfrauConfig v3.*e1-r0001-s00-c00\.xtc at byte offset 4096.*expected 152 bytes.*found 150 bytes/s,
    );
    const longer = new Uint8Array(p.length + 8);
    longer.set(p);
    expect(() => assembleJungfrau(longer, 2, cfg, out)).toThrow(XtcFormatError);
    // the DAQ pads payloads to 4 bytes: a 22-byte element may come as 24
    const odd = smallConfig(1, 1, 1, 5);
    const padded = new Uint8Array(24);
    padded.set(encodeJungfrauElement(rawFrame(5), 1, odd));
    expect(jungfrauElementSize(1, odd)).toBe(22);
    expect(() => assembleJungfrau(padded, 1, odd, new Uint16Array(5))).not.toThrow();
    expect(() => assembleJungfrau(new Uint8Array(28), 1, odd, new Uint16Array(5))).toThrow(/expected 22 bytes.*found 28 bytes/);
    expect(() => assembleJungfrau(p, 3, cfg, out)).toThrow(/version 1-2/);
  });

  it('keeps the complete modules of a damaged, truncated payload and zeroes the rest', () => {
    const cfg = smallConfig(3);
    const raw = rawFrame(48);
    const p = encodeJungfrauElement(raw, 1, cfg);
    const out = new Uint16Array(48).fill(7);
    expect(assembleJungfrau(p.subarray(0, 12 + 48 + 10), 1, cfg, out, undefined, 0, 1 << 15)).toBe(1);
    expect([...out.subarray(0, 24)]).toEqual([...raw.subarray(0, 24)]);
    expect(out.subarray(24).every((v) => v === 0)).toBe(true);
    expect(assembleJungfrau(p.subarray(0, 5), 1, cfg, out, undefined, 0, 1 << 15)).toBe(0);
    expect(out.every((v) => v === 0)).toBe(true);
  });
});
