/**
 * The batch script of a job: one bash file that runs piece N when started as array task N and the merge
 * when started with the argument `merge`, and leaves the command's exit code in `<status dir>/<task>.exit`.
 */

/** Quote one word for bash (single quotes; embedded quotes escaped). */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Quote an argv for bash. */
export function shellQuoteArgv(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** What goes into a job script. */
export interface JobScriptSpec {
  /** Job record id, for the log header. */
  jobId: string;
  /** argv of each piece, by index. */
  pieces: ReadonlyArray<readonly string[]>;
  /** argv of the merge. */
  merge: readonly string[];
  /** Directory for `<task>.exit` files. */
  statusDir: string;
}

/** Text of the bash batch script of a job. */
export function jobScriptText(spec: JobScriptSpec): string {
  const cases = spec.pieces.map((argv, i) => `  ${i}) cmd=(${shellQuoteArgv(argv)}) ;;`);
  return [
    '#!/bin/bash',
    `# calibman batch script of job ${spec.jobId}.`,
    '# Array task N runs piece N; "job.sh merge" runs the merge. The exit code goes to <status>/<task>.exit.',
    'set -u',
    `status_dir=${shellQuote(spec.statusDir)}`,
    'task=${1:-${SLURM_ARRAY_TASK_ID:-}}',
    'case "$task" in',
    ...cases,
    `  merge) cmd=(${shellQuoteArgv(spec.merge)}) ;;`,
    '  *) echo "calibman: unknown task \'$task\' (expected 0..' + (spec.pieces.length - 1) + ' or merge)" >&2; exit 64 ;;',
    'esac',
    'echo "calibman: job ' + spec.jobId + ' task $task on $(hostname) at $(date -Is) (slurm job ${SLURM_JOB_ID:-?}${SLURM_ARRAY_JOB_ID:+, array task ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID:-}})"',
    '"${cmd[@]}"',
    'rc=$?',
    'mkdir -p "$status_dir" && echo "$rc" > "$status_dir/$task.exit.tmp" && mv -f "$status_dir/$task.exit.tmp" "$status_dir/$task.exit"',
    'echo "calibman: task $task finished with exit code $rc at $(date -Is)"',
    'exit "$rc"',
    '',
  ].join('\n');
}
