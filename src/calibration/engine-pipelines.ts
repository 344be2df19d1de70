/**
 * The event pipelines of det.images / det.calibs on a fast calibration engine (./fast-calib.ts): the next
 * events are read and decoded into input slots of the engine that the running frames do not use, and
 * those slots are kept from the detector's plain calib / image calls until their events are started
 * (src/calibration/detector.ts). Platform-neutral.
 */
import { CalibmanError } from '../errors.js';
import { copyFloats } from '../io/copy-bytes.js';
import type { XtcEvent } from '../xtc/event.js';
import type { FastCalibEngine } from './fast-calib.js';

/** Up to two events read for the pipeline of an engine with helper threads. */
interface EventPair {
  /** The events read, in order. */
  events: XtcEvent[];
  /** The input slot holding each event's frame (undefined: the event has no frame of the source). */
  slots: Array<number | undefined>;
  /** The source has no more events. */
  ended?: boolean;
  /** Reading or decoding the next event failed with this error. */
  failure?: { error: unknown };
}

/** Reading events into fast engines for the iterations of one detector. */
export class EnginePipelines {
  /** Engines whose input slots hold the next events of a running iteration: those slots (undefined entries: events without a frame). */
  private readonly held = new Map<FastCalibEngine, ReadonlyArray<number | undefined>>();
  /** Engines running frames while their iteration awaits its next events (other calls must not use them then). */
  private readonly busy = new Set<FastCalibEngine>();

  /**
   * @param source the detector's psana source (for errors)
   * @param load put an event's frame into an engine's input slot; false when the event has none
   */
  constructor(
    private readonly source: string,
    private readonly load: (engine: FastCalibEngine, ev: XtcEvent, slot: number) => boolean,
  ) {}

  /** Whether an iteration may pipeline on `engine` (no other iteration holds or reads into it). */
  available(engine: FastCalibEngine): boolean {
    return !this.held.has(engine) && !this.busy.has(engine);
  }

  /**
   * Each event of `it` with its values calibrated on `engine` into `dest` (copied into `given` when given,
   * else one of the engine's own outputs); an event without a frame of the source gets undefined.
   */
  run(engine: FastCalibEngine, it: AsyncIterator<XtcEvent> | Iterator<XtcEvent>, dest: 'frame' | 'image', given: Float32Array | undefined): AsyncGenerator<[XtcEvent, Float32Array | undefined]> {
    return engine.helpers > 0 ? this.pairs(engine, it, dest, given) : this.single(engine, it, dest, given);
  }

  /**
   * The pipeline of an engine without helpers: event n + 1 is read and decoded into the other input slot
   * after event n's kernels ran; the slot holding it is kept from calib / image while the caller has event n.
   */
  private async *single(engine: FastCalibEngine, it: AsyncIterator<XtcEvent> | Iterator<XtcEvent>, dest: 'frame' | 'image', given: Float32Array | undefined): AsyncGenerator<[XtcEvent, Float32Array | undefined]> {
    const own = (dest === 'image' ? engine.image : engine.frame)!;
    const out = given ?? own;
    if (out.length !== own.length) throw new CalibmanError(`${dest} buffer has ${out.length} elements, expected ${own.length}`);
    let slot: 0 | 1 = 0;
    let r = await it.next();
    let loaded = !r.done && this.load(engine, r.value, slot);
    try {
      while (!r.done) {
        const event = r.value;
        if (loaded) engine.start(dest, slot);
        const nextSlot: 0 | 1 = slot === 0 ? 1 : 0;
        let next: IteratorResult<XtcEvent> | undefined;
        let failure: { error: unknown } | undefined;
        this.busy.add(engine);
        try {
          next = await it.next();
          if (!next.done && this.load(engine, next.value, nextSlot)) this.held.set(engine, [nextSlot]);
        } catch (error) {
          failure = { error };
        } finally {
          this.busy.delete(engine);
        }
        engine.finish();
        if (loaded && out !== own) copyFloats(out, own);
        // the event already read still gets its values before a failure of the next one ends the iteration
        yield [event, loaded ? out : undefined];
        if (failure || !next) throw failure?.error;
        r = next;
        loaded = this.held.delete(engine);
        slot = nextSlot;
      }
    } finally {
      engine.finish();
      this.held.delete(engine);
    }
  }

