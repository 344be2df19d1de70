import type { Command } from 'commander';

/** Register the `calibman dark …` commands. */
export function register(_program: Command): void {}
