import type { DarkProgress } from '../pipeline/progress.js';

/** A sink for progress reports and a final `end()`. */
export interface ProgressRenderer {
  update(p: DarkProgress): void;
  end(): void;
}

function fmtSec(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '--:--';
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** One plain progress line: `events 500/1000 (read 512) 2345.6 ev/s ETA 00:01`. */
export function formatProgressLine(p: DarkProgress): string {
  return `events ${p.eventsUsed}/${p.eventsTarget} (read ${p.eventsRead}) ${p.rate.toFixed(1)} ev/s ${
    p.done ? `done in ${fmtSec(p.elapsedSec)}` : `ETA ${fmtSec(p.etaSec)}`
  }`;
}

/** A bar `[#####.....]  50% ` followed by the progress line, for a terminal. */
export function formatProgressBar(p: DarkProgress, width = 30): string {
  const frac = p.eventsTarget > 0 ? Math.min(1, p.eventsUsed / p.eventsTarget) : 0;
  const n = Math.round(frac * width);
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}] ${String(Math.floor(frac * 100)).padStart(3)}% ${formatProgressLine(p)}`;
}

/**
 * A renderer for a stream: on a TTY a bar redrawn in place (carriage return, at most ~10 times a
 * second); otherwise a plain line at most every `intervalSec` seconds, plus the final one.
 */
export function createProgressRenderer(
  stream: { write(s: string): unknown; isTTY?: boolean },
  opts: { intervalSec?: number } = {},
): ProgressRenderer {
  const tty = Boolean(stream.isTTY);
  const interval = opts.intervalSec ?? (tty ? 0.1 : 5);
  let last = -Infinity;
  let drawn = false;
  let lastP: DarkProgress | undefined;
  return {
    update(p) {
      lastP = p;
      if (!p.done && p.elapsedSec - last < interval) return;
      last = p.elapsedSec;
      if (tty) {
        stream.write(`\r${formatProgressBar(p)}\x1b[K`);
        drawn = true;
      } else {
        stream.write(formatProgressLine(p) + '\n');
      }
    },
    end() {
      if (tty && drawn) stream.write('\n');
      else if (!tty && lastP && !lastP.done) stream.write(formatProgressLine({ ...lastP, done: true }) + '\n');
    },
  };
}
