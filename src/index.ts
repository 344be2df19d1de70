/**
 * calibman — calibration management for LCLS X-ray area detectors.
 *
 * The curated public API of the platform-neutral core (bytes and typed arrays in, no Node APIs: it bundles for a
 * browser). Each section names what one module offers; everything else is internal. Files, processes, threads,
 * the calib store on disk and the CalibManager facade are in `calibman/node` (src/node/index.ts).
 * @packageDocumentation
 * @module calibman
 */

// ---- errors -------------------------------------------------------------------------------------
export {
  CalibmanError,
  XtcFormatError,
  GeometryFileError,
  GeometryLimitError,
  CrystfelPanelMapError,
  MetrologyInputError,
  CalibStoreError,
  NdarrayFileError,
  DetectorNotFoundError,
  ConfigError,
  InsufficientDataError,
  RunNotFoundError,
  JobError,
  DecompressionLimitError,
  GainModeError,
} from './errors.js';
export { VERSION } from './version.js';

// ---- io: ndarray files --------------------------------------------------------------------------
export type { DType, TypedArray } from './io/dtype.js';
export type { NdArray, TypedNdArray } from './io/ndarray.js';
export { ndarrayOf, toCOrder } from './io/ndarray.js';
export { readNpy, writeNpy, readNpyPreamble, parseNpyHeader, type NpyHeader, type NpyPreamble } from './io/npy.js';
export { readNpz, writeNpz, type NpzEntry, type NpzReadOptions, DEFAULT_NPZ_MAX_UNCOMPRESSED_BYTES } from './io/npz.js';
export {
  parseNdarrayText,
  parseNdarrayTextBytes,
  formatNdarrayText,
  formatNdarrayTextBytes,
  parseDTypeName,
  formatPsanaTimestamp,
  cspad2x2NaturalToDaq,
  cspad2x2DaqToNatural,
  CSPAD_SIZE,
  CSPAD2X2_SIZE,
  CSPAD_SHAPE,
  CSPAD2X2_SHAPE,
  CSPAD2X2_DAQ_SHAPE,
} from './io/ndarray-text.js';
export type {
  FormatNdarrayTextOptions,
  ParseNdarrayTextOptions,
  ParsedNdarrayText,
  NdarrayTextInfo,
} from './io/ndarray-text.js';
export { compileNumberFormat } from './io/ndarray-text-format.js';
export type { NumberFormatter } from './io/ndarray-text-format.js';

// ---- xtc ----------------------------------------------------------------------------------------
export {
  TransitionId as XtcTransitionId,
  Damage as XtcDamage,
  Level as XtcLevel,
  TypeId as XtcTypeId,
  psanaAcceptsDamage,
  transitionName,
  levelName,
  typeIdName,
  sourceString,
  detInfoString,
  detInfoPdsName,
  parseDetInfo,
  DgramReader,
  BytesDgramReader,
  walkXtc,
  readDgramHeader,
  bytesSource,
  blobSource,
  readableStreamSource,
  XtcRunReader,
  parseXtcFileName,
  xtcFileName,
  parseExpNameDb,
  selectRunFiles,
  runsInListing,
  type ExpNameDb,
  type ExpNameDbEntry,
  type RunNaming,
  type RunFileSelection,
  decodeCspadConfig,
  encodeCspadConfig,
  defaultCspadConfig,
  assembleCspad,
  encodeCspadData,
  decodeCspad2x2Config,
  encodeCspad2x2Config,
  encodeCspad2x2Element,
  decodePnccdConfig,
  encodePnccdConfig,
  assemblePnccd,
  encodePnccdFrames,
  cameraPixels,
  encodeCameraFrame,
  decodeOpal1kConfig,
  encodeOpal1kConfig,
  decodeEvrEventCodes,
  decodeEvrData,
  encodeEvrData,
  decodeAliasConfig,
  encodeAliasConfig,
  EVENT_CODE_DARK,
  EVENT_CODE_BEAM,
} from './xtc/index.js';
export { eventsFromBytes, xtcRunFromBytes, xtcRunFromSources } from './detectors/runs.js';
export { PixelKind, buildPixelModel, generateSyntheticRun, syntheticRunFiles, demoDarkRunSpec, demoLightRunSpec } from './synthetic/index.js';
export type {
  Src,
  DgramHeader,
  XtcNode,
  Dgram,
  XtcTruncation,
  XtcByteSource,
  XtcEvent,
  XtcScan,
  XtcScanSource,
  XtcStreamInput,
  XtcRunReaderOptions,
  XtcFileName,
  XtcSpec,
  DgramSpec,
  CspadConfig,
  Cspad2x2Config,
  PnccdConfig,
  Opal1kConfig,
  CameraFrameHeader,
  FifoEvent,
  SrcAlias,
} from './xtc/index.js';
export type {
  SyntheticDetectorSpec,
  LightSignalSpec,
  LightSignalTruth,
  PixelModel,
  SyntheticRunSpec,
  SyntheticTruth,
  SyntheticEventTruth,
  SyntheticRun,
  SyntheticFile,
} from './synthetic/index.js';

