/** The facade reads detector selections with the one source parser: menu names, or sources in any spelling. */
import { describe, expect, it } from 'vitest';
import { CalibManager } from '../../src/facade/calib-manager.js';
import { ConfigError } from '../../src/errors.js';

describe('CalibManager detector selection', () => {
  it('keeps menu names, spells sources as psana does, refuses other text', () => {
    const cm = new CalibManager({ experiment: 'xpp12345' }, { env: {} });
    cm.selectDetectors(['opal1000', 'DetInfo(XppGon-0|Tm6740-0)', 'XppGon-0|Cspad2x2-1', 'CxiDs1.0:Cspad.0']);
    expect(cm.config.detectors).toEqual(['Opal1000', 'XppGon.0:Tm6740.0', 'XppGon.0:Cspad2x2.1', 'CxiDs1.0:Cspad.0']);
    expect(() => cm.selectDetectors(['cspad3'])).toThrow(ConfigError);
  });
});
