import { describe, expect, it } from 'vitest';
import { XtcFormatError } from '../../src/errors.js';
import { JUNGFRAU } from '../../src/detectors/jungfrau.js';
import { defaultGeometryFor, detectorTypeOfSource, getDetectorType, resolveDetectors } from '../../src/detectors/index.js';
import type { ConfigEntry, DecodeContext } from '../../src/detectors/types.js';
import { TypeId } from '../../src/xtc/enums.js';
import { defaultJungfrauConfig, encodeJungfrauConfig, encodeJungfrauElement, JungfrauGainMode } from '../../src/xtc/payloads/jungfrau.js';
import { PixelKind } from '../../src/synthetic/model.js';
import { generateSyntheticRun, syntheticRunFiles } from '../../src/synthetic/generate.js';
import { xtcRunFromBytes } from '../../src/detectors/runs.js';
import { sameValues } from '../xtc/helpers.js';
import { detectorLayoutFor, detectorLayoutProblem } from '../../src/deploy/detector-layouts.js';

function context(payload: Uint8Array, config: ConfigEntry | undefined, version = 2): DecodeContext & { allocations: number } {
  const ctx = {
    allocations: 0,
    payload,
    typeId: TypeId.JungfrauElement,
    version,
    config: (t: number) => (t === TypeId.JungfrauConfig ? config : undefined),
    buf: undefined as Uint16Array | undefined,
    scratch: {
      get<T extends Int16Array | Uint16Array | Uint8Array>(_d: string, length: number): T {
        if (!ctx.buf || ctx.buf.length !== length) {
          ctx.buf = new Uint16Array(length);
          ctx.allocations++;
        }
        return ctx.buf as T;
      },
    },
    file: 'e1-r0001-s00-c00.xtc',
    fileOffset: 1000,
  };
  return ctx;
}

describe('JUNGFRAU registry entry', () => {
  it('is found by name and by the Jungfrau device of a source, with psana calib group and types', () => {
    expect(getDetectorType('jungfrau')).toBe(JUNGFRAU);
    expect(detectorTypeOfSource('XcsEndstation.0:Jungfrau.0')).toBe(JUNGFRAU);
    expect(detectorTypeOfSource('CxiDs1.0:JungfrauSegment.0')).toBeUndefined();
    expect(JUNGFRAU.calibGroup).toBe('Jungfrau::CalibV1');
    expect(JUNGFRAU.calibTypes).toEqual(expect.arrayContaining(['pedestals', 'pixel_rms', 'pixel_status', 'pixel_gain', 'pixel_offset']));
    expect(resolveDetectors(['JUNGFRAU'], ['XcsEndstation.0:Jungfrau.0', 'CxiDs1.0:Cspad.0']).map((r) => r.source)).toEqual(['XcsEndstation.0:Jungfrau.0']);
  });

  it('lets the calib store take raw-shaped and gain-stage constants with metadata, nothing else', () => {
    const exp = detectorLayoutFor('XcsEndstation.0:Jungfrau.0', 'pedestals')!;
    expect(detectorLayoutProblem([3, 2, 512, 1024], true, exp)).toBeUndefined();
    expect(detectorLayoutProblem([8, 512, 1024], true, exp)).toBeUndefined();
    expect(detectorLayoutProblem([3, 2, 512, 1024], false, exp)).toMatch(/must be \(modules,512,1024\) or.*found \(3,2,512,1024\) \(no metadata\)/);
    expect(detectorLayoutProblem([1024, 1024], true, exp)).toMatch(/JUNGFRAU pedestals must be/);
    expect(detectorLayoutProblem([7, 1, 512, 1024], true, exp)).toBeDefined();
    expect(detectorLayoutProblem([3, 1, 352, 384], true, exp)).toBeDefined();
  });

  it('has psana default geometry for any Jungfrau: the 8-module 4M file', () => {
    const g = defaultGeometryFor(JUNGFRAU)!;
    expect(g.getPixelCoordIndexes().rows.length).toBe(8 * 512 * 1024);
  });

  it('decodes into the same scratch buffer every event, shaped (modules, rows, cols) from the configuration', () => {
    const cfg = { ...defaultJungfrauConfig(4, 3, JungfrauGainMode.ForcedGain2), numberOfRowsPerModule: 2, numberOfColumnsPerModule: 5 };
    const entry: ConfigEntry = { typeId: TypeId.JungfrauConfig, version: 4, bytes: encodeJungfrauConfig(cfg) };
    const raw = Uint16Array.from({ length: 30 }, (_, i) => 0xc000 | (i * 37));
    const ctx = context(encodeJungfrauElement(raw, 2, cfg), entry);
    const a = JUNGFRAU.decode(ctx)!;
    expect(a.shape).toEqual([3, 2, 5]);
    expect([...(a.data as Uint16Array)]).toEqual([...raw]);
    const b = JUNGFRAU.decode(ctx)!;
    expect(b.data).toBe(a.data);
    expect(ctx.allocations).toBe(1);
  });

  it('returns undefined without a configuration and refuses a payload the configuration does not fit', () => {
    const cfg = { ...defaultJungfrauConfig(2, 1), numberOfRowsPerModule: 2, numberOfColumnsPerModule: 4 };
    const entry: ConfigEntry = { typeId: TypeId.JungfrauConfig, version: 2, bytes: encodeJungfrauConfig(cfg) };
    const p = encodeJungfrauElement(new Uint16Array(8), 1, cfg);
    expect(JUNGFRAU.decode(context(p, undefined, 1))).toBeUndefined();
    expect(() => JUNGFRAU.decode(context(p, entry, 2))).toThrow(XtcFormatError);
    expect(() => JUNGFRAU.decode(context(p.subarray(0, 20), entry, 1))).toThrow(/expected 28 bytes.*found 20 bytes/);
    const broken: ConfigEntry = { typeId: TypeId.JungfrauConfig, version: 2, bytes: encodeJungfrauConfig(cfg).subarray(0, 40) };
    expect(() => JUNGFRAU.decode(context(p, broken, 1))).toThrow(/JungfrauConfig v2.*expected 60 bytes/s);
  });
});

