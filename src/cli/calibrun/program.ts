import { Command, Option } from 'commander';
import { VERSION } from '../../version.js';
import type { CalibrunOptionsInput } from '../../calibrun/options.js';

const EXAMPLES = `
Examples:
  calibrun -e xppi0613 -d CSPAD,OPAL1000 -c ./calib -P -D -r 173 -f 40,43
  calibrun -e mfxp16318 -d RAYONIX -c ./calib -r9 -P -D --zeropeds
  calibrun -e xppn4116 -d EPIX100A -c calib -w work -r 137 -x <file.xtc> -P -D --nrecs1 2 -n 4 -m 4
  calibrun -e cxi12345 -r 42 -d CSPAD -x /data/CXI/cxi12345/xtc -w work -c calib -P -D

Defaults: xtc files in <root>/<INS>/<EXP>/xtc and constants to <root>/<INS>/<EXP>/calib, where <root> is
--root, else $SIT_PSDM_DATA, else /reg/d/psdm (instrument upper case; lower case under /sdf/data/lcls/ds).
Work files go to <workdir>/results/clb-<exp>-r<run>-peds-<ave|rms|sta|msk|max|min>-<source>.txt and the
session log to <workdir>/logs/<YYYY>/<YYYY-mm-ddTHHMMSS>_log_calibrun_<user>.txt.
Option names: calibman's spellings are accepted too (--calib-dir, --work-dir, --run-range, --source, --xtc-dir,
--num-events, --skip-events, --scan-events, --event-code, --dir-mode, --file-mode, --exp-name-db).
-t 0 switches the noise criterion off: no pixel is flagged hot because of its rms.
Exit status: 0 on success, 1 with a message on stderr otherwise (also for usage errors), 130 after Ctrl-C
(SIGINT), 143 after SIGTERM (the pass stops, temp files are removed).`;

/** `calibman` option spellings calibrun accepts too (hidden), folded into its own in {@link programOptionsToInput}. */
const CALIBMAN_SPELLINGS = [
  '--experiment <name>',
  '--source <names>',
  '--xtc-dir <dir>',
  '--work-dir <dir>',
  '--calib-dir <dir>',
  '--run-range <range>',
  '--num-events <n>',
  '--skip-events <n>',
  '--scan-events <n>',
  '--event-code <codes>',
  '--dir-mode <mode>',
  '--file-mode <mode>',
  '--exp-name-db <file>',
];

