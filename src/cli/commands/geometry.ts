import type { Command } from 'commander';

/** Register the `calibman geometry …` commands. */
export function register(_program: Command): void {}
