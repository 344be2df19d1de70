/**
 * Enumerations of the LCLS-I XTC format (pdsdata): transitions, levels, TypeIds, DetInfo detectors and
 * devices, BldInfo types and damage bits, with the printed names psana uses.
 */

/** Transition names by TransitionId value (pdsdata `TransitionId::name`). */
export const TRANSITION_NAMES: readonly string[] = [
  'Unknown', 'Reset', 'Map', 'Unmap', 'Configure', 'Unconfigure', 'BeginRun', 'EndRun',
  'BeginCalibCycle', 'EndCalibCycle', 'Enable', 'Disable', 'L1Accept',
];

/** TransitionId values. */
export const TransitionId = {
  /** No transition (default value). */
  Unknown: 0,
  /** Reset of the DAQ partition. */
  Reset: 1,
  /** Map: the partition's nodes are allocated. */
  Map: 2,
  /** Unmap: the partition's nodes are released. */
  Unmap: 3,
  /** Configure: carries the detectors' configuration objects. */
  Configure: 4,
  /** Unconfigure: ends a Configure. */
  Unconfigure: 5,
  /** BeginRun: start of a run. */
  BeginRun: 6,
  /** EndRun: end of a run. */
  EndRun: 7,
  /** BeginCalibCycle: start of a calib cycle (a step; may carry updated configuration). */
  BeginCalibCycle: 8,
  /** EndCalibCycle: end of a calib cycle. */
  EndCalibCycle: 9,
  /** Enable: triggers enabled; events follow. */
  Enable: 10,
  /** Disable: triggers disabled. */
  Disable: 11,
  /** L1Accept: one event's data. */
  L1Accept: 12,
} as const;

/** Name of a TransitionId (`-Invalid-` beyond the table, as pdsdata prints it). */
export function transitionName(id: number): string {
  return TRANSITION_NAMES[id] ?? '-Invalid-';
}

/** Level names by value (bits 24-31 of `src.log`). */
export const LEVEL_NAMES: readonly string[] = ['Control', 'Source', 'Segment', 'Event', 'Recorder', 'Observer', 'Reporter'];

/** Level values. */
export const Level = {
  /** Control level (the DAQ control process). */
  Control: 0,
  /** Source level (a DetInfo/BldInfo/ProcInfo data source). */
  Source: 1,
  /** Segment level (a readout node). */
  Segment: 2,
  /** Event level (an event builder node). */
  Event: 3,
  /** Recorder level (the recording node). */
  Recorder: 4,
  /** Observer level (a monitoring node). */
  Observer: 5,
  /** Reporter level. */
  Reporter: 6,
} as const;

/** Name of a Level value (`Level<n>` when unknown). */
export function levelName(level: number): string {
  return LEVEL_NAMES[level] ?? `Level${level}`;
}

/** Damage bit masks (Xtc word 0). */
export const Damage = {
  /** Bit 1: a contribution was dropped. */
  DroppedContribution: 1 << 1,
  /** Bit 11: the payload was not initialised. */
  Uninitialized: 1 << 11,
  /** Bit 12: the contribution arrived out of order. */
  OutOfOrder: 1 << 12,
  /** Bit 13: the contribution is out of synch with the others of its event. */
  OutOfSynch: 1 << 13,
  /** Bit 14: user-defined damage (details in the user bits 24-31). */
  UserDefined: 1 << 14,
  /** Bit 15: this contribution is incomplete. */
  IncompleteContribution: 1 << 15,
  /** Bit 16: the container holds an incomplete contribution. */
  ContainsIncomplete: 1 << 16,
} as const;

/**
 * psana's default damage policy for detector data: deliver only undamaged contributions, or
 * OutOfOrder-only damage when `outOfOrder` is enabled (off by default in psana).
 */
export function psanaAcceptsDamage(damage: number, options: { outOfOrder?: boolean } = {}): boolean {
  if (damage === 0) return true;
  return options.outOfOrder === true && damage >>> 0 === Damage.OutOfOrder;
}

