/** Text tables and JSON of alignment results. */
import type { AlignmentResult } from './align.js';
import type { RingCenterResult } from './center.js';
import type { ObjectRingStats } from './ring-fit.js';

const f = (v: number, d = 1, w = 9): string => (Number.isFinite(v) ? v.toFixed(d) : '-').padStart(w);

/** Table of the fitted centre and rings (radius, Gaussian sigma, amplitude, background). */
export function formatCenterReport(fit: RingCenterResult): string {
  const lines = [
    `beam centre (top frame, um): x = ${fit.center[0].toFixed(2)}, y = ${fit.center[1].toFixed(2)}`,
    `pixels: ${fit.candidatePixels} near rings, ${fit.hotPixels} hot/dead rejected, ${fit.maskedPixels} masked or not finite; window ±${fit.windowUm.toFixed(0)} um`,
    `ring  start_um  radius_um  sigma_um   pixels   amplitude  background`,
    ...fit.rings.map((r, j) => `${String(j).padStart(4)}${f(fit.startRadii[j], 0, 10)}${f(r.radiusUm, 2, 11)}${f(r.sigmaUm, 1, 10)}${String(r.pixels).padStart(9)}${f(r.amplitude, 2, 12)}${f(r.background, 2, 12)}`),
  ];
  return lines.join('\n') + '\n';
}

/**
 * Residual table of an alignment: per object the shift (top frame and file deltas) and where it sees
 * the rings (mean/rms radial offset over rings) before → after; per ring radius and sigma before → after.
 */
export function formatAlignmentReport(r: AlignmentResult): string {
  const rs = (s: ObjectRingStats) => `${f(s.meanOffsetUm, 2, 8)}${f(s.rmsOffsetUm, 2, 7)}`;
  const out = [
    `beam centre (top frame, um): before (${r.before.center.map((v) => v.toFixed(2)).join(', ')}), after (${r.after.center.map((v) => v.toFixed(2)).join(', ')})`,
    `geometry updates: ${r.iterations}${r.converged ? ' (converged)' : ' (NOT converged: corrections still above tolerance)'}`,
    '',
    'object              dx_um   dy_um   dX0_um  dY0_um  dZ0_um   offset mean/rms before   after',
  ];
  for (const o of r.objects) {
    const tag = o.reference ? ' (ref)' : o.unconstrained ? ' (no data)' : '';
    out.push(
      `${(o.label + tag).padEnd(18)}${f(o.shiftUm[0], 2, 8)}${f(o.shiftUm[1], 2, 8)}${f(o.delta.x0, 2, 9)}${f(o.delta.y0, 2, 8)}${f(o.delta.z0, 2, 8)}        ${rs(o.before)}   ${rs(o.after)}`,
    );
  }
  out.push('', 'ring  radius_um before     after   sigma_um before  after');
  r.before.rings.forEach((b, j) => {
    const a = r.after.rings[j];
    out.push(`${String(j).padStart(4)}${f(b.radiusUm, 2, 17)}${f(a.radiusUm, 2, 10)}${f(b.sigmaUm, 2, 16)}${f(a.sigmaUm, 2, 8)}`);
  });
  return out.join('\n') + '\n';
}

/** A JSON-ready summary of an alignment (no geometry text, no picture). */
export function alignmentReportJson(r: AlignmentResult): object {
  const ring = (c: RingCenterResult) => ({ center: c.center, rings: c.rings });
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
    })),
  };
}
