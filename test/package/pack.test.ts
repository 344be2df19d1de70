/**
 * The published package as a consumer gets it: `npm pack` of the built package (dist/ from `npm run build`,
 * built here when missing), installed into an empty project with `npm ci --offline` (its lockfile is made from
 * this repository's, so the npm cache that installing the repository filled is enough), then both bins, both
 * entries (`calibman`, the platform-neutral core, and `calibman/node`) with `require` from CommonJS and `import`
 * from ESM, the core bundled for a browser from the installed package, and `tsc` on typed consumers (a Node one
 * with both entries, a browser one without Node's types).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { consumerProject, type PackageLock } from './consumer-lock.js';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license: string;
  files: string[];
  keywords?: string[];
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  engines?: Record<string, string>;
  scripts: Record<string, string>;
};
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as PackageLock;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// bins start with `#!/usr/bin/env node`: the node running the tests must be the one found
const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, npm_config_update_notifier: 'false' };

function run(cmd: string, args: string[], cwd: string, opts: ExecFileSyncOptions = {}): string {
  return execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts }) as string;
}

let work: string;
let consumer: string;

/** A browser script using the names external scripts call (kept by the core entry). */
const BROWSER_SCRIPT = `import { GeometryAccess, toCOrder, xtcRunFromBytes } from 'calibman';

export async function frames(file: File, geometryText: string): Promise<number> {
  const geo = GeometryAccess.fromText(geometryText);
  const { x } = geo.getPixelCoords();
  const { rows } = geo.getPixelCoordIndexes();
  const run = xtcRunFromBytes([{ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) }]);
  let n = x.length + rows.length;
  for await (const ev of run.events()) {
    const frame = ev.frame(ev.sources[0] ?? '');
    if (frame) n += toCOrder(frame).length;
  }
  return n;
}
`;
let packed: { filename: string; integrity: string; files: { path: string }[] };

beforeAll(() => {
  if (!['dist/index.js', 'dist/index.d.cts', 'dist/node.d.cts', 'dist/browser/index.js'].every((f) => existsSync(path.join(root, f)))) {
    run(process.execPath, [path.join(root, 'node_modules/tsup/dist/cli-default.js')], root);
  }
  work = mkdtempSync(path.join(tmpdir(), 'calibman-pack-'));
  // --ignore-scripts: `prepare` would rebuild; dist/ is already built
  packed = JSON.parse(run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root))[0];
  consumer = path.join(work, 'consumer');
  mkdirSync(consumer);
  copyFileSync(path.join(work, packed.filename), path.join(consumer, packed.filename));
  // the typed consumer is a Node project: it has @types/node (the same version as this repository)
  const typesNode = lock.packages['node_modules/@types/node'].version!;
  const { packageJson, packageLock } = consumerProject(lock, pkg, { file: packed.filename, integrity: packed.integrity }, { '@types/node': typesNode });
  writeFileSync(path.join(consumer, 'package.json'), JSON.stringify(packageJson, null, 2));
  writeFileSync(path.join(consumer, 'package-lock.json'), JSON.stringify(packageLock, null, 2));
  const install = ['ci', '--no-audit', '--no-fund'];
  try {
    run(npm, [...install, '--offline'], consumer);
  } catch (err) {
    // a cache filled by another route than `npm ci` of this repository: the registry, cache first
    if (!/ENOTCACHED/.test(String((err as { stderr?: unknown }).stderr))) throw err;
    run(npm, [...install, '--prefer-offline'], consumer);
  }
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the build (library, types, bins, worker entries), LICENSE and README, and no sources or source maps', () => {
    const files = packed.files.map((f) => f.path).sort();
    const entries = ['index', 'node'].flatMap((e) => ['js', 'cjs', 'd.ts', 'd.cts'].map((x) => `dist/${e}.${x}`));
    for (const f of ['package.json', 'README.md', 'LICENSE', ...entries, 'dist/browser/index.js']) {
      expect(files).toContain(f);
    }
    for (const bin of Object.values(pkg.bin)) expect(files).toContain(path.posix.normalize(bin));
    for (const worker of ['format-worker']) expect(files).toContain(`dist/calibrun/${worker}.js`);
    expect(files.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.map') || f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.d.cts'))).toEqual([]);
  });

  it('has package metadata that holds: existing `files`, a LICENSE text of the declared license, keywords, a build on install', () => {
    for (const f of pkg.files) expect(existsSync(path.join(root, f))).toBe(true);
    expect(pkg.license).toBe('BSD-3-Clause');
    expect(readFileSync(path.join(root, 'LICENSE'), 'utf8')).toMatch(/^BSD 3-Clause License[\s\S]*Neither the name of the copyright holder/);
    expect(pkg.keywords?.length).toBeGreaterThan(3);
    // `npm install <git url or directory>` runs `prepare` (not `prepack`) before packing the dependency
    expect(pkg.scripts.prepare).toMatch(/tsup|npm run build/);
    // what the public .d.ts files import is a runtime dependency, not a devDependency
    const dts = ['index', 'node'].map((e) => readFileSync(path.join(root, `dist/${e}.d.ts`), 'utf8')).join('\n');
    const imported = [...dts.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]).filter((m) => !m.startsWith('node:') && !m.startsWith('./'));
    expect(imported.length).toBeGreaterThan(0);
    for (const m of imported) expect(pkg.dependencies[m] ?? pkg.dependencies[`@types/${m}`]).toBeDefined();
    // ndarray ships no types: its DefinitelyTyped package must come with calibman
    if (imported.includes('ndarray')) expect(pkg.dependencies['@types/ndarray']).toBeDefined();
  });
});

