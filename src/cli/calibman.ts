import { type Command, CommanderError } from 'commander';
import { reportError } from './action.js';
import { isEntryModule } from './entry.js';
import { installLifecycle } from './lifecycle.js';
import '../node/png-deflate.js'; // PNGs deflated by node:zlib
import { finishCommandTree } from './program-setup.js';
import { TOP_COMMANDS, commandNamed, registerStandIn, rootProgram } from './command-index.js';

/**
 * Build the `calibman` command tree for `argv` (as `process.argv`): the command it runs (or asks help for)
 * is registered from its module, every other one by a stand-in with the same help line, so start-up
 * loads one command module at most. The complete tree: calibman-program.ts.
 */
export async function buildProgramFor(argv: readonly string[]): Promise<Command> {
  const program = rootProgram();
  const wanted = commandNamed(argv);
  const mod = wanted ? await wanted.load() : undefined;
  for (const c of TOP_COMMANDS) {
    if (c === wanted) mod!.register(program);
    else registerStandIn(program, c);
  }
  finishCommandTree(program);
  return program;
}

/**
 * Run `calibman` on `argv` (as `process.argv`) and return the exit status: 0 success, 1 an error
 * (message on stderr) or a usage error; 130/143 when stopped by SIGINT/SIGTERM (see src/cli/lifecycle.ts).
 */
export async function calibmanMain(argv: string[]): Promise<number> {
  try {
    const program = await buildProgramFor(argv);
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    return reportError(err);
  }
}

if (isEntryModule(import.meta.url)) {
  installLifecycle({ name: 'calibman' });
  process.exitCode = await calibmanMain(process.argv);
}
