/**
 * "A new detector type is one registry entry": a Camera::FrameV1 camera the registry did not know (Zyla) is
 * registered from one call, and the reader, scans, the calib store's group, the menu and the synthetic
 * writer all follow without any other change.
 */
import { describe, expect, it } from 'vitest';
import { frameV1Camera } from '../../src/detectors/cameras.js';
import { detectorTypeOfSource, registerDetectorType } from '../../src/detectors/registry.js';
import { detectorMenuEntry, menuDetectorType } from '../../src/detectors/menu.js';
import { calibGroupForSource } from '../../src/deploy/groups.js';
import { detectorLayoutFor } from '../../src/deploy/detector-layouts.js';
import { xtcRunFromBytes } from '../../src/detectors/runs.js';
import { generateSyntheticRun, syntheticRunFiles } from '../../src/synthetic/index.js';
import { toCOrder } from '../../src/io/ndarray.js';

const SOURCE = 'XppEndstation.0:Zyla.0';

describe('adding a detector type', () => {
  it('a camera registered from one call is read, scanned, grouped and generated', async () => {
    expect(detectorTypeOfSource(SOURCE)).toBeUndefined();
    const spec = { events: 2, seed: 7, detectors: [{ type: 'ZYLA', source: SOURCE, width: 10, height: 4, depth: 16 }] };
    expect(() => syntheticRunFiles(spec)).toThrow();

    const ZYLA = frameV1Camera('ZYLA', 'Zyla', 16, undefined);
    registerDetectorType(ZYLA);
    expect(detectorTypeOfSource(`DetInfo(XppEndstation-0|Zyla-0)`)).toBe(ZYLA);
    expect(menuDetectorType(detectorMenuEntry('zyla')!)).toBe(ZYLA);
    expect(calibGroupForSource(SOURCE)).toBe('Camera::CalibV1');
    expect(detectorLayoutFor(SOURCE, 'pedestals')).toMatchObject({ detector: 'ZYLA', ndim: 2 });

    const { files } = syntheticRunFiles(spec);
    const run = generateSyntheticRun(spec);
    let n = 0;
    for await (const ev of xtcRunFromBytes(files).events()) {
      expect(ev.detectorType(SOURCE)).toBe('ZYLA');
      const f = ev.frame(SOURCE)!;
      expect(f.shape).toEqual([4, 10]);
      expect([...(toCOrder(f) as Uint16Array)]).toEqual([...run.expectedFrame(0, ev.index)]);
      n++;
    }
    expect(n).toBe(2);
    const scan = await xtcRunFromBytes(files).scan();
    expect(scan.sources.find((s) => s.source === SOURCE && s.type === 'Frame')?.detectorType).toBe('ZYLA');
  });
});
