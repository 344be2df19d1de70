import type { DarkProgress, DarkProgressStage } from '../pipeline/progress.js';

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

/**
 * Where a gain-mode job is, in psana's words (1-based positions): `run 22 (gain stage 2/3, Med-01)` for
 * Jungfrau's dark run of a gain stage, `calibcycle 3/7 (FM, XcsEndstation.0:Epix10ka2M.0)` for an Epix10ka
 * calib cycle; `, done` is added when the stage is finished.
 */
export function formatProgressStage(stage: DarkProgressStage): string {
  const position = `${stage.index + 1}/${stage.count}`;
  const what = stage.kind === 'gain-run' ? [`gain stage ${position}`] : [];
  if (stage.mode) what.push(stage.mode);
  if (stage.kind === 'calib-cycle' && stage.source) what.push(stage.source);
  if (stage.finished) what.push('done');
  const head = stage.kind === 'gain-run' ? (stage.run === undefined ? 'gain run' : `run ${stage.run}`) : `calibcycle ${position}`;
  return what.length ? `${head} (${what.join(', ')})` : head;
}

/**
 * One plain progress line: `events 500/1000 (read 512) 2345.6 ev/s ETA 00:01`, led by the stage of a
 * gain-mode job (`run 22 (gain stage 2/3, Med-01): events …`).
 */
export function formatProgressLine(p: DarkProgress): string {
  const line = `events ${p.eventsUsed}/${p.eventsTarget} (read ${p.eventsRead}) ${p.rate.toFixed(1)} ev/s ${
    p.done ? `done in ${fmtSec(p.elapsedSec)}` : `ETA ${fmtSec(p.etaSec)}`
  }`;
  return p.stage ? `${formatProgressStage(p.stage)}: ${line}` : line;
}

/** What tells one stage report from another (a new stage, its mode once known, its end). */
function stageKey(stage: DarkProgressStage | undefined): string {
  return stage ? `${stage.kind} ${stage.index} ${stage.run ?? ''} ${stage.source ?? ''} ${stage.mode ?? ''} ${stage.finished ? 1 : 0}` : '';
}

/** A bar `[#####.....]  50% ` followed by the progress line, for a terminal. */
export function formatProgressBar(p: DarkProgress, width = 30): string {
  const frac = p.eventsTarget > 0 ? Math.min(1, p.eventsUsed / p.eventsTarget) : 0;
  const n = Math.round(frac * width);
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}] ${String(Math.floor(frac * 100)).padStart(3)}% ${formatProgressLine(p)}`;
}

/**
 * A renderer for a stream: on a TTY a bar redrawn in place (carriage return, at most ~10 times a
 * second); otherwise a plain line at most every `intervalSec` seconds, plus the final one. A report of a
 * gain-mode job whose stage changed (a new stage, its gain mode once known, its end) is shown at once.
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
  let shownStage = '';
  return {
    update(p) {
      lastP = p;
      const stage = stageKey(p.stage);
      if (!p.done && stage === shownStage && p.elapsedSec - last < interval) return;
      last = p.elapsedSec;
      shownStage = stage;
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
