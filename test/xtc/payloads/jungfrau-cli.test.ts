import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpyFile } from '../../../src/node/npy-files.js';
import { generateSyntheticRun, syntheticRunFiles, type SyntheticRunSpec } from '../../../src/synthetic/generate.js';
import { sameValues } from '../helpers.js';

/** `calibman xtc dump --json` and `xtc frames` on a Jungfrau run (ConfigV4 + ElementV2, 2 small modules). */
const spec: SyntheticRunSpec = {
  experiment: 'e1234',
  run: 5,
  events: 5,
  seed: 3,
  detectors: [{ type: 'JUNGFRAU', source: 'CxiEndstation.0:Jungfrau.0', alias: 'jungfrau1M', jungfrau: { modules: 2, rows: 8, cols: 16, configVersion: 4, elementVersion: 2, gainMode: 'ForcedGain2' } }],
};
let dir: string;
let paths: string[];
const gen = generateSyntheticRun(spec);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'calibman-jungfrau-cli-'));
  paths = syntheticRunFiles(spec).files.map((f) => {
    writeFileSync(join(dir, f.name), f.bytes);
    return join(dir, f.name);
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/calibman.ts', ...args], { encoding: 'utf8', cwd: join(__dirname, '../../..') });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('calibman xtc on a Jungfrau run', () => {
  it('dump --json names the Jungfrau configuration and elements with their pdsdata sizes', () => {
    expect(paths.map((p) => p.split('/').pop())).toEqual(['e1234-r0005-s00-c00.xtc']);
    const r = cli(['xtc', 'dump', '--json', paths[0]]);
    expect(r.code).toBe(0);
    const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { transition: string; xtcs: { src: string; type: string; version: number; extent: number }[] });
    const cfg = recs.find((d) => d.transition === 'Configure')!.xtcs.find((x) => x.type === 'JungfrauConfig')!;
    expect([cfg.src, cfg.version, cfg.extent]).toEqual(['CxiEndstation.0:Jungfrau.0', 4, 20 + 828]);
    const events = recs.filter((d) => d.transition === 'L1Accept');
    expect(events).toHaveLength(5);
    const el = events[0].xtcs.find((x) => x.type === 'JungfrauElement')!;
    expect([el.version, el.extent]).toEqual([2, 20 + 16 + 2 * 20 + 2 * 2 * 8 * 16]);
  });

  it('frames writes (events, modules, rows, cols) uint16 with the gain bits, as generated', async () => {
    const out = join(dir, 'jf.npy');
    const r = cli(['xtc', 'frames', ...paths, '--source', 'JUNGFRAU', '--events', '1:4', '--npy', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('CxiEndstation.0:Jungfrau.0: wrote 3 frames of shape (2,8,16) uint16');
    const a = await readNpyFile(out);
    expect(a.array.shape).toEqual([3, 2, 8, 16]);
    const data = a.array.data as Uint16Array;
    for (let k = 0; k < 3; k++) expect(sameValues(data.subarray(k * 256, (k + 1) * 256), gen.expectedFrame(0, k + 1))).toBe(true);
    expect(data.every((v) => v >> 14 === 0b11)).toBe(true);
  });
});
