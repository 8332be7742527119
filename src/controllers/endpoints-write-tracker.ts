/**
 * Remembers the controller's own writes until its informer has seen them, as upstream's
 * EndpointSliceTracker / staleEndpointsTracker do: a sync that would read a cache older than
 * its own last write fails (and is retried) instead of creating duplicates, and the informer
 * events caused by our own writes do not trigger another sync.
 */
import type { KObject } from '../apimachinery/meta.js';

const DELETED = Symbol('deleted');
interface Expectation {
  rv: bigint | typeof DELETED;
  at: number;
}
// an expectation the informer never confirms (e.g. the object came and went during a relist)
// must not block its owner forever
const EXPECTATION_TTL_MS = 30_000;

/** Thrown by a sync that found its informer cache behind its own writes; the key is retried. */
export class StaleCacheError extends Error {
  constructor(what: string) {
    super(`${what} informer cache is out of date`);
    this.name = 'StaleCacheError';
  }
}

function rvOf(obj: KObject): bigint {
  try {
    return BigInt(obj.metadata.resourceVersion ?? '0');
  } catch {
    return 0n;
  }
}

export class WriteTracker {
  /** owner key → object name → what we last did to it. */
  readonly #byOwner = new Map<string, Map<string, Expectation>>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  #set(owner: string, name: string, rv: Expectation['rv']): void {
    let m = this.#byOwner.get(owner);
    if (!m) this.#byOwner.set(owner, (m = new Map()));
    m.set(name, { rv, at: this.#now() });
  }

  #clear(owner: string, name: string): void {
    const m = this.#byOwner.get(owner);
    if (!m) return;
    m.delete(name);
    if (m.size === 0) this.#byOwner.delete(owner);
  }

  /** We created or updated `written` on behalf of `owner`. */
  wrote(owner: string, written: KObject): void {
    this.#set(owner, written.metadata.name as string, rvOf(written));
  }

  /** We deleted `name` on behalf of `owner`. */
  deleted(owner: string, name: string): void {
    this.#set(owner, name, DELETED);
  }

  /**
   * An informer add/update: true when it is our own write (or older than it), so no resync is
   * needed; false when someone else changed the object.
   */
  observeUpdate(owner: string, obj: KObject): boolean {
    const e = this.#byOwner.get(owner)?.get(obj.metadata.name as string)?.rv;
    if (e === undefined) return false;
    // events from before our delete: the delete event follows
    if (e === DELETED) return true;
    const rv = rvOf(obj);
    if (rv < e) return true;
    this.#clear(owner, obj.metadata.name as string);
    return rv === e;
  }

  /** An informer delete: true when we deleted it ourselves. */
  observeDelete(owner: string, obj: KObject): boolean {
    const e = this.#byOwner.get(owner)?.get(obj.metadata.name as string)?.rv;
    if (e === undefined) return false;
    this.#clear(owner, obj.metadata.name as string);
    return e === DELETED;
  }

  /** True when the cache (`get`) has not yet caught up with our writes for `owner`. */
  isStale(owner: string, get: (name: string) => KObject | undefined): boolean {
    const m = this.#byOwner.get(owner);
    if (!m) return false;
    const now = this.#now();
    for (const [name, { rv: e, at }] of m) {
      if (now - at > EXPECTATION_TTL_MS) {
        this.#clear(owner, name);
        continue;
      }
      const cached = get(name);
      if (e === DELETED) {
        if (cached) return true;
      } else if (!cached || rvOf(cached) < e) {
        return true;
      }
    }
    return false;
  }

  forget(owner: string): void {
    this.#byOwner.delete(owner);
  }
}
