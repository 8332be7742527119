/**
 * The API watch of one resource: store events → ADDED / MODIFIED / DELETED for the selection,
 * as kube's cacher does it. Selectors are applied to the old and the new object, so an object
 * that leaves the selection is a DELETED for this watcher and one that enters it an ADDED.
 */
import type { KObject, WatchEvent } from '../apimachinery/meta.js';
import { expired } from '../apimachinery/status.js';
import { RevisionCompactedError, WatcherTooSlowError } from '../storage/storage.js';
import type { Revision, Store, StoreEvent } from '../storage/storage.js';
import type { SelectorOptions } from './filter.js';
import type { ResourceStore } from './store.js';
import { parseResourceVersion } from './keys.js';
import { withResourceVersion } from './object-meta.js';
import { encodeStored } from './encoding.js';
import { rememberJSON } from '../storage/json-cache.js';

export interface WatchRequest extends SelectorOptions {
  resourceVersion?: string;
}

export interface ResourceWatch extends AsyncIterable<WatchEvent> {
  /** Every event up to this revision has been delivered (safe for a BOOKMARK). */
  readonly lastRevision: Revision;
  stop(): void;
}

const SERVED = new WeakMap<StoreEvent, KObject>();

// per-watcher buffer before a stalled client is cut off (it re-watches from its last RV)
const MAX_WATCHER_BUFFER = 10_000;

export function watchResource(rs: ResourceStore, store: Store, namespace: string | undefined, req: WatchRequest): ResourceWatch {
  const filter = rs.filterFor(req);
  const prefix = filter.narrowPrefix(rs.prefix(namespace));
  const abort = new AbortController();
  let lastRevision: Revision = 0;
  const initial = req.resourceVersion === undefined || req.resourceVersion === '' || req.resourceVersion === '0';
  // parsed up front so a malformed RV is a plain 400, not an event in the stream
  const fromRevision = initial ? 0 : parseResourceVersion(req.resourceVersion as string);

  async function* events(): AsyncGenerator<WatchEvent> {
    let start: Revision;
    if (initial) {
      // as kube: RV 0 or none = the current state as synthetic ADDED events, then changes
      const listed = await store.list<KObject>(prefix, { filter: filter.acceptsKeyValue });
      start = listed.revision;
      for (const kv of listed.items) yield { type: 'ADDED', object: rs.present(kv) };
    } else {
      start = fromRevision;
    }
    lastRevision = start;
    let w;
    try {
      // as kube's cacher: the selector is tested when the event is dispatched, so a watcher only
      // queues (and wakes up for) the events that concern it
      w = store.watch(prefix, {
        afterRevision: start,
        signal: abort.signal,
        maxBuffered: MAX_WATCHER_BUFFER,
        ...(filter.isEverything ? {} : { filter: concerns, filterKey: `${req.labelSelector ?? ''}\u0000${req.fieldSelector ?? ''}` }),
      });
    } catch (err) {
      if (err instanceof RevisionCompactedError) {
        yield { type: 'ERROR', object: expired(`too old resource version: ${start} (${err.compacted + 1})`).status as unknown as KObject };
        return;
      }
      throw err;
    }
    try {
      for await (const ev of w) {
        lastRevision = ev.revision;
        const out = translate(ev);
        if (out) yield out;
      }
    } catch (err) {
      // a watcher that fell too far behind is closed; the client re-watches from its last RV
      if (err instanceof WatcherTooSlowError) return;
      throw err;
    } finally {
      w.stop();
    }
  }

  /** The event enters, stays in or leaves the selection. */
  function concerns(ev: StoreEvent): boolean {
    const cur = ev.value as KObject | undefined;
    if (cur !== undefined && filter.matches(cur)) return true;
    const prev = ev.prevValue as KObject | undefined;
    return prev !== undefined && filter.matches(prev);
  }

  function translate(ev: StoreEvent): WatchEvent | undefined {
    // every watcher of an event shares one served object
    let served = SERVED.get(ev);
    if (!served) {
      const base = (ev.type === 'delete' ? ev.prevValue : ev.value) as KObject;
      served = Object.freeze(withResourceVersion(base, ev.revision));
      // its text: the stored text with the resourceVersion spliced in, not a fresh stringify
      rememberJSON(served, encodeStored({ key: ev.key, value: base, createRevision: ev.createRevision, modRevision: ev.revision }));
      SERVED.set(ev, served);
    }
    let curMatches: boolean;
    let prevMatches: boolean;
    if (filter.isEverything) {
      // no selector: nothing to test, and an old version need not even be decoded
      curMatches = ev.type === 'put';
      prevMatches = ev.type === 'delete' || !ev.created;
    } else {
      const cur = ev.value as KObject | undefined;
      const prev = ev.prevValue as KObject | undefined;
      curMatches = cur !== undefined && filter.matches(cur);
      prevMatches = prev !== undefined && filter.matches(prev);
    }
    if (ev.type === 'delete') {
      return prevMatches ? { type: 'DELETED', object: served } : undefined;
    }
    const obj = served;
    if (curMatches && prevMatches) return { type: 'MODIFIED', object: obj };
    if (curMatches) return { type: 'ADDED', object: obj };
    if (prevMatches) return { type: 'DELETED', object: obj };
    return undefined;
  }

  const iterable = events();
  return {
    get lastRevision() {
      return lastRevision;
    },
    stop() {
      abort.abort();
      void iterable.return(undefined);
    },
    [Symbol.asyncIterator]: () => iterable,
  };
}
