/**
 * The calib store as CalibManager's File Manager and Status panel show it: HISTORY records, what is deployed
 * for a source, and the file operations (copy, move, delete, deploy a file, group copy from another
 * experiment), each with a dry run giving the commands the original confirmation window listed and the exact
 * steps calibman would take (backups, HISTORY records) — on src/node/calib-store (locks, atomic writes).
 */
import * as path from 'node:path';
import * as z from 'zod';
import { CalibStoreError, ConfigError } from '../errors.js';
import { type CalibOperation, type HistoryRecord, type RunRange, findCalibFile, sourceDirName } from '../deploy/index.js';
import { listDir, listSubdirs } from '../node/calib-store-fs.js';
import type { CalibStore, StoreOperationResult, TypeDirFiles } from '../node/calib-store.js';
import { parseInput } from './input-errors.js';

/** The confirmation window CalibManager's File Manager showed before acting (title, text, shell commands). */
export interface ConfirmationWindow {
  /** Window title (`Please confirm or cancel!`). */
  readonly title: string;
  /** Text of the window: `Approve command:` and the command, or, for a group, the note that the list is in the log. */
  readonly text: string;
  /** The commands as the original printed them (`cp <from> <to>`, `mv …`, `rm <path>`), one per file. */
  readonly commands: readonly string[];
  /** Heading the original logged above a group's commands (group operations only). */
  readonly logHeading?: string;
}

/** Result of a File Manager operation. */
export interface FileManagerResult {
  /** Nothing was changed (a dry run). */
  readonly dryRun: boolean;
  /** What the original asked to approve. */
  readonly confirmation: ConfirmationWindow;
  /** calibman's plan (dry run) or what it did, per file: backups kept, HISTORY records appended, directories made. */
  readonly results: readonly StoreOperationResult[];
  /** Every step of {@link results}, in order. */
  readonly operations: readonly CalibOperation[];
}

/** The deployed files of one type directory of a source. */
export interface DeployedTypeFiles extends TypeDirFiles {
  /** With a `run` given: the file psana uses for that run and its range, if any. */
  readonly forRun?: {
    /** The run asked for. */
    readonly run: number;
    /** The calib file psana uses for it, undefined if none. */
    readonly file: string | undefined;
    /** That file's run range. */
    readonly range: RunRange | undefined;
  };
}

const TITLE = 'Please confirm or cancel!';

const runRangeSchema = z.string().regex(/^\s*\d+-(\d+|end)\s*$/);
const optionalText = z.string().optional();

/** Options of `copyFile` / the facade's `copyFile` and `moveFile`. */
export const CopyFileOptionsSchema = z
  .object({
    /** Calib file to copy: `…/<group>/<source>/<type>/<begin>-<end>.data` (this or another experiment's store). */
    from: z.string().min(1),
    /** New validity range, `<begin>-<end>` (`120-end`). */
    runRange: runRangeSchema,
    /** Target source (default: that of `from`). */
    source: optionalText,
    /** Target calib type (default: that of `from`). */
    type: optionalText,
    /** Target calib group (default: from the source's device). */
    group: optionalText,
    /** HISTORY comment (default `single-file-manager`). */
    comment: optionalText,
    /** Plan only; nothing is written (default false). */
    dryRun: z.boolean().optional(),
    /** Deploy although the file does not fit the source's detector type (recorded in HISTORY; default false). */
    force: z.boolean().optional(),
  })
  .strict();
/** Input of {@link CopyFileOptionsSchema}. */
export type CopyFileOptions = z.input<typeof CopyFileOptionsSchema>;

/** Options of the facade's `deleteFile`: a path, or source, type and file name/range. */
export const DeleteFileOptionsSchema = z
  .object({
    /** Calib file path. */
    path: optionalText,
    /** With `type` and `file`: select the file in this experiment's store by its source (any spelling). */
    source: optionalText,
    /** Calib type of the file to delete, `pedestals`. */
    type: optionalText,
    /** File name (`0-end.data`) or run range (`0-end`). */
    file: optionalText,
    /** Calib group (default: from the source's device). */
    group: optionalText,
    /** Keep the file as `<name>-<timestamp>`, which psana ignores (default true; false removes it as the original did). */
    keepBackup: z.boolean().optional(),
    /** HISTORY comment (default `single-file-manager`). */
    comment: optionalText,
    /** Plan only; nothing is removed (default false). */
    dryRun: z.boolean().optional(),
  })
  .strict();
/** Input of {@link DeleteFileOptionsSchema}. */
export type DeleteFileOptions = z.input<typeof DeleteFileOptionsSchema>;

