/**
 * psana's detector object for one source of one run (`det.raw`, `det.calib`, `det.image`, `det.mask`,
 * constants and coordinates), platform-neutral: constants come in as bytes (see src/node/detector.ts for
 * the calib-store side).
 */
import { CalibmanError, ConfigError, GainModeError } from '../errors.js';
import type { DetectorType } from '../detectors/types.js';
import { GeometryAccess } from '../geometry/geometry-access.js';
import type { PixelIndexes } from '../geometry/image.js';
import type { TypedArray } from '../io/dtype.js';
import { copyBytes, copyFloats } from '../io/copy-bytes.js';
import { type NdArray, toCOrder } from '../io/ndarray.js';
import { parseNdarrayTextBytes } from '../io/ndarray-text.js';
import type { XtcEvent } from '../xtc/event.js';
import { calibrateFrame, maskGainFactor } from './calibrate.js';
import { type CommonModeOptions, CommonModeCorrector } from './common-mode.js';
import { type ConstantFile, type DetectorCalibType, type DetectorConstants, detectorCalibTypes, parseDetectorConstants } from './constants.js';
import { epix10kaGainModeConfigOf } from '../detectors/epix10ka.js';
import { type MultiGainKind, multiGainKindOf, panelPixels } from './gain-range.js';
import { defaultGeometryFor, defaultGeometryName, defaultParsOf, fallbackText } from './detector-defaults.js';
import { MultiGainCalibrator, mergedGainRangeStatus } from './multi-gain.js';
import { maskFromStatus } from '../mask/pixel-mask.js';
import { FastCalibEngine } from './fast-calib.js';
import { EnginePipelines } from './engine-pipelines.js';
import { type PixelRegion, sectionRegions } from './regions.js';
import type { CalibThreading } from './fast-calib-threads.js';
import { type MaskOptions, combinedMask, maskKey } from './masks.js';

/** Where one constant came from (what `explain()` lists). */
export interface ConstantOrigin {
  /** Calib type, e.g. `pedestals`. */
  readonly type: DetectorCalibType;
  /** File the constant was read from; undefined when none was found. */
  readonly file: string | undefined;
  /** What is used instead when there is no file. */
  readonly fallback?: string;
  /** The finder's reasoning (other candidates and why they lost), when a calib store was searched. */
  readonly reasons?: readonly string[];
}

/** Options of {@link CalibratedDetector.calib}. */
export interface CalibOptions extends CommonModeOptions {
  /** Common-mode parameters (psana `cmpars`): default the deployed common_mode, else the type's default; `[0]` = none. */
  readonly cmpars?: readonly number[];
  /** Mask applied to the calibrated frame: default `{ status: true }` (psana `mbits=1`); `false` = none. */
  readonly mask?: MaskOptions | false;
  /** Output buffer (float32, the frame's pixel count); a new one when absent. */
  readonly out?: Float32Array;
  /**
   * Epix10ka family, raw frames given directly: psana's per-pixel control bits (configuration gain bits
   * `& 12`, plus 16 where the ASIC's trbit is set; `Epix10kaGainModeConfig.cbits`). Events take them from the
   * run's configuration; without either the last event's are used.
   */
  readonly controlBits?: Uint8Array;
}

/** Options of {@link CalibratedDetector.image}. */
export interface ImageOptions extends Omit<CalibOptions, 'out'> {
  /** Image buffer (float32, rows × cols); a new one when absent. */
  readonly out?: Float32Array;
  /**
   * Where to put the calibrated frame when `image` is given an event; by default the image assembler's own
   * frame area (no copy into it), else a buffer kept by the detector.
   */
  readonly frame?: Float32Array;
}

/** One step of {@link CalibratedDetector.images}. */
export interface PipelinedImage {
  /** The event (its frames may no longer be readable: the next events have been read). */
  readonly event: XtcEvent;
  /** Its image, or undefined when it has no frame of the source. */
  readonly image: Float32Array | undefined;
}

/** One step of {@link CalibratedDetector.calibs}. */
export interface PipelinedCalib {
  /** The event (its frames may no longer be readable: the next events have been read). */
  readonly event: XtcEvent;
  /** Its calibrated frame, or undefined when it has no frame of the source. */
  readonly frame: Float32Array | undefined;
}

