import { describe, expect, it } from 'vitest';
import { runEpix10kaDark, type Epix10kaEventItem, type Epix10kaCycleInfo } from '../../../src/dark/gain-modes/epix10ka-run.js';
import { roundLikePsanaText } from '../../../src/dark/gain-modes/epix10ka-constants.js';
import { EPIX10KA_DARK_CYCLE_LABELS, epix10kaConfigGainMode, epix10kaGainModeOfControlBits, type Epix10kaGainMode } from '../../../src/dark/gain-modes/epix10ka-modes.js';
import { GainModeError, InsufficientDataError } from '../../../src/errors.js';
import { PIX, makeFrame, modeTruth, referenceProcDarkBlock, type ModeTruth } from './epix10ka-helpers.js';

const MODES: Epix10kaGainMode[] = ['FH', 'FM', 'FL', 'AHL-H', 'AML-M'];

interface Cycle {
  mode: Epix10kaGainMode | undefined;
  label?: string;
  frames: number;
  truth: ModeTruth;
  /** Events without data of the source (skipped). */
  gaps?: number[];
}

function makeRun(panels: number, cycles: Cycle[], before = 0) {
  const n = panels * PIX;
  const buf = new Uint16Array(n);
  let opened = 0;
  async function* events(): AsyncGenerator<Epix10kaEventItem> {
    opened++;
    for (let e = 0; e < before; e++) yield { calibCycle: -1, frame: () => makeFrame(cycles[0].truth, e, 1, buf) };
    for (const [c, cy] of cycles.entries()) {
      for (let k = 0, f = 0; f < cy.frames; k++) {
        if (cy.gaps?.includes(k)) {
          yield { calibCycle: c, frame: () => undefined };
          continue;
        }
        const fi = f++;
        yield { calibCycle: c, frame: () => makeFrame(cy.truth, fi, 100 + c, buf) };
      }
    }
  }
  return {
    source: 'XcsEndstation.0:Epix10ka2M.0',
    panels,
    open: events,
    cycleInfo: (c: number): Epix10kaCycleInfo => ({ mode: cycles[c].mode, ...(cycles[c].label !== undefined ? { label: cycles[c].label } : {}) }),
    opened: () => opened,
  };
}

function fiveCycles(frames = 8): Cycle[] {
  return MODES.map((mode, i) => ({ mode, frames, truth: modeTruth(1, 10 + i, 1000 + 2000 * i, 1500 + 2000 * i, 3 + i) }));
}

