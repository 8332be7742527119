/**
 * The LevelDB backend of `Store`, with etcd's semantics (see storage.ts and the architecture
 * doc). Three layers of state, and who sees which:
 *
 *   disk       the source of truth; each write is one synced batch (object, event, counter)
 *   pending    writes accepted but not yet durable: CAS checks and revision numbers are decided
 *              against them, synchronously and in call order, so concurrent updates with the
 *              same expected revision cannot both win
 *   committed  the in-memory index + event history, updated when a batch is durable; this is
 *              all readers (get/list/count/watch) ever see
 */
import { Level } from 'level';
import type { Logger } from 'pino';
import {
  ConflictError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionCompactedError,
  StoreClosedError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Revision,
  type Store,
  type StoreEvent,
  type Watch,
  type WatchOptions,
} from '../storage.js';
import { WatchHub } from '../watch-hub.js';
import { CommitQueue, type CommitQueueStats } from './commit-queue.js';
import type { EventHistory } from './event-history.js';
import { collectPage, countAsOf, scanAsOf, type KeyIndex } from './key-index.js';
import { loadState, type LevelDb } from './load-state.js';
import {
  META_COMPACTED,
  META_REVISION,
  encodeEvent,
  decodeObject,
  encodeObject,
  eventKey,
  ListedKeyValue,
  objectKey,
  parseJSON,
  StoredEvent,
  StoredKeyValue,
  TransientKeyValue,
  toJson,
  ValueCell,
  type BatchOp,
  type Decoder,
  type HistoryEntry,
} from './records.js';

export interface LevelStoreOptions {
  path: string;
  logger?: Logger;
  /** Events retained for watch replay and list-at-revision. */
  compactionWindow?: number;
  /** How often the background compaction runs. */
  compactionIntervalMs?: number;
  /** Default live-event buffer of a watcher before it is dropped as too slow. */
  maxWatcherBuffer?: number;
  /**
   * Turns a value's stored JSON into the value readers get (default JSON.parse); e.g. one that
   * shares identical subtrees between objects. The store freezes the result.
   */
  decode?: Decoder;
}

const noop = (): void => undefined;

export const DEFAULT_COMPACTION_WINDOW = 100_000;
export const DEFAULT_COMPACTION_INTERVAL_MS = 60_000;
export const DEFAULT_MAX_WATCHER_BUFFER = 10_000;
/** How often superseded versions held decoded go back to text (see LevelStore.#superseded). */
const DEMOTE_INTERVAL_MS = 1000;
/** Table files LevelDB keeps open (and mapped); see openLevelStore. */
const MAX_OPEN_FILES = 64;
/** Below this many values without text at hand, a list stringifies them rather than read disk. */
const FETCH_TEXTS_MIN = 16;

/**
 * Every write carries the revision counter; a group-committed batch of many writes needs only its
 * last one (within a batch the last put of a key wins anyway), and each op costs batch preparation.
 */
export function lastRevisionOnly(ops: BatchOp[]): BatchOp[] {
  let last = -1;
  let count = 0;
  for (let i = 0; i < ops.length; i++) {
    if (ops[i]!.key === META_REVISION) {
      last = i;
      count++;
    }
  }
  return count <= 1 ? ops : ops.filter((op, i) => op.key !== META_REVISION || i === last);
}

export interface LevelStoreStats extends CommitQueueStats {
  keys: number;
  retainedEvents: number;
  watchers: number;
}

