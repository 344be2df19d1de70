import type { Command } from 'commander';
import { action, parseNumberOption } from '../action.js';
import { JobError } from '../../errors.js';
import {
  cancelJob,
  describeTask,
  isTerminal,
  readJobRecord,
  refreshJob,
  retryJob,
  scanJobRecords,
  SlurmClient,
  waitForJob,
  type JobRecord,
  type TaskRecord,
} from '../../jobs/index.js';

interface CommonOpts {
  workDir: string;
  json?: boolean;
  refresh?: boolean;
}

/** Register the `calibman jobs …` commands. */
export function register(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('follow batch jobs recorded in a work directory (<work-dir>/jobs/<id>.json): list, show, cancel, retry')
    .addHelpText('after', '\nJob records are written by calibman when it submits work to SLURM (one array of pieces + a merge job).');

  jobs
    .command('ls')
    .description('list the job records of a work directory, refreshed from SLURM')
    .option('--work-dir <dir>', 'work directory holding jobs/', '.')
    .option('--json', 'print the records as JSON')
    .option('--no-refresh', 'show the stored records without asking SLURM')
    .action(
      action(async (opts: CommonOpts) => {
        const scan = await scanJobRecords(opts.workDir);
        let records = scan.records;
        if (opts.refresh !== false) records = await refreshAll(opts.workDir, records);
        // invalid record files are listed too, with phase "invalid" and the reason
        const invalid = scan.invalid.map((b) => ({ id: b.id, phase: 'invalid' as const, file: b.file, error: b.error }));
        if (opts.json) {
          process.stdout.write(JSON.stringify([...records, ...invalid], null, 2) + '\n');
          return;
        }
        if (records.length === 0 && invalid.length === 0) {
          process.stdout.write(`no job records in ${opts.workDir}/jobs\n`);
          return;
        }
        const rows = records.map((r) => [
          r.id,
          r.phase,
          `${r.pieces.filter((p) => p.phase === 'completed').length}/${r.pieces.length}`,
          String(r.pieces.filter((p) => p.phase === 'failed' || p.phase === 'unknown').length),
          r.createdAt.replace('T', ' ').slice(0, 19),
          r.label ?? '',
        ]);
        for (const b of invalid) rows.push([b.id, 'invalid', '-', '-', '-', b.error]);
        process.stdout.write(table(['ID', 'PHASE', 'PIECES', 'FAILED', 'CREATED (UTC)', 'LABEL'], rows));
      }),
    );

  jobs
    .command('show')
    .description('show one job: every piece and the merge with SLURM id, state, exit code, reason and log')
    .argument('<id>', 'job record id (see "calibman jobs ls")')
    .option('--work-dir <dir>', 'work directory holding jobs/', '.')
    .option('--json', 'print the record as JSON')
    .option('--no-refresh', 'show the stored record without asking SLURM')
    .action(
      action(async (id: string, opts: CommonOpts) => {
        const record = opts.refresh === false ? await readJobRecord(opts.workDir, id) : await refreshOne(opts.workDir, id);
        if (opts.json) process.stdout.write(JSON.stringify(record, null, 2) + '\n');
        else process.stdout.write(formatRecord(record));
      }),
    );

  jobs
    .command('cancel')
    .description('cancel every unfinished task of a job (scancel)')
    .argument('<id>', 'job record id')
    .option('--work-dir <dir>', 'work directory holding jobs/', '.')
    .action(
      action(async (id: string, opts: CommonOpts) => {
        const before = await readJobRecord(opts.workDir, id);
        if (isTerminal(before.phase)) throw new JobError(`job ${id} is already ${before.phase}`);
        const record = await cancelJob(opts.workDir, id);
        const ids = [...record.pieces, record.merge].filter((t) => t.reason === 'cancelled by the user').map((t) => t.slurmId);
        process.stdout.write(`cancelled job ${id} (${ids.length} task(s): ${ids.join(' ')})\n`);
      }),
    );

  jobs
    .command('retry')
    .description('resubmit only the failed or cancelled pieces of a job, then its merge')
    .argument('<id>', 'job record id')
    .option('--work-dir <dir>', 'work directory holding jobs/', '.')
    .action(
      action(async (id: string, opts: CommonOpts) => {
        const record = await retryJob(opts.workDir, id);
        const sub = record.submissions[record.submissions.length - 1];
        const what = sub.pieceIndices.length
          ? `pieces ${sub.pieceIndices.join(',')} as array job ${sub.arrayJobId}, merge as job ${sub.mergeJobId}`
          : `the merge as job ${sub.mergeJobId}`;
        process.stdout.write(`resubmitted ${what}\n`);
      }),
    );

  jobs
    .command('wait')
    .description('wait until a job completed, failed or was cancelled; exit code 0 only if it completed')
    .argument('<id>', 'job record id')
    .option('--work-dir <dir>', 'work directory holding jobs/', '.')
    .option('--timeout <seconds>', 'give up after this many seconds', parseNumberOption('--timeout'))
    .option('--poll <seconds>', 'seconds between checks', parseNumberOption('--poll'), 5)
    .action(
      action(async (id: string, opts: CommonOpts & { timeout?: number; poll: number }) => {
        const record = await waitForJob(opts.workDir, id, {
          pollMs: Math.max(0.2, opts.poll) * 1000,
          ...(opts.timeout !== undefined ? { timeoutMs: opts.timeout * 1000 } : {}),
        });
        process.stdout.write(`job ${id} ${record.phase}\n`);
        if (record.phase !== 'completed') throw new JobError(record.failure ?? `job ${id} ${record.phase}`);
      }),
    );
}

