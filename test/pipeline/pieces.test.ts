import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DarkRunRequest, runDarkPass } from '../../src/pipeline/dark-pass.js';
import { mergeDarkPieces, runDarkPiece } from '../../src/pipeline/pieces.js';
import { defaultEngines } from '../../src/calibrun/engines.js';
import { darkFingerprint, splitTestRequest, writeSplitTestRun } from '../calibrun/split-helpers.js';

/** A split run merged from its pieces must give bit-identical constants to one pass, whatever the split. */
const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-pieces-'));
const xtcDir = path.join(tmp, 'xtc');
beforeAll(() => writeSplitTestRun(xtcDir, 9, 5, 70), 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const request = (over: Partial<DarkRunRequest> = {}): DarkRunRequest => splitTestRequest(xtcDir, 9, { eventCodes: [162], ...over });
const fingerprint = darkFingerprint;

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
    expect(fingerprint(merged)).toEqual(fingerprint(single));
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
