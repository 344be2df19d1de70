/**
 * The log records the facade makes for the steps of a dark job and of a deployment (src/pipeline/log.ts),
 * in the order and with the texts of calibrun's session log.
 */
import * as path from 'node:path';
import type { StoreOperationResult } from '../node/calib-store.js';
import { darkPrefix } from '../calibrun/dark-outputs.js';
import type { DarkJobOutcome, DarkJobSpec } from '../pipeline/dark-job.js';
import type { DarkDeployItem } from '../pipeline/deploy-plan.js';
import { type DarkLogRecord, darkLogRecord, darkPassRecords, darkWorkFilesRecord } from '../pipeline/log.js';

/** The `parameters` record of a job: runs, detectors, event selection, threads and thresholds. */
export function jobParametersRecord(spec: DarkJobSpec, experiment: string): DarkLogRecord {
  const p = spec.pass;
  const input = spec.mergePieces !== undefined ? `merge of ${spec.mergePieces} pieces` : p.open.files ? `files ${p.open.files.join(', ')}` : `xtc dir ${p.open.xtcDir}`;
  const t = Object.entries(p.thresholds).map(([k, v]) => `${k}=${v}`).join(' ');
  return darkLogRecord(
    'info',
    'parameters',
    `dark job ${experiment} run ${p.runs.join(',')} (${input}): detectors ${p.detectors.join(', ')}; events ${p.numEvents}, skip ${p.skipEvents ?? 0}, ` +
      `scan ${p.scanEvents ?? 0}, event codes ${p.eventCodes?.length ? p.eventCodes.join(',') : 'any'}; threads ${spec.threads}; thresholds ${t}`,
  );
}

/** The records after a job: pieces merged, selection counts, zero-pedestal warning, work files written. */
export function jobOutcomeRecords(
  spec: DarkJobSpec,
  outcome: DarkJobOutcome,
  where: { piecesDir: string; resultsDir: string; filePrefix: string; experiment: string; run: number },
): DarkLogRecord[] {
  const out: DarkLogRecord[] = [];
  if (spec.mergePieces) out.push(darkLogRecord('info', 'selection', `merged ${spec.mergePieces} pieces from ${where.piecesDir}`));
  out.push(...darkPassRecords(outcome.pass));
  if (spec.zeroPeds && !outcome.zeroPedsSources.length) out.push(darkLogRecord('warn', 'warning', '--zeropeds applies to Rayonix sources only; none processed'));
  if (spec.workFiles) {
    const files = [...outcome.workFiles.values()].flatMap((f) => Object.values(f) as string[]);
    out.push(darkWorkFilesRecord(darkPrefix(where.resultsDir, where.filePrefix, where.experiment, where.run), files));
  }
  return out;
}

/** The records of a deployment made: each copy, its HISTORY file, warnings (once each) and backups. */
export function deployRecords(items: readonly DarkDeployItem[], results: readonly StoreOperationResult[], historyFileName: string): DarkLogRecord[] {
  const out: DarkLogRecord[] = [];
  const warned = new Set<string>();
  items.forEach((it, i) => {
    const r = results[i];
    out.push(darkLogRecord('info', 'deploy', `command: cat ${it.input} > ${r.target}`));
    if (historyFileName) out.push(darkLogRecord('info', 'deploy', `append HISTORY file: ${path.join(path.dirname(r.target), historyFileName)}`));
    for (const w of r.warnings) {
      if (warned.has(w)) continue;
      warned.add(w);
      out.push(darkLogRecord('warn', 'warning', w));
    }
    if (r.backup) out.push(darkLogRecord('info', 'deploy', `previous file kept as ${r.backup}`));
  });
  return out;
}
