import { describe, expect, it } from 'vitest';
import { xtcRunFromBytes } from '../../src/detectors/runs.js';
import { generateSyntheticRun, syntheticRunFiles } from '../../src/synthetic/index.js';
import { sameValues } from './helpers.js';

const small = { pedestal: { mean: 1000, spread: 50 } };

describe('every CSPAD config/element version combination round-trips', () => {
  const combos: [number, number][] = [[1, 1], [2, 1], [2, 2], [3, 2], [4, 2], [5, 1], [5, 2]];
  for (const [cv, ev] of combos) {
    it(`CspadConfig v${cv} + CspadElement v${ev}`, async () => {
      const spec = { events: 1, seed: cv * 10 + ev, detectors: [{ type: 'CSPAD', configVersion: cv, elementVersion: ev, quadOrder: [3, 1, 0, 2], absentSections: ev === 2 ? [0, 9, 31] : [], ...small }] };
      const { files } = syntheticRunFiles(spec);
      const gen = generateSyntheticRun(spec);
      const scan = await xtcRunFromBytes(files).scan();
      expect(scan.sources.map((s) => `${s.type}_v${s.version}`).filter((t) => t.startsWith('Cspad'))).toEqual([`CspadElement_v${ev}`, `CspadConfig_v${cv}`]);
      for await (const e of xtcRunFromBytes(files).events()) {
        const f = e.frame('CxiDs1.0:Cspad.0')!;
        expect(sameValues(f.data as Int16Array, gen.expectedFrame(0, 0))).toBe(true);
      }
    });
  }
  it('CSPAD2x2 config v1 and v2, pnCCD config v1 and v2', async () => {
    for (const v of [1, 2]) {
      const spec = { events: 1, detectors: [{ type: 'CSPAD2x2', configVersion: v }, { type: 'PNCCD', configVersion: v }] };
      const { files } = syntheticRunFiles(spec);
      const gen = generateSyntheticRun(spec);
      for await (const e of xtcRunFromBytes(files).events()) {
        expect(sameValues(e.frame('MecTargetChamber.0:Cspad2x2.1')!.data as Int16Array, gen.expectedFrame(0, 0))).toBe(true);
        expect(sameValues(e.frame('Camp.0:pnCCD.1')!.data as Uint16Array, gen.expectedFrame(1, 0))).toBe(true);
      }
    }
  });
});