/** Input of {@link createDetector}. */
export interface DetectorInput {
  /** psana source string, e.g. `CxiDs1.0:Cspad.0`. */
  readonly source: string;
  /** Detector type (registry name). */
  readonly type: DetectorType;
  /** Raw shape; for types without a fixed shape (cameras) default the pedestals' shape. */
  readonly shape?: readonly number[];
  /** The calib files found (bytes and names). */
  readonly files: Partial<Record<DetectorCalibType, ConstantFile>>;
  /** Extra finder reasoning per type (from a calib store). */
  readonly reasons?: Partial<Record<DetectorCalibType, readonly string[]>>;
  /**
   * Helper threads of the fast per-event path (Node: src/node/detector-threads.ts); default none. Not on
   * a browser's main thread (it must not block).
   */
  readonly threading?: CalibThreading;
}

/** Raw shape of a detector: the registry's fixed shape, else the pedestals' shape (Jungfrau: without the gain-range axis). */
function shapeOf(input: DetectorInput): number[] {
  if (input.type.shape) return [...input.type.shape];
  if (input.shape) return [...input.shape];
  const ped = input.files.pedestals;
  if (ped) {
    const shape = [...parseNdarrayTextBytes(ped.bytes, { file: ped.name }).array.shape];
    return multiGainKindOf(input.type.name) === 'jungfrau' && shape.length === 4 && shape[0] === 3 ? shape.slice(1) : shape;
  }
  throw new ConfigError('shape', `${input.type.name} has no fixed shape and no pedestals are deployed: give the raw shape (e.g. [1024, 1024])`);
}

/** A detector of one run with its constants: psana's `Detector` for area detectors. */
export class CalibratedDetector {
  /** psana source string, e.g. `CxiDs1.0:Cspad.0`. */
  readonly source: string;
  /** Detector type (registry entry). */
  readonly type: DetectorType;
  /** psana raw shape. */
  readonly shape: readonly number[];
  /** Pixels per frame. */
  readonly size: number;
  /** The constants found (absent ones undefined). */
  readonly constants: DetectorConstants;
  /** The geometry used for images and coordinates (deployed, else the type's default). */
  readonly geometry: GeometryAccess;
  /** Fallbacks taken (no pedestals, default geometry, …), in words. */
  readonly warnings: readonly string[];
  private readonly origins: ConstantOrigin[];
  private readonly masks = new Map<string, Uint8Array | undefined>();
  private readonly factors = new Map<string, Float32Array | undefined>();
  private readonly correctors = new Map<string, CommonModeCorrector>();
  private readonly engines = new Map<string, FastCalibEngine | null>();
  /** The input slots that running {@link images} / {@link calibs} iterations hold, and their pipelines. */
  private readonly pipelines: EnginePipelines;
  private readonly threading: CalibThreading | undefined;
  private rawBuffer: Int16Array | Uint16Array | undefined;
  private frameBuffer: Float32Array | undefined;
  private bad: Uint8Array | undefined;
  /** Jungfrau / Epix10ka family: per-gain-range calibration (undefined for single-gain types or without pedestals). */
  private readonly multiGain: MultiGainCalibrator | undefined;
  private readonly multiGainKind: MultiGainKind | undefined;
  /** The constants masks are made from (multi-gain: status merged over psana's gain ranges). */
  private readonly maskConstants: DetectorConstants;
  /** Control bits of the last Epix10ka configuration seen. */
  private lastControlBits: Uint8Array | undefined;
  /** {@link commonMode}'s parameters, one array for all calls (multi-gain frames check them once per array). */
  private readonly cmpars: readonly number[];