  /**
   * The pipeline of an engine with helper threads: events go in pairs, the two frames of a pair in one job
   * (the calling thread takes the first frame's groups, the helpers the second's, see
   * FastCalibEngine.start), into the engine's two outputs. While the job runs, the next two events are
   * read and decoded into the other two input slots, which are kept from calib / image until the pair
   * after is started.
   */
  private async *pairs(engine: FastCalibEngine, it: AsyncIterator<XtcEvent> | Iterator<XtcEvent>, dest: 'frame' | 'image', given: Float32Array | undefined): AsyncGenerator<[XtcEvent, Float32Array | undefined]> {
    const outputs = dest === 'image' ? engine.images : engine.frames;
    if (given && given.length !== outputs[0].length) throw new CalibmanError(`${dest} buffer has ${given.length} elements, expected ${outputs[0].length}`);
    let slots: readonly [number, number] = [0, 1];
    this.busy.add(engine);
    let pair: EventPair;
    try {
      pair = await this.readPair(engine, it, slots);
    } finally {
      this.busy.delete(engine);
    }
    try {
      while (pair.events.length || pair.failure) {
        const [a, b] = pair.slots;
        const first = a ?? b;
        if (first !== undefined) engine.start(dest, first, a === undefined ? undefined : b);
        const nextSlots: readonly [number, number] = slots[0] === 0 ? [2, 3] : [0, 1];
        let next: EventPair = { events: [], slots: [] };
        if (!pair.ended && !pair.failure) {
          this.busy.add(engine);
          try {
            next = await this.readPair(engine, it, nextSlots);
          } finally {
            this.busy.delete(engine);
          }
          this.held.set(engine, next.slots);
        }
        engine.finish();
        let k = 0;
        for (let e = 0; e < pair.events.length; e++) {
          const out = pair.slots[e] === undefined ? undefined : outputs[k++];
          if (out && given) copyFloats(given, out);
          yield [pair.events[e], out && (given ?? out)];
        }
        // the events read before a failure got their values first
        if (pair.failure) throw pair.failure.error;
        this.held.delete(engine);
        pair = next;
        slots = nextSlots;
      }
    } finally {
      engine.finish();
      this.held.delete(engine);
    }
  }

  /**
   * Read up to two events and decode their frames into `slots`; a failure of the source or of a decoding
   * ends the pair with the events read before it (and the error).
   */
  private async readPair(engine: FastCalibEngine, it: AsyncIterator<XtcEvent> | Iterator<XtcEvent>, slots: readonly [number, number]): Promise<EventPair> {
    const pair: EventPair = { events: [], slots: [] };
    for (const slot of slots) {
      try {
        const r = await it.next();
        if (r.done) return { ...pair, ended: true };
        const loaded = this.load(engine, r.value, slot);
        pair.events.push(r.value);
        pair.slots.push(loaded ? slot : undefined);
      } catch (error) {
        return { ...pair, failure: { error } };
      }
    }
    return pair;
  }

  /** The input slot of an engine that a plain calib / image call may use (not one holding an iteration's next events). */
  freeSlot(engine: FastCalibEngine): number {
    if (this.busy.has(engine)) {
      throw new CalibmanError(`${this.source}: an images()/calibs() iteration with these options is reading its next event; call calib/image from the iteration's body, not from other tasks meanwhile`);
    }
    const held = this.held.get(engine) ?? [];
    let slot = 0;
    while (held.includes(slot)) slot++;
    return slot;
  }
}
