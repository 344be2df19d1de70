/** Shrinking detector pictures without losing isolated pixels. */

/** A 2-D picture in C order and its `[rows, cols]`. */
export interface PooledImage {
  /** Values in C order. */
  image: Float32Array;
  /** `[rows, cols]`. */
  imageShape: [number, number];
}

/**
 * Shrink an image by an integer `factor`: each output bin is the largest finite value of its
 * `factor × factor` block (NaN when the block has none), so a single bad pixel in a status map stays
 * visible in a small picture. `factor <= 1` returns the image unchanged.
 */
export function maxPoolImage(image: ArrayLike<number>, imageShape: readonly [number, number], factor: number): PooledImage {
  const [rows, cols] = imageShape;
  const f = Math.floor(factor);
  if (!(f > 1)) return { image: Float32Array.from(image), imageShape: [rows, cols] };
  const pr = Math.ceil(rows / f);
  const pc = Math.ceil(cols / f);
  const out = new Float32Array(pr * pc).fill(-Infinity);
  for (let r = 0; r < rows; r++) {
    const o = Math.floor(r / f) * pc;
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = image[base + c];
      const k = o + Math.floor(c / f);
      if (v > out[k]) out[k] = v;
    }
  }
  for (let i = 0; i < out.length; i++) if (out[i] === -Infinity) out[i] = NaN;
  return { image: out, imageShape: [pr, pc] };
}
