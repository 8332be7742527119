/**
 * List-then-watch cache of one resource, as client-go's informer: relists on 410, re-watches
 * from the last seen resourceVersion when a watch ends, and tells handlers what changed.
 */
import type { Logger } from 'pino';
import type { KObject } from '../../apimachinery/meta.js';
import type { Registry } from '../../registry/registry.js';
import type { ResourceStore } from '../../registry/store.js';

export interface InformerHandlers {
  add?(obj: KObject): void;
  update?(prev: KObject, next: KObject): void;
  delete?(obj: KObject): void;
}

export interface InformerOptions {
  /** Wait before re-listing after an unexpected failure; doubles up to 30 s. */
  initialBackoffMs?: number;
}

/** `namespace/name`, or `name` for cluster-scoped objects: the work queue key. */
export function keyOf(obj: KObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : (obj.metadata.name as string);
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export class Informer {
  readonly #registry: Registry;
  readonly #rs: ResourceStore;
  readonly #log: Logger;
  readonly #handlers: InformerHandlers[] = [];
  /** namespace ('' for cluster-scoped) → name → object (frozen, shared: never mutate). */
  readonly #cache = new Map<string, Map<string, KObject>>();
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
    return this.#cache.get(namespace ?? '')?.get(name);
  }

  getByKey(key: string): KObject | undefined {
    const { namespace, name } = splitKey(key);
    return this.get(namespace, name);
  }

  /** Objects in one namespace, or all. */
  list(namespace?: string): KObject[] {
    if (namespace !== undefined) return [...(this.#cache.get(namespace)?.values() ?? [])];
    const out: KObject[] = [];
    for (const m of this.#cache.values()) out.push(...m.values());
    return out;
  }

  async run(signal: AbortSignal): Promise<void> {
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
    const { list } = await this.#rs.list(undefined);
    const seen = new Set<string>();
    for (const obj of list.items) {
      seen.add(keyOf(obj));
      const prev = this.get(obj.metadata.namespace, obj.metadata.name as string);
      if (!prev) this.#apply('ADDED', obj);
      else if (prev.metadata.resourceVersion !== obj.metadata.resourceVersion) this.#apply('MODIFIED', obj);
    }
    for (const obj of this.list()) if (!seen.has(keyOf(obj))) this.#apply('DELETED', obj);
    if (!this.#synced) {
      this.#synced = true;
      for (const w of this.#syncWaiters.splice(0)) w();
    }
    return list.metadata.resourceVersion ?? '0';
  }

  #apply(type: string, obj: KObject): void {
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name as string;
    let m = this.#cache.get(ns);
    const prev = m?.get(name);
    if (type === 'DELETED') {
      if (!prev) return;
      m!.delete(name);
      if (m!.size === 0) this.#cache.delete(ns);
      for (const h of this.#handlers) h.delete?.(obj);
      return;
    }
    if (!m) this.#cache.set(ns, (m = new Map()));
    m.set(name, obj);
    for (const h of this.#handlers) {
      if (prev) h.update?.(prev, obj);
      else h.add?.(obj);
    }
  }
}
