import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { toCOrder } from '../../src/io/ndarray.js';
import { parseNdarrayText } from '../../src/io/ndarray-text.js';
import { demoDarkRunSpec, generateSyntheticRun, PixelKind } from '../../src/xtc/index.js';

const root = path.resolve(__dirname, '../..');

describe('npm run demo (examples/demo.ts) on a small event count', () => {
  it('writes, processes, deploys and reports every detector, finding the planted pixels', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'calibman-demo-'));
    try {
      const stdout = execFileSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'examples/demo.ts'], {
        cwd: root,
        env: { ...process.env, CALIBMAN_DEMO_OUT: out, CALIBMAN_DEMO_EVENTS: '24' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const calib = path.join(out, 'CXI', 'cxidemo13', 'calib');
      for (const [group, src] of [
        ['CsPad::CalibV1', 'CxiDs1.0:Cspad.0'],
        ['CsPad2x2::CalibV1', 'MecTargetChamber.0:Cspad2x2.1'],
        ['PNCCD::CalibV1', 'Camp.0:pnCCD.1'],
        ['Camera::CalibV1', 'XppEndstation.0:Opal1000.0'],
      ]) {
        for (const type of ['pedestals', 'pixel_rms', 'pixel_status']) {
          const dir = path.join(calib, group, src, type);
          expect(readdirSync(dir).sort()).toEqual(['7-end.data', 'HISTORY']);
        }
        // every planted dead and saturated pixel is flagged, and no good pixel is
        const lines = stdout.split('\n');
        const at = lines.indexOf(`  ${src}`);
        expect(at).toBeGreaterThan(0);
        const m = /dead (\d+)\/(\d+), saturated (\d+)\/(\d+); good pixels flagged (\d+)/.exec(lines[at + 1])!;
        expect(m[1]).toBe(m[2]);
        expect(m[3]).toBe(m[4]);
        expect(Number(m[5])).toBe(0);
      }
      // the deployed CSPAD2x2 constants against the generator's truth (the demo's spec with 24 events)
      const truth = generateSyntheticRun({ ...demoDarkRunSpec(24), experiment: 'cxidemo13', run: 7, darkFraction: 0.85 }).truth;
      const model = truth.detectors.find((d) => d.type === 'CSPAD2x2')!;
      const frames = truth.events.filter((e) => e.dark).length;
      const dir = path.join(calib, 'CsPad2x2::CalibV1', model.source);
      const ped = parseNdarrayText(readFileSync(path.join(dir, 'pedestals', '7-end.data'), 'utf8'), { cspad2x2Layout: 'daq' });
      const sta = parseNdarrayText(readFileSync(path.join(dir, 'pixel_status', '7-end.data'), 'utf8'), { cspad2x2Layout: 'daq' });
      expect(ped.array.shape).toEqual(model.shape);
      const pedestals = toCOrder(ped.array);
      const status = toCOrder(sta.array);
      let errSq = 0;
      let statSq = 0;
      for (let i = 0; i < model.kind.length; i++) {
        if (model.kind[i] === PixelKind.Dead || model.kind[i] === PixelKind.Saturated) expect(Number(status[i])).not.toBe(0);
        if (model.kind[i] !== PixelKind.Good) continue;
        errSq += (Number(pedestals[i]) - model.pedestals[i]) ** 2;
        statSq += model.noise[i] ** 2 / frames;
      }
      // psana's gated mean: error close to the plain mean's statistical error (bias from the quantile gates is small)
      expect(Math.sqrt(errSq / statSq)).toBeLessThan(1.5);
      // the summary table's frame count is the truth's number of dark events
      const row = stdout.split('\n').find((l) => l.startsWith(`${model.source} `))!;
      expect(row.split(/\s+/)[1]).toBe(String(frames));
      const html = readFileSync(path.join(out, 'report.html'), 'utf8');
      expect(html.match(/<section>/g)).toHaveLength(4);
      expect(html.match(/data:image\/png;base64,/g)!.length).toBe(16);
      expect(existsSync(path.join(out, 'work'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
