/**
 * Bytes form of dark states, for handing partial results between processes (batch jobs).
 * Layout: `CMDARK01`, uint32 LE header length, UTF-8 JSON header, padding to 8 bytes, then the typed
 * arrays (little-endian) at the offsets the header names.
 */
import { CalibmanError } from '../errors.js';
import type { DarkGates } from './gates.js';
import type { NdArrAverageState } from './ndarraverage.js';
import type { DarkState } from './state.js';
import type { DarkSums } from './stage2.js';

const MAGIC = 'CMDARK01';

type ArrayKind = 'Uint16Array' | 'Int32Array' | 'Uint32Array' | 'Float64Array';
const CTORS = { Uint16Array, Int32Array, Uint32Array, Float64Array } as const;
type AnyArr = Uint16Array | Int32Array | Uint32Array | Float64Array;

interface Entry {
  path: string;
  kind: ArrayKind;
  offset: number;
  length: number;
}

/**
 * Parameter names as the state header spells them (det_ndarr_raw_proc's, the format since CMDARK01) where
 * they differ from `DarkParams`' (src/dark/params.ts); the order of the keys is kept, so the bytes are unchanged.
 */
const PARAM_FILE_NAMES: Readonly<Record<string, string>> = { intNLo: 'intNlo', intNHi: 'intNhi', rmsNLo: 'rmsNlo', rmsNHi: 'rmsNhi', fracLm: 'fraclm' };
const PARAM_NAMES_OF_FILE: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(PARAM_FILE_NAMES).map(([k, v]) => [v, k]));

function renameKeys(o: Record<string, unknown>, names: Readonly<Record<string, string>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [names[k] ?? k, v]));
}

/** Any dark state. */
export type AnyDarkState = DarkState | NdArrAverageState;

function collect(state: AnyDarkState): { meta: Record<string, unknown>; arrays: [string, AnyArr][] } {
  const arrays: [string, AnyArr][] = [];
  if (state.algorithm === 'psana') {
    const { gates, sums, pending, ...meta } = state;
    if (gates) {
      const { lo, hi, blockMin, blockMax, ...g } = gates;
      (meta as Record<string, unknown>).gates = g;
      arrays.push(['gates.lo', lo], ['gates.hi', hi], ['gates.blockMin', blockMin], ['gates.blockMax', blockMax]);
    }
    if (sums) for (const [k, v] of Object.entries(sums)) arrays.push([`sums.${k}`, v as AnyArr]);
    if (pending) arrays.push(['pending', pending]);
    return { meta: { ...meta, params: renameKeys({ ...meta.params, nrecs: String(meta.params.nrecs) }, PARAM_FILE_NAMES) }, arrays };
  }
  const { sum1, sum2, max, min, ...meta } = state;
  arrays.push(['sum1', sum1], ['sum2', sum2], ['max', max], ['min', min]);
  return { meta: { ...meta, params: { ...meta.params, nrecs: String(meta.params.nrecs) } }, arrays };
}

/** Encode a dark state as bytes. */
export function encodeDarkState(state: AnyDarkState): Uint8Array {
  const { meta, arrays } = collect(state);
  let offset = 0;
  const entries: Entry[] = arrays.map(([path, a]) => {
    const e = { path, kind: a.constructor.name as ArrayKind, offset, length: a.length };
    offset += Math.ceil(a.byteLength / 8) * 8;
    return e;
  });
  const header = new TextEncoder().encode(JSON.stringify({ meta, entries }));
  const dataStart = Math.ceil((12 + header.length) / 8) * 8;
  const out = new Uint8Array(dataStart + offset);
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  arrays.forEach(([, a], k) => out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), dataStart + entries[k].offset));
  return out;
}

/**
 * Decode bytes written by {@link encodeDarkState}.
 * @throws CalibmanError for bytes that are not a dark state (wrong magic, truncated, bad header)
 */
export function decodeDarkState(bytes: Uint8Array, file?: string): AnyDarkState {
  const where = file ? `${file}: ` : '';
  if (bytes.length < 12 || String.fromCharCode(...bytes.subarray(0, 8)) !== MAGIC) {
    throw new CalibmanError(`${where}not a calibman dark state (expected magic ${MAGIC})`);
  }
  const hlen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + hlen > bytes.length) throw new CalibmanError(`${where}truncated dark state header: needs ${12 + hlen} bytes, found ${bytes.length}`);
  let parsed: { meta: Record<string, unknown>; entries: Entry[] };
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hlen)));
  } catch (err) {
    throw new CalibmanError(`${where}malformed dark state header: ${(err as Error).message}`);
  }
  const dataStart = Math.ceil((12 + hlen) / 8) * 8;
  const arrays: Record<string, AnyArr> = {};
  for (const e of parsed.entries) {
    const ctor = CTORS[e.kind];
    if (!ctor) throw new CalibmanError(`${where}unknown array kind ${e.kind} in dark state`);
    const start = dataStart + e.offset;
    const end = start + e.length * ctor.BYTES_PER_ELEMENT;
    if (end > bytes.length) throw new CalibmanError(`${where}truncated dark state: ${e.path} needs bytes up to ${end}, found ${bytes.length}`);
    const copy = bytes.slice(start, end);
    arrays[e.path] = new ctor(copy.buffer, 0, e.length);
  }
  const meta = parsed.meta as Record<string, unknown> & { params: Record<string, unknown>; algorithm: string };
  meta.params = { ...meta.params, nrecs: Number(meta.params.nrecs) };
  if (meta.algorithm === 'psana') {
    meta.params = renameKeys(meta.params, PARAM_NAMES_OF_FILE);
    const st = { ...meta } as unknown as DarkState;
    const g = (meta as { gates?: Omit<DarkGates, 'lo' | 'hi' | 'blockMin' | 'blockMax'> }).gates;
    if (g) {
      st.gates = {
        ...g,
        lo: arrays['gates.lo'] as Int32Array,
        hi: arrays['gates.hi'] as Int32Array,
        blockMin: arrays['gates.blockMin'] as Int32Array,
        blockMax: arrays['gates.blockMax'] as Int32Array,
      };
    }
    if (arrays['sums.count']) {
      const s: Partial<DarkSums> = {};
      for (const k of ['count', 'sum1', 'sum2', 'cntLo', 'cntHi', 'max', 'min'] as const) (s as Record<string, AnyArr>)[k] = arrays[`sums.${k}`];
      st.sums = s as DarkSums;
    }
    if (arrays.pending) st.pending = arrays.pending as Uint16Array;
    return st;
  }
  if (meta.algorithm === 'ndarraverage') {
    return {
      ...(meta as unknown as NdArrAverageState),
      sum1: arrays.sum1 as Float64Array,
      sum2: arrays.sum2 as Float64Array,
      max: arrays.max as Float64Array,
      min: arrays.min as Float64Array,
    };
  }
  throw new CalibmanError(`${where}unknown dark algorithm "${meta.algorithm}" in state`);
}
