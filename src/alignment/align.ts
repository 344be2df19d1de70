/**
 * Geometry alignment on powder-ring images: per-object (quads, modules, sensors) in-plane shifts that
 * make the rings concentric and sharp, applied to the geometry and iterated.
 */
import { CalibmanError } from '../errors.js';
import type { GeometryAccess, ObjectParams } from '../geometry/geometry-access.js';
import { fitRingCenterPrepared, prepareImage, type RingCenterResult, type RingImageOptions } from './center.js';
import { pixelOwners, selectObjects, toParentFrame, type AlignedObject } from './frames.js';
import { renderAlignmentPng, type AlignmentPictureOptions } from './picture.js';
import { fitRings, type ObjectRingStats } from './ring-fit.js';

/** Options of {@link alignGeometry}. */
export interface AlignOptions extends RingImageOptions {
  /**
   * Objects to align: names (every object of that name, e.g. `QUAD:V1`), `NAME:INDEX` or paths
   * (`QUAD:V1:2/SENS2X1:V1:3`). Default: the children of the first object with several children.
   */
  objects?: readonly string[];
  /**
   * Object held fixed to remove the gauge freedom (an item of `objects` by label or path), `'mean'`
   * (zero-mean corrections) or `'none'` (pixels outside the aligned objects fix the frame). Default: the
   * first object, or `'none'` when ring pixels outside the aligned objects carry weight.
   */
  reference?: string;
  /** Geometry updates at most (default 5). */
  maxIterations?: number;
  /** Stop when every shift of an update is below this (um, default 0.05). */
  toleranceUm?: number;
  /** Render the before/after picture (default false). */
  picture?: boolean | AlignmentPictureOptions;
}

/** What happened to one aligned object. */
export interface ObjectAlignment {
  /** Object path in the geometry tree. */
  path: string;
  /** Short name for listings. */
  label: string;
  /** True for the object held fixed as the reference. */
  reference: boolean;
  /** Total shift in the top frame, um. */
  shiftUm: [number, number];
  /** Parameter changes written to the file (new − old, in the parent frame), um. */
  delta: {
    /** Change of x0, um. */
    x0: number;
    /** Change of y0, um. */
    y0: number;
    /** Change of z0, um. */
    z0: number;
  };
  /** Where this object sees the rings relative to the fitted rings, before and after. */
  before: ObjectRingStats;
  /** Ring offsets of the object after the alignment. */
  after: ObjectRingStats;
  /** No ring pixels constrain this object: left unchanged. */
  unconstrained: boolean;
}

/** Result of {@link alignGeometry}. */
export interface AlignmentResult {
  /** The aligned geometry (a new instance; the input is unchanged). */
  geometry: GeometryAccess;
  /** What happened to every aligned object. */
  objects: ObjectAlignment[];
  /** Centre/ring fit on the input geometry and on the aligned geometry. */
  before: RingCenterResult;
  /** Centre/ring fit on the aligned geometry. */
  after: RingCenterResult;
  /** Geometry updates made. */
  iterations: number;
  /** True when the last corrections were all below the tolerance. */
  converged: boolean;
  /** PNG bytes of the before/after picture when asked for. */
  png?: Uint8Array;
}

function referenceSlot(ref: string | undefined, objects: readonly AlignedObject[], geo: GeometryAccess, unownedShare: number): number {
  if (ref === undefined) return unownedShare > 0.01 ? -2 : 0;
  if (ref === 'mean') return -1;
  if (ref === 'none') return -2;
  let k = objects.findIndex((o) => o.label === ref || o.path === ref);
  if (k < 0) {
    try {
      const full = geo.objectPath(ref);
      k = objects.findIndex((o) => o.path === full);
    } catch {
      k = -1;
    }
  }
  if (k < 0) throw new CalibmanError(`reference ${ref} is not one of the aligned objects (${objects.map((o) => o.label).join(', ')}), 'mean' or 'none'`);
  return k;
}

