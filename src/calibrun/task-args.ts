/**
 * The event-count, threshold and file-mode options of a calibrun task, written out in full so that a batch
 * task (calibrun's own `-q` pieces, the facade's batch job) does not depend on the submitting shell's defaults.
 */
import type { DarkThresholds } from '../pipeline/params.js';

/** The settings of a dark task that go on its command line with every value explicit. */
export interface DarkTaskSettings {
  /** Events to process (`-n`). */
  readonly numEvents: number;
  /** Events to skip first (`-s`). */
  readonly skipEvents: number;
  /** Events of the scan stage (`-m`). */
  readonly scanEvents: number;
  /** Pixel-status thresholds and stage-1 block size (`-B -T -b -t -Z -U -z -u --nrecs1`). */
  readonly thresholds: DarkThresholds;
  /** Mode of directories made (`--dirmode`, written in octal). */
  readonly dirMode: number;
  /** Mode of files made (`--filemode`, written in octal). */
  readonly fileMode: number;
}

/** `-n … -s … -m …`, the thresholds, `--nrecs1`, `--dirmode` and `--filemode`, in that order. */
export function darkTaskSettingArgs(s: DarkTaskSettings): string[] {
  const t = s.thresholds;
  return [
    '-n', String(s.numEvents),
    '-s', String(s.skipEvents),
    '-m', String(s.scanEvents),
    '-B', String(t.intLo), '-T', String(t.intHi), '-b', String(t.rmsLo), '-t', String(t.rmsHi),
    '-Z', String(t.intNLo), '-U', String(t.intNHi), '-z', String(t.rmsNLo), '-u', String(t.rmsNHi),
    '--nrecs1', String(t.nrecs1),
    '--dirmode', '0' + s.dirMode.toString(8),
    '--filemode', '0' + s.fileMode.toString(8),
  ];
}
