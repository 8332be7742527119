/**
 * List-then-watch cache of one resource, as client-go's informer: relists on 410, re-watches
 * from the last seen resourceVersion when a watch ends, and tells handlers what changed.
 */
import type { Logger } from 'pino';
import type { KObject } from '../../apimachinery/meta.js';
import type { Registry } from '../../registry/registry.js';
import type { ResourceStore } from '../../registry/store.js';
import { keyOf, ObjectStore, type CacheReader, type IndexFunc } from './object-store.js';

export interface InformerHandlers {
  /**
   * isInInitialList (as client-go's OnAdd): the object comes with the informer's first list, where
   * every object is new. A handler may skip work that another informer's initial list repeats.
   */
  add?(obj: KObject, isInInitialList: boolean): void;
  update?(prev: KObject, next: KObject): void;
  delete?(obj: KObject): void;
}

export interface InformerOptions {
  /** Wait before re-listing after an unexpected failure; doubles up to 30 s. */
  initialBackoffMs?: number;
}

export { keyOf, splitKey } from './object-store.js';
export type { CacheReader, IndexFunc } from './object-store.js';

/** Objects per page of the initial (and any re-) list. */
const RELIST_PAGE = 1000;

export class Informer implements CacheReader {
  readonly #registry: Registry;
  readonly #rs: ResourceStore;
  readonly #log: Logger;
  readonly #handlers: InformerHandlers[] = [];
  /** Objects (frozen, shared: never mutate) and the controllers' indexes over them. */
  readonly #cache = new ObjectStore();
  readonly #opts: InformerOptions;
  #synced = false;
  #syncWaiters: (() => void)[] = [];

  constructor(registry: Registry, rs: ResourceStore, log: Logger, opts: InformerOptions = {}) {
    this.#registry = registry;
    this.#rs = rs;
    this.#log = log.child({ informer: rs.def.plural });
    this.#opts = opts;
  }

  addHandlers(h: InformerHandlers): void {
    this.#handlers.push(h);
  }

  get hasSynced(): boolean {
    return this.#synced;
  }

  /** Resolves after the first full list has been applied. */
  waitForSync(): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((r) => this.#syncWaiters.push(r));
  }

  get(namespace: string | undefined, name: string): KObject | undefined {
    return this.#cache.get(namespace, name);
  }

  getByKey(key: string): KObject | undefined {
    return this.#cache.getByKey(key);
  }

  /** Objects in one namespace, or all (a copy: prefer an index or a namespace over all). */
  list(namespace?: string): KObject[] {
    return this.#cache.list(namespace);
  }

  /**
   * Adds a secondary index (client-go's AddIndexers), kept in step before any handler sees an
   * event. Shared informers: controllers registering the same index pass the same function.
   */
  addIndex(name: string, fn: IndexFunc): void {
    this.#cache.addIndex(name, fn);
  }

  byIndex(name: string, value: string): KObject[] {
    return this.#cache.byIndex(name, value);
  }

  indexCount(name: string, value: string): number {
    return this.#cache.indexCount(name, value);
  }

  async run(signal: AbortSignal): Promise<void> {
    // stopped before the first list: whoever waits for the sync must not wait forever (they see
    // the aborted signal and return)
    signal.addEventListener('abort', () => {
      for (const w of this.#syncWaiters.splice(0)) w();
    }, { once: true });
    let rv = '';
    let backoff = this.#opts.initialBackoffMs ?? 1000;
    while (!signal.aborted) {
      try {
        if (!rv) rv = await this.#relist();
        const watch = this.#registry.watch(this.#rs, undefined, { resourceVersion: rv });
        const stop = () => watch.stop();
        signal.addEventListener('abort', stop, { once: true });
        try {
          for await (const ev of watch) {
            if (ev.type === 'ERROR') {
              // 410 Expired: our revision was compacted away; start over from a fresh list
              rv = '';
              break;
            }
            this.#apply(ev.type, ev.object);
            rv = ev.object.metadata.resourceVersion ?? rv;
          }
        } finally {
          signal.removeEventListener('abort', stop);
          watch.stop();
        }
        backoff = this.#opts.initialBackoffMs ?? 1000;
      } catch (err) {
        if (signal.aborted) return;
        this.#log.warn({ err }, 'informer failed; relisting after backoff');
        rv = '';
        await new Promise((r) => setTimeout(r, backoff).unref());
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  }

  async #relist(): Promise<string> {
    // In pages, as client-go's reflector lists: between pages the event loop serves requests, so
    // a controller starting on a large store does not stall the API for the length of its list.
    const seen = new Set<string>();
    let rv = '';
    let cont: string | undefined;
    do {
      const { list } = await this.#rs.list(undefined, { limit: RELIST_PAGE, ...(cont ? { continue: cont } : {}) });
      rv ||= list.metadata.resourceVersion ?? '0';
      for (const obj of list.items) {
        seen.add(keyOf(obj));
        const prev = this.get(obj.metadata.namespace, obj.metadata.name as string);
        if (!prev) this.#apply('ADDED', obj);
        else if (prev.metadata.resourceVersion !== obj.metadata.resourceVersion) this.#apply('MODIFIED', obj);
      }
      cont = list.metadata.continue;
      if (cont) await new Promise((r) => setImmediate(r));
    } while (cont);
    if (seen.size < this.#cache.size) {
      const gone: KObject[] = [];
      this.#cache.forEach((obj) => {
        if (!seen.has(keyOf(obj))) gone.push(obj);
      });
      for (const obj of gone) this.#apply('DELETED', obj);
    }
    if (!this.#synced) {
      this.#synced = true;
      for (const w of this.#syncWaiters.splice(0)) w();
    }
    return rv;
  }

  #apply(type: string, obj: KObject): void {
    if (type === 'DELETED') {
      const prev = this.#cache.remove(obj);
      if (!prev) return;
      for (const h of this.#handlers) h.delete?.(obj);
      return;
    }
    const prev = this.#cache.upsert(obj);
    for (const h of this.#handlers) {
      if (prev) h.update?.(prev, obj);
      else h.add?.(obj, !this.#synced);
    }
  }
}