/** TypeId values used by calibman's decoders and writer (pdsdata `TypeId::Type`). */
export const TypeId = {
  /** Any type (wildcard). */
  Any: 0,
  /** Container Xtc holding child Xtcs. */
  Xtc: 1,
  /** Camera frame (Camera::Frame). */
  Frame: 2,
  /** Opal1000 camera configuration. */
  Opal1kConfig: 6,
  /** Camera frame feature-extraction configuration. */
  FrameFexConfig: 7,
  /** Event receiver (EVR) configuration. */
  EvrConfig: 8,
  /** Pulnix TM6740 camera configuration. */
  TM6740Config: 9,
  /** Run control configuration (pdsdata name RunControlConfig). */
  ControlConfig: 10,
  /** pnCCD frame data. */
  pnCCDframe: 11,
  /** pnCCD configuration. */
  pnCCDconfig: 12,
  /** EVR data (FIFO event codes). */
  EvrData: 19,
  /** CSPAD element (per-quad) data. */
  CspadElement: 28,
  /** CSPAD configuration. */
  CspadConfig: 29,
  /** CSPAD2x2 element data. */
  Cspad2x2Element: 41,
  /** CSPAD2x2 configuration. */
  Cspad2x2Config: 43,
  /** Quartz camera configuration. */
  QuartzConfig: 57,
  /** Hamamatsu Orca camera configuration. */
  OrcaConfig: 66,
  /** Source alias configuration (alias names of sources). */
  AliasConfig: 69,
  /** Rayonix detector configuration. */
  RayonixConfig: 73,
  /** Epix element data (Epix100a and relatives). */
  EpixElement: 75,
  /** Epix100a configuration. */
  Epix100aConfig: 84,
  /** Controls camera configuration. */
  ControlsCameraConfig: 105,
  /** Jungfrau configuration. */
  JungfrauConfig: 107,
  /** Jungfrau element data. */
  JungfrauElement: 108,
  /** Andor Zyla camera configuration. */
  ZylaConfig: 110,
  /** Epix10ka configuration. */
  Epix10kaConfig: 112,
  /** Epix10ka2M configuration. */
  Epix10ka2MConfig: 117,
  /** Epix10ka array data (Epix10kaQuad / Epix10ka2M). */
  Epix10kaArray: 118,
  /** Epix10kaQuad configuration. */
  Epix10kaQuadConfig: 120,
} as const;

/** TypeId name strings by value (pdsdata `TypeId::name`). */
export const TYPE_ID_NAMES: readonly string[] = [
  'Any', 'Xtc', 'Frame', 'AcqWaveform', 'AcqConfig', 'TwoDGaussian', 'Opal1kConfig', 'FrameFexConfig', 'EvrConfig',
  'TM6740Config', 'RunControlConfig', 'pnCCDframe', 'pnCCDconfig', 'Epics', 'FEEGasDetEnergy', 'EBeamBld',
  'PhaseCavity', 'PrincetonFrame', 'PrincetonConfig', 'EvrData', 'FrameFccdConfig', 'FccdConfig', 'IpimbData',
  'IpimbConfig', 'EncoderData', 'EncoderConfig', 'EvrIOConfig', 'PrincetonInfo', 'CspadElement', 'CspadConfig',
  'IpmFexConfig', 'IpmFex', 'DiodeFexConfig', 'DiodeFex', 'PimImageConfig', 'SharedIpimb', 'AcqTDCConfig',
  'AcqTDCData', 'Index', 'XampsConfig', 'XampsElement', 'Cspad2x2Element', 'SharedPIM', 'Cspad2x2Config',
  'FexampConfig', 'FexampElement', 'Gsc16aiConfig', 'Gsc16aiData', 'PhasicsConfig', 'TimepixConfig', 'TimepixData',
  'CspadCompressedElement', 'OceanOpticsConfig', 'OceanOpticsData', 'EpicsConfig', 'FliConfig', 'FliFrame',
  'QuartzConfig', 'Reserved1', 'Reserved2', 'AndorConfig', 'AndorFrame', 'UsdUsbData', 'UsdUsbConfig', 'GMD',
  'SharedAcqADC', 'OrcaConfig', 'ImpData', 'ImpConfig', 'AliasConfig', 'L3TConfig', 'L3TData', 'Spectrometer',
  'RayonixConfig', 'EpixConfig', 'EpixElement', 'EpixSamplerConfig', 'EpixSamplerElement', 'EvsConfig',
  'PartitionConfig', 'PimaxConfig', 'PimaxFrame', 'Arraychar', 'Epix10kConfig', 'Epix100aConfig', 'GenericPgpConfig',
  'TimeToolConfig', 'TimeToolData', 'EpixSConfig', 'SmlDataConfig', 'SmlDataOrigDgramOffset', 'SmlDataProxy',
  'ArrayUInt16', 'GotthardConfig', 'AnalogInput', 'SmlData', 'Andor3dConfig', 'Andor3dFrame', 'BeamMonitorBldData',
  'Generic1DConfig', 'Generic1DData', 'UsdUsbFexConfig', 'UsdUsbFexData', 'EOrbits', 'SharedUsdUsb',
  'ControlsCameraConfig', 'ArchonConfig', 'JungfrauConfig', 'JungfrauElement', 'QuadAdcConfig', 'ZylaConfig',
  'ZylaFrame', 'Epix10kaConfig', 'PixisConfig', 'PixisFrame', 'UxiConfig', 'UxiFrame', 'Epix10ka2MConfig',
  'Epix10kaArray', 'StreakConfig', 'Epix10kaQuadConfig', 'iStarConfig', 'AlviumConfig', 'VimbaFrame',
];

