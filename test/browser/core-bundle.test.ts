/**
 * The package root (`calibman`, src/index.ts) is the platform-neutral core: esbuild bundles it for a browser
 * with no Node builtin and no module of the Node-side layers in the bundle.
 */
import { describe, expect, it } from 'vitest';
import { build, type Plugin } from 'esbuild';
import { builtinModules } from 'node:module';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

const INNER = Symbol('inner resolve');

/** Records every import of a Node builtin (esbuild would otherwise only fail on the first few). */
function builtinRecorder(seen: string[]): Plugin {
  return {
    name: 'node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === INNER || !(builtins.has(args.path) || args.path.startsWith('node:'))) return undefined;
        // a package may map a builtin away for browsers (`"browser": { "crypto": false }`): esbuild's own answer counts
        const { kind, importer, resolveDir } = args;
        const own = await b.resolve(args.path, { kind, importer, resolveDir, pluginData: INNER });
        if (own.errors.length === 0) return undefined;
        seen.push(`${args.path} (imported by ${path.relative(root, importer)})`);
        return { path: args.path, external: true };
      });
    },
  };
}

async function bundle(entry: string) {
  const seen: string[] = [];
  const result = await build({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [builtinRecorder(seen)],
  });
  return { seen, result };
}

describe('the core entry in a browser bundle', () => {
  it('imports no Node builtin, directly or through a dependency', async () => {
    const { seen, result } = await bundle('src/index.ts');
    expect(result.errors).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('holds no module of the Node-side layers (src/node, src/cli, src/calibrun, src/jobs, src/facade but its Node-free events)', async () => {
    const { result } = await bundle('src/index.ts');
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((f) => f.startsWith('src/xtc/'))).toBe(true);
    expect(inputs.filter((f) => /^src\/(node|cli|calibrun|jobs)\//.test(f))).toEqual([]);
    expect(inputs.filter((f) => f.startsWith('src/facade/')).sort()).toEqual(['src/facade/events.ts', 'src/facade/log-event.ts']);
    expect(inputs.filter((f) => /node_modules\/(pngjs|proper-lockfile|graceful-fs)\//.test(f))).toEqual([]);
  });

  it('reports a Node adapter as unfit for a browser (the check can fail)', async () => {
    const { seen } = await bundle('src/node/files.ts');
    expect(seen.some((s) => s.startsWith('node:fs'))).toBe(true);
  });
});

describe('the core entry names', () => {
  it('keeps the browser-safe names external scripts call and leaves out Node adapters, internals and old names', async () => {
    const core = (await import('../../src/index.js')) as Record<string, unknown>;
    for (const name of ['xtcRunFromBytes', 'toCOrder', 'GeometryAccess', 'createDarkAccumulator', 'runDarkPass', 'webDarkThreading', 'defaultGeometryFor', 'summariseDark', 'summariseDarkSource', 'detectorTypeOfSource', 'encodePng']) {
      expect(core[name], name).toBeDefined();
    }
    const geo = core.GeometryAccess as { fromText: unknown; prototype: Record<string, unknown> };
    expect(typeof geo.fromText).toBe('function');
    expect(typeof geo.prototype.getPixelCoords).toBe('function');
    expect(typeof geo.prototype.getPixelCoordIndexes).toBe('function');
    const nodeOnly = ['CalibManager', 'openCalibStore', 'openXtcRun', 'openDetector', 'readNpyFile', 'submitPieces', 'runInWorkers', 'nodeDarkThreading', 'runCalibrun'];
    const internal = ['parseSqueue', 'parseSacct', 'TRUTH_PIXEL_KIND', 'resolveCliCommand', 'MISSING_MESSAGES', 'jobRecordPath', 'encodeDgram', 'eventXtc'];
    const oldNames = ['getDefaultGeometry', 'summarizeDarkSource', 'detectorTypeFromSource'];
    expect([...nodeOnly, ...internal, ...oldNames].filter((n) => n in core)).toEqual([]);
  });

  it('has the Node entry add the Node side to every core name, with internals still left out', async () => {
    const core = (await import('../../src/index.js')) as Record<string, unknown>;
    const node = (await import('../../src/node/index.js')) as Record<string, unknown>;
    for (const name of Object.keys(core)) expect(node[name], name).toBe(core[name]);
    for (const name of ['CalibManager', 'openCalibStore', 'openXtcRun', 'openDetector', 'submitPieces', 'resolveCliCommand']) expect(node[name], name).toBeDefined();
    expect(['parseSqueue', 'TRUTH_PIXEL_KIND', 'getDefaultGeometry'].filter((n) => n in node)).toEqual([]);
  });
});
