/**
 * core/v1 Events as client-go's legacy recorder (tools/record) writes them: one Event per
 * distinct (source, object, type, reason, message), named `<object>.<UnixNano in hex>`; repeats
 * bump `count` and `lastTimestamp` instead of creating more. A spam filter per source and object
 * (a token bucket, as client-go's EventSourceObjectSpamFilter) bounds the volume, and EventTTL
 * removes events not seen for an hour, as kube-apiserver's --event-ttl does.
 */
import type { Logger } from 'pino';
import type { KObject } from '../apimachinery/meta.js';
import { isStatusError } from '../apimachinery/status.js';
import type { ResourceClient } from '../client/client.js';
import { rfc3339 } from '../registry/object-meta.js';
import type { Controller } from './runtime/controller.js';

export type EventType = 'Normal' | 'Warning';

/** The object an event is about (core/v1 ObjectReference). */
export interface InvolvedObject {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  /** The part of the object, e.g. `spec.containers{web}`. */
  fieldPath?: string;
}

/** Who reports: `{ component: 'kubelet', host: 'kubelevel-node-1' }`. */
export interface EventSource {
  component: string;
  host?: string;
}

// as client-go's EventCorrelator: an LRU of 4096 recent events
const MAX_CACHED_EVENTS = 4096;
// as client-go's spam filter: a burst of 25 events per source+object, then one per 5 minutes
const SPAM_BURST = 25;
const SPAM_REFILL_MS = 5 * 60_000;
// kube-apiserver's --event-ttl default
export const EVENT_TTL_MS = 60 * 60_000;
/** Events read per page by the TTL sweep. */
const SWEEP_PAGE = 500;

/** The part of the in-process client the recorder and the TTL sweeper use. */
export type EventsClient = Pick<ResourceClient, 'create' | 'mutate' | 'list' | 'deleteIfExists'>;

interface CachedEvent {
  namespace: string;
  name: string;
}

interface Bucket {
  tokens: number;
  at: number;
}

export interface EventRecorderDeps {
  events: EventsClient;
  /** Milliseconds since the epoch. */
  now: () => number;
  log: Logger;
}

/** Records events; shared by every controller that reports something. */
export class EventRecorder {
  readonly #deps: EventRecorderDeps;
  readonly #log: Logger;
  readonly #cache = new Map<string, CachedEvent>();
  readonly #buckets = new Map<string, Bucket>();
  #lastNanos = 0n;

  constructor(deps: EventRecorderDeps) {
    this.#deps = deps;
    this.#log = deps.log.child({ component: 'event-recorder' });
  }

