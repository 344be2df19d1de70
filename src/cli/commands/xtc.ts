/** `calibman xtc …`: dump, scan, frames, generate. */
import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import type { Command } from 'commander';
import { CalibmanError, ConfigError, DetectorNotFoundError } from '../../errors.js';
import { action, parseIntOption, parsePositiveOption, parseRangeOption } from '../action.js';
import { DgramReader } from '../../xtc/dgram-reader.js';
import { levelName, transitionName, typeIdName } from '../../xtc/enums.js';
import { isCompressed, typeIdOf, typeVersionOf, type XtcNode } from '../../xtc/header.js';
import { detInfoString, sourceString } from '../../xtc/src.js';
import type { XtcScan } from '../../xtc/scan.js';
import type { XtcRunReader } from '../../xtc/run.js';
import { resolveDetectors } from '../../detectors/registry.js';
import { openXtcFile } from '../../node/xtc-file-source.js';
import { openXtcRun } from '../../node/xtc-run.js';
import { dataRoot, defaultXtcDir } from '../../calibrun/dirs.js';
import { writeSyntheticRun } from '../../node/xtc-synthetic.js';
import { expNameDbFileOf } from '../../node/exp-name-db.js';
import { writeNpyFile } from '../../node/npy-files.js';
import { ndarrayOf } from '../../io/ndarray.js';
import { allocTyped, dtypeOf, type TypedArray } from '../../io/dtype.js';
import type { SyntheticDetectorSpec } from '../../synthetic/model.js';

/** One Xtc of a dump record. */
export interface DumpXtc {
  depth: number;
  level: string;
  src: string;
  type: string;
  version: number;
  compressed: boolean;
  extent: number;
  damage: number;
}

/** One datagram of `calibman xtc dump --json`. */
export interface DumpRecord {
  index: number;
  offset: number;
  transition: string;
  sec: number;
  nsec: number;
  fiducials: number;
  ticks: number;
  vector: number;
  env: number;
  damage: number;
  xtcs: DumpXtc[];
}

/** Dump every datagram of a file (headers only), calling `emit` per record; returns the truncation note if any. */
export async function dumpXtcFile(file: string, emit: (r: DumpRecord) => void): Promise<string | undefined> {
  const src = await openXtcFile(file);
  const reader = new DgramReader(src);
  try {
    for (let index = 0; ; index++) {
      const offset = reader.position;
      const xtcs: DumpXtc[] = [];
      const h = await reader.nextHeaders((n: XtcNode) =>
        xtcs.push({
          depth: n.depth,
          level: levelName(n.log >>> 24),
          src: sourceString(n),
          type: typeIdName(typeIdOf(n.contains)),
          version: typeVersionOf(n.contains),
          compressed: isCompressed(n.contains),
          extent: n.extent,
          damage: n.damage,
        }),
      );
      if (!h) break;
      emit({
        index,
        offset,
        transition: transitionName(h.transition),
        sec: h.sec,
        nsec: h.nsec,
        fiducials: h.fiducials,
        ticks: h.ticks,
        vector: h.vector,
        env: h.env,
        damage: h.damage,
        xtcs,
      });
    }
    const t = reader.truncation;
    return t ? `${t.file}: truncated last datagram at byte offset ${t.offset} (expected ${t.expected} bytes, found ${t.found})` : undefined;
  } finally {
    await src.close();
  }
}

function formatDump(r: DumpRecord): string {
  const head = `#${r.index} @${r.offset} ${r.transition} ${r.sec}.${String(r.nsec).padStart(9, '0')} fid=${r.fiducials} ticks=${r.ticks} vec=${r.vector} env=0x${r.env.toString(16)} dmg=0x${r.damage.toString(16)}`;
  const lines = r.xtcs.map(
    (x) => `${'  '.repeat(x.depth + 1)}${x.level} ${x.src} ${x.type}_v${x.version}${x.compressed ? ' (compressed)' : ''} extent=${x.extent}${x.damage ? ` damage=0x${x.damage.toString(16)}` : ''}`,
  );
  return [head, ...lines].join('\n');
}

