import { formatLocalTimestamp } from './history.js';

/** One step of a store operation, as planned (dry run) or as done. */
export type CalibOperation =
  /** create a missing directory with this mode (and group) */
  | {
      /** Operation kind. */
      readonly op: 'mkdir';
      /** Directory created. */
      readonly path: string;
      /** Permission bits. */
      readonly mode: number;
      /** Unix group given to it. */
      readonly group?: string;
    }
  /** keep an existing file under a new name before it is replaced or deleted */
  | {
      /** Operation kind. */
      readonly op: 'backup';
      /** File kept. */
      readonly from: string;
      /** Name it is kept under. */
      readonly to: string;
    }
  /** write the content of `from` (a path, or a label for bytes) to `to`, atomically */
  | {
      /** Operation kind. */
      readonly op: 'copy';
      /** Input path, or a label for bytes. */
      readonly from: string;
      /** Calib file written. */
      readonly to: string;
      /** Bytes written. */
      readonly bytes: number;
    }
  /** remove a file (after a move, or a delete without backup) */
  | {
      /** Operation kind. */
      readonly op: 'remove';
      /** File removed. */
      readonly path: string;
    }
  /** append a record to a HISTORY file */
  | {
      /** Operation kind. */
      readonly op: 'history';
      /** HISTORY file. */
      readonly path: string;
      /** Record text appended. */
      readonly record: string;
    };

/** Octal text of a mode as calibrun prints it, `02775`. */
export function formatMode(mode: number): string {
  return '0' + mode.toString(8);
}

function q(p: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}

/** One operation as a shell-like command line (what "Show cmd" prints). */
export function formatOperation(o: CalibOperation): string {
  switch (o.op) {
    case 'mkdir':
      return `mkdir -m ${formatMode(o.mode)} ${q(o.path)}${o.group ? `; chgrp ${o.group} ${q(o.path)}` : ''}`;
    case 'backup':
      return `cp ${q(o.from)} ${q(o.to)}   # keep the existing file`;
    case 'copy':
      return `cp ${q(o.from)} ${q(o.to)}`;
    case 'remove':
      return `rm ${q(o.path)}`;
    case 'history':
      return `echo ${q(o.record.replace(/\n$/, ''))} >> ${q(o.path)}`;
  }
}

/**
 * The "Show cmd" listing: a line of 50 `-`, the heading `Tentative deployment commands:` and one line per
 * operation (CalibManager prints the `cp` lines the same way).
 */
export function formatShowCmd(ops: readonly CalibOperation[]): string {
  return ['-'.repeat(50), 'Tentative deployment commands:', ...ops.map(formatOperation)].join('\n');
}

/**
 * Name to keep an existing file under: `<name>-<%Y-%m-%dT%H:%M:%S>` (PSCalib's backup convention; the
 * finder ignores it because the extension is no longer `.data`), with `-1`, `-2`, … appended while taken.
 */
export function backupName(name: string, time: Date, taken: (candidate: string) => boolean): string {
  const base = `${name}-${formatLocalTimestamp(time)}`;
  if (!taken(base)) return base;
  for (let i = 1; ; i++) if (!taken(`${base}-${i}`)) return `${base}-${i}`;
}
