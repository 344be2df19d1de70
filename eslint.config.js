import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

/** Folders of the platform-neutral core (tsconfig.core.json type-checks them without Node's types). */
const CORE_DIRS = ['xtc', 'synthetic', 'detectors', 'io', 'dark', 'geometry', 'mask', 'metrology', 'deploy', 'alignment', 'plot', 'report', 'calibration', 'pipeline'];
/** The facade's Node-free types and events (the rest of src/facade is Node-side). */
const CORE_FACADE_FILES = ['src/facade/types.ts', 'src/facade/events.ts', 'src/facade/log-event.ts'];
const CORE_FILES = ['src/index.ts', 'src/errors.ts', 'src/version.ts', ...CORE_DIRS.map((d) => `src/${d}/**/*.ts`), ...CORE_FACADE_FILES, 'examples/browser/src/**/*.ts'];
const NODE_BUILTINS = builtinModules.filter((m) => !m.startsWith('_') && !m.includes('/'));

export default tseslint.config(
  { ignores: ['dist/**', 'docs/api/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // the platform-neutral core bundles for a browser: no Node builtins, no Node-side calibman layers
    files: CORE_FILES,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^node:', message: 'the core is platform-neutral: Node APIs go in src/node (pass bytes or a port in)' },
            {
              regex: `^(${NODE_BUILTINS.join('|')})(/.*)?$`,
              message: 'the core is platform-neutral: Node APIs go in src/node (pass bytes or a port in)',
            },
            {
              regex: '^(\\.\\.?/)+((node|cli|calibrun|jobs)/|facade/(?!(types|events|log-event)\\.js$))',
              message: 'the core must not import the Node-side layers (src/node, src/cli, src/calibrun, src/jobs, src/facade)',
            },
          ],
        },
      ],
    },
  },
);
