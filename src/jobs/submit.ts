/**
 * Submission of a split run to SLURM: one job array over the pieces (each writes a partial result into
 * the work directory) and one merge job that starts only when every piece completed
 * (`--dependency=afterok:<array>`). The job is recorded in `<workDir>/jobs/<id>.json`.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, JobError } from '../errors.js';
import { jobFilesDir, newJobId, writeJobRecord } from './records.js';
import { jobScriptText } from './script.js';
import { SlurmClient } from './slurm.js';
import type { JobRecord, PieceSpec, SlurmOptions, TaskRecord } from './types.js';

/** What {@link submitPieces} needs. */
export interface SubmitPiecesOptions extends SlurmOptions {
  /** One command per piece (argv, or a spec with expected outputs). At least one. */
  pieces: ReadonlyArray<readonly string[] | PieceSpec>;
  /** The merge command, run after every piece completed. */
  merge: readonly string[] | PieceSpec;
  /** Work directory: records, scripts and logs go to `<workDir>/jobs/`; tasks start in it. */
  workDir: string;
  /** Prefix of the record id and default job name (e.g. `dark-r0042`). */
  name?: string;
  /** Human description stored in the record. */
  label?: string;
  /** SLURM client (default: tools on PATH). */
  slurm?: SlurmClient;
}

/**
 * Submit pieces as a SLURM job array plus a dependent merge job, and persist the job record.
 * Returns the record as submitted (phase `pending`). If sbatch refuses, the record is kept with phase
 * `failed` and the sbatch message, and a JobError is thrown.
 */
export async function submitPieces(options: SubmitPiecesOptions): Promise<JobRecord> {
  if (options.pieces.length === 0) throw new ConfigError('pieces', 'expected at least one piece command, found none');
  const pieces = options.pieces.map((p, i) => toSpec(p, `pieces[${i}]`));
  const merge = toSpec(options.merge, 'merge');
  const workDir = path.resolve(options.workDir);
  const slurmOptions = pickSlurmOptions(options);
  validateSlurmOptions(slurmOptions);
  const id = newJobId(options.name ?? slurmOptions.jobName ?? 'job');
  const filesDir = jobFilesDir(workDir, id);
  await fsp.mkdir(path.join(filesDir, 'logs'), { recursive: true });
  const script = path.join(filesDir, 'job.sh');
  const text = jobScriptText({
    jobId: id,
    pieces: pieces.map((p) => p.argv),
    merge: merge.argv,
    statusDir: path.join(filesDir, 'status'),
  });
  await fsp.writeFile(script, text, { mode: 0o755 });

  const now = new Date().toISOString();
  const task = (spec: PieceSpec, index: number): TaskRecord => ({
    index,
    ...(spec.label ? { label: spec.label } : {}),
    argv: [...spec.argv],
    outputs: (spec.outputs ?? []).map((o) => path.resolve(workDir, o)),
    attempts: 0,
    phase: 'pending',
  });
  const record: JobRecord = {
    schema: 'calibman.job/1',
    id,
    ...(options.label ? { label: options.label } : {}),
    backend: 'slurm',
    workDir,
    script,
    createdAt: now,
    updatedAt: now,
    options: slurmOptions,
    phase: 'pending',
    pieces: pieces.map((p, i) => task(p, i)),
    merge: task(merge, -1),
    submissions: [],
  };
  await writeJobRecord(record);
  try {
    await submitTasks(record, record.pieces.map((p) => p.index), options.slurm ?? new SlurmClient());
  } catch (err) {
    record.phase = 'failed';
    record.failure = `submission failed: ${(err as Error).message}`;
    await writeJobRecord(record);
    throw err;
  }
  await writeJobRecord(record);
  return record;
}

/**
 * Submit the given pieces of a recorded job (as one array) and its merge (depending on that array), and
 * update the task records. With no piece indices only the merge is submitted. Does not write the record.
 */
export async function submitTasks(record: JobRecord, pieceIndices: readonly number[], slurm: SlurmClient): Promise<void> {
  const filesDir = jobFilesDir(record.workDir, record.id);
  const statusDir = path.join(filesDir, 'status');
  const n = record.submissions.length + 1;
  for (const i of pieceIndices) await fsp.rm(path.join(statusDir, `${i}.exit`), { force: true });
  await fsp.rm(path.join(statusDir, 'merge.exit'), { force: true });
  await fsp.mkdir(path.join(filesDir, 'logs'), { recursive: true });

  const common = commonSbatchArgs(record);
  let arrayJobId: string | undefined;
  if (pieceIndices.length > 0) {
    const throttle = record.options.maxParallel ? `%${record.options.maxParallel}` : '';
    arrayJobId = await slurm.sbatch([
      ...common,
      `--array=${compressIndices(pieceIndices)}${throttle}`,
      `--output=${path.join(filesDir, 'logs', `piece-%a.s${n}.log`)}`,
      record.script,
    ]);
  }
  let mergeJobId: string;
  try {
    mergeJobId = await slurm.sbatch([
      ...common,
      ...(arrayJobId ? [`--dependency=afterok:${arrayJobId}`, '--kill-on-invalid-dep=yes'] : []),
      `--output=${path.join(filesDir, 'logs', `merge.s${n}.log`)}`,
      record.script,
      'merge',
    ]);
  } catch (err) {
    if (arrayJobId) await slurm.scancel([arrayJobId]).catch(() => undefined);
    throw err;
  }

  for (const i of pieceIndices) {
    const t = record.pieces[i];
    resetTask(t, `${arrayJobId}_${i}`, path.join(filesDir, 'logs', `piece-${i}.s${n}.log`));
  }
  resetTask(record.merge, mergeJobId, path.join(filesDir, 'logs', `merge.s${n}.log`));
  record.submissions.push({
    at: new Date().toISOString(),
    ...(arrayJobId ? { arrayJobId } : {}),
    pieceIndices: [...pieceIndices],
    mergeJobId,
  });
  record.phase = 'pending';
  record.cancelRequested = false;
  delete record.failure;
}

