/**
 * On-disk layout of the LevelDB store. Everything lives in one keyspace, split by a short tag so
 * each kind of record is one contiguous range that can be scanned at open:
 *
 *   o:<key>        the object: header line `{"c":createRevision,"m":modRevision}` then its JSON
 *   e:<revision>   the event log, revision zero-padded so lexical order is revision order:
 *                  header line `{"t","k","c","pm"}`, then the value JSON, then the prevValue JSON
 *                  (an empty line when absent). A put leaves its value out: it is the object
 *                  record's while the put is the key's latest write, and the prevValue of the
 *                  key's next event after that (a retained event's next one is retained too), so
 *                  each write stores its value once. Records written with the value still load.
 *   m:revision     the last revision written (the counter that must never go backwards)
 *   m:compacted    events at or below this revision are gone
 *
 * Records are header + newline-separated JSON, not one JSON document, so that loading can parse
 * the small header alone and share value objects it already holds instead of parsing them again
 * (JSON.stringify never emits a raw newline, so the split is unambiguous).
 */
import { cachedJSON, peekJSON, rememberJSON } from '../json-cache.js';
import type { KeyValue, Revision, StoreEvent, StoreEventType } from '../storage.js';

export const OBJECT_PREFIX = 'o:';
export const EVENT_PREFIX = 'e:';
export const META_REVISION = 'm:revision';
export const META_COMPACTED = 'm:compacted';

/** Wide enough for 2^53: revisions are JS numbers. */
const REVISION_WIDTH = 16;

/** A single operation of a LevelDB batch, independent of level's own generic types. */
export type BatchOp = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

/** One event as kept in memory: the delivered event plus what `list` at an old revision needs. */
export interface HistoryEntry {
  readonly event: StoredEvent;
  /** modRevision of the key before this event; 0 when the event created the key. */
  readonly prevModRevision: Revision;
}

export function objectKey(key: string): string {
  return OBJECT_PREFIX + key;
}

export function eventKey(revision: Revision): string {
  return EVENT_PREFIX + String(revision).padStart(REVISION_WIDTH, '0');
}

/**
 * The first key after every key that starts with `prefix` (exclusive upper bound of a scan);
 * undefined for the empty prefix, which has no upper bound.
 */
export function prefixEnd(prefix: string): string | undefined {
  if (prefix === '') return undefined;
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

export function encodeObject(kv: KeyValue, valueJson: string): string {
  return `${JSON.stringify({ c: kv.createRevision, m: kv.modRevision })}\n${valueJson}`;
}

export interface DecodedObject {
  createRevision: Revision;
  modRevision: Revision;
  valueJson: string;
}

/** An object record's header line (without the newline). */
export function decodeObjectHeader(header: string): { createRevision: Revision; modRevision: Revision } {
  const h = JSON.parse(header) as { c: number; m: number };
  return { createRevision: h.c, modRevision: h.m };
}

export function decodeObject(record: string): DecodedObject {
  const nl = record.indexOf('\n');
  return { ...decodeObjectHeader(record.slice(0, nl)), valueJson: record.slice(nl + 1) };
}

export function encodeEvent(
  entry: HistoryEntry,
  valueJson: string | undefined,
  prevJson: string | undefined,
): string {
  const { event } = entry;
  const header = JSON.stringify({
    t: event.type,
    k: event.key,
    c: event.createRevision,
    pm: entry.prevModRevision,
  });
  return `${header}\n${valueJson ?? ''}\n${prevJson ?? ''}`;
}

export interface DecodedEvent {
  type: StoreEventType;
  key: string;
  createRevision: Revision;
  prevModRevision: Revision;
  valueJson: string | undefined;
  prevJson: string | undefined;
}

export function decodeEvent(record: string): DecodedEvent {
  const first = record.indexOf('\n');
  const second = record.indexOf('\n', first + 1);
  const header = JSON.parse(record.slice(0, first)) as {
    t: StoreEventType;
    k: string;
    c: number;
    pm: number;
  };
  const valueJson = record.slice(first + 1, second);
  const prevJson = record.slice(second + 1);
  return {
    type: header.t,
    key: header.k,
    createRevision: header.c,
    prevModRevision: header.pm,
    valueJson: valueJson === '' ? undefined : valueJson,
    prevJson: prevJson === '' ? undefined : prevJson,
  };
}

/** Parse a revision counter record; absent means a fresh store. */
export function decodeRevision(record: string | undefined): Revision {
  if (record === undefined) return 0;
  const n = Number(record);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`corrupt revision record: ${record}`);
  return n;
}

/**
 * Freeze a freshly parsed JSON value and everything under it. Values are shared by every reader
 * and the watch cache, so a caller that mutates one would corrupt them all.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
    } else {
      for (const k in value) deepFreeze(value[k]);
    }
  }
  return value;
}

/** Serialize a value to store; rejects what JSON cannot represent at the top level. */
export function toJson(key: string, value: unknown): string {
  const json = cachedJSON(value);
  if (json === undefined) throw new TypeError(`value for ${key} is not JSON-serializable`);
  return json;
}

/** Turns stored JSON text into a value (JSON.parse, or one that also shares common subtrees). */
export type Decoder = (json: string) => unknown;

export const parseJSON: Decoder = (json) => JSON.parse(json) as unknown;