/**
 * Align a geometry on a powder-ring image: fit the centre on the input geometry ("before"), then
 * repeatedly fit common centre, ring radii and per-object (dx, dy, dθ) in the top frame, convert them to
 * each object's parent frame (moveObject / tiltObject), recompute the pixel coordinates, until the
 * corrections are below tolerance; finally refit the centre on the new geometry ("after").
 * The detector plane is taken as the top frame's x–y plane (pixel z is ignored).
 */
export async function alignGeometry(geo: GeometryAccess, values: ArrayLike<number>, opts: AlignOptions = {}): Promise<AlignmentResult> {
  const objects = selectObjects(geo, opts.objects);
  const owners = pixelOwners(geo, objects);
  const img = prepareImage(geo, values, opts);
  const before = await fitRingCenterPrepared(geo, img, { ...opts, owners, objectCount: objects.length });
  let unowned = 0;
  for (let i = 0; i < owners.length; i++) if (owners[i] < 0 && img.good[i]) unowned++;
  const ref = referenceSlot(opts.reference, objects, geo, unowned / owners.length);
  if (ref >= 0 && !(before.objects[ref]?.pixels > 0)) {
    throw new CalibmanError(`reference ${objects[ref].label} has no pixels on the rings: choose another --reference (or 'mean')`);
  }
  if (ref === -2) {
    const ringPixels = before.rings.reduce((t, r) => t + r.pixels, 0);
    const owned = before.objects.reduce((t, o) => t + o.pixels, 0);
    if (ringPixels - owned <= 0) throw new CalibmanError(`reference 'none': no ring pixels outside the aligned objects fix the frame; use an object or 'mean'`);
  }
  const tolUm = opts.toleranceUm ?? 0.05;
  const maxIter = opts.maxIterations ?? 5;
  const start: ObjectParams[] = objects.map((o) => geo.getObjectParams(o.path));
  const shift = objects.map(() => [0, 0] as [number, number]);
  let cur = geo;
  let center: readonly [number, number] = opts.fixCenter ? opts.center ?? [0, 0] : before.center;
  let radii = before.radii;
  let iterations = 0;
  let converged = false;
  let unconstrained: number[] = [];
  while (iterations < maxIter) {
    const c = cur.getPixelCoords();
    const fit = await fitRings(
      { x: c.x, y: c.y, values: img.values, good: img.good, owners, objectCount: objects.length },
      { center, radii, windowUm: before.windowUm, fitObjects: true, referenceSlot: ref, fixCenter: opts.fixCenter, maxPixels: opts.maxPixels },
    );
    center = fit.center;
    radii = fit.radii;
    unconstrained = fit.unconstrained;
    let next = cur;
    fit.corrections.forEach((d, k) => {
      if (d.dxUm === 0 && d.dyUm === 0) return;
      next = next.moveObject(objects[k].path, ...toParentFrame(cur, objects[k], d.dxUm, d.dyUm));
      shift[k][0] += d.dxUm;
      shift[k][1] += d.dyUm;
    });
    cur = next;
    iterations++;
    const small = fit.corrections.every((d) => Math.hypot(d.dxUm, d.dyUm) < tolUm);
    if (small) {
      converged = true;
      break;
    }
  }
  const after = await fitRingCenterPrepared(cur, img, { ...opts, owners, objectCount: objects.length, center, radii, windowUm: before.windowUm, coarse: false });
  const result: AlignmentResult = {
    geometry: cur,
    objects: objects.map((o, k) => {
      const p0 = start[k];
      const p1 = cur.getObjectParams(o.path);
      return {
        path: o.path,
        label: o.label,
        reference: k === ref,
        shiftUm: shift[k],
        delta: { x0: p1.x0 - p0.x0, y0: p1.y0 - p0.y0, z0: p1.z0 - p0.z0 },
        before: before.objects[k],
        after: after.objects[k],
        unconstrained: unconstrained.includes(k),
      };
    }),
    before,
    after,
    iterations,
    converged,
  };
  if (opts.picture) {
    result.png = renderAlignmentPng(geo, cur, img, before, after, opts.picture === true ? {} : opts.picture);
  }
  return result;
}
