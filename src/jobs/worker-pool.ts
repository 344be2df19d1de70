/**
 * A local worker pool (worker_threads) that splits one run across the cores of this machine: each task is
 * posted to a worker script, results come back in task order. The worker script serves tasks with
 * {@link serveWorkerTasks}.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { Worker, parentPort, type Transferable } from 'node:worker_threads';
import { JobError } from '../errors.js';

/** Options of {@link runInWorkers}. */
export interface WorkerPoolOptions<R> {
  /** Number of worker threads (default: available cores, at most the number of tasks). */
  concurrency?: number;
  /** Aborting terminates every worker and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Passed to every worker as `workerData` (e.g. a file path or shared settings). */
  workerData?: unknown;
  /** Called as each task finishes (in completion order). */
  onResult?: (result: R, index: number) => void;
  /** Extra Node options for the workers. `.ts` worker scripts are loaded through tsx (dev dependency). */
  execArgv?: string[];
}

interface TaskMessage {
  type: 'task';
  index: number;
  task: unknown;
}
interface ResultMessage {
  type: 'result';
  index: number;
  result?: unknown;
  error?: { message: string; name?: string; stack?: string };
}

/**
 * Run `tasks` on a pool of worker threads executing `workerScript` (a path or file URL of a module that
 * calls {@link serveWorkerTasks}). Resolves with the results in task order; the first task error rejects
 * (a JobError naming the task index) and terminates the pool.
 */
export function runInWorkers<T, R>(
  workerScript: string | URL,
  tasks: readonly T[],
  options: WorkerPoolOptions<R> = {},
): Promise<R[]> {
  const results: R[] = new Array(tasks.length);
  if (tasks.length === 0) return Promise.resolve(results);
  const n = Math.max(1, Math.min(options.concurrency ?? availableParallelism(), tasks.length));
  const scriptUrl = workerScript instanceof URL ? workerScript : pathToFileURL(workerScript);
  const boot = bootstrap(scriptUrl);

  return new Promise<R[]>((resolve, reject) => {
    const workers: Worker[] = [];
    const retired = new Set<Worker>();
    let next = 0;
    let done = 0;
    let settled = false;

    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (err !== undefined) reject(err);
      else resolve(results);
    };
    const onAbort = () => finish(options.signal!.reason ?? new DOMException('aborted', 'AbortError'));
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const feed = (w: Worker) => {
      if (settled) return;
      if (next >= tasks.length) {
        retired.add(w);
        void w.terminate();
        return;
      }
      const index = next++;
      const msg: TaskMessage = { type: 'task', index, task: tasks[index] };
      w.postMessage(msg);
    };

    for (let k = 0; k < n; k++) {
      const w = new Worker(boot.script, { workerData: options.workerData, eval: boot.eval, execArgv: options.execArgv ?? [] });
      workers.push(w);
      w.on('message', (msg: ResultMessage) => {
        if (settled || msg?.type !== 'result') return;
        if (msg.error) {
          finish(new JobError(`worker task ${msg.index} failed: ${msg.error.message}`));
          return;
        }
        results[msg.index] = msg.result as R;
        done++;
        try {
          options.onResult?.(msg.result as R, msg.index);
        } catch (err) {
          finish(err);
          return;
        }
        if (done === tasks.length) finish();
        else feed(w);
      });
      w.on('error', (err) => finish(new JobError(`worker thread of ${fileURLToPath(scriptUrl)} crashed: ${err.message}`)));
      w.on('exit', (code) => {
        if (!settled && !retired.has(w) && code !== 0) finish(new JobError(`worker thread exited with code ${code} before finishing its task`));
      });
      feed(w);
    }
  });
}

/** Value a task handler returns when parts of its result should be moved, not copied (e.g. big ArrayBuffers). */
export interface TransferResult<R> {
  /** The handler's result. */
  result: R;
  /** Buffers moved to the main thread instead of copied. */
  transfer: Transferable[];
}

/** Wrap a handler's result so its buffers are transferred to the main thread instead of copied. */
export function withTransfer<R>(result: R, transfer: Transferable[]): TransferResult<R> {
  return { result, transfer, [TRANSFER]: true } as TransferResult<R>;
}
const TRANSFER = Symbol.for('calibman.transfer');

/**
 * In a worker script: answer the pool's tasks with `handler` (one at a time). Errors are sent back and
 * fail the run with the task index.
 */
export function serveWorkerTasks<T, R>(handler: (task: T, index: number) => Promise<R | TransferResult<R>> | R | TransferResult<R>): void {
  if (!parentPort) throw new JobError('serveWorkerTasks must be called in a worker thread started by runInWorkers');
  const port = parentPort;
  port.on('message', async (msg: TaskMessage) => {
    if (msg?.type !== 'task') return;
    try {
      const out = await handler(msg.task as T, msg.index);
      if (out && typeof out === 'object' && (out as Record<symbol, unknown>)[TRANSFER]) {
        const t = out as TransferResult<R>;
        port.postMessage({ type: 'result', index: msg.index, result: t.result } satisfies ResultMessage, t.transfer);
      } else {
        port.postMessage({ type: 'result', index: msg.index, result: out } satisfies ResultMessage);
      }
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      port.postMessage({ type: 'result', index: msg.index, error: { message: e.message, name: e.name, stack: e.stack } } satisfies ResultMessage);
    }
  });
}

/** How to start a worker: the script itself, or (for `.ts` scripts) a small bootstrap that registers tsx first. */
function bootstrap(scriptUrl: URL): { script: URL | string; eval: boolean } {
  if (!/\.[cm]?ts$/.test(scriptUrl.pathname)) return { script: scriptUrl, eval: false };
  let api: string;
  try {
    const pkgFile = createRequire(fileURLToPath(scriptUrl)).resolve('tsx/package.json');
    const entry = JSON.parse(readFileSync(pkgFile, 'utf8')).exports['./esm/api'].import.default as string;
    api = path.join(path.dirname(pkgFile), entry);
  } catch {
    throw new JobError(`worker script ${fileURLToPath(scriptUrl)} is TypeScript: it needs tsx installed, or a built .js script`);
  }
  const code =
    `import(${JSON.stringify(pathToFileURL(api).href)})` +
    `.then((m) => m.register()).then(() => import(${JSON.stringify(scriptUrl.href)}))` +
    `.catch((e) => { setImmediate(() => { throw e; }); });`;
  return { script: code, eval: true };
}