describe('Epix10ka calibration run (5 calib cycles → 7 gain ranges)', () => {
  it('assembles (7, panels, 352, 384) as psana: measured modes in order, the last frame of each cycle left out, AHL-L/AML-L defaults', async () => {
    const cycles = fiveCycles(9);
    cycles[2].gaps = [0, 3]; // events without data are skipped, not counted
    const run = makeRun(1, cycles);
    const r = await runEpix10kaDark({ ...run, params: { stage1Frames: 4 } });
    const c = r.constants;
    expect(c.shape).toEqual([7, 1, 352, 384]);
    expect(r.cycles.map((x) => [x.mode, x.collected, x.frames])).toEqual(MODES.map((m) => [m, 9, 8]));
    expect(run.opened()).toBe(2); // main pass + replay pass
    for (let m = 0; m < 5; m++) {
      const frames = Array.from({ length: 8 }, (_, k) => makeFrame(cycles[m].truth, k, 100 + m, new Uint16Array(PIX)));
      const ref = referenceProcDarkBlock(frames, { stage1Frames: 4 });
      for (const i of [0, 1, 777, 50000, PIX - 1]) {
        expect(c.pedestals[m * PIX + i]).toBe(roundLikePsanaText(ref.ave[i]));
        expect(c.rms[m * PIX + i]).toBe(roundLikePsanaText(ref.rms[i]));
      }
      let same = true;
      for (let i = 0; i < PIX && same; i++) same = c.status[m * PIX + i] === ref.sta[i];
      expect(same).toBe(true);
      expect(c.modes[m]).toMatchObject({ mode: MODES[m], origin: 'calib-cycle', calibCycle: m, frames: 8 });
      expect(c.modes[m].meanPedestal).toBeGreaterThan(1000 + 2000 * m);
      expect(c.modes[m].meanPedestal).toBeLessThan(1500 + 2000 * m);
    }
    for (const m of [5, 6]) {
      expect(c.modes[m].origin).toBe('default');
      expect(c.pedestals.subarray(m * PIX, (m + 1) * PIX).every((v) => v === 0)).toBe(true);
      expect(c.rms.subarray(m * PIX, (m + 1) * PIX).every((v) => v === 1)).toBe(true);
      expect(c.status.subarray(m * PIX, (m + 1) * PIX).every((v) => v === 0)).toBe(true);
    }
    expect(r.warnings.some((w) => /AHL-L: no charge-injection/.test(w))).toBe(true);
  });

  it('derives AHL-L and AML-L from charge-injection offsets and gains as psana does', async () => {
    const cycles = fiveCycles(5);
    const run = makeRun(1, cycles);
    const off = (v: number) => new Float64Array(PIX).fill(v);
    const gain = new Float64Array(PIX).fill(2);
    gain[5] = 0; // divide_protected: 0
    const r = await runEpix10kaDark({
      ...run,
      chargeInjection: {
        offset: { 'AHL-H': off(100), 'AHL-L': off(9000), 'AML-M': off(300), 'AML-L': off(8000) },
        gain: { 'AHL-H': gain, 'AHL-L': off(0.03), 'AML-M': off(1), 'AML-L': off(0.1) },
      },
    });
    const c = r.constants;
    const frames = (m: number) => Array.from({ length: 4 }, (_, k) => makeFrame(cycles[m].truth, k, 100 + m, new Uint16Array(PIX)));
    const ahlH = referenceProcDarkBlock(frames(3)).ave;
    const amlM = referenceProcDarkBlock(frames(4)).ave;
    for (const i of [0, 9, 12345]) {
      expect(c.pedestals[5 * PIX + i]).toBe(roundLikePsanaText(9000 - (100 - ahlH[i]) * (0.03 / 2)));
      expect(c.pedestals[6 * PIX + i]).toBe(roundLikePsanaText(8000 - (300 - amlM[i]) * 0.1));
    }
    expect(c.pedestals[5 * PIX + 5]).toBe(9000);
    expect(c.modes[5].origin).toBe('charge-injection');
    expect(c.rms[5 * PIX]).toBe(1);
  });

  it('caps a cycle at maxFrames frames (the last of them unused)', async () => {
    const cycles = fiveCycles(7);
    const r = await runEpix10kaDark({ ...makeRun(1, cycles), params: { maxFrames: 5 } });
    expect(r.cycles.map((x) => x.frames)).toEqual([4, 4, 4, 4, 4]);
  });

  it('follows the cycle labels: a repeated mode is skipped, cycles past the fifth are ignored (psana ccmax)', async () => {
    const labelled: Cycle[] = fiveCycles(4).map((c, i) => ({ ...c, label: EPIX10KA_DARK_CYCLE_LABELS[i] }));
    const r = await runEpix10kaDark(makeRun(1, [labelled[1], labelled[0], labelled[2], labelled[3], labelled[4]]));
    expect(r.cycles.map((c) => c.mode)).toEqual(['FM', 'FH', 'FL', 'AHL-H', 'AML-M']);
    // a repeated FH is skipped, and it still counts towards the five cycles psana looks at
    const repeated = [labelled[0], labelled[0], labelled[1], labelled[2], labelled[3], labelled[4]];
    const err = await runEpix10kaDark(makeRun(1, repeated)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GainModeError);
    expect((err as Error).message).toMatch(/AML-M missing/);
    const seven = fiveCycles(4);
    seven.push({ ...seven[0] }, { ...seven[1] });
    const r7 = await runEpix10kaDark(makeRun(1, seven));
    expect(r7.calibCyclesSeen).toBe(7);
    expect(r7.skipped.map((s) => s.calibCycle)).toEqual([5, 6]);
  });

  it('gives typed errors for a run without calib cycles, unknown or unexpected modes, a missing mode, a short cycle', async () => {
    const none = makeRun(1, fiveCycles(4), 5);
    const noCycles = { ...none, open: async function* () { for await (const it of none.open()) if (it.calibCycle < 0) yield it; } };
    await expect(runEpix10kaDark(noCycles)).rejects.toThrow(GainModeError);
    await expect(runEpix10kaDark(noCycles)).rejects.toThrow(/no calib cycles/);

    const mixed = fiveCycles(4);
    mixed[1].mode = undefined;
    await expect(runEpix10kaDark(makeRun(1, mixed))).rejects.toThrow(/calib cycle 1: unrecognised gain mode.*found a mixed pixel configuration/);

    const swapped = fiveCycles(4);
    [swapped[0], swapped[1]] = [swapped[1], swapped[0]];
    const err = await runEpix10kaDark(makeRun(1, swapped)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GainModeError);
    expect((err as GainModeError).calibCycle).toBe(0);
    expect((err as GainModeError).expected).toBe('FH');
    expect((err as GainModeError).found).toBe('FM');
    const skipped = await runEpix10kaDark({ ...makeRun(1, swapped), skipInconsistentCycles: true }).catch((e: unknown) => e);
    expect(skipped).toBeInstanceOf(GainModeError);
    expect((skipped as Error).message).toMatch(/FH, FM missing/);

    const badLabel = fiveCycles(4);
    badLabel[0].label = 'position 0 trbit 0';
    await expect(runEpix10kaDark(makeRun(1, badLabel))).rejects.toThrow(/unknown dark-cycle label/);

    await expect(runEpix10kaDark(makeRun(1, fiveCycles(4).slice(0, 4)))).rejects.toThrow(/AML-M missing/);

    const short = fiveCycles(4);
    short[2].frames = 2;
    await expect(runEpix10kaDark(makeRun(1, short))).rejects.toThrow(InsufficientDataError);
  });

  it('stops on abort', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(runEpix10kaDark({ ...makeRun(1, fiveCycles(4)), signal: ac.signal })).rejects.toThrow(/aborted/);
  });
});

