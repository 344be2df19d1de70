/**
 * The string formatter of the psana ndarray text format as it was before the byte encoder (value by value
 * through compileNumberFormat, rows joined as strings): the oracle the fast encoder must match byte for byte.
 */
import { type DType, type TypedArray, dtypeOf, shapeSize } from '../../src/io/dtype.js';
import { type NdArray, type TypedNdArray, toCOrder } from '../../src/io/ndarray.js';
import { compileNumberFormat } from '../../src/io/ndarray-text-format.js';
import {
  CSPAD2X2_DAQ_SHAPE,
  CSPAD2X2_SHAPE,
  CSPAD2X2_SIZE,
  CSPAD_SIZE,
  type FormatNdarrayTextOptions,
  cspad2x2NaturalToDaq,
  formatPsanaTimestamp,
} from '../../src/io/ndarray-text.js';

function pad12(key: string): string {
  return `# ${key.padEnd(12)}`;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Format an array in psana's ndarray text format (byte-for-byte what `NDArrIO.save_txt` writes for the
 * same comments, info values and format).
 */
export function referenceFormatNdarrayText(input: NdArray | TypedNdArray, options: FormatNdarrayTextOptions = {}): string {
  const arr = 'array' in input ? input.array : input;
  let dtype: DType = options.dtype ?? ('array' in input ? input.dtype : dtypeOf(arr.data));
  let shape = [...arr.shape];
  let data: TypedArray = toCOrder(arr);
  const size = shapeSize(shape);
  if (options.cspad2x2ToDaq !== false && sameShape(shape, CSPAD2X2_SHAPE)) {
    data = cspad2x2NaturalToDaq(data);
    shape = [...CSPAD2X2_DAQ_SHAPE];
  }
  if (dtype !== 'bool' && dtype !== dtypeOf(data) && !(dtype === 'uint8' && data instanceof Uint8Array)) {
    dtype = dtypeOf(data);
  }
  const metadata = options.metadata ?? 'auto';
  const withMeta = metadata === 'auto' ? size !== CSPAD_SIZE && size !== CSPAD2X2_SIZE : metadata;
  const info = options.info ?? {};
  const date = info.DATE_TIME ?? new Date();
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(',')})`;

  const recs: string[] = (options.comments ?? []).map((c) => `# ${c}`);
  recs.push(
    `\n${pad12('HOST')}${info.HOST ?? ''}`,
    `${pad12('WORK_DIR')}${info.WORK_DIR ?? ''}`,
    `${pad12('FILE_NAME')}${info.FILE_NAME ?? ''}`,
    `${pad12('DATE_TIME')}${typeof date === 'string' ? date : formatPsanaTimestamp(date)}`,
    `${pad12('UID')}${info.UID ?? ''}`,
    `${pad12('SHAPE')}${shapeText}`,
    `${pad12('DATATYPE')}${dtype}`,
  );
  if (withMeta) {
    recs.push(`\n${pad12('DTYPE')}${dtype}`, `${pad12('NDIM')}${shape.length}`);
    shape.forEach((d, i) => recs.push(`${pad12(`DIM:${i}`)}${d}`));
  }
  const oneD = shape.length <= 1;
  recs.push(oneD ? '\n' : '');
  const newline = oneD ? ' ' : '\n';
  const header = recs.join('\n') + newline;

  const fmt = compileNumberFormat(options.fmt ?? '%.1f');
  const ncol = oneD ? 1 : shape[shape.length - 1];
  const values = data as unknown as ArrayLike<number | bigint>;
  const isBool = dtype === 'bool';
  const lines: string[] = [header];
  const row: string[] = new Array<string>(ncol);
  for (let i = 0; i < size; i += ncol) {
    for (let j = 0; j < ncol; j++) {
      const v = values[i + j];
      row[j] = fmt(isBool ? (v ? 1 : 0) : v);
    }
    lines.push(row.join(' ') + newline);
  }
  return lines.join('');
}

