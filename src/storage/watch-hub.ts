/**
 * Watch fan-out shared by storage backends. A backend feeds committed events to `publish` in
 * revision order and exposes its retained history as an `EventSource`; the hub turns that into
 * `Watch` streams that replay history, then go live, with no gap and no duplicate.
 *
 * Why it is shaped this way:
 * - Watchers are indexed by resource prefix (`/registry/<resource>/`), so an event only visits
 *   watchers of its own resource; only watchers of a wider prefix see every event.
 * - Events are frozen and shared: a watcher queues the same object every other watcher gets.
 * - Replay is lazy: a new watcher keeps a cursor into the history instead of copying it, so
 *   watching from far back costs no memory and does not count against the slow-watcher limit.
 *   Registration and the choice of where replay ends happen in one synchronous step, so every
 *   later commit reaches the watcher live and every earlier one through replay.
 * - A watcher whose live queue grows past `maxBuffered` is dropped (WatcherTooSlowError) instead
 *   of being buffered without bound; publishing never waits for a consumer.
 */
import {
  RevisionCompactedError,
  StoreClosedError,
  WatcherTooSlowError,
  type Revision,
  type StoreEvent,
  type Watch,
  type WatchOptions,
} from './storage.js';

/** The retained, committed event history a backend exposes to the hub. */
export interface EventSource {
  /** Events at or below this revision are gone. */
  compactedRevision(): Revision;
  /** The newest committed revision whose event has been published. */
  lastRevision(): Revision;
  /** The event of exactly this revision; undefined when compacted or not yet committed. */
  eventAt(revision: Revision): StoreEvent | undefined;
}

const REGISTRY_ROOT = '/registry/';
const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/** The `/registry/<resource>/` part of a key or prefix; undefined when it has none. */
export function resourcePrefixOf(keyOrPrefix: string): string | undefined {
  if (!keyOrPrefix.startsWith(REGISTRY_ROOT)) return undefined;
  const slash = keyOrPrefix.indexOf('/', REGISTRY_ROOT.length);
  return slash < 0 ? undefined : keyOrPrefix.slice(0, slash + 1);
}

export class WatchHub {
  readonly #source: EventSource;
  readonly #defaultMaxBuffered: number;
  /** Per resource, watchers grouped by their exact prefix: an event tests each prefix once. */
  readonly #byResource = new Map<string, Map<string, Set<HubWatcher>>>();
  /** Watchers whose prefix spans resources (e.g. '/registry/'): they see every event. */
  readonly #wide = new Set<HubWatcher>();
  #closed = false;

  constructor(source: EventSource, defaultMaxBuffered: number) {
    this.#source = source;
    this.#defaultMaxBuffered = defaultMaxBuffered;
  }

