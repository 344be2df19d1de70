/**
 * The browser example page: pick an XTC file, see its detector sources, run the dark processing of one, and
 * see the assembled pedestal image with its colour bar. The results are also put on `window.calibmanExample`
 * (for the test that drives this page in headless Chromium).
 */
import { defaultGeometryFor, displayImage, drawImageFigure } from 'calibman';
import { darkOfSource, listSources, type DarkOutcome, type XtcInput } from './dark.js';
import type { DarkRequest } from './dark-worker.js';

/** What the page exposes on `window.calibmanExample`. */
export interface ExampleState {
  sources?: { source: string; detectorType: string; events: number }[];
  result?: {
    source: string;
    detectorType: string;
    shape: number[];
    frames: number;
    helpers: number;
    /** Where the dark processing ran: a worker (with `helpers` helper workers) or the page's thread. */
    ranIn: 'worker' | 'page';
    /** SHA-256 (hex) of the pedestals as little-endian float64, C order. */
    pedestalsSha256: string;
    pixelStatusSha256: string;
    /** The figure on the canvas: size, colour bar range, SHA-256 of its RGBA pixels read back from the canvas. */
    figure: { width: number; height: number; colorbarRange: [number, number] | undefined; rgbaSha256: string };
  };
  error?: string;
}

const state: ExampleState = {};
(window as unknown as { calibmanExample: ExampleState }).calibmanExample = state;

const fileInput = document.querySelector<HTMLInputElement>('#file')!;
const sourceSelect = document.querySelector<HTMLSelectElement>('#source')!;
const runButton = document.querySelector<HTMLButtonElement>('#run')!;
const statusLine = document.querySelector<HTMLElement>('#status')!;
const canvas = document.querySelector<HTMLCanvasElement>('#figure')!;
let inputs: XtcInput[] = [];

function say(text: string): void {
  statusLine.textContent = text;
}

async function sha256(bytes: ArrayBufferView): Promise<string> {
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const digest = await crypto.subtle.digest('SHA-256', view.slice());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

fileInput.addEventListener('change', async () => {
  const files = Array.from(fileInput.files ?? []);
  if (files.length === 0) return;
  try {
    say(`reading ${files.map((f) => f.name).join(', ')}…`);
    inputs = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    const sources = await listSources(inputs);
    sourceSelect.replaceChildren(
      ...sources.map((s) => new Option(`${s.source} (${s.detectorType}, ${s.events} events)`, s.source)),
    );
    runButton.disabled = sources.length === 0;
    state.sources = sources;
    say(`${sources.length} detector source(s); choose one and run the dark processing`);
  } catch (err) {
    state.error = err instanceof Error ? err.message : String(err);
    say(`error: ${state.error}`);
  }
});

/** Run the dark processing in a worker (helper workers when the page is cross-origin isolated), else here. */
function runDark(source: string): Promise<{ outcome: DarkOutcome; ranIn: 'worker' | 'page' }> {
  if (typeof Worker !== 'function') return darkOfSource(inputs, source).then((outcome) => ({ outcome, ranIn: 'page' }));
  // helper workers need shared memory: a cross-origin isolated page (see build.ts's server headers)
  const helpers = crossOriginIsolated ? Math.max(0, Math.min(3, navigator.hardwareConcurrency - 1)) : 0;
  const worker = new Worker(new URL('./dark-worker.js', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<{ ok: true; outcome: DarkOutcome } | { ok: false; message: string }>) => {
      worker.terminate();
      if (e.data.ok) resolve({ outcome: e.data.outcome, ranIn: 'worker' });
      else reject(new Error(e.data.message));
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(e.message || 'the dark-processing worker failed to start'));
    };
    const request: DarkRequest = { inputs, source, helpers };
    worker.postMessage(request);
  });
}

runButton.addEventListener('click', async () => {
  const source = sourceSelect.value;
  runButton.disabled = true;
  try {
    say(`dark processing of ${source}…`);
    const { outcome, ranIn } = await runDark(source);
    const geometry = defaultGeometryFor(outcome.detectorType, outcome.shape);
    const maps = geometry?.getPixelCoordIndexes();
    const { image, imageShape, reached } = displayImage(outcome.pedestals, outcome.shape, maps);
    const figure = drawImageFigure(image, imageShape, {
      title: `${source}: pedestals of ${outcome.frames} frames`,
      valueLabel: 'pedestal, ADU',
      ...(reached && { reached }),
    });
    const { width, height, data } = figure.canvas;
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d')!;
    ctx.putImageData(new ImageData(new Uint8ClampedArray(data), width, height), 0, 0);
    const drawn = ctx.getImageData(0, 0, width, height).data;
    state.result = {
      source,
      detectorType: outcome.detectorType,
      shape: outcome.shape,
      frames: outcome.frames,
      helpers: outcome.helpers,
      ranIn,
      pedestalsSha256: await sha256(outcome.pedestals),
      pixelStatusSha256: await sha256(outcome.pixelStatus),
      figure: { width, height, colorbarRange: figure.layout.colorbar?.range, rgbaSha256: await sha256(drawn) },
    };
    say(`done: ${outcome.frames} frames, ${ranIn === 'worker' ? `a worker with ${outcome.helpers} helper worker(s)` : 'on the page'}`);
  } catch (err) {
    state.error = err instanceof Error ? err.message : String(err);
    say(`error: ${state.error}`);
  } finally {
    runButton.disabled = false;
  }
});