describe('synthetic Jungfrau runs', () => {
  const spec = {
    experiment: 'xpptut15',
    run: 30,
    seed: 5,
    events: 6,
    streams: 2,
    detectors: [
      {
        type: 'JUNGFRAU',
        alias: 'jungfrau1M',
        hotFraction: 0.01,
        deadFraction: 0.01,
        jungfrau: { modules: 2, rows: 16, cols: 32, gainMode: 'ForcedGain1' as const, configVersion: 1, elementVersion: 1, wrongModeEvents: [3], badSwitchFraction: 0.02 },
      },
    ],
  };

  it('read back frame by frame as generated, with the configured gain bits', async () => {
    const gen = generateSyntheticRun(spec);
    const { truth, files } = syntheticRunFiles(spec);
    const model = truth.detectors[0];
    expect(model.shape).toEqual([2, 16, 32]);
    const jf = model.jungfrau!;
    expect(jf.stage).toBe(1);
    let n = 0;
    for await (const ev of xtcRunFromBytes(files).events()) {
      const f = ev.frame('jungfrau1M')!;
      expect(ev.detectorType('jungfrau1M')).toBe('JUNGFRAU');
      expect(f.shape).toEqual([2, 16, 32]);
      const data = f.data as Uint16Array;
      expect(sameValues(data, gen.expectedFrame(0, ev.index))).toBe(true);
      let wrong = 0;
      for (let i = 0; i < data.length; i++) {
        const expectedBits = ev.index === 3 ? 0b11 : jf.badSwitch[i] && ev.index % 2 === 0 ? 0b11 : 0b01;
        if (data[i] >> 14 !== expectedBits) wrong++;
        if (ev.index !== 3 && model.kind[i] === PixelKind.Dead) expect(data[i] & 0x3fff).toBe(0);
      }
      expect(wrong).toBe(0);
      n++;
    }
    expect(n).toBe(6);
    expect(jf.badSwitch.reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
  });

  it('keeps the per-stage maps of a detector whatever the run gain mode', () => {
    const a = generateSyntheticRun(spec).truth.detectors[0].jungfrau!;
    const b = generateSyntheticRun({ ...spec, eventSeed: 99, detectors: [{ ...spec.detectors[0], jungfrau: { ...spec.detectors[0].jungfrau, gainMode: 'Normal' as const } }] }).truth
      .detectors[0];
    expect(b.jungfrau!.stage).toBe(0);
    for (const g of [0, 1, 2]) expect(sameValues(a.pedestals[g], b.jungfrau!.pedestals[g])).toBe(true);
    expect(sameValues(b.pedestals, a.pedestals[0])).toBe(true);
  });
});