/** The sbatch options every task of a job gets (name, directory, partition, account, QOS, limits, extras). */
export function commonSbatchArgs(record: Pick<JobRecord, 'workDir' | 'options'>): string[] {
  const o = record.options;
  const args = [`--job-name=${o.jobName ?? 'calibman'}`, `--chdir=${record.workDir}`];
  if (o.partition) args.push(`--partition=${o.partition}`);
  if (o.account) args.push(`--account=${o.account}`);
  if (o.qos) args.push(`--qos=${o.qos}`);
  if (o.time) args.push(`--time=${o.time}`);
  if (o.mem) args.push(`--mem=${o.mem}`);
  if (o.cpusPerTask) args.push(`--cpus-per-task=${o.cpusPerTask}`);
  args.push(...(o.extraArgs ?? []));
  return args;
}

/** `[0,1,2,5,7,8]` → `0-2,5,7-8` (SLURM array syntax). */
export function compressIndices(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function resetTask(t: TaskRecord, slurmId: string, log: string): void {
  t.slurmId = slurmId;
  t.log = log;
  t.attempts += 1;
  t.phase = 'pending';
  for (const k of ['schedulerState', 'exitCode', 'signal', 'reason', 'lastErrorLine'] as const) delete t[k];
}

function toSpec(p: readonly string[] | PieceSpec, field: string): PieceSpec {
  const spec: PieceSpec = Array.isArray(p) ? { argv: [...(p as readonly string[])] } : (p as PieceSpec);
  if (!Array.isArray(spec.argv) || spec.argv.length === 0 || spec.argv.some((a) => typeof a !== 'string')) {
    throw new ConfigError(field, 'expected a non-empty argv array of strings');
  }
  return spec;
}

function pickSlurmOptions(o: SlurmOptions): SlurmOptions {
  const out: SlurmOptions = {};
  if (o.partition) out.partition = o.partition;
  if (o.account) out.account = o.account;
  if (o.qos) out.qos = o.qos;
  if (o.time) out.time = o.time;
  if (o.mem) out.mem = o.mem;
  if (o.cpusPerTask) out.cpusPerTask = o.cpusPerTask;
  if (o.maxParallel) out.maxParallel = o.maxParallel;
  if (o.jobName) out.jobName = o.jobName;
  if (o.extraArgs?.length) out.extraArgs = [...o.extraArgs];
  return out;
}

/** Reject option values sbatch would misread (spaces, empty names, bad numbers). */
export function validateSlurmOptions(o: SlurmOptions): void {
  for (const key of ['partition', 'account', 'qos', 'jobName'] as const) {
    const v = o[key];
    if (v !== undefined && !/^[A-Za-z0-9_.:,@+-]+$/.test(v)) throw new ConfigError(key, `expected a SLURM name, found "${v}"`);
  }
  if (o.time !== undefined && !/^(\d+-)?\d+(:\d+){0,2}$|^(\d+-\d+)$|^UNLIMITED$|^INFINITE$/i.test(o.time)) {
    throw new ConfigError('time', `expected a SLURM time limit (minutes, [D-]HH:MM:SS), found "${o.time}"`);
  }
  if (o.mem !== undefined && !/^\d+[KMGT]?$/i.test(o.mem)) {
    throw new ConfigError('mem', `expected a memory size such as 4G or 16000M, found "${o.mem}"`);
  }
  for (const key of ['cpusPerTask', 'maxParallel'] as const) {
    const v = o[key];
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new ConfigError(key, `expected a positive integer, found ${v}`);
  }
  if (o.extraArgs && (o.extraArgs.some((a) => typeof a !== 'string') || (o.extraArgs.length > 0 && !o.extraArgs[0].startsWith('-')))) {
    throw new ConfigError('extraArgs', 'expected sbatch options starting with "-" (e.g. --constraint=milan)');
  }
  if (o.extraArgs?.some((a) => /^--(array|dependency|output|error|chdir|parsable)\b/.test(a))) {
    throw new JobError('extraArgs: --array, --dependency, --output, --error, --chdir and --parsable are set by calibman');
  }
}
