import * as z from 'zod';
import { ConfigError } from '../errors.js';

/**
 * ROI forms drawn on an assembled detector image (calibman's ROI tab, psana's mask editor `med`).
 *
 * Coordinates are image pixels: `x` is the column index, `y` the row index, pixel centres sit on whole
 * numbers. Angles are in degrees, measured from +x towards +y (i.e. clockwise on screen, where rows go
 * down), like matplotlib patches on an image shown with its origin at the top.
 */

/** Whether the pixels inside a form are kept (good, 1) or excluded (masked, 0). */
export type RoiMode = 'keep' | 'exclude';

interface FormBase {
  /** Default `keep`. */
  mode?: RoiMode;
  /** Free text shown nowhere but kept in the file. */
  label?: string;
}

/** Axis-aligned rectangle; inside when `x <= col <= x + width` and `y <= row <= y + height`. */
export interface RectangleForm extends FormBase {
  /** Form kind. */
  shape: 'rectangle';
  /** Left column, pixels. */
  x: number;
  /** Top row, pixels. */
  y: number;
  /** Width in columns, pixels. */
  width: number;
  /** Height in rows, pixels. */
  height: number;
}

/** Disc; inside when the distance of the pixel centre to (xc, yc) is `<= r` (pixels). */
export interface CircleForm extends FormBase {
  /** Form kind. */
  shape: 'circle';
  /** Centre column, pixels. */
  xc: number;
  /** Centre row, pixels. */
  yc: number;
  /** Radius, pixels (>= 0). */
  r: number;
}

/** Full annulus; inside when `rInner <= distance <= rOuter` (pixels). */
export interface RingForm extends FormBase {
  /** Form kind. */
  shape: 'ring';
  /** Centre column, pixels. */
  xc: number;
  /** Centre row, pixels. */
  yc: number;
  /** Inner radius, pixels (>= 0). */
  rInner: number;
  /** Outer radius, pixels (>= rInner). */
  rOuter: number;
}

/**
 * Annulus sector: `rInner <= distance <= rOuter` and the angle lies on the arc going from `theta1Deg`
 * towards increasing angles up to `theta2Deg` (a span of 360° or more is a full ring).
 */
export interface WedgeForm extends FormBase {
  /** Form kind. */
  shape: 'wedge';
  /** Centre column, pixels. */
  xc: number;
  /** Centre row, pixels. */
  yc: number;
  /** Inner radius, pixels (>= 0). */
  rInner: number;
  /** Outer radius, pixels (>= rInner). */
  rOuter: number;
  /** Start angle of the arc, degrees from +x towards +y. */
  theta1Deg: number;
  /** End angle of the arc, degrees (reached going towards increasing angles). */
  theta2Deg: number;
}

/** Closed polygon through the vertices `[x, y]` (even-odd rule, at least 3 vertices). */
export interface PolygonForm extends FormBase {
  /** Form kind. */
  shape: 'polygon';
  /** Vertices `[x, y]` (column, row; pixels), at least 3. */
  points: [number, number][];
}

/**
 * Segment from (x1, y1) to (x2, y2). Without `width`: psana's one-pixel path
 * (`max(|dx|, |dy|) + 1` samples, coordinates truncated). With `width` (pixels): every pixel whose
 * centre is within `width / 2` of the segment.
 */
export interface LineForm extends FormBase {
  /** Form kind. */
  shape: 'line';
  /** Start column, pixels. */
  x1: number;
  /** Start row, pixels. */
  y1: number;
  /** End column, pixels. */
  x2: number;
  /** End row, pixels. */
  y2: number;
  /** Width, pixels (> 0); absent = psana's one-pixel path. */
  width?: number;
}

/** One ROI shape. */
export type RoiForm = RectangleForm | CircleForm | RingForm | WedgeForm | PolygonForm | LineForm;

/** The content of a forms JSON file (see docs/masks.md). */
export interface RoiFormsFile {
  /** Format tag of the file. */
  format: 'calibman-roi-forms';
  /** Format version. */
  version: 1;
  /** Shape `[rows, cols]` of the image the forms were drawn on; checked against the geometry when given. */
  imageShape?: [number, number];
  /** Applied in order (see {@link rasterizeForms}). */
  forms: RoiForm[];
}

