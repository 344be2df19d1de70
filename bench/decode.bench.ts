/**
 * Frame decode throughput of every area-detector decoder: in-memory payloads (one per detector, random
 * pixels, built with the payload encoders), decoded warm through the registry's `decode(ctx)` into the
 * reused per-source scratch, as the XTC reader does. Figures are GB/s of pixel payload per second (best
 * of 5 timed batches, each ≥ 0.2 s). A payload whose pixels start on an odd byte (`unaligned`) is also
 * timed for the decoders that otherwise hand out zero-copy views. Target: ≥ 5 GB/s each.
 */
import { availableParallelism, loadavg } from 'node:os';
import { CSPAD } from '../src/detectors/cspad.js';
import { CSPAD2X2 } from '../src/detectors/cspad2x2.js';
import { PNCCD } from '../src/detectors/pnccd.js';
import { CAMERAS } from '../src/detectors/cameras.js';
import { EPIX100A } from '../src/detectors/epix100a.js';
import { EPIX10KA2M } from '../src/detectors/epix10ka.js';
import { JUNGFRAU } from '../src/detectors/jungfrau.js';
import type { DetectorType } from '../src/detectors/types.js';
import type { ConfigEntry } from '../src/xtc/decoding.js';
import { ScratchBuffers } from '../src/xtc/event.js';
import { TypeId } from '../src/xtc/enums.js';
import { defaultCspadConfig, encodeCspadConfig, encodeCspadData } from '../src/xtc/payloads/cspad.js';
import { CSPAD2X2_PIXELS, encodeCspad2x2Element } from '../src/xtc/payloads/cspad2x2.js';
import { PNCCD_COLS, PNCCD_ROWS, defaultPnccdConfig, encodePnccdConfig, encodePnccdFrames } from '../src/xtc/payloads/pnccd.js';
import { encodeCameraFrame } from '../src/xtc/payloads/camera.js';
import { EPIX100A_GEOMETRY, encodeEpix100aConfig } from '../src/xtc/payloads/epix100a.js';
import { epixElementSize, epixElementSizes, writeEpixElementInto } from '../src/xtc/payloads/epix-element.js';
import {
  EPIX10KA_PANEL_PIXELS,
  encodeEpix10kaArrayConfig,
  epix10kaArraySize,
  epix10kaModeSetting,
  writeEpix10kaArrayInto,
} from '../src/xtc/payloads/epix10ka.js';
import { defaultJungfrauConfig, encodeJungfrauConfig, encodeJungfrauElement, jungfrauPixels } from '../src/xtc/payloads/jungfrau.js';

const TARGET_GBS = 5;

/** One detector payload to decode, with the configuration its decoder looks up. */
interface DecodeCase {
  name: string;
  type: DetectorType;
  typeId: number;
  version: number;
  payload: Uint8Array;
  /** Pixel bytes in the payload (what the GB/s figure counts). */
  pixelBytes: number;
  configs: Map<number, ConfigEntry>;
}

function randomU16(n: number, seed: number): Uint16Array {
  const a = new Uint16Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    a[i] = s & 0x3fff;
  }
  return a;
}

/** The payload copied to start one byte into a fresh buffer (pixels no longer 2-byte aligned). */
function unaligned(p: Uint8Array): Uint8Array {
  const b = new Uint8Array(p.length + 1);
  b.set(p, 1);
  return b.subarray(1);
}

function cfgMap(typeId: number, version: number, bytes: Uint8Array): Map<number, ConfigEntry> {
  return new Map([[typeId, { typeId, version, bytes }]]);
}

