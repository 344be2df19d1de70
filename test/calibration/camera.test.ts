import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatNdarrayText } from '../../src/io/ndarray-text.js';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { openDetector } from '../../src/node/detector.js';
import { writeSyntheticRun } from '../../src/node/xtc-synthetic.js';
import { generateSyntheticRun, type SyntheticRunSpec } from '../../src/synthetic/generate.js';

const SOURCE = 'XppEndstation.0:Opal1000.0';
const SPEC: SyntheticRunSpec = { experiment: 'xpp12345', run: 3, events: 2, seed: 9, detectors: [{ type: 'OPAL1000', source: SOURCE, width: 32, height: 16, depth: 12 }] };

let dir: string;
let files: string[];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'calibman-det-cam-'));
  files = (await writeSyntheticRun(join(dir, 'xtc'), SPEC)).files;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a camera (no fixed shape)', () => {
  it('takes its shape from the pedestals and its image is the frame itself', async () => {
    const ped = new Float32Array(16 * 32).map((_, i) => 30 + (i % 5) * 0.5);
    const typeDir = join(dir, 'calib', 'Camera::CalibV1', SOURCE, 'pedestals');
    mkdirSync(typeDir, { recursive: true });
    writeFileSync(join(typeDir, '0-end.data'), formatNdarrayText(ndarrayOf(ped, [16, 32]), { fmt: '%.1f' }));
    const { detector, xtcRun } = await openDetector({ calibDir: join(dir, 'calib'), source: SOURCE, run: 3, xtc: { files } });
    expect(detector.shape).toEqual([16, 32]);
    expect(detector.commonMode()).toEqual([0]);
    expect(detector.imageShape).toEqual([16, 32]);
    const gen = generateSyntheticRun(SPEC);
    for await (const ev of xtcRun!.events()) {
      const raw = gen.expectedFrame(0, ev.index);
      const want = Float32Array.from(raw, (v, i) => v - ped[i]);
      expect(detector.calib(ev)).toEqual(want);
      expect(detector.image(ev)).toEqual(want);
    }
    await xtcRun!.close();
  });

  it('without pedestals or a shape, says what to give', async () => {
    await expect(openDetector({ calibDir: join(dir, 'none'), source: SOURCE, run: 3 })).rejects.toThrow(/no fixed shape and no pedestals/);
  });
});
