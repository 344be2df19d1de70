import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventsFromBytes, xtcRunFromBytes, xtcRunFromSources } from '../../src/detectors/runs.js';
import { PixelKind, generateSyntheticRun, syntheticRunFiles, type SyntheticFile, type SyntheticTruth } from '../../src/synthetic/index.js';
import { blobSource, readableStreamSource, type XtcRunReader } from '../../src/xtc/index.js';
import { openXtcRun } from '../../src/node/xtc-run.js';
import { SMALL_SPEC, sameValues } from './helpers.js';

let truth: SyntheticTruth;
let files: SyntheticFile[];
let dir: string;
const gen = generateSyntheticRun(SMALL_SPEC);

beforeAll(() => {
  ({ truth, files } = syntheticRunFiles(SMALL_SPEC, 12e6));
  dir = mkdtempSync(join(tmpdir(), 'calibman-xtc-'));
  for (const f of files) writeFileSync(join(dir, f.name), f.bytes);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const readers: Record<string, () => Promise<XtcRunReader>> = {
  bytes: async () => xtcRunFromBytes(files),
  'bytes without read-ahead': async () => xtcRunFromBytes(files, { readAhead: false }),
  'bytes reading one datagram ahead': async () => xtcRunFromBytes(files, { readAhead: 1 }),
  file: async () => (await openXtcRun({ files: files.map((f) => join(dir, f.name)) })) as XtcRunReader,
  stream: async () =>
    xtcRunFromSources(
      files.map((f) =>
        readableStreamSource(
          new ReadableStream<Uint8Array>({
            start(c) {
              for (let i = 0; i < f.bytes.length; i += 1_000_003) c.enqueue(f.bytes.slice(i, i + 1_000_003));
              c.close();
            },
          }),
          f.name,
        ),
      ),
    ),
  blob: async () => xtcRunFromSources(files.map((f) => blobSource(new Blob([f.bytes as Uint8Array<ArrayBuffer>]), f.name))),
};

describe('synthetic run round trip', () => {
  it('splits streams into chunks', () => {
    expect(new Set(files.map((f) => f.stream))).toEqual(new Set([0, 1]));
    expect(files.filter((f) => f.stream === 0).length).toBeGreaterThan(1);
  });

  for (const [name, open] of Object.entries(readers)) {
    it(`reads every event and frame back through the ${name} source`, async () => {
      const run = await open();
      let n = 0;
      for await (const ev of run.events()) {
        const te = truth.events[ev.index];
        expect(ev.index).toBe(n++);
        expect([ev.sec, ev.nsec, ev.fiducials, ev.stream, ev.calibCycle]).toEqual([te.sec, te.nsec, te.fiducials, te.stream, te.calibCycle]);
        expect(ev.eventCodes).toEqual(te.eventCodes);
        expect(ev.eventCodes.includes(162)).toBe(te.dark);
        truth.detectors.forEach((d, i) => {
          if (te.dropped.includes(d.source)) {
            expect(ev.damage(d.source)).toBe(2);
            expect(ev.frame(d.source)).toBeUndefined();
            return;
          }
          expect(ev.damage(d.source)).toBe(0);
          const f = ev.frame(d.source)!;
          expect(f.shape).toEqual(d.shape);
          expect(f.data.constructor.name).toBe({ int16: 'Int16Array', uint16: 'Uint16Array', uint8: 'Uint8Array' }[d.dtype as string]);
          expect(sameValues(f.data.subarray(f.offset, f.offset + f.size) as ArrayLike<number>, gen.expectedFrame(i, ev.index))).toBe(true);
        });
      }
      expect(n).toBe(truth.events.length);
      expect(run.truncations).toEqual([]);
    });
  }

  it('reads the same events synchronously from the bytes of each file', () => {
    let n = 0;
    for (const f of files.filter((x) => x.chunk === 0 && x.stream === 1)) {
      for (const ev of eventsFromBytes(f.bytes, f.name, f.stream)) {
        const te = truth.events.filter((e) => e.stream === 1)[ev.index];
        expect([ev.sec, ev.nsec, ev.calibCycle]).toEqual([te.sec, te.nsec, te.calibCycle]);
        expect(sameValues(ev.frame('Camp.0:pnCCD.1')!.data as Uint16Array, gen.expectedFrame(2, te.index))).toBe(true);
        n++;
      }
    }
    expect(n).toBeGreaterThan(0);
  });

  it('decodes frames that obey the pixel model (absent sections, dead and saturated pixels)', async () => {
    const run = xtcRunFromBytes(files);
    const cs = truth.detectors[0];
    for await (const ev of run.events()) {
      if (ev.index !== 0) continue;
      const f = ev.frame('cspad')!; // alias from the AliasConfig
      expect(ev.detectorType('cspad')).toBe('CSPAD');
      const data = f.data as Int16Array;
      let bad = 0;
      let special = 0;
      for (let i = 0; i < data.length; i++) {
        const k = cs.kind[i];
        if (k === PixelKind.Absent || k === PixelKind.Dead) bad += data[i] === 0 ? 0 : 1;
        else if (k === PixelKind.Saturated) bad += data[i] === 16383 ? 0 : 1;
        if (k === PixelKind.Dead || k === PixelKind.Saturated) special++;
      }
      expect(special).toBeGreaterThan(1000);
      expect(bad).toBe(0);
      // section 17 (quad 2, section 1) is absent, section 16 present with the model's level
      const sect = 185 * 388;
      let mean = 0;
      for (let i = 16 * sect; i < 17 * sect; i++) mean += data[i] - cs.pedestals[i];
      expect(Math.abs(mean / sect)).toBeLessThan(1);
      expect(data.subarray(17 * sect, 18 * sect).every((v) => v === 0)).toBe(true);
    }
  });

  it('scans sources, counts, calib cycles and damage', async () => {
    const scan = await xtcRunFromBytes(files).scan();
    expect(scan.events).toBe(6);
    expect(scan.calibCycles).toBe(2);
    expect(scan.transitions.Configure).toBe(2);
    const cs = scan.sources.find((s) => s.source === 'CxiDs1.0:Cspad.0' && s.type === 'CspadElement')!;
    expect(cs).toMatchObject({ version: 2, events: 6, damaged: 1, detectorType: 'CSPAD' });
    expect(scan.damageBySource['CxiDs1.0:Cspad.0']).toBe(1);
    expect(scan.sources.find((s) => s.type === 'pnCCDconfig')?.version).toBe(1);
    expect(scan.bytes).toBe(files.reduce((s, f) => s + f.bytes.length, 0));
    expect(scan.aliases).toEqual({ cspad: 'CxiDs1.0:Cspad.0' });
  });

  it('gives the same scan from files as from bytes (header-only reads)', async () => {
    const a = await xtcRunFromBytes(files).scan();
    const run = await openXtcRun({ files: files.map((f) => join(dir, f.name)) });
    const b = await run.scan();
    expect({ ...b, files: [] }).toEqual({ ...a, files: [] });
    for (const kind of ['stream', 'blob'] as const) {
      const c = await (await readers[kind]()).scan();
      expect({ ...c, files: [] }).toEqual({ ...a, files: [] });
    }
  });
});
