import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { expNameDbFileOf, findExpNameDb, resolveExperimentNumber } from '../../src/node/exp-name-db.js';

/** Finding psana's ExpNameDb/experiment-db.dat through $SIT_DATA or a path given by the user. */
const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-expdb-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function sitData(name: string, text: string | undefined): string {
  const dir = path.join(tmp, name);
  mkdirSync(path.join(dir, 'ExpNameDb'), { recursive: true });
  if (text !== undefined) writeFileSync(path.join(dir, 'ExpNameDb', 'experiment-db.dat'), text);
  return dir;
}

describe('ExpNameDb lookup', () => {
  const empty = sitData('empty', undefined);
  const first = sitData('first', '777 CXI cxitut13\n');
  const second = sitData('second', '778 CXI cxitut13\n441 XPP xpptut15\n');

  it('takes the first $SIT_DATA directory that holds the file', async () => {
    const env = { SIT_DATA: `${empty}::${first}:${second}` };
    expect(await findExpNameDb(env)).toBe(path.join(first, 'ExpNameDb', 'experiment-db.dat'));
    expect(await resolveExperimentNumber('cxitut13', { env })).toEqual({ dbFile: path.join(first, 'ExpNameDb', 'experiment-db.dat'), experimentNumber: 777 });
    expect((await resolveExperimentNumber('xpptut15', { env })).experimentNumber).toBeUndefined();
    expect(await resolveExperimentNumber('cxitut13', { env: {} })).toEqual({ dbFile: undefined, experimentNumber: undefined });
  });

  it('prefers a path given by the user: the file, or a $SIT_DATA-like directory', async () => {
    const env = { SIT_DATA: first };
    expect((await resolveExperimentNumber('cxitut13', { expNameDb: second, env })).experimentNumber).toBe(778);
    const file = path.join(second, 'ExpNameDb', 'experiment-db.dat');
    expect(await expNameDbFileOf(file)).toBe(file);
    expect(await expNameDbFileOf(path.join(second, 'ExpNameDb'))).toBe(file);
  });

  it('refuses a given path that holds no database', async () => {
    const missing = await resolveExperimentNumber('cxitut13', { expNameDb: path.join(tmp, 'nope.dat'), field: '--expnamedb' }).catch((e) => e);
    expect(missing).toBeInstanceOf(ConfigError);
    expect(missing.message).toMatch(/^--expnamedb: experiment database .*nope\.dat not found/);
    const dir = await expNameDbFileOf(empty).catch((e) => e);
    expect(dir).toBeInstanceOf(ConfigError);
    expect(dir.message).toMatch(/no ExpNameDb\/experiment-db\.dat or experiment-db\.dat in the directory/);
  });
});