// ---- detectors ----------------------------------------------------------------------------------
export {
  DETECTOR_TYPES,
  registerDetectorType,
  AREA_CALIB_TYPES,
  getDetectorType,
  requireDetectorType,
  detectorTypeOfSource,
  sourceDevice,
  resolveDetectors,
  normalizeSource,
  defaultGeometryFor,
} from './detectors/index.js';
export { DETECTOR_MENU, DETECTOR_MENU_NAMES } from './detectors/menu.js';
export type {
  DetectorType,
  DecodeContext,
  ConfigEntry,
  FrameScratch,
  TypeIdVersions,
  DetectorGeometryInfo,
  ResolvedDetector,
} from './detectors/index.js';

// ---- dark ---------------------------------------------------------------------------------------
export {
  CALIBRUN_DARK_DEFAULTS,
  NDARRAVERAGE_DEFAULTS,
  resolveDarkParams,
  resolveNdArrAverageParams,
  dataBitMask,
  computeDarkGates,
  sameGates,
  createDarkAccumulator,
  accumulateDarkPiece,
  mergeDarkStates,
  summariseDark,
  DARK_STATUS_BITS,
  evaluateLimits,
  createNdArrAverageAccumulator,
  mergeNdArrAverageStates,
  summariseNdArrAverage,
  evaluateRmsThreshold,
  NDARRAVERAGE_STATUS_BITS,
  encodeDarkState,
  decodeDarkState,
  createDarkEventSelector,
  parseEventCodes,
  eventCodesMatch,
  darkWorkPrefix,
  darkResultFileName,
  darkGeometryFileName,
  darkOutputTemplate,
  expandDarkTemplate,
  insertSourceBeforeExtension,
  runString,
  DARK_OUTPUT_KINDS,
  formatDarkOutputs,
} from './dark/index.js';
export type {
  DarkParams,
  NdArrAverageParams,
  FrameInput,
  DarkGates,
  DarkAccumulator,
  DarkAccumulatorOptions,
  DarkState,
  DarkSums,
  DarkResult,
  DarkArrayName,
  Limits,
  NdArrAverageAccumulator,
  NdArrAverageState,
  AnyDarkState,
  DarkEventSelection,
  DarkEventDecision,
  DarkEventInfo,
  DarkFileKind,
  DarkNameParts,
  DarkTemplateValues,
  DarkOutputKind,
  DarkOutputHeader,
  DarkThreading,
  DarkThreadPort,
} from './dark/index.js';
export { webDarkThreading, webDarkThreadsAvailable, type WebDarkThreading } from './dark/web-threads.js';

