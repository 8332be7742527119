import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RevisionCompactedError,
  StoreClosedError,
  WatcherTooSlowError,
  type Revision,
  type StoreEvent,
  type Watch,
} from './storage.js';
import { WatchHub, resourcePrefixOf, type EventSource } from './watch-hub.js';

/** An in-memory history: publish() appends and fans out, as a backend does on commit. */
class FakeLog implements EventSource {
  events: StoreEvent[] = [];
  compacted = 0;
  readonly hub: WatchHub;

  constructor(maxBuffered = 100) {
    this.hub = new WatchHub(this, maxBuffered);
  }

  compactedRevision(): Revision {
    return this.compacted;
  }

  lastRevision(): Revision {
    return this.compacted + this.events.length;
  }

  eventAt(revision: Revision): StoreEvent | undefined {
    return this.events[revision - this.compacted - 1];
  }

  put(key: string, n = 0): StoreEvent {
    const revision = this.lastRevision() + 1;
    const value = Object.freeze({ n });
    const ev: StoreEvent = Object.freeze({
      type: 'put', key, revision, value, created: true, createRevision: 1,
    });
    this.events.push(ev);
    this.hub.publish(ev);
    return ev;
  }

  compact(revision: Revision): void {
    this.events.splice(0, revision - this.compacted);
    this.compacted = revision;
  }
}

async function take(w: Watch, n: number): Promise<StoreEvent[]> {
  const out: StoreEvent[] = [];
  if (n === 0) return out;
  for await (const ev of w) {
    out.push(ev);
    if (out.length === n) break;
  }
  return out;
}

test('resourcePrefixOf', () => {
  const cases: Array<[string, string | undefined]> = [
    ['/registry/pods/ns/name', '/registry/pods/'],
    ['/registry/pods/', '/registry/pods/'],
    ['/registry/services/specs/ns/a', '/registry/services/'],
    ['/registry/pods', undefined],
    ['/registry/', undefined],
    ['', undefined],
    ['/other/pods/x', undefined],
  ];
  for (const [input, want] of cases) assert.equal(resourcePrefixOf(input), want, input);
});

test('replay then live, filtered by prefix, sharing event objects', async () => {
  const log = new FakeLog();
  const a1 = log.put('/registry/pods/ns/a');
  log.put('/registry/services/specs/ns/a');
  const a2 = log.put('/registry/pods/ns/b');
  const pods = log.hub.watch('/registry/pods/', { afterRevision: 0 });
  const all = log.hub.watch('/registry/', { afterRevision: 1 });
  const everything = log.hub.watch('', { afterRevision: 3 });
  const a3 = log.put('/registry/pods/ns/c');
  const got = await take(pods, 3);
  assert.deepEqual(got, [a1, a2, a3]);
  assert.equal(got[2], a3, 'the same frozen object, not a copy');
  assert.deepEqual((await take(all, 3)).map((e) => e.revision), [2, 3, 4]);
  assert.deepEqual(await take(everything, 1), [a3]);
});

test('fan-out to 1,000 watchers reaches only matching ones', async () => {
  const log = new FakeLog();
  const resources = ['pods', 'services', 'endpoints', 'nodes'];
  const watches = Array.from({ length: 1000 }, (_, i) =>
    log.hub.watch(`/registry/${resources[i % 4]}/ns${i % 10}/`, { afterRevision: 0 }),
  );
  assert.equal(log.hub.watcherCount, 1000);
  log.put('/registry/pods/ns3/x');
  log.put('/registry/services/ns3/x');
  log.put('/registry/pods/ns30/y'); // ns30 must not match watchers of ns3
  const counts = await Promise.all(
    watches.map(async (w, i) => {
      const want = (i % 4 === 0 || i % 4 === 1) && i % 10 === 3 ? 1 : 0;
      const got = await take(w, want);
      w.stop();
      return got.length === want;
    }),
  );
  assert.ok(counts.every(Boolean));
  assert.equal(log.hub.watcherCount, 0, 'stopped watchers are unregistered');
});

test('a future afterRevision skips events up to it', async () => {
  const log = new FakeLog();
  const w = log.hub.watch('/registry/pods/', { afterRevision: 2 });
  log.put('/registry/pods/a');
  log.put('/registry/pods/b');
  const third = log.put('/registry/pods/c');
  assert.deepEqual(await take(w, 1), [third]);
});