describe('installed into an empty project', () => {
  it('links both bins, which run', () => {
    const bin = (name: string) => path.join(consumer, 'node_modules', '.bin', name);
    expect(run(bin('calibman'), ['--version'], consumer).trim()).toBe(pkg.version);
    expect(run(bin('calibman'), ['--help'], consumer)).toMatch(/Usage: calibman/);
    expect(run(bin('calibrun'), ['--help'], consumer)).toMatch(/Usage: calibrun/);
  });

  it('loads both entries from CommonJS with mathjs, SheetJS, fflate and proper-lockfile left until they are used, zod bundled', () => {
    const script = `
      const core = require('calibman');
      const calibman = require('calibman/node');
      const loaded = () => [...new Set(Object.keys(require.cache).map((k) => /node_modules[\\\\/](mathjs|xlsx|fflate|pngjs|proper-lockfile|zod)[\\\\/]/.exec(k)?.[1]).filter(Boolean))].sort();
      const atImport = loaded();
      const points = Array.from({ length: 8 }, (_, i) => ({ quad: 0, point: i + 1, x: 100 * i, y: 20 - 50 * i, z: i, where: { row: i + 2 } }));
      const back = calibman.readMetrologyXlsx(calibman.writeMetrologyXlsx({ points }));
      console.log(JSON.stringify({
        facade: typeof calibman.CalibManager,
        coreFacade: typeof core.CalibManager,
        error: new calibman.CalibmanError('x') instanceof Error,
        // one copy of the core behind both entries: an error of the Node side is an instance of the core's class
        sameClasses: core.CalibmanError === calibman.CalibmanError && new calibman.CalibStoreError('x') instanceof core.CalibmanError,
        coreNames: Object.keys(core).sort(),
        atImport,
        afterXlsx: loaded(),
        points: back.points.map((p) => [p.x, p.y, p.z]),
        names: Object.keys(calibman).sort(),
      }));`;
    const out = JSON.parse(run(process.execPath, ['-e', script], consumer));
    expect(out.facade).toBe('function');
    expect(out.coreFacade).toBe('undefined');
    expect(out.error).toBe(true);
    expect(out.sameClasses).toBe(true);
    // the core holds the browser-safe names scripts call; the Node entry adds the rest and keeps every core name
    for (const name of ['xtcRunFromBytes', 'toCOrder', 'GeometryAccess', 'createDarkAccumulator', 'defaultGeometryFor', 'encodePng', 'webDarkThreading']) {
      expect(out.coreNames).toContain(name);
    }
    for (const name of ['CalibManager', 'openCalibStore', 'openXtcRun', 'openDetector', 'submitPieces', 'nodeDarkThreading']) {
      expect(out.coreNames).not.toContain(name);
      expect(out.names).toContain(name);
    }
    for (const internal of ['parseSqueue', 'TRUTH_PIXEL_KIND', 'getDefaultGeometry', 'summarizeDarkSource']) expect(out.names).not.toContain(internal);
    expect(out.names).toEqual(expect.arrayContaining(out.coreNames));
    expect(out.atImport).toEqual([]);
    expect(out.afterXlsx).toEqual(['fflate', 'xlsx']);
    expect(out.points).toEqual(Array.from({ length: 8 }, (_, i) => [100 * i, 20 - 50 * i, i]));
    expect(out.names.length).toBeGreaterThan(100);
    writeFileSync(path.join(work, 'cjs-names.json'), JSON.stringify({ node: out.names, core: out.coreNames }));
  });

  it('imports from ESM with the same exports, and fits rings (mathjs loaded on the first fit)', () => {
    const script = `
      import * as core from 'calibman';
      import * as calibman from 'calibman/node';
      const N = 120, P = 100, n = N * N;
      const x = new Float64Array(n), y = new Float64Array(n), values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        x[i] = ((i % N) - N / 2 + 0.5) * P;
        y[i] = (Math.floor(i / N) - N / 2 + 0.5) * P;
        const r = Math.hypot(x[i] - 120, y[i] + 80);
        values[i] = 5 + 40 * Math.exp(-((r - 4000) ** 2) / (2 * 150 * 150));
      }
      const fit = await calibman.fitRings({ x, y, values, good: new Uint8Array(n).fill(1) }, { center: [0, 0], radii: [4100], windowUm: 600 });
      console.log(JSON.stringify({
        center: fit.center,
        radii: fit.radii,
        sameClasses: core.GeometryAccess === calibman.GeometryAccess,
        names: Object.keys(calibman).filter((k) => k !== 'default').sort(),
        coreNames: Object.keys(core).filter((k) => k !== 'default').sort(),
      }));`;
    const out = JSON.parse(run(process.execPath, ['--input-type=module', '-e', script], consumer));
    // a noise-free ring centred at (120, -80) um with radius 4000 um
    expect(out.center[0]).toBeCloseTo(120, 3);
    expect(out.center[1]).toBeCloseTo(-80, 3);
    expect(out.radii[0]).toBeCloseTo(4000, 3);
    const cjsNames = existsSync(path.join(work, 'cjs-names.json')) ? JSON.parse(readFileSync(path.join(work, 'cjs-names.json'), 'utf8')) : undefined;
    expect(out.sameClasses).toBe(true);
    if (cjsNames) {
      expect(out.names).toEqual(cjsNames.node);
      expect(out.coreNames).toEqual(cjsNames.core);
    }
  });

  it('type-checks typed consumers (CommonJS and ESM) with tsc --init options and library checks on', () => {
    // `tsc --init` (TypeScript 5.9) options, with skipLibCheck off so errors in calibman's .d.ts count, and the
    // Node types a Node project has; @ts-expect-error lines fail if a public type silently became `any`
    const tsconfig = {
      compilerOptions: {
        module: 'nodenext',
        target: 'esnext',
        types: ['node'],
        noEmit: true,
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        verbatimModuleSyntax: true,
        isolatedModules: true,
        noUncheckedSideEffectImports: true,
        moduleDetection: 'force',
        skipLibCheck: false,
      },
      files: ['typed.cts', 'typed.mts'],
    };
    writeFileSync(path.join(consumer, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    writeFileSync(
      path.join(consumer, 'typed.mts'),
      `import { CalibmanError, parseNdarrayText, toCOrder, type RingFitResult } from 'calibman';
import { CalibManager, CalibStoreError } from 'calibman/node';

// the entries share their declarations: a Node-side error is the core's error type
export const storeError: CalibmanError = new CalibStoreError('x');
const cm = new CalibManager({ experiment: 'cxi12345', detectors: ['CSPAD'], root: '/tmp/none' });
export const experiment: string = cm.experiment;
// @ts-expect-error the facade is typed (a silent \`any\` would accept this)
export const wrong: number = cm.experiment;
const parsed = parseNdarrayText('1 2 3\\n4 5 6\\n');
export const shape: number[] = parsed.array.shape;
// @ts-expect-error ndarray's types resolve (shape is number[], not a string)
export const badShape: string = parsed.array.shape;
export const values = toCOrder(parsed.array);
export const radii = async (r: Promise<RingFitResult>): Promise<readonly number[]> => (await r).radii;
`,
    );
    writeFileSync(
      path.join(consumer, 'typed.cts'),
      `import calibman = require('calibman/node');

const cm = new calibman.CalibManager({ experiment: 'cxi12345', detectors: ['CSPAD'], root: '/tmp/none' });
const experiment: string = cm.experiment;
// @ts-expect-error the facade is typed (a silent \`any\` would accept this)
const wrong: number = cm.experiment;
const parsed = calibman.parseNdarrayText('1 2 3\\n4 5 6\\n');
// @ts-expect-error ndarray's types resolve (shape is number[], not a string)
const badShape: string = parsed.array.shape;
const radii = (r: calibman.RingFitResult): readonly number[] => r.radii;
export = { experiment, wrong, badShape, radii };
`,
    );
    let output = '';
    try {
      output = run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], consumer);
    } catch (err) {
      output = String((err as { stdout?: unknown }).stdout) + String((err as { stderr?: unknown }).stderr);
    }
    expect(output).toBe('');
  });
  it('type-checks a browser consumer of the core without Node types', () => {
    // a browser project: DOM, no @types/node; calibman's root .d.ts must not need Node's types
    const tsconfig = {
      compilerOptions: {
        module: 'esnext',
        moduleResolution: 'bundler',
        target: 'es2022',
        lib: ['es2023', 'dom', 'dom.iterable'],
        types: [],
        noEmit: true,
        strict: true,
        skipLibCheck: false,
      },
      files: ['browser.ts'],
    };
    writeFileSync(path.join(consumer, 'tsconfig.browser.json'), JSON.stringify(tsconfig, null, 2));
    writeFileSync(path.join(consumer, 'browser.ts'), BROWSER_SCRIPT);
    let output = '';
    try {
      output = run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.browser.json'], consumer);
    } catch (err) {
      output = String((err as { stdout?: unknown }).stdout) + String((err as { stderr?: unknown }).stderr);
    }
    expect(output).toBe('');
  });

  it('bundles the core for a browser from the installed package (no Node builtin)', async () => {
    writeFileSync(path.join(consumer, 'browser.ts'), BROWSER_SCRIPT);
    // for platform `browser` esbuild fails on a Node builtin unless the importing package maps it away for browsers
    const result = await build({
      absWorkingDir: consumer,
      entryPoints: ['browser.ts'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((f) => f.startsWith('node:') || /node_modules\/(pngjs|proper-lockfile|graceful-fs)\//.test(f))).toEqual([]);
    // the `browser` condition of the package's exports picks the browser build
    expect(inputs).toContain('node_modules/calibman/dist/browser/index.js');
    expect(inputs.filter((f) => /node_modules\/calibman\/dist\/(index|node|chunk-)/.test(f))).toEqual([]);
  });
});
