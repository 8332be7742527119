/**
 * The storage contract: a revision-ordered key/value store with etcd's semantics. Only this
 * layer knows which backend is in use; the registry above speaks to `Store` alone.
 *
 * Values are plain JSON-able objects. A value handed out by the store (get, list, watch) is
 * deeply frozen: it is shared with other readers and the watch cache, so callers clone before
 * they change anything. A backend may hold a value as JSON text until it is first read.
 */

/** A store revision. Every successful write takes the next one; it is the resourceVersion. */
export type Revision = number;

export interface KeyValue<T = unknown> {
  readonly key: string;
  readonly value: T;
  /** Revision of the write that created the key (etcd's create_revision). */
  readonly createRevision: Revision;
  /** Revision of the last write to the key (etcd's mod_revision) = the object's resourceVersion. */
  readonly modRevision: Revision;
  /**
   * The value's JSON text, when the backend holds it (a backend may keep cold values as text and
   * decode them on first read of `value`). Encoders prefer it to stringifying `value`.
   */
  readonly json?: string;
}

export interface ListOptions {
  /**
   * List as of this revision (etcd's `WithRev`). Absent: the current state. A revision older
   * than the compacted one throws `RevisionCompactedError`; a future one `FutureRevisionError`.
   */
  revision?: Revision;
  /** Start at this key (inclusive), for paging. */
  startKey?: string;
  /**
   * How many entries (before filtering) the list holds from `startKey` on at `revision`, when the
   * caller knows it (from the previous page): `remaining` is then derived instead of counted.
   */
  startCount?: number;
  /**
   * The caller will encode the items: a backend that keeps some values only decoded may fetch
   * their text (`KeyValue.json`) rather than leave it to be stringified.
   */
  withText?: boolean;
  /**
   * The caller reads each value once (a sweep over objects nobody else reads): a value the store
   * holds undecoded is decoded for this caller only and stays compact in the store.
   */
  transient?: boolean;
  /** At most this many items; 0 or absent = all. */
  limit?: number;
  /** Keep only values this accepts. Filtering happens before `limit` is counted. */
  filter?: (kv: KeyValue) => boolean;
}

export interface ListResult<T = unknown> {
  items: KeyValue<T>[];
  /** The revision the list reflects (the list's resourceVersion). */
  revision: Revision;
  /** The key after the last returned item when `limit` cut the list short. */
  nextKey?: string;
  /** How many matching items remain after `nextKey` (only when cheap to know). */
  remaining?: number;
}

export type StoreEventType = 'put' | 'delete';

/** One committed change, as the watch stream delivers it. */
export interface StoreEvent<T = unknown> {
  readonly type: StoreEventType;
  readonly key: string;
  readonly revision: Revision;
  /** New value for `put`; undefined for `delete`. */
  readonly value?: T;
  /** Value before the change; undefined for a create. For a delete, the last state. */
  readonly prevValue?: T;
  /** For a put, whether it created the key (prevValue absent) — ADDED vs MODIFIED. */
  readonly created: boolean;
  /** createRevision of the key (for a delete: of the deleted key). */
  readonly createRevision: Revision;
}

export interface WatchOptions {
  /** Replay every event with revision > `afterRevision`, then stream. */
  afterRevision: Revision;
  /** Ends the watch. The iterator returns normally. */
  signal?: AbortSignal;
  /** Keep only events this accepts (cheap predicate; applied before buffering). */
  filter?: (ev: StoreEvent) => boolean;
  /**
   * Watches whose filters have equal keys accept the same events: the store may evaluate such a
   * filter once per event for all of them (e.g. the selector string).
   */
  filterKey?: string;
  /** Buffered events beyond which a slow watcher is dropped with `WatcherTooSlowError`. */
  maxBuffered?: number;
}

/** A live watch. Iterate it; it ends when the signal aborts or the store closes. */
export interface Watch extends AsyncIterable<StoreEvent> {
  /** Stop the watch and release its buffer. Idempotent. */
  stop(): void;
}

export interface Store {
  /** Current revision (the last committed write; 1 on a fresh store after its first write). */
  currentRevision(): Revision;
  /** Oldest revision a watch or list can still start after (events at or below it are gone). */
  compactedRevision(): Revision;

  get<T = unknown>(key: string): Promise<KeyValue<T> | undefined>;
  list<T = unknown>(prefix: string, opts?: ListOptions): Promise<ListResult<T>>;
  /** Count keys under a prefix (current state). */
  count(prefix: string): number;

  /** Create `key`; throws `KeyExistsError` if it exists. Resolves once durable. */
  create<T>(key: string, value: T): Promise<KeyValue<T>>;
  /**
   * Compare-and-swap update: succeeds only while the key's modRevision equals `expected`
   * (or unconditionally when `expected` is undefined). Throws `KeyNotFoundError` or
   * `ConflictError`. Resolves once durable.
   */
  update<T>(key: string, value: T, expected?: Revision): Promise<KeyValue<T>>;
  /** Delete, guarded the same way as update. Resolves with the deleted key-value. */
  delete<T = unknown>(key: string, expected?: Revision): Promise<KeyValue<T>>;

  /**
   * Watch keys under `prefix`: events after `afterRevision` in revision order, no gaps, no
   * duplicates, then live. Throws `RevisionCompactedError` (synchronously from `watch`) when
   * `afterRevision` is older than the retained history.
   */
  watch(prefix: string, opts: WatchOptions): Watch;

  /** Drop history at or below `revision` (watches from before it get 410). */
  compact(revision: Revision): Promise<void>;
  close(): Promise<void>;
}

export class StorageError extends Error {}

export class KeyExistsError extends StorageError {
  constructor(readonly key: string) {
    super(`key exists: ${key}`);
    this.name = 'KeyExistsError';
  }
}

export class KeyNotFoundError extends StorageError {
  constructor(readonly key: string) {
    super(`key not found: ${key}`);
    this.name = 'KeyNotFoundError';
  }
}

export class ConflictError extends StorageError {
  constructor(
    readonly key: string,
    readonly expected: Revision,
    readonly actual: Revision,
  ) {
    super(`revision conflict on ${key}: expected ${expected}, found ${actual}`);
    this.name = 'ConflictError';
  }
}

export class RevisionCompactedError extends StorageError {
  constructor(
    readonly requested: Revision,
    readonly compacted: Revision,
  ) {
    super(`required revision ${requested} has been compacted (oldest available: ${compacted + 1})`);
    this.name = 'RevisionCompactedError';
  }
}

export class FutureRevisionError extends StorageError {
  constructor(
    readonly requested: Revision,
    readonly current: Revision,
  ) {
    super(`required revision ${requested} is a future revision (current: ${current})`);
    this.name = 'FutureRevisionError';
  }
}

/** The watcher fell more than `maxBuffered` events behind and was dropped. */
export class WatcherTooSlowError extends StorageError {
  constructor() {
    super('watcher fell too far behind and was closed');
    this.name = 'WatcherTooSlowError';
  }
}

export class StoreClosedError extends StorageError {
  constructor() {
    super('store is closed');
    this.name = 'StoreClosedError';
  }
}
