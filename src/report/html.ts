/** A self-contained HTML report (pictures embedded as data URIs): platform-neutral string building. */
import type { DarkSourceSummary } from './dark-summary.js';
import { DARK_STATUS_BITS } from '../dark/summary.js';

/** One picture of a report section. */
export interface ReportImage {
  /** Caption. */
  title: string;
  /** PNG bytes. */
  png: Uint8Array;
  /** Displayed width, CSS px (default: the PNG's own width). */
  width?: number;
  /** Where the detector picture lies in the PNG (figures with axes and a colour bar or legend), PNG pixels. */
  plot?: {
    /** Left edge, PNG pixels. */
    left: number;
    /** Top edge, PNG pixels. */
    top: number;
    /** Width, PNG pixels. */
    width: number;
    /** Height, PNG pixels. */
    height: number;
  };
  /** The value range of the colour bar, when the figure has one. */
  valueRange?: [number, number];
}

/** One detector's part of a dark report. */
export interface DarkReportSection {
  /** The source's numbers (frames, bad pixels, statistics). */
  summary: DarkSourceSummary;
  /** Pictures and spectra of the source. */
  images: ReportImage[];
  /** Files deployed for this source (calib store paths). */
  deployed?: string[];
}

/** A section of a report that is not one detector's dark constants: a heading, lines, a table, pictures. */
export interface ReportFigureSection {
  /** Heading. */
  title: string;
  /** Free-text lines under the heading. */
  notes?: string[];
  /** Rows of a two-column table (name, value). */
  rows?: [string, string][];
  /** Pictures of the section. */
  images: ReportImage[];
}

/** Content of a dark report. */
export interface DarkReport {
  /** Page title. */
  title: string;
  /** Experiment, e.g. `cxi12345`. */
  experiment: string;
  /** Dark run. */
  run: number;
  /** Free-text lines under the title (data locations, timing). */
  notes?: string[];
  /** One section per detector source. */
  sections: DarkReportSection[];
  /** Further sections after the detectors' (e.g. raw vs calibrated images of a light run). */
  figureSections?: ReportFigureSection[];
}

/** Base64 of bytes (no Node Buffer, so it runs in a browser too). */
export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) bin += String.fromCharCode(...bytes.subarray(i, i + step));
  return btoa(bin);
}

/** Escape text for HTML content and attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const BIT_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(DARK_STATUS_BITS).map(([name, bit]) => [bit, name.toLowerCase().replace('_', ' ')]),
);

function summaryTable(s: DarkSourceSummary): string {
  const rows: [string, string][] = [
    ['detector type', s.detectorType ?? '—'],
    ['frames used', String(s.frames)],
    ['pixels', String(s.pixels)],
    ['mean pedestal (good pixels)', `${s.meanPedestal.toFixed(2)} ADU`],
    ['median rms (good pixels)', `${s.medianRms.toFixed(3)} ADU`],
    ['bad pixels', String(s.badPixels)],
    ...Object.entries(s.badByBit).map(([bit, n]) => [`status bit ${bit} (${BIT_NAMES[Number(bit)] ?? ''})`, String(n)] as [string, string]),
  ];
  if (s.truth) {
    const t = s.truth;
    rows.push(
      ['planted hot pixels flagged', `${t.hot.flagged} / ${t.hot.planted}`],
      ['planted dead pixels flagged', `${t.dead.flagged} / ${t.dead.planted}`],
      ['planted saturated pixels flagged', `${t.saturated.flagged} / ${t.saturated.planted}`],
      ...(t.absent.planted ? [['pixels of absent segments flagged', `${t.absent.flagged} / ${t.absent.planted}`] as [string, string]] : []),
      ['good pixels flagged', String(t.goodFlagged)],
      ['true median noise (good pixels)', `${t.trueMedianNoise.toFixed(3)} ADU`],
      ['pedestal error rms (good pixels)', `${t.pedestalErrorRms.toFixed(3)} ADU (plain-mean statistical error ${t.pedestalStatError.toFixed(3)} ADU)`],
    );
  }
  return `<table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

function figuresHtml(images: readonly ReportImage[]): string {
  return images
    .map(
      (im) =>
        `<figure><img alt="${escapeHtml(im.title)}"${im.width ? ` width="${Math.round(im.width)}"` : ''} src="data:image/png;base64,${toBase64(im.png)}"><figcaption>${escapeHtml(im.title)}</figcaption></figure>`,
    )
    .join('\n');
}

function figureSectionHtml(sec: ReportFigureSection): string {
  const notes = (sec.notes ?? []).map((n) => `<p>${escapeHtml(n)}</p>`).join('');
  const table = sec.rows?.length ? `<table>${sec.rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>` : '';
  return `<section><h2>${escapeHtml(sec.title)}</h2>${notes}${table}<div class="figs">${figuresHtml(sec.images)}</div></section>`;
}

/** Render a dark report as one self-contained HTML page. */
export function buildDarkReportHtml(report: DarkReport): string {
  const sections = report.sections
    .map((sec) => {
      const imgs = figuresHtml(sec.images);
      const deployed = sec.deployed?.length
        ? `<details><summary>deployed files</summary><ul>${sec.deployed.map((d) => `<li><code>${escapeHtml(d)}</code></li>`).join('')}</ul></details>`
        : '';
      return `<section><h2>${escapeHtml(sec.summary.source)}</h2>${summaryTable(sec.summary)}${deployed}<div class="figs">${imgs}</div></section>`;
    })
    .concat((report.figureSections ?? []).map(figureSectionHtml))
    .join('\n');
  const notes = (report.notes ?? []).map((n) => `<p>${escapeHtml(n)}</p>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(report.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:2px 8px;text-align:left}
th{font-weight:normal;color:#555}.figs{display:flex;flex-wrap:wrap;gap:1em}
figure{margin:0;max-width:780px}img{max-width:100%;image-rendering:pixelated;border:1px solid #ddd}
section{border-top:2px solid #888;margin-top:1.5em}
</style></head><body>
<h1>${escapeHtml(report.title)}</h1>
<p>experiment <b>${escapeHtml(report.experiment)}</b>, run <b>${report.run}</b></p>${notes}
${sections}
</body></html>
`;
}
