/** Worker-thread entry of {@link formatNdarrayTexts}: formats one array as psana ndarray text per task. */
import { formatNdarrayText } from '../io/ndarray-text.js';
import { ndarrayOf } from '../io/ndarray.js';
import { serveWorkerTasks } from '../jobs/worker-pool.js';
import type { FormatTextTask } from './format-texts.js';

serveWorkerTasks<FormatTextTask, string>((t) => formatNdarrayText(ndarrayOf(t.data, t.shape), t.options));
