import { describe, expect, it } from 'vitest';
import { XtcFormatError } from '../../src/errors.js';
import { eventsFromBytes, xtcRunFromBytes } from '../../src/detectors/runs.js';
import { syntheticRunFiles } from '../../src/synthetic/index.js';
import { BytesDgramReader, DgramReader, TypeId, bytesSource, detInfoSrc, encodeDgram, eventXtc, segmentXtc, type DgramSpec } from '../../src/xtc/index.js';

const camSpec = { events: 5, detectors: [{ type: 'OPAL1000', width: 16, height: 8, depth: 8 }] };
const { files } = syntheticRunFiles(camSpec);
const whole = files[0].bytes;

async function collect(bytes: Uint8Array, readAhead: boolean | number = false): Promise<{ n: number; trunc: DgramReader['truncation'] }> {
  const r = new DgramReader(bytesSource(bytes, 'f.xtc'));
  let n = 0;
  while (await r.next(readAhead)) n++;
  return { n, trunc: r.truncation };
}

function dgram(children: DgramSpec['root']['children']): Uint8Array {
  return encodeDgram({ transition: 12, sec: 1, nsec: 0, root: eventXtc(children ?? []) }).slice();
}

describe('truncated and corrupt input', () => {
  it('yields every complete datagram of a truncated file and reports the truncation', async () => {
    const full = await collect(whole);
    expect(full.trunc).toBeUndefined();
    for (const cut of [whole.length - 1, whole.length - 30, whole.length - 45]) {
      const r = await collect(whole.subarray(0, cut));
      expect(r.n).toBe(full.n - 1);
      expect(r.trunc?.file).toBe('f.xtc');
      expect(r.trunc!.offset + r.trunc!.found).toBe(cut);
    }
  });

  it('reads ahead 1 or 2 datagrams: the same datagrams, offsets and truncation; a datagram stays intact until the next call', async () => {
    const cut = whole.subarray(0, whole.length - 30);
    const plain = new DgramReader(bytesSource(cut, 'f.xtc'));
    const want: Array<{ offset: number; bytes: Uint8Array }> = [];
    for (let d = await plain.next(); d; d = await plain.next()) want.push({ offset: d.offset, bytes: d.bytes.slice() });
    for (const depth of [1, 2, true] as const) {
      expect(await collect(cut, depth), `read-ahead ${depth}`).toEqual({ n: want.length, trunc: plain.truncation });
      const r = new DgramReader(bytesSource(cut, 'f.xtc'));
      let k = 0;
      for (let d = await r.next(depth); d; d = await r.next(depth), k++) {
        // the reads ahead have had time to land; the datagram returned still holds its own bytes
        await new Promise((resolve) => setTimeout(resolve, 1));
        expect(d.offset).toBe(want[k].offset);
        expect(d.bytes).toEqual(want[k].bytes);
        expect(r.position).toBe(want[k].offset + want[k].bytes.length);
      }
      expect(k).toBe(want.length);
    }
  });

  it('gives the same datagrams and truncation through the synchronous bytes reader', async () => {
    const cut = whole.subarray(0, whole.length - 30);
    const r = new BytesDgramReader(cut, 'f.xtc');
    expect([...r].length).toBe((await collect(cut)).n);
    expect(r.truncation).toEqual((await collect(cut)).trunc);
    const events = [...eventsFromBytes(whole, 'f.xtc')];
    expect(events.map((e) => e.index)).toEqual([0, 1, 2, 3, 4]);
    const b = whole.slice();
    new DataView(b.buffer).setUint32(36, 3, true);
    expect(() => new BytesDgramReader(b, 'f.xtc').next()).toThrow(XtcFormatError);
  });

  it('reports truncation in scans and events of a run', async () => {
    const cutFiles = [{ name: files[0].name, bytes: whole.subarray(0, whole.length - 100) }];
    const scan = await xtcRunFromBytes(cutFiles).scan();
    expect(scan.truncated).toHaveLength(1);
    expect(scan.transitions.Unconfigure).toBeUndefined();
    expect(scan.events).toBe(5);
    const run = xtcRunFromBytes(cutFiles);
    let n = 0;
    for await (const ev of run.events()) n += ev.frame('XppEndstation.0:Opal1000.0') ? 1 : 0;
    expect(n).toBe(5);
    expect(run.truncations).toHaveLength(1);
  });

  it('rejects a datagram extent smaller than a header, with file and offset', async () => {
    const b = whole.slice();
    const second = 20 + new DataView(b.buffer).getUint32(36, true);
    new DataView(b.buffer).setUint32(second + 36, 12, true);
    const err = await collect(b).catch((e) => e);
    expect(err).toBeInstanceOf(XtcFormatError);
    expect(err).toMatchObject({ file: 'f.xtc', offset: second + 36, found: '12' });
  });

  it('rejects an extent larger than the file', async () => {
    const b = whole.slice();
    new DataView(b.buffer).setUint32(36, b.length + 100, true);
    await expect(collect(b)).rejects.toThrow(/no larger than the file/);
  });

  it('rejects a child larger than its parent and a zero extent (no endless loop)', async () => {
    const src = detInfoSrc(0x08000501);
    for (const bad of [1000, 0]) {
      const b = dgram([segmentXtc([{ src, typeId: TypeId.Frame, version: 1, payload: new Uint8Array(16) }], 1)]);
      new DataView(b.buffer).setUint32(40 + 20 + 16, bad, true); // leaf extent
      const run = xtcRunFromBytes([{ name: 'x.xtc', bytes: b }]);
      const err = await (async () => {
        for await (const _ of run.events()) void _;
      })().catch((e) => e);
      expect(err).toBeInstanceOf(XtcFormatError);
      expect(err.offset).toBe(60);
      const scanErr = await xtcRunFromBytes([{ name: 'x.xtc', bytes: b }]).scan().catch((e) => e);
      expect(scanErr).toBeInstanceOf(XtcFormatError);
    }
  });

  it('lists unknown TypeIds in scans and skips them in events', async () => {
    const src = detInfoSrc(0x08000501);
    const b = dgram([segmentXtc([{ src, typeId: 4000, version: 3, payload: new Uint8Array(8) }], 1)]);
    const scan = await xtcRunFromBytes([{ name: 'u.xtc', bytes: b }]).scan();
    expect(scan.unknownTypes).toEqual([{ typeId: 4000, version: 3, count: 1 }]);
    for await (const ev of xtcRunFromBytes([{ name: 'u.xtc', bytes: b }]).events()) {
      expect(ev.frame('Camp.0:pnCCD.1')).toBeUndefined();
    }
  });

  it('does not descend into IncompleteContribution containers', async () => {
    const src = detInfoSrc(0x08000501);
    const seg = segmentXtc([{ src, typeId: TypeId.Frame, version: 1, payload: new Uint8Array(16) }], 1);
    const b = dgram([{ ...seg, damage: 0x8000 }]);
    const scan = await xtcRunFromBytes([{ name: 'i.xtc', bytes: b }]).scan();
    expect(scan.sources.some((s) => s.type === 'Frame')).toBe(false);
  });

  it('lists compressed payloads and returns no frame for them (decompression unsupported)', async () => {
    const src = detInfoSrc(0x08000501);
    const b = dgram([segmentXtc([{ src, typeId: TypeId.Frame, version: 1, compressed: true, payload: new Uint8Array(24) }], 1)]);
    const scan = await xtcRunFromBytes([{ name: 'c.xtc', bytes: b }]).scan();
    expect(scan.sources.find((s) => s.type === 'Frame')).toMatchObject({ compressed: true, version: 1 });
    for await (const ev of xtcRunFromBytes([{ name: 'c.xtc', bytes: b }]).events()) {
      expect(ev.sources).toEqual(['Camp.0:pnCCD.1']);
      expect(ev.frame('Camp.0:pnCCD.1')).toBeUndefined();
      expect(ev.eventCodes).toEqual([]);
    }
  });
});
