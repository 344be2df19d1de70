import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { toCOrder } from '../../src/io/ndarray.js';
import { parseNdarrayText } from '../../src/io/ndarray-text.js';
import { demoDarkRunSpec, demoLightRunSpec, generateSyntheticRun, PixelKind } from '../../src/synthetic/index.js';

const root = path.resolve(__dirname, '../..');

/** Bytes and file count of a file or a directory tree. */
function treeSize(p: string): { bytes: number; files: number } {
  if (!statSync(p).isDirectory()) return { bytes: statSync(p).size, files: 1 };
  let bytes = 0;
  let files = 0;
  for (const name of readdirSync(p)) {
    const sub = treeSize(path.join(p, name));
    bytes += sub.bytes;
    files += sub.files;
  }
  return { bytes, files };
}

describe('npm run demo (examples/demo.ts) on a small event count', () => {
  it('writes, processes, deploys and reports every detector, finding the planted pixels', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'calibman-demo-'));
    try {
      const stdout = execFileSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'examples/demo.ts'], {
        cwd: root,
        env: { ...process.env, CALIBMAN_DEMO_OUT: out, CALIBMAN_DEMO_EVENTS: '24', CALIBMAN_DEMO_EPIX10KA_EVENTS: '3' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const calib = path.join(out, 'CXI', 'cxidemo13', 'calib');
      // the run files are named the LCLS-I way, after the experiment's number: dark run 7, light run 8,
      // the Jungfrau dark runs 21-23 of the three gain stages and the Epix10ka2M calibration run 31
      expect(readdirSync(path.join(out, 'CXI', 'cxidemo13', 'xtc')).sort()).toEqual([7, 8, 21, 22, 23, 31].map((r) => `e913-r${String(r).padStart(4, '0')}-s00-c00.xtc`));
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
      // a section per dark detector (4), per Jungfrau gain stage (3), per measured Epix10ka gain mode (5), the light run
      expect(html.match(/<section>/g)).toHaveLength(4 + 3 + 5 + 1);
      // per dark section its three pictures and the rms spectrum; the light run's raw and calibrated images
      expect(html.match(/data:image\/png;base64,/g)!.length).toBe((4 + 3 + 5) * 4 + 2);
      // the light run's section: the raw and the calibrated image side by side, with the contrasts
      const lightHtml = html.slice(html.indexOf('<h2>light run 8:'));
      expect(lightHtml).toContain('CxiDs1.0:Cspad.0');
      expect(lightHtml.match(/<figure><img alt="(raw|calibrated) image/g)).toHaveLength(2);
      expect(lightHtml).toMatch(/calibrated image<\/th><td>ring − background [\d.]+ ADU, background spread [\d.]+ ADU → contrast [\d.]+/);

      // the ring stands out of the noise in the calibrated image only, measured against the generator's truth
      const lightEvents = Number(/light run r8: (\d+) events/.exec(stdout)![1]);
      const light = generateSyntheticRun({ ...demoLightRunSpec(lightEvents), experiment: 'e913', run: 8 }).truth.detectors[0];
      const signal = light.light!.ringSignal;
      let peak = 0;
      for (const v of signal) peak = Math.max(peak, v);
      let ringSum = 0;
      let ringN = 0;
      let bgN = 0;
      let pedSum = 0;
      let pedSq = 0;
      let noiseSq = 0;
      for (let i = 0; i < signal.length; i++) {
        if (light.kind[i] !== PixelKind.Good) continue;
        if (signal[i] >= peak / 2) {
          ringSum += signal[i];
          ringN++;
        } else if (signal[i] === 0) {
          bgN++;
          pedSum += light.pedestals[i];
          pedSq += light.pedestals[i] ** 2;
          noiseSq += light.noise[i] ** 2;
        }
      }
      const trueSignal = ringSum / ringN;
      const pedSpread = Math.sqrt(pedSq / bgN - (pedSum / bgN) ** 2);
      const noiseOfMean = Math.sqrt(noiseSq / bgN / lightEvents);
      const printedTruth = /truth: ring signal ([\d.]+) ADU per event on (\d+) pixels/.exec(stdout)!;
      expect(Math.abs(Number(printedTruth[1]) - trueSignal)).toBeLessThan(0.01 * trueSignal);
      expect(Math.abs(Number(printedTruth[2]) - ringN)).toBeLessThan(0.001 * ringN);
      const contrast = (name: string) => {
        const m = new RegExp(`^ +${name} +ring − background +(-?[\\d.]+) ADU, spread +([\\d.]+) ADU → contrast (-?[\\d.]+)$`, 'm').exec(stdout)!;
        return { height: Number(m[1]), spread: Number(m[2]), contrast: Number(m[3]) };
      };
      const raw = contrast('raw');
      const cal = contrast('calibrated');
      // calibrated: the ring's height is the true signal, the spread a few times the noise of the mean
      expect(Math.abs(cal.height - trueSignal)).toBeLessThan(0.1 * trueSignal);
      expect(cal.spread).toBeLessThan(3 * noiseOfMean);
      expect(cal.contrast).toBeGreaterThan(5);
      // raw: the pedestals' pixel-to-pixel variation dominates the spread, and the ring is lost in it
      expect(Math.abs(raw.spread - pedSpread)).toBeLessThan(0.05 * pedSpread);
      expect(raw.contrast).toBeLessThan(0.5);
      expect(raw.contrast).toBeLessThan(trueSignal / pedSpread + 0.1);
      expect(cal.contrast).toBeGreaterThan(20 * raw.contrast);
      expect(existsSync(path.join(out, 'work'))).toBe(true);

      // it lists what it wrote with sizes that match the disk, and at its default event counts stays under 1.5 GB
      const listed = new Map(
        [...stdout.matchAll(/^ +([\d.]+) MB {2}(\S+)(?: in (\d+) files)?$/gm)].map((m) => [m[2], { mb: Number(m[1]), files: m[3] ? Number(m[3]) : 1 }]),
      );
      const xtcFiles = readdirSync(path.join(out, 'CXI', 'cxidemo13', 'xtc')).map((f) => path.join('CXI', 'cxidemo13', 'xtc', f));
      // the dark run grows with the event count; the light run has a fixed size
      const darkXtc = xtcFiles.filter((f) => f.includes('-r0007-'));
      // the Epix10ka2M calibration run grows with the events per calib cycle (3 here)
      const epixXtc = xtcFiles.filter((f) => f.includes('-r0031-'));
      const parts = [...xtcFiles, 'work', path.join('CXI', 'cxidemo13', 'calib'), 'report.html'];
      expect([...listed.keys()].sort()).toEqual(parts.sort());
      let fixedBytes = 0;
      let xtcBytes = 0;
      let epixBytes = 0;
      for (const p of parts) {
        const { bytes, files } = treeSize(path.join(out, p));
        expect(listed.get(p)!.files).toBe(files);
        expect(Math.abs(listed.get(p)!.mb - bytes / 1e6)).toBeLessThanOrEqual(0.51);
        if (darkXtc.includes(p)) xtcBytes += bytes;
        else if (epixXtc.includes(p)) epixBytes += bytes;
        else fixedBytes += bytes;
      }
      expect(stdout).toMatch(new RegExp(`^ +${(treeSize(out).bytes / 1e6).toFixed(0)} MB {2}in total`, 'm'));
      const defaultEvents = Number(/CALIBMAN_DEMO_EVENTS \?\? (\d+)/.exec(readFileSync(path.join(root, 'examples/demo.ts'), 'utf8'))![1]);
      expect(defaultEvents).toBeGreaterThanOrEqual(10);
      const defaultEpixEvents = Number(/CALIBMAN_DEMO_EPIX10KA_EVENTS \?\? (\d+)/.exec(readFileSync(path.join(root, 'examples/demo.ts'), 'utf8'))![1]);
      expect(epixXtc).toHaveLength(1);
      // at its defaults about 1.3 GB: the Epix10ka2M's (7,16,352,384) text constants alone are ~0.26 GB per set
      // of three files, written in work/ and deployed in calib/ (docs/demo.md); the rest stays under 0.4 GB
      expect(fixedBytes + (xtcBytes / 24) * defaultEvents + (epixBytes / 3) * defaultEpixEvents).toBeLessThan(1.5e9);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 600_000); // the demo with its Jungfrau and Epix10ka2M parts takes minutes on a shared 2-core machine
});
