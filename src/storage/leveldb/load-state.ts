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
  decodeObject,
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

async function* scanRange(db: LevelDb, gt: string, lt: string): AsyncGenerator<[string, string]> {
  const it = db.iterator({ gt, lt });
  // Fetch the next chunk while this one is parsed: reading and parsing then overlap.
  let next = it.nextv(CHUNK);
  try {
    for (;;) {
      const chunk = await next;
      if (chunk.length === 0) return;
      next = it.nextv(CHUNK);
      yield* chunk;
    }
  } finally {
    // When the consumer stopped early, a read may still be in flight: settle it before closing.
    await next.catch(() => undefined);
    await it.close();
  }
}

export async function loadState(db: LevelDb, decode: Decoder): Promise<LoadedState> {
  const revisionRecord = await db.get(META_REVISION);
  const compactedRecord = await db.get(META_COMPACTED);
  let revision = decodeRevision(revisionRecord);
  const compacted = decodeRevision(compactedRecord);

  // Values stay JSON text (cells) until read: loading is reading strings, not parsing them.
  const index = new KeyIndex();
  for await (const [k, record] of scanRange(db, OBJECT_PREFIX, prefixEnd(OBJECT_PREFIX)!)) {
    const d = decodeObject(record);
    const key = k.slice(OBJECT_PREFIX.length);
    index.set(new StoredKeyValue(key, new ValueCell(d.valueJson, decode), d.createRevision, d.modRevision));
  }

  const history = new EventHistory(compacted);
  for await (const [k, record] of scanRange(db, eventKey(compacted), prefixEnd(EVENT_PREFIX)!)) {
    const rev = Number(k.slice(EVENT_PREFIX.length));
    const d = decodeEvent(record);
    // an event shares its value with the index when it is the key's latest write, and its
    // prevValue with the key's previous event when that is retained
    let value: ValueCell | undefined;
    if (d.type === 'put') {
      const current = index.get(d.key) as StoredKeyValue | undefined;
      value = current?.modRevision === rev ? current.cell : new ValueCell(d.valueJson ?? 'null', decode);
    }
    let prev: ValueCell | undefined;
    if (d.prevJson !== undefined) {
      prev = history.eventAt(d.prevModRevision)?.valueCell ?? new ValueCell(d.prevJson, decode);
    }
    const event = new StoredEvent(d.type, d.key, rev, d.createRevision, value, prev);
    // append() rejects a hole in the log: that would be corruption, not something to paper over.
    history.append({ event, prevModRevision: d.prevModRevision });
  }

  // The counter and the last event are written in the same batch, so they agree; take the max
  // anyway so a revision is never reused.
  revision = Math.max(revision, history.lastRevision());
  // Without the events up to `revision` nothing can replay from before it.
  if (history.lastRevision() < revision) history.compactThrough(revision);
  return { index, history, revision };
}