const num = z.number().finite();
const nonNeg = num.min(0);
const base = {
  /** Keep (good) or exclude (mask) the pixels inside; default `keep`. */
  mode: z.enum(['keep', 'exclude']).optional(),
  /** Free text kept in the file. */
  label: z.string().optional(),
};

const rectangleSchema = z.strictObject({
  /** Form kind. */
  shape: z.literal('rectangle'),
  /** Left column, pixels. */
  x: num,
  /** Top row, pixels. */
  y: num,
  /** Width in columns, pixels. */
  width: num,
  /** Height in rows, pixels. */
  height: num,
  ...base,
});
const circleSchema = z.strictObject({
  shape: z.literal('circle'),
  /** Centre column, pixels. */
  xc: num,
  /** Centre row, pixels. */
  yc: num,
  /** Radius, pixels (>= 0). */
  r: nonNeg,
  ...base,
});
const ringSchema = z
  .strictObject({
    shape: z.literal('ring'),
    /** Centre column, pixels. */
    xc: num,
    /** Centre row, pixels. */
    yc: num,
    /** Inner radius, pixels (>= 0). */
    rInner: nonNeg,
    /** Outer radius, pixels (>= rInner). */
    rOuter: nonNeg,
    ...base,
  })
  .refine((f) => f.rOuter >= f.rInner, { message: 'rOuter must be >= rInner', path: ['rOuter'] });
const wedgeSchema = z
  .strictObject({
    shape: z.literal('wedge'),
    xc: num,
    yc: num,
    rInner: nonNeg,
    rOuter: nonNeg,
    theta1Deg: num,
    theta2Deg: num,
    ...base,
  })
  .refine((f) => f.rOuter >= f.rInner, { message: 'rOuter must be >= rInner', path: ['rOuter'] });
const polygonSchema = z.strictObject({
  shape: z.literal('polygon'),
  points: z.array(z.tuple([num, num])).min(3),
  ...base,
});
const lineSchema = z.strictObject({
  shape: z.literal('line'),
  x1: num,
  y1: num,
  x2: num,
  y2: num,
  width: num.positive().optional(),
  ...base,
});

/** zod schema of one form. */
export const roiFormSchema = z.discriminatedUnion('shape', [
  rectangleSchema,
  circleSchema,
  ringSchema,
  wedgeSchema,
  polygonSchema,
  lineSchema,
]);

/** zod schema of a forms file. */
export const roiFormsFileSchema = z.strictObject({
  /** File format tag, always `calibman-roi-forms`. */
  format: z.literal('calibman-roi-forms'),
  /** File format version (1). */
  version: z.literal(1),
  /** Shape `[rows, cols]` of the image the forms were drawn on. */
  imageShape: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
  /** Forms, applied in order. */
  forms: z.array(roiFormSchema).min(1, 'the form list is empty: nothing to draw'),
});

function fieldName(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || '(file)';
}

/**
 * Validate a parsed value as a forms file; a problem is a {@link ConfigError} whose field is the JSON path
 * of the first bad value (e.g. `forms[2].r`).
 */
export function validateRoiForms(value: unknown, file?: string): RoiFormsFile {
  const res = roiFormsFileSchema.safeParse(value);
  if (res.success) return res.data as RoiFormsFile;
  const issue = res.error.issues[0];
  const field = fieldName(issue.path);
  throw new ConfigError(file ? `${file}: ${field}` : field, issue.message);
}

/** Parse the text of a forms JSON file (see {@link validateRoiForms} for the errors). */
export function parseRoiForms(text: string, file?: string): RoiFormsFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(file ?? 'forms', `invalid JSON: ${(err as Error).message}`);
  }
  return validateRoiForms(value, file);
}

/** Serialise forms as a forms JSON file (validated first, so what is written can be read back). */
export function formatRoiForms(forms: readonly RoiForm[], opts: { imageShape?: [number, number] } = {}): string {
  const doc: RoiFormsFile = {
    format: 'calibman-roi-forms',
    version: 1,
    ...(opts.imageShape ? { imageShape: opts.imageShape } : {}),
    forms: [...forms],
  };
  validateRoiForms(doc);
  return JSON.stringify(doc, null, 2) + '\n';
}