  constructor(input: DetectorInput) {
    this.source = input.source;
    this.type = input.type;
    this.shape = shapeOf(input);
    this.size = this.shape.reduce((a, b) => a * b, 1);
    this.constants = parseDetectorConstants(input.files, this.size, input.type.name);
    this.multiGainKind = multiGainKindOf(input.type.name);
    const kind = this.multiGainKind;
    if (kind && this.size % panelPixels(kind) !== 0) {
      throw new ConfigError('shape', `${input.type.name} frames are whole ${kind === 'jungfrau' ? '512×1024 modules' : '352×384 panels'}, found shape (${this.shape.join(',')})`);
    }
    const c = this.constants;
    this.multiGain = kind && c.pedestals ? new MultiGainCalibrator(kind, input.type.name, this.size, { pedestals: c.pedestals, offset: c.offset, gain: c.gain }) : undefined;
    this.maskConstants = kind && c.status ? { ...c, status: mergedGainRangeStatus(kind, c.status, this.size) } : c;
    this.cmpars = c.commonMode ?? defaultParsOf(input.type);
    const warnings: string[] = [];
    this.origins = detectorCalibTypes(input.type.name).map((type) => {
      const f = input.files[type];
      const reasons = input.reasons?.[type];
      return { type, file: f?.name, fallback: f ? undefined : fallbackText(type, input.type), ...(reasons ? { reasons } : {}) };
    });
    if (!this.constants.pedestals) warnings.push(`no pedestals for ${this.source}: calib() returns the raw frame as float32`);
    this.geometry = this.constants.geometry ?? defaultGeometryFor(input.type, this.shape);
    if (!this.constants.geometry) warnings.push(`no geometry for ${this.source}: using the ${defaultGeometryName(input.type, this.shape)} default geometry`);
    if (this.geometry.size !== this.size) throw new CalibmanError(`the geometry of ${this.source} has ${this.geometry.size} pixels, the detector ${this.size}`);
    this.warnings = warnings;
    this.threading = input.threading;
    this.pipelines = new EnginePipelines(this.source, (engine, ev, slot) => this.loadRaw(engine, ev, slot));
  }

  /** Stop the helper threads of the fast path (the detector stays usable, single-threaded). */
  close(): void {
    for (const e of this.engines.values()) e?.close();
    this.engines.clear();
  }

  /** Which file each constant came from, and the fallbacks for those not found. */
  explain(): readonly ConstantOrigin[] {
    return this.origins;
  }

  /** The raw frame of an event in psana's shape and dtype (a view valid until the next event), or undefined. */
  raw(ev: XtcEvent): NdArray | undefined {
    const dtype = this.type.dtype;
    if ((dtype === 'int16' || dtype === 'uint16') && !this.rawBuffer) {
      this.rawBuffer = dtype === 'int16' ? new Int16Array(this.size) : new Uint16Array(this.size);
    }
    return ev.frame(this.source, this.rawBuffer);
  }

  /** Pedestals (ADU, float32), pixel_rms, pixel_status, pixel_gain; undefined when not deployed. */
  pedestals(): Float32Array | undefined {
    return this.constants.pedestals;
  }
  /** Pixel rms (ADU, float32); undefined when not deployed. */
  rms(): Float32Array | undefined {
    return this.constants.rms;
  }
  /** Pixel status bits (0 = good); undefined when not deployed. */
  status(): TypedArray | undefined {
    return this.constants.status;
  }
  /** Pixel gain factors (float32); undefined when not deployed. */
  gain(): Float32Array | undefined {
    return this.constants.gain;
  }

  /** The common-mode parameters calib() uses by default: deployed common_mode, else psana's type default. */
  commonMode(): readonly number[] {
    return this.cmpars;
  }

  /**
   * psana's `det.mask(...)`: combined mask (1 = good), undefined when nothing selected exists; cached. For
   * Jungfrau and the Epix10ka family the status part merges the gain ranges as psana does (see
   * docs/calibrated-frames.md).
   */
  mask(opts: MaskOptions = {}): Uint8Array | undefined {
    const key = maskKey(opts);
    if (!this.masks.has(key)) this.masks.set(key, combinedMask(opts, this.maskConstants, this.geometry));
    return this.masks.get(key);
  }

  /**
   * Jungfrau / Epix10ka family: each pixel's gain range in an event's frame (or a raw frame given directly),
   * psana's range index (Jungfrau 0–2, Epix10ka 0–6 in `FH, FM, FL, AHL-H, AML-M, AHL-L, AML-L`), −1 where
   * no range applies; undefined without a frame, pedestals or a multi-gain type. A view valid until the next
   * calib() or gainRanges().
   */
  gainRanges(evOrRaw: XtcEvent | ArrayLike<number> | NdArray, opts: Pick<CalibOptions, 'controlBits'> = {}): Int8Array | undefined {
    if (!this.multiGain) return undefined;
    const out = this.multiGainCalib(evOrRaw, { cmpars: [0], mask: false, controlBits: opts.controlBits });
    return out ? this.multiGain.lastRanges : undefined;
  }

