import * as os from 'node:os';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { action, parseIntOption, parseNumberOption } from '../action.js';
import { addOptionAlias } from '../program-setup.js';
import { readFileBytes, writeFileAtomic } from '../../node/files.js';
import { encodePng } from '../../plot/index.js';
import { CalibmanError } from '../../errors.js';
import {
  DEFAULT_XLSX_MAX_UNCOMPRESSED_BYTES,
  METROLOGY_VARIANTS,
  convertMetrology,
  formatMetrologyQualityText,
  formatMetrologyText,
  guessVariant,
  metrologyQualityJson,
  readMetrologyInput,
  renderMetrologyPlot,
  type MetrologyOutputs,
  type MetrologyTable,
  type MetrologyVariant,
} from '../../metrology/index.js';

interface CommonOpts {
  variant?: MetrologyVariant;
  maxUnzipped?: number;
  n90?: number;
  sheet?: string;
  tolXy?: number;
  tolZ?: number;
  tolSize?: number;
}

function addCommonOptions(cmd: Command, variantRequired: boolean): Command {
  const variant = new Option(
    '--variant <name>',
    'processor: cspad-v1 (CXI, each quad in its own frame), cspad-v2 (XPP/MEC, one global frame, XPP point numbering), cspad2x2' +
      (variantRequired ? '' : ' (default: guessed from the survey)'),
  ).choices(METROLOGY_VARIANTS as string[]);
  if (variantRequired) variant.makeOptionMandatory();
  return cmd
    .addOption(variant)
    .option('--n90 <n>', 'cspad-v2 only: detector orientation in the optical frame, in 90 deg steps (psana -n)', parseIntOption('--n90'))
    .option('--sheet <name>', '.xlsx only: read just this sheet (needed when a workbook holds several CSPAD2x2 surveys)')
    .addOption(maxUnzippedOption())
    .option('--tol-xy <um>', 'tolerance on |dD|, |d(dS)|, |d(dL)| in um', parseNumberOption('--tol-xy'), 60)
    .option('--tol-z <um>', 'tolerance on flatness |dz3| in um', parseNumberOption('--tol-z'), 100)
    .option('--tol-size <um>', 'tolerance on 2x1 side lengths vs nominal 20900 x 43540 um', parseNumberOption('--tol-size'), 300);
}

/** `--max-unzipped <MiB>`: the decompression cap of a `.xlsx` survey (a zip archive). */
function maxUnzippedOption(): Option {
  return new Option(
    '--max-unzipped <MiB>',
    `.xlsx only: refuse a workbook whose members would decompress to more than this (default ${DEFAULT_XLSX_MAX_UNCOMPRESSED_BYTES / 2 ** 20} MiB)`,
  ).argParser(parsePositiveMiB('--max-unzipped'));
}

function parsePositiveMiB(name: string): (value: string) => number {
  const parse = parseNumberOption(name);
  return (value: string) => {
    const mib = parse(value);
    if (!(mib > 0)) throw new CalibmanError(`${name}: expected a size in MiB above 0, found "${value}"`);
    return Math.floor(mib * 2 ** 20);
  };
}

function readSurveyFile(input: string, opts: { sheet?: string; maxUnzipped?: number }): Promise<MetrologyTable> {
  return readFileBytes(input).then((bytes) =>
    readMetrologyInput(bytes, input, { sheet: opts.sheet, maxUncompressedBytes: opts.maxUnzipped }),
  );
}

async function readAndConvert(input: string, opts: CommonOpts & { exp?: string; detector?: string }): Promise<{ table: MetrologyTable; out: MetrologyOutputs }> {
  const table = await readSurveyFile(input, opts);
  const variant = opts.variant ?? guessVariant(table);
  const out = convertMetrology(table, variant, {
    n90: opts.n90,
    tolerances: { xyUm: opts.tolXy, zUm: opts.tolZ, sizeUm: opts.tolSize },
    header: { metrology: input, author: safeUser(), experiment: opts.exp, detector: opts.detector },
  });
  return { table, out };
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'calibman';
  }
}

