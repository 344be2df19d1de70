/** Where the real fixture files live: `shared/fixtures/` beside the project checkout (as in CI). */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of `../shared/fixtures` relative to the repository root. */
export const SHARED_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/fixtures');

/** A path below the shared fixtures, e.g. `sharedFixture('geometry/geometry-def-cspad.data')`. */
export function sharedFixture(relative: string): string {
  return path.join(SHARED_FIXTURES, relative);
}
