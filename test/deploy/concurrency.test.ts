import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import { openCalibStore } from '../../src/node/calib-store.js';
import { formatNdarrayText, parseNdarrayText } from '../../src/io/ndarray-text.js';
import { parseHistory } from '../../src/deploy/history.js';

const run = promisify(execFile);
// a device without a registry entry: toy arrays pass the content checks only (Epix100a now has a registry shape)
const TYPE_DIR = 'Timepix::CalibV1/XppGon.0:Timepix.1/pedestals';

function tmpCalib(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'calibman-conc-'));
  mkdirSync(path.join(root, 'exp'));
  return path.join(root, 'exp', 'calib');
}

/** Every file of the type directory that holds constants: each must be complete; returns their values. */
function storedValues(typeDir: string): { names: string[]; values: number[] } {
  const names = readdirSync(typeDir);
  const values: number[] = [];
  for (const n of names) {
    if (n === 'HISTORY') continue;
    const p = parseNdarrayText(readFileSync(path.join(typeDir, n), 'utf8'));
    expect(p.array.shape, n).toEqual([64, 64]);
    const d = p.array.data as Float32Array;
    expect(d.every((v) => v === d[0]), `${n} is uniform`).toBe(true);
    values.push(d[0]);
  }
  return { names, values };
}

function checkStore(typeDir: string, deployed: number[]): void {
  const { names, values } = storedValues(typeDir);
  // nothing lost: every deployed content is either the current file or a kept copy, exactly once
  expect(values.sort((a, b) => a - b)).toEqual([...deployed].sort((a, b) => a - b));
  expect(names.filter((n) => n.startsWith('.'))).toEqual([]);
  const hist = parseHistory(readFileSync(path.join(typeDir, 'HISTORY'), 'utf8'));
  expect(hist.every((h) => h.format === 'calibman-copy')).toBe(true);
  expect(hist.filter((h) => h.file === '0-end.data')).toHaveLength(deployed.length);
  expect(hist.filter((h) => h.file !== '0-end.data')).toHaveLength(deployed.length - 1);
}

describe('concurrent deployers', () => {
  it('several processes deploying to the same file lose nothing and leave complete files', async () => {
    const dir = tmpCalib();
    const workers = 4;
    const count = 3;
    const script = path.join(import.meta.dirname, 'fixtures', 'deploy-worker.ts');
    await Promise.all(
      Array.from({ length: workers }, (_, w) => run(process.execPath, ['--import', 'tsx', script, dir, String(w + 1), String(count)], { cwd: process.cwd() })),
    );
    const deployed = Array.from({ length: workers * count }, (_, i) => 1000 * (Math.floor(i / count) + 1) + (i % count));
    checkStore(path.join(dir, TYPE_DIR), deployed);
  });

  it('parallel promises in one process (two store objects) serialise on the lock', async () => {
    const dir = tmpCalib();
    const a = await openCalibStore(dir);
    const b = await openCalibStore(dir);
    const values = Array.from({ length: 10 }, (_, i) => 100 + i);
    await Promise.all(
      values.map((v, i) =>
        (i % 2 ? a : b).deploy({
          bytes: new TextEncoder().encode(formatNdarrayText(ndarray(new Float32Array(64 * 64).fill(v), [64, 64]), { fmt: '%8.2f' })),
          source: 'XppGon.0:Timepix.1', type: 'pedestals', runRange: '0-end',
        }),
      ),
    );
    checkStore(path.join(dir, TYPE_DIR), values);
  });
});
