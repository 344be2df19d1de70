import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CalibmanError } from '../../../src/errors.js';
import { EPIX100A } from '../../../src/detectors/epix100a.js';
import { EPIX10KA2M, EPIX10KAQUAD } from '../../../src/detectors/epix10ka.js';
import { TypeId } from '../../../src/xtc/enums.js';
import { decodeEpixElement, epixElementSizes } from '../../../src/xtc/payloads/epix-element.js';
import { EPIX100A_GEOMETRY, encodeEpix100aConfig } from '../../../src/xtc/payloads/epix100a.js';
import { decodeEpix10kaArray, decodeEpix10kaArrayConfig, encodeEpix10kaArrayConfig, epix10kaModeSetting } from '../../../src/xtc/payloads/epix10ka.js';
import { decodeWith, handElementV3 } from './epix-fixtures.js';

/** Run `f`; a thrown error must be a CalibmanError (a typed refusal), never anything else. */
function typedOrOk(f: () => unknown): 'ok' | 'typed' {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof CalibmanError) return 'typed';
    throw e;
  }
}

describe('Epix decoders on corrupted input: typed errors only', () => {
  const cfg100a = encodeEpix100aConfig(2);
  const element = handElementV3(704, 768, 4, 2, 4);
  const quadCfg = encodeEpix10kaArrayConfig('quad', 1, Array(4).fill(epix10kaModeSetting('FH')));

  it('Epix100a configuration with overwritten head words and truncation', () => {
    const seen = { ok: 0, typed: 0 };
    fc.assert(
      fc.property(fc.nat(46), fc.nat(), fc.nat(cfg100a.length), (word, value, cut) => {
        const c = cfg100a.slice(0, Math.max(cut, 188));
        new DataView(c.buffer).setUint32(4 * word, value, true);
        seen[typedOrOk(() => decodeWith(EPIX100A, element, TypeId.EpixElement, 3, { [TypeId.Epix100aConfig]: [2, c] }))]++;
      }),
      { numRuns: 200, seed: 7 },
    );
    expect(seen.typed).toBeGreaterThan(0);
  });

  it('Epix ElementV2/V3 of any length', () => {
    const sizes = epixElementSizes(EPIX100A_GEOMETRY);
    fc.assert(
      fc.property(fc.nat(element.length + 16), fc.constantFrom(2, 3), fc.nat(0xffff), (len, version, damage) => {
        const body = new Uint8Array(len);
        body.set(element.subarray(0, Math.min(len, element.length)));
        typedOrOk(() => decodeEpixElement(body, version, sizes, 'x.xtc', 0, damage & 1 ? 0 : damage));
        typedOrOk(() => decodeWith(EPIX100A, body, TypeId.EpixElement, version, { [TypeId.Epix100aConfig]: [2, cfg100a] }, damage & 1 ? 0 : damage));
      }),
      { numRuns: 100, seed: 8 },
    );
  });

  it('quad/2M configurations and ArrayV1 of any length', () => {
    fc.assert(
      fc.property(fc.nat(quadCfg.length + 8), fc.nat(1_100_000), (cfgLen, dataLen) => {
        const c = new Uint8Array(cfgLen);
        c.set(quadCfg.subarray(0, Math.min(cfgLen, quadCfg.length)));
        typedOrOk(() => decodeEpix10kaArrayConfig(c, 'quad', 1));
        const d = new Uint8Array(dataLen);
        typedOrOk(() => decodeEpix10kaArray(d, 4));
        typedOrOk(() => decodeWith(EPIX10KAQUAD, d, TypeId.Epix10kaArray, 1, { [TypeId.Epix10kaQuadConfig]: [1, c] }));
        typedOrOk(() => decodeWith(EPIX10KA2M, d, TypeId.Epix10kaArray, 1, { [TypeId.Epix10ka2MConfig]: [1, c] }));
      }),
      { numRuns: 40, seed: 9 },
    );
  });
});
