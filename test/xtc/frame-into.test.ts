import { describe, expect, it } from 'vitest';
import { xtcRunFromBytes } from '../../src/detectors/runs.js';
import { syntheticRunFiles } from '../../src/synthetic/index.js';

describe('decoding a frame into caller memory', () => {
  it('CSPAD and pnCCD frames are assembled in the given memory with the same pixels; other sizes fall back', async () => {
    const { files } = syntheticRunFiles({ events: 3, seed: 5, detectors: [{ type: 'CSPAD', absentSections: [3, 17] }, { type: 'CSPAD2x2' }, { type: 'PNCCD' }] });
    const sources = ['CxiDs1.0:Cspad.0', 'MecTargetChamber.0:Cspad2x2.1', 'Camp.0:pnCCD.1'];
    let checked = 0;
    const plain: Uint8Array[][] = [];
    for await (const ev of xtcRunFromBytes(files).events()) {
      plain.push(
        sources.map((s) => {
          const d = ev.frame(s)!.data as Int16Array | Uint16Array;
          return new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength));
        }),
      );
    }
    let e = 0;
    for await (const ev of xtcRunFromBytes(files).events()) {
      sources.forEach((s, k) => {
        const n = plain[e][k].length / 2;
        const slot = new Uint16Array(n + 8).subarray(4, 4 + n).fill(0xabcd);
        const f = ev.frame(s, slot)!;
        const d = f.data as Int16Array | Uint16Array;
        // CSPAD2x2 pixels are a zero-copy view of the datagram when aligned, so only the others use the slot
        const intoSlot = d.buffer === slot.buffer && d.byteOffset === slot.byteOffset;
        expect(intoSlot, s).toBe(k !== 1);
        expect(Buffer.from(d.buffer, d.byteOffset, d.byteLength).equals(Buffer.from(plain[e][k])), s).toBe(true);
        checked++;
      });
      // a slot of the wrong size is not used
      const small = new Uint16Array(10);
      const other = ev.frame(sources[0], small);
      expect(other!.data.buffer === small.buffer).toBe(false);
      e++;
    }
    expect(checked).toBe(9);
  });
});