// ---- deploy (calib store) -----------------------------------------------------------------------
export {
  CALIB_TYPES,
  CALIB_TYPE_NAMES,
  isCalibType,
  getCalibType,
  calibTypesForGroup,
  parseSource,
  formatSource,
  sourceDirName,
  DEVICE_CALIB_GROUPS,
  DETECTOR_MENU_GROUPS,
  calibGroupForSource,
  calibGroupForDetector,
  parseRunRange,
  formatRunRange,
  parseCalibFileName,
  calibFileName,
  findCalibFile,
  formatFindExplanation,
  calibFileCoverage,
  formatDeployRecord,
  formatDeleteRecord,
  parseHistory,
  calibTypeDir,
  calibFilePath,
  splitCalibFilePath,
  formatShowCmd,
  formatOperation,
  validateConstants,
  checkCalibFile,
  detectorLayoutFor,
  compareConstants,
  formatQualityTable,
} from './deploy/index.js';
export type {
  CalibTypeInfo,
  DetInfoSource,
  RunRange,
  FindResult,
  FindOptions,
  FinderCandidate,
  CandidateVerdict,
  FileCoverage,
  HistoryContext,
  HistoryRecord,
  CalibFileLocation,
  CalibOperation,
  ConstantsExpectation,
  DetectorLayoutExpectation,
  AcceptedLayout,
  ValidationReport,
  ValidationProblem,
  QualityReport,
  SegmentQuality,
} from './deploy/index.js';

// ---- geometry -----------------------------------------------------------------------------------
export type { GeometryFile, GeometryRecord } from './geometry/file-format.js';
export { parseGeometryText, formatGeometryText, formatGeometryRecord } from './geometry/file-format.js';
export type { ObjectRef, ObjectParams, CoordOptions, IndexMapOptions, GeometryLimits, GeometryLoadOptions } from './geometry/geometry-access.js';
export { DEFAULT_MAX_IMAGE_PIXELS, checkImagePixels } from './geometry/image-limits.js';
export { DEFAULT_MAX_GEOMETRY_DEPTH } from './geometry/tree.js';
export { MAX_GEOMETRY_POSITION_UM, MAX_GEOMETRY_ANGLE_DEG } from './geometry/file-format.js';
export { GeometryAccess, parseObjectName } from './geometry/geometry-access.js';
export type { Coords, CoordExtent } from './geometry/transform.js';
export type { PixelIndexes, IndexOptions, ImageAssemblerOptions, AssemblyEngine, AssemblyDtype, AssemblyArrays, AssemblyImage } from './geometry/image.js';
export { imageFromPixelArrays, ndarrayFromImage, ImageAssembler, xyToRowCol, coordExtent } from './geometry/image.js';
export type { SegmentGeometry, SegmentMaskOptions } from './geometry/segments.js';
export { segmentGeometry, isSegmentName } from './geometry/segments.js';
export type { CrystfelExportOptions } from './geometry/crystfel-export.js';
export { geometryToCrystfel, CRYSTFEL_EXPORT_SEGMENTS } from './geometry/crystfel-export.js';
export type { CrystfelGeom, CrystfelImportOptions } from './geometry/crystfel-import.js';
export { crystfelToGeometryText, parseCrystfelGeom, inferCrystfelDettype, CRYSTFEL_IMPORT_TYPES } from './geometry/crystfel-import.js';
export type { CrystfelDetector, CrystfelPanel, Vec3 as CrystfelVec3 } from './geometry/crystfel-geom.js';
export { readCrystfelDetector, crystfelPanelPoint } from './geometry/crystfel-geom.js';
export type { CrystfelFit, CrystfelFitOptions, CrystfelCornerConvention, FittedSegment } from './geometry/crystfel-fit.js';
export { fitCrystfelDetector, CRYSTFEL_FIT_TYPES } from './geometry/crystfel-fit.js';
export type { CrystfelPanelMap } from './geometry/crystfel-panel-map.js';
export type { GeometryComparison, ObjectDelta, PixelDelta } from './geometry/compare.js';
export { getDefaultGeometryText, defaultGeometryTypes, frameGeometry, frameGeometryText } from './geometry/defaults.js';

