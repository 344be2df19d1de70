import type { Command } from 'commander';

/** Register the `calibman xtc …` commands. */
export function register(_program: Command): void {}
