import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as facade from '../../src/facade/calib-manager.js';
import type { CalibManager } from '../../src/facade/calib-manager.js';
import * as core from '../../src/index.js';
import type { DarkConstants, DarkDeployInput, DarkJob, DarkLogRecord } from '../../src/index.js';

/**
 * The core entry (`calibman`) names the facade's Node-free types: they live in src/facade/types.ts, which
 * imports only core modules, and the core lint rule lets the core import that file and no other facade file.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('facade types in the core', () => {
  it('the core exports the types CalibManager returns and takes', () => {
    expectTypeOf<Awaited<ReturnType<CalibManager['runDark']>>>().toEqualTypeOf<DarkJob>();
    expectTypeOf<DarkJob['sources'][number]>().toEqualTypeOf<DarkConstants>();
    expectTypeOf<DarkJob>().toMatchTypeOf<DarkDeployInput>();
    expectTypeOf<DarkLogRecord['level']>().toEqualTypeOf<'info' | 'warn' | 'error'>();
  });

  it('the core exports the events CalibManager dispatches about a job (the same classes)', () => {
    expect(core.DarkProgressEvent).toBe(facade.DarkProgressEvent);
    const e = new core.DarkProgressEvent({ eventsRead: 1, eventsUsed: 1, eventsTarget: 2, elapsedSec: 0.5, rate: 2, etaSec: 0.5, done: false });
    expect([e.type, e.progress.eventsUsed]).toEqual(['progress', 1]);
    expect(new core.DarkLogEvent({ level: 'warn', time: new Date(0), message: 'm', step: 'warning' }).level).toBe('warn');
  });

  it('the facade files the core takes import only core modules', () => {
    for (const file of ['types.ts', 'events.ts', 'log-event.ts']) {
      const text = readFileSync(`${ROOT}src/facade/${file}`, 'utf8');
      const specifiers = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      expect(specifiers.length, file).toBeGreaterThan(0);
      for (const s of specifiers) expect(s, `${file}: ${s}`).toMatch(/^(\.\.\/(io|pipeline|dark|deploy|detectors|xtc)\/|\.\/(types|events|log-event)\.js$)/);
    }
  });

  it('the core lint rule allows ./facade/types.js and refuses the Node-side facade', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const lint = async (code: string) => (await eslint.lintText(code, { filePath: `${ROOT}src/index.ts` }))[0].messages.map((m) => m.ruleId);
    expect(await lint("export type { DarkJob } from './facade/types.js';\n")).toEqual([]);
    expect(await lint("export type { DarkJob } from './facade/dark-job.js';\n")).toContain('@typescript-eslint/no-restricted-imports');
  }, 60_000);
});
