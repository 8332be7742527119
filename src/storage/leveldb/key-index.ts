/**
 * The in-memory ordered index of committed objects: the store's watch cache. Every read is
 * served from here, so it holds the frozen, shared KeyValue objects readers receive.
 */
import sortedBtree from 'sorted-btree';
import type { KeyValue, ListOptions, ListResult } from '../storage.js';
import { prefixEnd, type StoredKeyValue } from './records.js';

const BTree = sortedBtree.default;
type Tree = InstanceType<typeof BTree<string, StoredKeyValue>>;

/** Plain code-unit order; the library's default comparator handles every type and is slower. */
const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class KeyIndex {
  readonly #tree: Tree = new BTree<string, StoredKeyValue>(undefined, compareKeys);

  get size(): number {
    return this.#tree.size;
  }

  get(key: string): StoredKeyValue | undefined {
    return this.#tree.get(key);
  }

  has(key: string): boolean {
    return this.#tree.has(key);
  }

  set(kv: StoredKeyValue): void {
    this.#tree.set(kv.key, kv);
  }

  delete(key: string): void {
    this.#tree.delete(key);
  }

  /** Keys under `prefix` at or after `fromKey`, counted without visiting values. */
  count(prefix: string, fromKey?: string): number {
    const end = prefixEnd(prefix);
    const low = fromKey !== undefined && fromKey > prefix ? fromKey : prefix;
    if (end === undefined) {
      return low === '' ? this.#tree.size : this.#tree.forRange(low, maxKeyOf(this.#tree), true);
    }
    // forRange counts backwards for an inverted range.
    return low < end ? this.#tree.forRange(low, end, false) : 0;
  }

  /** Entries under `prefix` in key order, starting at `startKey` (inclusive) when given. */
  *scan(prefix: string, startKey?: string): Generator<StoredKeyValue> {
    const end = prefixEnd(prefix);
    const low = startKey !== undefined && startKey > prefix ? startKey : prefix;
    for (const [key, kv] of this.#tree.entries(low)) {
      if (end !== undefined && key >= end) return;
      yield kv;
    }
  }
}

function maxKeyOf(tree: Tree): string {
  return tree.maxKey() ?? '';
}

/**
 * Apply ListOptions' filter and limit to a key-ordered stream of matches. `countFrom(key)`
 * reports how many entries (before filtering) start at `key`; it is used for `remaining` only
 * when there is no filter, since a filtered count would cost a full scan per page.
 */
export function collectPage(
  entries: Iterable<KeyValue>,
  opts: ListOptions,
  countFrom: (key: string) => number,
): Omit<ListResult, 'revision'> {
  const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
  const items: KeyValue[] = [];
  for (const kv of entries) {
    if (opts.filter && !opts.filter(kv)) continue;
    if (items.length >= limit) {
      // kv is the first match that did not fit: paging restarts here (startKey is inclusive).
      const remaining = opts.filter ? undefined : opts.startCount !== undefined ? opts.startCount - items.length : countFrom(kv.key);
      return remaining === undefined
        ? { items, nextKey: kv.key }
        : { items, nextKey: kv.key, remaining };
    }
    items.push(kv);
  }
  return { items };
}

/**
 * Entries under `prefix` as of an older revision, in key order: the current index corrected by
 * `states` (from EventHistory.stateAt): keys changed since take their old value, keys created
 * since are skipped, and keys deleted since are merged back in at their place.
 */
export function* scanAsOf(
  index: KeyIndex,
  states: ReadonlyMap<string, KeyValue | null>,
  prefix: string,
  startKey?: string,
): Generator<KeyValue> {
  const low = startKey !== undefined && startKey > prefix ? startKey : prefix;
  const revived: KeyValue[] = [];
  for (const kv of states.values()) {
    if (kv !== null && kv.key >= low && !index.has(kv.key)) revived.push(kv);
  }
  revived.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let r = 0;
  for (const current of index.scan(prefix, startKey)) {
    while (r < revived.length && revived[r]!.key < current.key) yield revived[r++]!;
    const old = states.get(current.key);
    if (old === undefined) yield current;
    else if (old !== null) yield old;
  }
  while (r < revived.length) yield revived[r++]!;
}

/**
 * How many entries `scanAsOf(index, states, prefix, fromKey)` would yield, without walking them:
 * the current count corrected by the keys that changed since (created since: not counted;
 * deleted since: counted back).
 */
export function countAsOf(
  index: KeyIndex,
  states: ReadonlyMap<string, KeyValue | null>,
  prefix: string,
  fromKey?: string,
): number {
  const low = fromKey !== undefined && fromKey > prefix ? fromKey : prefix;
  let n = index.count(prefix, fromKey);
  for (const [key, old] of states) {
    if (key < low) continue;
    const present = index.has(key);
    if (old === null && present) n--;
    else if (old !== null && !present) n++;
  }
  return n;
}