// ---- mask ---------------------------------------------------------------------------------------
export type {
  RoiMode,
  RoiForm,
  RectangleForm,
  CircleForm,
  RingForm,
  WedgeForm,
  PolygonForm,
  LineForm,
  RoiFormsFile,
  ImageShape,
  PixelIndexMaps,
  RoiMaskOptions,
} from './mask/index.js';
export {
  roiFormSchema,
  roiFormsFileSchema,
  validateRoiForms,
  parseRoiForms,
  formatRoiForms,
  parseMedForms,
  forEachPixelInForm,
  rasterizeForm,
  rasterizeForms,
  STATUS_BITS,
  ALL_STATUS_BITS,
  maskFromStatus,
  andMasks,
  orMasks,
  invertMask,
  maskImageToNdarray,
  roiMaskNdarray,
  checkFormsImageShape,
  maskFileKind,
  formatMaskText,
  formatMaskNpy,
  encodeMaskFile,
} from './mask/index.js';

// ---- plot ---------------------------------------------------------------------------------------
export type {
  ColormapName,
  RgbaImage,
  ImageRenderOptions,
  Rgb,
  AxesSpec,
  Axes,
  Histogram,
  HistogramOptions,
  HistogramPlotOptions,
  XYSeries,
  XYPlotOptions,
  DisplayImage,
  ImageAxis,
  ImageCategory,
  ImageOverlay,
  ImageFigureOptions,
  ImageFigureLayout,
} from './plot/index.js';
export {
  COLORMAPS,
  colormapLut,
  autoRange,
  imageToRgba,
  RgbaCanvas,
  niceTicks,
  formatTick,
  drawAxes,
  histogram,
  drawHistogram,
  drawXYPlot,
  toFloat32,
  assembleImage,
  tileSegments,
  displayImage,
  reachedBins,
  drawImageFigure,
  renderFigurePicture,
  encodePng,
  renderImagePng,
  renderNdarrayPng,
  renderImageFigurePng,
  renderNdarrayFigurePng,
  renderHistogramPng,
  renderXYPlotPng,
} from './plot/index.js';
export { setPngDeflate, fflatePngDeflate, type PngDeflate, type EncodePngOptions } from './plot/png.js';

// ---- metrology ----------------------------------------------------------------------------------
export type {
  MetrologyPoint,
  MetrologyTable,
  MetrologyPointLocation,
  MetrologySurvey,
  MetrologyLayout,
  XlsxReadOptions,
  SensorLayout,
  SensorMeasure,
  MetrologyVariant,
  MetrologyResult,
  MetrologyProcessOptions,
  MetrologyGeometryHeader,
  MetrologyQualityReport,
  MetrologyTolerances,
  SensorQualityRow,
  MetrologyPlotOptions,
  MetrologyConvertOptions,
  MetrologyOutputs,
} from './metrology/index.js';
export {
  parseMetrologyText,
  formatMetrologyText,
  readMetrologyXlsx,
  writeMetrologyXlsx,
  DEFAULT_XLSX_MAX_UNCOMPRESSED_BYTES,
  readMetrologyInput,
  toSurvey,
  processSurvey,
  convertMetrology,
  guessVariant,
  measureSensor,
  xppOpticalPoint,
  formatMetrologyGeometry,
  formatCenterText,
  formatCenterUmText,
  formatTiltText,
  buildMetrologyQualityReport,
  formatMetrologyQualityText,
  metrologyQualityJson,
  renderMetrologyPlot,
  METROLOGY_VARIANTS,
  METROLOGY_TOLERANCES,
} from './metrology/index.js';

