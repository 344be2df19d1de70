import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: false,
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
    sourcemap: true,
    target: 'node20',
    splitting: true,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
