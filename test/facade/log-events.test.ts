import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { CalibManager } from '../../src/facade/calib-manager.js';
import { DarkLogEvent } from '../../src/facade/log-event.js';
import { calibrunMain, type CalibrunMainIO } from '../../src/cli/calibrun/main.js';
import type { CalibrunOutcome } from '../../src/calibrun/app.js';
import { defaultEngines } from '../../src/calibrun/engines.js';
import { writeSyntheticRun } from '../../src/node/xtc-synthetic.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-logevents-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const root = path.join(tmp, 'data');
const OPAL = 'XppEndstation.0:Opal1000.0';

beforeAll(async () => {
  await writeSyntheticRun(path.join(root, 'XPP', 'xpp12345', 'xtc'), {
    experiment: 'xpp12345',
    run: 5,
    events: 30,
    seed: 4,
    detectors: [{ type: 'OPAL1000', width: 20, height: 12, deadFraction: 0.05 }],
  });
}, 60_000);

describe('log events of CalibManager', () => {
  it('reports parameters, selection counts, file writes, deploy commands and warnings as typed log events', async () => {
    const d = mkdtempSync(path.join(tmp, 'facade-'));
    const cm = new CalibManager(
      { experiment: 'xpp12345', detectors: ['Opal1000'], root, workDir: path.join(d, 'work'), calibDir: path.join(d, 'calib'), thresholds: { nrecs1: 10 } },
      { env: {} },
    );
    const seen: DarkLogEvent[] = [];
    cm.addEventListener('log', (e) => {
      expectTypeOf(e).toEqualTypeOf<DarkLogEvent>();
      seen.push(e);
    });
    const before = Date.now();
    const job = await cm.runDark({ run: 5, numEvents: 25, skipEvents: 2, zeroPeds: true });
    const results = await cm.deploy(job);
    expect(seen.every((e) => e instanceof DarkLogEvent && e.time instanceof Date && e.time.getTime() >= before - 1000)).toBe(true);
    const msgs = seen.map((e) => [e.level, e.step, e.message] as const);

    expect(msgs[0][0]).toBe('info');
    expect(msgs[0][1]).toBe('parameters');
    expect(msgs[0][2]).toMatch(/^dark job xpp12345 run 5 .*detectors Opal1000; events 25, skip 2, scan 10, event codes any;.*nrecs1=10/);
    const find = (re: RegExp) => msgs.find((m) => re.test(m[2]));
    expect(find(/^Events read:/)?.[2]).toMatch(new RegExp(`^Events read: ${job.eventsRead}, used: ${job.eventsUsed}, rejected by event codes: 0, `));
    expect(job.eventsUsed).toBe(25);
    const s = job.get(OPAL);
    expect(find(/^source /)?.[2]).toBe(`source ${OPAL} (${s.detector}): ${s.frames} frames, ${s.damaged} damaged, shape (${s.shape.join(',')}), STATISTICS ${s.frames - 1}`);
    expect(find(/^xtc files:/)?.[2]).toBe(`xtc files:\n${job.xtcFiles.map((f) => '  ' + f).join('\n')}`);
    // no Rayonix among the sources: the zero pedestals give a warning
    expect(msgs.filter((m) => m[0] === 'warn').map((m) => m[2])).toEqual(['--zeropeds applies to Rayonix sources only; none processed']);
    const listing = find(/^List of files in work directory/)!;
    expect(listing[1]).toBe('files');
    expect(listing[2].split('\n').slice(1).sort()).toEqual(Object.values(s.files).sort());
    // deployment: the tentative commands, then one copy and HISTORY per file
    const plan = cm.planDeploy(job);
    expect(find(/Tentative deployment commands:/)?.[2]).toBe(['-'.repeat(50), 'Tentative deployment commands:', ...plan.map((i) => `cp ${i.input} ${i.output}`)].join('\n'));
    const cats = msgs.filter((m) => m[2].startsWith('command: cat ')).map((m) => m[2]);
    expect(cats).toEqual(plan.map((it, i) => `command: cat ${it.input} > ${results[i].target}`));
    expect(msgs.filter((m) => m[2].startsWith('append HISTORY file: ')).map((m) => m[2])).toEqual(results.map((r) => `append HISTORY file: ${path.join(path.dirname(r.target), 'HISTORY')}`));
    // order: parameters, selection, files, deploy
    const order = ['parameters', 'selection', 'warning', 'files', 'deploy'];
    const steps = msgs.map((m) => order.indexOf(m[1]));
    expect(steps).toEqual([...steps].sort((a, b) => a - b));

    // a dry run logs only the tentative commands
    const n = seen.length;
    await cm.deploy(job, { dryRun: true, runRange: '9-end' });
    expect(seen.slice(n).map((e) => e.message.split('\n')[1])).toEqual(['Tentative deployment commands:']);
  });

  it("calibrun writes the facade's records to its session log, once each and in order", async () => {
    const d = mkdtempSync(path.join(tmp, 'calibrun-'));
    let outcome: CalibrunOutcome | undefined;
    const io: CalibrunMainIO = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: d, engines: defaultEngines(), onOutcome: (o) => (outcome = o) };
    const argv = ['-e', 'xpp12345', '-r', '5', '-d', 'Opal1000', '--root', root, '-w', path.join(d, 'work'), '-c', path.join(d, 'calib'), '-P', '-D', '-n', '20', '--nrecs1', '10'];
    expect(await calibrunMain(argv, io)).toBe(0);
    const lines = readFileSync(outcome!.logPath, 'utf8').split('\n');
    const kinds = [
      /^\[I\] Begin dark run data processing$/,
      /^\[I\] xtc files:$/,
      /^\[I\] Events read: \d+, used: 20, rejected by event codes: 0, time: /,
      new RegExp(`^\\[I\\] source ${OPAL.replace('.', '\\.')} \\(Opal1000\\): 20 frames, 0 damaged, shape \\(12,20\\), STATISTICS 19$`),
      /^\[I\] List of files in work directory for command "ls .*clb-xpp12345-r0005-\*":$/,
      /^\[I\] Tentative deployment commands:$/,
      /^\[I\] command: cat .*peds-ave-.* > .*pedestals\/5-end\.data$/,
      /^\[I\] command: cat .*peds-sta-.* > .*pixel_status\/5-end\.data$/,
      /^\[I\] Deployment of calibration files is completed$/,
    ];
    let at = -1;
    for (const re of kinds) {
      const hits = lines.flatMap((l, i) => (re.test(l) ? [i] : []));
      expect(hits, String(re)).toHaveLength(1);
      expect(hits[0], String(re)).toBeGreaterThan(at);
      at = hits[0];
    }
    // the facade's own parameter record is not in calibrun's log (it has its parameter block)
    expect(lines.some((l) => l.includes('dark job xpp12345'))).toBe(false);
  });
});