  /** calib() of Jungfrau / the Epix10ka family (psana `calib_jungfrau_v2` / `calib_epix10ka_v2`). */
  private multiGainCalib(evOrRaw: XtcEvent | ArrayLike<number> | NdArray, opts: CalibOptions): Float32Array | undefined {
    const mg = this.multiGain!;
    const raw = this.rawValues(evOrRaw);
    if (!raw) return undefined;
    let cbits: Uint8Array | undefined;
    if (this.multiGainKind === 'epix10ka') {
      cbits = opts.controlBits ?? (isEvent(evOrRaw) ? this.eventControlBits(evOrRaw) : this.lastControlBits);
      if (!cbits) {
        throw new GainModeError(`${this.source}: the Epix10ka gain ranges come from the configuration`, {
          source: this.source,
          expected: 'an Epix10kaConfig, Epix10kaQuadConfig or Epix10ka2MConfig of the source in the run (or calib options controlBits)',
          found: 'none',
        });
      }
    }
    const out = opts.out ?? new Float32Array(this.size);
    const mask = opts.mask === false ? undefined : this.mask(opts.mask ?? { status: true });
    return mg.calibrate(raw, out, { cmpars: opts.cmpars ?? this.commonMode(), mask, cbits });
  }

  /** psana's control bits of the source's current Epix10ka configuration in an event's run (cached per configuration). */
  private eventControlBits(ev: XtcEvent): Uint8Array | undefined {
    const cfg = ev.config ? epix10kaGainModeConfigOf((t) => ev.config!(this.source, t)) : undefined;
    if (cfg) this.lastControlBits = cfg.cbits;
    return cfg?.cbits ?? this.lastControlBits;
  }

  /** Pixel coordinates (um) in psana's flat order (`det.coords_x/y/z`). */
  coords(): {
    /** x of every pixel, um. */
    x: Float64Array;
    /** y of every pixel, um. */
    y: Float64Array;
    /** z of every pixel, um. */
    z: Float64Array;
  } {
    const c = this.geometry.getPixelCoords();
    return { x: c.x, y: c.y, z: c.z };
  }

  /** Image row/column of each pixel (`det.indexes_x/y`) and the image shape. */
  indexes(): PixelIndexes {
    return this.geometry.getPixelCoordIndexes();
  }

  /** `[rows, cols]` of {@link image}. */
  get imageShape(): [number, number] {
    return this.geometry.getPixelCoordIndexes().imageShape;
  }

  /** The corrector for a parameter set (built once). */
  corrector(cmpars: readonly number[], opts: CommonModeOptions = {}): CommonModeCorrector | undefined {
    if (!cmpars.length || cmpars[0] === 0) return undefined;
    const key = `${cmpars.join(' ')}|${opts.variant ?? ''}|${opts.unit ?? ''}|${opts.engine ?? ''}`;
    let c = this.correctors.get(key);
    if (!c) {
      c = new CommonModeCorrector(cmpars, { detectorType: this.type.name, shape: this.shape }, opts);
      this.correctors.set(key, c);
    }
    return c;
  }

