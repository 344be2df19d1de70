/** Calib store figures: finder speed on a large type directory, validation and deployment of a CSPAD-size file. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import ndarray from 'ndarray';
import { calibFileCoverage, checkCalibFile, findCalibFile } from '../src/deploy/index.js';
import { formatNdarrayText } from '../src/io/ndarray-text.js';
import { openCalibStore } from '../src/node/calib-store.js';

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function run(): Promise<void> {
  const names = Array.from({ length: 2000 }, (_, i) => (i % 10 === 0 ? `${i}-end.data` : `${i}-${i + 50}.data`));
  let t0 = process.hrtime.bigint();
  let found = 0;
  for (let r = 0; r < 2000; r++) if (findCalibFile(names, r).file) found++;
  console.log(`findCalibFile: 2000 lookups in a 2000-file directory: ${ms(t0).toFixed(0)} ms (${found} found)`);
  t0 = process.hrtime.bigint();
  const cov = calibFileCoverage(names.slice(0, 300));
  console.log(`calibFileCoverage: 300 files: ${ms(t0).toFixed(0)} ms (${cov.files.filter((f) => f.shadowed).length} shadowed)`);

  const shape = [32, 185, 388];
  const data = new Float32Array(32 * 185 * 388).map((_, i) => 1000 + (i % 97) * 0.37);
  const text = new TextEncoder().encode(formatNdarrayText(ndarray(data, shape), { fmt: '%8.2f' }));
  t0 = process.hrtime.bigint();
  const c = checkCalibFile(text, { calibType: 'pedestals', shape });
  const tv = ms(t0);
  console.log(`checkCalibFile: CSPAD pedestals (${(text.length / 1e6).toFixed(1)} MB text, ${data.length} values): ${tv.toFixed(0)} ms, ok=${c.report.ok}`);

  const root = mkdtempSync(path.join(tmpdir(), 'calibman-bench-'));
  mkdirSync(path.join(root, 'exp'));
  try {
    const store = await openCalibStore(path.join(root, 'exp', 'calib'));
    t0 = process.hrtime.bigint();
    for (let k = 0; k < 3; k++) {
      await store.deploy({ bytes: text, source: 'CxiDs1.0:Cspad.0', type: 'pedestals', runRange: `${k}-end`, expect: { shape } });
    }
    console.log(`deploy (validate + lock + atomic write + HISTORY): CSPAD pedestals: ${(ms(t0) / 3).toFixed(0)} ms per file`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
