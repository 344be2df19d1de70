import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

/**
 * Dependencies that only some calls need, loaded on first use in the bundles: each import of one of them
 * becomes a stand-in module whose exports (the ones calibman uses; another one fails the build) load the real
 * package when first called. SheetJS alone takes 0.1–0.3 s to load; fflate (zip), pngjs (PNG encoding) and
 * proper-lockfile (which patches `fs` through graceful-fs) add ~70 ms CPU together. The sources keep ordinary
 * imports; `npm run bench -- import` measures the result.
 */
const LAZY_EXPORTS: Record<string, string> = {
  xlsx: `export const read = (...args) => real().read(...args);
export const write = (...args) => real().write(...args);
export const utils = new Proxy({}, { get: (_, key) => real().utils[key] });`,
  fflate: `export const zipSync = (...args) => real().zipSync(...args);
export const unzipSync = (...args) => real().unzipSync(...args);`,
  pngjs: `export const PNG = new Proxy(function PNG() {}, {
  construct: (_, args) => new (real().PNG)(...args),
  get: (_, key) => real().PNG[key],
});`,
  'proper-lockfile': 'export default new Proxy({}, { get: (_, key) => real()[key] });',
};
const LAZY = Object.keys(LAZY_EXPORTS);
const lazyFilter = new RegExp(`^(${LAZY.join('|')})$`);

const lazyDependencies: Plugin = {
  name: 'lazy-dependencies',
  setup(build) {
    const cjs = build.initialOptions.format === 'cjs';
    // the stand-in's own require stays external; tsup's externals leave these names to this plugin (noExternal)
    build.onResolve({ filter: lazyFilter }, (args) =>
      args.namespace === 'lazy' ? { path: args.path, external: true } : { path: args.path, namespace: 'lazy' },
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      resolveDir: process.cwd(),
      contents: [
        cjs ? '' : "import { createRequire } from 'node:module';",
        `const load = () => ${cjs ? 'require' : 'createRequire(import.meta.url)'}(${JSON.stringify(args.path)});`,
        'let loaded;',
        'const real = () => (loaded ??= load());',
        LAZY_EXPORTS[args.path],
      ].join('\n'),
    }));
  },
};

// No source maps: they would embed the sources (or point at src/, which is not published); stack traces
// name the bundled functions, and development runs the sources through tsx.

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    target: 'node20',
    splitting: false,
    noExternal: LAZY,
    esbuildPlugins: [lazyDependencies],
  },
  {
    entry: {
      'cli/calibman': 'src/cli/calibman.ts',
      'cli/calibrun': 'src/cli/calibrun.ts',
      // worker-thread entries of a local split dark pass (found next to dist/ by the runners)
      'calibrun/dark-worker': 'src/calibrun/dark-worker.ts',
      'calibrun/dark-pixel-worker': 'src/calibrun/dark-pixel-worker.ts',
      'calibrun/format-worker': 'src/calibrun/format-worker.ts',
    },
    format: ['esm'],
    target: 'node20',
    splitting: true,
    noExternal: LAZY,
    esbuildPlugins: [lazyDependencies],
    banner: { js: '#!/usr/bin/env node' },
  },
]);
