/**
 * The example's dark-processing worker: it may block in `Atomics.wait` (the page's main thread may not), so the
 * accumulation runs here, its kernels shared with helper Web Workers when the page is cross-origin isolated.
 */
import { webDarkThreading } from 'calibman';
import { darkOfSource, type XtcInput } from './dark.js';

/** What the page sends. */
export interface DarkRequest {
  inputs: XtcInput[];
  source: string;
  /** Helper workers to start (0 = this worker alone). */
  helpers: number;
}

self.onmessage = async (e: MessageEvent<DarkRequest>) => {
  const { inputs, source, helpers } = e.data;
  const threading = await webDarkThreading(helpers);
  try {
    const outcome = await darkOfSource(inputs, source, threading);
    self.postMessage({ ok: true, outcome }, { transfer: [outcome.pedestals.buffer, outcome.pixelStatus.buffer] });
  } catch (err) {
    self.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
  } finally {
    threading.close();
  }
};
