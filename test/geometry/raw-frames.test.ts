import { describe, expect, it } from 'vitest';
import { xtcRunFromBytes } from '../../src/detectors/runs.js';
import { syntheticRunFiles } from '../../src/synthetic/index.js';
import { defaultGeometryFor } from '../../src/detectors/geometry.js';
import { imageFromPixelArrays } from '../../src/geometry/image.js';

describe('raw int16 CSPAD frames decoded straight into the assembler memory', () => {
  it('every event: decoded into asm.buffers("int16").frame, assembled in place = the per-pixel scatter of the plain frame', async () => {
    const { files } = syntheticRunFiles({ events: 4, seed: 11, detectors: [{ type: 'CSPAD' }] });
    const src = 'CxiDs1.0:Cspad.0';
    const geo = defaultGeometryFor('CSPAD')!;
    const ix = geo.getPixelCoordIndexes();
    const asm = geo.imageAssembler();
    const buf = asm.buffers('int16')!;
    const [h, w] = ix.imageShape;
    const plains: Int16Array[] = [];
    for await (const ev of xtcRunFromBytes(files).events()) plains.push(Int16Array.from(ev.frame(src)!.data as Int16Array));
    let events = 0;
    for await (const ev of xtcRunFromBytes(files).events()) {
      const plain = plains[events];
      const f = ev.frame(src, buf.frame)!;
      expect(f.data === buf.frame, "decoded into the engine memory").toBe(true);
      expect(asm.assemble(buf.frame, buf.image) === buf.image).toBe(true);
      const ref = imageFromPixelArrays(ix.rows, ix.cols, plain, ix.imageShape, new Int16Array(h * w));
      expect(Buffer.from(buf.image.buffer, buf.image.byteOffset, buf.image.byteLength).equals(Buffer.from(ref.buffer))).toBe(true);
      // raw values really vary (a constant frame would hide a wrong plan)
      expect(new Set(plain.subarray(0, 5000)).size).toBeGreaterThan(100);
      events++;
    }
    expect(events).toBe(4);
  });
});
