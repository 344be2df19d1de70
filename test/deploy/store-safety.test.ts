/** Names, HISTORY text, DTYPE names, file modes, stale locks and missing parents: what the store refuses or recovers from. */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCalibStore } from '../../src/node/calib-store.js';
import { LOCK_NAME, withTypeDirLock } from '../../src/node/calib-store-fs.js';
import { formatDeployRecord, parseHistory } from '../../src/deploy/history.js';
import { checkCalibGroup, checkPathComponent } from '../../src/deploy/layout.js';
import { parseDTypeName } from '../../src/io/ndarray-text-layout.js';
import { CalibStoreError, ConfigError } from '../../src/errors.js';
import { checkCalibDirWritable } from '../../src/calibrun/deploy-step.js';

// a device without a registry entry: toy arrays pass the content checks only (Epix100a now has a registry shape)
const SRC = 'XppGon.0:Timepix.1';
const GROUP_DIR = 'Timepix::CalibV1/XppGon.0:Timepix.1';
const CLI = path.resolve('src/cli/calibman.ts');
const PEDS = new TextEncoder().encode('# DTYPE float32\n# NDIM 2\n# DIM:0 2\n# DIM:1 2\n\n1.5 2.5\n3.5 4.5\n');

function tmpRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'calibman-safety-'));
  mkdirSync(path.join(root, 'exp'));
  return root;
}

function calibman(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, 'calib', ...args], (e, stdout, stderr) =>
      resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

describe('names that become path components', () => {
  it('refuses a calib group that leaves the calib directory or holds control characters', async () => {
    const root = tmpRoot();
    const calib = path.join(root, 'exp', 'calib');
    const store = await openCalibStore(calib);
    for (const group of ['../../../escaped', '..', 'a/b', 'CsPad::Calib\nV1', '', 'CsPad']) {
      await expect(store.deploy({ bytes: PEDS, source: SRC, type: 'pedestals', runRange: '0-end', group })).rejects.toThrow(CalibStoreError);
      expect(() => store.typeDir({ source: SRC, type: 'pedestals', group })).toThrow(CalibStoreError);
      await expect(store.remove({ source: SRC, type: 'pedestals', file: '0-end', group })).rejects.toThrow(CalibStoreError);
    }
    await expect(store.copy({ from: path.join(calib, GROUP_DIR, 'pedestals', '0-end.data'), runRange: '1-end', group: '../x' })).rejects.toThrow(/contains a path separator/);
    expect(readdirSync(root)).toEqual(['exp']);
    expect(checkCalibGroup('Epix10ka2M::CalibV1')).toBe('Epix10ka2M::CalibV1');
    expect(() => checkPathComponent('a\u0085b', 'x')).toThrow(/control character U\+0085/);

    const cli = await calibman('deploy', '/dev/null', '--calib-dir', calib, '--source', SRC, '--type', 'pedestals', '--run-range', '0-end', '--calib-group', '../../../escaped');
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/^error: calib group "\.\.\/\.\.\/\.\.\/escaped" contains a path separator/);
    expect(readdirSync(root)).toEqual(['exp']);
  });

  it('refuses a HISTORY file name that is a path, a calib file name or a dot-file', async () => {
    const calib = path.join(tmpRoot(), 'exp', 'calib');
    for (const name of ['../../HISTORY', '0-end.data', '.hidden', 'HIST\nORY']) {
      await expect(openCalibStore(calib, { historyFileName: name })).rejects.toThrow(CalibStoreError);
    }
    await expect(openCalibStore(calib, { historyFileName: '' })).resolves.toBeDefined();
  });
});