/** TypeIds that pdsdata's `TypeId::is_configuration()` reports as configuration data. */
export const CONFIG_TYPE_IDS: ReadonlySet<number> = new Set([
  4, 6, 7, 9, 10, 12, 18, 20, 21, 23, 25, 26, 29, 30, 32, 34, 36, 39, 43, 44, 46, 48, 49, 52, 55, 57, 60, 63, 66, 68, 69, 70, 73, 74, 76, 78, 79, 80, 83, 84, 85, 86, 88, 93, 96, 99, 101, 105, 106, 107, 109, 110, 112, 113, 115, 117, 119, 120, 121, 122,
]);

/** Name of a TypeId (`Type<n>` when unknown). */
export function typeIdName(id: number): string {
  return TYPE_ID_NAMES[id] ?? `Type${id}`;
}

/** DetInfo detector printed names by value (bits 24-31 of `src.phy`). */
export const DETECTOR_NAMES: readonly string[] = [
  'NoDetector', 'AmoIMS', 'AmoGD', 'AmoETOF', 'AmoITOF', 'AmoMBES', 'AmoVMI', 'AmoBPS', 'Camp', 'EpicsArch', 'BldEb',
  'SxrBeamline', 'SxrEndstation', 'XppSb1Ipm', 'XppSb1Pim', 'XppMonPim', 'XppSb2Ipm', 'XppSb3Ipm', 'XppSb3Pim',
  'XppSb4Pim', 'XppGon', 'XppLas', 'XppEndstation', 'AmoEndstation', 'CxiEndstation', 'XcsEndstation',
  'MecEndstation', 'CxiDg1', 'CxiDg2', 'CxiDg3', 'CxiDg4', 'CxiKb1', 'CxiDs1', 'CxiDs2', 'CxiDsu', 'CxiSc1',
  'CxiDsd', 'XcsBeamline', 'CxiSc2', 'MecXuvSpectrometer', 'MecXrtsForw', 'MecXrtsBack', 'MecFdi', 'MecTimeTool',
  'MecTargetChamber', 'FeeHxSpectrometer', 'XrayTransportDiagnostic', 'Lamp', 'MfxEndstation', 'MfxDg1', 'MfxDg2',
  'XrtDiag', 'DetLab',
];

