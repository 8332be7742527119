/**
 * The informer's cache: objects by namespace and name, plus named secondary indexes kept in step
 * on every add, update and delete, as client-go's cache.Indexer (`AddIndexers` + `ByIndex`). A
 * controller that needs "the slices of this service" or "the pods on this node" asks an index
 * instead of filtering every object in the cache on every event.
 */
import type { KObject } from '../../apimachinery/meta.js';

/** The index values of an object (none: the object is not in the index). Must be pure. */
export type IndexFunc = (obj: KObject) => readonly string[];

interface Index {
  readonly fn: IndexFunc;
  /** index value → object key → object. */
  readonly buckets: Map<string, Map<string, KObject>>;
}

/** `namespace/name`, or `name` for cluster-scoped objects: the work queue key. */
export function keyOf(obj: KObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : (obj.metadata.name as string);
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The read side of an informer's cache, as controllers (and their tests' fakes) use it. */
export interface CacheReader {
  get(namespace: string | undefined, name: string): KObject | undefined;
  getByKey(key: string): KObject | undefined;
  list(namespace?: string): KObject[];
  /** Registers an index (idempotent for the same function); existing objects are indexed at once. */
  addIndex(name: string, fn: IndexFunc): void;
  /** The objects whose index function returned `value`; a fresh array. */
  byIndex(name: string, value: string): KObject[];
  /** How many objects byIndex(name, value) would return, without building the array. */
  indexCount(name: string, value: string): number;
}

export class ObjectStore implements CacheReader {
  /** namespace ('' for cluster-scoped) → name → object (frozen, shared: never mutate). */
  readonly #byNamespace = new Map<string, Map<string, KObject>>();
  readonly #indexes = new Map<string, Index>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(namespace: string | undefined, name: string): KObject | undefined {
    return this.#byNamespace.get(namespace ?? '')?.get(name);
  }

  getByKey(key: string): KObject | undefined {
    const { namespace, name } = splitKey(key);
    return this.get(namespace, name);
  }

  /** Objects in one namespace, or all. */
  list(namespace?: string): KObject[] {
    if (namespace !== undefined) return [...(this.#byNamespace.get(namespace)?.values() ?? [])];
    const out: KObject[] = [];
    for (const m of this.#byNamespace.values()) for (const o of m.values()) out.push(o);
    return out;
  }

  /** Visits every object without copying the cache (the visitor must not change the store). */
  forEach(visit: (obj: KObject) => void): void {
    for (const m of this.#byNamespace.values()) for (const o of m.values()) visit(o);
  }

  addIndex(name: string, fn: IndexFunc): void {
    const existing = this.#indexes.get(name);
    if (existing) {
      if (existing.fn !== fn) throw new Error(`index ${name} already exists with another function`);
      return;
    }
    const index: Index = { fn, buckets: new Map() };
    this.#indexes.set(name, index);
    this.forEach((obj) => indexAdd(index, keyOf(obj), obj, fn(obj)));
  }

  byIndex(name: string, value: string): KObject[] {
    const bucket = this.#index(name).buckets.get(value);
    return bucket ? [...bucket.values()] : [];
  }

  indexCount(name: string, value: string): number {
    return this.#index(name).buckets.get(value)?.size ?? 0;
  }

  /** Adds or replaces `obj`; returns what it replaced. */
  upsert(obj: KObject): KObject | undefined {
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name as string;
    let m = this.#byNamespace.get(ns);
    if (!m) this.#byNamespace.set(ns, (m = new Map()));
    const prev = m.get(name);
    m.set(name, obj);
    if (!prev) this.#size++;
    if (this.#indexes.size > 0) {
      const key = keyOf(obj);
      for (const index of this.#indexes.values()) {
        const next = index.fn(obj);
        if (prev) {
          for (const v of index.fn(prev)) if (!next.includes(v)) indexRemove(index, key, v);
        }
        indexAdd(index, key, obj, next);
      }
    }
    return prev;
  }

  /** Removes the object with `obj`'s namespace and name; returns what was cached, if anything. */
  remove(obj: KObject): KObject | undefined {
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name as string;
    const m = this.#byNamespace.get(ns);
    const prev = m?.get(name);
    if (!prev) return undefined;
    m!.delete(name);
    if (m!.size === 0) this.#byNamespace.delete(ns);
    this.#size--;
    if (this.#indexes.size > 0) {
      const key = keyOf(prev);
      for (const index of this.#indexes.values()) for (const v of index.fn(prev)) indexRemove(index, key, v);
    }
    return prev;
  }

  #index(name: string): Index {
    const index = this.#indexes.get(name);
    if (!index) throw new Error(`no index ${name}`);
    return index;
  }
}

function indexAdd(index: Index, key: string, obj: KObject, values: readonly string[]): void {
  for (const v of values) {
    let bucket = index.buckets.get(v);
    if (!bucket) index.buckets.set(v, (bucket = new Map()));
    bucket.set(key, obj);
  }
}

function indexRemove(index: Index, key: string, value: string): void {
  const bucket = index.buckets.get(value);
  if (!bucket) return;
  bucket.delete(key);
  if (bucket.size === 0) index.buckets.delete(value);
}
