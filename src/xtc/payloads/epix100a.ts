/**
 * Epix100a configuration payloads (TypeId 84 Epix100aConfig: Epix::Config100aV1/V2), after psddldata
 * `epix.ddl`. The data are Epix::ElementV2/V3 (see `epix-element.ts`): raw frame (704, 768) uint16.
 */
import { XtcFormatError } from '../../errors.js';
import type { EpixLayoutItem } from './epix-layout.js';
import {
  type EpixElementConfig,
  type EpixElementConfigLayout,
  type EpixElementGeometry,
  EPIX_GEOMETRY_FIELDS,
  decodeEpixElementConfig,
  encodeEpixElementConfig,
} from './epix-element.js';

const SCOPE: readonly EpixLayoutItem[] = ['Scope', 'ScopeTriggerParms_1', 'ScopeTriggerParms_2', 'ScopeWaveformSelects'];
const GEOMETRY_HEAD: readonly EpixLayoutItem[] = [...EPIX_GEOMETRY_FIELDS, 'baseClockFrequency', 'asicMask'];
const TIMING: readonly EpixLayoutItem[] = ['acqToAsicR0Delay', 'asicR0ToAsicAcq', 'asicAcqWidth', 'asicAcqLToPPmatL', 'asicPPmatToReadout', 'asicRoClkHalfT'];
const CARDS: readonly EpixLayoutItem[] = ['digitalCardId0', 'digitalCardId1', 'analogCardId0', 'analogCardId1'];

/** Epix::Config100aV1 (uint32 head of 36 words, then 4 × Asic100aConfigV1 of 25 words, pixel config). */
export const CONFIG100A_V1: EpixElementConfigLayout = {
  name: 'Epix Config100aV1',
  asicRegisters: 25,
  head: [
    'version', 'runTrigDelay', 'daqTrigDelay', 'dacSetting', 'asicPins', 'asicControls', ...TIMING,
    'adcReadsPerPixel', 'adcClkHalfT', 'asicR0Width', 'adcPipelineDelay', 'Sync', 'prepulseR0Width', 'prepulseR0Delay',
    ...CARDS, ...GEOMETRY_HEAD, ...SCOPE,
  ],
};

/** Epix::Config100aV2 (adds PGP-EVR codes, per-lane pipeline delays, carrier ids, automatic run trigger). */
export const CONFIG100A_V2: EpixElementConfigLayout = {
  name: 'Epix Config100aV2',
  asicRegisters: 25,
  head: [
    'version', 'usePgpEvr', 'evrRunCode', 'evrDaqCode', 'evrRunTrigDelay', 'epixRunTrigDelay', 'dacSetting', 'asicPins', 'asicControls',
    ...TIMING, 'adcReadsPerPixel', 'adcClkHalfT', 'asicR0Width', 'adcPipelineDelay',
    'adcPipelineDelay0', 'adcPipelineDelay1', 'adcPipelineDelay2', 'adcPipelineDelay3', 'Sync', 'prepulseR0Width', 'prepulseR0Delay',
    ...CARDS, 'carrierId0', 'carrierId1', ...GEOMETRY_HEAD, 'enableAutomaticRunTrigger', 'numberOf125MhzTicksPerRunTrigger', ...SCOPE,
  ],
};

/** Layout of an Epix100aConfig version. */
export function epix100aConfigLayout(version: number): EpixElementConfigLayout | undefined {
  return version === 1 ? CONFIG100A_V1 : version === 2 ? CONFIG100A_V2 : undefined;
}

/** The geometry of every Epix100a: 2×2 ASICs of 352 rows × 384 pixels, 2 calibration rows and 1 environmental row per ASIC. */
export const EPIX100A_GEOMETRY: EpixElementGeometry = {
  numberOfAsicsPerRow: 2,
  numberOfAsicsPerColumn: 2,
  numberOfRowsPerAsic: 352,
  numberOfReadableRowsPerAsic: 352,
  numberOfPixelsPerAsicRow: 384,
  calibrationRowCountPerASIC: 2,
  environmentalRowCountPerASIC: 1,
};

/** psana raw shape of an Epix100a. */
export const EPIX100A_SHAPE: readonly number[] = [704, 768];

/** Decode an Epix100aConfig payload (v1 or v2). */
export function decodeEpix100aConfig(p: Uint8Array, version: number, file?: string, offset = 0): EpixElementConfig {
  const layout = epix100aConfigLayout(version);
  if (!layout) throw new XtcFormatError({ file, offset, what: 'Epix100aConfig', expected: 'version 1 or 2', found: `version ${version}` });
  return decodeEpixElementConfig(p, layout, version, file, offset);
}

/** Encode an Epix100aConfig of the standard geometry (fields not given are 0; `version` field = 1). */
export function encodeEpix100aConfig(version: number, fields: Record<string, number> = {}): Uint8Array {
  const layout = epix100aConfigLayout(version);
  if (!layout) throw new RangeError(`Epix100aConfig version ${version} (expected 1 or 2)`);
  return encodeEpixElementConfig(layout, { geometry: EPIX100A_GEOMETRY, fields: { version: 1, asicMask: 0xf, baseClockFrequency: 100_000_000, ...fields } });
}