describe('HISTORY records cannot be forged', () => {
  it('refuses control characters in comment and experiment', async () => {
    const calib = path.join(tmpRoot(), 'exp', 'calib');
    const store = await openCalibStore(calib);
    const forged = 'x\nfile:0-end.data  copy_of:/evil  exp:e  run:0001  comment:fake  user:root  host:h  cptime:2020-01-01T00:00:00  zone:UTC';
    await expect(store.deploy({ bytes: PEDS, source: SRC, type: 'pedestals', runRange: '0-end', comment: forged })).rejects.toThrow(/comment .* contains the control character U\+000A/);
    await expect(store.deploy({ bytes: PEDS, source: SRC, type: 'pedestals', runRange: '0-end', experiment: 'exp\r' })).rejects.toThrow(/experiment/);
    await expect(openCalibStore(calib, { experiment: 'e\n' })).rejects.toThrow(/experiment/);
    // a field key inside the text would be read as that field
    await expect(store.deploy({ bytes: PEDS, source: SRC, type: 'pedestals', runRange: '0-end', comment: 'ok  user:root' })).rejects.toThrow(/contains "user:"/);
    expect(existsSync(calib)).toBe(false);
    const cli = await calibman('deploy', '/dev/null', '--calib-dir', calib, '--source', SRC, '--type', 'pedestals', '--run-range', '0-end', '--comment', forged);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/^error: .*control character U\+000A/);
  });

  it('escapes control characters in every field (an input path with a newline stays one record)', async () => {
    const root = tmpRoot();
    const input = path.join(root, 'peds\nfile:9-end.data');
    writeFileSync(input, PEDS);
    const store = await openCalibStore(path.join(root, 'exp', 'calib'), { user: 'me\u2028', host: 'h\u0007' });
    const r = await store.deploy({ srcFile: input, source: SRC, type: 'pedestals', runRange: '0-end' });
    const text = readFileSync(path.join(path.dirname(r.target), 'HISTORY'), 'utf8');
    expect(text.split('\n')).toHaveLength(2);
    const [rec] = parseHistory(text);
    expect(rec.fields.file).toBe('0-end.data');
    expect(rec.fields.copy_of).toBe(input.replace('\n', '\\x0a'));
    expect(rec.fields.user).toBe('me\\u2028');
    expect(rec.fields.host).toBe('h\\x07');
    const line = formatDeployRecord({ file: 'a\tb', copyOf: 'c', experiment: 'e', run: 1, comment: 'x' }, { user: 'u', host: 'h', time: new Date(0), zone: 'UTC' });
    expect(line).toMatch(/^file:a\\x09b /);
  });
});

describe('DTYPE names are looked up among known names only', () => {
  it('refuses __proto__ and constructor as DTYPE (file and request)', async () => {
    expect(parseDTypeName('__proto__')).toBeUndefined();
    expect(parseDTypeName('constructor')).toBeUndefined();
    expect(parseDTypeName('toString')).toBeUndefined();
    expect(parseDTypeName('double')).toBe('float64');
    const calib = path.join(tmpRoot(), 'exp', 'calib');
    const store = await openCalibStore(calib);
    for (const name of ['__proto__', 'constructor', 'hasOwnProperty']) {
      const bytes = new TextEncoder().encode(`# DTYPE ${name}\n# NDIM 2\n# DIM:0 2\n# DIM:1 2\n\n1 2\n3 4\n`);
      await expect(store.deploy({ bytes, source: SRC, type: 'pedestals', runRange: '0-end' })).rejects.toThrow(new RegExp(`DTYPE: expected a numpy type name .*found "${name}"`));
    }
    await expect(store.deploy({ bytes: PEDS, source: SRC, type: 'pedestals', runRange: '0-end', expect: { dtype: '__proto__' as never } })).rejects.toThrow(/unknown dtype "__proto__"/);
    expect(existsSync(calib)).toBe(false);
  });
});

