import type { SyntheticRunSpec } from '../../src/synthetic/index.js';

/** A small run with every supported detector type (cameras kept small to stay fast). */
export const SMALL_SPEC: SyntheticRunSpec = {
  experiment: 'xpptut15',
  run: 7,
  seed: 42,
  events: 6,
  streams: 2,
  calibCycles: 2,
  darkFraction: 0.5,
  detectors: [
    { type: 'CSPAD', alias: 'cspad', absentSections: [3, 17], quadOrder: [2, 0, 3, 1], deadFraction: 0.001, saturatedFraction: 0.001, hotFraction: 0.001, droppedEvents: [4] },
    { type: 'CSPAD2x2', deadFraction: 0.01 },
    { type: 'PNCCD', configVersion: 1 },
    { type: 'OPAL1000', width: 64, height: 48, depth: 8 },
    { type: 'OPAL1000', source: 'CxiDg2.0:Opal1000.0', width: 50, height: 20, depth: 12 },
  ],
};

/** True when two typed arrays hold the same values. */
export function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
