import type { Command } from 'commander';
import { CalibStoreError, ConfigError, DetectorNotFoundError } from '../../errors.js';
import { resolveDetectors, sourceDevice } from '../../detectors/registry.js';
import type { DType } from '../../io/dtype.js';
import {
  type CalibOperation,
  formatFindExplanation,
  formatOperation,
  formatQualityTable,
  formatRunRange,
  formatShowCmd,
  parseSource,
  splitCalibFilePath,
} from '../../deploy/index.js';
import { type CalibStore, type CalibStoreOptions, type StoreOperationResult, type StoreStatus, openCalibStore } from '../../node/calib-store.js';
import { action, parseIntOption, parseNumberOption } from '../action.js';
import { addOptionAlias } from '../program-setup.js';

const SOURCE_HELP = 'DetInfo source (CxiDs1.0:Cspad.0, DetInfo(...), CxiDs1-0|Cspad-0) or a registry name (CSPAD2x2) found in the calib dir';

/**
 * The calib-dir source a `--source` names: a DetInfo spelling as it is, or a detector registry name
 * (`CSPAD2x2`, as `xtc frames --source` takes) resolved among the sources deployed in the calib dir.
 */
async function resolveCalibSource(store: CalibStore, text: string): Promise<string> {
  try {
    parseSource(text);
    return text;
  } catch {
    // not a DetInfo spelling: a registry name
  }
  const sources = [...new Set((await store.status()).types.map((t) => t.source))].sort();
  let found: string[];
  try {
    found = resolveDetectors([text], sources).map((f) => f.source);
  } catch (err) {
    if (!(err instanceof DetectorNotFoundError)) throw err;
    // detectors without a registry entry (Epix100a, Jungfrau, …): the device name, as calibrun's menu matches
    found = sources.filter((s) => sourceDevice(s)?.toLowerCase() === text.trim().toLowerCase());
  }
  if (found.length === 0) {
    throw new DetectorNotFoundError(text, sources, `in ${store.calibDir} (give a DetInfo source such as CxiDs1.0:Cspad.0 for a new one)`);
  }
  if (found.length > 1) {
    throw new DetectorNotFoundError(text, found, `(matches several sources in ${store.calibDir}; give one source string)`);
  }
  return found[0];
}

function parseMode(name: string): (value: string) => number {
  return (value: string) => {
    const m = /^(?:0o?)?([0-7]{1,5})$/i.exec(value.trim());
    if (!m || parseInt(m[1], 8) > 0o7777) throw new ConfigError(name, `expected an octal mode from 0 to 07777 such as 02775 or 0664, found "${value}"`);
    return parseInt(m[1], 8);
  };
}

function parseShape(value: string): number[] {
  const dims = value.replace(/[()\s]/g, '').split(/[,x×]/).filter((d) => d !== '').map(Number);
  if (dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new ConfigError('--shape', `expected dimensions like 704,768 or 32,185,388, found "${value}"`);
  }
  return dims;
}

const DTYPES = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64'];
function parseDType(value: string): DType {
  if (!DTYPES.includes(value)) throw new ConfigError('--dtype', `expected one of ${DTYPES.join(', ')}, found "${value}"`);
  return value as DType;
}

interface WriteOpts {
  dryRun?: boolean;
  comment?: string;
  dirMode?: number;
  fileMode?: number;
  group?: string;
  historyFile?: string;
  exp?: string;
  run?: number;
  force?: boolean;
  forceMode?: boolean;
}

function addWriteOptions(c: Command): Command {
  c
    .option('--dry-run', 'print every operation ("Show cmd") and validate, but write nothing')
    .option('--comment <text>', 'comment for the HISTORY record')
    .option('--dir-mode <octal>', 'mode of created directories (calibrun --dirmode)', parseMode('--dir-mode'), 0o2775)
    .option('--file-mode <octal>', 'mode of written files (calibrun --filemode)', parseMode('--file-mode'), 0o664)
    .option('--group <name>', 'group of created directories and files (calibrun --group, e.g. ps-users); default: unchanged')
    .option('--history-file <name>', 'HISTORY file name; empty string disables HISTORY records', 'HISTORY')
    .option('--exp <exp>', 'experiment for HISTORY records (default: the directory above calib/)')
    .option('--run <n>', 'run for HISTORY records (default: the range begin)', parseIntOption('--run'))
    .option('--force', 'write a file that does not fit the source\'s detector type (shape, calib type) anyway; recorded in HISTORY')
    .option('--force-mode', 'accept setuid/setgid/sticky or world-writable --file-mode/--dir-mode (refused otherwise)');
  return addOptionAlias(c, '--experiment <exp>', '--exp');
}

