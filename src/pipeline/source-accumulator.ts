/**
 * psana's generation-3 dark accumulator behind the pipeline's {@link SourceAccumulator} port, the one adapter the
 * Node engines and a browser page share.
 */
import { createDarkAccumulator } from '../dark/accumulator.js';
import type { DarkThreading } from '../dark/threads.js';
import { darkParamsOf, type DarkThresholds } from './params.js';
import type { SourceAccumulator } from './ports.js';

/** A source's accumulator with these thresholds, on helper threads when `threading` is given. */
export function darkSourceAccumulator(thresholds: DarkThresholds, shape: readonly number[], threading?: DarkThreading): SourceAccumulator {
  // only finish() is asked of it: the stage-1 gates need not be kept (18 MB less for a CSPAD)
  const acc = createDarkAccumulator(darkParamsOf(thresholds), shape, { threading, keepGates: false });
  return {
    add: (frame) => void acc.add(frame),
    nextSlot: () => acc.nextSlot(),
    get count() {
      return acc.nFrames;
    },
    finish: () => acc.finish(),
    close: () => acc.close(),
  };
}
