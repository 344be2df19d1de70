import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // vitest's `run` default is one worker less than the cores: on the 2-core CI machine one file at a time,
    // leaving a core idle while a file computes in one thread. Test files share no state outside their own
    // temp directories, so at least two at a time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