function storeOptions(o: WriteOpts): CalibStoreOptions {
  return { dirMode: o.dirMode, fileMode: o.fileMode, group: o.group, historyFileName: o.historyFile, experiment: o.exp, allowUnsafeModes: o.forceMode };
}

function report(results: readonly StoreOperationResult[]): void {
  const ops: CalibOperation[] = results.flatMap((r) => [...r.operations]);
  if (results.some((r) => r.dryRun)) {
    process.stdout.write(formatShowCmd(ops) + '\n(dry run: nothing written)\n');
  } else {
    for (const o of ops) process.stdout.write(formatOperation(o) + '\n');
    for (const r of results) if (r.backup) process.stdout.write(`kept the previous ${r.target} as ${r.backup}\n`);
  }
  for (const r of results) for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
}

function formatStatus(s: StoreStatus): string {
  if (s.types.length === 0) return `${s.calibDir}: no calibration files`;
  const lines: string[] = [];
  let last = '';
  for (const t of s.types) {
    const head = `${t.group}/${t.source}`;
    if (head !== last) lines.push(head);
    last = head;
    lines.push(`  ${t.type}${t.historyRecords ? `  (${t.historyRecords} HISTORY records)` : ''}`);
    for (const f of t.files) {
      const eff = f.shadowed ? 'shadowed: never used' : `used for runs ${f.effective.map(formatRunRange).join(', ')}`;
      lines.push(`    ${f.name.padEnd(16)} ${eff}`);
    }
    for (const i of t.ignored) if (i.reason !== 'history') lines.push(`    ${i.name.padEnd(16)} ignored (${i.reason})`);
  }
  return lines.join('\n');
}

/** Register the `calibman calib …` commands. */
export function register(program: Command): void {
  const calib = program
    .command('calib')
    .description(
      'The experiment calib directory <calib>/<group>/<source>/<type>/<begin>-<end>.data: find the file psana uses for a ' +
        'run, list what is deployed, deploy/copy/move/delete files with HISTORY records, compare new constants (docs/calib-store.md)',
    );
  for (const add of [addFind, addStatus, addHistory, addDeploy, addCopyAndMove, addDelete, addDiff]) add(calib);
}

function addFind(calib: Command): void {
  calib
    .command('find')
    .description('Print the path of the file psana uses for a run (exit 1 when none applies)')
    .requiredOption('--calib-dir <dir>', 'experiment calib directory')
    .requiredOption('--source <src>', SOURCE_HELP)
    .requiredOption('--type <type>', 'calib type, e.g. pedestals, pixel_status, geometry')
    .requiredOption('--run <n>', 'run number', parseIntOption('--run'))
    .option('--calib-group <group>', 'calib group directory (default from the source device, e.g. CsPad::CalibV1)')
    .option('--explain', 'list every file in the type directory and why it won or lost (on stderr)')
    .action(
      action(async (o: { calibDir: string; source: string; type: string; run: number; calibGroup?: string; explain?: boolean }) => {
        const store = await openCalibStore(o.calibDir);
        const r = await store.find({ source: await resolveCalibSource(store, o.source), type: o.type, run: o.run, group: o.calibGroup });
        if (o.explain) process.stderr.write(`${r.typeDir}\n${formatFindExplanation(r)}\n`);
        if (r.path) {
          process.stdout.write(r.path + '\n');
        } else {
          process.stderr.write(`no ${o.type} file in ${r.typeDir} applies to run ${o.run}\n`);
          process.exitCode = 1;
        }
      }),
    );
}

function addStatus(calib: Command): void {
  calib
    .command('status')
    .description('List deployed files per detector with the runs psana really uses each for; shadowed files are flagged')
    .requiredOption('--calib-dir <dir>', 'experiment calib directory')
    .option('--source <src>', `only this source: ${SOURCE_HELP}`)
    .option('--json', 'print JSON instead of text')
    .action(
      action(async (o: { calibDir: string; source?: string; json?: boolean }) => {
        const store = await openCalibStore(o.calibDir);
        const s = await store.status({ source: o.source === undefined ? undefined : await resolveCalibSource(store, o.source) });
        process.stdout.write((o.json ? JSON.stringify(s, null, 2) : formatStatus(s)) + '\n');
      }),
    );
}

