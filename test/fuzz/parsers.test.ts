import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TARGETS, type FuzzTarget } from './targets.js';
import { fuzzInput, runFuzzCase } from './case.js';
import { CalibmanError } from '../../src/errors.js';

/** Cases per parser in `npm test` (fixed seed: deterministic and quick; long runs: `npm run fuzz`). */
const RUNS: Readonly<Record<string, number>> = { xtc: 60, xlsx: 150, 'job-record': 150, crystfel: 150 };
const DEFAULT_RUNS = 300;

describe('fuzz: every parser throws only typed errors (short seeded run)', () => {
  it.each(TARGETS.map((t) => [t.name, t] as [string, FuzzTarget]))('%s', async (_name, target) => {
    const seen = { accepted: 0, typed: 0 };
    await fc.assert(
      fc.asyncProperty(fc.nat(), async (index) => {
        const verdict = await runFuzzCase(target, fuzzInput(target, 20261206, index));
        if (verdict.kind === 'crash') throw new Error(`case ${index}: ${verdict.error}`);
        if (verdict.kind === 'accepted') seen.accepted++;
        else seen.typed++;
      }),
      { numRuns: RUNS[target.name] ?? DEFAULT_RUNS, seed: 42, endOnFailure: true },
    );
    // the mutations must reach the parser's refusals, not only pass through unchanged inputs
    if (!target.lenient) expect(seen.typed).toBeGreaterThan(0);
    expect(seen.accepted + seen.typed).toBe(RUNS[target.name] ?? DEFAULT_RUNS);
  }, 120_000);

  it('every seed input parses (the mutations start from valid files)', async () => {
    for (const t of TARGETS) {
      for (const s of t.seeds()) expect(await runFuzzCase(t, s), t.name).toEqual({ kind: 'accepted' });
    }
  }, 60_000);

  it('counts anything but a CalibmanError as a crash', async () => {
    const base = { name: 'fake', entry: 'fake', seeds: () => [new Uint8Array(1)] };
    expect(await runFuzzCase({ ...base, run: () => JSON.parse('{') as unknown }, new Uint8Array(0))).toMatchObject({ kind: 'crash' });
    expect(await runFuzzCase({ ...base, run: () => { throw new CalibmanError('no'); } }, new Uint8Array(0))).toEqual({ kind: 'typed-error', name: 'CalibmanError' });
    expect(fuzzInput(TARGETS[3], 5, 17)).toEqual(fuzzInput(TARGETS[3], 5, 17));
  });
});
