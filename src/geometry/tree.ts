/**
 * The geometry object tree, built with psana's rules (PSCalib GeometryAccess): objects in file order,
 * parent = first object with the line's (PARENT, IND), a synthesized top appended for an unknown parent,
 * children ordered by file position, z of direct children of `IP*` objects forced negative.
 */
import { GeometryFileError, GeometryLimitError } from '../errors.js';
import { checkGeometryRecordValues, isIpName, type GeometryRecord } from './file-format.js';
import { segmentGeometry, type SegmentGeometry } from './segments.js';

/** One object of the tree. `params` are the values in effect (after the IP z-sign rule). */
export interface GeoNode {
  /** Position in psana's object list (file order, synthesized top last). */
  readonly id: number;
  /** The object's line of the geometry file. */
  readonly record: Readonly<GeometryRecord>;
  /** id of the parent node, undefined for the top. */
  readonly parent: number | undefined;
  /** ids of the child nodes. */
  readonly children: readonly number[];
  /** The sensor type when this object is a segment (leaf). */
  readonly segment: SegmentGeometry | undefined;
  /** True for the root created because no line defines it (e.g. `IP`). */
  readonly synthesized: boolean;
}

/** The built tree: nodes in psana's list order, the top object and the first segment object. */
export interface GeoTree {
  /** Every object, by id. */
  readonly nodes: readonly GeoNode[];
  /** id of the top object. */
  readonly top: number;
  /** id of the first segment (leaf) object. */
  readonly firstSegment: number;
  /** Warnings psana would log (children whose index differs from their position). */
  readonly warnings: readonly string[];
}

/** A record with the IP z-sign rule applied (z0 negated when the parent starts with `IP` and z0 > 0). */
export function applyIpRule(r: GeometryRecord): GeometryRecord {
  return isIpName(r.parentName) && r.z0 > 0 ? { ...r, z0: -r.z0 } : r;
}

/**
 * Default largest number of levels below the top object (real detectors use at most 5; psana's recursive walks
 * stop near Python's recursion limit of 1000).
 */
export const DEFAULT_MAX_GEOMETRY_DEPTH = 1000;

/** Limits of {@link buildTree}. */
export interface GeoTreeLimits {
  /** Largest number of levels below the top object (default {@link DEFAULT_MAX_GEOMETRY_DEPTH}). */
  maxDepth?: number;
}

/**
 * Levels below the top of every defined object, in one pass over the parent links (each object is walked once,
 * so a long chain costs its length, not its square).
 * @throws GeometryFileError for a parent cycle, GeometryLimitError for an object deeper than `maxDepth`.
 */
function checkDepths(recs: readonly GeometryRecord[], parents: readonly (number | undefined)[], top: number, n0: number, maxDepth: number, file?: string): void {
  const depth = new Int32Array(recs.length).fill(-1);
  depth[top] = 0;
  const onPath = new Uint8Array(recs.length);
  const path: number[] = [];
  for (let i = 0; i < n0; i++) {
    let cur = i;
    while (depth[cur] < 0) {
      if (onPath[cur]) throw new GeometryFileError(`object ${recs[cur].objectName} ${recs[cur].objectIndex} is in a parent cycle`, { file, line: recs[cur].line });
      onPath[cur] = 1;
      path.push(cur);
      const p = parents[cur];
      if (p === undefined) break;
      cur = p;
    }
    let d = depth[cur];
    while (path.length > 0) {
      const id = path.pop()!;
      onPath[id] = 0;
      depth[id] = ++d;
      if (d > maxDepth) {
        const r = recs[id];
        throw new GeometryLimitError(
          `object ${r.objectName} ${r.objectIndex} is ${d} levels below the top object, more than the limit of ${maxDepth} (maxDepth); ` +
            'a real detector has fewer than 10 levels',
          { file, line: r.line, limit: 'maxDepth', max: maxDepth, found: d },
        );
      }
    }
  }
}

/**
 * Build the tree from records in file order; records are expected to have the IP rule applied already.
 * @throws GeometryFileError for a broken tree, GeometryLimitError when it is deeper than `limits.maxDepth`.
 */
