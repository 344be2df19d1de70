/**
 * The log records of a dark job: one port through which the steps of a job (parameters, selection counts,
 * file writes, deployment commands, warnings) are reported, and the texts of those records — the lines
 * calibrun's session log has always had. The facade (src/facade/calib-manager.ts) turns each record into a
 * `log` event; calibrun writes the same records to its session log.
 */
import type { DarkRunResult } from './dark-pass.js';

/** Severity of a log record. */
export type DarkLogLevel = 'info' | 'warn' | 'error';

/** Which step of a job a record reports (calibrun writes its own parameter block instead of the `parameters` record). */
export type DarkLogStep = 'parameters' | 'selection' | 'files' | 'deploy' | 'warning';

/** One log record. */
export interface DarkLogRecord {
  /** Severity: `info`, `warn` or `error`. */
  level: DarkLogLevel;
  /** When the record was made. */
  time: Date;
  /** The text, possibly several lines (as calibrun's session log writes it). */
  message: string;
  /** The step of the job it reports. */
  step: DarkLogStep;
}

/** The log port: receives every record of a job, in order. */
export type DarkLogSink = (record: DarkLogRecord) => void;

/** A record made now. */
export function darkLogRecord(level: DarkLogLevel, step: DarkLogStep, message: string): DarkLogRecord {
  return { level, time: new Date(), message, step };
}

/** The selection-count records of a finished pass: xtc files read, events read/used/rejected with the rate, and per source. */
export function darkPassRecords(result: DarkRunResult): DarkLogRecord[] {
  return [
    darkLogRecord('info', 'selection', `xtc files:\n${result.files.map((f) => '  ' + f).join('\n')}`),
    darkLogRecord(
      'info',
      'selection',
      `Events read: ${result.eventsRead}, used: ${result.eventsUsed}, rejected by event codes: ${result.eventsRejected}, ` +
        `time: ${result.elapsedSec.toFixed(2)} s (${(result.eventsRead / Math.max(result.elapsedSec, 1e-9)).toFixed(1)} events/s)`,
    ),
    ...result.sources.map((s) =>
      darkLogRecord(
        'info',
        'selection',
        `source ${s.source} (${s.detector}): ${s.frames} frames, ${s.damaged} damaged, shape (${s.shape.join(',')}), STATISTICS ${s.arrays.counter}`,
      ),
    ),
  ];
}

/** The record listing the work files written, under the `ls <prefix>*` of the run. */
export function darkWorkFilesRecord(prefix: string, files: readonly string[]): DarkLogRecord {
  return darkLogRecord('info', 'files', `List of files in work directory for command "ls ${prefix}*":\n${files.join('\n')}`);
}

/** The record of the tentative deployment commands (`cp <work file> <calib file>`). */
export function darkTentativeDeployRecord(items: readonly { input: string; output: string }[]): DarkLogRecord {
  return darkLogRecord('info', 'deploy', ['-'.repeat(50), 'Tentative deployment commands:', ...items.map((i) => `cp ${i.input} ${i.output}`)].join('\n'));
}
