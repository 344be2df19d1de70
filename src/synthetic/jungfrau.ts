/** Synthetic Jungfrau runs: the configuration and element leaves of the run generator. */
import { TypeId } from '../xtc/enums.js';
import type { Src } from '../xtc/src.js';
import type { XtcSpec } from '../xtc/writer.js';
import {
  type JungfrauConfig,
  defaultJungfrauConfig,
  encodeJungfrauConfig,
  jungfrauElementSize,
  writeJungfrauElementInto,
} from '../xtc/payloads/jungfrau.js';
import type { PixelModel } from './model.js';

/** What the run generator needs to write a Jungfrau: its configuration leaf and element writer. */
export interface JungfrauWriterSetup {
  config: JungfrauConfig;
  configLeaf: XtcSpec;
  dataTypeId: number;
  dataVersion: number;
  payloadSize: number;
  write(p: Uint8Array, at: number, frame: Int16Array | Uint16Array | Uint8Array, ev: { index: number; fiducials: number }): void;
}

/** The JungfrauConfig and element writer of a synthetic Jungfrau model (its truth fixes modules, gain mode, versions). */
export function jungfrauWriterSetup(model: PixelModel, src: Src): JungfrauWriterSetup {
  const t = model.jungfrau;
  if (!t) throw new RangeError(`${model.source}: not a Jungfrau model`);
  const config: JungfrauConfig = {
    ...defaultJungfrauConfig(t.configVersion, t.modules, t.gainMode),
    numberOfRowsPerModule: t.rows,
    numberOfColumnsPerModule: t.cols,
  };
  const ev = t.elementVersion;
  return {
    config,
    configLeaf: { src, typeId: TypeId.JungfrauConfig, version: config.version, payload: encodeJungfrauConfig(config) },
    dataTypeId: TypeId.JungfrauElement,
    dataVersion: ev,
    payloadSize: jungfrauElementSize(ev, config),
    write: (p, at, frame, e) =>
      void writeJungfrauElementInto(p, at, frame as Uint16Array, ev, config, {
        frameNumber: 1000 + e.index,
        fiducials: e.fiducials,
        ticks: e.index,
        moduleInfo: Array.from({ length: t.modules }, (_, m) => ({ timestamp: BigInt(e.index) * 83333n, exposureTime: 100, moduleID: m, xCoord: m, yCoord: 0, zCoord: 0 })),
      }),
  };
}
