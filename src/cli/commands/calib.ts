import type { Command } from 'commander';

/** Register the `calibman calib …` commands. */
export function register(_program: Command): void {}