/** Options of the facade's `deployFile`: any constants file (e.g. a work file) into the store. */
export const DeployFileOptionsSchema = z
  .object({
    /** Constants file (psana ndarray text, or geometry text). */
    file: z.string().min(1),
    /** psana source in any spelling, `CxiDs1.0:Cspad.0`. */
    source: z.string().min(1),
    /** Calib type, `pedestals`. */
    type: z.string().min(1),
    /** Validity range, `<begin>-<end>`. */
    runRange: runRangeSchema,
    /** Calib group (default: from the source's device). */
    group: optionalText,
    /** HISTORY comment (default `calibman-deploy`). */
    comment: optionalText,
    /** Run written in the HISTORY record (default the range's begin). */
    run: z.number().int().nonnegative().optional(),
    /** Validate and plan only; nothing is written (default false). */
    dryRun: z.boolean().optional(),
    /** Deploy although the file does not fit the source's detector type (recorded in HISTORY; default false). */
    force: z.boolean().optional(),
  })
  .strict();
/** Input of {@link DeployFileOptionsSchema}. */
export type DeployFileOptions = z.input<typeof DeployFileOptionsSchema>;

/** Options of the facade's `groupCopy`: files of another experiment's store copied with one new range. */
export const GroupCopyOptionsSchema = z
  .object({
    /** The other store: its calib directory (or give `fromExperiment`). */
    fromCalibDir: z.string().min(1).optional(),
    /** The other experiment (`cxi12345`): its calib directory under the same data root. */
    fromExperiment: z.string().regex(/^[A-Za-z]{3}[A-Za-z0-9_]+$/).optional(),
    /**
     * Files to copy: paths, or `<group>/<source>/<type>/<file>` relative to `fromCalibDir`. Without it, every
     * file psana uses for `fromRun` in the other store (optionally limited to `sources` / `types`).
     */
    files: z.array(z.string().min(1)).min(1).optional(),
    /** Run of the other experiment whose constants are taken when `files` is absent. */
    fromRun: z.number().int().nonnegative().optional(),
    /** Limit the selection by `fromRun` to these sources (any spelling). */
    sources: z.array(z.string().min(1)).optional(),
    /** Limit the selection by `fromRun` to these calib types. */
    types: z.array(z.string().min(1)).optional(),
    /** Validity range of the copies in this store. */
    runRange: runRangeSchema,
    /** HISTORY comment (default `group-file-manager`). */
    comment: optionalText,
    /** Validate and plan every copy only; nothing is written (default false). */
    dryRun: z.boolean().optional(),
    /** Copy files that do not fit the source's detector type (recorded in HISTORY; default false). */
    force: z.boolean().optional(),
  })
  .strict();
/** Input of {@link GroupCopyOptionsSchema}. */
export type GroupCopyOptions = z.input<typeof GroupCopyOptionsSchema>;

function single(command: string): ConfirmationWindow {
  return { title: TITLE, text: `Approve command:\n${command}`, commands: [command] };
}

function group(commands: string[], what: 'deployment' | 'deletion'): ConfirmationWindow {
  return { title: TITLE, text: 'Approve commands \njust printed in the logger', commands, logHeading: `List of commands for tentative file ${what}:` };
}

function result(dryRun: boolean, confirmation: ConfirmationWindow, results: StoreOperationResult[]): FileManagerResult {
  return { dryRun, confirmation, results, operations: results.flatMap((r) => r.operations) };
}

function normRange(text: string): string {
  return text.trim();
}

/** Copy (or move) one calib file into the store with a new run range. */
export async function copyFile(store: CalibStore, options: CopyFileOptions, move: boolean): Promise<FileManagerResult> {
  const o = parseInput(CopyFileOptionsSchema, options, move ? 'moveFile' : 'copyFile');
  if (path.basename(o.from) === 'HISTORY') throw new CalibStoreError('HISTORY files are not copied', { path: o.from });
  const req = { from: o.from, runRange: normRange(o.runRange), source: o.source, type: o.type, group: o.group, comment: o.comment ?? 'single-file-manager', force: o.force };
  const r = await (move ? store.move({ ...req, dryRun: o.dryRun }) : store.copy({ ...req, dryRun: o.dryRun }));
  return result(Boolean(o.dryRun), single(`${move ? 'mv' : 'cp'} ${o.from} ${r.target}`), [r]);
}

/** Delete one calib file of the store (kept as a backup unless `keepBackup: false`), with a HISTORY record. */
export async function deleteFile(store: CalibStore, options: DeleteFileOptions): Promise<FileManagerResult> {
  const o = parseInput(DeleteFileOptionsSchema, options, 'deleteFile');
  if (o.path === undefined && (o.source === undefined || o.type === undefined || o.file === undefined)) {
    throw new ConfigError('path', 'give the path of the calib file, or source, type and file');
  }
  const r = await store.remove({ ...o, comment: o.comment ?? 'single-file-manager' });
  return result(Boolean(o.dryRun), single(`rm ${r.target}`), [r]);
}

