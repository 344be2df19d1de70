/**
 * The psana geometry text file ("geometry" calibration type): parsing and writing in psana's exact
 * layout (PSCalib GeometryAccess.load_pars_from_file / save_pars_in_file).
 */
import { GeometryFileError } from '../errors.js';
import { padLeft, padRight, pyFixed } from './py-format.js';

/** Placement of an object in its parent's frame (um, deg), as a geometry file line gives it. */
export interface ObjectParams {
  /** Origin of the object in its parent's frame, um. */
  x0: number;
  /** Origin y in the parent's frame, um. */
  y0: number;
  /** Origin z in the parent's frame, um. */
  z0: number;
  /** Design rotations about the parent's Z, Y, X axes, deg. */
  rotZ: number;
  /** Design rotation about Y, deg. */
  rotY: number;
  /** Design rotation about X, deg. */
  rotX: number;
  /** Measured tilt corrections about the parent's Z, Y, X axes, deg. */
  tiltZ: number;
  /** Tilt correction about Y, deg. */
  tiltY: number;
  /** Tilt correction about X, deg. */
  tiltX: number;
}

/** One data line of a geometry file: an object placed in its parent's frame. */
export interface GeometryRecord extends ObjectParams {
  /** Parent object name, `QUAD:V1`. */
  parentName: string;
  /** Parent object index. */
  parentIndex: number;
  /** Object name, `SENS2X1:V1`. */
  objectName: string;
  /** Object index among the parent's children of that name. */
  objectIndex: number;
  /** 1-based line number in the source text (absent for records built in code). */
  line?: number;
}

/** A parsed geometry file: comments (psana's stored texts, in order) and data records (file order). */
export interface GeometryFile {
  /** Comment texts (psana's stored texts), in order. */
  comments: string[];
  /** Data records, in file order. */
  records: GeometryRecord[];
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INT_RE = /^[+-]?\d+$/;
const FLOAT_FIELDS = ['X0', 'Y0', 'Z0', 'ROT-Z', 'ROT-Y', 'ROT-X', 'TILT-Z', 'TILT-Y', 'TILT-X'] as const;

/** Largest |X0|, |Y0|, |Z0| accepted, um (1 km: a detector is metres from the beam at most). */
export const MAX_GEOMETRY_POSITION_UM = 1e9;
/** Largest |angle| accepted, deg. */
export const MAX_GEOMETRY_ANGLE_DEG = 1e5;

/** Refuse a non-finite or absurd placement value (`text`: as written, for the message). */
function checkPlacementValue(field: string, v: number, text: string, where: { file?: string; line?: number }, what = ''): void {
  const position = field === 'X0' || field === 'Y0' || field === 'Z0';
  const max = position ? MAX_GEOMETRY_POSITION_UM : MAX_GEOMETRY_ANGLE_DEG;
  if (!(Math.abs(v) <= max)) {
    throw new GeometryFileError(`${what}field ${field}: expected a ${position ? 'position within ±1e9 um' : 'angle within ±1e5 deg'}, found "${text}"`, where);
  }
}

const RECORD_KEYS = ['x0', 'y0', 'z0', 'rotZ', 'rotY', 'rotX', 'tiltZ', 'tiltY', 'tiltX'] as const;

/**
 * Check the placement values of a record built in code (CrystFEL import, metrology, alignment edits) as the parser
 * checks a file's: finite, |position| <= {@link MAX_GEOMETRY_POSITION_UM}, |angle| <= {@link MAX_GEOMETRY_ANGLE_DEG}.
 * @throws GeometryFileError naming the field (and the line when the record has one).
 */
export function checkGeometryRecordValues(r: GeometryRecord, file?: string): void {
  RECORD_KEYS.forEach((key, k) => {
    const v = r[key];
    if (typeof v !== 'number') throw new GeometryFileError(`object ${r.objectName} ${r.objectIndex}: field ${FLOAT_FIELDS[k]}: expected a number, found ${String(v)}`, { file, line: r.line });
    checkPlacementValue(FLOAT_FIELDS[k], v, String(v), { file, line: r.line }, `object ${r.objectName} ${r.objectIndex}: `);
  });
}

/** psana's stored form of a comment line: `#`s and then blanks removed; empty → dropped; one character → ''. */
function commentText(line: string): string | undefined {
  const rest = line.replace(/^#+/, '').replace(/^ +/, '');
  if (rest.length === 0) return undefined;
  if (rest.length === 1) return '';
  return rest.trim();
}

/** True when `name` starts with `IP`: the z of its direct children is forced negative (psana's rule). */
export function isIpName(name: string): boolean {
  return name.startsWith('IP');
}

/**
 * Parse a psana geometry text. Comment lines (`#` first, after optional leading blanks) are kept as psana
 * stores them; blank lines are skipped; every other line must have exactly 13 whitespace-separated fields.
 * Values are returned as written (the IP z-sign rule is applied when the tree is built, not here).
 * @throws GeometryFileError naming the file and line for a wrong field count, a bad number or index, or a
 * non-finite or absurd value (|position| > {@link MAX_GEOMETRY_POSITION_UM}, |angle| > {@link MAX_GEOMETRY_ANGLE_DEG}).
 */
export function parseGeometryText(text: string, file?: string): GeometryFile {
  const comments: string[] = [];
  const records: GeometryRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    const lineNo = i + 1;
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      const c = commentText(line.trimStart());
      if (c !== undefined) comments.push(c);
      continue;
    }
    const f = trimmed.split(/\s+/);
    if (f.length !== 13) {
      throw new GeometryFileError(
        `expected 13 fields (PARENT IND OBJECT IND X0 Y0 Z0 ROT-Z ROT-Y ROT-X TILT-Z TILT-Y TILT-X), found ${f.length}: "${trimmed}"`,
        { file, line: lineNo },
      );
    }
    const int = (s: string, field: string): number => {
      if (!INT_RE.test(s)) {
        throw new GeometryFileError(`field ${field}: expected an integer index, found "${s}"`, { file, line: lineNo });
      }
      const v = Number.parseInt(s, 10);
      if (!Number.isSafeInteger(v)) throw new GeometryFileError(`field ${field}: expected an integer index, found "${s}" (too large)`, { file, line: lineNo });
      return v;
    };
    const nums = FLOAT_FIELDS.map((field, k) => {
      const s = f[4 + k];
      if (!NUMBER_RE.test(s)) {
        throw new GeometryFileError(`field ${field}: expected a number, found "${s}"`, { file, line: lineNo });
      }
      const v = Number(s);
      checkPlacementValue(field, v, s, { file, line: lineNo });
      return v;
    });
    records.push({
      parentName: f[0],
      parentIndex: int(f[1], 'PARENT IND'),
      objectName: f[2],
      objectIndex: int(f[3], 'OBJECT IND'),
      x0: nums[0],
      y0: nums[1],
      z0: nums[2],
      rotZ: nums[3],
      rotY: nums[4],
      rotX: nums[5],
      tiltZ: nums[6],
      tiltY: nums[7],
      tiltX: nums[8],
      line: lineNo,
    });
  }
  return { comments, records };
}

