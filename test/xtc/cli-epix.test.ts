import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpyFile } from '../../src/node/npy-files.js';
import type { DumpRecord } from '../../src/cli/commands/xtc.js';
import { generateSyntheticRun } from '../../src/synthetic/index.js';
import { sameValues } from './helpers.js';

/** `calibman xtc generate | dump --json | frames` with Epix100a and Epix10kaQuad. */
let dir: string;
let paths: string[];

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/calibman.ts', ...args], { encoding: 'utf8', cwd: join(__dirname, '../..'), maxBuffer: 1 << 26 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ARGS = { exp: 'e12', run: 3, events: 4, seed: 5, cycles: 2 };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'calibman-cli-epix-'));
  const r = cli(['xtc', 'generate', '--out-dir', dir, '--exp', ARGS.exp, '--run', String(ARGS.run), '--events', String(ARGS.events), '--seed', String(ARGS.seed), '--calib-cycles', String(ARGS.cycles), '--detectors', 'EPIX100A,EPIX10KAQUAD', '--truth', join(dir, 'truth')]);
  expect(r.code, r.stderr).toBe(0);
  paths = readdirSync(dir).filter((f) => f.endsWith('.xtc')).map((f) => join(dir, f));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('calibman xtc with Epix detectors', () => {
  it('dump --json names the Epix configuration and data types', () => {
    const r = cli(['xtc', 'dump', paths[0], '--json']);
    expect(r.code, r.stderr).toBe(0);
    const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as DumpRecord);
    const types = (t: string) => recs.filter((x) => x.transition === t).flatMap((x) => x.xtcs.filter((y) => y.level === 'Source').map((y) => `${y.src} ${y.type}_v${y.version}`));
    expect(types('Configure')).toEqual(expect.arrayContaining(['XppEndstation.0:Epix100a.0 Epix100aConfig_v2', 'XppEndstation.0:Epix10kaQuad.0 Epix10kaQuadConfig_v2']));
    expect(types('BeginCalibCycle')).toEqual(['XppEndstation.0:Epix10kaQuad.0 Epix10kaQuadConfig_v2', 'XppEndstation.0:Epix10kaQuad.0 Epix10kaQuadConfig_v2']);
    const l1 = recs.find((x) => x.transition === 'L1Accept')!;
    const leaves = l1.xtcs.filter((y) => y.level === 'Source');
    expect(leaves.find((y) => y.src.endsWith('Epix100a.0'))).toMatchObject({ type: 'EpixElement', version: 3, extent: 20 + 1090604 });
    expect(leaves.find((y) => y.src.endsWith('Epix10kaQuad.0'))).toMatchObject({ type: 'Epix10kaArray', version: 1, extent: 20 + 1099812 });
  });

  it('frames writes (events, 4, 352, 384) uint16 for the quad and (events, 704, 768) for the Epix100a', async () => {
    const gen = generateSyntheticRun({
      experiment: ARGS.exp,
      run: ARGS.run,
      events: ARGS.events,
      seed: ARGS.seed,
      calibCycles: ARGS.cycles,
      darkFraction: 1,
      detectors: ['EPIX100A', 'EPIX10KAQUAD'].map((type) => ({ type, hotFraction: 0.001, deadFraction: 0.001, saturatedFraction: 0.0005 })),
    });
    for (const [k, source, shape] of [[0, 'EPIX100A', [704, 768]], [1, 'EPIX10KAQUAD', [4, 352, 384]]] as const) {
      const out = join(dir, `${source}.npy`);
      const r = cli(['xtc', 'frames', ...paths, '--source', source, '--events', '1:4', '--npy', out]);
      expect(r.code, r.stderr).toBe(0);
      const a = await readNpyFile(out);
      expect(a.dtype).toBe('uint16');
      expect(a.array.shape).toEqual([3, ...shape]);
      const n = shape.reduce((x: number, y: number) => x * y, 1);
      for (let e = 0; e < 3; e++) expect(sameValues((a.array.data as Uint16Array).subarray(e * n, (e + 1) * n), gen.expectedFrame(k, 1 + e))).toBe(true);
    }
  }, 120_000);

  it('generate --truth writes the per-gain-range truth of an Epix10ka-family detector', async () => {
    const gen = generateSyntheticRun({
      experiment: ARGS.exp,
      run: ARGS.run,
      events: ARGS.events,
      seed: ARGS.seed,
      calibCycles: ARGS.cycles,
      detectors: ['EPIX100A', 'EPIX10KAQUAD'].map((type) => ({ type, hotFraction: 0.001, deadFraction: 0.001, saturatedFraction: 0.0005 })),
    });
    const t = gen.truth.detectors[1].epix10ka!;
    const peds = await readNpyFile(join(dir, 'truth', 'XppEndstation.0:Epix10kaQuad.0-pedestals-ranges.npy'));
    expect(peds.array.shape).toEqual([7, 4, 352, 384]);
    const n = 4 * 352 * 384;
    for (const g of [0, 3, 6]) expect(sameValues((peds.array.data as Float32Array).subarray(g * n, (g + 1) * n), t.pedestals[g])).toBe(true);
    const sw = await readNpyFile(join(dir, 'truth', 'XppEndstation.0:Epix10kaQuad.0-switched.npy'));
    expect(sameValues(sw.array.data as Uint8Array, t.switched)).toBe(true);
  });
});