function addHistory(calib: Command): void {
  calib
    .command('history')
    .description('Print the HISTORY records of a type directory (CalibManager and PSCalib formats)')
    .requiredOption('--calib-dir <dir>', 'experiment calib directory')
    .requiredOption('--source <src>', SOURCE_HELP)
    .requiredOption('--type <type>', 'calib type')
    .option('--calib-group <group>', 'calib group directory')
    .option('--json', 'print parsed records as JSON')
    .action(
      action(async (o: { calibDir: string; source: string; type: string; calibGroup?: string; json?: boolean }) => {
        const store = await openCalibStore(o.calibDir);
        const recs = await store.history({ source: await resolveCalibSource(store, o.source), type: o.type, group: o.calibGroup });
        process.stdout.write(o.json ? JSON.stringify(recs, null, 2) + '\n' : recs.map((r) => r.text + '\n').join(''));
      }),
    );
}

function addDeploy(calib: Command): void {
  addWriteOptions(
    calib
      .command('deploy')
      .description(
        'Validate FILE (psana ndarray text: parse, shape/dtype, NaN; the shape the source\'s detector type needs, e.g. ' +
          '(32,185,388) for a Cspad) and write it as <calib>/<group>/<src>/<type>/<range>.data ' +
          'atomically under a lock; an existing file of that name is kept as <name>-<timestamp>; a HISTORY record is appended',
      )
      .argument('<file>', 'constants file to deploy')
      .requiredOption('--calib-dir <dir>', 'experiment calib directory (created if missing; its parent directory must exist)')
      .requiredOption('--source <src>', `${SOURCE_HELP}, e.g. XppGon.0:Epix100a.1`)
      .requiredOption('--type <type>', 'calib type, e.g. pedestals')
      .requiredOption('--run-range <range>', 'validity range <begin>-<end>, e.g. 42-end or 5-17')
      .option('--calib-group <group>', 'calib group directory (default from the source device)')
      .option('--shape <dims>', 'expected detector shape, e.g. 704,768 or 32,185,388', parseShape)
      .option('--dtype <dtype>', 'element type the values must fit (default: the type\'s, e.g. uint16 for pixel_status)', parseDType)
      .option('--no-validate', 'skip the content checks'),
  ).action(
    action(async (file: string, o: WriteOpts & { calibDir: string; source: string; type: string; runRange: string; calibGroup?: string; shape?: number[]; dtype?: DType; validate: boolean }) => {
      const store = await openCalibStore(o.calibDir, storeOptions(o));
      const r = await store.deploy({
        srcFile: file, source: await resolveCalibSource(store, o.source), type: o.type, runRange: o.runRange, group: o.calibGroup, comment: o.comment,
        dryRun: o.dryRun, run: o.run, expect: o.validate ? { shape: o.shape, dtype: o.dtype } : false, force: o.force,
      });
      report([r]);
    }),
  );
}

/** Register `copy` and `move` (the same options; move removes the input). */
function addCopyAndMove(calib: Command): void {
  for (const move of [false, true]) {
    addWriteOptions(
      calib
        .command(move ? 'move' : 'copy')
        .description(
          `${move ? 'Move' : 'Copy'} calib files to a new run range (File Manager). Each FILE is a calib file path ` +
            '.../<group>/<source>/<type>/<name>, possibly in another experiment\'s calib dir; group, source and type are ' +
            `kept unless given. The target is written atomically under a lock and logged in HISTORY${move ? '; the input is then removed' : ''}.`,
        )
        .argument('<files...>', 'calib files')
        .requiredOption('--run-range <range>', 'new validity range, e.g. 120-end')
        .option('--calib-dir <dir>', 'target calib directory (default: the calib dir of each FILE)')
        .option('--source <src>', 'target source (default: that of FILE)')
        .option('--type <type>', 'target calib type (default: that of FILE)')
        .option('--calib-group <group>', 'target calib group'),
    ).action(
      action(async (files: string[], o: WriteOpts & { runRange: string; calibDir?: string; source?: string; type?: string; calibGroup?: string }) => {
        const results: StoreOperationResult[] = [];
        for (const f of files) {
          const dir = o.calibDir ?? splitCalibFilePath(f)?.calibDir;
          if (!dir) throw new CalibStoreError('not inside a calib store and no --calib-dir given', { path: f });
          const store = await openCalibStore(dir, storeOptions(o));
          const comment = o.comment ?? (files.length > 1 ? 'group-file-manager' : 'single-file-manager');
          const source = o.source === undefined ? undefined : await resolveCalibSource(store, o.source);
          const req = { from: f, runRange: o.runRange, source, type: o.type, group: o.calibGroup, comment, dryRun: o.dryRun, run: o.run, force: o.force };
          results.push(await (move ? store.move(req) : store.copy(req)));
        }
        report(results);
      }),
    );
  }
}

