/**
 * The XTC reader decodes frames only through the decoder lookup it is handed; the registry composition
 * (`xtcRunFromBytes` of the package, `DETECTOR_DECODERS`) hands it the registry. The reader's own
 * modules never import src/detectors.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateSyntheticRun, syntheticRunFiles } from '../../src/synthetic/index.js';
import * as composed from '../../src/detectors/runs.js';
import * as reader from '../../src/xtc/run-inputs.js';
import { eventsFromBytes as readerEvents } from '../../src/xtc/sync-events.js';
import { type FrameDecoderLookup, NO_FRAME_DECODERS } from '../../src/xtc/decoding.js';
import { DETECTOR_DECODERS } from '../../src/detectors/runs.js';
import { ndarrayOf, toCOrder } from '../../src/io/ndarray.js';

const SOURCE = 'CxiDg2.0:Opal1000.0';
const spec = { events: 3, seed: 5, streams: 1, detectors: [{ type: 'OPAL1000', source: SOURCE, width: 8, height: 6, depth: 12 }] };

describe('frame decoders come from a lookup', () => {
  it('without a lookup the reader lists sources but decodes no frame; the composition decodes the truth', async () => {
    const { files } = syntheticRunFiles(spec);
    const expected = generateSyntheticRun(spec);
    for await (const ev of reader.xtcRunFromBytes(files).events()) {
      expect(ev.sources).toContain(SOURCE);
      expect(ev.frame(SOURCE)).toBeUndefined();
      expect(ev.detectorType(SOURCE)).toBeUndefined();
    }
    for await (const ev of composed.xtcRunFromBytes(files).events()) {
      expect(ev.detectorType(SOURCE)).toBe('OPAL1000');
      expect([...(toCOrder(ev.frame(SOURCE)!) as Uint16Array)]).toEqual([...expected.expectedFrame(0, ev.index)]);
    }
    const scan = await composed.xtcRunFromBytes(files).scan();
    expect(scan.sources.find((s) => s.source === SOURCE && s.type === 'Frame')?.detectorType).toBe('OPAL1000');
    const bare = await reader.xtcRunFromBytes(files, { decoders: NO_FRAME_DECODERS }).scan();
    expect(bare.sources.find((s) => s.source === SOURCE && s.type === 'Frame')?.detectorType).toBeUndefined();
  });

  it('uses the decoder the lookup gives, in the async and the sync reader', async () => {
    const { files } = syntheticRunFiles(spec);
    const asked: string[] = [];
    const lookup: FrameDecoderLookup = {
      decoderFor(source) {
        asked.push(source);
        return { name: 'FAKE', dataTypes: [], decode: (ctx) => ndarrayOf(Uint8Array.of(ctx.payload.length & 0xff), [1]) };
      },
    };
    for await (const ev of reader.xtcRunFromBytes(files, { decoders: lookup }).events()) {
      expect(ev.detectorType(`DetInfo(${SOURCE})`)).toBe('FAKE');
      expect(ev.frame(SOURCE)!.shape).toEqual([1]);
    }
    for (const ev of readerEvents(files[0].bytes, files[0].name, 0, lookup)) expect(ev.detectorType(SOURCE)).toBe('FAKE');
    expect(asked).toContain(SOURCE);
    for (const ev of composed.eventsFromBytes(files[0].bytes, files[0].name)) expect(ev.frame(SOURCE)!.shape).toEqual([6, 8]);
    expect(DETECTOR_DECODERS.decoderFor('CxiDs1.0:Cspad.0')?.name).toBe('CSPAD');
  });

  it('nothing under src/xtc (index and subfolders included) imports src/detectors or src/synthetic', () => {
    const dir = fileURLToPath(new URL('../../src/xtc/', import.meta.url));
    const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('run.ts');
    expect(files).toContain('index.ts');
    expect(files.some((f) => f.startsWith('payloads'))).toBe(true);
    for (const f of files) {
      expect(readFileSync(`${dir}${f}`, 'utf8'), f).not.toMatch(/(from|import\() *'(\.\.\/)+(detectors|synthetic)\//);
    }
  });
});