/** Open (creating if needed) the store at `opts.path` and load its index and history. */
export async function openLevelStore(opts: LevelStoreOptions): Promise<LevelStore> {
  const db: LevelDb = new Level<string, string>(opts.path, {
    keyEncoding: 'utf8',
    valueEncoding: 'utf8',
    // LevelDB memory-maps every open table file, and the load at open reads them all: with its
    // default of 1,000 open files a large store's whole table set stays resident (hundreds of MB of
    // RSS that reads never need again; every read is served from memory but the load and a large
    // LIST's texts). Closed tables are unmapped.
    maxOpenFiles: MAX_OPEN_FILES,
  });
  await db.open();
  try {
    const state = await loadState(db, opts.decode ?? parseJSON);
    opts.logger?.info(
      { path: opts.path, keys: state.index.size, revision: state.revision, events: state.history.length },
      'storage opened',
    );
    return new LevelStore(db, state.index, state.history, state.revision, opts);
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** A pending (accepted, not yet durable) state of a key; `kv` undefined = deleted. */
interface PendingState {
  kv: StoredKeyValue | undefined;
  revision: Revision;
  /** Settles once the write is durable (or failed); never rejects. */
  settled: Promise<void>;
}

export class LevelStore implements Store {
  readonly #db: LevelDb;
  readonly #log: Logger | undefined;
  readonly #index: KeyIndex;
  readonly #history: EventHistory;
  readonly #decode: Decoder;
  readonly #hub: WatchHub;
  readonly #queue: CommitQueue;
  readonly #pending = new Map<string, PendingState>();
  /** Last revision handed out, durable or not. */
  #lastAssigned: Revision;
  /** Last durable revision: what readers see. */
  #committed: Revision;
  readonly #window: number;
  #timer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;
  /**
   * Versions superseded since the last demotion tick, and those of the tick before: a version goes
   * back to text one to two ticks after a newer one committed, once the watchers have read it.
   */
  #superseded: ValueCell[] = [];
  #supersededBefore: ValueCell[] = [];
  readonly #demoteTimer: NodeJS.Timeout;

  constructor(
    db: LevelDb,
    index: KeyIndex,
    history: EventHistory,
    revision: Revision,
    opts: LevelStoreOptions,
  ) {
    this.#db = db;
    this.#log = opts.logger?.child({ component: 'storage' });
    this.#index = index;
    this.#history = history;
    this.#decode = opts.decode ?? parseJSON;
    this.#lastAssigned = revision;
    this.#committed = revision;
    this.#window = Math.max(1, opts.compactionWindow ?? DEFAULT_COMPACTION_WINDOW);
    this.#hub = new WatchHub(history, opts.maxWatcherBuffer ?? DEFAULT_MAX_WATCHER_BUFFER);
    this.#queue = new CommitQueue((ops) => db.batch(lastRevisionOnly(ops), { sync: true }), this.#log);
    this.#timer = setInterval(
      () => this.#compactWindow(),
      opts.compactionIntervalMs ?? DEFAULT_COMPACTION_INTERVAL_MS,
    );
    this.#timer.unref();
    this.#demoteTimer = setInterval(() => this.#demoteSuperseded(), DEMOTE_INTERVAL_MS);
    this.#demoteTimer.unref();
    // A store reopened after a long run may hold more history than the window: trim it now.
    this.#compactWindow();
  }

  /** Counters for tests and metrics; not part of the Store contract. */
  stats(): LevelStoreStats {
    return {
      ...this.#queue.stats(),
      keys: this.#index.size,
      retainedEvents: this.#history.length,
      watchers: this.#hub.watcherCount,
    };
  }

  currentRevision(): Revision {
    return this.#committed;
  }

  compactedRevision(): Revision {
    return this.#history.compactedRevision();
  }

  async get<T = unknown>(key: string): Promise<KeyValue<T> | undefined> {
    this.#assertOpen();
    return this.#index.get(key) as KeyValue<T> | undefined;
  }

  async list<T = unknown>(prefix: string, opts: ListOptions = {}): Promise<ListResult<T>> {
    this.#assertOpen();
    const revision = opts.revision ?? this.#committed;
    if (revision > this.#committed) throw new FutureRevisionError(revision, this.#committed);
    const compacted = this.#history.compactedRevision();
    if (revision < compacted) throw new RevisionCompactedError(revision, compacted);

    let page: Omit<ListResult, 'revision'>;
    if (revision === this.#committed) {
      page = collectPage(this.#index.scan(prefix, opts.startKey), opts, (from) =>
        this.#index.count(prefix, from),
      );
    } else {
      // The state as of `revision`: current index corrected by the history after it. Paging
      // with a fixed revision therefore sees one consistent snapshot across pages.
      const states = this.#history.stateAt(prefix, revision);
      page = collectPage(scanAsOf(this.#index, states, prefix, opts.startKey), opts, (from) =>
        countAsOf(this.#index, states, prefix, from),
      );
    }
    if (opts.withText) await this.#fetchTexts(page.items);
    if (opts.transient) page.items = page.items.map((kv) => (kv instanceof StoredKeyValue ? new TransientKeyValue(kv) : kv));
    return { ...(page as Omit<ListResult<T>, 'revision'>), revision };
  }

  /**
   * Decoded values keep no text in memory (the text cache holds only recent ones), and encoding a
   * large page would mean stringifying hundreds of objects on the event loop. Their text is on disk,
   * so a page reads it back in one batch (LevelDB works off the main thread) when enough of it is
   * missing. A disk record newer than the listed version (a later write) is skipped.
   */
  async #fetchTexts(items: KeyValue[]): Promise<void> {
    const missing: StoredKeyValue[] = [];
    const at: number[] = [];
    items.forEach((kv, i) => {
      if (kv instanceof StoredKeyValue && !kv.cell.hasText) {
        missing.push(kv);
        at.push(i);
      }
    });
    if (missing.length < FETCH_TEXTS_MIN) return;
    let records: (string | undefined)[];
    try {
      records = await this.#db.getMany(missing.map((kv) => objectKey(kv.key)));
    } catch (err) {
      this.#log?.debug({ err }, 'reading list texts failed; encoding from memory');
      return;
    }
    for (let i = 0; i < missing.length; i++) {
      const record = records[i];
      if (record === undefined) continue;
      const d = decodeObject(record);
      if (d.modRevision === missing[i]!.modRevision) items[at[i]!] = new ListedKeyValue(missing[i]!, d.valueJson);
    }
  }

  count(prefix: string): number {
    this.#assertOpen();
    return this.#index.count(prefix);
  }

  async create<T>(key: string, value: T): Promise<KeyValue<T>> {
    this.#assertWritable();
    if (this.#latest(key)) {
      // as for a lost CAS: report the conflict once the existing key is visible to readers
      const err = new KeyExistsError(key);
      const pending = this.#pending.get(key);
      return pending ? pending.settled.then(() => Promise.reject(err)) : Promise.reject(err);
    }
    return this.#write<T>(key, value, undefined);
  }

  async update<T>(key: string, value: T, expected?: Revision): Promise<KeyValue<T>> {
    this.#assertWritable();
    const prev = this.#checkExpected(key, expected);
    if (prev instanceof Promise) return prev;
    return this.#write<T>(key, value, prev);
  }

  async delete<T = unknown>(key: string, expected?: Revision): Promise<KeyValue<T>> {
    this.#assertWritable();
    const prev = this.#checkExpected(key, expected);
    if (prev instanceof Promise) return prev;
    const revision = ++this.#lastAssigned;
    const event = new StoredEvent('delete', key, revision, prev.createRevision, undefined, prev.cell);
    const entry: HistoryEntry = { event, prevModRevision: prev.modRevision };
    const ops: BatchOp[] = [
      { type: 'del', key: objectKey(key) },
      { type: 'put', key: eventKey(revision), value: encodeEvent(entry, undefined, prev.json) },
      { type: 'put', key: META_REVISION, value: String(revision) },
    ];
    await this.#enqueue(key, undefined, entry, ops);
    return prev as KeyValue<T>;
  }

  watch(prefix: string, opts: WatchOptions): Watch {
    this.#assertOpen();
    return this.#hub.watch(prefix, opts);
  }

  async compact(revision: Revision): Promise<void> {
    this.#assertWritable();
    if (revision > this.#committed) throw new FutureRevisionError(revision, this.#committed);
    const from = this.#history.compactedRevision();
    if (revision <= from) return;
    // Memory first: from here on, watches and lists before `revision` are refused even if the
    // disk part is lost in a crash (then the events merely come back at reopen).
    this.#history.compactThrough(revision);
    const ops: BatchOp[] = [{ type: 'put', key: META_COMPACTED, value: String(revision) }];
    for (let r = from + 1; r <= revision; r++) ops.push({ type: 'del', key: eventKey(r) });
    await this.#queue.enqueue(ops, () => undefined);
    this.#log?.debug({ from, to: revision }, 'compacted event log');
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    clearInterval(this.#timer);
    clearInterval(this.#demoteTimer);
    this.#timer = undefined;
    this.#hub.closeAll();
    await this.#queue.drain();
    await this.#db.close();
    this.#log?.info('storage closed');
  }

  #assertOpen(): void {
    if (this.#closing) throw new StoreClosedError();
  }

  #assertWritable(): void {
    this.#assertOpen();
    if (this.#queue.failure !== undefined) throw this.#queue.failure;
  }

  /** The newest state of `key` including pending writes: what a CAS must compare against. */
  #latest(key: string): StoredKeyValue | undefined {
    const pending = this.#pending.get(key);
    return pending ? pending.kv : this.#index.get(key);
  }

  /**
   * The CAS check, against pending writes. When it fails because of a write readers cannot see
   * yet, the error waits until that write is durable: a caller that re-reads after a conflict
   * (GuaranteedUpdate) then sees the state it lost to instead of spinning on the stale one.
   * Success stays synchronous, so revisions are still decided in call order.
   */
  #checkExpected(key: string, expected: Revision | undefined): StoredKeyValue | Promise<never> {
    const prev = this.#latest(key);
    let err: KeyNotFoundError | ConflictError | undefined;
    if (!prev) err = new KeyNotFoundError(key);
    else if (expected !== undefined && prev.modRevision !== expected) err = new ConflictError(key, expected, prev.modRevision);
    if (err === undefined) return prev!;
    const pending = this.#pending.get(key);
    const failure = err;
    return pending ? pending.settled.then(() => Promise.reject(failure)) : Promise.reject(failure);
  }

  /** Create (prev undefined) or update `key`; runs synchronously up to the enqueue. */
  async #write<T>(key: string, value: T, prev: StoredKeyValue | undefined): Promise<KeyValue<T>> {
    const json = toJson(key, value);
    const revision = ++this.#lastAssigned;
    // Readers get what a reload would produce (decoded from the JSON, frozen), never the
    // caller's object; decoding waits until somebody reads it.
    const cell = new ValueCell(json, this.#decode);
    const kv = new StoredKeyValue(key, cell, prev?.createRevision ?? revision, revision);
    const event = new StoredEvent('put', key, revision, kv.createRevision, cell, prev?.cell);
    const entry: HistoryEntry = { event, prevModRevision: prev?.modRevision ?? 0 };
    const ops: BatchOp[] = [
      { type: 'put', key: objectKey(key), value: encodeObject(kv, json) },
      // the value is the object record's (records.ts): written once
      { type: 'put', key: eventKey(revision), value: encodeEvent(entry, undefined, prev?.json) },
      { type: 'put', key: META_REVISION, value: String(revision) },
    ];
    await this.#enqueue(key, kv, entry, ops);
    return kv as KeyValue<T>;
  }

  #enqueue(key: string, kv: StoredKeyValue | undefined, entry: HistoryEntry, ops: BatchOp[]): Promise<void> {
    const revision = entry.event.revision;
    const durable = this.#queue.enqueue(ops, () => this.#applyDurable(key, kv, entry));
    this.#pending.set(key, { kv, revision, settled: durable.then(noop, noop) });
    return durable;
  }

  /** A write became durable: move it from pending to committed and tell the watchers. */
  #applyDurable(key: string, kv: StoredKeyValue | undefined, entry: HistoryEntry): void {
    const event: StoreEvent = entry.event;
    if (this.#pending.get(key)?.revision === event.revision) this.#pending.delete(key);
    if (kv) this.#index.set(kv);
    else this.#index.delete(key);
    this.#history.append(entry);
    this.#committed = event.revision;
    this.#hub.publish(event);
    if (entry.event.prevCell) this.#superseded.push(entry.event.prevCell);
    this.#log?.trace({ key, revision: event.revision, type: event.type }, 'committed');
  }

  #demoteSuperseded(): void {
    for (const cell of this.#supersededBefore) cell.demote();
    this.#supersededBefore = this.#superseded;
    this.#superseded = [];
  }

  /** Background compaction: keep the newest `compactionWindow` events. */
  #compactWindow(): void {
    const target = this.#committed - this.#window;
    if (target <= this.#history.compactedRevision() || this.#closing) return;
    this.compact(target).catch((err: unknown) => {
      this.#log?.warn({ err, target }, 'background compaction failed');
    });
  }
}