async function refreshAll(workDir: string, records: JobRecord[]): Promise<JobRecord[]> {
  if (!records.some((r) => !isTerminal(r.phase))) return records;
  const slurm = new SlurmClient();
  const check = await slurm.check();
  if (!check.ok) {
    process.stderr.write(`warning: showing stored states, SLURM not reachable: ${check.reason}\n`);
    return records;
  }
  const out: JobRecord[] = [];
  for (const r of records) {
    if (isTerminal(r.phase)) {
      out.push(r);
      continue;
    }
    try {
      out.push(await refreshJob(workDir, r.id, { slurm }));
    } catch (err) {
      if (!(err instanceof JobError)) throw err;
      process.stderr.write(`warning: ${r.id}: showing the stored state, refresh failed: ${err.message}\n`);
      out.push(r);
    }
  }
  return out;
}

async function refreshOne(workDir: string, id: string): Promise<JobRecord> {
  const record = await readJobRecord(workDir, id);
  return (await refreshAll(workDir, [record]))[0];
}

function formatRecord(r: JobRecord): string {
  const lines = [
    `job ${r.id}${r.label ? ` — ${r.label}` : ''}`,
    `  phase:      ${r.phase}${r.cancelRequested ? ' (cancel requested)' : ''}`,
    `  work dir:   ${r.workDir}`,
    `  script:     ${r.script}`,
    `  created:    ${r.createdAt}   updated: ${r.updatedAt}`,
    `  options:    ${JSON.stringify(r.options)}`,
    `  submitted:  ${r.submissions.map((s) => `${s.at} array=${s.arrayJobId ?? '-'} [${s.pieceIndices.join(',')}] merge=${s.mergeJobId}`).join('\n              ') || '(never)'}`,
  ];
  if (r.failure) lines.push(`  failure:    ${r.failure}`);
  lines.push('');
  const rows = [...r.pieces, r.merge].map((t: TaskRecord) => [
    t.index < 0 ? 'merge' : String(t.index),
    t.phase,
    t.slurmId ?? '-',
    t.schedulerState ?? '-',
    t.exitCode === undefined ? '-' : `${t.exitCode}${t.signal ? `:${t.signal}` : ''}`,
    String(t.attempts),
    t.log ?? '-',
  ]);
  lines.push(table(['TASK', 'PHASE', 'SLURM ID', 'STATE', 'EXIT', 'TRIES', 'LOG'], rows).trimEnd());
  for (const t of [...r.pieces, r.merge]) {
    if (t.phase === 'failed' || t.phase === 'unknown' || (t.phase === 'cancelled' && t.reason)) lines.push(`  ${describeTask(t)}`);
  }
  return lines.join('\n') + '\n';
}

function table(head: string[], rows: string[][]): string {
  // a loop, not Math.max(...): a job may have hundreds of thousands of pieces
  const widths = head.map((h) => h.length);
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i], c.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [fmt(head), ...rows.map(fmt)].join('\n') + '\n';
}
