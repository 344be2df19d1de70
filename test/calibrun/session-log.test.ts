import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionLog, sessionLogPath, logFileStamp } from '../../src/calibrun/session-log.js';
import { createProgressRenderer, formatProgressLine } from '../../src/calibrun/progress.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'calibrun-log-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('session log (calibrun.md §4)', () => {
  it('is named by the start time and user under logs/<year>', () => {
    const d = new Date(2024, 4, 31, 10, 3, 41);
    expect(logFileStamp(d)).toBe('2024-05-31T100341');
    expect(sessionLogPath('/w', d, 'dubrovin')).toBe('/w/logs/2024/2024-05-31T100341_log_calibrun_dubrovin.txt');
  });

  it('writes levels at or above the file level and echoes by print bits', () => {
    const echoed: string[] = [];
    const log = SessionLog.open({ workDir: tmp, start: new Date(2025, 0, 2, 3, 4, 5), login: 'me', printBits: 0o20, fileLevel: 'INFO', echo: (l) => echoed.push(l) });
    log.debug('dbg');
    log.info('two\nlines');
    log.warning('careful');
    log.critical('TURNED OFF');
    expect(log.path).toBe(path.join(tmp, 'logs', '2025', '2025-01-02T030405_log_calibrun_me.txt'));
    expect(readFileSync(log.path, 'utf8')).toBe('[I] two\n[I] lines\n[W] careful\n[C] TURNED OFF\n');
    expect(echoed).toEqual(['TURNED OFF']);
  });

  it('fails with the path when the work directory cannot be created', () => {
    const file = path.join(tmp, 'plain-file');
    writeFileSync(file, 'x');
    expect(() => SessionLog.open({ workDir: path.join(file, 'work') })).toThrow(/cannot create the session log/);
  });
});

describe('progress display', () => {
  const p = { eventsRead: 512, eventsUsed: 500, eventsTarget: 1000, elapsedSec: 2, rate: 256, etaSec: 2 };
  it('plain lines with events, rate and ETA', () => {
    expect(formatProgressLine(p)).toBe('events 500/1000 (read 512) 256.0 ev/s ETA 00:02');
    const out: string[] = [];
    const r = createProgressRenderer({ write: (s: string) => out.push(s) }, { intervalSec: 5 });
    r.update({ ...p, elapsedSec: 0.1 });
    r.update({ ...p, elapsedSec: 1 });
    r.update({ ...p, elapsedSec: 6 });
    r.update({ ...p, elapsedSec: 7, eventsUsed: 1000, done: true });
    r.end();
    expect(out).toHaveLength(3);
    expect(out.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(out[2]).toContain('done in 00:07');
  });
  it('a bar redrawn in place on a TTY', () => {
    const out: string[] = [];
    const r = createProgressRenderer({ write: (s: string) => out.push(s), isTTY: true });
    r.update(p);
    r.end();
    expect(out[0]).toMatch(/^\r\[#{15}\.{15}\] {2}50% events 500\/1000/);
    expect(out[1]).toBe('\n');
  });
});
