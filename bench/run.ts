/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command line, e.g.
 * `npm run bench -- xtc dark`) one after another and prints their figures.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  try {
    const mod = (await import(pathToFileURL(join(here, f)).href)) as { run?: () => Promise<void> };
    if (typeof mod.run !== 'function') throw new Error('no exported run()');
    await mod.run();
  } catch (err) {
    failed++;
    console.error(`benchmark ${f} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
if (files.length === 0) console.log('no benchmarks matched');
process.exitCode = failed ? 1 : 0;
