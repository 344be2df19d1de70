/**
 * Browser adapter of the dark engine's helper threads: Web Workers running the control-block program of
 * ./threads.ts on a shared WebAssembly memory. Needs `Worker`, `SharedArrayBuffer` (a cross-origin isolated
 * page: `Cross-Origin-Opener-Policy: same-origin`, `Cross-Origin-Embedder-Policy: require-corp`) and a calling
 * thread that may block in `Atomics.wait` — a worker, not the page's main thread.
 */
import { DARK_HELPER_BODY, type DarkThreadPort, type DarkThreading } from './threads.js';

/** The helper program for a Web Worker: it says `ready`, then gets `memory` and `module` in one message. */
const WEB_HELPER_SOURCE = `self.onmessage = (e) => {
  self.onmessage = null;
  const { memory, module } = e.data;
${DARK_HELPER_BODY}
  self.close();
};
self.postMessage('ready');
`;

/** True where helper threads can run: workers, shared memory and blocking waits are all available. */
export function webDarkThreadsAvailable(): boolean {
  const g = globalThis as { Worker?: unknown; SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean; document?: unknown };
  return typeof g.Worker === 'function' && typeof g.SharedArrayBuffer === 'function' && g.crossOriginIsolated !== false && g.document === undefined;
}

/** Web Worker threading of a dark accumulator, with the helpers started ahead of use. */
export interface WebDarkThreading extends DarkThreading {
  /** Helper workers that started and said `ready`. */
  readonly started: number;
  /** End the helpers not handed to an engine (those an engine took end when it closes). */
  close(): void;
}

/**
 * Start `helpers` Web Workers and wait until each is running: a worker started while its creating thread
 * already blocks in `Atomics.wait` may never get going, so the engine gets workers that are ready. Without
 * worker support (see {@link webDarkThreadsAvailable}) the threading has no helpers and the engine runs on the
 * calling thread alone, with the same result.
 */
export async function webDarkThreading(helpers: number): Promise<WebDarkThreading> {
  const idle: Worker[] = [];
  if (helpers > 0 && webDarkThreadsAvailable()) {
    const url = URL.createObjectURL(new Blob([WEB_HELPER_SOURCE], { type: 'text/javascript' }));
    try {
      const started = await Promise.all(
        Array.from({ length: Math.floor(helpers) }, () => {
          const worker = new Worker(url);
          return new Promise<Worker | undefined>((resolve) => {
            worker.onmessage = () => resolve(worker);
            worker.onerror = () => {
              worker.terminate();
              resolve(undefined);
            };
          });
        }),
      );
      for (const w of started) if (w) idle.push(w);
    } finally {
      URL.revokeObjectURL(url);
    }
  }
  const port: DarkThreadPort = {
    start(memory, module) {
      const worker = idle.shift();
      // the engine asks for at most `helpers` threads; one that did not start leaves its chunks to the others
      if (!worker) return { terminate: () => undefined };
      worker.onmessage = null;
      worker.postMessage({ memory, module });
      return { terminate: () => worker.terminate() };
    },
  };
  return {
    helpers: idle.length,
    started: idle.length,
    port,
    close: () => {
      for (const w of idle.splice(0)) w.terminate();
    },
  };
}
