/**
 * Import cost of the package: `require('calibman')` and `import('calibman')` of the built dist/ (built first
 * when missing), each in fresh Node processes; median of 7 runs, wall and CPU time of the import alone
 * (process start excluded). Target: ≤ 300 ms.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_MS = 300;
const RUNS = 7;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Wall and CPU ms of one import in a fresh process; also which heavy dependencies it loaded (CommonJS only). */
function measure(kind: 'cjs' | 'esm'): { wallMs: number; cpuMs: number; heavy: string[] } {
  const file = join(root, 'dist', kind === 'cjs' ? 'index.cjs' : 'index.js');
  const load = kind === 'cjs' ? `require(${JSON.stringify(file)})` : `await import(${JSON.stringify(pathToFileURL(file).href)})`;
  const script = `
    const c0 = process.cpuUsage(), t0 = performance.now();
    ${load};
    const wallMs = performance.now() - t0, c = process.cpuUsage(c0);
    const heavy = typeof require === 'function'
      ? [...new Set(Object.keys(require.cache).map((k) => /node_modules[\\\\/](mathjs|xlsx|fflate|pngjs|proper-lockfile|wabt)[\\\\/]/.exec(k)?.[1]).filter(Boolean))]
      : [];
    console.log(JSON.stringify({ wallMs, cpuMs: (c.user + c.system) / 1000, heavy }));`;
  const args = kind === 'cjs' ? ['-e', script] : ['--input-type=module', '-e', script];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as { wallMs: number; cpuMs: number; heavy: string[] };
}

/** Judged on wall time; on a machine busier than its cores, wall time mostly measures the others' work. */
function verdict(wallMs: number, cpuMs: number): string {
  if (loadavg()[0] <= availableParallelism()) return wallMs <= TARGET_MS ? 'met' : 'NOT met';
  return `${cpuMs <= TARGET_MS ? 'met' : 'NOT met'} in CPU time; wall time not comparable on this busy machine`;
}

export async function run(): Promise<void> {
  if (!existsSync(join(root, 'dist/index.js')) || !existsSync(join(root, 'dist/index.cjs'))) {
    console.log('import: dist/ missing, building it (npm run build) first');
    execFileSync(process.execPath, [join(root, 'node_modules/tsup/dist/cli-default.js')], { cwd: root, stdio: 'ignore' });
  }
  // wall time grows with other work on the machine; CPU time much less so
  console.log(`import: load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`);
  for (const kind of ['cjs', 'esm'] as const) {
    const runs = Array.from({ length: RUNS }, () => measure(kind));
    const wall = median(runs.map((r) => r.wallMs));
    const cpu = median(runs.map((r) => r.cpuMs));
    const what = kind === 'cjs' ? "require('calibman')" : "import('calibman')";
    const heavy = runs[0].heavy.length ? `; loaded eagerly: ${runs[0].heavy.join(', ')}` : '';
    console.log(
      `import: ${what.padEnd(20)} ${wall.toFixed(0).padStart(5)} ms wall, ${cpu.toFixed(0).padStart(5)} ms CPU ` +
        `(median of ${RUNS} fresh processes; target ≤ ${TARGET_MS} ms: ${verdict(wall, cpu)})${heavy}`,
    );
  }
}
