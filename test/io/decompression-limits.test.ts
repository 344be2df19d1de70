import { describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import { unzipSync, zipSync } from 'fflate';
import { readNpz, writeNpz } from '../../src/io/npz.js';
import { readMetrologyXlsx, writeMetrologyXlsx } from '../../src/metrology/xlsx-reader.js';
import { CalibmanError, DecompressionLimitError } from '../../src/errors.js';
import { readSurvey } from '../metrology/fixtures/surveys.js';

/** Add a deflated member of `n` spaces to a zip (a small file that inflates to n bytes). */
function withBomb(zip: Uint8Array, name: string, n: number): Uint8Array {
  const members = unzipSync(zip);
  members[name] = new Uint8Array(n).fill(0x20);
  return zipSync(members, { level: 1 });
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('no error thrown');
}

describe('decompression caps', () => {
  const survey = readSurvey('inputs/pypad_xpp_metrology_2013-10-09.txt');
  const book = writeMetrologyXlsx(survey);

  it('refuses an .xlsx whose members declare more than the cap, before inflating, naming the sizes', () => {
    const bomb = withBomb(book, 'xl/worksheets/sheet9.xml', 40 << 20);
    expect(bomb.length).toBeLessThan(1 << 20);
    const err = thrown(() => readMetrologyXlsx(bomb, { file: 'bomb.xlsx' }));
    expect(err).toBeInstanceOf(DecompressionLimitError);
    const e = err as DecompressionLimitError;
    expect(e.limitBytes).toBe(32 << 20);
    expect(e.declaredBytes).toBeGreaterThan(40 << 20);
    expect(e.message).toMatch(/^bomb\.xlsx: archive would decompress to \d+ bytes or more \(at member "xl\/worksheets\/sheet9\.xml"\), above the limit of 33554432 bytes/);
  });

  it('lets the caller set the cap: a larger one reads the same workbook, a tiny one refuses a normal workbook', () => {
    const bomb = withBomb(book, 'xl/extra.xml', 2 << 20);
    expect(readMetrologyXlsx(bomb, { maxUncompressedBytes: 4 << 20 }).points).toHaveLength(survey.points.length);
    expect(thrown(() => readMetrologyXlsx(bomb, { maxUncompressedBytes: 1 << 20 }))).toBeInstanceOf(DecompressionLimitError);
    expect(readMetrologyXlsx(book).points).toHaveLength(survey.points.length);
    expect(thrown(() => readMetrologyXlsx(book, { maxUncompressedBytes: 1000 }))).toBeInstanceOf(DecompressionLimitError);
  });

  it('caps .npz archives (default 1 GiB, settable)', () => {
    const npz = writeNpz({ a: ndarray(new Float64Array(1 << 18), [1 << 18]) }, { compress: true });
    expect(npz.length).toBeLessThan(1 << 16);
    expect(readNpz(npz).a.array.shape).toEqual([1 << 18]);
    const err = thrown(() => readNpz(npz, 'z.npz', { maxUncompressedBytes: 1 << 20 }));
    expect(err).toBeInstanceOf(DecompressionLimitError);
    expect((err as DecompressionLimitError).member).toBe('a.npy');
  });

  it('bounds inflation by the declared size even when the archive lies about it', () => {
    const npz = writeNpz({ a: ndarray(new Float64Array(1 << 18), [1 << 18]) }, { compress: true });
    const dv = new DataView(npz.buffer, npz.byteOffset, npz.byteLength);
    // central directory entry: signature PK\x01\x02, uncompressed size at +24
    let cd = npz.length - 22;
    while (dv.getUint32(cd, true) !== 0x02014b50) cd--;
    dv.setUint32(cd + 24, 1000, true);
    const err = thrown(() => readNpz(npz, 'lying.npz'));
    expect(err).toBeInstanceOf(CalibmanError);
    expect((err as Error).message).toMatch(/lying\.npz/);
  });
});
