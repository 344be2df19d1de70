import { describe, expect, it } from 'vitest';
import { darkDeployTypes, planDarkDeployment, zeroPedestalSources } from '../../src/pipeline/deploy-plan.js';

/** The one deployment rule of a dark job (psana's calibrun): calibrun and the facade both plan with it. */
const RAYONIX = 'XppEndstation.0:Rayonix.0';
const OPAL = 'XppEndstation.0:Opal1000.0';
const files = (src: string, extra: Record<string, string> = {}) => ({ ave: `w/ave-${src}`, rms: `w/rms-${src}`, sta: `w/sta-${src}`, max: `w/max-${src}`, ...extra });

describe('dark deployment plan', () => {
  it('deploys pedestals, pixel_rms, pixel_status per source from ave, rms, sta into <calib>/<group>/<src>/<type>/<range>.data', () => {
    const items = planDarkDeployment([[OPAL, files(OPAL)]], { calibDir: '/c', runRange: '42-end' });
    expect(items).toEqual([
      { source: OPAL, calibType: 'pedestals', input: `w/ave-${OPAL}`, output: `/c/Camera::CalibV1/${OPAL}/pedestals/42-end.data` },
      { source: OPAL, calibType: 'pixel_rms', input: `w/rms-${OPAL}`, output: `/c/Camera::CalibV1/${OPAL}/pixel_rms/42-end.data` },
      { source: OPAL, calibType: 'pixel_status', input: `w/sta-${OPAL}`, output: `/c/Camera::CalibV1/${OPAL}/pixel_status/42-end.data` },
    ]);
  });

  it('takes the zero pedestals only with zeroPeds and only where they were written (Rayonix)', () => {
    const work = [[RAYONIX, files(RAYONIX, { zero: `w/zero-${RAYONIX}` })], [OPAL, files(OPAL)]] as const;
    const peds = (zeroPeds: boolean) =>
      planDarkDeployment(work, { calibDir: '/c', runRange: '5-9', zeroPeds }).filter((i) => i.calibType === 'pedestals').map((i) => i.input);
    expect(peds(true)).toEqual([`w/zero-${RAYONIX}`, `w/ave-${OPAL}`]);
    expect(peds(false)).toEqual([`w/ave-${RAYONIX}`, `w/ave-${OPAL}`]);
    expect(zeroPedestalSources([OPAL, RAYONIX, 'MfxEndstation.0:Rayonix.1'])).toEqual([RAYONIX, 'MfxEndstation.0:Rayonix.1']);
  });

  it('leaves pixel_status out when the hot-pixel deployment is off, and a type without a work file', () => {
    expect(darkDeployTypes(true)).toEqual(['pedestals', 'pixel_rms', 'pixel_status']);
    expect(darkDeployTypes(false)).toEqual(['pedestals', 'pixel_rms']);
    const noHot = planDarkDeployment([[OPAL, files(OPAL)]], { calibDir: '/c', runRange: '1-end', types: darkDeployTypes(false) });
    expect(noHot.map((i) => i.calibType)).toEqual(['pedestals', 'pixel_rms']);
    const noRms = planDarkDeployment([[OPAL, { ave: 'a', sta: 's' }]], { calibDir: '/c', runRange: '1-end' });
    expect(noRms.map((i) => i.calibType)).toEqual(['pedestals', 'pixel_status']);
  });

  it('follows the order of the types asked for', () => {
    const items = planDarkDeployment([[OPAL, files(OPAL)]], { calibDir: '/c', runRange: '1-end', types: ['pixel_status', 'pedestals'] });
    expect(items.map((i) => i.calibType)).toEqual(['pixel_status', 'pedestals']);
  });
});
