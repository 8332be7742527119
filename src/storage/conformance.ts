/**
 * The storage conformance suite: every `Store` backend runs it (as k8s.io/apiserver's
 * storage/testing does for etcd3 and the cacher). Each test opens a fresh, empty store.
 */
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConflictError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionCompactedError,
  StoreClosedError,
  WatcherTooSlowError,
  type KeyValue,
  type Store,
  type StoreEvent,
  type Watch,
} from './storage.js';

interface Pod {
  name: string;
  n: number;
  spec?: { labels: Record<string, string> };
}

const PODS = '/registry/pods/';
const podKey = (ns: string, name: string): string => `${PODS}${ns}/${name}`;

/** Read exactly `n` events; a safety timer stops the watch so a bug fails instead of hanging. */
async function take(watch: Watch, n: number, timeoutMs = 10_000): Promise<StoreEvent[]> {
  const events: StoreEvent[] = [];
  if (n === 0) return events;
  const timer = setTimeout(() => watch.stop(), timeoutMs);
  try {
    for await (const ev of watch) {
      events.push(ev);
      if (events.length >= n) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return events;
}

const revisionsOf = (events: StoreEvent[]): number[] => events.map((e) => e.revision);
/** The event's fields as the contract names them (a backend may serve them through getters). */
const fieldsOf = (e: StoreEvent): Record<string, unknown> => {
  const out: Record<string, unknown> = { type: e.type, key: e.key, revision: e.revision, created: e.created, createRevision: e.createRevision };
  if (e.value !== undefined) out.value = e.value;
  if (e.prevValue !== undefined) out.prevValue = e.prevValue;
  return out;
};
const keysOf = (items: KeyValue[]): string[] => items.map((kv) => kv.key);
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

export function runStorageConformance(name: string, open: () => Promise<Store>): void {
  async function fresh(t: TestContext): Promise<Store> {
    const store = await open();
    t.after(() => store.close());
    return store;
  }

  describe(`storage conformance: ${name}`, () => {
    test('create, get, and frozen shared values', async (t) => {
      const store = await fresh(t);
      const input: Pod = { name: 'a', n: 1, spec: { labels: { app: 'web' } } };
      const created = await store.create(podKey('ns', 'a'), input);
      assert.ok(created.modRevision >= 1);
      assert.equal(created.createRevision, created.modRevision);
      assert.equal(store.currentRevision(), created.modRevision);
      assert.deepEqual(created.value, input);
      assert.equal(Object.isFrozen(input), false, 'the caller keeps a mutable object');

      const got = await store.get<Pod>(podKey('ns', 'a'));
      assert.deepEqual(got, created);
      assert.ok(Object.isFrozen(got!.value) && Object.isFrozen(got!.value.spec!.labels));
      assert.equal(await store.get(podKey('ns', 'missing')), undefined);
    });

    test('create of an existing key throws KeyExistsError', async (t) => {
      const store = await fresh(t);
      await store.create(podKey('ns', 'a'), { name: 'a', n: 1 });
      const before = store.currentRevision();
      await assert.rejects(store.create(podKey('ns', 'a'), { name: 'a', n: 2 }), KeyExistsError);
      assert.equal(store.currentRevision(), before, 'a failed write takes no revision');
    });

    test('concurrent creates of one key: exactly one wins', async (t) => {
      const store = await fresh(t);
      const results = await Promise.allSettled(
        range(1, 4).map((n) => store.create(podKey('ns', 'a'), { name: 'a', n })),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      assert.ok(results.every((r) => r.status === 'fulfilled' || r.reason instanceof KeyExistsError));
    });

    test('update is a CAS on modRevision', async (t) => {
      const store = await fresh(t);
      const key = podKey('ns', 'a');
      const v1 = await store.create<Pod>(key, { name: 'a', n: 1 });
      const v2 = await store.update<Pod>(key, { name: 'a', n: 2 }, v1.modRevision);
      assert.equal(v2.createRevision, v1.createRevision);
      assert.ok(v2.modRevision > v1.modRevision);
      const err = await store
        .update(key, { name: 'a', n: 3 }, v1.modRevision)
        .catch((e: unknown) => e);
      assert.ok(err instanceof ConflictError);
      assert.equal(err.expected, v1.modRevision);
      assert.equal(err.actual, v2.modRevision);
      const v3 = await store.update<Pod>(key, { name: 'a', n: 4 });
      assert.equal(v3.value.n, 4, 'no expected revision = unconditional');
      await assert.rejects(store.update(podKey('ns', 'nope'), { name: 'x', n: 0 }), KeyNotFoundError);
    });

    test('delete returns the last state and is guarded like update', async (t) => {
      const store = await fresh(t);
      const key = podKey('ns', 'a');
      const v1 = await store.create<Pod>(key, { name: 'a', n: 1 });
      const v2 = await store.update<Pod>(key, { name: 'a', n: 2 });
      await assert.rejects(store.delete(key, v1.modRevision), ConflictError);
      const deleted = await store.delete<Pod>(key, v2.modRevision);
      assert.deepEqual(deleted, v2);
      assert.equal(store.currentRevision(), v2.modRevision + 1);
      assert.equal(await store.get(key), undefined);
      await assert.rejects(store.delete(key), KeyNotFoundError);
    });

    test('concurrent updates with the same expected revision: exactly one wins', async (t) => {
      const store = await fresh(t);
      const key = podKey('ns', 'a');
      const v1 = await store.create<Pod>(key, { name: 'a', n: 0 });
      const results = await Promise.allSettled(
        range(1, 8).map((n) => store.update(key, { name: 'a', n }, v1.modRevision)),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      assert.equal(won.length, 1);
      assert.ok(lost.every((r) => r.reason instanceof ConflictError));
      const got = await store.get<Pod>(key);
      assert.deepEqual(got, (won[0] as PromiseFulfilledResult<KeyValue>).value);
    });

    test('every write takes the next revision', async (t) => {
      const store = await fresh(t);
      const start = store.currentRevision();
      const revs: number[] = [];
      for (let i = 0; i < 5; i++) {
        revs.push((await store.create(podKey('ns', `p${i}`), { name: `p${i}`, n: i })).modRevision);
      }
      revs.push((await store.update(podKey('ns', 'p0'), { name: 'p0', n: 9 })).modRevision);
      await store.delete(podKey('ns', 'p1'));
      revs.push(store.currentRevision());
      // Concurrent writes are numbered too, without holes or repeats.
      const concurrent = await Promise.all(
        range(10, 19).map((i) => store.create(podKey('ns', `p${i}`), { name: `p${i}`, n: i })),
      );
      revs.push(...concurrent.map((kv) => kv.modRevision).sort((a, b) => a - b));
      assert.deepEqual(revs, range(start + 1, start + 17));
      assert.equal(store.currentRevision(), start + 17);
    });

    test('list by prefix, in key order, with paging and filter', async (t) => {
      const store = await fresh(t);
      const names = ['e', 'a', 'd', 'b', 'c'];
      for (const [i, n] of names.entries()) await store.create(podKey('ns1', n), { name: n, n: i });
      await store.create(podKey('ns2', 'z'), { name: 'z', n: 9 });
      await store.create('/registry/podsx/ns1/a', { name: 'x', n: 0 });
      await store.create('/registry/services/specs/ns1/a', { name: 's', n: 0 });

      const all = await store.list(`${PODS}ns1/`);
      assert.deepEqual(keysOf(all.items), ['a', 'b', 'c', 'd', 'e'].map((n) => podKey('ns1', n)));
      assert.equal(all.revision, store.currentRevision());
      assert.equal(all.nextKey, undefined);
      assert.equal((await store.list(PODS)).items.length, 6);
      assert.equal(store.count(PODS), 6);
      assert.equal(store.count(`${PODS}ns1/`), 5);
      assert.equal(store.count('/registry/'), 8);

      const page1 = await store.list(`${PODS}ns1/`, { limit: 2 });
      assert.deepEqual(keysOf(page1.items), [podKey('ns1', 'a'), podKey('ns1', 'b')]);
      assert.equal(page1.nextKey, podKey('ns1', 'c'));
      assert.equal(page1.remaining, 3);
      const page2 = await store.list(`${PODS}ns1/`, { limit: 2, startKey: page1.nextKey });
      assert.deepEqual(keysOf(page2.items), [podKey('ns1', 'c'), podKey('ns1', 'd')]);
      const page3 = await store.list(`${PODS}ns1/`, { limit: 2, startKey: page2.nextKey });
      assert.deepEqual(keysOf(page3.items), [podKey('ns1', 'e')]);
      assert.equal(page3.nextKey, undefined);

      const odd = await store.list<Pod>(`${PODS}ns1/`, {
        filter: (kv) => (kv.value as Pod).n % 2 === 1,
        limit: 1,
      });
      assert.deepEqual(keysOf(odd.items), [podKey('ns1', 'a')], 'filter applies before limit');
      assert.equal(odd.nextKey, podKey('ns1', 'b'));
    });

    test('list at an older revision sees that state, across pages', async (t) => {
      const store = await fresh(t);
      for (const n of ['a', 'b', 'c', 'd']) await store.create(podKey('ns', n), { name: n, n: 1 });
      const snapshot = store.currentRevision();
      await store.update(podKey('ns', 'a'), { name: 'a', n: 2 });
      await store.delete(podKey('ns', 'b'));
      await store.create(podKey('ns', 'bb'), { name: 'bb', n: 1 });
      await store.update(podKey('ns', 'a'), { name: 'a', n: 3 });
      await store.delete(podKey('ns', 'd'));
      await store.create(podKey('ns', 'd'), { name: 'd', n: 2 });

      const now = await store.list<Pod>(PODS);
      assert.deepEqual(keysOf(now.items), ['a', 'bb', 'c', 'd'].map((n) => podKey('ns', n)));
      const then = await store.list<Pod>(PODS, { revision: snapshot });
      assert.equal(then.revision, snapshot);
      assert.deepEqual(keysOf(then.items), ['a', 'b', 'c', 'd'].map((n) => podKey('ns', n)));
      assert.deepEqual(then.items.map((kv) => kv.value.n), [1, 1, 1, 1]);
      assert.ok(then.items.every((kv) => kv.modRevision <= snapshot));
      const d = then.items.find((kv) => kv.key === podKey('ns', 'd'));
      assert.equal(d!.createRevision, snapshot, 'the deleted-then-recreated key has its old identity');

      const paged: string[] = [];
      let startKey: string | undefined;
      do {
        const page = await store.list(PODS, { revision: snapshot, limit: 1, startKey });
        assert.equal(page.revision, snapshot);
        paged.push(...keysOf(page.items));
        startKey = page.nextKey;
      } while (startKey !== undefined);
      assert.deepEqual(paged, keysOf(then.items));

      await assert.rejects(store.list(PODS, { revision: store.currentRevision() + 1 }), FutureRevisionError);
    });

    test('compaction refuses older lists and watches', async (t) => {
      const store = await fresh(t);
      for (let i = 0; i < 6; i++) await store.create(podKey('ns', `p${i}`), { name: `p${i}`, n: i });
      const target = store.currentRevision() - 2;
      await store.compact(target);
      assert.equal(store.compactedRevision(), target);
      await assert.rejects(store.list(PODS, { revision: target - 1 }), RevisionCompactedError);
      assert.throws(() => store.watch(PODS, { afterRevision: target - 1 }), RevisionCompactedError);
      assert.equal((await store.list(PODS, { revision: target })).items.length, 4);
      const w = store.watch(PODS, { afterRevision: target });
      assert.deepEqual(revisionsOf(await take(w, 2)), [target + 1, target + 2]);
      w.stop();
      await store.compact(target - 1);
      assert.equal(store.compactedRevision(), target, 'compaction never goes back');
    });

    test('watch replays history, then goes live, with event details', async (t) => {
      const store = await fresh(t);
      const key = podKey('ns', 'a');
      const v1 = await store.create<Pod>(key, { name: 'a', n: 1 });
      // Other resources in the replayed range must be skipped, as they are live.
      await store.create('/registry/services/specs/ns/old', { name: 's', n: 0 });
      await store.create(`${PODS.slice(0, -1)}x/ns/a`, { name: 'x', n: 0 });
      const v2 = await store.update<Pod>(key, { name: 'a', n: 2 });
      const watch = store.watch(PODS, { afterRevision: v1.modRevision - 1 });
      const live = take(watch, 3);
      await store.create('/registry/services/specs/ns/a', { name: 's', n: 0 });
      await store.delete(key);
      const [created, updated, deleted] = await live;
      const createRevision = v1.createRevision;
      assert.deepEqual(fieldsOf(created!), {
        type: 'put', key, revision: v1.modRevision, value: v1.value, created: true, createRevision,
      });
      assert.deepEqual(fieldsOf(updated!), {
        type: 'put', key, revision: v2.modRevision, value: v2.value, prevValue: v1.value, created: false,
        createRevision,
      });
      assert.deepEqual(fieldsOf(deleted!), {
        type: 'delete', key, revision: v2.modRevision + 2, prevValue: v2.value, created: false, createRevision,
      });
    });

    test('watch from the current revision is live only', async (t) => {
      const store = await fresh(t);
      await store.create(podKey('ns', 'old'), { name: 'old', n: 0 });
      const watch = store.watch(PODS, { afterRevision: store.currentRevision() });
      const next = take(watch, 1);
      const kv = await store.create(podKey('ns', 'new'), { name: 'new', n: 0 });
      assert.deepEqual(revisionsOf(await next), [kv.modRevision]);
    });

    test('watch started mid-burst from a past revision: no gap, no duplicate', async (t) => {
      const store = await fresh(t);
      const WRITERS = 5;
      const PER_WRITER = 200;
      const base = store.currentRevision();
      let watch: Watch | undefined;
      let collected: Promise<StoreEvent[]> | undefined;
      const fromRevision = base + 50;
      const writer = async (w: number): Promise<void> => {
        for (let i = 0; i < PER_WRITER; i++) {
          const key = podKey(`ns${w}`, `p${i % 20}`);
          if (i < 20) await store.create(key, { name: `p${i}`, n: i });
          else await store.update(key, { name: `p${i}`, n: i });
          if (w === 0 && i === 60) {
            // Writes from the other writers are still in flight: replay and live must meet.
            watch = store.watch(PODS, { afterRevision: fromRevision });
            collected = take(watch, WRITERS * PER_WRITER - 50);
          }
        }
      };
      await Promise.all(range(0, WRITERS - 1).map(writer));
      assert.equal(store.currentRevision(), base + WRITERS * PER_WRITER);
      const events = await collected!;
      assert.deepEqual(revisionsOf(events), range(fromRevision + 1, base + WRITERS * PER_WRITER));
      watch!.stop();
    });

    test('watch filter and prefix select events', async (t) => {
      const store = await fresh(t);
      const watch = store.watch(`${PODS}ns1/`, {
        afterRevision: store.currentRevision(),
        filter: (ev) => (ev.value as Pod | undefined)?.n === 1,
      });
      const got = take(watch, 2);
      await store.create(podKey('ns1', 'a'), { name: 'a', n: 1 });
      await store.create(podKey('ns1', 'b'), { name: 'b', n: 2 });
      await store.create(podKey('ns2', 'c'), { name: 'c', n: 1 });
      await store.create('/registry/podsx/ns1/d', { name: 'd', n: 1 });
      await store.create(podKey('ns1', 'e'), { name: 'e', n: 1 });
      assert.deepEqual((await got).map((e) => e.key), [podKey('ns1', 'a'), podKey('ns1', 'e')]);
    });

    test('a slow watcher is dropped; writes and fast watchers go on', async (t) => {
      const store = await fresh(t);
      const after = store.currentRevision();
      const slow = store.watch(PODS, { afterRevision: after, maxBuffered: 5 });
      const fast = store.watch(PODS, { afterRevision: after, maxBuffered: 5 });
      const fastEvents = take(fast, 40);
      for (let i = 0; i < 40; i++) await store.create(podKey('ns', `p${i}`), { name: `p${i}`, n: i });
      assert.deepEqual(revisionsOf(await fastEvents), range(after + 1, after + 40));
      const it = slow[Symbol.asyncIterator]();
      await assert.rejects(it.next(), WatcherTooSlowError);
      assert.deepEqual(await it.next(), { value: undefined, done: true });
    });

    test('stop(), abort and close end watches normally', async (t) => {
      const store = await open();
      let closed = false;
      t.after(() => (closed ? undefined : store.close()));
      const ac = new AbortController();
      const aborted = store.watch(PODS, { afterRevision: 0, signal: ac.signal });
      const stopped = store.watch(PODS, { afterRevision: 0 });
      const open1 = store.watch(PODS, { afterRevision: 0 });
      const ends = [aborted, stopped, open1].map((w) => take(w, 100));
      ac.abort();
      stopped.stop();
      stopped.stop();
      await store.close();
      closed = true;
      assert.deepEqual(await Promise.all(ends), [[], [], []]);
      await assert.rejects(store.get(podKey('ns', 'a')), StoreClosedError);
      await assert.rejects(store.create(podKey('ns', 'a'), { name: 'a', n: 0 }), StoreClosedError);
      assert.throws(() => store.watch(PODS, { afterRevision: 0 }), StoreClosedError);
      await store.close();
    });

    test('close waits for accepted writes', async (t) => {
      const store = await open();
      t.after(() => store.close());
      const writes = range(0, 9).map((i) => store.create(podKey('ns', `p${i}`), { name: `p${i}`, n: i }));
      await store.close();
      const done = await Promise.all(writes);
      assert.equal(done.length, 10);
    });
  });
}
