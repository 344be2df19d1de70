/** One fuzz case: the input of case `index` and the verdict on what the parser did with it. */
import { CalibmanError } from '../../src/errors.js';
import type { FuzzTarget } from './targets.js';
import { caseSeed, mutate, prng } from './mutate.js';

/** Input of case `index` of a run seeded `runSeed`: a mutated copy of one of the target's seeds. */
export function fuzzInput(target: FuzzTarget, runSeed: number, index: number): Uint8Array {
  const r = prng(caseSeed(runSeed, index));
  const seeds = target.seeds();
  const k = Math.floor(r() * seeds.length);
  return mutate(seeds[k], r, target.hotOffsets?.(k));
}

/** What a parser did with one input: accepted it, refused it with a typed error, or crashed. */
export type CaseVerdict = { kind: 'accepted' } | { kind: 'typed-error'; name: string } | { kind: 'crash'; error: string };

/** Run one case; a thrown value that is not a CalibmanError is a crash. */
export async function runFuzzCase(target: FuzzTarget, input: Uint8Array): Promise<CaseVerdict> {
  try {
    await target.run(input);
    return { kind: 'accepted' };
  } catch (err) {
    if (err instanceof CalibmanError) return { kind: 'typed-error', name: err.name };
    const e = err as Error;
    return { kind: 'crash', error: `${e?.name ?? typeof err}: ${e?.message ?? String(err)}`.slice(0, 500) + (e?.stack ? `\n${e.stack.split('\n').slice(1, 6).join('\n')}` : '') };
  }
}
