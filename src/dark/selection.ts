/**
 * Which events of a dark run feed the averaging: skip, number of events, event codes, damage.
 */
import { ConfigError } from '../errors.js';

/** Event selection of a dark run (calibrun `-s`, `-n`, `-f`). */
export interface DarkEventSelection {
  /** Events to skip at the start of the run (0-based event index < skip are skipped). */
  skip?: number;
  /** Events to consider after the skipped ones (index < skip + events); default all. */
  events?: number;
  /**
   * EVR event codes: an event is taken if it has any of them. If any code is negative, all are taken
   * as absolute values and the event is taken only if it has none of them. Empty/undefined: no filter.
   */
  eventCodes?: readonly number[];
  /** Damage bits that are tolerated (default 0: any damage excludes the frame). */
  allowedDamage?: number;
}

/** What to do with an event. */
export type DarkEventDecision = 'take' | 'skip' | 'stop';

/** One event as the selector sees it. */
export interface DarkEventInfo {
  /** 0-based index of the event in the run (all events, selected or not). */
  index: number;
  /** EVR codes present in the event; undefined when the event has no EVR data. */
  eventCodes?: readonly number[];
  /** Damage word of the detector's contribution (0 = undamaged). */
  damage?: number;
}

/**
 * Parse an event-code list as calibrun takes it (`"40,43"`, `"-162"`); `None`/empty gives no filter.
 * @throws ConfigError for text that is not a comma separated list of integers
 */
export function parseEventCodes(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === '' || t.toLowerCase() === 'none') return undefined;
  return t.split(',').map((s) => {
    const v = Number(s.trim());
    if (!Number.isInteger(v) || s.trim() === '') throw new ConfigError('event codes', `expected comma separated integers, found "${text}"`);
    return v;
  });
}

/** True when the event passes the event-code filter (psana EventCodeManager semantics). */
export function eventCodesMatch(codes: readonly number[] | undefined, present: readonly number[] | undefined): boolean {
  if (!codes || codes.length === 0) return true;
  if (!present) return false;
  const veto = codes.some((c) => c < 0);
  const any = codes.some((c) => present.includes(Math.abs(c)));
  return veto ? !any : any;
}

/**
 * Build the selection predicate of a dark run: `'take'` the event's frame, `'skip'` it, or `'stop'`
 * (no later event can be selected). Frame-count limits (`nrecs`) belong to the accumulator.
 */
export function createDarkEventSelector(sel: DarkEventSelection = {}): (ev: DarkEventInfo) => DarkEventDecision {
  const skip = sel.skip ?? 0;
  const events = sel.events ?? Infinity;
  if (!Number.isInteger(skip) || skip < 0) throw new ConfigError('skip', `expected an integer >= 0, found ${skip}`);
  if (events !== Infinity && (!Number.isInteger(events) || events < 0)) throw new ConfigError('events', `expected an integer >= 0, found ${events}`);
  const end = skip + events;
  const allowed = sel.allowedDamage ?? 0;
  const codes = sel.eventCodes && sel.eventCodes.length ? [...sel.eventCodes] : undefined;
  return (ev: DarkEventInfo): DarkEventDecision => {
    if (ev.index >= end) return 'stop';
    if (ev.index < skip) return 'skip';
    if ((ev.damage ?? 0) & ~allowed) return 'skip';
    return eventCodesMatch(codes, ev.eventCodes) ? 'take' : 'skip';
  };
}
