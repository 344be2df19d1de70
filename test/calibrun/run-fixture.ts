import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { calibrunMain, type CalibrunMainIO } from '../../src/cli/calibrun/main.js';
import type { CalibrunOutcome } from '../../src/calibrun/app.js';
import { defaultEngines } from '../../src/calibrun/engines.js';

/**
 * The set-up of the calibrun end-to-end tests: a temporary experiment tree `<tmp>/root/<INSTR>/<exp>/xtc`
 * where generated runs are written under DAQ file names (`e<expnum>-r<run>-s00-c00.xtc`), and calibrun run
 * in-process on it with its output captured.
 */
export interface CalibrunTree {
  /** The temporary directory holding everything. */
  readonly tmp: string;
  /** The data root given to calibrun with `--root`. */
  readonly root: string;
  /** The experiment's xtc directory. */
  readonly xtcDir: string;
  /** A fresh pair of work and calib directories for one calibrun call. */
  dirs(name: string): { work: string; calib: string };
  /** Remove the tree. */
  remove(): void;
}

/** Make a temporary experiment tree for `experiment` of `instrument` (`XPP`). */
export function calibrunTree(prefix: string, instrument: string, experiment: string): CalibrunTree {
  const tmp = mkdtempSync(path.join(tmpdir(), prefix));
  const root = path.join(tmp, 'root');
  return {
    tmp,
    root,
    xtcDir: path.join(root, instrument, experiment, 'xtc'),
    dirs(name) {
      const d = mkdtempSync(path.join(tmp, name + '-'));
      return { work: path.join(d, 'work'), calib: path.join(d, 'calib') };
    },
    remove: () => rmSync(tmp, { recursive: true, force: true }),
  };
}

/** What one in-process calibrun call printed and returned. */
export interface CalibrunCall {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly outcome: CalibrunOutcome | undefined;
}

/** Run calibrun in-process with the default engines, capturing stdout, stderr and its outcome. */
export async function runCalibrun(
  argv: string[],
  opts: { cwd: string; env?: Record<string, string | undefined>; submitBatch?: CalibrunMainIO['submitBatch'] },
): Promise<CalibrunCall> {
  let out = '';
  let err = '';
  let outcome: CalibrunOutcome | undefined;
  const io: CalibrunMainIO = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: opts.env ?? {},
    cwd: opts.cwd,
    engines: defaultEngines(),
    onOutcome: (o) => (outcome = o),
    submitBatch: opts.submitBatch,
  };
  const code = await calibrunMain(argv, io);
  return { code, out, err, outcome };
}
