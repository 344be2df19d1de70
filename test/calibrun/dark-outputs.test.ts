import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDarkOutputs } from '../../src/calibrun/dark-outputs.js';
import type { DarkSourceResult } from '../../src/pipeline/dark-pass.js';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { openCalibStore } from '../../src/node/calib-store.js';
import { CalibStoreError } from '../../src/errors.js';
import { referenceFormatNdarrayText } from '../io/ndarray-text-reference.js';

const SOURCE = 'CxiDs1.0:Cspad.0';
const SHAPE = [4, 5, 12];
const N = 240;

function darkSource(): DarkSourceResult {
  const ped = new Float64Array(N).map((_, i) => 1000 + i * 0.125 + (i % 7) * 0.01); // exact ties at .125 steps
  const rms = new Float64Array(N).map((_, i) => (i % 11) * 0.375 + 0.005);
  const status = new BigUint64Array(N).map((_, i) => BigInt(i % 13 === 0 ? 1 << (i % 6) : 0));
  const mask = new Int16Array(N).map((_, i) => (i % 13 === 0 ? 0 : 1));
  const max = new Int16Array(N).map((_, i) => 1100 + i);
  const min = new Int32Array(N).map((_, i) => 900 - i);
  return {
    source: SOURCE, detector: 'CSPAD', frames: 100, damaged: 0, shape: SHAPE,
    arrays: {
      pedestals: ndarrayOf(ped, SHAPE), pixel_rms: ndarrayOf(rms, SHAPE), pixel_status: ndarrayOf(status, SHAPE),
      mask: ndarrayOf(mask, SHAPE), max: ndarrayOf(max, SHAPE), min: ndarrayOf(min, SHAPE), counter: 99,
      dtypes: { pedestals: 'float64', pixel_rms: 'float64', pixel_status: 'uint64', mask: 'int16', max: 'int16', min: 'int32' },
    },
  };
}

async function writeWork(dir: string, formatWorkers?: number) {
  const work = await writeDarkOutputs([darkSource()], {
    resultsDir: path.join(dir, 'work'), prefix: 'clb-', experiment: 'cxi12345', run: 7, dataset: 'exp=cxi12345:run=7',
    ...(formatWorkers ? { formatWorkers } : {}),
  });
  return work.get(SOURCE)!;
}

describe('writeDarkOutputs', () => {
  it('writes the six work files byte for byte as the string formatter would', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'calibman-outputs-'));
    const files = await writeWork(dir);
    const src = darkSource();
    const kinds = [['ave', 'pedestals', '%8.2f', 'average'], ['rms', 'pixel_rms', '%8.2f', 'RMS'], ['sta', 'pixel_status', '%d', 'status'], ['msk', 'mask', '%1d', 'mask'], ['max', 'max', '%d', 'max'], ['min', 'min', '%d', 'min']] as const;
    for (const [kind, name, fmt, arrType] of kinds) {
      const file = files[kind]!;
      const text = readFileSync(file, 'utf8');
      const head = (key: string) => new RegExp(`^# ${key} +(.*)$`, 'm').exec(text)?.[1] ?? '';
      const want = referenceFormatNdarrayText(src.arrays[name]!, {
        comments: ['DATASET  exp=cxi12345:run=7', 'STATISTICS  99', `ARR_TYPE  ${arrType}`, `SOURCE  ${SOURCE}`],
        fmt, dtype: src.arrays.dtypes![name],
        info: { HOST: head('HOST'), WORK_DIR: head('WORK_DIR'), FILE_NAME: file, UID: head('UID'), DATE_TIME: head('DATE_TIME') },
      });
      expect(text).toBe(want);
    }
    expect(readFileSync(files.ave!, 'utf8')).toContain(' 1002.62 '); // 1002.625 → even (toFixed would give 1002.63)
  });

  it('writes the same files whatever formatWorkers says', async () => {
    const a = await writeWork(mkdtempSync(path.join(tmpdir(), 'calibman-outputs-')));
    const b = await writeWork(mkdtempSync(path.join(tmpdir(), 'calibman-outputs-')), 2);
    const body = (f: string) => readFileSync(f, 'utf8').replace(/^# (DATE_TIME|FILE_NAME|WORK_DIR) .*$/gm, '');
    for (const k of ['ave', 'rms', 'sta', 'msk', 'max', 'min'] as const) expect(body(b[k]!)).toBe(body(a[k]!));
  }, 30_000);

  it('a work file corrupted between writing and deploying is refused and nothing is deployed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'calibman-outputs-'));
    const files = await writeWork(dir);
    const calib = path.join(dir, 'cxi12345', 'calib');
    mkdirSync(path.dirname(calib));
    const store = await openCalibStore(calib, { experiment: 'cxi12345' });
    const requests = (['pedestals', 'pixel_rms', 'pixel_status'] as const).map((type, i) => ({
      srcFile: [files.ave!, files.rms!, files.sta!][i], source: SOURCE, type, runRange: '7-end', comment: 'calibrun-dark', run: 7,
      // the small synthetic array is not a CSPAD's (32,185,388): only the content checks are under test here
      force: true,
    }));
    // the status file gets a NaN in place of one value
    writeFileSync(files.sta!, readFileSync(files.sta!, 'utf8').replace(/\n1 /, '\nnan '));
    await expect(store.deployAll(requests)).rejects.toThrow(/NaN/);
    expect(existsSync(calib) ? readdirSync(calib, { recursive: true }).filter((f) => String(f).endsWith('.data')) : []).toEqual([]);
    // truncated pedestals: wrong element count for the ranges
    writeFileSync(files.sta!, readFileSync(files.sta!, 'utf8').replace(/\nnan /, '\n1 '));
    const ave = readFileSync(files.ave!, 'utf8');
    writeFileSync(files.ave!, ave.slice(0, ave.length - 30));
    await expect(store.deployAll(requests)).rejects.toThrow(CalibStoreError);
    writeFileSync(files.ave!, ave);
    const ok = await store.deployAll(requests);
    expect(readFileSync(ok[0].target, 'utf8')).toBe(ave);
  });
});
