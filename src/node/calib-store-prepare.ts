/**
 * A deploy, copy or move request of the calib store checked and turned into one write (names, run range and
 * HISTORY text checked, the input validated against the source's detector type), and the calib file a delete
 * request names — all before anything is written.
 */
import * as path from 'node:path';
import { CalibStoreError } from '../errors.js';
import { type DType, DTYPE_SIZE } from '../io/dtype.js';
import {
  type ConstantsExpectation,
  type RunRange,
  assertValid,
  calibFileName,
  calibGroupForSource,
  checkCalibFile,
  checkCalibGroup,
  checkType,
  detectorLayoutFor,
  joinPath,
  parseCalibFileName,
  parseRunRange,
  sourceDirName,
  splitCalibFilePath,
} from '../deploy/index.js';
import { checkRecordText, forcedComment } from '../deploy/record-text.js';
import { checkInputFile, stampOf } from './calib-store-read.js';
import { pathExists } from './calib-store-fs.js';
import type { StoreSettings } from './calib-store-fs.js';
import type { CopyRequest, DeployRequest, RemoveRequest, WriteJob } from './calib-store-requests.js';

function toRange(r: string | RunRange): RunRange {
  return typeof r === 'string' ? parseRunRange(r) : parseRunRange(`${r.begin}-${r.end}`);
}

/** `dtype` when it is a dtype calibman knows. @throws CalibStoreError otherwise */
function checkDType(dtype: DType | undefined): DType | undefined {
  if (dtype !== undefined && !Object.prototype.hasOwnProperty.call(DTYPE_SIZE, dtype)) {
    throw new CalibStoreError(`unknown dtype ${JSON.stringify(dtype)}; expected one of ${Object.keys(DTYPE_SIZE).join(', ')}`);
  }
  return dtype;
}

/** The write of a deploy request: bytes or a file validated as the source's calib type (see {@link DeployRequest}). */
export async function prepareDeploy(s: StoreSettings, req: DeployRequest): Promise<WriteJob> {
  checkType(req.type);
  if ((req.srcFile === undefined) === (req.bytes === undefined)) throw new CalibStoreError('deploy: give exactly one of srcFile and bytes');
  checkRecordText(req.comment, 'comment');
  checkRecordText(req.experiment, 'experiment');
  const range = toRange(req.runRange);
  const source = sourceDirName(req.source);
  const group = req.group !== undefined ? checkCalibGroup(req.group) : calibGroupForSource(source);
  const label = req.srcFile ?? req.label ?? '<bytes>';
  const exp: ConstantsExpectation | false = req.expect === false
    ? false
    : { calibType: req.type, shape: req.expect?.shape, dtype: checkDType(req.expect?.dtype), detector: detectorLayoutFor(source, req.type) };
  const force = Boolean(req.force);
  let input: Pick<WriteJob, 'content' | 'file' | 'size' | 'digest' | 'validation' | 'forced'>;
  if (req.bytes) {
    const validation = exp ? checkCalibFile(req.bytes, exp, label, { keepValues: false }).report : undefined;
    const forced = validation ? assertValid(validation, label, { force }) : [];
    input = { content: req.bytes, ...stampOf(req.bytes), validation, forced };
  } else {
    input = { file: req.srcFile!, ...(await checkInputFile(req.srcFile!, exp, label, { force })) };
  }
  return {
    ...input, fromLabel: label, group, source, type: req.type, range,
    comment: forcedComment(req.comment ?? 'calibman-deploy', input.forced, input.validation),
    run: req.run ?? range.begin, experiment: req.experiment ?? s.experiment, dryRun: Boolean(req.dryRun),
  };
}

/**
 * The write of a copy (or, with `move`, a move) of a calib file into the store: target source, type and group
 * from the request or the input's path, the input validated unless `validate: false`.
 */
export async function prepareCopy(s: StoreSettings, req: CopyRequest, move: boolean): Promise<WriteJob> {
  const from = path.resolve(req.from);
  const loc = splitCalibFilePath(from);
  if (path.basename(from) === 'HISTORY') throw new CalibStoreError('HISTORY files are not copied', { path: from });
  if (!loc && (req.source === undefined || req.type === undefined)) {
    throw new CalibStoreError('not inside a calib store (expected .../calib/<group>/<source>/<type>/<file>); give the target source and type', { path: from });
  }
  checkRecordText(req.comment, 'comment');
  checkRecordText(req.experiment, 'experiment');
  const type = req.type ?? loc!.type;
  checkType(type);
  const source = req.source !== undefined ? sourceDirName(req.source) : loc!.source;
  const group = checkCalibGroup(req.group ?? (req.source !== undefined || !loc ? calibGroupForSource(source) : loc.group));
  const range = toRange(req.runRange);
  const exp: ConstantsExpectation | false = req.validate === false ? false : { calibType: type, detector: detectorLayoutFor(source, type) };
  const input = await checkInputFile(from, exp, from, { force: Boolean(req.force) });
  const target = joinPath(s.calibDir, group, source, type, calibFileName(range));
  if (move && path.resolve(target) === from) throw new CalibStoreError('move onto itself', { path: from });
  return {
    file: from, ...input, fromLabel: req.from, group, source, type, range,
    comment: forcedComment(req.comment ?? 'single-file-manager', input.forced, input.validation),
    run: req.run ?? range.begin, experiment: req.experiment ?? s.experiment, dryRun: Boolean(req.dryRun),
    removeInput: move ? from : undefined,
  };
}

/**
 * The calib file a delete request names (by path, or source, type and file name or range), checked to be a
 * calib file of a store that exists.
 * @throws CalibStoreError otherwise
 */
export async function prepareRemove(s: StoreSettings, req: RemoveRequest): Promise<string> {
  checkRecordText(req.comment, 'comment');
  let file: string;
  if (req.path !== undefined) {
    file = path.resolve(req.path);
  } else {
    if (req.source === undefined || req.type === undefined || req.file === undefined) {
      throw new CalibStoreError('remove: give a path, or source, type and file');
    }
    checkType(req.type);
    const source = sourceDirName(req.source);
    const name = req.file.endsWith('.data') ? req.file : `${req.file}.data`;
    file = joinPath(s.calibDir, req.group !== undefined ? checkCalibGroup(req.group) : calibGroupForSource(source), source, req.type, name);
  }
  const name = path.basename(file);
  if (name === 'HISTORY') throw new CalibStoreError('HISTORY files are not deleted', { path: file });
  if (typeof parseCalibFileName(name) === 'string') throw new CalibStoreError('not a calib file (<begin>-<end>.data)', { path: file });
  if (!splitCalibFilePath(file)) throw new CalibStoreError('not inside a calib store (.../<group>/<source>/<type>/<file>)', { path: file });
  if (!(await pathExists(file))) throw new CalibStoreError('no such calib file', { path: file });
  return file;
}