/**
 * A value's UTF-8 JSON inside a larger buffer, outside the JS heap. The values read back at open
 * share large buffers: once every value of one has been decoded the buffer is freed whole. As
 * hundreds of thousands of strings, the texts decoded after a restart (~0.8 GB at 150k pods) would
 * become garbage scattered over V8's old space, which V8 keeps committed.
 */
export interface TextBytes {
  readonly buf: Buffer;
  readonly start: number;
  readonly end: number;
}

function textOf(src: string | TextBytes): string {
  return typeof src === 'string' ? src : src.buf.toString('utf8', src.start, src.end);
}

/**
 * One stored version of a value: its JSON text until somebody reads it, then the decoded, deeply
 * frozen value (the text then lives on only in the bounded text cache). Loading a large store is
 * therefore reading strings, and values nobody asks for (old versions in the event history,
 * objects no controller watches) never cost a parse.
 */
export class ValueCell {
  #json: string | TextBytes | undefined;
  #value: unknown;
  readonly #decode: Decoder;

  constructor(json: string | TextBytes, decode: Decoder) {
    this.#json = json;
    this.#decode = decode;
  }

  /** A cell whose text comes later (provideText), while the store loads; never read before. */
  static awaitingText(decode: Decoder): ValueCell {
    return new ValueCell('', decode);
  }

  provideText(json: string): void {
    this.#json = json;
  }

  get value(): unknown {
    const src = this.#json;
    if (src !== undefined) {
      const json = textOf(src);
      this.#value = deepFreeze(this.#decode(json));
      this.#json = undefined;
      rememberJSON(this.#value, json);
    }
    return this.#value;
  }

  get json(): string {
    const src = this.#json;
    return src !== undefined ? textOf(src) : (cachedJSON(this.#value) as string);
  }

  /**
   * Back to text, when the text is at hand: for a superseded version, which only the event history
   * still holds and few will read again (a later read decodes it anew).
   */
  demote(): void {
    if (this.#json !== undefined) return;
    const text = peekJSON(this.#value);
    if (text === undefined) return;
    this.#json = text;
    this.#value = undefined;
  }

  /** The value for one read: decoded (and frozen) without keeping the result when not decoded yet. */
  peek(): unknown {
    const src = this.#json;
    return src !== undefined ? deepFreeze(this.#decode(textOf(src))) : this.#value;
  }

  /** Whether the text is at hand (still undecoded, or in the text cache): `json` then computes nothing. */
  get hasText(): boolean {
    return this.#json !== undefined || peekJSON(this.#value) !== undefined;
  }
}

/** A committed key-value whose value is read through its cell. Frozen; the cell decodes once. */
export class StoredKeyValue implements KeyValue {
  readonly key: string;
  readonly createRevision: Revision;
  readonly modRevision: Revision;
  readonly cell: ValueCell;

  constructor(key: string, cell: ValueCell, createRevision: Revision, modRevision: Revision) {
    this.key = key;
    this.cell = cell;
    this.createRevision = createRevision;
    this.modRevision = modRevision;
    Object.freeze(this);
  }

  get value(): unknown {
    return this.cell.value;
  }

  get json(): string {
    return this.cell.json;
  }
}

/** A key-value listed for one reader, over the stored one: same key and revisions. */
abstract class ListedView implements KeyValue {
  protected readonly stored: StoredKeyValue;

  constructor(kv: StoredKeyValue) {
    this.stored = kv;
  }

  get key(): string {
    return this.stored.key;
  }

  get createRevision(): Revision {
    return this.stored.createRevision;
  }

  get modRevision(): Revision {
    return this.stored.modRevision;
  }

  abstract get value(): unknown;
}

/** A listed key-value with its text read back from disk; the value is still the shared one. */
export class ListedKeyValue extends ListedView {
  readonly json: string;

  constructor(kv: StoredKeyValue, json: string) {
    super(kv);
    this.json = json;
    Object.freeze(this);
  }

  get value(): unknown {
    return this.stored.value;
  }
}

/** A listed key-value read once (ListOptions.transient): its value is decoded for this reader only. */
export class TransientKeyValue extends ListedView {
  #value: unknown;

  get json(): string {
    return this.stored.json;
  }

  get value(): unknown {
    return (this.#value ??= this.stored.cell.peek());
  }
}

/** A committed event whose value and previous value are cells shared with the index and history. */
export class StoredEvent implements StoreEvent {
  readonly type: StoreEventType;
  readonly key: string;
  readonly revision: Revision;
  readonly created: boolean;
  readonly createRevision: Revision;
  readonly valueCell: ValueCell | undefined;
  readonly prevCell: ValueCell | undefined;

  constructor(
    type: StoreEventType,
    key: string,
    revision: Revision,
    createRevision: Revision,
    valueCell: ValueCell | undefined,
    prevCell: ValueCell | undefined,
  ) {
    this.type = type;
    this.key = key;
    this.revision = revision;
    this.createRevision = createRevision;
    this.valueCell = valueCell;
    this.prevCell = prevCell;
    this.created = type === 'put' && prevCell === undefined;
    Object.freeze(this);
  }

  get value(): unknown {
    return this.valueCell?.value;
  }

  get prevValue(): unknown {
    return this.prevCell?.value;
  }
}