// ---- alignment ----------------------------------------------------------------------------------
export type {
  RingImageOptions,
  PreparedImage,
  RingCenterResult,
  AlignOptions,
  ObjectAlignment,
  AlignmentResult,
  AlignedObject,
  RingFitPixels,
  RingFitSettings,
  RingFitResult,
  FittedRing,
  RingOffset,
  ObjectRingStats,
  RadialProfile,
  AlignmentPictureOptions,
} from './alignment/index.js';
export {
  fitRingCenter,
  prepareImage,
  alignGeometry,
  selectObjects,
  pixelOwners,
  toParentFrame,
  fitRings,
  goodPixels,
  radialProfile,
  findRings,
  renderAlignmentPng,
  formatAlignmentReport,
  formatCenterReport,
  alignmentReportJson,
} from './alignment/index.js';

// ---- report -------------------------------------------------------------------------------------
export {
  summariseDarkSource,
  formatDarkSummaryTable,
  buildDarkReportHtml,
  maxPoolImage,
  STATUS_CLASSES,
  statusCategoryCodes,
  absentSegmentPixels,
  statusLegend,
  type StatusClass,
  type DarkTruth,
  type DarkSummaryInput,
  type DarkSourceSummary,
  type PlantedPixels,
  type DarkReport,
  type DarkReportSection,
  type ReportFigureSection,
  type ReportImage,
  type PooledImage,
  ringContrast,
  type RingContrast,
} from './report/index.js';

// ---- pictures ready to draw: the report's pictures and spectra (also the facade's picture/spectrum) ----
export {
  DARK_PICTURE_KINDS,
  prepareDarkPictures,
  darkPicture,
  arrayPicture,
  darkSpectrum,
  type DarkPictureKind,
  type DarkPictureSource,
  type DarkPictureOptions,
  type DarkPictureSet,
  type DetectorPicture,
  type ContinuousColorbar,
  type CategoricalColorbar,
  type ArrayPictureOptions,
  type DarkSpectrum,
  type SpectrumThresholds,
} from './report/pictures.js';
export { experimentYear, groupExperimentsByYear, type ExperimentYearGroup } from './xtc/experiment-year.js';

// ---- calibration: applying constants (psana det.calib / det.image / det.mask) --------------------
export {
  CalibratedDetector,
  CommonModeCorrector,
  createDetector,
  calibrateFrame,
  combinedMask,
  defaultCommonModePars,
  parseCommonModePars,
  parseDetectorConstants,
  DETECTOR_CALIB_TYPES,
  MASK_FLAGS as DETECTOR_MASK_FLAGS,
  detectorCalibTypes,
  multiGainKindOf,
  multiGainDefaultCommonModePars,
  parseMultiGainCommonModePars,
  MultiGainCalibrator,
  JUNGFRAU_CALIB_TYPES,
} from './calibration/index.js';
export type {
  MultiGainConstants,
  MultiGainFrameOptions,
  CalibOptions,
  CommonModeOptions,
  CommonModeUnit,
  CommonModeVariant,
  ConstantFile,
  ConstantOrigin,
  DetectorCalibType,
  DetectorConstants,
  DetectorInput,
  FrameCalibration,
  FrameLayout,
  MultiGainKind,
  ImageOptions as DetectorImageOptions,
  MaskOptions as DetectorMaskOptions,
  PipelinedCalib,
  PipelinedImage,
  PixelRegion,
} from './calibration/index.js';
export {
  MedianCommonMode,
  applyPanelMedianCommonMode,
  float32Median,
  parseAlgorithm7Pars,
  type Algorithm7Pars,
  type MedianBlock,
  type MedianLimits,
} from './calibration/median-common-mode.js';
export { Epix100aCommonMode, EPIX100A_DEFAULT_CMPARS, type Epix100aMedian } from './calibration/epix100a-common-mode.js';