  get watcherCount(): number {
    let n = this.#wide.size;
    for (const groups of this.#byResource.values()) for (const set of groups.values()) n += set.size;
    return n;
  }

  /** Throws RevisionCompactedError synchronously when `afterRevision` is no longer retained. */
  watch(prefix: string, opts: WatchOptions): Watch {
    if (this.#closed) throw new StoreClosedError();
    const compacted = this.#source.compactedRevision();
    if (opts.afterRevision < compacted) {
      throw new RevisionCompactedError(opts.afterRevision, compacted);
    }
    const watcher = new HubWatcher(
      this.#source,
      prefix,
      opts,
      opts.maxBuffered ?? this.#defaultMaxBuffered,
      (w) => this.#unregister(w),
    );
    if (!watcher.isOpen) return watcher; // signal already aborted
    const resource = resourcePrefixOf(prefix);
    if (resource === undefined) {
      this.#wide.add(watcher);
    } else {
      let groups = this.#byResource.get(resource);
      if (!groups) this.#byResource.set(resource, (groups = new Map()));
      let set = groups.get(prefix);
      if (!set) groups.set(prefix, (set = new Set()));
      set.add(watcher);
    }
    return watcher;
  }

  /** Deliver one committed event. Must be called in revision order, after `lastRevision` moved. */
  publish(event: StoreEvent): void {
    const resource = resourcePrefixOf(event.key);
    const groups = resource === undefined ? undefined : this.#byResource.get(resource);
    // watchers with equal filter keys share one evaluation of their filter for this event
    const verdicts = new Map<string, boolean>();
    if (groups) {
      for (const [prefix, set] of groups) {
        if (event.key.startsWith(prefix)) for (const w of set) w.deliver(event, verdicts);
      }
    }
    for (const w of this.#wide) if (event.key.startsWith(w.prefix)) w.deliver(event, verdicts);
  }

  /** End every watch normally; later `watch` calls throw StoreClosedError. */
  closeAll(): void {
    this.#closed = true;
    for (const w of [...this.#wide]) w.stop();
    for (const groups of [...this.#byResource.values()]) for (const set of [...groups.values()]) for (const w of [...set]) w.stop();
  }

  #unregister(w: HubWatcher): void {
    if (this.#wide.delete(w)) return;
    const resource = resourcePrefixOf(w.prefix);
    const groups = resource === undefined ? undefined : this.#byResource.get(resource);
    const set = groups?.get(w.prefix);
    if (set?.delete(w) && set.size === 0) {
      groups!.delete(w.prefix);
      if (groups!.size === 0) this.#byResource.delete(resource!);
    }
  }
}

interface Waiter {
  resolve(result: IteratorResult<StoreEvent>): void;
  reject(err: unknown): void;
}

/** One watch: a replay cursor over history, then a bounded queue of live events. */
class HubWatcher implements Watch, AsyncIterator<StoreEvent> {
  readonly prefix: string;
  readonly #source: EventSource;
  readonly #filter: ((ev: StoreEvent) => boolean) | undefined;
  readonly #filterKey: string | undefined;
  readonly #maxBuffered: number;
  /** Live events at or below this are skipped (a watch from a future revision). */
  readonly #afterRevision: Revision;
  /** Next history revision to replay, up to and including #replayEnd. */
  #cursor: Revision;
  readonly #replayEnd: Revision;
  #queue: StoreEvent[] = [];
  #head = 0;
  readonly #waiters: Waiter[] = [];
  #isOpen = true;
  /** Set when the watch failed; thrown once by the next `next()`, after which it is done. */
  #error: unknown;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => this.stop();
  readonly #unregister: (w: HubWatcher) => void;

  constructor(
    source: EventSource,
    prefix: string,
    opts: WatchOptions,
    maxBuffered: number,
    unregister: (w: HubWatcher) => void,
  ) {
    this.#source = source;
    this.prefix = prefix;
    this.#filter = opts.filter;
    this.#filterKey = opts.filter ? opts.filterKey : undefined;
    this.#maxBuffered = maxBuffered;
    this.#afterRevision = opts.afterRevision;
    this.#cursor = opts.afterRevision + 1;
    this.#replayEnd = source.lastRevision();
    this.#unregister = unregister;
    this.#signal = opts.signal;
    if (this.#signal?.aborted) this.#isOpen = false;
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  get isOpen(): boolean {
    return this.#isOpen;
  }

  [Symbol.asyncIterator](): AsyncIterator<StoreEvent> {
    return this;
  }

  next(): Promise<IteratorResult<StoreEvent>> {
    const ready = this.#nextReady();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.#error !== undefined) return Promise.reject(this.#takeError());
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<StoreEvent>> {
    this.stop();
    return Promise.resolve(DONE);
  }

  stop(): void {
    this.#end(undefined);
  }

  /** Called by the hub for each live event under this watcher's prefix. */
  deliver(event: StoreEvent, verdicts?: Map<string, boolean>): void {
    if (!this.#isOpen || event.revision <= this.#afterRevision) return;
    if (this.#filter) {
      const key = this.#filterKey;
      let pass = key === undefined ? undefined : verdicts?.get(key);
      if (pass === undefined) {
        try {
          pass = this.#filter(event);
        } catch (err) {
          this.#end(err);
          return;
        }
        if (key !== undefined) verdicts?.set(key, pass);
      }
      if (!pass) return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter.resolve({ value: event, done: false });
      return;
    }
    this.#queue.push(event);
    if (this.#queue.length - this.#head > this.#maxBuffered) this.#end(new WatcherTooSlowError());
  }

  /** The next event available without waiting, DONE when finished, undefined otherwise. */
  #nextReady(): IteratorResult<StoreEvent> | undefined {
    if (this.#error !== undefined) return undefined;
    if (!this.#isOpen) return DONE;
    while (this.#cursor <= this.#replayEnd) {
      const event = this.#source.eventAt(this.#cursor);
      if (event === undefined) {
        // Compacted while we were replaying: the stream can no longer be gap-free.
        this.#end(new RevisionCompactedError(this.#cursor - 1, this.#source.compactedRevision()));
        return undefined;
      }
      this.#cursor++;
      if (!event.key.startsWith(this.prefix)) continue;
      try {
        if (this.#filter && !this.#filter(event)) continue;
      } catch (err) {
        this.#end(err);
        return undefined;
      }
      return { value: event, done: false };
    }
    if (this.#head < this.#queue.length) {
      const event = this.#queue[this.#head++]!;
      if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      return { value: event, done: false };
    }
    return undefined;
  }

  #takeError(): unknown {
    const err = this.#error;
    this.#error = undefined;
    return err;
  }

  /** Finish the watch, normally (`error` undefined) or with an error for the consumer. */
  #end(error: unknown): void {
    if (!this.#isOpen) return;
    this.#isOpen = false;
    this.#queue = [];
    this.#head = 0;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#unregister(this);
    const waiters = this.#waiters.splice(0);
    if (error !== undefined) {
      const first = waiters.shift();
      if (first) first.reject(error);
      else this.#error = error;
    }
    for (const w of waiters) w.resolve(DONE);
  }
}
