/** Metrology: read a CSPAD survey (text and .xlsx), process it (V2) and render the quality picture. */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  convertMetrology,
  parseMetrologyText,
  readMetrologyXlsx,
  renderMetrologyPlot,
  writeMetrologyXlsx,
} from '../src/metrology/index.js';
import { fixturePath } from '../test/fixture-files.js';

const XPP = fixturePath('metrology/converted/xpp_2013-10-09_calibman.txt');

function time(label: string, n: number, fn: () => unknown): void {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  const ms = (performance.now() - t0) / n;
  console.log(`${label.padEnd(40)} ${ms.toFixed(3)} ms`);
}

export async function run(): Promise<void> {
  const text = readFileSync(XPP, 'utf8');
  const table = parseMetrologyText(text);
  const xlsx = writeMetrologyXlsx(table);
  time('parse text survey (128 points)', 200, () => parseMetrologyText(text));
  time('read .xlsx survey (4 sheets)', 20, () => readMetrologyXlsx(xlsx));
  time('convert cspad-v2 (all outputs + report)', 200, () => convertMetrology(table, 'cspad-v2'));
  const { result } = convertMetrology(table, 'cspad-v2');
  time('render quality picture 900x900', 10, () => renderMetrologyPlot(result));
}
