import type { Command } from 'commander';

/** Register the `calibman mask …` commands. */
export function register(_program: Command): void {}
