import { TypeId } from '../xtc/enums.js';
import { type PnccdConfig, defaultPnccdConfig, encodePnccdConfig, pnccdFrameSize, writePnccdFramesInto } from '../xtc/payloads/pnccd.js';
import type { Src } from '../xtc/src.js';
import type { SyntheticDetectorSpec } from './model.js';
import type { DetectorWriterSetup } from './writer-setup.js';

/** The pnCCD of a synthetic run: pnCCDconfig (version `spec.configVersion`, default 2) and one pnCCDframe v1 per link. */
export function pnccdWriterSetup(spec: SyntheticDetectorSpec, src: Src): DetectorWriterSetup {
  const cfg: PnccdConfig = defaultPnccdConfig(spec.configVersion ?? 2);
  return {
    configLeaf: { src, typeId: TypeId.pnCCDconfig, version: cfg.version, payload: encodePnccdConfig(cfg) },
    dataTypeId: TypeId.pnCCDframe,
    dataVersion: 1,
    payloadSize: cfg.numLinks * pnccdFrameSize(cfg),
    write: (p, at, f, e) => void writePnccdFramesInto(p, at, f as Uint16Array, cfg, e.index, e.sec, e.nsec),
  };
}
