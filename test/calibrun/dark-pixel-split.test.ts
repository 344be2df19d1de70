import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DarkRunRequest, runDarkPass } from '../../src/calibrun/dark-run.js';
import { mergeDarkPixelPieces, pixelRangeOf, runDarkPixelPiece } from '../../src/calibrun/dark-pixel-split.js';
import { runDarkPassByPixels } from '../../src/calibrun/dark-pixel-workers.js';
import { defaultEngines } from '../../src/calibrun/engines.js';
import { darkFingerprint, splitTestRequest, writeSplitTestRun } from './split-helpers.js';

/** Pieces by pixel ranges, concatenated, must give the single pass's constants bit for bit. */
const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-pixsplit-'));
const xtcDir = path.join(tmp, 'xtc');
beforeAll(() => writeSplitTestRun(xtcDir, 12, 23, 60), 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const request = (over: Partial<DarkRunRequest> = {}): DarkRunRequest => splitTestRequest(xtcDir, 12, { ...over });
const fingerprint = darkFingerprint;

describe('dark pass split by pixel ranges', () => {
  it('pixel ranges tile the frame', () => {
    const ranges = [0, 1, 2].map((index) => pixelRangeOf(10, { index, count: 3 }));
    expect(ranges).toEqual([{ start: 0, end: 4 }, { start: 4, end: 7 }, { start: 7, end: 10 }]);
    expect(pixelRangeOf(2, { index: 2, count: 3 })).toEqual({ start: 2, end: 2 });
  });

  it.each([
    [3, {}],
    [4, { skipEvents: 4, numEvents: 37, eventCodes: [162] }],
    [3, { numEvents: 12 }], // fewer frames than the stage-1 block: states still pending, interleaved
  ] as const)('%i in-process pieces concatenate to the single pass exactly (%o)', async (n, over) => {
    const engines = defaultEngines();
    const single = await runDarkPass(request(over), engines);
    const pieces = [];
    for (let k = n - 1; k >= 0; k--) pieces.push(await runDarkPixelPiece(request(over), engines, { index: k, count: n }));
    expect(fingerprint(mergeDarkPixelPieces(pieces))).toEqual(fingerprint(single));
  }, 60_000);

  it('refuses a missing piece', async () => {
    const engines = defaultEngines();
    const p0 = await runDarkPixelPiece(request(), engines, { index: 0, count: 3 });
    const p2 = await runDarkPixelPiece(request(), engines, { index: 2, count: 3 });
    expect(() => mergeDarkPixelPieces([p0, p2])).toThrow(/expected pieces 0\.\.2 once each/);
  });

  it('2 and 3 worker threads give the single-thread result bit for bit', async () => {
    const single = await runDarkPass(request({ eventCodes: [162] }), defaultEngines());
    for (const workers of [2, 3]) {
      const split = await runDarkPassByPixels(request({ eventCodes: [162] }), defaultEngines(), workers);
      expect(fingerprint(split)).toEqual(fingerprint(single));
    }
  }, 60_000);

  it('a worker-side error is reported (unknown detector) and an abort gives an AbortError', async () => {
    const err = await runDarkPassByPixels(request({ detectors: ['EPIX100A'] }), defaultEngines(), 2).catch((e) => e);
    expect(err.message).toMatch(/EPIX100A/);
    const ac = new AbortController();
    const p = runDarkPassByPixels({ ...request(), signal: ac.signal }, defaultEngines(), 2);
    setTimeout(() => ac.abort(), 5);
    expect((await p.catch((e) => e)).name).toBe('AbortError');
  }, 60_000);
});
