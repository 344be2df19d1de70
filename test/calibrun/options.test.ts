import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { resolveCalibrunConfig, MISSING_MESSAGES } from '../../src/calibrun/config.js';
import { parseCalibrunOptions, parseOptparseInt, parseEventCodes, checkRunRange } from '../../src/calibrun/options.js';
import { buildCalibrunProgram, programOptionsToInput } from '../../src/cli/calibrun/program.js';

/** Parse a calibrun command line the way the CLI does and resolve it. */
function resolveArgv(argv: string[], env: Record<string, string> = {}) {
  const p = buildCalibrunProgram();
  p.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  p.parse(argv, { from: 'user' });
  return resolveCalibrunConfig(programOptionsToInput(p.opts()), { env });
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('calibrun defaults (calibrun.md §1)', () => {
  const c = resolveArgv(['-e', 'cxi12345', '-r', '173', '-d', 'CSPAD']);
  it.each([
    ['numEvents', c.numEvents, 1000],
    ['skipEvents', c.skipEvents, 0],
    ['scanEvents', c.scanEvents, 10],
    ['intLo', c.thresholds.intLo, 0.1],
    ['intHi', c.thresholds.intHi, 16000],
    ['rmsLo', c.thresholds.rmsLo, 0.1],
    ['rmsHi', c.thresholds.rmsHi, 10000],
    ['intNLo', c.thresholds.intNLo, 5],
    ['intNHi', c.thresholds.intNHi, 5],
    ['rmsNLo', c.thresholds.rmsNLo, 5],
    ['rmsNHi', c.thresholds.rmsNHi, 5],
    ['nrecs1', c.thresholds.nrecs1, 50],
    ['fracLm', c.thresholds.fracLm, 0.1],
    ['dirMode', c.dirMode, 0o2775],
    ['fileMode', c.fileMode, 0o664],
    ['printBits', c.printBits, 30],
    ['runRange', c.runRange, '173-end'],
    ['calibDir', c.calibDir, '/reg/d/psdm/CXI/cxi12345/calib'],
    ['workDir', c.workDir, './work'],
    ['instrument', c.instrument, 'CXI'],
    ['process', c.process, false],
    ['deploy', c.deploy, false],
    ['eventCodes', c.eventCodes, undefined],
    ['dataset', c.dataset.text, 'exp=cxi12345:run=173'],
  ])('%s', (_name, actual, expected) => {
    expect(actual).toEqual(expected);
  });
});

describe('calibrun option values', () => {
  it.each<[string, string[], (c: ReturnType<typeof resolveArgv>) => unknown, unknown]>([
    ['short attached value -r9', ['-e', 'mfxp16318', '-d', 'RAYONIX', '-r9'], (c) => c.run, 9],
    ['run list', ['-e', 'cxi12345', '-d', 'cspad', '-r', '2,4-7'], (c) => c.runs, [2, 4, 5, 6, 7]],
    ['first run names the range', ['-e', 'cxi12345', '-d', 'cspad', '-r', '2,4-7'], (c) => c.runRange, '2-end'],
    ['-v used as range', ['-e', 'cxi12345', '-d', 'cspad', '-r', '5', '-v', '5-10'], (c) => c.runRange, '5-10'],
    ['detectors case-insensitive', ['-e', 'xppi0613', '-r', '1', '-d', 'cspad,OPAL1000'], (c) => c.detectors, ['CSPAD', 'Opal1000']],
    ['unknown names mixed in are ignored', ['-e', 'xppi0613', '-r', '1', '-d', 'CSPAD,FOO'], (c) => c.ignoredDetectors, ['FOO']],
    ['event codes', ['-e', 'xppi0613', '-r', '1', '-d', 'CSPAD', '-f', '40,43'], (c) => c.eventCodes, [40, 43]],
    ['negative event code', ['-e', 'xppi0613', '-r', '1', '-d', 'CSPAD', '-f', '-162'], (c) => c.eventCodes, [-162]],
    ['event code None', ['-e', 'xppi0613', '-r', '1', '-d', 'CSPAD', '-f', 'None'], (c) => c.eventCodes, undefined],
    ['thresholds', ['-e', 'x', '-r', '1', '-d', 'CSPAD', '-B', '1', '-T', '15000', '-b', '0.5', '-t', '300'].map((s) => (s === 'x' ? 'xpp12345' : s)), (c) => c.thresholds, expect.objectContaining({ intLo: 1, intHi: 15000, rmsLo: 0.5, rmsHi: 300 })],
    ['legacy --thr_rms is -t', ['-e', 'xpp12345', '-r', '1', '-d', 'CSPAD', '--thr_rms', '77'], (c) => c.thresholds.rmsHi, 77],
    ['sigmas', ['-e', 'xpp12345', '-r', '1', '-d', 'CSPAD', '-Z', '3', '-U', '4', '-z', '6', '-u', '7'], (c) => [c.thresholds.intNLo, c.thresholds.intNHi, c.thresholds.rmsNLo, c.thresholds.rmsNHi], [3, 4, 6, 7]],
    ['--nrecs is -n', ['-e', 'xpp12345', '-r', '1', '-d', 'CSPAD', '--nrecs', '20'], (c) => c.numEvents, 20],
    ['dirmode octal', ['-e', 'xpp12345', '-r', '1', '-d', 'CSPAD', '--dirmode', '02775'], (c) => c.dirMode, 0o2775],
    ['dirmode decimal without leading 0', ['-e', 'xpp12345', '-r', '1', '-d', 'CSPAD', '--dirmode', '2775'], (c) => c.dirMode, 2775],
    ['print bits octal 020', ['-e', 'xpp12345', '-r', '1', '-d', 'CSPAD', '-p', '020'], (c) => c.printBits, 16],
    ['loglev lower case', ['-e', 'xpp12345', '-r', '1', '-d', 'CSPAD', '-l', 'debug'], (c) => c.logLevel, 'DEBUG'],
    ['-x appended dataset', ['-e', 'xpp12345', '-r', '3', '-d', 'CSPAD', '-x', ':dir=/d/XPP/xpp12345/xtc'], (c) => c.dataset.xtcDir, '/d/XPP/xpp12345/xtc'],
    ['-x full dataset', ['-e', 'xpp12345', '-r', '3', '-d', 'CSPAD', '-x', 'exp=xpp12345:run=3:dir=/a/b:smd'], (c) => [c.dataset.xtcDir, c.dataset.smd], ['/a/b', true]],
    ['-x xtc dir (legacy)', ['-e', 'xpp12345', '-r', '3', '-d', 'CSPAD', '-x', '/data/XPP/xpp12345/xtc/'], (c) => c.dataset.xtcDir, '/data/XPP/xpp12345/xtc'],
    ['-x single file', ['-e', 'xpp12345', '-r', '3', '-d', 'CSPAD', '-x', '/a/e1-r0003-s00-c00.xtc'], (c) => c.dataset.files, ['/a/e1-r0003-s00-c00.xtc']],
    ['--root', ['-e', 'xpp12345', '-r', '3', '-d', 'CSPAD', '--root', '/sdf/data/lcls/ds'], (c) => c.calibDir, '/sdf/data/lcls/ds/xpp/xpp12345/calib'],
    ['-c overrides', ['-e', 'xpp12345', '-r', '3', '-d', 'CSPAD', '-c', './calib'], (c) => c.calibDir, './calib'],
  ])('%s', (_name, argv, get, expected) => {
    expect(get(resolveArgv(argv))).toEqual(expected);
  });

  it('takes the data root from SIT_PSDM_DATA', () => {
    expect(resolveArgv(['-e', 'mfx12345', '-r', '3', '-d', 'CSPAD'], { SIT_PSDM_DATA: '/cds/data/psdm' }).calibDir).toBe('/cds/data/psdm/MFX/mfx12345/calib');
  });
  it('takes the work dir from SIT_ROOT', () => {
    expect(resolveArgv(['-e', 'mfx12345', '-r', '3', '-d', 'CSPAD'], { SIT_ROOT: '/sit' }).workDir).toBe('/sit/detector/calib/constants/calibrun');
  });
});

describe('calibrun validation messages (calibrun.md §2)', () => {
  it.each<[string, string[], string, RegExp | string]>([
    ['run missing first', [], '--run (-r)', MISSING_MESSAGES.run],
    ['run missing', ['-e', 'cxi12345', '-d', 'CSPAD'], '--run (-r)', MISSING_MESSAGES.run],
    ['exp missing', ['-r', '1', '-d', 'CSPAD'], '--exp (-e)', MISSING_MESSAGES.exp],
    ['detector missing', ['-e', 'cxi12345', '-r', '1'], '--detector (-d)', MISSING_MESSAGES.detector],
    ['no known detector', ['-e', 'cxi12345', '-r', '1', '-d', 'FOO,BAR'], '--detector (-d)', /FOO,BAR not found in the list of allowed names: \[CSPAD, CSPAD2x2, /],
    ['bad run', ['-e', 'cxi12345', '-r', 'abc', '-d', 'CSPAD'], '--run (-r)', /expected a run number or list/],
    ['reversed run range', ['-e', 'cxi12345', '-r', '7-4', '-d', 'CSPAD'], '--run (-r)', /ends before it begins/],
    ['num_events zero', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', '-n', '0'], '--num_events (-n)', /expected an integer >= 1, found 0/],
    ['num_events text', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', '-n', 'many'], '--num_events (-n)', /expected an integer, found "many"/],
    ['skip negative', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', '-s', '-1'], '--skip_events (-s)', />= 0/],
    ['threshold not a number', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', '-T', '1e'], '--thr_int_max (-T)', /expected a number, found "1e"/],
    ['thresholds inverted', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', '-B', '100', '-T', '50'], '--thr_int_max (-T)', /must be above/],
    ['negative sigma', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', '-z', '-2'], '--rmsnlo (-z)', />= 0/],
    ['event codes text', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', '-f', '40,abc'], '--event_code (-f)', /comma separated integers/],
    ['run range bad', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', '-v', '5-'], '--runrange (-v)', /run range like/],
    ['run range reversed', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', '-v', '9-5'], '--runrange (-v)', /ends before/],
    ['loglev bad', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', '-l', 'LOUD'], '--loglev (-l)', /DEBUG, INFO/],
    ['dirmode bad', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', '--dirmode', '0o9'], '--dirmode', /integer/],
    ['bad experiment', ['-e', 'c1', '-r', '1', '-d', 'CSPAD'], 'experiment', /like "cxi12345"/],
    ['dataset of another experiment', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', '-x', 'exp=xpp00000:run=1'], '--dsnamex (-x)', /differs from -e/],
    ['xtc dir of another experiment', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', '-x', '/d/XPP/xpp00000/xtc'], '--dsnamex (-x)', /belongs to experiment "xpp00000"/],
    ['bad dataset field', ['-e', 'cxi12345', '-r', '1', '-d', 'CSPAD', '-x', ':foo=1'], 'dsnamex', /unknown field/],
  ])('%s', (_name, argv, field, message) => {
    const err = errorOf(() => resolveArgv(argv));
    expect(err.field).toBe(field);
    if (typeof message === 'string') expect(err.message).toContain(message);
    else expect(err.message).toMatch(message);
  });

  it('rejects unknown parameters from scripts with their names', () => {
    const err = errorOf(() => parseCalibrunOptions({ exp: 'cxi12345', numevents: 5 }));
    expect(err.field).toBe('numevents');
  });
  it('accepts typed values from scripts', () => {
    const c = resolveCalibrunConfig({ exp: 'cxi12345', run: 7, detector: ['cspad'], num_events: 10, event_code: [40] });
    expect([c.run, c.detectors, c.numEvents, c.eventCodes]).toEqual([7, ['CSPAD'], 10, [40]]);
  });
});

describe('small parsers', () => {
  it.each([
    ['0664', 0o664],
    ['02775', 0o2775],
    ['0o755', 0o755],
    ['2775', 2775],
    ['0x1f', 31],
    ['x', NaN],
    ['09', NaN],
  ])('parseOptparseInt(%s)', (t, n) => expect(parseOptparseInt(t)).toBe(n));
  it('event codes', () => {
    expect(parseEventCodes(' 40, 43 ')).toEqual([40, 43]);
    expect(parseEventCodes('')).toBeUndefined();
  });
  it('run range normalises zero padding', () => {
    expect(checkRunRange('0012-end')).toBe('12-end');
  });
});
