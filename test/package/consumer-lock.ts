/**
 * A lockfile for an empty consumer project that depends on the packed calibman tarball: the entries of
 * calibman's runtime dependency tree are taken from this repository's package-lock.json, so `npm ci
 * --offline` can install it from the npm cache that installing this repository filled (no registry lookup).
 */

interface LockEntry {
  version?: string;
  name?: string;
  resolved?: string;
  integrity?: string;
  license?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  bin?: Record<string, string> | string;
  engines?: Record<string, string>;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [key: string]: unknown;
}

/** The parts of a package-lock.json (lockfile version 2 or 3) used here. */
export interface PackageLock {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

/** The lock path where `name`, required by the package at `from` ('' = root), is installed (node's lookup). */
function locate(lock: PackageLock, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const at = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (lock.packages[at]) return at;
    if (!dir) return undefined;
    const i = dir.lastIndexOf('/node_modules/');
    dir = i < 0 ? '' : dir.slice(0, i);
  }
}

/**
 * Lock entries (by path) of the packages `roots` need, transitively, as installed in `lock`'s tree.
 * @throws Error when a required (non-optional) package is missing from `lock`.
 */
export function dependencyClosure(lock: PackageLock, roots: Record<string, string>): Record<string, LockEntry> {
  const out: Record<string, LockEntry> = {};
  const queue: [string, string, boolean][] = Object.keys(roots).map((n) => ['', n, false]);
  while (queue.length > 0) {
    const [from, name, optional] = queue.shift()!;
    const at = locate(lock, from, name);
    if (!at) {
      if (optional) continue;
      throw new Error(`${name} (needed by ${from || 'the package'}) is not in the repository's package-lock.json`);
    }
    if (out[at]) continue;
    const { dev: _d, devOptional: _o, peer: _p, ...entry } = lock.packages[at];
    out[at] = entry;
    for (const dep of Object.keys(entry.dependencies ?? {})) queue.push([at, dep, false]);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) queue.push([at, dep, true]);
  }
  return out;
}

/** The package.json and package-lock.json of a consumer depending on `tarball` (a file name next to them) and `extra`. */
export function consumerProject(
  lock: PackageLock,
  pkg: { name: string; version: string; license?: string; dependencies: Record<string, string>; bin?: Record<string, string>; engines?: Record<string, string> },
  tarball: { file: string; integrity: string },
  extra: Record<string, string>,
): { packageJson: object; packageLock: object } {
  const dependencies = { [pkg.name]: `file:${tarball.file}`, ...extra };
  const closure = dependencyClosure(lock, { ...pkg.dependencies, ...extra });
  const packageLock = {
    name: 'consumer',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'consumer', version: '1.0.0', dependencies },
      [`node_modules/${pkg.name}`]: {
        version: pkg.version,
        resolved: `file:${tarball.file}`,
        integrity: tarball.integrity,
        ...(pkg.license ? { license: pkg.license } : {}),
        dependencies: pkg.dependencies,
        ...(pkg.bin ? { bin: pkg.bin } : {}),
        ...(pkg.engines ? { engines: pkg.engines } : {}),
      },
      ...closure,
    },
  };
  return { packageJson: { name: 'consumer', version: '1.0.0', private: true, dependencies }, packageLock };
}
