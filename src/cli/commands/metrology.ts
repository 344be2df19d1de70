import type { Command } from 'commander';

/** Register the `calibman metrology …` commands. */
export function register(_program: Command): void {}
