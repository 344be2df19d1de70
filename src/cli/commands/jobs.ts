import type { Command } from 'commander';

/** Register the `calibman jobs …` commands. */
export function register(_program: Command): void {}
