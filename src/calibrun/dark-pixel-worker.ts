/** Worker-thread entry of a pixel-range split dark pass: runs one pixel-range piece, returns encoded states. */
import { encodeDarkState } from '../dark/state-codec.js';
import { serveWorkerTasks, withTransfer } from '../jobs/worker-pool.js';
import { runDarkPixelPiece } from './dark-pixel-split.js';
import type { DarkPixelWorkerResult, DarkPixelWorkerTask } from './dark-pixel-workers.js';
import { defaultEngines } from './engines.js';

serveWorkerTasks<DarkPixelWorkerTask, DarkPixelWorkerResult>(async (task) => {
  const r = await runDarkPixelPiece(task.request, defaultEngines(), task.piece);
  const sources = r.sources.map(({ state, ...rest }) => ({ ...rest, state: encodeDarkState(state) }));
  return withTransfer({ ...r, sources }, sources.map((s) => s.state.buffer as ArrayBuffer));
});
