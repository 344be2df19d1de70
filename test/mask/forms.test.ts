import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { type RoiForm, formatRoiForms, parseRoiForms } from '../../src/mask/forms.js';
import { parseMedForms } from '../../src/mask/med-forms.js';

const FORMS: RoiForm[] = [
  { shape: 'rectangle', x: 1, y: 2, width: 3, height: 4 },
  { shape: 'circle', xc: 10.5, yc: 20.25, r: 5, mode: 'exclude', label: 'beam stop' },
  { shape: 'ring', xc: 100, yc: 100, rInner: 10, rOuter: 20 },
  { shape: 'wedge', xc: 100, yc: 100, rInner: 0, rOuter: 50, theta1Deg: -30, theta2Deg: 30, mode: 'keep' },
  { shape: 'polygon', points: [[0, 0], [10, 0], [5, 8]] },
  { shape: 'line', x1: 0, y1: 0, x2: 10, y2: 10 },
  { shape: 'line', x1: 0, y1: 0, x2: 10, y2: 10, width: 3, mode: 'exclude' },
];

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const doc = (forms: unknown): string => JSON.stringify({ format: 'calibman-roi-forms', version: 1, forms });

describe('ROI forms JSON', () => {
  it('round trips every shape, with the image shape', () => {
    const text = formatRoiForms(FORMS, { imageShape: [1718, 1719] });
    const back = parseRoiForms(text);
    expect(back.forms).toEqual(FORMS);
    expect(back.imageShape).toEqual([1718, 1719]);
    expect(parseRoiForms(formatRoiForms(back.forms)).forms).toEqual(FORMS);
  });

  it('names the bad field', () => {
    expect(configError(() => parseRoiForms(doc([{ shape: 'circle', xc: 1, yc: 2, r: 'x' }]))).field).toBe('forms[0].r');
    expect(configError(() => parseRoiForms(doc([FORMS[0], { shape: 'circle', xc: 1, yc: 2, r: -1 }]))).field).toBe('forms[1].r');
    expect(configError(() => parseRoiForms(doc([{ shape: 'hexagon' }]))).field).toBe('forms[0].shape');
    expect(configError(() => parseRoiForms(doc([{ shape: 'ring', xc: 0, yc: 0, rInner: 5, rOuter: 2 }]))).field).toBe('forms[0].rOuter');
    expect(configError(() => parseRoiForms(doc([{ shape: 'polygon', points: [[0, 0], [1, 1]] }]))).field).toBe('forms[0].points');
    expect(configError(() => parseRoiForms(doc([{ ...FORMS[0], mode: 'maybe' }]))).field).toBe('forms[0].mode');
    expect(configError(() => parseRoiForms(doc([{ ...FORMS[0], colour: 'red' }]))).message).toMatch(/colour/);
    expect(configError(() => parseRoiForms(doc([]))).message).toMatch(/empty/);
    expect(configError(() => parseRoiForms(JSON.stringify({ version: 1, forms: [FORMS[0]] }))).field).toBe('format');
  });

  it('reports malformed JSON with the file name', () => {
    const e = configError(() => parseRoiForms('{"format": "calibman-roi-forms", ', 'my-forms.json'));
    expect(e.field).toBe('my-forms.json');
    expect(e.message).toMatch(/invalid JSON/);
    expect(configError(() => parseRoiForms(doc([{ shape: 'circle' }]), 'f.json')).field).toBe('f.json: forms[0].xc');
  });
});

describe('psana mask editor forms text', () => {
  it('imports each form line; selected → exclude, removed → skipped', () => {
    const text = [
      'Rectangle   10.00   20.00   30.00   40.00       1 k False False',
      'Circle     100.00  200.00   15.50       1 b True False',
      'Wedge      500.00  500.00  300.00   50.00  -45.00   45.00       1 k False False',
      'Line        10.00   90.00    5.00   45.00       1 k False False',
      'Polygon 1 k False False 3      10      50      30      10      10      60',
      'Circle      1.00    2.00    3.00       1 b False True',
    ].join('\n');
    expect(parseMedForms(text)).toEqual([
      { shape: 'rectangle', x: 10, y: 20, width: 30, height: 40 },
      { shape: 'circle', xc: 100, yc: 200, r: 15.5, mode: 'exclude' },
      { shape: 'wedge', xc: 500, yc: 500, rInner: 250, rOuter: 300, theta1Deg: -45, theta2Deg: 45 },
      { shape: 'line', x1: 10, y1: 5, x2: 90, y2: 45 },
      { shape: 'polygon', points: [[10, 10], [50, 10], [30, 60]] },
    ]);
  });

  it('names the line of a bad form', () => {
    expect(() => parseMedForms('\nCircle 1 2 x 1 b False False', 'f.txt')).toThrow(/f\.txt: line 2/);
    expect(() => parseMedForms('Hexagon 1 2 3', 'f.txt')).toThrow(/unknown form "Hexagon"/);
    expect(() => parseMedForms('Circle 1 2 3 1 b maybe False')).toThrow(/True or False/);
  });
});
