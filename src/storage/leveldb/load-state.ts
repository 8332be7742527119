/**
 * Rebuilds the in-memory index and event history from disk at open. This is the restart path
 * of the watch cache, so it streams each range in large chunks and parses every distinct value
 * once: an event's value is the object's current value when it is the latest write, and its
 * prevValue is the value of the key's previous event when that is retained.
 */
import type { Level } from 'level';
import type { KeyValue, Revision } from '../storage.js';
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
  frozenFromJson,
  makeEvent,
  prefixEnd,
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

export async function loadState(db: LevelDb): Promise<LoadedState> {
  const revisionRecord = await db.get(META_REVISION);
  const compactedRecord = await db.get(META_COMPACTED);
  let revision = decodeRevision(revisionRecord);
  const compacted = decodeRevision(compactedRecord);

  const index = new KeyIndex();
  for await (const [k, record] of scanRange(db, OBJECT_PREFIX, prefixEnd(OBJECT_PREFIX)!)) {
    const d = decodeObject(record);
    const kv: KeyValue = {
      key: k.slice(OBJECT_PREFIX.length),
      value: frozenFromJson(d.valueJson, false),
      createRevision: d.createRevision,
      modRevision: d.modRevision,
    };
    index.set(Object.freeze(kv));
  }

  const history = new EventHistory(compacted);
  for await (const [k, record] of scanRange(db, eventKey(compacted), prefixEnd(EVENT_PREFIX)!)) {
    const rev = Number(k.slice(EVENT_PREFIX.length));
    const d = decodeEvent(record);
    let value: unknown;
    if (d.type === 'put') {
      const current = index.get(d.key);
      value = current?.modRevision === rev ? current.value : frozenFromJson(d.valueJson ?? 'null', false);
    }
    let prevValue: unknown;
    if (d.prevJson !== undefined) {
      prevValue = history.eventAt(d.prevModRevision)?.value ?? frozenFromJson(d.prevJson, false);
    }
    const event = makeEvent(d.type, d.key, rev, d.createRevision, value, prevValue);
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
