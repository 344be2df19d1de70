import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { Confpars, confparNames, formatConfpars, parseConfpars } from '../../src/calibrun/confpars.js';
import { configToConfpars, resolveCalibrunConfig } from '../../src/calibrun/config.js';

describe('confpars-calibman.txt (calibrun.md §5)', () => {
  it('writes NAME left-justified to 32, one space, python str() values, sorted', () => {
    const cp = new Confpars().set('EXPERIMENT_NAME', 'cxi12345').set('MASK_PIX_ADU_THR_MAX', 16000).set('BATCH_DARK_END', 500);
    const text = formatConfpars(cp);
    const lines = text.trimEnd().split('\n');
    expect(lines.map((l) => l.slice(0, 32).trimEnd())).toEqual(confparNames());
    expect(lines).toContain(`${'EXPERIMENT_NAME'.padEnd(32)} cxi12345`);
    expect(lines).toContain(`${'MASK_PIX_ADU_THR_MAX'.padEnd(32)} 16000.0`);
    expect(lines).toContain(`${'MASK_PIX_ADU_THR_MIN'.padEnd(32)} 0.1`);
    expect(lines).toContain(`${'BATCH_DARK_END'.padEnd(32)} 500`);
    expect(lines).toContain(`${'BATCH_DARK_EVCODES'.padEnd(32)} None`);
    expect(lines).toContain(`${'DARK_DEPLOY_HOTPIX'.padEnd(32)} True`);
    expect(lines).toContain(`${'DETECTOR_CBX_STATE:025'.padEnd(32)} False`);
    expect(lines.every((l) => l[32] === ' ')).toBe(true);
  });

  it('round-trips every value and keeps unknown lines', () => {
    const cp = new Confpars()
      .set('EXPERIMENT_NAME', 'xpptut15')
      .set('DETECTOR_NAMES', 'CSPAD Opal1000')
      .set('DETECTOR_CBX_STATE:000', true)
      .set('MASK_PIX_MAX_THR_RMS', 123.25)
      .set('MASK_PIX_INTNLO', 1e-7)
      .set('DARK_DEPLOY_HOTPIX', false)
      .set('BATCH_DARK_EVCODES', '40,43');
    cp.extra.set('ROI_FILE_NAME', 'roi.txt');
    const back = parseConfpars(formatConfpars(cp));
    for (const name of confparNames()) expect(back.get(name), name).toEqual(cp.get(name));
    expect(back.extra.get('ROI_FILE_NAME')).toBe('roi.txt');
    expect(formatConfpars(back)).toBe(formatConfpars(cp));
    expect(formatConfpars(cp)).toContain('1e-07');
  });

  it('reads python spellings: none → default, case-insensitive bools, blank lines, padded values', () => {
    const text = [
      'EXPERIMENT_NAME                  none',
      '',
      'DARK_DEPLOY_HOTPIX               FALSE',
      'MASK_PIX_ADU_THR_MAX             32000.0   ',
      'DIRECTORY_WORK                   ./my work',
      'SOMETHING_ELSE                   42',
    ].join('\n');
    const cp = parseConfpars(text);
    expect(cp.get('EXPERIMENT_NAME')).toBe('Select');
    expect(cp.isSet('EXPERIMENT_NAME')).toBe(false);
    expect(cp.get('DARK_DEPLOY_HOTPIX')).toBe(false);
    expect(cp.get('MASK_PIX_ADU_THR_MAX')).toBe(32000);
    expect(cp.get('DIRECTORY_WORK')).toBe('./my work');
    expect(cp.warnings).toEqual(['confpars-calibman.txt line 6: unknown parameter SOMETHING_ELSE ignored']);
  });

  it.each([
    ['BATCH_DARK_END                   10.5', 'BATCH_DARK_END', /line 1: expected an integer, found "10.5"/],
    ['MASK_PIX_INTNLO                  five', 'MASK_PIX_INTNLO', /expected a number/],
    ['SMD_IS_ON                        yes', 'SMD_IS_ON', /expected True or False/],
  ])('rejects %s', (line, field, msg) => {
    try {
      parseConfpars(line);
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).field).toBe(field);
      expect((err as ConfigError).message).toMatch(msg);
    }
  });

  it('-L takes unset parameters from the file; the command line wins', () => {
    const saved = configToConfpars(
      resolveCalibrunConfig({ exp: 'mec12345', run: 4, detector: 'CSPAD,pnCCD', num_events: 200, skip_events: 3, thr_rms_max: 55, calibdir: '/x/calib', event_code: '-162' }),
    );
    const text = formatConfpars(saved);
    const cfg = resolveCalibrunConfig({ run: '9', loadcfg: true, thr_rms_max: '66' }, { confpars: parseConfpars(text) });
    expect(cfg.experiment).toBe('mec12345');
    expect(cfg.detectors).toEqual(['CSPAD', 'pnCCD']);
    expect(cfg.numEvents).toBe(200);
    expect(cfg.skipEvents).toBe(3);
    expect(cfg.calibDir).toBe('/x/calib');
    expect(cfg.eventCodes).toEqual([-162]);
    expect(cfg.thresholds.rmsHi).toBe(66);
    expect(cfg.run).toBe(9);
    expect(cfg.historyFileName).toBe('HISTORY');
  });

  it('-L without a usable experiment still reports the missing parameter', () => {
    expect(() => resolveCalibrunConfig({ run: '9', loadcfg: true }, { confpars: new Confpars() })).toThrow(/MISSING PARAMETER --exp/);
  });
});
