import type { Command } from 'commander';

/** Register the `calibman plot …` commands. */
export function register(_program: Command): void {}