  /**
   * psana's `det.calib`: the calibrated frame (float32, psana's flat order) of an event, or of a raw frame
   * given directly; undefined when the event has no frame of this source.
   */
  calib(evOrRaw: XtcEvent | ArrayLike<number> | NdArray, opts: CalibOptions = {}): Float32Array | undefined {
    if (this.multiGain) return this.multiGainCalib(evOrRaw, opts);
    if (this.multiGainKind) {
      // no pedestals: the raw frame as float32, as for the other types
      const raw = this.rawValues(evOrRaw);
      return raw ? calibrateFrame(raw, opts.out ?? new Float32Array(this.size), {}) : undefined;
    }
    const c = this.constants;
    const commonMode = this.corrector(opts.cmpars ?? this.commonMode(), opts);
    const engine = this.fastEngine(commonMode, opts, 'frame');
    const slot = engine ? this.pipelines.freeSlot(engine) : 0;
    if (engine && this.loadRaw(engine, evOrRaw, slot)) {
      engine.run('frame', slot);
      if (opts.out === engine.frame) return engine.frame;
      const out = opts.out ?? new Float32Array(this.size);
      if (out.length !== this.size) throw new CalibmanError(`calibrated frame buffer has ${out.length} elements, the frame ${this.size}`);
      copyFloats(out, engine.frame!);
      return out;
    }
    const status = this.badPixels();
    // an int16 event frame is decoded straight into the common-mode engine's input area when it has one
    const area = c.pedestals && this.type.dtype === 'int16' && isEvent(evOrRaw) ? commonMode?.rawArea(c.pedestals, status) : undefined;
    const decoded = area && isEvent(evOrRaw) ? evOrRaw.frame(this.source, area) : undefined;
    const raw = decoded ? valuesOf(decoded) : this.rawValues(evOrRaw);
    if (!raw) return undefined;
    const out = opts.out ?? new Float32Array(this.size);
    return calibrateFrame(raw, out, { pedestals: c.pedestals, commonMode, status, factor: this.factor(opts.mask) });
  }

  /** 1 where pixel_status ≠ 0 (what common mode leaves out of its estimates), built once. */
  private badPixels(): Uint8Array | undefined {
    const st = this.constants.status;
    if (!st) return undefined;
    if (!this.bad) {
      const good = maskFromStatus(st);
      const bad = new Uint8Array(good.length);
      for (let i = 0; i < good.length; i++) bad[i] = good[i] ? 0 : 1;
      this.bad = bad;
    }
    return this.bad;
  }

  /** mask × gain for a mask choice (built once). */
  private factor(mask: MaskOptions | false | undefined): Float32Array | undefined {
    const key = mask === false ? 'none' : maskKey(mask ?? { status: true });
    if (!this.factors.has(key)) {
      this.factors.set(key, maskGainFactor(mask === false ? undefined : this.mask(mask ?? { status: true }), this.constants.gain, this.size));
    }
    return this.factors.get(key);
  }

  /**
   * psana's `det.image`: an event's calibrated frame (or given per-pixel values) assembled through the
   * geometry, float32 rows × cols; undefined when the event has no frame of this source.
   */
  image(evOrValues: XtcEvent | ArrayLike<number> | NdArray, opts: ImageOptions = {}): Float32Array | undefined {
    let values: ArrayLike<number>;
    const assembler = this.geometry.imageAssembler();
    const [h, w] = this.imageShape;
    if (isEvent(evOrValues) && !opts.frame) {
      const engine = this.fastEngineFor(opts, 'image');
      const slot = engine ? this.pipelines.freeSlot(engine) : 0;
      if (engine && this.loadRaw(engine, evOrValues, slot)) {
        engine.run('image', slot);
        if (opts.out === engine.image) return engine.image;
        const out = opts.out ?? new Float32Array(h * w);
        if (out.length !== h * w) throw new CalibmanError(`image buffer has ${out.length} elements, expected ${h * w}`);
        copyFloats(out, engine.image!);
        return out;
      }
    }
    if (isEvent(evOrValues)) {
      // calibrate straight into the assembler's own frame area when there is one: no copy into it
      const frame = opts.frame ?? assembler.buffers('float32')?.frame ?? (this.frameBuffer ??= new Float32Array(this.size));
      const c = this.calib(evOrValues, { ...opts, out: frame });
      if (!c) return undefined;
      values = c;
    } else {
      values = valuesOf(evOrValues);
    }
    return assembler.assemble(values, opts.out ?? new Float32Array(h * w));
  }

