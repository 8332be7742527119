/**
 * The retained event log in memory: one entry per revision from compactedRevision+1 to the last
 * committed revision, with no holes (every write takes exactly one revision and one event).
 * That makes lookup by revision an array index, which watch replay and list-at-revision use.
 */
import type { KeyValue, Revision, StoreEvent } from '../storage.js';
import type { EventSource } from '../watch-hub.js';
import { StoredKeyValue, type HistoryEntry, type StoredEvent } from './records.js';

export class EventHistory implements EventSource {
  #entries: HistoryEntry[] = [];
  #compacted: Revision;

  constructor(compacted: Revision) {
    this.#compacted = compacted;
  }

  get length(): number {
    return this.#entries.length;
  }

  compactedRevision(): Revision {
    return this.#compacted;
  }

  /** Revision of the newest retained event, or the compacted revision when none is retained. */
  lastRevision(): Revision {
    return this.#compacted + this.#entries.length;
  }

  /** Append the next committed event; revisions must arrive in order, without holes. */
  append(entry: HistoryEntry): void {
    const expected = this.lastRevision() + 1;
    if (entry.event.revision !== expected) {
      throw new Error(`event history out of order: got ${entry.event.revision}, want ${expected}`);
    }
    this.#entries.push(entry);
  }

  entryAt(revision: Revision): HistoryEntry | undefined {
    return this.#entries[revision - this.#compacted - 1];
  }

  eventAt(revision: Revision): StoredEvent | undefined {
    return this.entryAt(revision)?.event;
  }

  /** Forget events at or below `revision`. */
  compactThrough(revision: Revision): void {
    if (revision <= this.#compacted) return;
    const drop = Math.min(revision - this.#compacted, this.#entries.length);
    this.#entries.splice(0, drop);
    this.#compacted = revision;
  }

  /**
   * For every key under `prefix` changed after `revision`, its state as of `revision`: the
   * KeyValue it had then, or null when it did not exist. The first change after `revision`
   * tells: a create means it was absent; otherwise the event's previous value was current.
   * The caller checks that `revision` is not compacted.
   */
  stateAt(prefix: string, revision: Revision): Map<string, KeyValue | null> {
    const states = new Map<string, KeyValue | null>();
    for (let i = revision - this.#compacted; i < this.#entries.length; i++) {
      const { event, prevModRevision } = this.#entries[i]!;
      if (!event.key.startsWith(prefix) || states.has(event.key)) continue;
      if (event.type === 'put' && event.created) {
        states.set(event.key, null);
      } else {
        states.set(event.key, new StoredKeyValue(event.key, event.prevCell!, event.createRevision, prevModRevision));
      }
    }
    return states;
  }
}
