// @ts-check
/**
 * Rewrites typedoc-undocumented.json: the public symbols that still have no TSDoc, listed so that `npm run docs`
 * (notDocumented validation, warnings are errors) fails on any NEW undocumented symbol while this backlog is
 * worked off. Document a symbol, then run `npm run docs:backlog` to drop it from the list.
 */
import { writeFileSync } from 'node:fs';
import { Application, Logger, LogLevel } from 'typedoc';

const UNDOCUMENTED = /^(.+) \((\w+)\), defined in .+, does not have any documentation$/;

class CollectingLogger extends Logger {
  /** @type {string[]} */
  undocumented = [];
  /** @type {string[]} */
  other = [];
  /** @param {string} message @param {LogLevel} level */
  log(message, level) {
    if (level < LogLevel.Warn) return;
    const m = UNDOCUMENTED.exec(message);
    if (m) this.undocumented.push(m[1] ?? '');
    else this.other.push(message);
  }
}

const app = await Application.bootstrapWithPlugins({
  intentionallyNotDocumented: [],
  treatWarningsAsErrors: false,
  treatValidationWarningsAsErrors: false,
});
const logger = new CollectingLogger();
app.logger = logger;
const project = await app.convert();
if (!project) throw new Error('typedoc could not convert the project');
app.validate(project);
const names = [...new Set(logger.undocumented)].sort();
writeFileSync(
  new URL('./typedoc-undocumented.json', import.meta.url),
  `${JSON.stringify({ intentionallyNotDocumented: names }, null, 2)}\n`,
);
console.log(`${names.length} undocumented symbols listed in typedoc-undocumented.json`);
for (const m of logger.other) console.log(`other warning: ${m}`);