/** Deploy one constants file into the store as `<runRange>.data` (validated; an existing file is kept as a backup). */
export async function deployFile(store: CalibStore, options: DeployFileOptions): Promise<FileManagerResult> {
  const o = parseInput(DeployFileOptionsSchema, options, 'deployFile');
  const r = await store.deploy({ srcFile: o.file, source: o.source, type: o.type, runRange: normRange(o.runRange), group: o.group, comment: o.comment, run: o.run, dryRun: o.dryRun, force: o.force });
  return result(Boolean(o.dryRun), single(`cp ${o.file} ${r.target}`), [r]);
}

/** The files a group copy takes from the other store. */
async function groupFiles(o: z.output<typeof GroupCopyOptionsSchema>, calibDirOf: (experiment: string) => string): Promise<string[]> {
  const given = o.fromCalibDir ?? (o.fromExperiment !== undefined ? calibDirOf(o.fromExperiment) : undefined);
  if (given === undefined) throw new ConfigError('fromCalibDir', 'give the other store: fromCalibDir or fromExperiment');
  const from = path.resolve(given);
  if (o.files) return o.files.map((f) => (path.isAbsolute(f) ? f : path.join(from, f)));
  if (o.fromRun === undefined) throw new ConfigError('files', 'give the files to copy, or fromRun to take every file psana uses for that run');
  const sources = o.sources?.map((s) => sourceDirName(s));
  const out: string[] = [];
  for (const g of await listSubdirs(from)) {
    if (!g.includes('::')) continue;
    for (const s of await listSubdirs(path.join(from, g))) {
      if (sources && !sources.includes(s)) continue;
      for (const t of await listSubdirs(path.join(from, g, s))) {
        if (o.types && !o.types.includes(t)) continue;
        const dir = path.join(from, g, s, t);
        const chosen = findCalibFile((await listDir(dir)).filter((n) => !n.startsWith('.')), o.fromRun).file;
        if (chosen) out.push(path.join(dir, chosen));
      }
    }
  }
  if (!out.length) throw new CalibStoreError(`no calib file of ${from} applies to run ${o.fromRun}${sources || o.types ? ' with the sources and types given' : ''}`, { path: from });
  return out;
}

/**
 * Copy several files of another experiment's store into this one with one run range (the Group File Manager):
 * every file is validated and planned first (a dry run), then written in order.
 */
export async function groupCopy(store: CalibStore, options: GroupCopyOptions, calibDirOf: (experiment: string) => string): Promise<FileManagerResult> {
  const o = parseInput(GroupCopyOptionsSchema, options, 'groupCopy');
  const files = await groupFiles(o, calibDirOf);
  const runRange = normRange(o.runRange);
  const reqs = files.map((from) => ({ from, runRange, comment: o.comment ?? 'group-file-manager', force: o.force }));
  const planned: StoreOperationResult[] = [];
  for (const r of reqs) planned.push(await store.copy({ ...r, dryRun: true }));
  const commands = files.map((f, k) => `cp ${f} ${planned[k].target}`);
  if (o.dryRun) return result(true, group(commands, 'deployment'), planned);
  const done: StoreOperationResult[] = [];
  for (const r of reqs) done.push(await store.copy(r));
  return result(false, group(commands, 'deployment'), done);
}

/** Every type directory of a source in the store, with coverage and (given a run) the file psana uses for it. */
export async function deployedOf(store: CalibStore, source: string, run?: number): Promise<DeployedTypeFiles[]> {
  const status = await store.status({ source }).catch((err: unknown) => {
    // a store that does not exist yet holds nothing
    if (err instanceof CalibStoreError && /no such file/.test(err.message)) return { calibDir: store.calibDir, types: [] };
    throw err;
  });
  return status.types.map((t) => {
    const base: DeployedTypeFiles = { group: t.group, source: t.source, type: t.type, dir: t.dir, files: t.files, ignored: t.ignored };
    if (run === undefined) return base;
    const f = findCalibFile(t.files.map((c) => c.name), run);
    return { ...base, forRun: { run, file: f.file, range: f.range } };
  });
}

/** HISTORY records of one source and calib type (missing HISTORY → empty). */
export function historyOf(store: CalibStore, source: string, type: string, groupName?: string): Promise<HistoryRecord[]> {
  return store.history({ source, type, group: groupName });
}