/** The payloads, one per detector kind. */
export function decodeCases(): DecodeCase[] {
  const cases: DecodeCase[] = [];
  const cspadCfg = defaultCspadConfig(5);
  const cspadRaw = new Int16Array(randomU16(32 * 185 * 388, 1).buffer);
  cases.push({
    name: 'CSPAD (32,185,388) int16',
    type: CSPAD,
    typeId: TypeId.CspadElement,
    version: 2,
    payload: encodeCspadData(cspadRaw, 2, cspadCfg),
    pixelBytes: cspadRaw.byteLength,
    configs: cfgMap(TypeId.CspadConfig, 5, encodeCspadConfig(cspadCfg)),
  });
  const c2 = encodeCspad2x2Element(new Int16Array(randomU16(CSPAD2X2_PIXELS, 2).buffer));
  for (const [suffix, payload] of [['', c2], [', unaligned', unaligned(c2)]] as const) {
    cases.push({ name: `CSPAD2x2 (185,388,2) int16${suffix}`, type: CSPAD2X2, typeId: TypeId.Cspad2x2Element, version: 1, payload, pixelBytes: CSPAD2X2_PIXELS * 2, configs: new Map() });
  }
  const pnCfg = defaultPnccdConfig(2);
  const pnRaw = randomU16(4 * PNCCD_ROWS * PNCCD_COLS, 3);
  cases.push({
    name: 'pnCCD (4,512,512) uint16',
    type: PNCCD,
    typeId: TypeId.pnCCDframe,
    version: 1,
    payload: encodePnccdFrames(pnRaw, pnCfg),
    pixelBytes: pnRaw.byteLength,
    configs: cfgMap(TypeId.pnCCDconfig, 2, encodePnccdConfig(pnCfg)),
  });
  const opal = CAMERAS.find((c) => c.name === 'OPAL1000')!;
  const camPx = randomU16(1024 * 1024, 4);
  const cam = encodeCameraFrame({ width: 1024, height: 1024, depth: 12, offset: 32 }, camPx);
  for (const [suffix, payload] of [['', cam], [', unaligned', unaligned(cam)]] as const) {
    cases.push({ name: `FrameV1 camera (1024,1024) uint16${suffix}`, type: opal, typeId: TypeId.Frame, version: 1, payload, pixelBytes: camPx.byteLength, configs: new Map() });
  }
  const e100 = epixElementSizes(EPIX100A_GEOMETRY);
  const e100p = new Uint8Array(epixElementSize(e100, 3));
  const e100Frame = randomU16(e100.readableRows * e100.columns, 5);
  writeEpixElementInto(e100p, 0, e100, { frame: e100Frame }, 3);
  cases.push({
    name: 'Epix100a (704,768) uint16',
    type: EPIX100A,
    typeId: TypeId.EpixElement,
    version: 3,
    payload: e100p,
    pixelBytes: e100Frame.byteLength,
    configs: cfgMap(TypeId.Epix100aConfig, 2, encodeEpix100aConfig(2)),
  });
  const panels = 16;
  const e2m = new Uint8Array(epix10kaArraySize(panels));
  const e2mFrame = randomU16(panels * EPIX10KA_PANEL_PIXELS, 6);
  writeEpix10kaArrayInto(e2m, 0, panels, { frame: e2mFrame });
  cases.push({
    name: 'Epix10ka2M (16,352,384) uint16',
    type: EPIX10KA2M,
    typeId: TypeId.Epix10kaArray,
    version: 1,
    payload: e2m,
    pixelBytes: e2mFrame.byteLength,
    configs: cfgMap(TypeId.Epix10ka2MConfig, 2, encodeEpix10kaArrayConfig('2m', 2, Array.from({ length: panels }, () => epix10kaModeSetting('FH')))),
  });
  const jfCfg = defaultJungfrauConfig(3, 8);
  const jfRaw = randomU16(jungfrauPixels(jfCfg), 7);
  cases.push({
    name: 'Jungfrau 4M (8,512,1024) uint16',
    type: JUNGFRAU,
    typeId: TypeId.JungfrauElement,
    version: 2,
    payload: encodeJungfrauElement(jfRaw, 2, jfCfg),
    pixelBytes: jfRaw.byteLength,
    configs: cfgMap(TypeId.JungfrauConfig, 3, encodeJungfrauConfig(jfCfg)),
  });
  return cases;
}

/** Best GB/s of decoding `c` repeatedly into one reused scratch. */
function measure(c: DecodeCase): { gbs: number; view: boolean } {
  const scratch = new ScratchBuffers();
  const ctx = { payload: c.payload, typeId: c.typeId, version: c.version, config: (id: number) => c.configs.get(id), scratch, fileOffset: 0 };
  const first = c.type.decode(ctx);
  if (!first) throw new Error(`${c.name}: decoder returned nothing`);
  const view = first.data.buffer === c.payload.buffer;
  let sink = 0;
  let best = Infinity;
  let reps = 8;
  for (let batch = 0; batch < 6; batch++) {
    let t: number;
    for (;;) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) sink += c.type.decode(ctx)!.data[i & 1023] as number;
      t = (performance.now() - t0) / 1000;
      if (t >= 0.2) break;
      reps *= 2;
    }
    if (batch > 0) best = Math.min(best, t / reps);
  }
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return { gbs: c.pixelBytes / best / 1e9, view };
}

/** One line per decoder: name, pixel bytes, GB/s and whether the frame is a view of the payload (for other benches to print too). */
export function decodeRates(): { name: string; pixelBytes: number; gbs: number; view: boolean }[] {
  return decodeCases().map((c) => ({ name: c.name, pixelBytes: c.pixelBytes, ...measure(c) }));
}

export async function run(): Promise<void> {
  console.log(`decode: load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores; GB/s of pixel payload, warm, best of 5 batches`);
  for (const c of decodeRates()) {
    const { gbs, view } = c;
    const how = view ? 'zero-copy view of the payload' : 'copied into the reused scratch';
    console.log(
      `decode: ${c.name.padEnd(44)} ${(c.pixelBytes / 2 ** 20).toFixed(2).padStart(6)} MB  ${gbs.toFixed(1).padStart(7)} GB/s  ` +
        `(${how}; target ≥ ${TARGET_GBS} GB/s: ${gbs >= TARGET_GBS ? 'met' : 'NOT met'})`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
