/**
 * Start-up cost from the built dist/ (built first when missing), each in fresh Node processes, median of 7
 * runs: `require`/`import` of `calibman` (core) and `calibman/node`, wall and CPU time of the import alone
 * (process start excluded; target ≤ 300 ms), and the whole `calibman --help` process (wall, and CPU from
 * /proc where present, in clock ticks of 10 ms; target ≤ 150 ms) and `calibrun --help`, against bare Node, the
 * three interleaved (on a busy machine the least of the runs is the fairer figure).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_MS = 300;
const HELP_TARGET_MS = 150;
const RUNS = 7;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Wall and CPU ms of one import in a fresh process; also which heavy dependencies it loaded (CommonJS only). */
function measure(kind: 'cjs' | 'esm', entry: 'index' | 'node'): { wallMs: number; cpuMs: number; heavy: string[] } {
  const file = join(root, 'dist', `${entry}.${kind === 'cjs' ? 'cjs' : 'js'}`);
  const load = kind === 'cjs' ? `require(${JSON.stringify(file)})` : `await import(${JSON.stringify(pathToFileURL(file).href)})`;
  const script = `
    const c0 = process.cpuUsage(), t0 = performance.now();
    ${load};
    const wallMs = performance.now() - t0, c = process.cpuUsage(c0);
    const heavy = typeof require === 'function'
      ? [...new Set(Object.keys(require.cache).map((k) => /node_modules[\\\\/](mathjs|xlsx|fflate|pngjs|proper-lockfile|wabt|zod|commander)[\\\\/]/.exec(k)?.[1]).filter(Boolean))]
      : [];
    console.log(JSON.stringify({ wallMs, cpuMs: (c.user + c.system) / 1000, heavy }));`;
  const args = kind === 'cjs' ? ['-e', script] : ['--input-type=module', '-e', script];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as { wallMs: number; cpuMs: number; heavy: string[] };
}

/** Judged on wall time; on a machine busier than its cores, wall time mostly measures the others' work. */
function verdict(wallMs: number, cpuMs: number, target = TARGET_MS): string {
  if (loadavg()[0] <= availableParallelism()) return wallMs <= target ? 'met' : 'NOT met';
  if (Number.isNaN(cpuMs)) return 'wall time not comparable on this busy machine';
  return `${cpuMs <= target ? 'met' : 'NOT met'} in CPU time; wall time not comparable on this busy machine`;
}

/** CPU ms of this process's reaped children (Linux /proc; NaN elsewhere). */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields 16-17 of stat (cutime, cstime) in clock ticks, assumed 100 per second
    return (Number(f[13]) + Number(f[14])) * 10;
  } catch {
    return NaN;
  }
}

/** Wall and CPU ms of a whole `node <args>` process (`calibman --help`, or bare Node as the baseline). */
function measureProcess(args: string[], expect: string): { wallMs: number; cpuMs: number } {
  const c0 = childrenCpuMs();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const wallMs = performance.now() - t0;
  if (r.status !== 0 || !r.stdout.includes(expect)) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
  return { wallMs, cpuMs: childrenCpuMs() - c0 };
}

export async function run(): Promise<void> {
  const built = ['index.js', 'index.cjs', 'node.js', 'node.cjs', 'cli/calibman.js'].every((f) => existsSync(join(root, 'dist', f)));
  if (!built) {
    console.log('import: dist/ missing, building it (npm run build) first');
    execFileSync(process.execPath, [join(root, 'node_modules/tsup/dist/cli-default.js')], { cwd: root, stdio: 'ignore' });
  }
  // wall time grows with other work on the machine; CPU time much less so
  console.log(`import: load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`);
  for (const entry of ['index', 'node'] as const) {
    for (const kind of ['cjs', 'esm'] as const) {
      const runs = Array.from({ length: RUNS }, () => measure(kind, entry));
      const wall = median(runs.map((r) => r.wallMs));
      const cpu = median(runs.map((r) => r.cpuMs));
      const name = entry === 'index' ? 'calibman' : 'calibman/node';
      const what = kind === 'cjs' ? `require('${name}')` : `import('${name}')`;
      const heavy = runs[0].heavy.length ? `; loaded eagerly: ${runs[0].heavy.join(', ')}` : '';
      console.log(
        `import: ${what.padEnd(24)} ${wall.toFixed(0).padStart(5)} ms wall, ${cpu.toFixed(0).padStart(5)} ms CPU ` +
          `(median of ${RUNS} fresh processes; target ≤ ${TARGET_MS} ms: ${verdict(wall, cpu)})${heavy}`,
      );
    }
  }
  // interleaved, so that a burst of other work on the machine weighs on all three alike
  const bare: { wallMs: number; cpuMs: number }[] = [];
  const help: { wallMs: number; cpuMs: number }[] = [];
  const runHelp: { wallMs: number; cpuMs: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(measureProcess(['-e', 'console.log("ok")'], 'ok'));
    help.push(measureProcess([join(root, 'dist/cli/calibman.js'), '--help'], 'Usage'));
    runHelp.push(measureProcess([join(root, 'dist/cli/calibrun.js'), '--help'], 'Usage'));
  }
  const bareWall = median(bare.map((r) => r.wallMs));
  const bareCpu = median(bare.map((r) => r.cpuMs));
  const least = (rs: { cpuMs: number }[]) => Math.min(...rs.map((r) => r.cpuMs));
  for (const [name, runs, target] of [['calibman --help', help, HELP_TARGET_MS], ['calibrun --help', runHelp, undefined]] as const) {
    const wall = median(runs.map((r) => r.wallMs));
    const cpu = median(runs.map((r) => r.cpuMs));
    console.log(
      `import: ${name.padEnd(24)} ${wall.toFixed(0).padStart(5)} ms wall, ${cpu.toFixed(0).padStart(5)} ms CPU ` +
        `(whole process incl. Node start, median of ${RUNS}, least ${least(runs).toFixed(0)} ms CPU` +
        `${target === undefined ? '' : `; target ≤ ${target} ms: ${verdict(wall, cpu, target)}`}); ` +
        `bare \`node -e\` ${bareWall.toFixed(0)} ms wall, ${bareCpu.toFixed(0)} ms CPU (least ${least(bare).toFixed(0)}), so its own share ≈ ${(cpu - bareCpu).toFixed(0)} ms CPU`,
    );
  }
}
