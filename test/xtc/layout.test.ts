/**
 * Decoding of hand-written bytes laid out from the format reference (offsets written here with
 * DataView, independently of calibman's writer).
 */
import { describe, expect, it } from 'vitest';
import { DgramReader, TypeId, assembleCspad, assemblePnccd, bytesSource, cameraPixels, decodeCspadConfig, decodeEvrEventCodes, decodePnccdConfig, detInfoPdsName, detInfoString, encodeCspadConfig, defaultCspadConfig, encodeDgram, eventXtc, parseDetInfo, segmentXtc, sourceString, transitionName, typeIdName, walkXtc, detInfoSrc, bldInfoSrc, CSPAD_CONFIG_SIZES } from '../../src/xtc/index.js';

const SECT = 185 * 388;

describe('sources and enums', () => {
  it('prints DetInfo sources as psana does', () => {
    const phy = (32 << 24) | (0 << 16) | (10 << 8) | 0; // CxiDs1, Cspad
    expect(detInfoString(phy)).toBe('CxiDs1.0:Cspad.0');
    expect(detInfoPdsName(phy)).toBe('CxiDs1-0|Cspad-0');
    expect(detInfoString((8 << 24) | (5 << 8) | 1)).toBe('Camp.0:pnCCD.1');
    expect(detInfoString((1 << 24) | (4 << 8))).toBe('AmoIMS.0:Tm6740.0');
    expect(parseDetInfo('CxiDs1.0:Cspad.0')).toBe(phy >>> 0);
    expect(parseDetInfo('DetInfo(CxiDs1-0|Cspad-0)')).toBe(phy >>> 0);
    expect(parseDetInfo('Nowhere.0:Cspad.0')).toBeUndefined();
    expect(sourceString(bldInfoSrc(2))).toBe('BldInfo(FEEGasDetEnergy)');
    expect(sourceString(bldInfoSrc(3))).toBe('BldInfo(NH2-SB1-IPM-01)');
  });
  it('names transitions and TypeIds', () => {
    expect(transitionName(12)).toBe('L1Accept');
    expect(transitionName(13)).toBe('-Invalid-');
    expect(typeIdName(10)).toBe('RunControlConfig');
    expect(typeIdName(15)).toBe('EBeamBld');
    expect(typeIdName(28)).toBe('CspadElement');
    expect(typeIdName(123)).toBe('VimbaFrame');
  });
});

describe('datagram header', () => {
  it('writes the control byte, fiducials, vector and extents per the reference', () => {
    const leaf = { src: detInfoSrc(0x08000501), typeId: TypeId.Frame, version: 1, payload: new Uint8Array(6) };
    const bytes = encodeDgram({ transition: 12, sec: 1234, nsec: 567, fiducials: 0x1abcd, ticks: 0x123456, vector: 77, env: 5, root: eventXtc([segmentXtc([leaf], 0x0a000001)]) });
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    expect(dv.getUint32(0, true)).toBe(567);
    expect(dv.getUint32(4, true)).toBe(1234);
    expect(dv.getUint32(8, true) >>> 24).toBe(0x0c); // L1Accept, sequence type Event
    expect(dv.getUint32(8, true) & 0xffffff).toBe(0x123456);
    expect(dv.getUint32(12, true) & 0x1ffff).toBe(0x1abcd);
    expect(dv.getUint32(12, true) >>> 17).toBe(77);
    expect(dv.getUint32(16, true)).toBe(5);
    // root extent = 20 + segment(20 + leaf(20 + 8 padded))
    expect(dv.getUint32(36, true)).toBe(20 + 20 + 20 + 8);
    expect(bytes.length).toBe(20 + dv.getUint32(36, true));
    expect(dv.getUint32(32, true)).toBe((1 << 16) | 1); // Id_Xtc v1
    const depths: number[] = [];
    walkXtc(dv, 20, { base: 0 }, (n) => depths.push(n.depth));
    expect(depths).toEqual([0, 1, 2]);
  });
  it('reads a hand-written Configure header', async () => {
    const b = new Uint8Array(40);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, 999, true);
    dv.setUint32(4, 1700000000, true);
    dv.setUint32(8, 0x04000000, true);
    dv.setUint32(12, 0x1ffff, true);
    dv.setUint32(32, (1 << 16) | 1, true);
    dv.setUint32(36, 20, true);
    const r = new DgramReader(bytesSource(b));
    const d = (await r.next())!;
    expect(d.header).toMatchObject({ transition: 4, sec: 1700000000, nsec: 999, fiducials: 0x1ffff, extent: 20 });
    expect(await r.next()).toBeNull();
    expect(r.truncation).toBeUndefined();
  });
});

