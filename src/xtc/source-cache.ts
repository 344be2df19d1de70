import { canonicalSourceText } from './source.js';
import { detInfoString as format } from './src.js';

const strings = new Map<number, string>();
const normalized = new Map<string, string>();

/** psana source string of a DetInfo `phy`, memoized (hot path: one lookup per leaf per event). */
export function detInfoString(phy: number): string {
  let s = strings.get(phy);
  if (s === undefined) strings.set(phy, (s = format(phy)));
  return s;
}

/** {@link canonicalSourceText}, memoized. */
export function normalizeDetInfoCached(source: string): string {
  let s = normalized.get(source);
  if (s === undefined) {
    s = canonicalSourceText(source);
    if (normalized.size < 10000) normalized.set(source, s);
  }
  return s;
}