/** Register the `calibman metrology …` commands. */
export function register(program: Command): void {
  const group = program
    .command('metrology')
    .description('Optical metrology (survey .xlsx or text) → CSPAD geometry, center and tilt constants, quality report');

  addCommonOptions(
    group
      .command('convert')
      .description(
        'Process a survey and write OUT_DIR/geometry.data, center.data, tilt.data, quality.txt, quality.json, quality.png ' +
          '(deploy them with `calibman calib deploy`)',
      )
      .argument('<input>', 'survey file: .xlsx (one sheet per quad, title row, then X Y Z rows) or text (Quad N / n x y z lines)')
      .requiredOption('--out-dir <dir>', 'directory for the outputs (created if missing; files in it are replaced)')
      .option('--exp <name>', 'experiment recorded in the geometry header', 'Any')
      .option('--detector <name>', 'detector recorded in the geometry header (default CSPAD / CSPAD2x2)'),
    true,
  ).action(
    action(async (input: string, opts: CommonOpts & { outDir: string; exp?: string; detector?: string }) => {
      const { out } = await readAndConvert(input, opts);
      const files: [string, string | Uint8Array][] = [
        ['geometry.data', out.geometry],
        ['center.data', out.center],
        ['tilt.data', out.tilt],
        ['quality.txt', formatMetrologyQualityText(out.report)],
        ['quality.json', JSON.stringify(metrologyQualityJson(out.report), null, 2) + '\n'],
        ['quality.png', encodePng(renderMetrologyPlot(out.result))],
      ];
      for (const [name, data] of files) await writeFileAtomic(path.join(opts.outDir, name), data);
      process.stdout.write(
        `${out.result.variant}: ${out.result.sensors.length} sensors; wrote ${files.map(([n]) => n).join(', ')} in ${opts.outDir}\n` +
          (out.report.warningCount ? `${out.report.warningCount} quality warning(s), see ${path.join(opts.outDir, 'quality.txt')}\n` : 'quality: all sensors within tolerances\n'),
      );
    }),
  );

  addCommonOptions(
    group
      .command('check')
      .description('Print the quality report of a survey (side lengths, diagonals, perpendicularity, flatness vs tolerances)')
      .argument('<input>', 'survey file (.xlsx or text)')
      .option('--json', 'print the report as JSON')
      .option('--strict', 'exit with code 1 when any value is out of tolerance'),
    false,
  ).action(
    action(async (input: string, opts: CommonOpts & { json?: boolean; strict?: boolean }) => {
      const { out } = await readAndConvert(input, opts);
      process.stdout.write(
        opts.json ? JSON.stringify(metrologyQualityJson(out.report), null, 2) + '\n' : formatMetrologyQualityText(out.report),
      );
      if (opts.strict && out.report.warningCount) process.exitCode = 1;
    }),
  );

  group
    .command('to-text')
    .description("Write a survey (.xlsx or text) in CalibManager's metrology text layout (Quad N / Point X Y Z blocks)")
    .argument('<input>', 'survey file (.xlsx or text)')
    .requiredOption('-o, --output <file>', 'output text file')
    .option('--sheet <name>', '.xlsx only: read just this sheet')
    .addOption(maxUnzippedOption())
    .action(
      action(async (input: string, opts: { output: string; sheet?: string; maxUnzipped?: number }) => {
        const table = await readSurveyFile(input, opts);
        await writeFileAtomic(opts.output, formatMetrologyText(table));
        process.stdout.write(`wrote ${table.points.length} points to ${opts.output}\n`);
      }),
    );
  for (const c of group.commands) {
    if (c.name() === 'convert') addOptionAlias(c, '--experiment <name>', '--exp');
    if (c.name() === 'to-text') addOptionAlias(c, '--out <file>', '--output');
  }
}