// ---- Jungfrau: payloads, synthetic gain-stage runs, gain-stage darks -----------------------------
export { JUNGFRAU } from './detectors/index.js';
export {
  JungfrauGainMode,
  decodeJungfrauConfig,
  encodeJungfrauConfig,
  defaultJungfrauConfig,
  assembleJungfrau,
  encodeJungfrauElement,
  jungfrauGainIndex,
} from './xtc/index.js';
export { jungfrauDarkRunSpecs } from './synthetic/index.js';
export type { JungfrauConfig, JungfrauElementHeader } from './xtc/index.js';
export type { JungfrauSyntheticSpec, JungfrauTruth, JungfrauDarkSetOptions } from './synthetic/index.js';
export { JungfrauStageDark, JungfrauStageMerger, mergeJungfrauStages, jungfrauStageResultOfState, JUNGFRAU_BAD_SWITCH_STATUS } from './dark/gain-modes/jungfrau.js';
export type { JungfrauStageResult, JungfrauStageState, JungfrauGainConstants, JungfrauStageDarkOptions } from './dark/gain-modes/jungfrau.js';
export { runJungfrauDark, jungfrauGainModeLookup } from './dark/gain-modes/jungfrau-run.js';
export type { JungfrauDarkRunInput, JungfrauDarkRunResult, JungfrauRunSourceResult } from './dark/gain-modes/jungfrau-run.js';
export { JUNGFRAU_DARK_JOB, jungfrauStagesOf } from './dark/gain-modes/jungfrau-job.js';
export type { JungfrauRunReport, JungfrauDarkSourceResult } from './dark/gain-modes/jungfrau-job.js';

// ---- Epix10ka family: seven-range pedestals from the calib cycles of a calibration run ----------
export {
  EPIX10KA_GAIN_MODES,
  EPIX10KA_DARK_CYCLE_MODES,
  EPIX10KA_DARK_CYCLE_LABELS,
  epix10kaConfigGainMode,
  epix10kaGainModeOfControlBits,
} from './dark/gain-modes/epix10ka-modes.js';
export type { Epix10kaGainMode, Epix10kaPanelGainConfig } from './dark/gain-modes/epix10ka-modes.js';
export { Epix10kaModeAccumulator, EPIX10KA_DARK_DEFAULTS, EPIX10KA_STATUS_BITS, resolveEpix10kaDarkParams } from './dark/gain-modes/epix10ka-dark.js';
export type { Epix10kaDarkParams, Epix10kaModeResult, Epix10kaPanelLimits } from './dark/gain-modes/epix10ka-dark.js';
export { runEpix10kaDark } from './dark/gain-modes/epix10ka-run.js';
export { EPIX10KA_DARK_JOB, EPIX10KA_BATCH_REFUSAL, runEpix10kaCalibrationOfRun } from './dark/gain-modes/epix10ka-job.js';
export type { Epix10kaRunCalibrationRequest, Epix10kaCalibrationResult, Epix10kaJobSourceResult } from './dark/gain-modes/epix10ka-job.js';
export type { Epix10kaDarkRunInput, Epix10kaDarkRunResult, Epix10kaEventItem, Epix10kaCycleInfo, Epix10kaCycleReport } from './dark/gain-modes/epix10ka-run.js';
export type { Epix10kaDarkConstants, Epix10kaModeSummary, Epix10kaModeOrigin, Epix10kaChargeInjection } from './dark/gain-modes/epix10ka-constants.js';

