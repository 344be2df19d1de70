/** EVR payloads: EvrData v3/v4 (TypeId 19, FIFO event codes) and a minimal EvrConfig v7 (TypeId 8). */
import { XtcFormatError } from '../../errors.js';

/** One FIFO entry of EvrData. */
export interface FifoEvent {
  /** Fiducial of the event (DAQ data: the word at offset 0). */
  timestampHigh: number;
  /** 119 MHz ticks (offset 4). */
  timestampLow: number;
  /** EVR event code (offset 8). */
  eventCode: number;
}

/** BYKIK "dark" event code: the beam was kicked out upstream. */
export const EVENT_CODE_DARK = 162;
/** "Every shot with beam" (120 Hz) event code. */
export const EVENT_CODE_BEAM = 140;

function checkEvr(p: Uint8Array, file: string | undefined, offset: number): number {
  if (p.length < 4) throw new XtcFormatError({ file, offset, what: 'EvrData', expected: '≥ 4 bytes', found: `${p.length} bytes` });
  const n = new DataView(p.buffer, p.byteOffset, 4).getUint32(0, true);
  if (4 + 12 * n > p.length) {
    throw new XtcFormatError({ file, offset, what: 'EvrData numFifoEvents', expected: `≤ ${Math.floor((p.length - 4) / 12)}`, found: String(n) });
  }
  return n;
}

/** Event codes of an EvrData v3/v4 payload, in FIFO order. */
export function decodeEvrEventCodes(p: Uint8Array, file?: string, offset = 0): number[] {
  const n = checkEvr(p, file, offset);
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const codes = new Array<number>(n);
  for (let i = 0; i < n; i++) codes[i] = dv.getUint32(4 + 12 * i + 8, true);
  return codes;
}

/** The FIFO entries of an EvrData v3/v4 payload. */
export function decodeEvrData(p: Uint8Array, file?: string, offset = 0): FifoEvent[] {
  const n = checkEvr(p, file, offset);
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const out: FifoEvent[] = [];
  for (let i = 0; i < n; i++) {
    const at = 4 + 12 * i;
    out.push({ timestampHigh: dv.getUint32(at, true), timestampLow: dv.getUint32(at + 4, true), eventCode: dv.getUint32(at + 8, true) });
  }
  return out;
}

/** Encode an EvrData v3/v4 payload. */
export function encodeEvrData(fifo: readonly FifoEvent[]): Uint8Array {
  const p = new Uint8Array(4 + 12 * fifo.length);
  const dv = new DataView(p.buffer);
  dv.setUint32(0, fifo.length, true);
  fifo.forEach((f, i) => {
    dv.setUint32(4 + 12 * i, f.timestampHigh >>> 0, true);
    dv.setUint32(8 + 12 * i, f.timestampLow >>> 0, true);
    dv.setUint32(12 + 12 * i, f.eventCode >>> 0, true);
  });
  return p;
}

/**
 * Encode a minimal EvrConfig v7: the given readout event codes (EventCodeV6 entries), no pulses, no
 * outputs, an empty sequencer.
 */
export function encodeEvrConfigV7(codes: readonly { code: number; desc?: string }[]): Uint8Array {
  const p = new Uint8Array(12 + 44 * codes.length + 12);
  const dv = new DataView(p.buffer);
  dv.setUint32(0, codes.length, true);
  codes.forEach((c, i) => {
    const at = 12 + 44 * i;
    dv.setUint16(at, c.code, true);
    dv.setUint16(at + 2, 1, true); // isReadout
    const desc = (c.desc ?? '').slice(0, 15);
    for (let k = 0; k < desc.length; k++) p[at + 24 + k] = desc.charCodeAt(k) & 0x7f;
  });
  const seq = 12 + 44 * codes.length;
  dv.setUint32(seq, 7 | (7 << 8), true); // sync_source, beam_source = Disable
  return p;
}

/** The event codes listed in an EvrConfig v7 payload. */
export function decodeEvrConfigV7Codes(p: Uint8Array): number[] {
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const n = dv.getUint32(0, true);
  const out: number[] = [];
  for (let i = 0; i < n && 12 + 44 * i + 2 <= p.length; i++) out.push(dv.getUint16(12 + 44 * i, true));
  return out;
}