test('compaction: refused at start, and while replay is behind', async () => {
  const log = new FakeLog();
  for (let i = 0; i < 5; i++) log.put(`/registry/pods/p${i}`);
  log.compact(2);
  assert.throws(() => log.hub.watch('/registry/pods/', { afterRevision: 1 }), RevisionCompactedError);
  const w = log.hub.watch('/registry/pods/', { afterRevision: 2 });
  const it = w[Symbol.asyncIterator]();
  assert.equal((await it.next()).value?.revision, 3);
  log.compact(4);
  await assert.rejects(it.next(), RevisionCompactedError);
  assert.deepEqual(await it.next(), { value: undefined, done: true });
});

test('slow watcher is dropped at maxBuffered; a waiting one is not', async () => {
  const log = new FakeLog(3);
  const slow = log.hub.watch('/registry/pods/', { afterRevision: 0 });
  const waiting = log.hub.watch('/registry/pods/', { afterRevision: 0 });
  const got = take(waiting, 4);
  for (let i = 0; i < 4; i++) log.put(`/registry/pods/p${i}`);
  // `waiting` took the first event directly and queued 3 (the limit); `slow` queued 4.
  assert.equal(log.hub.watcherCount, 1, 'only the slow watcher was dropped');
  assert.equal((await got).length, 4);
  await assert.rejects(slow[Symbol.asyncIterator]().next(), WatcherTooSlowError);
});

test('a throwing filter ends only its own watch, with that error', async () => {
  const log = new FakeLog();
  const bad = log.hub.watch('/registry/pods/', {
    afterRevision: 0,
    filter: () => {
      throw new Error('boom');
    },
  });
  const good = log.hub.watch('/registry/pods/', { afterRevision: 0 });
  const pending = bad[Symbol.asyncIterator]().next();
  log.put('/registry/pods/a');
  await assert.rejects(pending, /boom/);
  assert.equal((await take(good, 1)).length, 1);
});

test('abort signal, stop and closeAll end watches; closed hub refuses new ones', async () => {
  const log = new FakeLog();
  const pre = new AbortController();
  pre.abort();
  const never = log.hub.watch('/registry/pods/', { afterRevision: 0, signal: pre.signal });
  assert.deepEqual(await take(never, 1), []);
  const ac = new AbortController();
  const aborted = log.hub.watch('/registry/pods/', { afterRevision: 0, signal: ac.signal });
  const pending = take(aborted, 1);
  ac.abort();
  assert.deepEqual(await pending, []);
  const open = log.hub.watch('/registry/', { afterRevision: 0 });
  const pendingOpen = take(open, 1);
  log.hub.closeAll();
  assert.deepEqual(await pendingOpen, []);
  assert.equal(log.hub.watcherCount, 0);
  assert.throws(() => log.hub.watch('/registry/', { afterRevision: 0 }), StoreClosedError);
});

test('watchers sharing a filter key share one evaluation per event; prefixes group watchers', async () => {
  const log = new FakeLog();
  let calls = 0;
  const even = (ev: StoreEvent): boolean => {
    calls++;
    return (ev.value as { n: number }).n % 2 === 0;
  };
  const same = [1, 2, 3].map(() => log.hub.watch('/registry/pods/', { afterRevision: 0, filter: even, filterKey: 'even' }));
  const unkeyed = log.hub.watch('/registry/pods/', { afterRevision: 0, filter: even });
  const ns = log.hub.watch('/registry/pods/b/', { afterRevision: 0, filter: even, filterKey: 'even' });
  const other = log.hub.watch('/registry/pods/c/', { afterRevision: 0 });
  assert.equal(log.hub.watcherCount, 6);
  log.put('/registry/pods/a/x', 1);
  log.put('/registry/pods/b/y', 2);
  log.put('/registry/pods/a/z', 4);
  // per event: one keyed evaluation (shared by the three and the namespace watcher) + the unkeyed one
  assert.equal(calls, 6);
  for (const w of [...same, unkeyed]) assert.deepEqual((await take(w, 2)).map((e) => e.key), ['/registry/pods/b/y', '/registry/pods/a/z']);
  assert.deepEqual((await take(ns, 1)).map((e) => e.key), ['/registry/pods/b/y']);
  log.put('/registry/pods/c/q', 3);
  assert.deepEqual((await take(other, 1)).map((e) => e.key), ['/registry/pods/c/q']);
  for (const w of [...same, unkeyed, ns, other]) w.stop();
  assert.equal(log.hub.watcherCount, 0);
});