// ---- the dark pipeline: one job for the facade, calibrun and a browser, driven through ports -----
export { runDarkJob, runDarkJobPiece, registerDetectorDarkJob } from './pipeline/dark-job.js';
export type { DarkJobSpec, DarkJobPorts, DarkJobOutcome, DarkWorkFileRequest, DetectorDarkJob } from './pipeline/dark-job.js';
export { runDarkPass, makeEventCodeSelector } from './pipeline/dark-pass.js';
export type { DarkRunRequest, DarkRunResult, DarkSourceResult } from './pipeline/dark-pass.js';
export { mergeDarkPieces } from './pipeline/pieces.js';
export type { DarkPieceSpec, DarkPieceResult } from './pipeline/pieces.js';
export { DARK_CALIB_TYPES, darkDeployTypes, planDarkDeployment, zeroPedestalSources } from './pipeline/deploy-plan.js';
export type { DarkCalibType, DarkDeployItem, DarkDeployRules } from './pipeline/deploy-plan.js';
export { DarkThresholdsSchema, THRESHOLD_SPELLINGS, fillDarkThresholds, darkParamsOf } from './pipeline/params.js';
export type { DarkThresholds, ThresholdSpelling } from './pipeline/params.js';
export { MIN_DARK_FRAMES } from './pipeline/ports.js';
export { darkSourceAccumulator } from './pipeline/source-accumulator.js';
export type { DarkEngines, SourceAccumulator, DarkArrays, DarkOutputFiles, RunReader, RunConfigs, RunEvent, OpenRunRequest, AccumulatorOptions } from './pipeline/ports.js';
export type { DarkProgress, DarkProgressStage } from './pipeline/progress.js';

// ---- the CalibManager facade's Node-free types (the facade itself is in calibman/node) -------------
export type { DarkConstants, DarkJob, DarkDeployInput, DarkLogLevel, DarkLogRecord, DarkLogStep } from './facade/types.js';
export { DarkProgressEvent, DarkLogEvent } from './facade/events.js';

// ---- supporting types (named in the signatures above) -------------------------------------------
export type { ConfigStore as XtcConfigStore } from './xtc/configs.js';
export type { WalkContext } from './xtc/header.js';
export type { CspadElementHeader } from './xtc/payloads/cspad.js';
export type { DgramReaderOptions as XtcDgramReaderOptions } from './xtc/dgram-reader.js';
export type { CalibContent } from './deploy/calib-types.js';
export type { HistoryFormat, DeployRecordFields } from './deploy/history.js';
export type { CheckedCalibFile } from './deploy/validate.js';
export type { CalibFileName, SkipReason } from './deploy/run-range.js';
export type { ConstantsValues, QualityOptions } from './deploy/quality.js';
export type { Stage2EngineKind } from './dark/stage2-wasm.js';
export type { GeoTree, GeoNode } from './geometry/tree.js';
export type { Visit as RasterVisit } from './mask/rasterize.js';
export type { Vec as MetrologyVec } from './metrology/sensor-measures.js';
export type { DetectorMenuEntry } from './detectors/menu.js';
export type { ConstantsLayout } from './detectors/types.js';
export type { CalibThreading, CalibThreadPort } from './calibration/fast-calib-threads.js';
export type { JungfrauModuleConfig, JungfrauModuleInfo } from './xtc/payloads/jungfrau.js';
export type { JungfrauDarkEvent } from './dark/gain-modes/jungfrau-run.js';
export type { JungfrauConstantKind, JungfrauFrameVerdict } from './dark/gain-modes/jungfrau.js';
export { JUNGFRAU_CONSTANT_KINDS } from './dark/gain-modes/jungfrau.js';
export type { JungfrauStageSpec } from './synthetic/jungfrau-truth.js';
export type { Epix10kaModesTruth, Epix10kaSyntheticSpec } from './synthetic/epix-truth.js';
export type { NdarrayValueBuffer } from './io/ndarray-text-read.js';
export type { FrameDecoderLookup, FrameDecoder } from './xtc/decoding.js';
export type { CheckCalibFileOptions } from './deploy/validate.js';
export type { DefaultNames as CrystfelDefaultPanelNames } from './geometry/crystfel-panel-map.js';
export type { FigurePicture } from './plot/figure.js';
export type { FontName } from './plot/font.js';
export type { DarkWorkFileFormat } from './pipeline/ports.js';
