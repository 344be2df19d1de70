/** Runs one `calibman` command group in-process (its `register` on a fresh program), capturing its output. */
import { Command } from 'commander';
import { vi } from 'vitest';

/** Exit code and captured output of {@link runCommand}. */
export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Parse `args` with a program holding only the commands `register` adds; commander usage errors
 * (exitOverride) count as exit code 1, as they do from the shell.
 */
export async function runCommand(register: (program: Command) => void, args: readonly string[]): Promise<CommandRun> {
  const program = new Command('calibman').exitOverride();
  register(program);
  let stderr = '';
  let stdout = '';
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'calibman', ...args]);
  } catch {
    // commander usage errors (exitOverride) are reported through stderr already
    process.exitCode ||= 1;
  } finally {
    e.mockRestore();
    o.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stderr, stdout };
}