/** A rotation angle as psana saves it: `%8.3f`, trailing zeros and dot stripped, right-justified in 8. */
function formatRotation(v: number): string {
  const s = pyFixed(v, 3).replace(/0+$/, '').replace(/\.$/, '');
  return padLeft(s, 8);
}

/** One data line exactly as psana's save_pars_in_file writes it. */
export function formatGeometryRecord(r: GeometryRecord): string {
  const f8 = (v: number, d: number) => padLeft(pyFixed(v, d), 8);
  const i3 = (v: number) => padLeft(String(v), 3);
  return (
    `${padRight(r.parentName, 11)} ${i3(r.parentIndex)} ${padRight(r.objectName, 11)} ${i3(r.objectIndex)}` +
    `  ${f8(r.x0, 0)} ${f8(r.y0, 0)} ${f8(r.z0, 0)}` +
    `  ${formatRotation(r.rotZ)}   ${formatRotation(r.rotY)}   ${formatRotation(r.rotX)}` +
    `    ${f8(r.tiltZ, 5)} ${f8(r.tiltY, 5)} ${f8(r.tiltX, 5)}`
  );
}

/**
 * Write a geometry file in psana's saved layout: each comment as `# text`, an empty line, then one line
 * per record (X0/Y0/Z0 rounded to whole um half-to-even, rotations `%8.3f` stripped, tilts `%8.5f`).
 */
export function formatGeometryText(g: GeometryFile): string {
  const out: string[] = g.comments.map((c) => `# ${c}`);
  out.push('');
  for (const r of g.records) out.push(formatGeometryRecord(r));
  return out.join('\n') + '\n';
}