function addDelete(calib: Command): void {
  const cmd = calib
    .command('delete')
    .description(
      'Delete calib files (File Manager). By default the file is kept as <name>-<timestamp> (psana ignores it) so it can be ' +
        'restored; --no-backup really removes it. A "cmd:rm" record is added where a HISTORY exists.',
    )
    .argument('[files...]', 'calib file paths .../<group>/<source>/<type>/<begin>-<end>.data')
    .option('--calib-dir <dir>', 'with --source/--type/--run-range: select the file instead of giving its path')
    .option('--source <src>', `source of the file to delete: ${SOURCE_HELP}`)
    .option('--type <type>', 'calib type of the file to delete')
    .option('--run-range <range>', 'run range of the file to delete, e.g. 0-end')
    .option('--no-backup', 'remove the file instead of keeping a timestamped copy')
    .option('--dry-run', 'print the operations but change nothing')
    .option('--comment <text>', 'comment for the HISTORY record')
    .option('--history-file <name>', 'HISTORY file name; empty string disables HISTORY records', 'HISTORY')
    .action(
      action(async (files: string[], o: { calibDir?: string; source?: string; type?: string; runRange?: string; backup: boolean; dryRun?: boolean; comment?: string; historyFile?: string }) => {
        const results: StoreOperationResult[] = [];
        const common = { comment: o.comment, dryRun: o.dryRun, keepBackup: o.backup };
        if (files.length === 0) {
          if (!o.calibDir || !o.source || !o.type || !o.runRange) throw new ConfigError('delete', 'give file paths, or --calib-dir, --source, --type and --run-range');
          const store = await openCalibStore(o.calibDir, { historyFileName: o.historyFile });
          results.push(await store.remove({ source: await resolveCalibSource(store, o.source), type: o.type, file: o.runRange, ...common }));
        }
        for (const f of files) {
          const loc = splitCalibFilePath(f);
          if (!loc) throw new CalibStoreError('not inside a calib store (.../<group>/<source>/<type>/<file>)', { path: f });
          const store = await openCalibStore(loc.calibDir, { historyFileName: o.historyFile });
          results.push(await store.remove({ path: f, ...common }));
        }
        report(results);
      }),
    );
  addOptionAlias(cmd, '--range <range>', '--run-range');
}

function addDiff(calib: Command): void {
  calib
    .command('diff')
    .description(
      'Quality check before deployment: compare NEW constants with those psana uses today for --run (per-segment mean ' +
        'shift, fraction of pixels changed beyond a threshold, new/fixed bad pixels for pixel_status). Exit 1 when no current file.',
    )
    .argument('<new>', 'new constants file (psana ndarray text)')
    .requiredOption('--calib-dir <dir>', 'experiment calib directory')
    .requiredOption('--source <src>', SOURCE_HELP)
    .requiredOption('--type <type>', 'calib type, e.g. pedestals, pixel_rms, pixel_status')
    .requiredOption('--run <n>', 'run whose current constants are compared', parseIntOption('--run'))
    .option('--threshold <x>', 'a pixel counts as changed above this |new - old| (default: pedestals 10 ADU, pixel_rms 1 ADU, status 0)', parseNumberOption('--threshold'))
    .option('--calib-group <group>', 'calib group directory')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (file: string, o: { calibDir: string; source: string; type: string; run: number; threshold?: number; calibGroup?: string; json?: boolean }) => {
        const store = await openCalibStore(o.calibDir);
        const d = await store.diff({ newFile: file, source: await resolveCalibSource(store, o.source), type: o.type, run: o.run, threshold: o.threshold, group: o.calibGroup });
        if (d.newValidation.count === 0) {
          throw new CalibStoreError(`cannot read the new constants: ${d.newValidation.problems.map((p) => p.message).join('; ') || 'no values'}`, { path: file });
        }
        if (o.json) process.stdout.write(JSON.stringify(d, null, 2) + '\n');
        for (const p of d.newValidation.problems) process.stderr.write(`warning: ${file}: ${p.message}\n`);
        if (!d.current) {
          process.stderr.write(`no ${o.type} constants apply to run ${o.run}: nothing to compare\n`);
          process.exitCode = 1;
          return;
        }
        if (!d.report) throw new CalibStoreError(`cannot read the new constants: ${d.newValidation.problems.map((p) => p.message).join('; ')}`, { path: file });
        if (!o.json) process.stdout.write(`current: ${d.current}\n${formatQualityTable(d.report)}\n`);
      }),
    );
}