/** Build the `calibrun` command (option names and short flags as in CalibManager's calibrun). */
export function buildCalibrunProgram(): Command {
  const p = new Command('calibrun')
    .description('calibrun - dark run processing: pedestals, pixel_rms and pixel_status for LCLS area detectors, optionally deployed to the calib directory')
    .version(VERSION, '-V, --version')
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    .showHelpAfterError('(try: calibrun -h)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  p.option('-e, --exp <name>', 'experiment name, e.g. cxi12345 (instrument = first 3 letters)')
    .option('-r, --run <runs>', 'dark run number or list, e.g. 173 or 2,4-7 (the first one names the files)')
    .option('-d, --detector <names>', 'comma separated detector names, case-insensitive, e.g. CSPAD,OPAL1000')
    .option('-x, --dsnamex <dataset>', 'xtc directory (<...>/<INS>/<EXP>/xtc), a single .xtc file, a dataset "exp=..:run=..:dir=..", or ":dir=/path" appended to exp=<e>:run=<r>')
    .option('-f, --event_code <codes>', 'event codes for dark event selection, OR; any negative code inverts the decision, e.g. 40,43 or -162')
    .option('-w, --workdir <dir>', 'work directory: results/ and logs/ go there (default $SIT_ROOT/detector/calib/constants/calibrun or ./work)')
    .option('-c, --calibdir <dir>', 'calib directory (default <root>/<INS>/<EXP>/calib)')
    .option('-v, --runrange <range>', 'validity run range of the deployed files, e.g. 123-end or 123-567 (default <run>-end)')
    .option('-P, --process', 'process the run and write the work files')
    .option('-D, --deploy', 'deploy the work files to the calib directory (with HISTORY records)')
    .option('-n, --num_events <n>', 'number of events to process (default 1000)')
    .option('-s, --skip_events <n>', 'number of events to skip at the start of the run (default 0)')
    .option('-m, --scan_events <n>', 'events to scan for the detectors\' sources before giving up (default 10; 0 = whole run)')
    .option('-B, --thr_int_min <adu>', 'intensity low limit int_lo (default 0.1)')
    .option('-T, --thr_int_max <adu>', 'intensity high limit int_hi (default 16000)')
    .option('-b, --thr_rms_min <adu>', 'rms low limit rms_lo (default 0.1)')
    .option('-t, --thr_rms_max <adu>', 'rms high limit rms_hi (default 10000)')
    .option('-Z, --intnlo <nsigma>', 'sigmas below the mean of the averages (default 5)')
    .option('-U, --intnhi <nsigma>', 'sigmas above the mean of the averages (default 5)')
    .option('-z, --rmsnlo <nsigma>', 'sigmas below the mean of the rms (default 5)')
    .option('-u, --rmsnhi <nsigma>', 'sigmas above the mean of the rms (default 5)')
    .option('--nrecs1 <n>', 'stage-1 block size of the averaging (default 50)')
    .option('--zeropeds', 'Rayonix: deploy all-zero pedestals (shape of the computed ones) instead of the averages')
    .option('--deploygeo', 'Rayonix: also deploy a default geometry (not available in this build)')
    .option('--dirmode <mode>', 'mode of created directories; a leading 0 means octal (default 02775)')
    .option('--filemode <mode>', 'mode of created files; a leading 0 means octal (default 0664)')
    .option('--group <name>', 'group ownership of created directories/files (applied when it exists)')
    .option('-l, --loglev <level>', 'log file level: DEBUG, INFO, WARNING, ERROR, CRITICAL (default INFO)')
    .option('-p, --print_bits <bits>', 'terminal echo: +1 debug, +2 info, +4 warning, +8 error, +16 critical (default 036, minimal 020)')
    .option('-q, --queue <partition>', 'run as a batch job in this queue/partition (SLURM)')
    .option('-L, --loadcfg', 'take unset parameters from ./confpars-calibman.txt (saved by calibman)')
    .option('--savecfg [file]', 'save the effective parameters as a confpars file (default ./confpars-calibman.txt)')
    .option('--root <dir>', 'data root (default $SIT_PSDM_DATA or /reg/d/psdm; /sdf/data/lcls/ds supported)')
    .option('--expnamedb <file>', "psana's experiment-db.dat (or a $SIT_DATA directory holding ExpNameDb/experiment-db.dat) mapping the experiment to the number in its e<num>-r<run>-… file names (default: found through $SIT_DATA)")
    .option('--npy', 'also write .npy copies of the work files')
    .option('--pieces <n>', 'with -q: split the run into this many SLURM array tasks, merged by a dependent job (default 4)')
    .option('--workers <n>', 'worker threads of a local pass (default: one per core, at most 4; 1 = single thread)')
    .option('--piece <k/n>', 'process only piece k (0..n-1) of n and write its mergeable state to <workdir>/pieces/ (batch tasks)')
    .option('--merge <n>', 'merge the states of n pieces from <workdir>/pieces/ instead of reading the run (batch merge job)');
  p.addOption(new Option('--runnum <run>').hideHelp());
  p.addOption(new Option('--xtcdir <dir>').hideHelp());
  p.addOption(new Option('--thr_rms <adu>').hideHelp());
  p.addOption(new Option('--nrecs <n>').hideHelp());
  // the calibman spellings (docs/calibrun.md "Option names"), accepted besides calibrun's own
  for (const flags of CALIBMAN_SPELLINGS) p.addOption(new Option(flags).hideHelp());
  p.addHelpText('after', EXAMPLES);
  return p;
}

/** Commander's parsed options → calibrun parameters (legacy aliases folded in). */
export function programOptionsToInput(o: Record<string, unknown>): CalibrunOptionsInput {
  const pick = (...keys: string[]) => keys.map((k) => o[k]).find((v) => v !== undefined);
  const out: Record<string, unknown> = {
    exp: pick('exp', 'experiment'),
    run: pick('run', 'runnum'),
    detector: pick('detector', 'source'),
    dsnamex: pick('dsnamex', 'xtcdir', 'xtcDir'),
    event_code: pick('event_code', 'eventCode'),
    workdir: pick('workdir', 'workDir'),
    calibdir: pick('calibdir', 'calibDir'),
    runrange: pick('runrange', 'runRange'),
    process: o.process,
    deploy: o.deploy,
    num_events: pick('num_events', 'nrecs', 'numEvents'),
    skip_events: pick('skip_events', 'skipEvents'),
    scan_events: pick('scan_events', 'scanEvents'),
    thr_int_min: o.thr_int_min,
    thr_int_max: o.thr_int_max,
    thr_rms_min: o.thr_rms_min,
    thr_rms_max: pick('thr_rms_max', 'thr_rms'),
    intnlo: o.intnlo,
    intnhi: o.intnhi,
    rmsnlo: o.rmsnlo,
    rmsnhi: o.rmsnhi,
    nrecs1: o.nrecs1,
    zeropeds: o.zeropeds,
    deploygeo: o.deploygeo,
    dirmode: pick('dirmode', 'dirMode'),
    filemode: pick('filemode', 'fileMode'),
    group: o.group,
    loglev: o.loglev,
    print_bits: o.print_bits,
    queue: o.queue,
    loadcfg: o.loadcfg,
    savecfg: o.savecfg,
    root: o.root,
    expnamedb: pick('expnamedb', 'expNameDb'),
    npy: o.npy,
    piece: o.piece,
    merge: o.merge,
    pieces: o.pieces,
    workers: o.workers,
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as CalibrunOptionsInput;
}
