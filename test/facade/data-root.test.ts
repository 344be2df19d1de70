import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunNotFoundError } from '../../src/errors.js';
import { listExperimentNames, listExperimentsByYear } from '../../src/facade/data-root.js';
import { CalibManager } from '../../src/facade/calib-manager.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-data-root-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('experiment names of an instrument (CalibManager.listExperiments)', () => {
  const root = path.join(tmp, 'root');
  for (const d of ['XPP/xpp12345/xtc', 'XPP/xpptut15/calib', 'XPP/xppempty15', 'XPP/xpp/calib', 'XPP/cxi11111/xtc', 'XPP/xpp99999']) {
    mkdirSync(path.join(root, d), { recursive: true });
  }

  it('lists the directories with xtc or calib whose name starts with the instrument, the bare instrument name too', async () => {
    expect(await listExperimentNames(root, 'xpp')).toEqual(['xpp', 'xpp12345', 'xpptut15']);
    expect(await CalibManager.listExperiments('XPP', { root, env: {} })).toEqual(['xpp', 'xpp12345', 'xpptut15']);
    // the chooser's year list leaves the bare instrument name out
    expect((await listExperimentsByYear(root, 'xpp')).experiments).toEqual(['xpp12345', 'xpptut15']);
  });

  it('names the instrument directory it cannot list', async () => {
    const err = await listExperimentNames(root, 'mfx').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunNotFoundError);
    expect((err as Error).message).toBe(`cannot list the instrument directory ${path.join(root, 'MFX')} (ENOENT)`);
  });
});
