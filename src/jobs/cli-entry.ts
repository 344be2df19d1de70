/**
 * How a batch task calls this package's own CLI: the same Node executable as the submitting process plus
 * the CLI entry of this installation (built `dist/cli/calibman.js`, or `src/cli/calibman.ts` through tsx
 * when running from sources).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { JobError } from '../errors.js';

/** Options of {@link resolveCliCommand}. */
export interface CliCommandOptions {
  /** Which CLI (default `calibman`). */
  cli?: 'calibman' | 'calibrun';
  /** Package root to use (default: found from this module's location). */
  packageRoot?: string;
  /** `dist` or `src`; default: `src` when this code runs from TypeScript sources, else `dist` if built. */
  prefer?: 'dist' | 'src';
}

/**
 * argv prefix that runs the calibman CLI with the current Node, e.g.
 * `['/usr/bin/node', '/opt/calibman/dist/cli/calibman.js']` or
 * `['/usr/bin/node', '--import', 'file:///…/tsx/dist/loader.mjs', '/…/src/cli/calibman.ts']`.
 * The environment variable `CALIBMAN_CLI` (path of a CLI script) overrides the lookup.
 */
export function resolveCliCommand(options: CliCommandOptions = {}): string[] {
  const cli = options.cli ?? 'calibman';
  const override = process.env.CALIBMAN_CLI;
  if (override) return scriptCommand(path.resolve(override), undefined);
  const root = options.packageRoot ?? findPackageRoot();
  if (!root) throw new JobError('cannot find the calibman package root (set CALIBMAN_CLI to the CLI script)');
  const dist = path.join(root, 'dist', 'cli', `${cli}.js`);
  const src = path.join(root, 'src', 'cli', `${cli}.ts`);
  const prefer = options.prefer ?? (runningFromSources() ? 'src' : 'dist');
  const order = prefer === 'src' ? [src, dist] : [dist, src];
  for (const file of order) {
    if (existsSync(file)) return scriptCommand(file, root);
  }
  throw new JobError(`no calibman CLI found: neither ${dist} (run "npm run build") nor ${src}`);
}

function scriptCommand(file: string, root: string | undefined): string[] {
  if (!file.endsWith('.ts')) return [process.execPath, file];
  const from = root ? path.join(root, 'package.json') : file;
  let loader: string;
  try {
    loader = createRequire(from).resolve('tsx');
  } catch {
    throw new JobError(`running ${file} needs the dev dependency tsx (npm install), or build with "npm run build"`);
  }
  return [process.execPath, '--import', pathToFileURL(loader).href, file];
}

function thisModuleFile(): string | undefined {
  try {
    const url = import.meta.url;
    if (url) return fileURLToPath(url);
  } catch {
    // CommonJS build: import.meta is not available
  }
  return typeof __filename === 'string' ? __filename : undefined;
}

function runningFromSources(): boolean {
  return (thisModuleFile() ?? '').endsWith('.ts');
}

/** Nearest directory above this module (or the running script) whose package.json is named calibman. */
export function findPackageRoot(): string | undefined {
  for (const start of [thisModuleFile(), process.argv[1]]) {
    if (!start) continue;
    let dir = path.dirname(path.resolve(start));
    for (;;) {
      const pkg = path.join(dir, 'package.json');
      if (existsSync(pkg)) {
        try {
          if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'calibman') return dir;
        } catch {
          // unreadable package.json: keep looking upwards
        }
      }
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return undefined;
}
