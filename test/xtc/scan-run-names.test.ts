import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/calibman-program.js';
import { writeSyntheticRun } from '../../src/node/xtc-synthetic.js';
import type { SyntheticRunSpec } from '../../src/synthetic/generate.js';

/**
 * `calibman xtc scan --exp --run` on LCLS-I names (`e<expnum>-r<run>-…`) in calibrun's default xtc directory
 * `<root>/<INS>/<exp>/xtc` (`$SIT_PSDM_DATA` or `--root`), with and without psana's ExpNameDb.
 */
const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-scan-lcls1-'));
const root = path.join(tmp, 'data');
const xtcDir = path.join(root, 'CXI', 'cxitut13', 'xtc');
const sitData = path.join(tmp, 'sit');
const dbFile = path.join(sitData, 'ExpNameDb', 'experiment-db.dat');

const run = (experiment: string, runNo: number, events: number, seed: number): SyntheticRunSpec => ({
  experiment,
  run: runNo,
  events,
  seed,
  detectors: [{ type: 'OPAL1000', width: 8, height: 6 }],
});

beforeAll(async () => {
  await writeSyntheticRun(xtcDir, run('e777', 42, 7, 3));
  await writeSyntheticRun(xtcDir, run('e777', 60, 12, 5));
  await writeSyntheticRun(xtcDir, run('e778', 60, 18, 6));
  mkdirSync(path.dirname(dbFile), { recursive: true });
  writeFileSync(dbFile, '777 CXI cxitut13\n');
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The real command in a child process (exit status, environment as a user has it). */
function scanProcess(args: string[], env: Record<string, string> = {}) {
  const base = { ...process.env };
  delete base.SIT_DATA;
  delete base.SIT_PSDM_DATA;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/calibman.ts', 'xtc', 'scan', '--json', ...args], {
    encoding: 'utf8',
    cwd: path.join(__dirname, '../..'),
    env: { ...base, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: r.status === 0 ? (JSON.parse(r.stdout) as { events: number; files: string[] }) : undefined };
}

/** The command in this process, with `$SIT_DATA`/`$SIT_PSDM_DATA` set as given (this test file runs in its own process). */
async function scan(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const saved = { SIT_DATA: process.env.SIT_DATA, SIT_PSDM_DATA: process.env.SIT_PSDM_DATA };
  delete process.env.SIT_DATA;
  delete process.env.SIT_PSDM_DATA;
  Object.assign(process.env, env);
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  process.exitCode = undefined;
  let code: number;
  try {
    await buildProgram().parseAsync(['node', 'calibman', 'xtc', 'scan', '--json', ...args]);
    code = Number(process.exitCode ?? 0);
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return { code, stdout, stderr, json: code === 0 ? (JSON.parse(stdout) as { events: number; files: string[] }) : undefined };
}
afterEach(() => vi.restoreAllMocks());

describe('calibman xtc scan --exp --run', () => {
  it("finds e<expnum> files in calibrun's default directory under $SIT_PSDM_DATA (instrument as calibrun spells it)", async () => {
    const r = scanProcess(['--exp', 'cxitut13', '--run', '42'], { SIT_PSDM_DATA: root });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.json?.events).toBe(7);
    expect(r.json?.files.map((f) => path.basename(f))).toEqual(['e777-r0042-s00-c00.xtc']);
    expect((await scan(['--exp', 'cxitut13', '--run', '42', '--root', root])).json?.events).toBe(7);
  });

  it('takes the experiment number files with ExpNameDb ($SIT_DATA or --exp-name-db), refuses the two-part run without', async () => {
    expect((await scan(['--exp', 'cxitut13', '--run', '60', '--root', root], { SIT_DATA: sitData })).json?.events).toBe(12);
    expect((await scan(['--exp', 'cxitut13', '--run', '60', '--exp-name-db', dbFile], { SIT_PSDM_DATA: root })).json?.events).toBe(12);
    const bad = await scan(['--exp', 'cxitut13', '--run', '60', '--root', root]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/run 60 of experiment cxitut13 is ambiguous .* e777 \(e777-r0060-s00-c00\.xtc\) and e778 \(e778-r0060-s00-c00\.xtc\)/);
    const missing = await scan(['--exp', 'cxitut13', '--run', '42', '--root', root, '--exp-name-db', path.join(tmp, 'none.dat')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--exp-name-db: experiment database .*none\.dat not found/);
  });
});