  /**
   * {@link image} of each event of `events`, pipelined: with helper threads, events go two at a time, the
   * calling thread calibrating one while a helper calibrates the other, and the next two are read and
   * decoded on the calling thread before it joins in (the values equal {@link image}'s bit for bit).
   * Yields `image` undefined for an event without a frame of this source. The image is `opts.out` when
   * given (filled by a copy), else one of the fast path's own output buffers (with helper threads the two
   * events of a pair have one each; without the fast path one buffer of the iterator): a later step
   * overwrites it, so use or copy it before asking for the next. The next events have been read when an
   * image is yielded, so the yielded event's frames may no longer be readable (its index, time stamps and
   * fiducials stay valid). {@link calib} / {@link image} may be called from the iteration's body (they
   * write the first of the engine's buffers), not from other tasks while it awaits its next events
   * (refused then).
   */
  async *images(events: AsyncIterable<XtcEvent> | Iterable<XtcEvent>, opts: ImageOptions = {}): AsyncGenerator<PipelinedImage> {
    for await (const [event, image] of this.pipelined(events, 'image', opts)) yield { event, image };
  }

  /** {@link calib} of each event of `events`, pipelined as {@link images} (same buffer and event rules). */
  async *calibs(events: AsyncIterable<XtcEvent> | Iterable<XtcEvent>, opts: CalibOptions = {}): AsyncGenerator<PipelinedCalib> {
    for await (const [event, frame] of this.pipelined(events, 'frame', opts)) yield { event, frame };
  }

  /** {@link images} / {@link calibs}: each event with its values. */
  private async *pipelined(events: AsyncIterable<XtcEvent> | Iterable<XtcEvent>, dest: 'frame' | 'image', opts: CalibOptions | ImageOptions): AsyncGenerator<[XtcEvent, Float32Array | undefined]> {
    const fast = dest === 'image' && (opts as ImageOptions).frame ? null : this.fastEngineFor(opts, dest);
    // an engine already holding another iteration's next events: this one goes event by event
    const engine = fast && this.pipelines.available(fast) ? fast : null;
    const it: AsyncIterator<XtcEvent> | Iterator<XtcEvent> = Symbol.asyncIterator in events ? events[Symbol.asyncIterator]() : events[Symbol.iterator]();
    try {
      if (!engine) {
        const out = opts.out ?? this.outputBuffer(dest, opts);
        for (let r = await it.next(); !r.done; r = await it.next()) {
          yield [r.value, dest === 'image' ? this.image(r.value, { ...opts, out }) : this.calib(r.value, { ...opts, out })];
        }
        return;
      }
      yield* this.pipelines.run(engine, it, dest, opts.out);
    } finally {
      await it.return?.();
    }
  }

  /**
   * An output buffer that {@link calib} (`dest` `frame`) or {@link image} of an event, given it as `out`
   * with the same options, fill without a copy: the fast path's own output memory. Read-only for the
   * caller (each call overwrites it; image bins no pixel reaches are never rewritten) and valid until
   * {@link close}. Where the fast path does not apply, a new buffer of the right size.
   */
  outputBuffer(dest: 'frame' | 'image', opts: CalibOptions = {}): Float32Array {
    const engine = this.fastEngineFor(opts, dest);
    const own = dest === 'frame' ? engine?.frame : engine?.image;
    return own ?? new Float32Array(dest === 'frame' ? this.size : this.imageShape[0] * this.imageShape[1]);
  }

  /**
   * Whether {@link calib} (`dest` `frame`) or {@link image} of an event run the fast WebAssembly SIMD path
   * for these options (else the JavaScript path, same values).
   */
  usesFastPath(opts: CalibOptions = {}, dest: 'frame' | 'image' = 'frame'): boolean {
    return this.fastEngineFor(opts, dest) !== null;
  }

  /**
   * {@link fastEngine} for the common mode of `opts`; null for Jungfrau and the Epix10ka family, whose
   * per-gain-range constants and algorithm 7 only {@link MultiGainCalibrator} applies.
   */
  private fastEngineFor(opts: CalibOptions | ImageOptions, dest: 'frame' | 'image'): FastCalibEngine | null {
    if (this.multiGainKind) return null;
    return this.fastEngine(this.corrector(opts.cmpars ?? this.commonMode(), opts), opts, dest);
  }

