/** Worker-thread entry of {@link formatNdarrayTexts}: formats one array as psana ndarray text bytes per task. */
import { formatNdarrayTextBytes } from '../io/ndarray-text.js';
import { ndarrayOf } from '../io/ndarray.js';
import { serveWorkerTasks, withTransfer } from '../jobs/worker-pool.js';
import type { FormatTextTask } from './format-texts.js';

serveWorkerTasks<FormatTextTask, Uint8Array>((t) => {
  const bytes = formatNdarrayTextBytes(ndarrayOf(t.data, t.shape), t.options);
  return withTransfer(bytes, [bytes.buffer as ArrayBuffer]);
});