/** DetInfo device printed names by value (bits 8-15 of `src.phy`). */
export const DEVICE_NAMES: readonly string[] = [
  'NoDevice', 'Evr', 'Acqiris', 'Opal1000', 'Tm6740', 'pnCCD', 'Princeton', 'Fccd', 'Ipimb', 'Encoder', 'Cspad',
  'AcqTDC', 'Xamps', 'Cspad2x2', 'Fexamp', 'Gsc16ai', 'Phasics', 'Timepix', 'Opal2000', 'Opal4000', 'OceanOptics',
  'Opal1600', 'Opal8000', 'Fli', 'Quartz4A150', 'Andor', 'USDUSB', 'OrcaFl40', 'Imp', 'Epix', 'Rayonix',
  'EpixSampler', 'Pimax', 'Fccd960', 'Epix10k', 'Epix100a', 'EpixS', 'Gotthard', 'DualAndor', 'Wave8', 'LeCroy',
  'ControlsCamera', 'Archon', 'Jungfrau', 'Zyla', 'Epix10ka', 'Pixis', 'Uxi', 'Epix10ka2M', 'StreakC7700',
  'Epix10kaQuad', 'JungfrauSegment', 'JungfrauSegmentM2', 'JungfrauSegmentM3', 'JungfrauSegmentM4', 'iStar',
  'QuadAdc', 'Alvium',
];

/** BldInfo printed names by type value. */
export const BLD_NAMES: readonly string[] = [
  'EBeam', 'PhaseCavity', 'FEEGasDetEnergy', 'NH2-SB1-IPM-01', 'XCS-IPM-01', 'XCS-DIO-01', 'XCS-IPM-02',
  'XCS-DIO-02', 'XCS-IPM-03', 'XCS-DIO-03', 'XCS-IPM-03m', 'XCS-DIO-03m', 'XCS-YAG-1', 'XCS-YAG-2', 'XCS-YAG-3m',
  'XCS-YAG-3', 'XCS-YAG-mono', 'XCS-IPM-mono', 'XCS-DIO-mono', 'XCS-DEC-mono', 'MEC-LAS-EM-01', 'MEC-TCTR-PIP-01',
  'MEC-TCTR-DI-01', 'MEC-XT2-IPM-02', 'MEC-XT2-IPM-03', 'MEC-HXM-IPM-01', 'GMD', 'CxiDg1_Imb01', 'CxiDg2_Imb01',
  'CxiDg2_Imb02', 'CxiDg3_Imb01', 'CxiDg1_Pim', 'CxiDg2_Pim', 'CxiDg3_Pim', 'XppMon_Pim0', 'XppMon_Pim1',
  'XppSb2_Ipm', 'XppSb3_Ipm', 'XppSb3_Pim', 'XppSb4_Pim', 'XppEnds_Ipm0', 'XppEnds_Ipm1', 'MEC-XT2-PIM-02',
  'MEC-XT2-PIM-03', 'CxiDg3_Spec', 'NH2-SB1-IPM-02', 'FEE-SPEC0', 'SXR-SPEC0', 'XPP-SPEC0', 'XCS-USR-IPM-01',
  'XCS-USR-IPM-02', 'XCS-USR-IPM-03', 'XCS-USR-IPM-04', 'XCS-IPM-04', 'XCS-DIO-04', 'XCS-IPM-05', 'XCS-DIO-05',
  'XCS-IPM-gon', 'XCS-IPM-ladm', 'XPP-AIN-01', 'XCS-AIN-01', 'AMO-AIN-01', 'MFX-BEAMMON-01', 'EOrbits', 'MfxDg1_Pim',
  'MfxDg2_Pim', 'SXR-AIN-01', 'HX2-SB1-BMMON', 'XRT-USB-ENCODER-01', 'XPP-USB-ENCODER-01', 'XPP-USB-ENCODER-02',
  'XCS-USB-ENCODER-01', 'CXI-USB-ENCODER-01', 'XCS-SND-DIO', 'MFX-USR-DIO', 'XPP-SB2-BMMON', 'XPP-SB3-BMMON',
  'HFX-DG2-BMMON', 'XCS-SB1-BMMON', 'XCS-SB2-BMMON', 'CXI-DG2-BMMON', 'CXI-DG3-BMMON', 'MFX-DG1-BMMON',
  'MFX-DG2-BMMON', 'MFX-AIN-01', 'MEC-AIN-01', 'FEE-AIN-01', 'MEC-XT2-BMMON-02', 'MEC-XT2-BMMON-03', 'XPP-USR-DIO',
  'XPP-ALC-DIO', 'XCS-USR-DIO', 'CXI-USR-DIO', 'MEC-USR-DIO', 'MFX-USB-ENCODER-01', 'HXX-DG1-BMMON-01',
  'EM3L0-BMMON',
];

