import { describe, expect, it } from 'vitest';
import { DetectorNotFoundError, InsufficientDataError, RunNotFoundError } from '../../src/errors.js';
import { ndarrayOf, type NdArray } from '../../src/io/ndarray.js';
import { makeEventCodeSelector, runDarkPass, type DarkRunRequest } from '../../src/pipeline/dark-pass.js';
import type { SourceAccumulator, DarkEngines, RunEvent, RunReader } from '../../src/pipeline/ports.js';
import type { DarkProgress } from '../../src/pipeline/progress.js';

/**
 * An in-memory run: event i carries frames filled with the value i, EVR codes from `codes(i)` and a damage
 * word from `damaged(i)`. The accumulator below records which frame values it was given, so the test can
 * check exactly which events the driver selected.
 */
const CSPAD = 'CxiDs1.0:Cspad.0';
const OPAL = 'CxiDg2.0:Opal1000.0';

function memoryRun(n: number, opts: { codes?: (i: number) => number[]; damaged?: (i: number) => number; sources?: string[]; file?: string } = {}): RunReader {
  const sources = opts.sources ?? [CSPAD, OPAL];
  const buf = new Uint16Array(4);
  const frame = ndarrayOf(buf, [2, 2]);
  return {
    files: [opts.file ?? 'mem.xtc'],
    async *events() {
      for (let i = 0; i < n; i++) {
        buf.fill(i);
        const ev: RunEvent = {
          index: i,
          eventCodes: opts.codes ? opts.codes(i) : [140],
          sources,
          frame: (s) => (sources.includes(s) ? frame : undefined),
          damage: (s) => (s === CSPAD && opts.damaged ? opts.damaged(i) : 0),
        };
        yield ev;
      }
    },
    close() {},
  };
}

function engines(run: (r: number) => RunReader, seen: Map<string, number[]>): DarkEngines {
  return {
    async openRun(req) {
      if (req.run === 99) throw new RunNotFoundError('run 99 not found', { run: 99 });
      return run(req.run ?? 0);
    },
    createAccumulator(_t, shape, source) {
      const values: number[] = [];
      seen.set(source, values);
      const acc: SourceAccumulator = {
        add(f: NdArray) {
          values.push(f.get(0, 0) as number);
        },
        get count() {
          return values.length;
        },
        finish() {
          const mean = values.reduce((a, b) => a + b, 0) / values.length;
          const arr = ndarrayOf(new Float32Array(shape[0] * shape[1]).fill(mean), shape);
          return { pedestals: arr, pixel_rms: arr, pixel_status: arr, max: arr, min: arr, counter: values.length - 1 };
        },
      };
      return acc;
    },
  };
}

const thresholds = { intLo: 0.1, intHi: 16000, rmsLo: 0.1, rmsHi: 10000, intNLo: 5, intNHi: 5, rmsNLo: 5, rmsNHi: 5, fracLm: 0.1, nrecs1: 50 };
const base = (over: Partial<DarkRunRequest> = {}): DarkRunRequest => ({
  open: { xtcDir: '/x', experiment: 'cxi12345' },
  runs: [1],
  detectors: ['CSPAD'],
  numEvents: 1000,
  thresholds,
  ...over,
});

