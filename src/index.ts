/**
 * calibman — calibration management for LCLS X-ray area detectors.
 *
 * The curated public API. Each section names what one module offers; everything else is internal.
 * @packageDocumentation
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
} from './errors.js';
export { VERSION } from './version.js';

// ---- io: ndarray files --------------------------------------------------------------------------
export type { DType, TypedArray } from './io/dtype.js';
export type { NdArray, TypedNdArray } from './io/ndarray.js';
export { ndarrayOf, toCOrder } from './io/ndarray.js';
export { readNpy, writeNpy, readNpyPreamble, parseNpyHeader, type NpyHeader, type NpyPreamble } from './io/npy.js';
export { readNpz, writeNpz, type NpzEntry, type NpzReadOptions, DEFAULT_NPZ_MAX_UNCOMPRESSED_BYTES } from './io/npz.js';
export { readNpyFile, writeNpyFile, readNpyFileHeader } from './node/npy-files.js';
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
  eventsFromBytes,
  walkXtc,
  readDgramHeader,
  bytesSource,
  blobSource,
  readableStreamSource,
  XtcRunReader,
  xtcRunFromBytes,
  xtcRunFromSources,
  parseXtcFileName,
  xtcFileName,
  parseExpNameDb,
  selectRunFiles,
  runsInListing,
  type ExpNameDb,
  type ExpNameDbEntry,
  type RunNaming,
  type RunFileSelection,
  encodeDgram,
  eventXtc,
  segmentXtc,
  droppedXtc,
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
  PixelKind,
  buildPixelModel,
  generateSyntheticRun,
  syntheticRunFiles,
  demoDarkRunSpec,
  demoLightRunSpec,
} from './xtc/index.js';
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
  SyntheticDetectorSpec,
  LightSignalSpec,
  LightSignalTruth,
  PixelModel,
  SyntheticRunSpec,
  SyntheticTruth,
  SyntheticEventTruth,
  SyntheticRun,
  SyntheticFile,
} from './xtc/index.js';
export { openXtcRun, findRunFiles, listRuns, type XtcRun, type RunFiles, type OpenXtcRunOptions, type RunLookupOptions } from './node/xtc-run.js';
export { findExpNameDb, readExpNameDb, resolveExperimentNumber, type ExperimentNumberLookup } from './node/exp-name-db.js';
export { openXtcFile, type LiveOptions } from './node/xtc-file-source.js';
export { writeSyntheticRun, type WriteSyntheticRunOptions, type WrittenSyntheticRun } from './node/xtc-synthetic.js';

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
export { nodeDarkThreading, nodeDarkThreadPort } from './node/dark-threads.js';

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
  detectorTypeFromSource,
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
export { CalibStore, openCalibStore } from './node/calib-store.js';
export type {
  CalibStoreOptions,
  TypeAddress,
  StoreFindResult,
  StoreStatus,
  TypeStatus,
  StoreDiffResult,
  DeployRequest,
  CopyRequest,
  RemoveRequest,
  StoreOperationResult,
} from './node/calib-store.js';

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
export { getDefaultGeometryText, getDefaultGeometry, defaultGeometryTypes, frameGeometry, frameGeometryText } from './geometry/defaults.js';

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
  encodePng,
  renderImagePng,
  renderNdarrayPng,
  renderImageFigurePng,
  renderNdarrayFigurePng,
  renderHistogramPng,
  renderXYPlotPng,
} from './plot/index.js';

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
  summarizeDarkSource,
  formatDarkSummaryTable,
  buildDarkReportHtml,
  maxPoolImage,
  STATUS_CLASSES,
  statusCategoryCodes,
  absentSegmentPixels,
  statusLegend,
  type StatusClass,
  TRUTH_PIXEL_KIND,
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
export {
  darkReportSection,
  writeDarkReport,
  rawVsCalibratedSection,
  type DarkReportSource,
  type DarkReportSectionOptions,
  type RawVsCalibratedInput,
} from './node/dark-report.js';

// ---- jobs ---------------------------------------------------------------------------------------
export type {
  JobPhase,
  PieceSpec,
  SlurmOptions,
  SchedulerStatus,
  TaskRecord,
  SubmissionRecord,
  JobRecord,
  SubmitPiecesOptions,
  MonitorOptions,
  WaitOptions,
  SlurmClientOptions,
  CommandRunner,
  CommandResult,
  CliCommandOptions,
  WorkerPoolOptions,
  TransferResult,
  IndexRange,
  InvalidJobRecord,
} from './jobs/index.js';
export {
  submitPieces,
  refreshJob,
  waitForJob,
  cancelJob,
  retryJob,
  getJob,
  readJobRecord,
  listJobRecords,
  scanJobRecords,
  jobRecordPath,
  SlurmClient,
  resolveCliCommand,
  runInWorkers,
  serveWorkerTasks,
  withTransfer,
  parseSqueue,
  parseSacct,
  parseScontrolShowJob,
  splitRange,
} from './jobs/index.js';

// ---- facade -------------------------------------------------------------------------------------
export { CalibManager, DarkProgressEvent, CalibManagerConfigSchema, DarkJobOptionsSchema } from './facade/calib-manager.js';
export type {
  CalibManagerConfig,
  CalibManagerEventMap,
  CalibManagerConfigInput,
  DarkJobOptionsInput,
  DarkJob,
  DarkConstants,
  QualityCheck,
} from './facade/calib-manager.js';
export { runCalibrun } from './calibrun/app.js';
export type { CalibrunContext, CalibrunOutcome } from './calibrun/app.js';
export { resolveCalibrunConfig, configToConfpars, MISSING_MESSAGES } from './calibrun/config.js';
export type { CalibrunConfig, DarkThresholds } from './calibrun/config.js';
export { CalibrunOptionsSchema, parseCalibrunOptions, CALIBRUN_DEFAULTS } from './calibrun/options.js';
export type { CalibrunOptionsInput, CalibrunOptions } from './calibrun/options.js';
export { Confpars, parseConfpars, formatConfpars, CONFPARS_FILE_NAME } from './calibrun/confpars.js';
export type { ConfparValue, ConfparType } from './calibrun/confpars.js';
export {
  dataRoot,
  instrumentOf,
  defaultXtcDir,
  defaultCalibDir,
  DATA_ROOT_REG,
  DATA_ROOT_SDF,
  DATA_ROOT_ENV,
} from './calibrun/dirs.js';
export { resolveDataset, parseDatasetString, parseRunList } from './calibrun/dataset.js';
export type { DatasetSpec } from './calibrun/dataset.js';
export { DETECTOR_MENU, DETECTOR_MENU_NAMES } from './calibrun/detector-menu.js';
export { runDarkPass, makeEventCodeSelector } from './calibrun/dark-run.js';
export type { DarkRunRequest, DarkRunResult, DarkSourceResult } from './calibrun/dark-run.js';
export { writeDarkOutputs, darkWorkFile } from './calibrun/dark-outputs.js';
export { defaultEngines } from './calibrun/engines.js';
export type { DarkEngines, RunEvent, RunReader, DarkArrays } from './calibrun/ports.js';
export { SessionLog, sessionLogPath } from './calibrun/session-log.js';
export { createProgressRenderer, formatProgressLine } from './calibrun/progress.js';
export type { DarkProgress, ProgressRenderer } from './calibrun/progress.js';

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
} from './calibration/index.js';
export type {
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
  ImageOptions as DetectorImageOptions,
  MaskOptions as DetectorMaskOptions,
  PixelRegion,
} from './calibration/index.js';
export { openDetector, type OpenDetectorOptions, type OpenedDetector } from './node/detector.js';

// ---- supporting types (named in the signatures above) -------------------------------------------
export type { ConfigStore as XtcConfigStore } from './xtc/configs.js';
export type { WalkContext } from './xtc/header.js';
export type { CspadElementHeader } from './xtc/payloads/cspad.js';
export type { DgramReaderOptions as XtcDgramReaderOptions } from './xtc/dgram-reader.js';
export type { DeployedDarkFile } from './calibrun/deploy-step.js';
export type { DarkFileKind as CalibrunDarkFileKind, DarkOutputFiles, DarkOutputOptions } from './calibrun/dark-outputs.js';
export type { OpenRunRequest, DarkAccumulator as DarkAccumulatorPort } from './calibrun/ports.js';
export type { ResolveContext as CalibrunResolveContext } from './calibrun/config.js';
export type { InstrumentCase } from './calibrun/dirs.js';
export type { SessionLogOptions } from './calibrun/session-log.js';
export type { CalibContent } from './deploy/calib-types.js';
export type { HistoryFormat, DeployRecordFields } from './deploy/history.js';
export type { CheckedCalibFile } from './deploy/validate.js';
export type { CalibFileName, SkipReason } from './deploy/run-range.js';
export type { ConstantsValues, QualityOptions } from './deploy/quality.js';
export type { StoreSettings } from './node/calib-store.js';
export type { Stage2EngineKind } from './dark/stage2-wasm.js';
export type { GeoTree, GeoNode } from './geometry/tree.js';
export type { Visit as RasterVisit } from './mask/rasterize.js';
export type { Vec as MetrologyVec } from './metrology/sensor-measures.js';
