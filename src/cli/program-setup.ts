import { Option, type Command } from 'commander';
import { CalibmanError } from '../errors.js';

/**
 * Command-tree conventions shared by `calibman` and `calibrun`: an unknown option is reported before a
 * missing required one, errors end with a one-line pointer to the command's help (not the whole help),
 * and retired option spellings keep working as hidden aliases.
 */

const required = new WeakMap<Command, Option[]>();

/** `calibman xtc frames` for a sub-command. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function walk(cmd: Command, fn: (c: Command) => void): void {
  fn(cmd);
  for (const c of cmd.commands) walk(c, fn);
}

/**
 * Apply the conventions to a whole command tree (call after every command is registered): required
 * options are checked after unknown options and missing arguments (commander checks them first, so
 * `xtc frames X --detector CSPAD` said "required option '--source' not specified"), and an error is
 * followed by `(see "<command> --help")` instead of the full help text.
 */
export function finishCommandTree(root: Command): void {
  walk(root, (cmd) => {
    cmd.showHelpAfterError(`(see "${commandPath(cmd)} --help")`);
    const mandatory = cmd.options.filter((o) => o.mandatory);
    if (mandatory.length) {
      for (const o of mandatory) o.mandatory = false;
      required.set(cmd, mandatory);
    }
  });
  root.hook('preAction', (_root, actionCommand) => {
    for (let c: Command | null = actionCommand; c; c = c.parent) {
      for (const o of required.get(c) ?? []) {
        if (c.getOptionValue(o.attributeName()) === undefined) {
          c.error(`error: required option '${o.flags}' not specified`, { code: 'commander.missingMandatoryOptionValue' });
        }
      }
    }
  });
}

/**
 * Accept `aliasFlags` (e.g. `--range <range>`) as a hidden spelling of the option `targetLong`
 * (e.g. `--run-range`): the value goes through the target's parser into the target's attribute.
 */
export function addOptionAlias(cmd: Command, aliasFlags: string, targetLong: string): Command {
  const target = cmd.options.find((o) => o.long === targetLong);
  if (!target) throw new CalibmanError(`internal: ${commandPath(cmd)} has no option ${targetLong} to alias`);
  const alias = new Option(aliasFlags).hideHelp();
  cmd.addOption(alias);
  cmd.on(`option:${alias.name()}`, (value: string | undefined) => {
    const key = target.attributeName();
    const v = value === undefined ? true : target.parseArg ? target.parseArg(value, cmd.getOptionValue(key)) : value;
    cmd.setOptionValueWithSource(key, v, 'cli');
  });
  return cmd;
}