describe('file and directory modes', () => {
  it('refuses setuid/setgid/sticky and world-writable modes unless forced', async () => {
    const calib = path.join(tmpRoot(), 'exp', 'calib');
    await expect(openCalibStore(calib, { fileMode: 0o7777 })).rejects.toThrow(/fileMode: file mode 07777 is setuid, setgid, sticky, world-writable/);
    await expect(openCalibStore(calib, { fileMode: 0o666 })).rejects.toThrow(ConfigError);
    await expect(openCalibStore(calib, { dirMode: 0o4775 })).rejects.toThrow(/dirMode: directory mode 04775 is setuid/);
    await expect(openCalibStore(calib, { dirMode: 0o2777 })).rejects.toThrow(/world-writable/);
    await expect(openCalibStore(calib, { fileMode: 0o17777, allowUnsafeModes: true })).rejects.toThrow(/not a permission mode/);
    // the defaults (02775 directories, 0664 files) and read-only modes are fine
    await expect(openCalibStore(calib, { dirMode: 0o2775, fileMode: 0o444 })).resolves.toBeDefined();
    const forced = await openCalibStore(calib, { fileMode: 0o666, allowUnsafeModes: true });
    const r = await forced.deploy({ bytes: PEDS, source: SRC, type: 'pedestals', runRange: '0-end' });
    expect(statSync(r.target).mode & 0o7777).toBe(0o666);

    // calibrun -D checks its --dirmode/--filemode before processing the run
    await expect(checkCalibDirWritable(calib, { dirMode: 0o2775, fileMode: 0o4664 })).rejects.toThrow(/fileMode: file mode 04664 is setuid/);
    await expect(checkCalibDirWritable(calib, { dirMode: 0o2775, fileMode: 0o664 })).resolves.toBeUndefined();
    const cli = await calibman('deploy', '/dev/null', '--calib-dir', calib, '--source', SRC, '--type', 'pedestals', '--run-range', '0-end', '--file-mode', '07777');
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/^error: fileMode: file mode 07777 is setuid/);
    const parse = await calibman('deploy', '/dev/null', '--calib-dir', calib, '--source', SRC, '--type', 'pedestals', '--run-range', '0-end', '--file-mode', '17777');
    expect(parse.code).toBe(1);
    expect(parse.stderr).toMatch(/from 0 to 07777/);
  });
});

describe('locks and directories', () => {
  it('a lock stamped in the far future is stale: the deployment goes through', async () => {
    const calib = path.join(tmpRoot(), 'exp', 'calib');
    const typeDir = path.join(calib, GROUP_DIR, 'pedestals');
    mkdirSync(path.join(typeDir, LOCK_NAME), { recursive: true });
    const future = new Date(Date.now() + 24 * 3600_000);
    utimesSync(path.join(typeDir, LOCK_NAME), future, future);
    const store = await openCalibStore(calib, { lockTimeoutMs: 3000 });
    const r = await store.deploy({ bytes: PEDS, source: SRC, type: 'pedestals', runRange: '0-end' });
    expect(readFileSync(r.target)).toEqual(Buffer.from(PEDS));
    expect(existsSync(path.join(typeDir, LOCK_NAME))).toBe(false);
  });

  it('a lock held too long gives an error that says how to recover', async () => {
    const calib = path.join(tmpRoot(), 'exp', 'calib');
    const typeDir = path.join(calib, GROUP_DIR, 'pedestals');
    mkdirSync(typeDir, { recursive: true });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = withTypeDirLock([typeDir], async () => {
      locked();
      await held;
    });
    await isLocked;
    const store = await openCalibStore(calib, { lockTimeoutMs: 200 });
    const err = await store.deploy({ bytes: PEDS, source: SRC, type: 'pedestals', runRange: '0-end' }).catch((e: unknown) => e);
    release();
    await holder;
    expect(err).toBeInstanceOf(CalibStoreError);
    expect((err as Error).message).toContain(`remove the lock directory ${path.join(typeDir, LOCK_NAME)} and try again`);
  });

  it('creates a missing calib directory but says clearly when its parent is missing (dry run too)', async () => {
    const root = tmpRoot();
    const calib = path.join(root, 'no-such-exp', 'calib');
    const store = await openCalibStore(calib);
    for (const dryRun of [true, false]) {
      await expect(store.deploy({ bytes: PEDS, source: SRC, type: 'pedestals', runRange: '0-end', dryRun }))
        .rejects.toThrow(`cannot create directory: the parent ${path.join(root, 'no-such-exp')} does not exist (the calib directory is created if missing`);
    }
    expect(existsSync(path.join(root, 'no-such-exp'))).toBe(false);
    const ok = await (await openCalibStore(path.join(root, 'exp', 'calib'))).deploy({ bytes: PEDS, source: SRC, type: 'pedestals', runRange: '0-end' });
    expect(existsSync(ok.target)).toBe(true);
    const help = await calibman('deploy', '--help');
    expect(help.stdout).toMatch(/created if missing; its\s+parent directory must exist/);
  });
});
