/**
 * HISTORY records of a calib type directory: writing CalibManager `FileDeployer` records and reading both
 * the CalibManager (two-space) and the PSCalib `deploy_file` (single-space) formats.
 */

/** Who/where/when of a HISTORY record. */
export interface HistoryContext {
  /** Login name. */
  readonly user: string;
  /** Host name. */
  readonly host: string;
  /** Local time of the operation. */
  readonly time: Date;
  /** Time-zone abbreviation (`PDT`); default: from Intl for `time`. */
  readonly zone?: string;
}

/** Local time as `%Y-%m-%dT%H:%M:%S` (psana's cptime). */
export function formatLocalTimestamp(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getFullYear(), 4)}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The runtime's abbreviation of the local time zone at `d` (`PDT`, `UTC`, or `GMT+1` where none exists). */
export function localZoneName(d: Date): string {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName');
    return part?.value ?? 'UTC';
  } catch {
    return 'UTC';
  }
}

function cptime(ctx: HistoryContext): string {
  return `${formatLocalTimestamp(ctx.time)}  zone:${esc(ctx.zone ?? localZoneName(ctx.time))}`.padEnd(29);
}

/**
 * A field value as written into a HISTORY line: control characters (a newline would start a forged record)
 * and the Unicode line separators become `\xNN` / `\uNNNN` escapes, so one record is always one line.
 */
export function escapeHistoryField(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
const esc = escapeHistoryField;

/** Fields of a CalibManager copy/move record. */
export interface DeployRecordFields {
  /** Name of the written file in the type directory, e.g. `137-end.data`. */
  readonly file: string;
  /** Input path as given. */
  readonly copyOf: string;
  /** Experiment name (may be empty). */
  readonly experiment: string;
  /** The run the constants come from, written as 4 digits (`0137`). */
  readonly run: number | string;
  /** `calibrun-dark`, `calibman-dark`, `single-file-manager`, `group-file-manager`, … */
  readonly comment: string;
}

/** Run as CalibManager writes it: `%04d` for numbers, text as given. */
function runText(run: number | string): string {
  return typeof run === 'number' ? String(run).padStart(4, '0') : run;
}

/**
 * One CalibManager `FileDeployer.addHistoryRecord` line (with the trailing newline):
 * `file:<name ljust 14>  copy_of:<in>  exp:<exp ljust 8>  run:<run ljust 4>  comment:<c ljust 10>  user:…  host:…  cptime:…  zone:…`.
 */
export function formatDeployRecord(f: DeployRecordFields, ctx: HistoryContext): string {
  return (
    `file:${esc(f.file).padEnd(14)}  copy_of:${esc(f.copyOf)}  exp:${esc(f.experiment).padEnd(8)}  run:${esc(runText(f.run)).padEnd(4)}  ` +
    `comment:${esc(f.comment).padEnd(10)}  user:${esc(ctx.user)}  host:${esc(ctx.host)}  cptime:${cptime(ctx)}\n`
  );
}

/** One CalibManager `addHistoryRecordOnDelete` line: `file:<name ljust 14>  cmd:rm    comment:…  user:…  host:…  cptime:…`. */
export function formatDeleteRecord(file: string, comment: string, ctx: HistoryContext): string {
  return `file:${esc(file).padEnd(14)}  cmd:${'rm'.padEnd(4)}  comment:${esc(comment).padEnd(10)}  user:${esc(ctx.user)}  host:${esc(ctx.host)}  cptime:${cptime(ctx)}\n`;
}

/** Which writer produced a HISTORY line. */
export type HistoryFormat = 'calibman-copy' | 'calibman-delete' | 'pscalib' | 'unknown';

/** One parsed HISTORY line. */
export interface HistoryRecord {
  /** Which writer produced the line. */
  readonly format: HistoryFormat;
  /** 1-based line number in the HISTORY file. */
  readonly line: number;
  /** The line as written. */
  readonly text: string;
  /** `key → value` (values trimmed), e.g. `file`, `copy_of`, `exp`, `run`, `comment`/`cmt`, `user`, `host`, `cptime`, `zone`, `ctype`, `cwd`, `cmd`, `app`. */
  readonly fields: Readonly<Record<string, string>>;
  /** The file the record is about. */
  readonly file: string | undefined;
  /** Timestamp text `%Y-%m-%dT%H:%M:%S` (local time of the writer). */
  readonly cptime: string | undefined;
  /** Comment (`comment:` or PSCalib `cmt:`). */
  readonly comment: string | undefined;
}

/** The field keys of HISTORY records (calibman's and PSCalib's), as {@link parseHistoryLine} finds them. */
export const HISTORY_FIELD_KEYS: readonly string[] = ['file', 'copy_of', 'exp', 'run', 'comment', 'user', 'host', 'cptime', 'zone', 'cmd', 'ctype', 'cwd', 'cmt', 'app'];
const KEY_RE = new RegExp(`(?:^|\\s)(${HISTORY_FIELD_KEYS.join('|')}):`, 'g');

/** Parse one HISTORY line into its `key:value` fields. */
export function parseHistoryLine(text: string, line = 1): HistoryRecord {
  const marks: { key: string; start: number; valueStart: number }[] = [];
  for (const m of text.matchAll(KEY_RE)) {
    const start = m.index + (m[0].length - m[1].length - 1);
    marks.push({ key: m[1], start, valueStart: m.index + m[0].length });
  }
  const fields: Record<string, string> = {};
  for (let i = 0; i < marks.length; i++) {
    const end = i + 1 < marks.length ? marks[i + 1].start : text.length;
    if (!(marks[i].key in fields)) fields[marks[i].key] = text.slice(marks[i].valueStart, end).trim();
  }
  const format: HistoryFormat =
    'cmd' in fields && fields.cmd === 'rm'
      ? 'calibman-delete'
      : 'ctype' in fields || 'cwd' in fields || 'cmt' in fields
        ? 'pscalib'
        : 'copy_of' in fields && 'comment' in fields
          ? 'calibman-copy'
          : 'unknown';
  return { format, line, text, fields, file: fields.file, cptime: fields.cptime, comment: fields.comment ?? fields.cmt };
}

/** Parse a whole HISTORY file; blank lines are skipped. */
export function parseHistory(text: string): HistoryRecord[] {
  const out: HistoryRecord[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    if (l.trim() !== '') out.push(parseHistoryLine(l, i + 1));
  });
  return out;
}
