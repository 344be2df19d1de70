import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpyFile } from '../../src/node/npy-files.js';
import { dumpXtcFile, extractFrames, parseEventRange, type DumpRecord } from '../../src/cli/commands/xtc.js';
import { generateSyntheticRun, syntheticRunFiles } from '../../src/synthetic/index.js';
import { sameValues } from './helpers.js';

const spec = {
  events: 8,
  streams: 2,
  darkFraction: 0.5,
  detectors: [
    { type: 'CSPAD2x2', alias: 'cs2x2' },
    { type: 'OPAL1000', width: 24, height: 10, depth: 8 },
    { type: 'OPAL1000', source: 'CxiDg2.0:Opal1000.0', width: 12, height: 6, depth: 12 },
  ],
};
let dir: string;
let paths: string[];
const gen = generateSyntheticRun(spec);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'calibman-cli-'));
  const { files } = syntheticRunFiles(spec);
  paths = files.map((f) => {
    writeFileSync(join(dir, f.name), f.bytes);
    return join(dir, f.name);
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/calibman.ts', ...args], { encoding: 'utf8', cwd: join(__dirname, '../..') });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('calibman xtc', () => {
  it('dump --json prints one record per datagram with the Xtc tree depth first', () => {
    const r = cli(['xtc', 'dump', paths[0], '--json']);
    expect(r.code).toBe(0);
    const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as DumpRecord);
    expect(recs.map((x) => x.transition)).toEqual([
      'Configure', 'BeginRun', 'BeginCalibCycle', 'Enable', 'L1Accept', 'L1Accept', 'L1Accept', 'L1Accept',
      'Disable', 'EndCalibCycle', 'EndRun', 'Unconfigure',
    ]);
    const ev = recs[4];
    expect(Object.keys(ev)).toEqual(['index', 'offset', 'transition', 'sec', 'nsec', 'fiducials', 'ticks', 'vector', 'env', 'damage', 'xtcs']);
    expect(ev.xtcs[0]).toMatchObject({ depth: 0, level: 'Event', type: 'Xtc', version: 1 });
    expect(ev.xtcs[1]).toMatchObject({ depth: 1, level: 'Segment' });
    expect(ev.xtcs[2]).toMatchObject({ depth: 2, level: 'Source', src: 'MecTargetChamber.0:Cspad2x2.1', type: 'Cspad2x2Element', version: 1, compressed: false, extent: 20 + 287152, damage: 0 });
    expect(ev.fiducials).toBe(1000);
    // offsets chain: each record starts where the previous datagram ended
    for (let i = 1; i < recs.length; i++) expect(recs[i].offset).toBe(recs[i - 1].offset + 20 + recs[i - 1].xtcs[0].extent);
  });

  it('dump reports a truncated file on stderr and still prints the complete datagrams', async () => {
    const { readFileSync } = await import('node:fs');
    const b = readFileSync(paths[0]);
    const cut = join(dir, 'cut.xtc');
    writeFileSync(cut, b.subarray(0, b.length - 7));
    const recs: DumpRecord[] = [];
    const note = await dumpXtcFile(cut, (r) => recs.push(r));
    expect(recs).toHaveLength(11);
    expect(note).toMatch(/truncated last datagram/);
  });

  it('scan --exp --run --xtc-dir prints the sources', () => {
    const t = cli(['xtc', 'scan', '--exp', 'e1', '--run', '1', '--xtc-dir', dir]);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/CspadElement|Cspad2x2Element_v1/);
    expect(t.stdout).toMatch(/events \(L1Accept\): 8/);
  });

  it('frames writes (events, …raw shape) in the raw dtype', async () => {
    const out = join(dir, 'f.npy');
    const r = cli(['xtc', 'frames', ...paths, '--source', 'cs2x2', '--events', '2:5', '--npy', out]);
    expect(r.code).toBe(0);
    const a = await readNpyFile(out);
    expect(a.dtype).toBe('int16');
    expect(a.array.shape).toEqual([3, 185, 388, 2]);
    const n = 185 * 388 * 2;
    for (let k = 0; k < 3; k++) expect(sameValues((a.array.data as Int16Array).subarray(k * n, (k + 1) * n), gen.expectedFrame(0, 2 + k))).toBe(true);
  });

  it('frames by registry name fails when it matches several sources, and for absent detectors', async () => {
    await expect(extractFrames(paths, 'OPAL1000')).rejects.toThrow(/several sources/);
    const r = cli(['xtc', 'frames', ...paths, '--source', 'PNCCD', '--npy', join(dir, 'x.npy')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: detector "PNCCD" not found in this run; available: .*CxiDg2.0:Opal1000.0/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const u8 = await extractFrames(paths, 'XppEndstation.0:Opal1000.0', [0, 3]);
    expect(u8.data).toBeInstanceOf(Uint8Array);
    expect(u8.shape).toEqual([3, 10, 24]);
  });

  it('parses event ranges', () => {
    expect(parseEventRange('3:7')).toEqual([3, 7]);
    expect(parseEventRange(':7')).toEqual([0, 7]);
    expect(parseEventRange('5:')).toEqual([5, Infinity]);
    expect(() => parseEventRange('7:3')).toThrow(/before FIRST/);
  });

  it('generate writes a run with its truth', () => {
    const out = join(dir, 'gen');
    const r = cli(['xtc', 'generate', '--out-dir', out, '--events', '3', '--detectors', 'CSPAD2x2', '--truth', join(out, 'truth')]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(join(out, 'e1-r0001-s00-c00.xtc'));
    const listing = execFileSync('ls', [join(out, 'truth')], { encoding: 'utf8' });
    expect(listing).toMatch(/MecTargetChamber.0:Cspad2x2.1-pedestals.npy/);
  });
});
