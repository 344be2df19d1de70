import { describe, expect, it } from 'vitest';
import { detectorLayoutFor, detectorLayoutProblem } from '../../src/deploy/detector-layouts.js';
import { gainRangeShape } from '../../src/deploy/gain-range-layouts.js';

describe('gain-range layouts of per-pixel constants (Epix10ka family)', () => {
  it('accepts psana\'s (7, panels, 352, 384) constants with metadata for each Epix10ka type', () => {
    for (const [src, panels] of [
      ['XcsEndstation.0:Epix10ka2M.0', 16],
      ['XcsEndstation.0:Epix10kaQuad.0', 4],
      ['XcsEndstation.0:Epix10ka.1', 1],
    ] as const) {
      const exp = detectorLayoutFor(src, 'pedestals')!;
      expect(detectorLayoutProblem([7, panels, 352, 384], true, exp)).toBeUndefined();
      // without metadata psana cannot know the 4-D shape
      expect(detectorLayoutProblem([7, panels, 352, 384], false, exp)).toMatch(/must have the detector shape/);
    }
  });

  it('refuses another detector\'s seven-range shape and leaves other detectors alone', () => {
    const exp = detectorLayoutFor('XcsEndstation.0:Epix10ka2M.0', 'pixel_status')!;
    expect(detectorLayoutProblem([7, 4, 352, 384], true, exp)).toMatch(/found \(7,4,352,384\)/);
    expect(gainRangeShape('EPIX10KA2M')).toEqual([7, 16, 352, 384]);
    expect(gainRangeShape('CSPAD')).toBeUndefined();
    const cspad = detectorLayoutFor('CxiDs1.0:Cspad.0', 'pedestals')!;
    expect(detectorLayoutProblem([7, 32, 185, 388], true, cspad)).toBeDefined();
  });
});
