import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

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
        const line = stdout.split('\n').find((l) => l.startsWith(`${src}: planted`));
        expect(line).toBeDefined();
        const m = /dead (\d+)\/(\d+), saturated (\d+)\/(\d+) flagged; good pixels flagged (\d+)/.exec(line!)!;
        expect(m[1]).toBe(m[2]);
        expect(m[3]).toBe(m[4]);
        expect(Number(m[5])).toBe(0);
      }
      const html = readFileSync(path.join(out, 'report.html'), 'utf8');
      expect(html.match(/<section>/g)).toHaveLength(4);
      expect(html.match(/data:image\/png;base64,/g)!.length).toBe(16);
      expect(existsSync(path.join(out, 'work'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
