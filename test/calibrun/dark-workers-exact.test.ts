import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DarkRunRequest, runDarkPass } from '../../src/pipeline/dark-pass.js';
import { defaultDarkWorkers } from '../../src/calibrun/dark-workers.js';
import { defaultEngines } from '../../src/calibrun/engines.js';
import type { DarkProgress } from '../../src/pipeline/progress.js';
import { availableParallelism } from 'node:os';
import { darkFingerprint, splitTestRequest, writeSplitTestRun } from './split-helpers.js';

/** Helper threads share the accumulation; the constants must be the single-thread pass's, bit for bit. */
const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-workers-'));
const xtcDir = path.join(tmp, 'xtc');
beforeAll(() => writeSplitTestRun(xtcDir, 11, 17, 64), 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const request = (over: Partial<DarkRunRequest> = {}): DarkRunRequest => splitTestRequest(xtcDir, 11, { ...over });
const fingerprint = darkFingerprint;

describe('dark pass with helper threads', () => {
  it.each([
    [2, {}],
    [3, { skipEvents: 3, numEvents: 40, eventCodes: [162] }],
  ] as const)('%i threads give the single-thread result bit for bit (%o)', async (threads, over) => {
    const single = await runDarkPass(request(over), defaultEngines());
    const seen: DarkProgress[] = [];
    const split = await runDarkPass({ ...request(over), onProgress: (p) => seen.push(p), progressIntervalSec: 0.05 }, defaultEngines(), { threads });
    expect(fingerprint(split)).toEqual(fingerprint(single));
    expect(split.files).toEqual(single.files);
    expect(seen.at(-1)).toMatchObject({ done: true, eventsUsed: single.eventsUsed, eventsRead: single.eventsRead });
  }, 60_000);

  it('reports an error with its message (unknown detector)', async () => {
    const err = await runDarkPass(request({ detectors: ['EPIX100A'] }), defaultEngines(), { threads: 2 }).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/EPIX100A/);
  }, 60_000);

  it('stops with an AbortError when aborted', async () => {
    const ac = new AbortController();
    const p = runDarkPass({ ...request(), signal: ac.signal }, defaultEngines(), { threads: 2 });
    setTimeout(() => ac.abort(), 10);
    const err = await p.catch((e) => e);
    expect(err.name).toBe('AbortError');
  }, 60_000);
});

describe('defaultDarkWorkers', () => {
  it('is CALIBMAN_WORKERS when set, else one per core, at most 4', () => {
    expect(defaultDarkWorkers({ CALIBMAN_WORKERS: '3' }, 2)).toBe(3);
    expect(defaultDarkWorkers({}, 2)).toBe(2);
    expect(defaultDarkWorkers({}, 16)).toBe(4);
    expect(defaultDarkWorkers({}, 1)).toBe(1);
    expect(defaultDarkWorkers({}, availableParallelism())).toBe(Math.max(1, Math.min(4, availableParallelism())));
    expect(() => defaultDarkWorkers({ CALIBMAN_WORKERS: 'two' }, 2)).toThrow(/CALIBMAN_WORKERS: expected a positive integer, found "two"/);
  });
});
