import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALIBRUN_DEFAULTS } from '../../src/calibrun/options.js';
import { type DarkRunRequest, runDarkPass } from '../../src/calibrun/dark-run.js';
import { mergeDarkPieces, runDarkPiece } from '../../src/calibrun/dark-piece.js';
import { defaultEngines } from '../../src/calibrun/engines.js';
import { toCOrder } from '../../src/io/ndarray.js';
import { writeSyntheticRun } from '../../src/node/xtc-synthetic.js';

/** A split run merged from its pieces must give bit-identical constants to one pass, whatever the split. */
const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-pieces-'));
const xtcDir = path.join(tmp, 'xtc');
beforeAll(async () => {
  await writeSyntheticRun(xtcDir, {
    experiment: 'xpptut15',
    run: 9,
    events: 70,
    seed: 5,
    streams: 2,
    darkFraction: 0.8,
    detectors: [
      { type: 'CSPAD2x2', hotFraction: 0.003, deadFraction: 0.003, saturatedFraction: 0.002 },
      { type: 'OPAL1000', width: 64, height: 48, hotFraction: 0.01, deadFraction: 0.01 },
    ],
  });
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function request(over: Partial<DarkRunRequest> = {}): DarkRunRequest {
  const d = CALIBRUN_DEFAULTS;
  return {
    open: { xtcDir, experiment: 'xpptut15' },
    runs: [9],
    detectors: ['CSPAD2x2', 'OPAL1000'],
    numEvents: 1000,
    eventCodes: [162],
    thresholds: {
      intLo: d.thr_int_min, intHi: d.thr_int_max, rmsLo: d.thr_rms_min, rmsHi: d.thr_rms_max,
      intNLo: d.intnlo, intNHi: d.intnhi, rmsNLo: d.rmsnlo, rmsNHi: d.rmsnhi, fracLm: 0.1, nrecs1: 20,
    },
    ...over,
  };
}

function arraysOf(r: Awaited<ReturnType<typeof runDarkPass>>) {
  return r.sources.map((s) => ({
    source: s.source,
    frames: s.frames,
    statistics: s.arrays.statistics,
    ...Object.fromEntries(
      (['pedestals', 'pixel_rms', 'pixel_status', 'max', 'min'] as const).map((k) => [k, Array.from(toCOrder(s.arrays[k]) as ArrayLike<number | bigint>, Number)]),
    ),
  }));
}

describe('dark pieces', () => {
  it.each([
    [3, {}],
    [4, { skipEvents: 5, numEvents: 41 }],
    [5, { numEvents: 12 }], // fewer frames than the stage-1 block
  ] as const)('%i pieces merge to the single-pass result exactly (%o)', async (n, over) => {
    const engines = defaultEngines();
    const single = await runDarkPass(request(over), engines);
    const pieces = [];
    for (let k = n - 1; k >= 0; k--) pieces.push(await runDarkPiece(request(over), engines, { index: k, count: n }));
    const merged = mergeDarkPieces(pieces);
    expect(merged.eventsUsed).toBe(single.eventsUsed);
    expect(arraysOf(merged)).toEqual(arraysOf(single));
  });

  it('refuses to merge an incomplete or inconsistent set of pieces', async () => {
    const engines = defaultEngines();
    const p0 = await runDarkPiece(request(), engines, { index: 0, count: 3 });
    const p1 = await runDarkPiece(request(), engines, { index: 1, count: 3 });
    expect(() => mergeDarkPieces([p0, p1])).toThrow(/missing 2/);
    const other = await runDarkPiece(request({ numEvents: 30 }), engines, { index: 2, count: 3 });
    expect(() => mergeDarkPieces([p0, p1, other])).toThrow(/same options/);
  });

  it('rejects a piece number outside 0..N-1', async () => {
    await expect(runDarkPiece(request(), defaultEngines(), { index: 3, count: 3 })).rejects.toThrow(/piece: expected 0\.\.2, found 3/);
  });
});
