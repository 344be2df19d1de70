/**
 * kill -9 at random points of deploy / copy / move / delete: after each kill every visible file of the type
 * directory is a complete calib file (or a complete backup), HISTORY holds only whole records, psana's finder
 * picks a complete file, and the store is usable again once the dead writer's lock is stale.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCalibStore } from '../../src/node/calib-store.js';
import { LOCK_NAME } from '../../src/node/calib-store-fs.js';
import { parseHistory } from '../../src/deploy/history.js';
import { findCalibFile } from '../../src/deploy/finder.js';
import { parseCalibFileName } from '../../src/deploy/run-range.js';
import { parseNdarrayText } from '../../src/io/ndarray-text.js';

// a device without a registry entry: toy arrays pass the content checks only (Epix100a now has a registry shape)
const SRC = 'XppGon.0:Timepix.1';
const WORKER = path.join(import.meta.dirname, 'fixtures', 'store-ops-worker.ts');
const BASE = 1000;

/** Deterministic delays (a small LCG), so a failing sequence can be replayed. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** Start the worker, wait until its store is open, let it work `delayMs`, then SIGKILL it. */
async function runAndKill(calib: string, delayMs: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, calib, String(BASE)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('ready') && resolve());
    child.on('exit', () => reject(new Error(`worker ended before it was ready: ${stderr}`)));
  });
  await new Promise((r) => setTimeout(r, delayMs));
  child.kill('SIGKILL');
  await exited;
  expect(stderr).toBe('');
}

/** The invariants that must hold whatever instruction the writer died at. */
function checkStore(typeDir: string): void {
  const names = readdirSync(typeDir);
  const visible = names.filter((n) => !n.startsWith('.'));
  for (const n of visible) {
    if (n === 'HISTORY') continue;
    // a calib file `<range>.data` or a backup `<range>.data-<timestamp>[-n]`, and complete
    expect(n, n).toMatch(/^\d+-(\d+|end)\.data(-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(-\d+)?)?$/);
    const p = parseNdarrayText(readFileSync(path.join(typeDir, n), 'utf8'));
    expect(p.array.shape, n).toEqual([64, 64]);
    const d = p.array.data as Float32Array;
    expect(d[0], n).toBeGreaterThanOrEqual(BASE);
    expect(d.every((v) => v === d[0]), `${n} is uniform`).toBe(true);
  }
  // hidden leftovers are only our lock and temp files, which psana ignores
  for (const n of names.filter((x) => x.startsWith('.'))) expect(n).toMatch(new RegExp(`^(${LOCK_NAME.replace('.', '\\.')}|\\..+\\.\\d+\\.[0-9a-f]{8}\\.tmp)$`));
  const found = findCalibFile(visible, 3).file;
  expect(found === undefined || typeof parseCalibFileName(found) !== 'string').toBe(true);
  if (visible.includes('HISTORY')) {
    const text = readFileSync(path.join(typeDir, 'HISTORY'), 'utf8');
    if (text !== '') expect(text.endsWith('\n')).toBe(true);
    for (const r of parseHistory(text)) expect(['calibman-copy', 'calibman-delete'], r.text).toContain(r.format);
  }
}

describe('kill -9 during store operations', () => {
  it('leaves only complete files and records, and the store works again', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'calibman-kill-'));
    mkdirSync(path.join(root, 'xppn4116'));
    const calib = path.join(root, 'xppn4116', 'calib');
    const typeDir = path.join(calib, 'Timepix::CalibV1', SRC, 'pedestals');
    const random = lcg(20261206);
    for (let round = 0; round < 5; round++) {
      await runAndKill(calib, Math.floor(random() * 600));
      checkStore(typeDir);
      // a dead writer's lock turns stale 20 s after its last refresh: let that time pass
      const lock = path.join(typeDir, LOCK_NAME);
      if (readdirSync(typeDir).includes(LOCK_NAME)) utimesSync(lock, new Date(0), new Date(0));
      const store = await openCalibStore(calib, { lockTimeoutMs: 30_000 });
      const row = `${'999.00 '.repeat(63)}999.00\n`.replace(/999/g, String(BASE + 500 + round));
      const bytes = new TextEncoder().encode(`# DTYPE float32\n# NDIM 2\n# DIM:0 64\n# DIM:1 64\n\n${row.repeat(64)}`);
      const r = await store.deploy({ bytes, source: SRC, type: 'pedestals', runRange: '0-end' });
      expect(readFileSync(r.target)).toEqual(Buffer.from(bytes));
      expect(statSync(r.target).size).toBe(bytes.length);
      checkStore(typeDir);
    }
    // the workers got to work: records beyond the five deployments of this test
    expect(parseHistory(readFileSync(path.join(typeDir, 'HISTORY'), 'utf8')).length).toBeGreaterThan(5);
  });
});