export function buildTree(records: readonly GeometryRecord[], file?: string, limits: GeoTreeLimits = {}): GeoTree {
  if (records.length === 0) throw new GeometryFileError('no data lines: a geometry needs at least one object', { file });
  for (const r of records) checkGeometryRecordValues(r, file);
  const recs: GeometryRecord[] = records.map((r) => ({ ...r }));
  const parents: (number | undefined)[] = [];
  const synth: boolean[] = recs.map(() => false);
  const children: number[][] = recs.map(() => []);
  const key = (name: string, index: number) => `${name}\u0000${index}`;
  // first match in list order; synthesized tops are appended and found by later lines
  const firstOf = new Map<string, number>();
  recs.forEach((r, i) => {
    const k = key(r.objectName, r.objectIndex);
    if (!firstOf.has(k)) firstOf.set(k, i);
  });
  const n0 = recs.length;
  for (let i = 0; i < n0; i++) {
    const r = recs[i];
    const k = key(r.parentName, r.parentIndex);
    let p = firstOf.get(k);
    if (p === i) {
      // psana skips the object itself; look for a later object with the same name
      p = undefined;
      for (let j = i + 1; j < recs.length; j++) if (recs[j].objectName === r.parentName && recs[j].objectIndex === r.parentIndex) { p = j; break; }
      if (p === undefined) throw new GeometryFileError(`object ${r.objectName} ${r.objectIndex} is its own parent`, { file, line: r.line });
    }
    if (p === undefined) {
      p = recs.length;
      recs.push({
        parentName: '', parentIndex: 0, objectName: r.parentName, objectIndex: r.parentIndex,
        x0: 0, y0: 0, z0: 0, rotZ: 0, rotY: 0, rotX: 0, tiltZ: 0, tiltY: 0, tiltX: 0,
      });
      synth.push(true);
      children.push([]);
      firstOf.set(k, p);
    }
    parents[i] = p;
    children[p].push(i);
  }
  const tops = recs.map((_, i) => i).filter((i) => synth[i]);
  if (tops.length === 0) throw new GeometryFileError('no top object: every parent is defined by a line, so the tree has a cycle', { file });
  if (tops.length > 1) {
    const names = tops.map((i) => `${recs[i].objectName} ${recs[i].objectIndex}`).join(', ');
    const firstLine = recs[children[tops[1]][0]].line;
    throw new GeometryFileError(`more than one top object (${names}): a parent name is missing or misspelled`, { file, line: firstLine });
  }
  const top = recs.length - 1;
  checkDepths(recs, parents, top, n0, limits.maxDepth ?? DEFAULT_MAX_GEOMETRY_DEPTH, file);
  const warnings: string[] = [];
  const nodes: GeoNode[] = recs.map((r, i) => {
    const seg = synth[i] ? undefined : segmentGeometry(r.objectName, { file, line: r.line });
    if (seg && children[i].length > 0) {
      throw new GeometryFileError(`sensor ${r.objectName} ${r.objectIndex} cannot be a parent`, { file, line: recs[children[i][0]].line });
    }
    children[i].forEach((c, k) => {
      if (recs[c].objectIndex !== k) warnings.push(`${recs[c].objectName} ${recs[c].objectIndex} is child number ${k} of ${r.objectName} ${r.objectIndex} (file order defines the pixel order)`);
    });
    return Object.freeze({ id: i, record: Object.freeze(r), parent: parents[i], children: Object.freeze(children[i]), segment: seg, synthesized: synth[i] });
  });
  for (const nd of nodes) {
    if (!nd.segment && nd.children.length === 0) {
      throw new GeometryFileError(`object ${nd.record.objectName} ${nd.record.objectIndex} is neither a known sensor type nor a parent of anything`, { file, line: nd.record.line });
    }
  }
  const firstSegment = nodes.findIndex((nd) => nd.segment !== undefined);
  if (firstSegment < 0) throw new GeometryFileError('no sensor object (e.g. SENS2X1:V1, JUNGFRAU:V1, MTRX:…) in the geometry', { file });
  return { nodes: Object.freeze(nodes), top, firstSegment, warnings };
}
