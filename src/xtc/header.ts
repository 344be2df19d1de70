import { XtcFormatError } from '../errors.js';
import { Damage, TypeId } from './enums.js';

/** Size of a datagram header (Sequence 16 + Env 4 + root Xtc header 20), bytes. */
export const DGRAM_HEADER_BYTES = 40;
/** Size of an Xtc header, bytes. */
export const XTC_HEADER_BYTES = 20;
/** 17-bit fiducial value that means "no fiducial" (non-L1Accept transitions). */
export const ERR_FIDUCIAL = 0x1ffff;
/** Fiducial counter wraps at this value. */
export const MAX_FIDUCIALS = 131040;

/** The fixed 40-byte header of a datagram, decoded. */
export interface DgramHeader {
  /** Clock seconds (POSIX). */
  sec: number;
  /** Clock nanoseconds. */
  nsec: number;
  /** 119 MHz ticks within the fiducial (24 bits). */
  ticks: number;
  /** Control byte (service in bits 0-3, sequence type in bits 4-5). */
  control: number;
  /** TransitionId (service). */
  transition: number;
  /** 360 Hz pulse id (17 bits). */
  fiducials: number;
  /** Event vector (15 bits). */
  vector: number;
  /** Env word. */
  env: number;
  /** Damage of the root Xtc. */
  damage: number;
  /** Root Xtc `src.log`. */
  log: number;
  /** Root Xtc `src.phy`. */
  phy: number;
  /** Root Xtc TypeId value (`contains`). */
  contains: number;
  /** Root Xtc extent (header included); the datagram is `20 + extent` bytes. */
  extent: number;
}

/** Decode the datagram header at `offset` of `dv` (caller checked 40 bytes are there). */
export function readDgramHeader(dv: DataView, offset: number): DgramHeader {
  const low = dv.getUint32(offset + 8, true);
  const high = dv.getUint32(offset + 12, true);
  const control = low >>> 24;
  return {
    nsec: dv.getUint32(offset, true),
    sec: dv.getUint32(offset + 4, true),
    ticks: low & 0xffffff,
    control,
    transition: control & 0xf,
    fiducials: high & 0x1ffff,
    vector: high >>> 17,
    env: dv.getUint32(offset + 16, true),
    damage: dv.getUint32(offset + 20, true),
    log: dv.getUint32(offset + 24, true),
    phy: dv.getUint32(offset + 28, true),
    contains: dv.getUint32(offset + 32, true),
    extent: dv.getUint32(offset + 36, true),
  };
}

/** TypeId id (bits 0-15 of `contains`). */
export function typeIdOf(contains: number): number {
  return contains & 0xffff;
}
/** TypeId version (compressed flag removed). */
export function typeVersionOf(contains: number): number {
  return (contains >>> 16) & 0x7fff;
}
/** True when the compressed bit (31) is set. */
export function isCompressed(contains: number): boolean {
  return (contains & 0x80000000) !== 0;
}
/** Compose a TypeId value. */
export function typeIdValue(id: number, version: number, compressed = false): number {
  return ((((version & 0x7fff) << 16) | (id & 0xffff)) | (compressed ? 0x80000000 : 0)) >>> 0;
}

/** One Xtc of a datagram's tree, as found by {@link walkXtc}. */
export interface XtcNode {
  /** Depth in the tree: 0 = the datagram's root Xtc. */
  depth: number;
  /** Absolute position of the Xtc header (in the buffer walked, or in the file for header-only walks). */
  offset: number;
  /** Damage bits of the Xtc (0 = intact). */
  damage: number;
  /** Source `log` word (level in bits 24-31, process id). */
  log: number;
  /** Source `phy` word (DetInfo: detector, detId, device, devId). */
  phy: number;
  /** TypeId word: type in bits 0-15, version in 16-30, compressed flag in bit 31. */
  contains: number;
  /** Size of the Xtc including its 20-byte header, bytes. */
  extent: number;
}

/** Where the bytes being walked come from (for error messages). */
export interface WalkContext {
  /** File name, for messages. */
  file?: string;
  /** File offset of byte 0 of the walked buffer. */
  base: number;
}

