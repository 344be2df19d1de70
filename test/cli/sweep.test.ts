/**
 * No internal error reaches a user: every calibman sub-command and calibrun run with bad arguments and bad
 * files (empty, random bytes, truncated real file, missing, a directory instead of a file, wrong option
 * value types) ends with a typed message (`error: …` / `calibrun: …`) and exit status 1 — never
 * `internal error`, a stack trace, exit 2, an escaped exception or a hang (time limit per case).
 * The cases run in two harness processes (test/cli/sweep-harness.ts); each case is one test below.
 * Cases marked `owner` exercise a parser another part of the code base owns (parsers, geometry-limits,
 * store, crystfel); they are asserted like the others.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { syntheticRunFiles } from '../../src/synthetic/index.js';
import type { SweepCase, SweepResult } from './sweep-harness.js';

const ROOT = path.resolve(__dirname, '../..');
const D = mkdtempSync(path.join(tmpdir(), 'cli-sweep-'));
const p = (...parts: string[]) => path.join(D, ...parts);
const OUT = p('out');
const GEO = path.join(ROOT, 'test/fixtures/geometry/geometry-def-cspad2x2.data');
const SURVEY = path.join(ROOT, 'test/fixtures/metrology/inputs/pypad_xpp_metrology_2013-10-09.txt');
const CSPAD2X2_PIXELS = 2 * 185 * 388;

/** A float32 C-order .npy of `n` values (numpy format 1.0), written by hand so no reader under test writes it. */
function npyBytes(shape: number[], fill: (i: number) => number): Buffer {
  const n = shape.reduce((a, b) => a * b, 1);
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const data = Buffer.alloc(4 * n);
  for (let i = 0; i < n; i++) data.writeFloatLE(fill(i), 4 * i);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), data]);
}

function random(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

const half = (b: Buffer | string) => (typeof b === 'string' ? Buffer.from(b) : b).subarray(0, Math.floor((typeof b === 'string' ? Buffer.byteLength(b) : b.length) / 2));

// ---- inputs -----------------------------------------------------------------------------------------
const KINDS = ['empty', 'random', 'truncated', 'missing', 'directory'] as const;
type Kind = (typeof KINDS)[number];

const goodXtcDir = p('xtc');
const runFiles = syntheticRunFiles({ events: 6, streams: 1, detectors: [{ type: 'CSPAD2x2', alias: 'cs2x2' }, { type: 'OPAL1000', width: 16, height: 8 }] });
const GOOD_XTC = path.join(goodXtcDir, runFiles.files[0].name);
const GOOD_NPY = p('good.npy');
const SMALL_NPY = p('small.npy');
const GOOD_FORMS = p('forms.json');
const GOOD_TEXT = p('good.txt');
const HUGE_NPY = p('huge-shape.npy');
const ZERO_FRAMES_NPY = p('zero-frames.npy');
const CYCLE_GEO = p('cycle.data');
const HUGE_GEO = p('huge-coordinates.data');
const WRONG_FORMS = p('wrong-forms.json');
const xlsxBytes = (): Buffer => {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['Quad 0'], [1, 0, 0, 0], [2, 100, 0, 0]]), 'Q0');
  return Buffer.from(XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Uint8Array);
};
const REAL: Record<string, () => Buffer | string> = {
  xtc: () => Buffer.from(runFiles.files[0].bytes),
  npy: () => npyBytes([CSPAD2X2_PIXELS], (i) => i % 7),
  data: () => readFileSync(GEO, 'utf8'),
  geom: () => readFileSync(path.join(ROOT, 'test/fixtures/geometry/golden/cspad-cxi-ds1-quads.crystfel-cframe1.geom'), 'utf8'),
  json: () => readFileSync(GOOD_FORMS, 'utf8'),
  txt: () => readFileSync(SURVEY, 'utf8'),
  xlsx: xlsxBytes,
};

/** The bad input file of a kind, with an extension that selects the reader. */
function bad(kind: Kind, ext: string): string {
  return p(`bad-${kind}.${ext}`);
}