/** Human-readable form of a scan ("Sources XTC"). */
function formatScan(s: XtcScan): string {
  const out: string[] = [];
  out.push(`files: ${s.files.join(', ')}`);
  out.push(`streams: ${s.streams.join(', ')}; datagrams: ${s.datagrams}; bytes: ${s.bytes}`);
  out.push(`events (L1Accept): ${s.events}; calib cycles: ${s.calibCycles}; damaged events: ${s.damagedEvents}`);
  if (s.firstEvent && s.lastEvent) out.push(`first event: ${s.firstEvent.sec}.${String(s.firstEvent.nsec).padStart(9, '0')}  last event: ${s.lastEvent.sec}.${String(s.lastEvent.nsec).padStart(9, '0')}`);
  out.push(`transitions: ${Object.entries(s.transitions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.push('sources:');
  const w = Math.max(6, ...s.sources.map((x) => x.source.length));
  for (const x of s.sources) {
    const type = `${x.type}_v${x.version}${x.compressed ? ' (compressed)' : ''}`;
    out.push(`  ${x.source.padEnd(w)}  ${type.padEnd(26)} ${String(x.count).padStart(7)} x${x.events ? `  ${x.events} events` : ''}${x.damaged ? `  damaged ${x.damaged} (bits 0x${x.damageBits.toString(16)})` : ''}${x.detectorType ? `  [${x.detectorType}]` : ''}`);
  }
  if (s.unknownTypes.length) out.push(`unknown TypeIds (skipped): ${s.unknownTypes.map((u) => `${u.typeId}_v${u.version} ×${u.count}`).join(', ')}`);
  for (const t of s.truncated) out.push(`truncated: ${t.file} at byte offset ${t.offset} (expected ${t.expected} bytes, found ${t.found})`);
  return out.join('\n');
}

/** Parse `FIRST:LAST` (0-based, LAST exclusive, either may be empty). */
export function parseEventRange(text: string): [number, number] {
  const m = /^\s*(\d*)\s*:\s*(\d*)\s*$/.exec(text);
  if (!m) throw new ConfigError('--events', `expected FIRST:LAST (e.g. 0:100), found "${text}"`);
  const first = m[1] === '' ? 0 : Number(m[1]);
  const last = m[2] === '' ? Infinity : Number(m[2]);
  if (last < first) throw new ConfigError('--events', `LAST (${last}) is before FIRST (${first})`);
  return [first, last];
}

/** Raw frames of one detector, stacked (events, …raw shape) in the raw dtype. */
export async function extractFrames(
  files: string[],
  detector: string,
  range: [number, number] = [0, Infinity],
): Promise<{ source: string; data: TypedArray; shape: number[]; skipped: number }> {
  const run = (await openXtcRun({ files })) as XtcRunReader;
  const parts: TypedArray[] = [];
  let source: string | undefined;
  let frameShape: number[] | undefined;
  let skipped = 0;
  try {
    for await (const ev of run.events()) {
      if (source === undefined) {
        const configured = [...new Set([...ev.sources, ...run.configs.sources().map(detInfoString)])];
        const found = resolveDetectors([detector], configured, run.configs.aliases);
        if (found.length > 1) {
          throw new DetectorNotFoundError(detector, found.map((f) => f.source), '(matches several sources; give one source string)');
        }
        source = found[0].source;
      }
      if (ev.index < range[0]) continue;
      if (ev.index >= range[1]) break;
      const f = ev.damage(source) ? undefined : ev.frame(source);
      if (!f) {
        skipped++;
        continue;
      }
      frameShape ??= [...f.shape];
      if (f.shape.join() !== frameShape.join()) throw new CalibmanError(`frame shape changed in event ${ev.index}: ${f.shape} vs ${frameShape}`);
      parts.push((f.data as TypedArray).slice(f.offset, f.offset + f.size) as TypedArray);
    }
  } finally {
    await run.close();
  }
  if (source === undefined) throw new DetectorNotFoundError(detector, [], 'in this run (no events)');
  if (!frameShape) throw new CalibmanError(`no frames of ${source} in the selected events`);
  const per = parts[0].length;
  const data = allocTyped(dtypeOf(parts[0]), per * parts.length);
  parts.forEach((p, i) => (data as unknown as { set(a: ArrayLike<number>, o: number): void }).set(p as unknown as ArrayLike<number>, i * per));
  return { source, data, shape: [parts.length, ...frameShape], skipped };
}

const DEFAULT_GENERATE = ['CSPAD', 'CSPAD2x2', 'PNCCD', 'OPAL1000'];

/** Register the `calibman xtc …` commands. */
export function register(program: Command): void {
  const xtc = program.command('xtc').description('Read, summarize and generate LCLS-I XTC files');

  xtc
    .command('dump')
    .description('Print one record per datagram: header fields and every Xtc of its tree (payloads are skipped)')
    .argument('<file>', 'XTC file')
    .option('--json', 'JSON Lines: one object per datagram')
    .action(
      action(async (file: string, opts: { json?: boolean }) => {
        const note = await dumpXtcFile(file, (r) => process.stdout.write((opts.json ? JSON.stringify(r) : formatDump(r)) + '\n'));
        if (note) process.stderr.write(`warning: ${note}\n`);
      }),
    );

  xtc
    .command('scan')
    .description('Summarize a run from its headers: sources with type/version and counts, events, calib cycles, damage')
    .argument('[files...]', 'XTC files (streams and chunks are grouped by name)')
    .option('--exp <exp>', 'experiment name (with --run)')
    .option('--run <n>', 'run number', parseIntOption('--run'))
    .option('--xtc-dir <dir>', 'xtc directory (default <root>/<INS>/<exp>/xtc, as calibrun)')
    .option('--root <dir>', 'data root (default $SIT_PSDM_DATA or /reg/d/psdm; instrument lower case under /sdf/data/lcls/ds)')
    .option('--exp-name-db <file>', "psana's experiment-db.dat (or a $SIT_DATA directory) mapping --exp to the number in e<num>-r<run>-… file names (default: found through $SIT_DATA)")
    .option('--json', 'print the scan as JSON')
    .action(
      action(async (files: string[], opts: { exp?: string; run?: number; xtcDir?: string; root?: string; expNameDb?: string; json?: boolean }) => {
        let run;
        if (files.length) run = await openXtcRun({ files });
        else if (opts.run !== undefined && (opts.exp || opts.xtcDir)) {
          const xtcDir = opts.xtcDir ?? defaultXtcDir(dataRoot(opts.root, process.env), opts.exp!);
          const expNameDb = opts.expNameDb !== undefined ? await expNameDbFileOf(opts.expNameDb, '--exp-name-db') : undefined;
          run = await openXtcRun({ xtcDir, experiment: opts.exp, run: opts.run, expNameDb });
        } else throw new ConfigError('arguments', 'give XTC files, or --exp EXP --run N [--xtc-dir DIR]');
        try {
          const scan = await run.scan({
            onProgress: (b, t) => {
              if (t > 1e9 && b < t) process.stderr.write(`scanned ${(b / 1e9).toFixed(1)} of ${(t / 1e9).toFixed(1)} GB\n`);
            },
          });
          process.stdout.write((opts.json ? JSON.stringify(scan, null, 2) : formatScan(scan)) + '\n');
          for (const t of scan.truncated) process.stderr.write(`warning: ${t.file}: truncated last datagram at byte offset ${t.offset}\n`);
        } finally {
          await run.close();
        }
      }),
    );

  xtc
    .command('frames')
    .description('Write the raw frames of one detector, stacked in event order (events, …raw shape), raw dtype, to .npy')
    .argument('<files...>', 'XTC files of the run')
    .requiredOption('--source <det>', 'psana source string (CxiDs1.0:Cspad.0), alias or registry name (CSPAD)')
    .option('--events <first:last>', 'event range, 0-based, LAST exclusive (e.g. 0:100)')
    .requiredOption('--npy <out>', 'output .npy file')
    .action(
      action(async (files: string[], opts: { source: string; events?: string; npy: string }) => {
        const range = opts.events ? parseEventRange(opts.events) : ([0, Infinity] as [number, number]);
        const r = await extractFrames(files, opts.source, range);
        await writeNpyFile(opts.npy, ndarrayOf(r.data, r.shape));
        process.stderr.write(`${r.source}: wrote ${r.shape[0]} frames of shape (${r.shape.slice(1).join(',')}) ${dtypeOf(r.data)} to ${opts.npy}${r.skipped ? ` (${r.skipped} events without an undamaged frame skipped)` : ''}\n`);
      }),
    );

  xtc
    .command('generate')
    .description('Write a synthetic run with a known pixel model (pedestals, noise, hot/dead/saturated pixels, EVR codes)')
    .requiredOption('--out-dir <dir>', 'directory for the .xtc files')
    .option('--exp <name>', 'experiment part of the file names', 'e1')
    .option('--run <n>', 'run number', parseIntOption('--run'), 1)
    .option('--events <n>', 'number of events', parseIntOption('--events'), 100)
    .option('--detectors <list>', 'comma-separated registry names', DEFAULT_GENERATE.join(','))
    .option('--streams <n>', 'number of DAQ streams', parseIntOption('--streams'), 1)
    .option('--chunk-mb <mb>', 'chunk size limit in MB', parsePositiveOption('--chunk-mb'))
    .option('--calib-cycles <n>', 'number of calib cycles', parseIntOption('--calib-cycles'), 1)
    .option('--dark-fraction <f>', 'fraction of dark (code 162) events', parseRangeOption('--dark-fraction', 0, 1), 1)
    .option('--hot <f>', 'fraction of hot pixels', parseRangeOption('--hot', 0, 1), 0.001)
    .option('--dead <f>', 'fraction of dead pixels', parseRangeOption('--dead', 0, 1), 0.001)
    .option('--saturated <f>', 'fraction of saturated pixels', parseRangeOption('--saturated', 0, 1), 0.0005)
    .option('--seed <n>', 'PRNG seed', parseIntOption('--seed'), 1)
    .option('--truth <dir>', 'also write the ground truth (.npy maps per detector and events.json)')
    .action(
      action(async (o: { outDir: string; exp: string; run: number; events: number; detectors: string; streams: number; chunkMb?: number; calibCycles: number; darkFraction: number; hot: number; dead: number; saturated: number; seed: number; truth?: string }) => {
        const detectors: SyntheticDetectorSpec[] = o.detectors
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((type) => ({ type, alias: type.toLowerCase(), hotFraction: o.hot, deadFraction: o.dead, saturatedFraction: o.saturated }));
        const res = await writeSyntheticRun(
          o.outDir,
          { experiment: o.exp, run: o.run, events: o.events, streams: o.streams, calibCycles: o.calibCycles, darkFraction: o.darkFraction, seed: o.seed, detectors },
          { chunkBytes: o.chunkMb ? o.chunkMb * 1e6 : undefined },
        );
        if (o.truth) {
          await fsp.mkdir(o.truth, { recursive: true });
          for (const d of res.truth.detectors) {
            await writeNpyFile(path.join(o.truth, `${d.source}-pedestals.npy`), ndarrayOf(d.pedestals, d.shape));
            await writeNpyFile(path.join(o.truth, `${d.source}-noise.npy`), ndarrayOf(d.noise, d.shape));
            await writeNpyFile(path.join(o.truth, `${d.source}-kind.npy`), ndarrayOf(d.kind, d.shape));
            if (d.epix10ka) {
              // per gain range (FH, FM, FL, AHL-H, AML-M, AHL-L, AML-L) stacked on a leading axis, as psana's constants
              const stack = (maps: Float32Array[]): Float32Array => {
                const out = new Float32Array(maps.length * d.pedestals.length);
                maps.forEach((m, g) => out.set(m, g * d.pedestals.length));
                return out;
              };
              await writeNpyFile(path.join(o.truth, `${d.source}-pedestals-ranges.npy`), ndarrayOf(stack(d.epix10ka.pedestals), [7, ...d.shape]));
              await writeNpyFile(path.join(o.truth, `${d.source}-noise-ranges.npy`), ndarrayOf(stack(d.epix10ka.noise), [7, ...d.shape]));
              await writeNpyFile(path.join(o.truth, `${d.source}-switched.npy`), ndarrayOf(d.epix10ka.switched, d.shape));
            }
          }
          await fsp.writeFile(path.join(o.truth, 'events.json'), JSON.stringify(res.truth.events));
        }
        process.stdout.write(res.files.join('\n') + '\n');
        process.stderr.write(`wrote ${res.truth.events.length} events, ${(res.bytes / 1e6).toFixed(1)} MB\n`);
      }),
    );
}
