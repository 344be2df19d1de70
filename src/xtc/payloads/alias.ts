/** AliasConfig v1 (TypeId 69): user alias names of sources (e.g. `cspad` for `CxiDs1.0:Cspad.0`). */
import { XtcFormatError } from '../../errors.js';
import type { Src } from '../src.js';

/** One source alias. */
export interface SrcAlias {
  /** The aliased source. */
  src: Src;
  /** Alias name. */
  alias: string;
}

/** Decode an AliasConfig v1 payload. */
export function decodeAliasConfig(p: Uint8Array, file?: string, offset = 0): SrcAlias[] {
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  if (p.length < 4) throw new XtcFormatError({ file, offset, what: 'AliasConfig', expected: '≥ 4 bytes', found: `${p.length} bytes` });
  const n = dv.getUint32(0, true);
  if (4 + 40 * n > p.length) throw new XtcFormatError({ file, offset, what: 'AliasConfig numSrcAlias', expected: `≤ ${Math.floor((p.length - 4) / 40)}`, found: String(n) });
  const out: SrcAlias[] = [];
  for (let i = 0; i < n; i++) {
    const at = 4 + 40 * i;
    let end = at + 8;
    while (end < at + 8 + 31 && p[end] !== 0) end++;
    out.push({ src: { log: dv.getUint32(at, true), phy: dv.getUint32(at + 4, true) }, alias: String.fromCharCode(...p.subarray(at + 8, end)) });
  }
  return out;
}

/** Encode an AliasConfig v1 payload. */
export function encodeAliasConfig(aliases: readonly SrcAlias[]): Uint8Array {
  const p = new Uint8Array(4 + 40 * aliases.length);
  const dv = new DataView(p.buffer);
  dv.setUint32(0, aliases.length, true);
  aliases.forEach((a, i) => {
    const at = 4 + 40 * i;
    dv.setUint32(at, a.src.log >>> 0, true);
    dv.setUint32(at + 4, a.src.phy >>> 0, true);
    const s = a.alias.slice(0, 30);
    for (let k = 0; k < s.length; k++) p[at + 8 + k] = s.charCodeAt(k) & 0xff;
  });
  return p;
}
