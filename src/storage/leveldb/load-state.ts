/**
 * Rebuilds the in-memory index and event history from disk at open. This is the restart path
 * of the watch cache, so it streams each range in large chunks and keeps every distinct value
 * once, as text: an event's value is the object's current value when it is the latest write,
 * and its prevValue is the value of the key's previous event when that is retained.
 */
import type { Level } from 'level';
import type { Revision } from '../storage.js';
import { EventHistory } from './event-history.js';
import { KeyIndex } from './key-index.js';
import {
  EVENT_PREFIX,
  META_COMPACTED,
  META_REVISION,
  OBJECT_PREFIX,
  decodeEvent,
  decodeObjectHeader,
  decodeRevision,
  eventKey,
  prefixEnd,
  StoredEvent,
  StoredKeyValue,
  ValueCell,
  type Decoder,
} from './records.js';

export type LevelDb = Level<string, string>;

export interface LoadedState {
  index: KeyIndex;
  history: EventHistory;
  /** The last durable revision. */
  revision: Revision;
}

const CHUNK = 2048;

/** The records of a range in key order, a chunk at a time. */
async function* scanChunks<V extends string | Buffer>(db: LevelDb, gt: string, lt: string, valueEncoding: 'utf8' | 'buffer'): AsyncGenerator<[string, V][]> {
  const it = db.iterator<string, V>({ gt, lt, valueEncoding });
  // Fetch the next chunk while this one is parsed: reading and parsing then overlap.
  let next = it.nextv(CHUNK);
  try {
    for (;;) {
      const chunk = await next;
      if (chunk.length === 0) return;
      next = it.nextv(CHUNK);
      yield chunk;
    }
  } finally {
    // When the consumer stopped early, a read may still be in flight: settle it before closing.
    await next.catch(() => undefined);
    await it.close();
  }
}

async function* scanRange(db: LevelDb, gt: string, lt: string): AsyncGenerator<[string, string]> {
  for await (const chunk of scanChunks<string>(db, gt, lt, 'utf8')) yield* chunk;
}

/**
 * The loaded objects' texts are kept in regions of at least this size (but the last), outside the
 * JS heap: the C allocator always maps a block this large on its own (32 MiB is glibc's largest
 * mmap threshold), so a region freed goes straight back to the OS.
 */
const TEXT_REGION_BYTES = 32 * 2 ** 20;
const NEWLINE = 0x0a;

export async function loadState(db: LevelDb, decode: Decoder): Promise<LoadedState> {
  const revisionRecord = await db.get(META_REVISION);
  const compactedRecord = await db.get(META_COMPACTED);
  let revision = decodeRevision(revisionRecord);
  const compacted = decodeRevision(compactedRecord);

  // Values stay JSON text (cells) until read: loading is reading text, not parsing it. The texts
  // share large buffers (see TextBytes and TEXT_REGION_BYTES); once all of a region's values have
  // been decoded (the controllers' informers decode most objects soon after a restart) the region
  // is freed whole.
  const index = new KeyIndex();
  let pending: [string, Buffer][] = [];
  let pendingBytes = 0;
  const flush = (): void => {
    const buf = Buffer.concat(pending.map(([, record]) => record), pendingBytes);
    let at = 0;
    for (const [k, record] of pending) {
      // the header is JSON of two numbers, and no byte of a multi-byte UTF-8 character is a newline
      const nl = record.indexOf(NEWLINE);
      const header = decodeObjectHeader(record.toString('latin1', 0, nl));
      const cell = new ValueCell({ buf, start: at + nl + 1, end: at + record.length }, decode);
      at += record.length;
      index.set(new StoredKeyValue(k.slice(OBJECT_PREFIX.length), cell, header.createRevision, header.modRevision));
    }
    pending = [];
    pendingBytes = 0;
  };
  for await (const chunk of scanChunks<Buffer>(db, OBJECT_PREFIX, prefixEnd(OBJECT_PREFIX)!, 'buffer')) {
    for (const entry of chunk) {
      pending.push(entry);
      pendingBytes += entry[1].length;
    }
    if (pendingBytes >= TEXT_REGION_BYTES) flush();
  }
  if (pending.length > 0) flush();

  const history = new EventHistory(compacted);
  // A put's record carries no value (see records.ts): it is the object's current value when this
  // is the key's latest write, else the previous value the key's next event carries. Until that
  // event is read, the put's cell waits here.
  const awaiting = new Map<string, ValueCell>();
  for await (const [k, record] of scanRange(db, eventKey(compacted), prefixEnd(EVENT_PREFIX)!)) {
    const rev = Number(k.slice(EVENT_PREFIX.length));
    const d = decodeEvent(record);
    // an event shares its prevValue with the key's previous event when that is retained (whose
    // value it carries, when that waits), and its value with the index when it is the key's latest
    // write
    let prev: ValueCell | undefined;
    if (d.prevJson !== undefined) {
      prev = history.eventAt(d.prevModRevision)?.valueCell;
      if (prev !== undefined && awaiting.get(d.key) === prev) {
        prev.provideText(d.prevJson);
        awaiting.delete(d.key);
      }
      prev ??= new ValueCell(d.prevJson, decode);
    }
    let value: ValueCell | undefined;
    if (d.type === 'put') {
      const current = index.get(d.key) as StoredKeyValue | undefined;
      if (current?.modRevision === rev) value = current.cell;
      else if (d.valueJson !== undefined) value = new ValueCell(d.valueJson, decode); // written before values were left out
      else awaiting.set(d.key, (value = ValueCell.awaitingText(decode)));
    }
    const event = new StoredEvent(d.type, d.key, rev, d.createRevision, value, prev);
    // append() rejects a hole in the log: that would be corruption, not something to paper over.
    history.append({ event, prevModRevision: d.prevModRevision });
  }

  if (awaiting.size > 0) {
    throw new Error(`corrupt event log: no later event carries the value of ${awaiting.size} put(s), e.g. ${awaiting.keys().next().value as string}`);
  }
  // The counter and the last event are written in the same batch, so they agree; take the max
  // anyway so a revision is never reused.
  revision = Math.max(revision, history.lastRevision());
  // Without the events up to `revision` nothing can replay from before it.
  if (history.lastRevision() < revision) history.compactThrough(revision);
  return { index, history, revision };
}
