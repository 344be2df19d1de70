/** Where the real fixture files live: `test/fixtures/` inside the checkout (provenance in its README files). */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of `test/fixtures`. */
export const FIXTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A path below the fixtures, e.g. `fixturePath('geometry/geometry-def-cspad.data')`. */
export function fixturePath(relative: string): string {
  return path.join(FIXTURES_DIR, relative);
}
