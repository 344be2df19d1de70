import type { Command } from 'commander';

/** Register the `calibman align …` commands. */
export function register(_program: Command): void {}
