import { describe, expect, it } from 'vitest';
import { xtcRunFromBytes } from '../../src/detectors/runs.js';
import { syntheticRunFiles } from '../../src/synthetic/index.js';
import { Damage, TypeId } from '../../src/xtc/enums.js';
import { typeIdValue } from '../../src/xtc/header.js';
import { XtcFormatError } from '../../src/errors.js';
import { CSPAD_CONFIG_SIZES, assembleCspad, defaultCspadConfig } from '../../src/xtc/payloads/cspad.js';
import { assemblePnccd, defaultPnccdConfig, pnccdFrameSize } from '../../src/xtc/payloads/pnccd.js';
import { cameraPixels, encodeCameraFrame } from '../../src/xtc/payloads/camera.js';

const SOURCE = 'CxiDs1.0:Cspad.0';
const CFG_SIZE = CSPAD_CONFIG_SIZES[5];

/** A one-stream synthetic CSPAD run and the absolute offset of its CspadConfig v5 payload. */
function cspadRun(): { bytes: Uint8Array; cfgAt: number } {
  const { files } = syntheticRunFiles({ events: 2, seed: 3, streams: 1, detectors: [{ type: 'CSPAD' }] });
  const bytes = files[0].bytes;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const contains = typeIdValue(TypeId.CspadConfig, 5);
  for (let at = 0; at + 8 < bytes.length; at += 4) {
    if (dv.getUint32(at, true) === contains && dv.getUint32(at + 4, true) === 20 + CFG_SIZE) return { bytes, cfgAt: at + 8 };
  }
  throw new Error('no CspadConfig v5 in the synthetic run');
}

async function firstFrameError(bytes: Uint8Array): Promise<XtcFormatError> {
  for await (const ev of xtcRunFromBytes([{ name: 'e1-r0001-s00-c00.xtc', bytes }]).events()) {
    try {
      ev.frame(SOURCE);
    } catch (err) {
      expect(err).toBeInstanceOf(XtcFormatError);
      return err as XtcFormatError;
    }
    throw new Error('the frame decoded without error');
  }
  throw new Error('no event');
}

describe('CSPAD payload size must match its configuration', () => {
  it('decodes the unmodified run', async () => {
    const { bytes } = cspadRun();
    let n = 0;
    for await (const ev of xtcRunFromBytes([{ name: 'e1-r0001-s00-c00.xtc', bytes }]).events()) {
      expect(ev.frame(SOURCE)!.shape).toEqual([32, 185, 388]);
      n++;
    }
    expect(n).toBe(2);
  });

  it('a roiMask claiming fewer sections than the payload holds is a typed error naming both sizes', async () => {
    const { bytes, cfgAt } = cspadRun();
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(cfgAt + 84, 0xffffff7f, true); // quad 0 without section 7
    const err = await firstFrameError(bytes);
    const full = 4 * (32 + 8 * 185 * 388 * 2 + 4);
    expect(err.expected).toBe(`${full - 185 * 388 * 2} bytes (4 quads, 31 sections)`);
    expect(err.found).toBe(`${full} bytes`);
    expect(err.message).toMatch(/CspadElement v2 payload vs CspadConfig v5 \(quadMask 0xf, roiMask 0xffffff7f\)/);
  });

  it('quadMask 0 is a typed error, not a frame of zeros', async () => {
    const { bytes, cfgAt } = cspadRun();
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(cfgAt + 80, 0, true);
    const err = await firstFrameError(bytes);
    expect(err.expected).toBe('0 bytes (0 quads, 0 sections)');
  });

  it('a config retagged as V1 is refused for its size, at the real offset of the config payload', async () => {
    const { bytes, cfgAt } = cspadRun();
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(cfgAt - 8, typeIdValue(TypeId.CspadConfig, 1), true);
    const err = await firstFrameError(bytes);
    expect(err.offset).toBe(cfgAt);
    expect(err.expected).toBe(`${CSPAD_CONFIG_SIZES[1]} bytes`);
    expect(err.found).toBe(`${CFG_SIZE} bytes`);
  });

  it('an unknown config version names the real offset, not 0', async () => {
    const { bytes, cfgAt } = cspadRun();
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(cfgAt - 8, typeIdValue(TypeId.CspadConfig, 9), true);
    const err = await firstFrameError(bytes);
    expect(err.offset).toBe(cfgAt);
    expect(err.found).toBe('version 9');
  });
});

describe('damage-aware payload checks', () => {
  const SECT_BYTES = 185 * 388 * 2;
  const ELEMENT = 32 + 8 * SECT_BYTES + 4;

  it('CSPAD: a damaged (incomplete) contribution keeps its complete elements; an undamaged short one is an error', () => {
    const cfg = defaultCspadConfig(5);
    const payload = new Uint8Array(ELEMENT + 1000);
    const dv = new DataView(payload.buffer);
    dv.setUint32(4, 2 << 24, true); // first element is quad 2
    payload[32] = 7;
    const out = new Int16Array(32 * 185 * 388).fill(-1);
    expect(assembleCspad(payload, 2, cfg, out, 'f.xtc', 100, Damage.IncompleteContribution)).toBe(0xff << 16);
    expect(out[16 * 185 * 388]).toBe(7);
    expect(out[0]).toBe(0);
    expect(() => assembleCspad(payload, 2, cfg, out, 'f.xtc', 100)).toThrow(XtcFormatError);
  });

  it('CSPAD: an element of a quad outside quadMask, or a repeated quad, is an error', () => {
    const cfg = defaultCspadConfig(5, 0b0011);
    const payload = new Uint8Array(2 * ELEMENT);
    const out = new Int16Array(32 * 185 * 388);
    expect(() => assembleCspad(payload, 2, cfg, out)).toThrow(/quad 0 again/);
    new DataView(payload.buffer).setUint32(ELEMENT + 4, 3 << 24, true);
    expect(() => assembleCspad(payload, 2, cfg, out)).toThrow(/expected one of the configured quads not seen yet \(quadMask 0x3\), found quad 3/);
  });

  it('pnCCD: numLinks outside 1-4 and a payload longer than the links are errors', () => {
    const cfg = defaultPnccdConfig(2);
    const out = new Uint16Array(4 * 512 * 512);
    const payload = new Uint8Array(4 * pnccdFrameSize(cfg) + 4);
    expect(() => assemblePnccd(payload, cfg, out)).toThrow(/expected 2097216 bytes \(4 links\), found 2097220 bytes/);
    expect(() => assemblePnccd(payload, cfg, out, 'f', 0, Damage.IncompleteContribution)).not.toThrow();
    expect(() => assemblePnccd(payload, { ...cfg, numLinks: 1 << 30 }, out)).toThrow(/numLinks: .*expected 1-4, found 1073741824/);
  });

  it('camera: an undamaged frame longer than width·height pixels (+ padding) is an error', () => {
    const frame = encodeCameraFrame({ width: 5, height: 3, depth: 12, offset: 0 }, new Uint16Array(15));
    const longer = new Uint8Array(frame.length + 8);
    longer.set(frame);
    expect(cameraPixels(frame, (n) => new Uint16Array(n)).pixels).toHaveLength(15);
    expect(() => cameraPixels(longer, (n) => new Uint16Array(n))).toThrow(/expected 46 bytes, found 56 bytes/);
    expect(cameraPixels(longer, (n) => new Uint16Array(n), 'f', 0, Damage.IncompleteContribution).pixels).toHaveLength(15);
  });
});
