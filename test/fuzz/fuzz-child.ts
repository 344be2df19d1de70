/**
 * Child process of `npm run fuzz`: runs cases [start, end) of one target and reports each on stdout
 * (`S i` when a case starts, `R i kind ms` when it ends, `C i <json>` for a crash, `M rssKiB` now and then,
 * `D maxRssKiB` at the end). The parent times each case and restarts the child after a hang or abort.
 */
import { fuzzInput, runFuzzCase } from './case.js';
import { fuzzTarget } from './targets.js';

const [name, seedArg, startArg, endArg] = process.argv.slice(2);
const target = fuzzTarget(name);
const seed = Number(seedArg);
const out = (line: string): void => {
  process.stdout.write(line + '\n');
};

async function main(): Promise<void> {
  target.seeds();
  for (let i = Number(startArg); i < Number(endArg); i++) {
    const input = fuzzInput(target, seed, i);
    out(`S ${i}`);
    const t0 = performance.now();
    const v = await runFuzzCase(target, input);
    const ms = performance.now() - t0;
    if (v.kind === 'crash') out(`C ${i} ${JSON.stringify(v.error)}`);
    out(`R ${i} ${v.kind} ${ms.toFixed(1)}`);
    if (i % 50 === 0) out(`M ${process.resourceUsage().maxRSS}`);
  }
  out(`D ${process.resourceUsage().maxRSS}`);
}

// stdout is a pipe (asynchronous): exit only once everything written has been flushed
main().then(
  () => process.stdout.write('', () => process.exit(0)),
  (err: unknown) => {
    process.stderr.write(`fuzz child failed: ${String(err)}\n`);
    process.stdout.write('', () => process.exit(2));
  },
);