  /**
   * Creates the event, or bumps the count of the same one recorded before. Never rejects: a lost
   * event is logged, as client-go does, and must not fail the caller's sync.
   */
  async record(obj: InvolvedObject, type: EventType, reason: string, message: string, source: EventSource): Promise<void> {
    const now = this.#deps.now();
    const objectKey = [source.component, source.host ?? '', obj.kind, obj.namespace ?? '', obj.name, obj.uid ?? ''].join('\u0000');
    if (!this.#allow(objectKey, now)) {
      this.#log.debug({ reason, object: obj.name }, 'event dropped by the spam filter');
      return;
    }
    const key = [objectKey, obj.fieldPath ?? '', type, reason, message].join('\u0000');
    try {
      const cached = this.#cache.get(key);
      if (cached) {
        this.#cache.delete(key);
        this.#cache.set(key, cached);
        if (await this.#bump(cached, now)) return;
      }
      const created = await this.#deps.events.create(obj.namespace || 'default', this.#build(obj, type, reason, message, source, now));
      this.#remember(key, { namespace: created.metadata.namespace as string, name: created.metadata.name as string });
    } catch (err) {
      this.#log.warn({ err, reason, object: obj.name }, 'could not record event');
    }
  }

  /** count+1 and lastTimestamp=now on the stored event; false when it is gone (expired, deleted). */
  async #bump(cached: CachedEvent, now: number): Promise<boolean> {
    try {
      await this.#deps.events.mutate(cached.namespace, cached.name, (ev) => {
        ev.count = ((ev.count as number | undefined) ?? 1) + 1;
        ev.lastTimestamp = rfc3339(now);
        return ev;
      });
      return true;
    } catch (err) {
      if (isStatusError(err, 'NotFound')) return false;
      throw err;
    }
  }

  #build(obj: InvolvedObject, type: EventType, reason: string, message: string, source: EventSource, now: number): KObject {
    const ts = rfc3339(now);
    const involvedObject: Record<string, string> = { kind: obj.kind, name: obj.name };
    for (const f of ['namespace', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'] as const) {
      const v = obj[f];
      if (v) involvedObject[f] = v;
    }
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${obj.name}.${this.#nanosHex(now)}`, namespace: obj.namespace || 'default' },
      involvedObject,
      reason,
      message,
      source: source.host ? { component: source.component, host: source.host } : { component: source.component },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      type,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
  }

  /** As client-go: the name suffix is the time in nanoseconds, in hex; kept strictly increasing. */
  #nanosHex(now: number): string {
    let nanos = BigInt(now) * 1_000_000n;
    if (nanos <= this.#lastNanos) nanos = this.#lastNanos + 1n;
    this.#lastNanos = nanos;
    return nanos.toString(16);
  }

  #allow(objectKey: string, now: number): boolean {
    let b = this.#buckets.get(objectKey);
    if (!b) {
      b = { tokens: SPAM_BURST, at: now };
      this.#buckets.set(objectKey, b);
      if (this.#buckets.size > MAX_CACHED_EVENTS) this.#buckets.delete(this.#buckets.keys().next().value as string);
    }
    const refill = Math.floor((now - b.at) / SPAM_REFILL_MS);
    if (refill > 0) {
      b.tokens = Math.min(SPAM_BURST, b.tokens + refill);
      b.at += refill * SPAM_REFILL_MS;
    }
    if (b.tokens <= 0) return false;
    b.tokens--;
    return true;
  }

  #remember(key: string, ev: CachedEvent): void {
    this.#cache.set(key, ev);
    if (this.#cache.size > MAX_CACHED_EVENTS) this.#cache.delete(this.#cache.keys().next().value as string);
  }
}

/** When an event was last seen: lastTimestamp, else eventTime / series, else creation. */
function lastSeen(ev: KObject): number {
  const series = ev.series as { lastObservedTime?: string } | undefined;
  for (const t of [series?.lastObservedTime, ev.lastTimestamp, ev.eventTime, ev.metadata.creationTimestamp]) {
    if (typeof t === 'string') {
      const ms = Date.parse(t);
      if (!Number.isNaN(ms)) return ms;
    }
  }
  return 0;
}

export interface EventTTLOptions {
  events: EventsClient;
  now: () => number;
  log: Logger;
  ttlMs?: number;
  /** How often to sweep; the first sweep runs at start. */
  intervalMs?: number;
}

/** Deletes events not seen for `ttlMs` (kube-apiserver does this with etcd leases). */
export class EventTTL implements Controller {
  readonly name = 'event-ttl';
  readonly #opts: Required<EventTTLOptions>;

  constructor(opts: EventTTLOptions) {
    this.#opts = { ttlMs: EVENT_TTL_MS, intervalMs: 5 * 60_000, ...opts, log: opts.log.child({ component: 'event-ttl' }) };
  }

  /**
   * One pass: deletes the expired events; returns how many. In pages, yielding between them, and
   * reading each event once: a large cluster's events are not all held decoded for the sweep's sake.
   */
  async sweep(): Promise<number> {
    const cutoff = this.#opts.now() - this.#opts.ttlMs;
    let removed = 0;
    let cont: string | undefined;
    do {
      const page = await this.#opts.events.list(undefined, { limit: SWEEP_PAGE, transient: true, ...(cont ? { continue: cont } : {}) });
      for (const ev of page.items) {
        if (lastSeen(ev) >= cutoff) continue;
        await this.#opts.events.deleteIfExists(ev.metadata.namespace, ev.metadata.name as string);
        removed++;
      }
      cont = page.continue;
      if (cont) await new Promise((r) => setImmediate(r));
    } while (cont);
    if (removed > 0) this.#opts.log.debug({ removed }, 'expired events removed');
    return removed;
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.sweep();
      } catch (err) {
        if (!signal.aborted) this.#opts.log.warn({ err }, 'event sweep failed');
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, this.#opts.intervalMs);
        t.unref();
        signal.addEventListener('abort', done, { once: true });
        function done() {
          clearTimeout(t);
          signal.removeEventListener('abort', done);
          resolve();
        }
      });
    }
  }
}
