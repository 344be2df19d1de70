/**
 * The browser example (examples/browser/) in real headless Chromium: the page is given a generated XTC run as a
 * `File`, lists its sources, runs the dark processing of the pnCCD (in a worker, with helper Web Workers on
 * shared memory: the test server makes the page cross-origin isolated) and draws the assembled pedestal image
 * with its colour bar. Its pedestals and pixel status must equal the Node run's (the CalibManager facade on the
 * same file) bit for bit, and its canvas the figure drawn in Node from the Node run's pedestals.
 *
 * Needs Debian's Chromium at /usr/bin/chromium (`apt-get install chromium`; .ci/run installs it) or
 * CALIBMAN_CHROMIUM=<path of a Chromium binary>; skips without it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { buildBrowserExample, serveBrowserExample } from '../../examples/browser/build.js';
import type { ExampleState } from '../../examples/browser/src/app.js';
import { syntheticRunFiles } from '../../src/synthetic/generate.js';
import { CalibManager } from '../../src/facade/calib-manager.js';
import { toCOrder } from '../../src/io/ndarray.js';
import { defaultGeometryFor } from '../../src/detectors/geometry.js';
import { displayImage } from '../../src/plot/arrange.js';
import { drawImageFigure } from '../../src/plot/figure.js';

const CHROMIUM = process.env.CALIBMAN_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

const urlOf = (server: Server): string => {
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
};
const sha256 = (view: ArrayBufferView): string => createHash('sha256').update(new Uint8Array(view.buffer, view.byteOffset, view.byteLength)).digest('hex');

describe.skipIf(!haveChromium)('the browser example in headless Chromium', () => {
  let work: string;
  let server: Server;
  let plainServer: Server;
  let browser: Browser;
  let xtcFile: string;
  let url: string;
  let PNCCD: string;
  let CSPAD2X2: string;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'calibman-browser-'));
    // a dark run of a pnCCD (1 Mpixel: the accumulation is split over helper threads) and a CSPAD2x2
    const { files, truth } = syntheticRunFiles({
      experiment: 'xpptut15',
      run: 54,
      seed: 7,
      events: 24,
      detectors: [
        { type: 'PNCCD', hotFraction: 0.001, deadFraction: 0.0005 },
        { type: 'CSPAD2x2', hotFraction: 0.001 },
      ],
    });
    expect(files).toHaveLength(1);
    [PNCCD, CSPAD2X2] = truth.detectors.map((d) => d.source);
    xtcFile = path.join(work, files[0].name);
    writeFileSync(xtcFile, files[0].bytes);
    const site = path.join(work, 'site');
    await buildBrowserExample(site);
    server = await serveBrowserExample(site);
    plainServer = await serveBrowserExample(site, 0, { isolated: false });
    url = urlOf(server);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    for (const s of [server, plainServer]) await new Promise((resolve) => (s ? s.close(resolve) : resolve(undefined)));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  let reference: Promise<NonNullable<ExampleState['result']>> | undefined;
  /**
   * The Node run of the same file (the facade, as a script on a workstation would run it) and the figure drawn in
   * Node from its pedestals, in the page's terms.
   */
  function nodeReference(): Promise<NonNullable<ExampleState['result']>> {
    reference ??= (async () => {
      const cm = new CalibManager({ experiment: 'xpptut15', detectors: ['PNCCD'], root: path.join(work, 'root'), workDir: path.join(work, 'work') });
      const job = await cm.runDark({ run: 54, files: [xtcFile], write: false });
      const node = job.get(PNCCD);
      expect(node.frames).toBe(24);
      const pedestals = Float64Array.from(toCOrder(node.pedestals) as ArrayLike<number>);
      const status = Int32Array.from(toCOrder(node.pixelStatus) as Iterable<number | bigint>, Number);
      // hot and dead pixels were planted: the status is not trivially all good
      expect(status.some((s) => s !== 0)).toBe(true);
      const maps = defaultGeometryFor('PNCCD', node.shape)!.getPixelCoordIndexes();
      const { image, imageShape, reached } = displayImage(pedestals, node.shape, maps);
      const figure = drawImageFigure(image, imageShape, { title: `${PNCCD}: pedestals of 24 frames`, valueLabel: 'pedestal, ADU', reached: reached! });
      expect(figure.layout.colorbar).toBeDefined();
      return {
        source: PNCCD,
        detectorType: 'PNCCD',
        shape: node.shape,
        frames: node.frames,
        helpers: 0,
        ranIn: 'page' as const,
        pedestalsSha256: sha256(pedestals),
        pixelStatusSha256: sha256(status),
        figure: { width: figure.canvas.width, height: figure.canvas.height, colorbarRange: figure.layout.colorbar!.range, rgbaSha256: sha256(figure.canvas.data) },
      };
    })();
    return reference;
  }

  /** Give the page the file, run the dark processing of `source`, return what it exposes. */
  async function runPage(pageUrl: string, source: string): Promise<ExampleState> {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    try {
      await page.goto(pageUrl);
      await page.setInputFiles('#file', xtcFile);
      await page.waitForFunction(() => (window as unknown as { calibmanExample: ExampleState }).calibmanExample.sources !== undefined);
      await page.selectOption('#source', source);
      await page.click('#run');
      await page.waitForFunction(
        () => {
          const s = (window as unknown as { calibmanExample: ExampleState }).calibmanExample;
          return s.result !== undefined || s.error !== undefined;
        },
        undefined,
        { timeout: 120_000 },
      );
      expect(problems).toEqual([]);
      return await page.evaluate(() => (window as unknown as { calibmanExample: ExampleState }).calibmanExample);
    } finally {
      await page.close();
    }
  }

  it('lists the sources, runs the dark processing in Web Workers and draws what the Node run gives', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(url);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

    await page.setInputFiles('#file', xtcFile);
    await page.waitForFunction(() => (window as unknown as { calibmanExample: ExampleState }).calibmanExample.sources !== undefined || (window as unknown as { calibmanExample: ExampleState }).calibmanExample.error !== undefined);
    const listed = await page.evaluate(() => (window as unknown as { calibmanExample: ExampleState }).calibmanExample);
    expect(listed.error).toBeUndefined();
    expect(listed.sources!.map((s) => [s.source, s.detectorType, s.events])).toEqual([
      [PNCCD, 'PNCCD', 24],
      [CSPAD2X2, 'CSPAD2x2', 24],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));

    await page.selectOption('#source', PNCCD);
    await page.click('#run');
    await page.waitForFunction(
      () => {
        const s = (window as unknown as { calibmanExample: ExampleState }).calibmanExample;
        return s.result !== undefined || s.error !== undefined;
      },
      undefined,
      { timeout: 120_000 },
    );
    const { result, error } = await page.evaluate(() => (window as unknown as { calibmanExample: ExampleState }).calibmanExample);
    expect(error).toBeUndefined();
    expect(problems).toEqual([]);
    expect(result!.ranIn).toBe('worker');
    expect(result!.helpers).toBeGreaterThan(0);
    expect(result!.shape).toEqual([4, 512, 512]);
    expect(result!.frames).toBe(24);

    const node = await nodeReference();
    expect(result!.pedestalsSha256).toBe(node.pedestalsSha256);
    expect(result!.pixelStatusSha256).toBe(node.pixelStatusSha256);
    // the canvas holds the figure (picture assembled with the default geometry, colour bar) of those pedestals
    expect(result!.figure).toEqual(node.figure);
    await page.close();
  });

  it('gives the same pedestals on a page without cross-origin isolation (no shared memory: no helper workers)', async () => {
    const single = await runPage(urlOf(plainServer), PNCCD);
    expect(single.error).toBeUndefined();
    expect(single.result!.ranIn).toBe('worker');
    expect(single.result!.helpers).toBe(0);
    const node = await nodeReference();
    expect(single.result!.pedestalsSha256).toBe(node.pedestalsSha256);
    expect(single.result!.pixelStatusSha256).toBe(node.pixelStatusSha256);
    expect(single.result!.figure).toEqual(node.figure);
  });
});

if (!haveChromium) {
  describe('the browser example without Chromium', () => {
    it.skip(`skipped: no Chromium at ${CHROMIUM} — install it with \`apt-get install chromium\` (or set CALIBMAN_CHROMIUM)`, () => undefined);
  });
}
