import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { PNG } from 'pngjs';
import { describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/commands/geometry.js';
import { GeometryAccess } from '../../src/geometry/geometry-access.js';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { writeNpy } from '../../src/io/npy.js';
import { reachedBins } from '../../src/plot/arrange.js';
import { colormapLut } from '../../src/plot/colormap.js';
import { autoRange } from '../../src/plot/raster.js';
import { fixturePath } from '../fixture-files.js';

const GEO = fixturePath('geometry/geometry-def-cspad2x2.data');

describe('calibman geometry image --png', () => {
  it('leaves the empty bins (0 in the assembled image) out of the colour range and draws them as no data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calibman-geo-png-'));
    const geo = GeometryAccess.fromText(readFileSync(GEO, 'utf8'));
    const n = geo.getPixelCoordIndexes().rows.length;
    const values = Float32Array.from({ length: n }, (_, i) => 1000 + (i % 100));
    writeFileSync(join(dir, 'v.npy'), writeNpy(ndarrayOf(values, [n])));
    const program = new Command('calibman').exitOverride();
    register(program);
    const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await program.parseAsync(['node', 'calibman', 'geometry', 'image', GEO, join(dir, 'v.npy'), '--png', join(dir, 'v.png')]);
    o.mockRestore();
    const p = PNG.sync.read(readFileSync(join(dir, 'v.png')));
    const { image, imageShape } = geo.image(values);
    expect([p.height, p.width]).toEqual(imageShape);
    const reached = reachedBins(geo.getPixelCoordIndexes());
    const empty = reached.length - reached.reduce((a, b) => a + b, 0);
    expect(empty).toBeGreaterThan(0.02 * reached.length); // enough zeros to move the 1st percentile
    // the range of the data over reached bins only
    const [lo, hi] = autoRange(image, [1, 99], reached);
    expect(lo).toBeGreaterThanOrEqual(1000);
    const lut = colormapLut('viridis');
    for (let k = 0; k < reached.length; k++) {
      const got = [p.data[4 * k], p.data[4 * k + 1], p.data[4 * k + 2]];
      if (!reached[k]) {
        expect(got).toEqual([255, 255, 255]);
        continue;
      }
      const t = ((image[k] - lo) * 255) / (hi - lo);
      const idx = t <= 0 ? 0 : t >= 255 ? 255 : Math.round(t);
      if (got[0] !== lut[idx * 3] || got[1] !== lut[idx * 3 + 1] || got[2] !== lut[idx * 3 + 2]) {
        throw new Error(`bin ${k}: value ${image[k]}, colour ${got}, expected entry ${idx}`);
      }
    }
  });
});