function writeInputs(): void {
  mkdirSync(OUT, { recursive: true });
  mkdirSync(goodXtcDir, { recursive: true });
  writeFileSync(GOOD_XTC, runFiles.files[0].bytes);
  writeFileSync(GOOD_NPY, npyBytes([CSPAD2X2_PIXELS], (i) => 100 + (i % 13)));
  writeFileSync(SMALL_NPY, npyBytes([10], (i) => i));
  writeFileSync(GOOD_FORMS, JSON.stringify({ format: 'calibman-roi-forms', version: 1, forms: [{ shape: 'rectangle', x: 10, y: 10, width: 50, height: 40 }] }));
  writeFileSync(GOOD_TEXT, '1 2 3\n4 5 6\n');
  for (const ext of Object.keys(REAL)) {
    writeFileSync(bad('empty', ext), '');
    writeFileSync(bad('random', ext), random(4096, ext.length * 7919));
    writeFileSync(bad('truncated', ext), half(REAL[ext]()));
    mkdirSync(bad('directory', ext), { recursive: true });
  }
  // job records of each bad kind in a work directory (jobs/<id>.json)
  mkdirSync(p('work', 'jobs'), { recursive: true });
  writeFileSync(p('work', 'jobs', 'empty.json'), '');
  writeFileSync(p('work', 'jobs', 'random.json'), random(512, 3));
  writeFileSync(p('work', 'jobs', 'truncated.json'), '{"id":"truncated","phase":"running","pieces":[{"index":0,');
  mkdirSync(p('work', 'jobs', 'directory.json'), { recursive: true });
  writeFileSync(p('work', 'jobs', 'wrongtypes.json'), JSON.stringify({ id: 'wrongtypes', phase: 7, pieces: 'none', merge: null }));
  mkdirSync(p('calib'), { recursive: true });
  // well-formed but absurd contents
  const hugeHeader = npyBytes([1], () => 0).toString('latin1').replace("'shape': (1,)", "'shape': (100000, 100000, 100)");
  writeFileSync(HUGE_NPY, Buffer.from(hugeHeader, 'latin1'));
  writeFileSync(ZERO_FRAMES_NPY, npyBytes([0, 10], () => 0));
  writeFileSync(CYCLE_GEO, 'A:V1 0 B:V1 0 0 0 0 0 0 0 0 0 0\nB:V1 0 A:V1 0 0 0 0 0 0 0 0 0 0\n');
  writeFileSync(HUGE_GEO, 'IP 0 CSPAD2X2:V1 0 1e300 0 1000000 0 0 0 0 0 0\n' + readFileSync(GEO, 'utf8').split('\n').filter((l) => /^CSPAD2X2:V1/.test(l)).join('\n') + '\n');
  writeFileSync(WRONG_FORMS, JSON.stringify({ format: 'calibman-roi-forms', version: 1, forms: [{ shape: 'polygon', points: 'many' }] }));
}

// ---- cases ------------------------------------------------------------------------------------------
const cases: SweepCase[] = [];
const cm = (id: string, args: string[], owner?: string, outcome?: SweepCase['outcome']) =>
  cases.push({ id, cli: 'calibman', args, ...(owner ? { owner } : {}), ...(outcome ? { outcome } : {}) });
/** Readers that keep what precedes a truncated datagram (or an empty file: no datagrams) by design. */
const tolerantXtc = (k: Kind) => (k === 'truncated' || k === 'empty' ? 'may-succeed' : undefined);
const cr = (id: string, args: string[], owner?: string) => cases.push({ id, cli: 'calibrun', args, ...(owner ? { owner } : {}) });

