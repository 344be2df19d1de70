/** Text tables and JSON of alignment results. */
import type { AlignmentResult } from './align.js';
import type { RingCenterResult } from './center.js';
import type { ResidualStats } from './ring-fit.js';

const f = (v: number, d = 1, w = 9): string => (Number.isFinite(v) ? v.toFixed(d) : '-').padStart(w);

/** Table of ring radii and widths (weighted rms radial residual), um. */
export function formatCenterReport(fit: RingCenterResult): string {
  const lines = [
    `beam centre (top frame, um): x = ${fit.center[0].toFixed(1)}, y = ${fit.center[1].toFixed(1)}`,
    `pixels: ${fit.candidatePixels} near rings, ${fit.hotPixels} hot/dead rejected, ${fit.maskedPixels} masked or not finite; window ±${fit.windowUm.toFixed(0)} um`,
    `ring  start_um  radius_um  width_um   pixels  background`,
    ...fit.rings.map((r, j) => `${String(j).padStart(4)}${f(fit.startRadii[j], 0, 10)}${f(r.radiusUm, 1, 11)}${f(r.rmsUm, 1, 10)}${String(r.pixels).padStart(9)}${f(r.background, 2, 12)}`),
  ];
  return lines.join('\n') + '\n';
}

/**
 * Residual table of an alignment: per object the correction (top frame and file deltas) and the
 * weighted mean/rms radial residual before → after; per ring radius and width before → after.
 */
export function formatAlignmentReport(r: AlignmentResult): string {
  const rs = (s: ResidualStats) => `${f(s.meanUm, 1, 7)}${f(s.rmsUm, 1, 7)}`;
  const out = [
    `beam centre (top frame, um): before (${r.before.center.map((v) => v.toFixed(1)).join(', ')}), after (${r.after.center.map((v) => v.toFixed(1)).join(', ')})`,
    `geometry updates: ${r.iterations}${r.converged ? ' (converged)' : ' (NOT converged: corrections still above tolerance)'}`,
    '',
    'object           dx_um   dy_um   dX0_um  dY0_um  dZ0_um    mean/rms before   mean/rms after',
  ];
  for (const o of r.objects) {
    const tag = o.reference ? ' (ref)' : o.unconstrained ? ' (no data)' : '';
    out.push(
      `${(o.label + tag).padEnd(15)}${f(o.shiftUm[0], 2, 8)}${f(o.shiftUm[1], 2, 8)}${f(o.delta.x0, 2, 9)}${f(o.delta.y0, 2, 8)}${f(o.delta.z0, 2, 8)}    ${rs(o.before)}   ${rs(o.after)}`,
    );
  }
  out.push('', 'ring  radius_um before  after   width_um before  after');
  r.before.rings.forEach((b, j) => {
    const a = r.after.rings[j];
    out.push(`${String(j).padStart(4)}${f(b.radiusUm, 1, 17)}${f(a.radiusUm, 1, 9)}${f(b.rmsUm, 1, 18)}${f(a.rmsUm, 1, 8)}`);
  });
  return out.join('\n') + '\n';
}

/** A JSON-ready summary of an alignment (no geometry text, no picture). */
export function alignmentReportJson(r: AlignmentResult): object {
  const ring = (c: RingCenterResult) => ({
    center: c.center,
    rings: c.rings.map((x) => ({ radiusUm: x.radiusUm, widthUm: x.rmsUm, pixels: x.pixels, background: x.background })),
  });
  return {
    iterations: r.iterations,
    converged: r.converged,
    before: ring(r.before),
    after: ring(r.after),
    objects: r.objects.map((o) => ({
      path: o.path,
      reference: o.reference,
      unconstrained: o.unconstrained,
      shiftUm: o.shiftUm,
      delta: o.delta,
      before: o.before,
      after: o.after,
      perRing: o.perRing,
    })),
  };
}
