import { build, type Metafile, type OutputFile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { commanderLazyChildProcess, lazyDependencies, zodEnglishOnly } from '../../tsup.config.js';

/**
 * What `calibrun` loads before it needs it, read from esbuild's module graph of the CLI as tsup bundles it
 * (same plugins): the modules reached through static imports are those a process compiles at start; a
 * dynamic `import()` is loaded on first use. No timing here (`npm run bench -- import` / `-- calibrun`).
 */
async function bundleGraph(entry: string): Promise<{ meta: Metafile; outputs: OutputFile[] }> {
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: 'out',
    splitting: true,
    logLevel: 'silent',
    // as tsup builds the CLIs: zod (shaken) and commander bundled, other packages external or lazy
    external: ['ndarray', 'mathjs', 'playwright-core'],
    plugins: [lazyDependencies, zodEnglishOnly, commanderLazyChildProcess],
  });
  return { meta: r.metafile, outputs: r.outputFiles };
}

/** Inputs reached from `from` through static imports only. */
function staticClosure(meta: Metafile, from: string): Set<string> {
  const seen = new Set([from]);
  const todo = [from];
  while (todo.length) {
    for (const imp of meta.inputs[todo.pop()!]?.imports ?? []) {
      if (imp.kind !== 'import-statement' || imp.external || seen.has(imp.path)) continue;
      seen.add(imp.path);
      todo.push(imp.path);
    }
  }
  return seen;
}

const matching = (set: Set<string>, re: RegExp) => [...set].filter((f) => re.test(f));

describe('calibrun start-up loads only what the command needs', () => {
  let bundle: { meta: Metafile; outputs: OutputFile[] } | undefined;
  const graph = async () => (bundle ??= await bundleGraph('src/cli/calibrun.ts')).meta;

  it('`calibrun --help` and command-line errors load neither the driver, the pipeline nor zod', async () => {
    const atStart = staticClosure(await graph(), 'src/cli/calibrun.ts');
    expect(atStart.has('src/cli/calibrun/program.ts')).toBe(true);
    expect(matching(atStart, /^src\/(calibrun\/app|facade\/|pipeline\/|dark\/|xtc\/)/)).toEqual([]);
    expect(matching(atStart, /node_modules\/zod\//)).toEqual([]);
  }, 60_000);

  it('a dark run does not load the detector object, pictures, the File Manager, the calib store, deployment or batch jobs', async () => {
    const run = staticClosure(await graph(), 'src/calibrun/app.ts');
    expect(run.has('src/facade/calib-manager.ts')).toBe(true);
    expect(run.has('src/pipeline/dark-pass.ts')).toBe(true);
    const notNeeded = /^src\/(node\/detector\.ts|calibration\/detector\.ts|facade\/(pictures|store-ops|dark-batch|batch-job)\.ts|report\/pictures\.ts|plot\/|jobs\/(index|monitor|submit|slurm|slurm-parse|records)\.ts|node\/calib-store(-fs)?\.ts|calibrun\/deploy-step\.ts|deploy\/(index|validate|finder)\.ts)/;
    expect(matching(run, notNeeded)).toEqual([]);
    // each of them is still there, behind an import() of its own
    for (const lazy of ['src/node/detector.ts', 'src/facade/pictures.ts', 'src/facade/store-ops.ts', 'src/facade/dark-batch.ts', 'src/node/calib-store.ts', 'src/calibrun/deploy-step.ts', 'src/cli/calibrun/batch.ts']) {
      expect(Object.values((await graph()).inputs).some((i) => i.imports.some((imp) => imp.kind === 'dynamic-import' && imp.path === lazy)), lazy).toBe(true);
    }
  }, 60_000);

  it('zod is bundled shaken and in English only', async () => {
    const m = await graph();
    const zodFiles = Object.keys(m.inputs).filter((f) => f.includes('node_modules/zod/'));
    expect(zodFiles.filter((f) => /\/locales\//.test(f) && !/\/(en|index)\.js$/.test(f))).toEqual([]);
    // the schemas calibman builds, not the whole namespace (≈ 755 kB with every locale, ≈ 380 kB with English only)
    let zodBytes = 0;
    for (const out of Object.values(m.outputs)) for (const [f, i] of Object.entries(out.inputs)) if (f.includes('node_modules/zod/')) zodBytes += i.bytesInOutput;
    expect(zodBytes).toBeGreaterThan(50_000);
    expect(zodBytes).toBeLessThan(300_000);
  }, 60_000);

  it('commander gets node:child_process on first use only (calibman has no executable sub-commands)', async () => {
    await graph();
    const code = bundle!.outputs.map((o) => o.text).join('\n');
    expect(code).toMatch(/realChildProcess \?\?= __require\("(node:)?child_process"\)/);
    expect(code).not.toMatch(/=\s*__require\("(node:)?child_process"\);/);
  }, 60_000);
});