/** Validate a child extent against its parent; throws XtcFormatError. */
export function checkChildExtent(extent: number, remaining: number, absOffset: number, file: string | undefined): void {
  if (extent === 0) {
    throw new XtcFormatError({ file, offset: absOffset, what: 'Xtc extent', expected: 'an extent ≥ 20 (a loop must advance)', found: '0' });
  }
  if (extent < XTC_HEADER_BYTES) {
    throw new XtcFormatError({ file, offset: absOffset, what: 'Xtc extent', expected: `≥ ${XTC_HEADER_BYTES}`, found: String(extent) });
  }
  if (extent > remaining) {
    throw new XtcFormatError({
      file,
      offset: absOffset,
      what: 'Xtc extent',
      expected: `≤ ${remaining} (the space left in its parent)`,
      found: String(extent),
    });
  }
}

/**
 * Walk the Xtc tree of a datagram held in `dv` starting at its root Xtc header (`rootOffset`), depth first,
 * calling `visit` for every Xtc (root included). Containers (`Id_Xtc`) are descended into unless they carry
 * IncompleteContribution damage. Extents are checked against their parents.
 */
export function walkXtc(dv: DataView, rootOffset: number, ctx: WalkContext, visit: (node: XtcNode) => void): void {
  const root = readNode(dv, rootOffset, 0);
  visit(root);
  if (typeIdOf(root.contains) === TypeId.Xtc) walkChildren(dv, root, ctx, visit);
}

function readNode(dv: DataView, offset: number, depth: number): XtcNode {
  return {
    depth,
    offset,
    damage: dv.getUint32(offset, true),
    log: dv.getUint32(offset + 4, true),
    phy: dv.getUint32(offset + 8, true),
    contains: dv.getUint32(offset + 12, true),
    extent: dv.getUint32(offset + 16, true),
  };
}

function walkChildren(dv: DataView, parent: XtcNode, ctx: WalkContext, visit: (node: XtcNode) => void): void {
  if (parent.damage & Damage.IncompleteContribution) return;
  let off = parent.offset + XTC_HEADER_BYTES;
  let remaining = parent.extent - XTC_HEADER_BYTES;
  while (remaining > 0) {
    if (remaining < XTC_HEADER_BYTES) {
      throw new XtcFormatError({
        file: ctx.file,
        offset: ctx.base + off,
        what: 'Xtc header',
        expected: `${XTC_HEADER_BYTES} bytes for a child header`,
        found: `${remaining} bytes left in the parent`,
      });
    }
    const extent = dv.getUint32(off + 16, true);
    checkChildExtent(extent, remaining, ctx.base + off, ctx.file);
    const node = readNode(dv, off, parent.depth + 1);
    visit(node);
    if (typeIdOf(node.contains) === TypeId.Xtc) walkChildren(dv, node, ctx, visit);
    off += extent;
    remaining -= extent;
  }
}

/**
 * The same walk as {@link walkXtc} over headers fetched on demand (header-only scans that skip payload
 * bytes). `readHeader(pos)` returns a DataView whose bytes 0..19 are the Xtc header at absolute `pos`.
 */
export async function walkXtcHeaders(
  rootHeader: DataView,
  rootPos: number,
  file: string | undefined,
  readHeader: (pos: number) => DataView | Promise<DataView>,
  visit: (node: XtcNode) => void,
): Promise<void> {
  const root = readNode(rootHeader, 0, 0);
  root.offset = rootPos;
  visit(root);
  const stack: { node: XtcNode; off: number; remaining: number }[] = [];
  const push = (n: XtcNode): void => {
    if (typeIdOf(n.contains) === TypeId.Xtc && !(n.damage & Damage.IncompleteContribution)) {
      stack.push({ node: n, off: n.offset + XTC_HEADER_BYTES, remaining: n.extent - XTC_HEADER_BYTES });
    }
  };
  push(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.remaining <= 0) {
      stack.pop();
      continue;
    }
    if (top.remaining < XTC_HEADER_BYTES) {
      throw new XtcFormatError({
        file,
        offset: top.off,
        what: 'Xtc header',
        expected: `${XTC_HEADER_BYTES} bytes for a child header`,
        found: `${top.remaining} bytes left in the parent`,
      });
    }
    const hv = await readHeader(top.off);
    const node = readNode(hv, 0, top.node.depth + 1);
    node.offset = top.off;
    checkChildExtent(node.extent, top.remaining, top.off, file);
    top.off += node.extent;
    top.remaining -= node.extent;
    visit(node);
    push(node);
  }
}
