import type { Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { defineConfig } from 'tsup';

/**
 * Dependencies that only some calls need, loaded on first use in the bundles: each import of one of them
 * becomes a stand-in module whose exports (the ones calibman uses; another one fails the build) load the real
 * package when first called. SheetJS alone takes 0.1–0.3 s to load; fflate (zip, PNG deflate) and
 * proper-lockfile (which patches `fs` through graceful-fs) add ~70 ms CPU together. The sources keep ordinary
 * imports; `npm run bench -- import` measures the result. Node builds only: the stand-ins load through
 * `require`, so the browser build of the core (dist/browser/) imports the packages as they are.
 */
const LAZY_EXPORTS: Record<string, string> = {
  xlsx: `export const read = (...args) => real().read(...args);
export const write = (...args) => real().write(...args);
export const utils = new Proxy({}, { get: (_, key) => real().utils[key] });`,
  fflate: `export const zipSync = (...args) => real().zipSync(...args);
export const unzipSync = (...args) => real().unzipSync(...args);
export const zlibSync = (...args) => real().zlibSync(...args);`,
  'proper-lockfile': 'export default new Proxy({}, { get: (_, key) => real()[key] });',
};
const LAZY = Object.keys(LAZY_EXPORTS);
/**
 * Bundled into the Node builds rather than imported: zod 4 is ~95 ES modules, whose resolution and loading
 * cost ~140–200 ms CPU per process start; bundled it costs ~75 ms (`npm run bench -- import`).
 */
const BUNDLED = [...LAZY, 'zod'];
const lazyFilter = new RegExp(`^(${LAZY.join('|')})$`);

export const lazyDependencies: Plugin = {
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

/**
 * zod's `locales` namespace (60 translations of its messages, ~370 KB of the ~750 KB zod adds to a bundle) cut down
 * to English: calibman's messages are English and the bundled zod is not handed out, so no other locale can be
 * chosen. Halves the source every process start compiles (`calibrun --help`, the CLIs, `import 'calibman'`).
 */
export const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(build) {
    let zodImported = false;
    let cut = false;
    build.onStart(() => {
      zodImported = cut = false;
    });
    build.onResolve({ filter: /^zod(\/|$)/ }, () => {
      zodImported = true;
      return undefined;
    });
    build.onResolve({ filter: /^\.\.\/locales\/index\.c?js$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)) return undefined;
      cut = true;
      return { path: join(dirname(args.importer), args.path), namespace: 'zod-english-only' };
    });
    // a zod that no longer imports its locales this way fails the build here rather than bundling all of them
    build.onEnd(() => (zodImported && !cut ? { errors: [{ text: "zod-english-only: zod was bundled without importing '../locales/index.js'" }] } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      resolveDir: dirname(args.path),
      contents: `export { default as en } from './en${extname(args.path)}';`,
    }));
  },
};

/**
 * CommonJS packages every CLI process loads, bundled into the CLIs: loading them through Node's CommonJS loader
 * (package resolution, the loader's own start) costs ≈ 25–35 ms CPU per process, more than `calibman --help`
 * itself. The library builds keep them external (deduplicated with the user's own copies).
 */
const CLI_BUNDLED = ['commander', 'ndarray'];
/**
 * commander requires `node:child_process` (with `net`, `dgram`, … ≈ 5–9 ms CPU) at load for stand-alone executable
 * sub-commands, which calibman does not have: in the CLI bundles it gets the module on first use instead.
 */
export const commanderLazyChildProcess: Plugin = {
  name: 'commander-lazy-child-process',
  setup(build) {
    const eager = "const childProcess = require('node:child_process');";
    build.onLoad({ filter: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      // a commander that no longer has this line fails the build here rather than loading child_process again
      if (!text.includes(eager)) throw new Error(`commander-lazy-child-process: "${eager}" not found in ${args.path}`);
      const lazy = "let realChildProcess;\nconst childProcess = new Proxy({}, { get: (_, key) => (realChildProcess ??= require('node:child_process'))[key] });";
      return { contents: text.replace(eager, lazy), loader: 'js' };
    });
  },
};
/** The `require` the bundled CommonJS packages call for Node's builtins (`node:events`, `node:fs`, …). */
const CLI_REQUIRE = "import { createRequire as calibmanCreateRequire } from 'node:module';\nconst require = calibmanCreateRequire(import.meta.url);";

// No source maps: they would embed the sources (or point at src/, which is not published); stack traces
// name the bundled functions, and development runs the sources through tsx.

export default defineConfig([
  {
    // `calibman` (the platform-neutral core) and `calibman/node` (core + Node adapters) share their chunks, so
    // both entries hand out the same classes (an error thrown by the Node side is `instanceof` the core's)
    entry: { index: 'src/index.ts', node: 'src/node/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    target: 'node20',
    splitting: true,
    // CommonJS with shared chunks is built as ESM and converted: the stand-ins' `import.meta.url` needs the shim
    shims: true,
    noExternal: BUNDLED,
    esbuildPlugins: [lazyDependencies, zodEnglishOnly],
  },
  {
    // the core for bundlers that pick the `browser` condition: no Node builtins, dependencies imported as they are
    entry: { 'browser/index': 'src/index.ts' },
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    splitting: false,
  },
  {
    entry: {
      'cli/calibman': 'src/cli/calibman.ts',
      'cli/calibrun': 'src/cli/calibrun.ts',
      // worker-thread entry of the work-file formatter (found next to dist/ by its runner)
      'calibrun/format-worker': 'src/calibrun/format-worker.ts',
    },
    format: ['esm'],
    target: 'node20',
    splitting: true,
    noExternal: [...BUNDLED, ...CLI_BUNDLED],
    esbuildPlugins: [lazyDependencies, zodEnglishOnly, commanderLazyChildProcess],
    banner: { js: `#!/usr/bin/env node\n${CLI_REQUIRE}` },
  },
]);
