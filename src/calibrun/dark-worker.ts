/**
 * Worker-thread entry of a local pass split by events (`runDarkPassParallel(…, 'events')`): each task is one piece of the
 * run, read with the real XTC reader and accumulated with the real dark engine; the mergeable states are
 * moved (not copied) back to the main thread. Progress goes to a shared counter array when the pool passes one
 * as `workerData.progress`.
 */
import { workerData } from 'node:worker_threads';
import { serveWorkerTasks, withTransfer } from '../jobs/worker-pool.js';
import { runDarkPiece, type DarkPieceResult } from './dark-piece.js';
import { defaultEngines } from './engines.js';
import type { DarkWorkerTask } from './dark-workers.js';

const progress = (workerData as { progress?: SharedArrayBuffer } | undefined)?.progress;
const counters = progress ? new Int32Array(progress) : undefined;

serveWorkerTasks<DarkWorkerTask, DarkPieceResult>(async (task) => {
  const { index } = task.piece;
  const result = await runDarkPiece(
    {
      ...task.request,
      progressIntervalSec: 0.1,
      onProgress: (p) => {
        if (!counters) return;
        Atomics.store(counters, 2 * index, p.eventsRead);
        Atomics.store(counters, 2 * index + 1, p.eventsUsed);
      },
    },
    defaultEngines(),
    task.piece,
  );
  const transfer: ArrayBuffer[] = [];
  for (const s of result.sources) {
    const st = s.state;
    const arrays = [st.pending, st.gates?.lo, st.gates?.hi, st.gates?.blockMin, st.gates?.blockMax, ...(st.sums ? Object.values(st.sums) : [])];
    for (const a of arrays) {
      if (a && a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && !transfer.includes(a.buffer)) {
        transfer.push(a.buffer);
      }
    }
  }
  return withTransfer(result, transfer);
});