describe('run-level dark driver: event selection', () => {
  it('skips, then takes num_events events', async () => {
    const seen = new Map<string, number[]>();
    const r = await runDarkPass(base({ skipEvents: 3, numEvents: 5 }), engines(() => memoryRun(20), seen));
    expect(seen.get(CSPAD)).toEqual([3, 4, 5, 6, 7]);
    expect([r.eventsRead, r.eventsUsed]).toEqual([8, 5]);
    expect(r.sources.map((s) => [s.source, s.detector, s.frames])).toEqual([[CSPAD, 'CSPAD', 5]]);
  });

  it('event codes: any of the listed codes', async () => {
    const seen = new Map<string, number[]>();
    const codes = (i: number) => (i % 3 === 0 ? [40, 140] : i % 3 === 1 ? [43] : [162]);
    const r = await runDarkPass(base({ eventCodes: [40, 43], numEvents: 6 }), engines(() => memoryRun(30, { codes }), seen));
    expect(seen.get(CSPAD)).toEqual([0, 1, 3, 4, 6, 7]);
    expect(r.eventsRejected).toBe(2);
  });

  it('event codes: a negative code vetoes', async () => {
    const seen = new Map<string, number[]>();
    const codes = (i: number) => (i % 2 === 0 ? [162] : [40]);
    await runDarkPass(base({ eventCodes: [-162], numEvents: 4 }), engines(() => memoryRun(30, { codes }), seen));
    expect(seen.get(CSPAD)).toEqual([1, 3, 5, 7]);
  });

  it('a detector named by a source in any spelling selects that source (the one Source parser)', async () => {
    for (const name of [CSPAD, 'DetInfo(CxiDs1-0|Cspad-0)', ' CxiDs1-0|Cspad-0 ']) {
      const seen = new Map<string, number[]>();
      const r = await runDarkPass(base({ detectors: [name], numEvents: 4 }), engines(() => memoryRun(10), seen));
      expect(r.sources.map((s) => [s.source, s.detector, s.frames]), name).toEqual([[CSPAD, name, 4]]);
      expect(seen.has(OPAL), name).toBe(false);
    }
    await expect(runDarkPass(base({ detectors: ['CxiDs1.0:Cspad.1'] }), engines(() => memoryRun(10), new Map()))).rejects.toThrow(DetectorNotFoundError);
  });

  it('damaged frames are excluded for that source only', async () => {
    const seen = new Map<string, number[]>();
    const r = await runDarkPass(base({ detectors: ['cspad', 'opal1000'], numEvents: 6 }), engines(() => memoryRun(10, { damaged: (i) => (i === 2 ? 0x4000 : 0) }), seen));
    expect(seen.get(CSPAD)).toEqual([0, 1, 3, 4, 5]);
    expect(seen.get(OPAL)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.sources.find((s) => s.source === CSPAD)!.damaged).toBe(1);
  });

  it('reads the runs of a list in order', async () => {
    const seen = new Map<string, number[]>();
    const r = await runDarkPass(base({ runs: [4, 5], numEvents: 7 }), engines((run) => memoryRun(4, { file: `r${run}.xtc` }), seen));
    expect(seen.get(CSPAD)).toEqual([0, 1, 2, 3, 0, 1, 2]);
    expect(r.files).toEqual(['r4.xtc', 'r5.xtc']);
  });

  it('reports progress and a final done report', async () => {
    const reports: DarkProgress[] = [];
    await runDarkPass(base({ numEvents: 50, onProgress: (p) => reports.push(p), progressIntervalSec: 0 }), engines(() => memoryRun(100), new Map()));
    const last = reports[reports.length - 1];
    expect(last).toMatchObject({ done: true, eventsUsed: 50, eventsTarget: 50, etaSec: 0 });
    expect(reports.length).toBeGreaterThan(1);
  });
});

describe('run-level dark driver: failures', () => {
  it('a detector that is not in the run names the available sources', async () => {
    const err = await runDarkPass(base({ detectors: ['pnCCD'] }), engines(() => memoryRun(20), new Map())).catch((e) => e);
    expect(err).toBeInstanceOf(DetectorNotFoundError);
    expect(err.message).toContain('"pnCCD" not found in cxi12345 run 1; available: CxiDg2.0:Opal1000.0, CxiDs1.0:Cspad.0');
  });

  it('gives up on a missing detector after scan_events events', async () => {
    let read = 0;
    const reader = memoryRun(1000);
    const counting: RunReader = {
      ...reader,
      async *events() {
        for await (const e of reader.events()) {
          read++;
          yield e;
        }
      },
    };
    await expect(runDarkPass(base({ detectors: ['Epix100a'], scanEvents: 10 }), engines(() => counting, new Map()))).rejects.toThrow(DetectorNotFoundError);
    expect(read).toBe(10);
  });

  it('too few events is an InsufficientDataError with the counts', async () => {
    const codes = (i: number) => (i < 2 ? [40] : [41]);
    const err = await runDarkPass(base({ eventCodes: [40] }), engines(() => memoryRun(20, { codes }), new Map())).catch((e) => e);
    expect(err).toBeInstanceOf(InsufficientDataError);
    expect(err.message).toMatch(/2 usable frame\(s\).*18 rejected by event codes.*at least 3/);
  });

  it('a missing run propagates RunNotFoundError', async () => {
    await expect(runDarkPass(base({ runs: [99] }), engines(() => memoryRun(5), new Map()))).rejects.toThrow(RunNotFoundError);
  });

  it('stops on abort', async () => {
    const ac = new AbortController();
    const p = runDarkPass(
      base({ signal: ac.signal, onProgress: (pr) => pr.eventsRead >= 10 && ac.abort(), progressIntervalSec: 0 }),
      engines(() => memoryRun(10000), new Map()),
    );
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('event-code selector (dark-processing.md §2.7)', () => {
  it.each<[number[] | undefined, number[], boolean]>([
    [undefined, [], true],
    [[40, 43], [43], true],
    [[40, 43], [41], false],
    [[40], [], false],
    [[-40, 43], [43], false],
    [[-40, 43], [41], true],
    [[-40], [], false],
  ])('codes %j, event %j → %s', (codes, ev, ok) => {
    expect(makeEventCodeSelector(codes)(ev)).toBe(ok);
  });
});
