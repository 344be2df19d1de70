import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgramFor } from '../../src/cli/calibman.js';
import { buildProgram } from '../../src/cli/calibman-program.js';
import { TOP_COMMANDS, commandNamed } from '../../src/cli/command-index.js';

/** Every help text of a command tree, keyed by command path. */
function helpTexts(cmd: Command, prefix = ''): Map<string, string> {
  const path = `${prefix}${cmd.name()}`;
  const out = new Map([[path, cmd.helpInformation()]]);
  for (const c of cmd.commands) for (const [k, v] of helpTexts(c, `${path} `)) out.set(k, v);
  return out;
}

describe('calibman start-up loads only the command it runs', () => {
  it('the root help without any command module is the help of the full tree', async () => {
    const full = buildProgram();
    const lazy = await buildProgramFor(['node', 'calibman', '--help']);
    expect(lazy.helpInformation()).toBe(full.helpInformation());
    expect(lazy.commands.map((c) => c.name())).toEqual(full.commands.map((c) => c.name()));
    // stand-ins only: `xtc` (which has sub-commands in the full tree) has none
    expect(full.commands.find((c) => c.name() === 'xtc')!.commands.length).toBeGreaterThan(0);
    expect(lazy.commands.find((c) => c.name() === 'xtc')!.commands).toHaveLength(0);
  });

  it.each(TOP_COMMANDS.map((c) => c.name))('`calibman %s …` builds that command exactly as the full tree', async (name) => {
    const full = helpTexts(buildProgram());
    for (const argv of [['node', 'calibman', name, '--help'], ['node', 'calibman', 'help', name]]) {
      const lazy = await buildProgramFor(argv);
      const mine = helpTexts(lazy.commands.find((c) => c.name() === name)!, 'calibman ');
      for (const [path, text] of mine) expect(text, path).toBe(full.get(path));
      expect(mine.size).toBe([...full.keys()].filter((k) => k === `calibman ${name}` || k.startsWith(`calibman ${name} `)).length);
      expect(lazy.helpInformation()).toBe(full.get('calibman'));
    }
  });

  it('finds the command past root options and after `help`', () => {
    expect(commandNamed(['node', 'calibman', '-V'])).toBeUndefined();
    expect(commandNamed(['node', 'calibman', 'nope'])).toBeUndefined();
    expect(commandNamed(['node', 'calibman', '--help', 'mask', 'roi'])?.name).toBe('mask');
    expect(commandNamed(['node', 'calibman', 'help', 'plot'])?.name).toBe('plot');
  });
});
