import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { fixturePath } from '../fixture-files.js';

export const GEO_FIXTURES = fixturePath('geometry');
export const GOLDEN_DIR = join(GEO_FIXTURES, 'golden');

/** All fixture golden files (not segments.golden.json). */
export function goldenFiles(): string[] {
  return readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.golden.json') && f !== 'segments.golden.json').sort();
}

/** Untyped JSON value of a golden file. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GoldenValue = any;

export function readGolden(name: string): GoldenValue {
  return JSON.parse(readFileSync(join(GOLDEN_DIR, name), 'utf8'));
}

/** Fixture text for a golden file (its `fixture` field names the file as `test/fixtures/<path>`). */
export function fixtureText(g: { fixture: string }): string {
  return readFileSync(fixturePath(g.fixture.replace(/^test\/fixtures\//, '')), 'utf8');
}

export function sha256(a: ArrayLike<number>, kind: 'u32' | 'u8' | 'f32'): string {
  const src = a as unknown as ArrayLike<number> & Iterable<number>;
  const buf = kind === 'u32' ? new Uint32Array(src) : kind === 'u8' ? new Uint8Array(src) : new Float32Array(src);
  return createHash('sha256').update(new Uint8Array(buf.buffer)).digest('hex');
}

export function wsum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * ((i % 9973) + 1);
  return s;
}

export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function close(actual: number, expected: number, rel: number, abs: number): void {
  const tol = Math.max(abs, Math.abs(expected) * rel);
  if (!(Math.abs(actual - expected) <= tol)) expect.fail(`${actual} differs from ${expected} by more than ${tol}`);
}

/** Compare float stats {min,max,mean,sum,std}. */
export function expectStats(a: Float64Array, s: { min: number; max: number; mean: number; sum: number; std: number }): void {
  let lo = Infinity, hi = -Infinity, t = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    t += v;
  }
  const mean = t / a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i] - mean) ** 2;
  close(lo, s.min, 0, 1e-9);
  close(hi, s.max, 0, 1e-9);
  close(mean, s.mean, 1e-9, 1e-6);
  close(t, s.sum, 1e-9, 1e-3);
  close(Math.sqrt(v / a.length), s.std, 1e-9, 1e-6);
}

/** Compare an integer index array {min,max,sum,wsum,sha256_u32}. */
export function expectIndexStats(a: Uint32Array, s: { min: number; max: number; sum: number; wsum: number; sha256_u32: string }): void {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  expect({ min: lo, max: hi, sum: sum(a), wsum: wsum(a), sha256_u32: sha256(a, 'u32') }).toEqual({
    min: s.min, max: s.max, sum: s.sum, wsum: s.wsum, sha256_u32: s.sha256_u32,
  });
}

/** Counts of distinct values, keys rounded to 12 significant digits (as the golden JSON prints them). */
export function valueHistogram(a: Float64Array): Record<string, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < a.length; i++) m.set(a[i], (m.get(a[i]) ?? 0) + 1);
  const out: Record<string, number> = {};
  for (const [v, n] of m) {
    const k = String(Number(v.toPrecision(12)));
    out[k] = (out[k] ?? 0) + n;
  }
  return out;
}
