import { CalibmanError } from '../errors.js';
import type { DarkEngines } from './ports.js';

/**
 * The real XTC reader and dark accumulator behind the driver's ports.
 * (Bound to src/node/xtc-* and src/dark once those land.)
 */
export function defaultEngines(): DarkEngines {
  return {
    async openRun() {
      throw new CalibmanError('the XTC reader is not available in this build');
    },
    createAccumulator() {
      throw new CalibmanError('the dark accumulator is not available in this build');
    },
  };
}