for (const k of KINDS) {
  // xtc payloads/datagrams: parsers
  cm(`xtc dump ${k}`, ['xtc', 'dump', bad(k, 'xtc')], 'parsers', tolerantXtc(k));
  cm(`xtc scan ${k}`, ['xtc', 'scan', bad(k, 'xtc')], 'parsers', tolerantXtc(k));
  cm(`xtc frames ${k}`, ['xtc', 'frames', bad(k, 'xtc'), '--source', 'CSPAD2x2', '--npy', p('out', `frames-${k}.npy`)], 'parsers', k === 'truncated' ? 'may-succeed' : undefined);
  cm(`dark stack ${k}`, ['dark', 'stack', bad(k, 'npy'), '--out-prefix', p('out', `dark-${k}`)], 'parsers');
  // calib store reading and validation: store
  cm(`calib deploy ${k}`, ['calib', 'deploy', bad(k, 'data'), '--calib-dir', p('calib'), '--source', 'CxiDs1.0:Cspad.0', '--type', 'pedestals', '--run-range', '0-end'], 'store');
  cm(`calib diff ${k}`, ['calib', 'diff', bad(k, 'data'), '--calib-dir', p('calib'), '--source', 'CxiDs1.0:Cspad.0', '--type', 'pedestals', '--run', '1'], 'store');
  cm(`calib copy ${k}`, ['calib', 'copy', bad(k, 'data'), '--run-range', '5-end'], 'store');
  // geometry files: geometry-limits
  cm(`geometry info ${k}`, ['geometry', 'info', bad(k, 'data')], 'geometry-limits');
  cm(`geometry coords ${k}`, ['geometry', 'coords', bad(k, 'data'), '--npy-prefix', p('out', `coords-${k}`)], 'geometry-limits');
  cm(`geometry compare ${k}`, ['geometry', 'compare', bad(k, 'data'), GEO], 'geometry-limits');
  cm(`geometry to-crystfel ${k}`, ['geometry', 'to-crystfel', bad(k, 'data'), '-o', p('out', `x-${k}.geom`)], 'geometry-limits');
  cm(`geometry from-crystfel ${k}`, ['geometry', 'from-crystfel', bad(k, 'geom'), '-o', p('out', `y-${k}.data`)], 'crystfel');
  cm(`geometry image data .npy ${k}`, ['geometry', 'image', GEO, bad(k, 'npy'), '--npy', p('out', `img-${k}.npy`)], 'parsers');
  cm(`geometry image data text ${k}`, ['geometry', 'image', GEO, bad(k, 'txt'), '--npy', p('out', `imgt-${k}.npy`)], 'parsers');
  cm(`mask roi forms ${k}`, ['mask', 'roi', '-g', GEO, '-f', bad(k, 'json'), '-o', p('out', `roi-${k}.npy`)], 'geometry-limits');
  cm(`mask roi geometry ${k}`, ['mask', 'roi', '-g', bad(k, 'data'), '-f', GOOD_FORMS, '-o', p('out', `roig-${k}.npy`)], 'geometry-limits');
  cm(`mask status ${k}`, ['mask', 'status', bad(k, 'npy'), '-o', p('out', `ms-${k}.npy`)], 'parsers');
  cm(`plot .npy ${k}`, ['plot', bad(k, 'npy'), '--png', p('out', `p-${k}.png`)], 'parsers');
  cm(`plot text ${k}`, ['plot', bad(k, 'txt'), '--png', p('out', `pt-${k}.png`)], 'parsers');
  cm(`plot --geometry ${k}`, ['plot', GOOD_NPY, '-g', bad(k, 'data'), '--png', p('out', `pg-${k}.png`)], 'geometry-limits');
  cm(`metrology convert .xlsx ${k}`, ['metrology', 'convert', bad(k, 'xlsx'), '--variant', 'cspad-v2', '--out-dir', p('out', `met-${k}`)], 'parsers');
  cm(`metrology check text ${k}`, ['metrology', 'check', bad(k, 'txt')], 'parsers');
  cm(`metrology to-text .xlsx ${k}`, ['metrology', 'to-text', bad(k, 'xlsx'), '-o', p('out', `mt-${k}.txt`)], 'parsers');
  cm(`align geometry ${k}`, ['align', '-g', bad(k, 'data'), '--image', GOOD_NPY, '--center-only'], 'geometry-limits');
  cm(`align image ${k}`, ['align', '-g', GEO, '--image', bad(k, 'npy'), '--center-only'], 'parsers');
  cm(`jobs show record ${k}`, ['jobs', 'show', k, '--work-dir', p('work'), '--no-refresh'], 'geometry-limits');
  // calibrated frames: the run's xtc, the calib store's constants and the output .npy
  cm(`det calib xtc ${k}`, ['det', 'calib', '--xtc', bad(k, 'xtc'), '--source', 'CSPAD2x2', '--calib-dir', p('calib'), '--run', '1', '--npy', p('out', `det-${k}.npy`)], 'det', tolerantXtc(k));
  cm(`det image xtc ${k}`, ['det', 'image', '--xtc', bad(k, 'xtc'), '--source', 'CSPAD2x2', '--calib-dir', p('calib'), '--run', '1', '--npy', p('out', `deti-${k}.npy`)], 'det', tolerantXtc(k));
  cr(`calibrun -x ${k}`, ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD2x2', '-x', bad(k, 'xtc'), '-w', p('cw'), '-c', p('cc'), '-P'], 'parsers');
}
cm('jobs show record of wrong types', ['jobs', 'show', 'wrongtypes', '--work-dir', p('work'), '--no-refresh'], 'geometry-limits');

// well-formed files with absurd contents
cm('dark stack header claiming a huge shape', ['dark', 'stack', HUGE_NPY, '--out-prefix', p('out', 'dh')], 'parsers');
cm('plot header claiming a huge shape', ['plot', HUGE_NPY, '--png', p('out', 'ph.png')], 'parsers');
cm('dark stack without frames', ['dark', 'stack', ZERO_FRAMES_NPY, '--out-prefix', p('out', 'dz')]);
cm('geometry info parent cycle', ['geometry', 'info', CYCLE_GEO], 'geometry-limits');
cm('geometry image huge coordinates', ['geometry', 'image', HUGE_GEO, GOOD_NPY, '--npy', p('out', 'hc.npy')], 'geometry-limits');
cm('geometry image tiny bins', ['geometry', 'image', GEO, GOOD_NPY, '--npy', p('out', 'tb.npy'), '--pix-scale', '0.001'], 'geometry-limits');
cm('mask roi forms of wrong types', ['mask', 'roi', '-g', GEO, '-f', WRONG_FORMS, '-o', p('out', 'wf.npy')], 'geometry-limits');
cm('xtc frames reversed event range', ['xtc', 'frames', GOOD_XTC, '--source', 'CSPAD2x2', '--events', '5:2', '--npy', p('out', 'f.npy')]);

// wrong option values, missing pieces, unusable paths
cm('unknown command', ['bogus']);
cm('group without command', ['xtc'], undefined, 'usage');
cm('unknown option', ['xtc', 'frames', GOOD_XTC, '--detector', 'CSPAD2x2', '--npy', p('out', 'f.npy')]);
cm('xtc scan without input', ['xtc', 'scan']);
cm('xtc scan --run not a number', ['xtc', 'scan', '--exp', 'cxi12345', '--run', 'abc']);
cm('xtc scan missing xtc dir', ['xtc', 'scan', '--exp', 'cxi12345', '--run', '1', '--xtc-dir', p('nowhere')]);
cm('xtc frames --events not a range', ['xtc', 'frames', GOOD_XTC, '--source', 'CSPAD2x2', '--events', 'abc', '--npy', p('out', 'f.npy')]);
cm('xtc frames unknown source', ['xtc', 'frames', GOOD_XTC, '--source', 'NOPE', '--npy', p('out', 'f.npy')]);
cm('xtc frames output into a missing parent that is a file', ['xtc', 'frames', GOOD_XTC, '--source', 'CSPAD2x2', '--npy', path.join(GOOD_NPY, 'x.npy')]);
cm('xtc generate negative events', ['xtc', 'generate', '--out-dir', p('out', 'g1'), '--events', '-5']);
cm('xtc generate unknown detector', ['xtc', 'generate', '--out-dir', p('out', 'g2'), '--events', '2', '--detectors', 'NOPE']);
cm('xtc generate zero streams', ['xtc', 'generate', '--out-dir', p('out', 'g3'), '--events', '2', '--streams', '0']);
cm('xtc generate dark fraction 2', ['xtc', 'generate', '--out-dir', p('out', 'g4'), '--events', '2', '--dark-fraction', '2']);
cm('xtc generate out dir is a file', ['xtc', 'generate', '--out-dir', GOOD_NPY, '--events', '2', '--detectors', 'OPAL1000']);
cm('xtc generate negative chunk size', ['xtc', 'generate', '--out-dir', p('out', 'g5'), '--events', '2', '--chunk-mb', '-1']);
cm('dark stack --nrecs not a number', ['dark', 'stack', GOOD_NPY, '--out-prefix', p('out', 'ds'), '--nrecs', 'abc']);
cm('dark stack unknown algorithm', ['dark', 'stack', GOOD_NPY, '--out-prefix', p('out', 'ds'), '--algorithm', 'foo']);
cm('dark stack 1-D array', ['dark', 'stack', SMALL_NPY, '--out-prefix', p('out', 'ds')], 'parsers');
cm('dark stack --nrecs1 0', ['dark', 'stack', GOOD_NPY, '--out-prefix', p('out', 'ds'), '--nrecs1', '0']);
cm('calib find missing calib dir', ['calib', 'find', '--calib-dir', p('nowhere'), '--source', 'CSPAD', '--type', 'pedestals', '--run', '1']);
cm('calib find calib dir is a file', ['calib', 'find', '--calib-dir', GOOD_NPY, '--source', 'CxiDs1.0:Cspad.0', '--type', 'pedestals', '--run', '1'], 'store');
cm('calib find --run not a number', ['calib', 'find', '--calib-dir', p('calib'), '--source', 'CxiDs1.0:Cspad.0', '--type', 'pedestals', '--run', 'abc']);
cm('calib find unknown registry name', ['calib', 'find', '--calib-dir', p('calib'), '--source', 'NOPE', '--type', 'pedestals', '--run', '1']);
cm('calib find type with a path', ['calib', 'find', '--calib-dir', p('calib'), '--source', 'CxiDs1.0:Cspad.0', '--type', '../../x', '--run', '1'], 'store');
cm('calib status missing calib dir', ['calib', 'status', '--calib-dir', p('nowhere')]);
cm('calib deploy bad run range', ['calib', 'deploy', GOOD_TEXT, '--calib-dir', p('calib'), '--source', 'CxiDs1.0:Cspad.0', '--type', 'pedestals', '--run-range', 'bad'], 'store');
cm('calib deploy bad dir mode', ['calib', 'deploy', GOOD_TEXT, '--calib-dir', p('calib'), '--source', 'CxiDs1.0:Cspad.0', '--type', 'pedestals', '--run-range', '0-end', '--dir-mode', '99999']);
cm('calib deploy bad shape', ['calib', 'deploy', GOOD_TEXT, '--calib-dir', p('calib'), '--source', 'CxiDs1.0:Cspad.0', '--type', 'pedestals', '--run-range', '0-end', '--shape', 'abc']);
cm('calib deploy bad dtype', ['calib', 'deploy', GOOD_TEXT, '--calib-dir', p('calib'), '--source', 'CxiDs1.0:Cspad.0', '--type', 'pedestals', '--run-range', '0-end', '--dtype', 'complex']);
cm('calib delete without target', ['calib', 'delete']);
cm('calib delete outside a store', ['calib', 'delete', GOOD_TEXT]);
cm('calib move a missing calib file', ['calib', 'move', p('calib', 'CsPad::CalibV1', 'CxiDs1.0:Cspad.0', 'pedestals', '9-end.data'), '--run-range', '3-end'], 'store');
cm('geometry coords --cframe 2', ['geometry', 'coords', GEO, '--npy-prefix', p('out', 'c'), '--cframe', '2']);
cm('geometry mask --bits not a number', ['geometry', 'mask', GEO, '--bits', 'abc', '--npy', p('out', 'gm.npy')]);
cm('geometry move unknown object', ['geometry', 'move', GEO, 'NOPE:0', '-o', p('out', 'gmv.data')], 'geometry-limits');
cm('geometry move --dx not a number', ['geometry', 'move', GEO, 'CSPAD2X2:V1:0', '-o', p('out', 'gmv.data'), '--dx', 'abc']);
cm('geometry indexes --xy0-off one number', ['geometry', 'indexes', GEO, '--npy-prefix', p('out', 'gi'), '--xy0-off', '1']);
cm('geometry indexes --pix-scale 0', ['geometry', 'indexes', GEO, '--npy-prefix', p('out', 'gi'), '--pix-scale', '0'], 'geometry-limits');
cm('geometry indexes --pix-scale negative', ['geometry', 'indexes', GEO, '--npy-prefix', p('out', 'gi'), '--pix-scale', '-5'], 'geometry-limits');
cm('geometry image pixel count differs', ['geometry', 'image', GEO, SMALL_NPY, '--npy', p('out', 'gimg.npy')]);
cm('geometry image without output', ['geometry', 'image', GEO, GOOD_NPY]);
cm('mask roi negative bits', ['mask', 'roi', '-g', GEO, '-f', GOOD_FORMS, '-o', p('out', 'r.npy'), '-b', '-1']);
cm('mask status --bits not a number', ['mask', 'status', GOOD_NPY, '--bits', 'x', '-o', p('out', 's.npy')]);
cm('mask status --and random file', ['mask', 'status', GOOD_NPY, '--and', bad('random', 'npy'), '-o', p('out', 's.npy')], 'parsers');
cm('plot reversed range', ['plot', GOOD_NPY, '--png', p('out', 'p.png'), '--range', '5,1']);
cm('plot unknown colormap', ['plot', GOOD_NPY, '--png', p('out', 'p.png'), '--colormap', 'nope']);
cm('plot --scale 0', ['plot', GOOD_NPY, '--png', p('out', 'p.png'), '--scale', '0'], 'plots');
cm('plot --scale negative', ['plot', GOOD_NPY, '--png', p('out', 'p.png'), '--scale', '-1'], 'plots');
cm('plot --bins 0', ['plot', GOOD_NPY, '--png', p('out', 'p.png'), '--hist', '--bins', '0'], 'plots');
cm('plot output is a directory', ['plot', GOOD_NPY, '--png', bad('directory', 'npy')]);
cm('metrology unknown variant', ['metrology', 'convert', SURVEY, '--variant', 'nope', '--out-dir', p('out', 'm')]);
cm('metrology convert without variant', ['metrology', 'convert', SURVEY, '--out-dir', p('out', 'm')]);
cm('metrology --n90 not a number', ['metrology', 'check', SURVEY, '--n90', 'abc']);
cm('metrology --tol-xy not a number', ['metrology', 'check', SURVEY, '--tol-xy', 'abc']);
cm('align without output', ['align', '-g', GEO, '--image', GOOD_NPY]);
cm('align --rings not numbers', ['align', '-g', GEO, '--image', GOOD_NPY, '--rings', 'abc', '--center-only']);
cm('align --nrings 0', ['align', '-g', GEO, '--image', GOOD_NPY, '--nrings', '0', '--center-only']);
cm('align image with another pixel count', ['align', '-g', GEO, '--image', SMALL_NPY, '--center-only']);
cm('det calib unknown source', ['det', 'calib', '--xtc', GOOD_XTC, '--source', 'PNCCD', '--calib-dir', p('calib'), '--run', '1', '--npy', p('out', 'det-src.npy')]);
cm('det calib --run not a number', ['det', 'calib', '--xtc', GOOD_XTC, '--source', 'CSPAD2x2', '--calib-dir', p('calib'), '--run', 'abc', '--npy', p('out', 'det-run.npy')]);
cm('det calib bad --events', ['det', 'calib', '--xtc', GOOD_XTC, '--source', 'CSPAD2x2', '--calib-dir', p('calib'), '--run', '1', '--events', '5:2', '--npy', p('out', 'det-ev.npy')]);
cm('det calib bad --cm', ['det', 'calib', '--xtc', GOOD_XTC, '--source', 'CSPAD2x2', '--calib-dir', p('calib'), '--run', '1', '--cm', 'one two', '--npy', p('out', 'det-cm.npy')]);
cm('det calib unknown --mask', ['det', 'calib', '--xtc', GOOD_XTC, '--source', 'CSPAD2x2', '--calib-dir', p('calib'), '--run', '1', '--mask', 'nope', '--npy', p('out', 'det-mask.npy')]);
cm('det calib output is a directory', ['det', 'calib', '--xtc', GOOD_XTC, '--source', 'CSPAD2x2', '--calib-dir', p('calib'), '--run', '1', '--npy', bad('directory', 'npy')]);
cm('det image missing xtc', ['det', 'image', '--xtc', p('nowhere.xtc'), '--source', 'CSPAD2x2', '--calib-dir', p('calib'), '--run', '1', '--npy', p('out', 'deti-missing.npy')]);
cm('jobs show unknown id', ['jobs', 'show', 'nope', '--work-dir', p('work'), '--no-refresh']);
cm('jobs show id with a path', ['jobs', 'show', '../../etc/passwd', '--work-dir', p('work'), '--no-refresh'], 'geometry-limits');
// a work directory without job records lists none
cm('jobs ls missing work dir', ['jobs', 'ls', '--work-dir', p('nowhere'), '--no-refresh'], undefined, 'may-succeed');
cm('jobs ls work dir is a file', ['jobs', 'ls', '--work-dir', GOOD_NPY, '--no-refresh']);
cm('jobs wait --timeout not a number', ['jobs', 'wait', 'nope', '--work-dir', p('work'), '--timeout', 'abc']);
cm('jobs cancel unknown id', ['jobs', 'cancel', 'nope', '--work-dir', p('work')]);
cm('jobs retry unknown id', ['jobs', 'retry', 'nope', '--work-dir', p('work')]);

const W = ['-w', p('cw')];
cr('calibrun no arguments', []);
cr('calibrun unknown option', ['-e', 'cxi12345', '--bogus']);
cr('calibrun -r not a run', ['-e', 'cxi12345', '-r', 'abc', '-d', 'CSPAD', ...W]);
cr('calibrun -n not a number', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', '-n', 'abc', ...W]);
cr('calibrun missing xtc dir', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', ...W, '-P']);
cr('calibrun bad run range', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', ...W, '-v', 'bad']);
cr('calibrun bad piece', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', ...W, '--piece', '5/2', '-P']);
cr('calibrun merge without pieces', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD2x2', ...W, '-x', GOOD_XTC, '--merge', '2', '-P']);
cr('calibrun bad dir mode', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', ...W, '--dirmode', '9x']);
cr('calibrun work dir is a file', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', '-w', GOOD_NPY]);
cr('calibrun calib dir is a file', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', ...W, '-c', GOOD_NPY, '-D']);
cr('calibrun deploy without work files', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', ...W, '-c', p('cc'), '-D']);
cr('calibrun --savecfg into a directory', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', ...W, '--savecfg', bad('directory', 'txt')]);
cr('calibrun -t below -b', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', ...W, '-t', '-1']);
cr('calibrun bad log level', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', ...W, '-l', 'NOPE']);
cr('calibrun -q without a batch system', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', ...W, '-q', 'milano']);
cr('calibrun bad event codes', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', ...W, '-f', '4x']);
cr('calibrun detector not in the data', ['-e', 'cxi12345', '-r', '1', '-d', 'PNCCD', ...W, '-x', GOOD_XTC, '-P']);

// ---- run ------------------------------------------------------------------------------------------
const results = new Map<string, SweepResult>();

function runHarness(chunk: SweepCase[], n: number): Promise<void> {
  const casesFile = p(`cases-${n}.json`);
  const resultsFile = p(`results-${n}.json`);
  writeFileSync(casesFile, JSON.stringify(chunk));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/cli/sweep-harness.ts'), casesFile, resultsFile, '20000'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`sweep harness ${n} exited ${code}: ${err}`));
      for (const r of JSON.parse(readFileSync(resultsFile, 'utf8')) as SweepResult[]) results.set(r.id, r);
      resolve();
    });
  });
}

beforeAll(async () => {
  writeInputs();
  const chunks: SweepCase[][] = [[], []];
  cases.forEach((c, i) => chunks[i % 2].push(c));
  await Promise.all(chunks.map((c, i) => runHarness(c, i)));
}, 240_000);
afterAll(() => rmSync(D, { recursive: true, force: true }));

describe('CLI sweep: bad arguments and bad files give a typed error, exit 1', () => {
  it('case names are unique', () => {
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.id + (c.owner ? ` [${c.owner}]` : ''), c] as const))('%s', (_name, c) => {
    const r = results.get(c.id);
    expect(r, 'no result').toBeDefined();
    const report = `${c.cli} ${c.args.join(' ')}\n${r!.stderr}${r!.uncaught ? '\nuncaught: ' + r!.uncaught : ''}`;
    expect(r!.timedOut, report).toBe(false);
    expect(r!.uncaught, report).toBeUndefined();
    expect(r!.stderr, report).not.toMatch(/internal error/i);
    expect(r!.stderr, report).not.toMatch(/\n\s+at .+:\d+:\d+\)?$/m);
    if (c.outcome === 'may-succeed' && r!.code === 0) return;
    expect(r!.code, report).toBe(1);
    if (c.outcome === 'usage') expect(r!.stderr, report).toMatch(/^Usage: calibman /m);
    else expect(r!.stderr, report).toMatch(c.cli === 'calibman' ? /^error: \S/m : /^(calibrun: \S|error: \S|MISSING PARAMETERS)/m);
  });
});
