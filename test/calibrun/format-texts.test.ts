import { describe, expect, it } from 'vitest';
import { formatNdarrayTexts, type FormatTextJob } from '../../src/calibrun/format-texts.js';
import { formatNdarrayTextBytes } from '../../src/io/ndarray-text.js';
import { referenceFormatNdarrayText } from '../io/ndarray-text-reference.js';
import { ndarrayOf } from '../../src/io/ndarray.js';

/** Texts formatted on worker threads must be the calling thread's bytes, and the string formatter's text. */
describe('formatNdarrayTexts', () => {
  // a fixed time stamp: the header would otherwise carry "now", which may tick between the two formattings
  const STAMP = '2026-01-02T03:04:05';
  const n = 4 * 6 * 10;
  // exact ties (x.125, x.375 …) exercise the round-half-even correction; negative zero and large values too
  const ave = new Float64Array(n).map((_, i) => (i % 7) * 0.125 + i * 3.375 - 40 + (i === 5 ? -0 : 0));
  const status = new BigUint64Array(n).map((_, i) => BigInt(i % 5 === 0 ? 1 << (i % 6) : 0));
  const big = new Int16Array(3 * n).map((_, i) => (i * 37) % 4096 - 2000);
  const view = big.subarray(n, 2 * n); // a view inside a larger buffer
  const jobs: FormatTextJob[] = [
    { array: ndarrayOf(ave, [4, 6, 10]), options: { fmt: '%8.2f', comments: ['DATASET  x', 'STATISTICS  99'], info: { DATE_TIME: STAMP }, dtype: 'float64' } },
    { array: ndarrayOf(status, [4, 6, 10]), options: { fmt: '%d', comments: ['ARR_TYPE  status'], info: { DATE_TIME: STAMP }, dtype: 'uint64' } },
    { array: ndarrayOf(view, [24, 10]), options: { fmt: '%d', info: { FILE_NAME: 'f.txt', DATE_TIME: STAMP }, dtype: 'int16' } },
  ];

  it('gives the same texts on 2 worker threads as in this thread', async () => {
    const here = jobs.map((j) => formatNdarrayTextBytes(j.array, j.options));
    const threaded = await formatNdarrayTexts(jobs, { workers: 2, minValues: 0 });
    expect(threaded.map((b) => Buffer.from(b).toString('latin1'))).toEqual(here.map((b) => Buffer.from(b).toString('latin1')));
    const texts = here.map((b) => new TextDecoder().decode(b));
    expect(texts).toEqual(jobs.map((j) => referenceFormatNdarrayText(j.array, j.options)));
    expect(texts[0]).toContain('-40.00');
  }, 30_000);

  it('formats in this thread below the size threshold or with one worker', async () => {
    const here = jobs.map((j) => formatNdarrayTextBytes(j.array, j.options));
    expect(await formatNdarrayTexts(jobs, { workers: 2 })).toEqual(here);
    expect(await formatNdarrayTexts(jobs, { workers: 1, minValues: 0 })).toEqual(here);
  });
});