describe('CSPAD', () => {
  it('has the reference sizes and field offsets for config V1-V5', () => {
    expect(CSPAD_CONFIG_SIZES).toEqual({ 1: 287804, 2: 287808, 3: 287844, 4: 287892, 5: 287928 });
    const quadAt: Record<number, number> = { 1: 40, 2: 40, 3: 76, 4: 76, 5: 80 };
    const roiAt: Record<number, number> = { 2: 44, 3: 80, 4: 80, 5: 84 };
    for (const v of [1, 2, 3, 4, 5]) {
      const p = new Uint8Array(CSPAD_CONFIG_SIZES[v]);
      const dv = new DataView(p.buffer);
      dv.setUint32(quadAt[v], 0b1011, true);
      if (roiAt[v]) dv.setUint32(roiAt[v], 0xff00ff0f, true);
      dv.setUint32(quadAt[v] - 4, 0xffff, true); // AsicMask
      const cfg = decodeCspadConfig(p, v);
      expect(cfg.quadMask).toBe(0b1011);
      expect(cfg.roiMask).toBe(v === 1 ? 0xffffffff : 0xff00ff0f);
      // the encoder puts the fields back at the same places
      const again = encodeCspadConfig(cfg);
      expect(new DataView(again.buffer).getUint32(quadAt[v], true)).toBe(0b1011);
      if (roiAt[v]) expect(new DataView(again.buffer).getUint32(roiAt[v], true)).toBe(0xff00ff0f);
    }
  });

  it('assembles ElementV2 quads in any order, placing stored sections by roiMask', () => {
    // quads 3 and 1 present; quad 3 stores sections 0 and 5, quad 1 stores all 8
    const cfg = { ...defaultCspadConfig(5, 0b1010, 0), roiMask: ((0x21 << 24) | (0xff << 8)) >>> 0 };
    const elems: Uint8Array[] = [];
    for (const [q, sects] of [[3, [0, 5]], [1, [0, 1, 2, 3, 4, 5, 6, 7]]] as const) {
      const size = 32 + sects.length * SECT * 2 + 4;
      const e = new Uint8Array(size);
      const dv = new DataView(e.buffer);
      dv.setUint32(4, (q << 24) | 0x1234, true);
      sects.forEach((s, k) => {
        for (let i = 0; i < SECT; i++) dv.setInt16(32 + (k * SECT + i) * 2, q * 1000 + s * 10 + (i % 7), true);
      });
      elems.push(e);
    }
    const payload = new Uint8Array(elems[0].length + elems[1].length);
    payload.set(elems[0]);
    payload.set(elems[1], elems[0].length);
    const out = new Int16Array(32 * SECT).fill(-1);
    const written = assembleCspad(payload, 2, cfg, out);
    expect(written).toBe(((1 << 24) | (1 << 29) | (0xff << 8)) >>> 0);
    for (let sect = 0; sect < 32; sect++) {
      const q = sect >> 3;
      const s = sect & 7;
      const present = (written >>> sect) & 1;
      expect(out[sect * SECT + 3]).toBe(present ? q * 1000 + s * 10 + 3 : 0);
    }
  });

  it('assembles ElementV1 as full quads 0..nsect-1', () => {
    const cfg = decodeCspadConfig(encodeCspadConfig(defaultCspadConfig(1, 0b0001)), 1);
    const e = new Uint8Array(32 + 8 * SECT * 2 + 4);
    const dv = new DataView(e.buffer);
    for (let s = 0; s < 8; s++) dv.setInt16(32 + s * SECT * 2, 100 + s, true);
    const out = new Int16Array(32 * SECT);
    assembleCspad(e, 1, cfg, out);
    expect(out[7 * SECT]).toBe(107);
    expect(out[8 * SECT]).toBe(0);
  });
});

describe('pnCCD, camera, EVR', () => {
  it('stacks 4 pnCCD links of FrameV1 (16-byte headers)', () => {
    const cfgBytes = new Uint8Array(8);
    new DataView(cfgBytes.buffer).setUint32(0, 4, true);
    new DataView(cfgBytes.buffer).setUint32(4, 524304, true);
    const cfg = decodePnccdConfig(cfgBytes, 1);
    const payload = new Uint8Array(4 * 524304);
    const dv = new DataView(payload.buffer);
    for (let link = 0; link < 4; link++) dv.setUint16(link * 524304 + 16 + 2 * (511 * 512 + 2), 1000 + link, true);
    const out = new Uint16Array(4 * 512 * 512);
    assemblePnccd(payload, cfg, out);
    for (let link = 0; link < 4; link++) expect(out[link * 512 * 512 + 511 * 512 + 2]).toBe(1000 + link);
  });

  it('decodes Camera FrameV1 as uint8 for 8-bit and uint16 for deeper frames', () => {
    for (const depth of [8, 12]) {
      const bpp = depth > 8 ? 2 : 1;
      const p = new Uint8Array(16 + 3 * 5 * bpp + 3);
      const dv = new DataView(p.buffer);
      dv.setUint32(0, 5, true);
      dv.setUint32(4, 3, true);
      dv.setUint32(8, depth, true);
      if (bpp === 1) p[16 + 2 * 5 + 4] = 200;
      else dv.setUint16(16 + 2 * (2 * 5 + 4), 4000, true);
      const { header, pixels } = cameraPixels(p.subarray(0, 16 + 15 * bpp), (n) => new Uint16Array(n));
      expect([header.height, header.width]).toEqual([3, 5]);
      expect(pixels instanceof (bpp === 1 ? Uint8Array : Uint16Array)).toBe(true);
      expect(pixels[2 * 5 + 4]).toBe(bpp === 1 ? 200 : 4000);
    }
  });

  it('reads EVR FIFO event codes (code word at +8 of each 12-byte entry)', () => {
    const p = new Uint8Array(4 + 36);
    const dv = new DataView(p.buffer);
    dv.setUint32(0, 3, true);
    [40, 162, 140].forEach((c, i) => dv.setUint32(4 + 12 * i + 8, c, true));
    expect(decodeEvrEventCodes(p)).toEqual([40, 162, 140]);
  });
});