  /**
   * The fast WebAssembly engine for this choice of common mode and mask (built once), or null where it
   * does not apply: frames not int16, no pedestals, common mode other than none or algorithm 1 on row
   * groups covering the frame, `engine: 'js'`, or no WebAssembly SIMD.
   */
  private fastEngine(commonMode: CommonModeCorrector | undefined, opts: CalibOptions | ImageOptions, dest: 'frame' | 'image'): FastCalibEngine | null {
    const ped = this.constants.pedestals;
    if (!ped || this.type.dtype !== 'int16' || opts.engine === 'js') return null;
    if (commonMode && (commonMode.algorithm !== 1 || commonMode.regions.some((r) => r.colStep !== 1) ||
      commonMode.regions.reduce((n, r) => n + r.rows * r.cols, 0) !== this.size)) return null;
    const key = `${dest}|${commonMode ? `${commonMode.pars.join(' ')}|${opts.unit ?? ''}` : 'none'}|${opts.mask === false ? 'none' : maskKey(opts.mask ?? { status: true })}`;
    let engine = this.engines.get(key);
    if (engine === undefined) {
      const assembler = dest === 'image' ? this.geometry.imageAssembler() : undefined;
      const [h, w] = this.imageShape;
      engine = FastCalibEngine.create({
        pedestals: ped,
        bad: this.badPixels(),
        factor: this.factor(opts.mask),
        commonMode: commonMode ? { regions: commonMode.regions, pars: commonMode.pars } : undefined,
        groups: commonMode ? undefined : this.sensorGroups(),
        frame: dest === 'frame',
        image: assembler ? { pixels: assembler.pixels, bins: assembler.bins, imageSize: h * w } : undefined,
        threading: this.threading,
      });
      this.engines.set(key, engine);
    }
    return engine;
  }

  /** The CSPAD 2×1 sections as work groups of the fast path without common mode (others: undefined). */
  private sensorGroups(): PixelRegion[] | undefined {
    if (this.type.name.toUpperCase() !== 'CSPAD') return undefined;
    const groups = sectionRegions('CSPAD', this.size);
    if (!groups.length || groups.some((g) => g.colStep !== 1)) return undefined;
    return groups.reduce((n, g) => n + g.rows * g.cols, 0) === this.size ? groups : undefined;
  }

  /**
   * Put an event's frame (decoded in place) or an int16 raw frame into the engine's input `slot`; false when
   * the event has none.
   */
  private loadRaw(engine: FastCalibEngine, evOrRaw: XtcEvent | ArrayLike<number> | NdArray, slot = 0): boolean {
    let raw: ArrayLike<number>;
    const into = engine.inputs[slot];
    if (isEvent(evOrRaw)) {
      const f = evOrRaw.frame(this.source, into);
      if (!f) return false;
      // decoded into the engine, or an earlier decoding of this event (cached by the event) to copy in
      if (f.data instanceof Int16Array && f.data.buffer === into.buffer && f.data.byteOffset === into.byteOffset) return true;
      raw = valuesOf(f);
    } else {
      raw = valuesOf(evOrRaw);
    }
    if (!(raw instanceof Int16Array)) return false;
    if (raw.length !== this.size) throw new CalibmanError(`raw frame has ${raw.length} values, the detector ${this.size}`);
    copyBytes(new Uint8Array(into.buffer, into.byteOffset, into.byteLength), new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
    return true;
  }

  private rawValues(evOrRaw: XtcEvent | ArrayLike<number> | NdArray): ArrayLike<number> | undefined {
    if (isEvent(evOrRaw)) {
      const f = this.raw(evOrRaw);
      return f ? valuesOf(f) : undefined;
    }
    return valuesOf(evOrRaw);
  }
}

function isEvent(x: unknown): x is XtcEvent {
  return typeof (x as XtcEvent).frame === 'function';
}

function valuesOf(x: ArrayLike<number> | NdArray): ArrayLike<number> {
  if ('shape' in x && 'data' in x && typeof (x as NdArray).pick === 'function') {
    const a = toCOrder(x as NdArray);
    if (a instanceof BigInt64Array || a instanceof BigUint64Array) throw new CalibmanError('64-bit integer frames are not supported');
    return a as ArrayLike<number>;
  }
  return x as ArrayLike<number>;
}

/** Build a detector object from constants given as bytes (browser, tests). */
export function createDetector(input: DetectorInput): CalibratedDetector {
  return new CalibratedDetector(input);
}
