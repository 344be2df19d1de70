import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDarkOutputs } from '../../src/calibrun/dark-outputs.js';
import { defaultEngines } from '../../src/calibrun/engines.js';
import type { DarkResult } from '../../src/dark/result.js';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { fillDarkThresholds } from '../../src/pipeline/params.js';
import type { DarkArrays } from '../../src/pipeline/ports.js';

/**
 * The pipeline's per-source arrays are the kernel's result itself (one result type, the kernel's names):
 * the accumulator port hands the kernel's `DarkResult` on unchanged and its `counter` is what the work
 * files carry as `STATISTICS` (psana: frames − 1).
 */
const SOURCE = 'CxiDs1.0:Cspad.0';
const SHAPE = [2, 3];
const FRAMES = 12;

describe('kernel result as the pipeline arrays', () => {
  it('passes the DarkResult through and writes its counter as STATISTICS', async () => {
    const acc = defaultEngines().createAccumulator(fillDarkThresholds({}), SHAPE, SOURCE);
    for (let f = 0; f < FRAMES; f++) acc.add(ndarrayOf(Uint16Array.from({ length: 6 }, (_, i) => 1000 + i * 10 + ((f * 7 + i) % 5)), SHAPE));
    const arrays: DarkArrays = acc.finish();
    const kernel = arrays as DarkResult;
    expect(kernel.nFrames).toBe(FRAMES);
    expect(arrays.counter).toBe(FRAMES - 1);
    expect(kernel.counts.data.every((c) => c === FRAMES)).toBe(true);

    const dir = mkdtempSync(path.join(tmpdir(), 'calibman-kernel-arrays-'));
    const files = (await writeDarkOutputs([{ source: SOURCE, detector: 'CSPAD', frames: FRAMES, damaged: 0, shape: SHAPE, arrays }], {
      resultsDir: dir, prefix: 'clb-', experiment: 'cxi12345', run: 3, dataset: 'exp=cxi12345:run=3',
    })).get(SOURCE)!;
    for (const kind of ['ave', 'rms', 'sta', 'msk', 'max', 'min'] as const) {
      expect(readFileSync(files[kind]!, 'utf8')).toMatch(new RegExp(`^# STATISTICS +${FRAMES - 1}$`, 'm'));
    }
    expect(Object.keys(files).sort()).toEqual(['ave', 'max', 'min', 'msk', 'rms', 'sta']);
  });
});
