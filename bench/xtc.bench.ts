/**
 * XTC benchmark: writes a multi-GB synthetic CSPAD run in the OS temp directory (deleted afterwards),
 * then reports scan throughput (page cache), RSS during scans of a short and a long run, and event
 * iteration + CSPAD frame decode rate. Size: CALIBMAN_BENCH_XTC_GB (default 2.5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openXtcRun } from '../src/node/xtc-run.js';
import { writeSyntheticRun } from '../src/node/xtc-synthetic.js';

const EVENT_BYTES = 4_594_064 + 300;

function mb(n: number): string {
  return (n / 2 ** 20).toFixed(0) + ' MB';
}

export async function run(): Promise<void> {
  const gb = Number(process.env.CALIBMAN_BENCH_XTC_GB ?? 2.5);
  const events = Math.max(20, Math.round((gb * 1e9) / EVENT_BYTES));
  const dir = mkdtempSync(join(tmpdir(), 'calibman-bench-xtc-'));
  try {
    const spec = { experiment: 'e1', events, streams: 2, darkFraction: 1, detectors: [{ type: 'CSPAD', hotFraction: 0.001 }] };
    let t = performance.now();
    const w = await writeSyntheticRun(dir, spec, { chunkBytes: 1e9 });
    const genS = (performance.now() - t) / 1000;
    console.log(`generated ${events} CSPAD events, ${(w.bytes / 1e9).toFixed(2)} GB in ${w.files.length} files, ${genS.toFixed(1)} s (${(w.bytes / 1e9 / genS).toFixed(2)} GB/s)`);

    // a short run (first chunk of stream 0 only) vs the whole run: RSS must not grow with run length
    const short = await openXtcRun({ files: [w.files[0]] });
    await short.scan();
    const rssShort = process.memoryUsage().rss;
    const whole = await openXtcRun({ files: w.files });
    await whole.scan(); // warm the page cache
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      t = performance.now();
      const s = await whole.scan();
      best = Math.min(best, (performance.now() - t) / 1000);
      if (s.events !== events) throw new Error(`scan found ${s.events} events, expected ${events}`);
    }
    const rssLong = process.memoryUsage().rss;
    console.log(`scan: ${(w.bytes / 1e9 / best).toFixed(1)} GB/s (${best.toFixed(3)} s for ${(w.bytes / 1e9).toFixed(2)} GB, header-only reads)`);
    console.log(`RSS after scanning one chunk: ${mb(rssShort)}; after scanning the whole run: ${mb(rssLong)}`);

    // event iteration + frame decode (assembly into the reused (32,185,388) buffer)
    let rssMax = 0;
    t = performance.now();
    let n = 0;
    let check = 0;
    for await (const ev of whole.events()) {
      const f = ev.frame('CxiDs1.0:Cspad.0')!;
      check += f.data[12345] as number;
      if (++n % 50 === 0) rssMax = Math.max(rssMax, process.memoryUsage().rss);
    }
    const evS = (performance.now() - t) / 1000;
    console.log(`events + CSPAD frame decode: ${(n / evS).toFixed(0)} events/s (${n} events, ${(w.bytes / 1e9 / evS).toFixed(2)} GB/s; checksum ${check}); peak RSS ${mb(rssMax)}`);

    t = performance.now();
    n = 0;
    for await (const ev of whole.events()) {
      void ev.eventCodes;
      n++;
    }
    const itS = (performance.now() - t) / 1000;
    console.log(`events without frame decode: ${(n / itS).toFixed(0)} events/s`);
    await whole.close();
    await short.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
