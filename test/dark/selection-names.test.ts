import { describe, expect, it } from 'vitest';
import {
  createDarkEventSelector,
  darkGeometryFileName,
  darkOutputTemplate,
  darkResultFileName,
  darkWorkPrefix,
  eventCodesMatch,
  expandDarkTemplate,
  formatDarkOutputs,
  insertSourceBeforeExtension,
  parseEventCodes,
  createDarkAccumulator,
} from '../../src/dark/index.js';
import { parseNdarrayText } from '../../src/io/ndarray-text.js';
import { ConfigError } from '../../src/errors.js';
import { generateStack } from './helpers.js';

describe('event selection', () => {
  it('skips, counts, stops and excludes damaged frames', () => {
    const sel = createDarkEventSelector({ skip: 2, events: 3 });
    const d = [0, 1, 2, 3, 4, 5, 6].map((index) => sel({ index, eventCodes: [40], damage: index === 3 ? 0x4000 : 0 }));
    expect(d).toEqual(['skip', 'skip', 'take', 'skip', 'take', 'stop', 'stop']);
    expect(createDarkEventSelector({ allowedDamage: 0x4000 })({ index: 0, damage: 0x4000 })).toBe('take');
  });
  it('selects by event codes: any of them, a negative code vetoes, no EVR data is not selected', () => {
    expect(parseEventCodes('40,43')).toEqual([40, 43]);
    expect(parseEventCodes('None')).toBeUndefined();
    expect(parseEventCodes(' ')).toBeUndefined();
    expect(() => parseEventCodes('40,x')).toThrow(ConfigError);
    expect(eventCodesMatch([40, 43], [1, 43])).toBe(true);
    expect(eventCodesMatch([40, 43], [1, 2])).toBe(false);
    expect(eventCodesMatch([-162], [40, 162])).toBe(false);
    expect(eventCodesMatch([-162], [40])).toBe(true);
    expect(eventCodesMatch([40], undefined)).toBe(false);
    expect(eventCodesMatch(undefined, undefined)).toBe(true);
    const sel = createDarkEventSelector({ eventCodes: [-162] });
    expect(sel({ index: 0, eventCodes: [162] })).toBe('skip');
    expect(sel({ index: 1, eventCodes: [40] })).toBe('take');
  });
});

describe('work-directory file names', () => {
  const parts = { workDir: 'work', experiment: 'xppn4116', run: 137 };
  it('follows FileNameManager', () => {
    expect(darkWorkPrefix(parts)).toBe('work/results/clb-xppn4116-r0137-');
    expect(darkWorkPrefix({ ...parts, legacy: true, prefix: 'my-' })).toBe('work/my-xppn4116-r0137-');
    expect(darkResultFileName({ ...parts, kind: 'ave', source: 'XppGon.0:Epix100a.1' })).toBe(
      'work/results/clb-xppn4116-r0137-peds-ave-XppGon.0:Epix100a.1.txt',
    );
    expect(darkGeometryFileName({ ...parts, source: 'MfxEndstation.0:Rayonix.0' })).toBe(
      'work/results/clb-xppn4116-r0137-geometry-MfxEndstation.0:Rayonix.0.txt',
    );
    expect(insertSourceBeforeExtension('./a.txt', 'CxiDs1.0:Cspad.0')).toBe('./a-CxiDs1.0:Cspad.0.txt');
    expect(insertSourceBeforeExtension('./dir.x/a', 'S')).toBe('./dir.x/a-S');
  });
  it('expands det_ndarr_raw_proc templates', () => {
    const t = darkOutputTemplate('work');
    expect(t).toBe('work/results/clb-#exp-#run-peds-#type-#src.txt');
    expect(expandDarkTemplate(t, { source: 'XppGon.0:Epix100a.1', experiment: 'xppn4116', run: 137, kind: 'sta' })).toBe(
      'work/results/clb-xppn4116-r0137-peds-sta-XppGon.0:Epix100a.1.txt',
    );
    expect(expandDarkTemplate('nda-#evts-#nsec.txt', { source: 's', experiment: 'e', run: 1, kind: 'ave', counter: 999, nanoseconds: 42 })).toBe(
      'nda-e000999-000000042.txt-ave',
    );
  });
});

describe('dark output files', () => {
  it('writes psana\'s six files with their formats and comments, readable back', () => {
    const { frames } = generateStack(60, 64, 8);
    const acc = createDarkAccumulator({}, [4, 16]);
    frames.forEach((f) => acc.add(f));
    const r = acc.finish();
    const files = formatDarkOutputs(r, { dataset: 'exp=xppn4116:run=137', source: 'XppGon.0:Epix100a.1', info: { DATE_TIME: '2024-01-01T00:00:00' } });
    expect([...files.keys()]).toEqual(['ave', 'rms', 'sta', 'msk', 'max', 'min']);
    const sta = files.get('sta')!;
    expect(sta.startsWith('# DATASET  exp=xppn4116:run=137\n# STATISTICS  59\n# ARR_TYPE  status\n# SOURCE  XppGon.0:Epix100a.1\n\n# HOST')).toBe(true);
    expect(sta).toContain('# DTYPE       uint64\n# NDIM        2\n# DIM:0       4\n# DIM:1       16\n\n38 42 2 4 16 1 0 ');
    const ave = files.get('ave')!.split('\n');
    expect(ave[ave.length - 2].split(' ').length).toBeGreaterThanOrEqual(16);
    expect(files.get('ave')).toMatch(/\n {4}0\.00 {5}0\.00 {2}1000\.00 /);
    const back = parseNdarrayText(files.get('ave')!);
    expect(back.array.shape).toEqual([4, 16]);
    expect(Math.abs(Number(back.array.data[8]) - r.pedestals.data[8])).toBeLessThanOrEqual(0.005 + 1e-9);
    expect(formatDarkOutputs(r, { dataset: 'd', source: 's' }, 377).size).toBe(4);
  });
});