describe('Epix10ka gain mode of a configuration (psana find_gain_mode without data)', () => {
  const panel = (pc: number, tr: number[]) => ({ pixelConfig: new Uint16Array(PIX).fill(pc), trbits: tr });
  it('classifies the five configured modes and mixed configurations', () => {
    expect(epix10kaConfigGainMode([panel(12, [1, 1, 1, 1])])).toBe('FH');
    expect(epix10kaConfigGainMode([panel(12 | 3, [0, 0, 0, 0])])).toBe('FM'); // test and mask bits ignored
    expect(epix10kaConfigGainMode([panel(8, [1, 0, 1, 0])])).toBe('FL');
    expect(epix10kaConfigGainMode([panel(0, [1, 1, 1, 1])])).toBe('AHL-H');
    expect(epix10kaConfigGainMode([panel(0, [0, 0, 0, 0])])).toBe('AML-M');
    // trbits of half the ASICs: neither auto mode has more than half of the pixels
    expect(epix10kaConfigGainMode([panel(0, [1, 1, 0, 0])])).toBeUndefined();
    expect(epix10kaConfigGainMode([panel(0, [1, 1, 1, 0])])).toBe('AHL-H');
    expect(epix10kaConfigGainMode([panel(4, [1, 1, 1, 1])])).toBeUndefined(); // g without ga: no range
    expect(epix10kaGainModeOfControlBits(new Uint8Array(100).fill(28))).toBe('FH');
    expect(epix10kaGainModeOfControlBits(new Uint8Array(100).fill(16))).toBe('AHL-H');
  });
});
