import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStorageConformance } from '../conformance.js';
import { ConflictError, KeyExistsError, KeyNotFoundError, type StoreEvent } from '../storage.js';
import { lastRevisionOnly, openLevelStore } from './level-store.js';

const root = mkdtempSync(join(tmpdir(), 'kubelevel-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
let seq = 0;
const freshDir = (): string => join(root, `db${seq++}`);

runStorageConformance('leveldb', () => openLevelStore({ path: freshDir() }));

const POD = (name: string): string => `/registry/pods/default/${name}`;

async function drain(iterable: AsyncIterable<StoreEvent>, n: number): Promise<StoreEvent[]> {
  const out: StoreEvent[] = [];
  for await (const ev of iterable) {
    out.push(ev);
    if (out.length === n) break;
  }
  return out;
}

test('restart keeps values, revisions and watch history; revisions keep increasing', async () => {
  const path = freshDir();
  const first = await openLevelStore({ path });
  await first.create(POD('a'), { n: 1 });
  await first.create(POD('b'), { n: 1 });
  const a2 = await first.update(POD('a'), { n: 2 });
  await first.delete(POD('b'));
  await first.create(POD('c'), { n: 1, nested: { deep: [1, 2] } });
  const listAtA2 = await first.list('/registry/pods/', { revision: a2.modRevision });
  const before = await drain(first.watch('/registry/pods/', { afterRevision: 0 }), 5);
  const revision = first.currentRevision();
  await first.compact(1);
  await first.close();

  const second = await openLevelStore({ path });
  try {
    assert.equal(second.currentRevision(), revision);
    assert.equal(second.compactedRevision(), 1);
    assert.deepEqual(await second.get(POD('a')), a2);
    assert.equal(await second.get(POD('b')), undefined);
    const c = await second.get<{ nested: { deep: number[] } }>(POD('c'));
    assert.ok(Object.isFrozen(c!.value.nested.deep));
    assert.deepEqual(await second.list('/registry/pods/', { revision: a2.modRevision }), listAtA2);
    const replayed = await drain(second.watch('/registry/pods/', { afterRevision: 1 }), 4);
    assert.deepEqual(replayed, before.slice(1));
    assert.throws(() => second.watch('/registry/pods/', { afterRevision: 0 }), /compacted/);
    const d = await second.create(POD('d'), { n: 1 });
    assert.equal(d.modRevision, revision + 1);
  } finally {
    await second.close();
  }
});

test('group commit: 64 concurrent creates share a few synced batches', async (t) => {
  const store = await openLevelStore({ path: freshDir() });
  t.after(() => store.close());
  await store.create(POD('warm-up'), { n: 0 });
  const before = store.stats();
  const created = await Promise.all(
    Array.from({ length: 64 }, (_, i) => store.create(POD(`p${i}`), { n: i })),
  );
  const after = store.stats();
  assert.equal(created.length, 64);
  assert.equal(after.writes - before.writes, 64);
  assert.ok(after.batches - before.batches <= 8, `${after.batches - before.batches} batches for 64 writes`);
  assert.equal(store.count('/registry/pods/'), 65);
});

test('readers see only durable writes; CAS sees accepted ones', async (t) => {
  const store = await openLevelStore({ path: freshDir() });
  t.after(() => store.close());
  const revision = store.currentRevision();
  const pending = store.create(POD('a'), { n: 1 });
  // Not yet durable: invisible to reads, but a second create must already conflict.
  assert.equal(await store.get(POD('a')), undefined);
  assert.equal(store.currentRevision(), revision);
  assert.equal(store.count('/registry/pods/'), 0);
  await assert.rejects(store.create(POD('a'), { n: 2 }), /key exists/);
  const queued = store.update(POD('a'), { n: 3 }, revision + 1);
  const kv = await pending;
  assert.equal((await queued).modRevision, kv.modRevision + 1);
  assert.deepEqual((await store.get(POD('a')))!.value, { n: 3 });
});

test('background compaction keeps the window, on disk too', async () => {
  const path = freshDir();
  const store = await openLevelStore({ path, compactionWindow: 10, compactionIntervalMs: 5 });
  for (let i = 0; i < 30; i++) await store.create(POD(`p${i}`), { n: i });
  const deadline = Date.now() + 5_000;
  while (store.compactedRevision() < 20 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.equal(store.compactedRevision(), 20);
  assert.equal(store.stats().retainedEvents, 10);
  await store.close();

  const reopened = await openLevelStore({ path, compactionWindow: 10 });
  try {
    assert.equal(reopened.compactedRevision(), 20);
    assert.equal(reopened.stats().retainedEvents, 10);
    assert.equal(reopened.count('/registry/pods/'), 30);
  } finally {
    await reopened.close();
  }
});

test('a write that loses to one not yet durable fails only once the winner is visible to get', async () => {
  const store = await openLevelStore({ path: freshDir() });
  try {
    const v1 = await store.create(POD('a'), { n: 1 });
    const winner = store.update(POD('a'), { n: 2 }, v1.modRevision);
    const lostUpdate = store.update(POD('a'), { n: 3 }, v1.modRevision);
    const lostDelete = store.delete(POD('a'), v1.modRevision);
    await assert.rejects(lostUpdate, ConflictError);
    const seen = await store.get(POD('a'));
    assert.equal(seen?.modRevision, (await winner).modRevision);
    assert.deepEqual(seen?.value, { n: 2 });
    await assert.rejects(lostDelete, ConflictError);

    const created = store.create(POD('b'), { n: 1 });
    const duplicate = store.create(POD('b'), { n: 2 });
    await assert.rejects(duplicate, KeyExistsError);
    assert.deepEqual((await store.get(POD('b')))?.value, { n: 1 });
    await created;

    const deleted = store.delete(POD('b'));
    const updateGone = store.update(POD('b'), { n: 3 });
    await assert.rejects(updateGone, KeyNotFoundError);
    assert.equal(await store.get(POD('b')), undefined);
    await deleted;
  } finally {
    await store.close();
  }
});

test('values are decoded on first read only, and a list whose texts left memory reads them back from disk', async () => {
  const path = freshDir();
  const writer = await openLevelStore({ path });
  const big = 'x'.repeat(1 << 20);
  // 64 MiB of text: more than the text cache keeps, so decoded values lose their text
  for (let i = 0; i < 64; i++) await writer.create(POD(`p${String(i).padStart(2, '0')}`), { name: `p${i}`, big });
  await writer.update(POD('p00'), { name: 'p0', big, v: 2 });
  await writer.close();

  let decodes = 0;
  const store = await openLevelStore({
    path,
    decode: (json) => {
      decodes++;
      return JSON.parse(json);
    },
  });
  try {
    const first = await store.list<{ name: string }>('/registry/pods/');
    assert.equal(decodes, 0, 'loading and listing need no decode');
    assert.equal(first.items[5]!.json, JSON.stringify({ name: 'p5', big }));
    for (const kv of first.items) assert.ok(Object.isFrozen(kv.value));
    assert.equal(decodes, 64);
    const plain = await store.list('/registry/pods/');
    assert.equal(plain.items.filter((kv) => kv.constructor.name === 'ListedKeyValue').length, 0, 'texts are read only when asked for');
    const again = await store.list<{ name: string; v?: number }>('/registry/pods/', { withText: true });
    assert.equal(decodes, 64, 'values are decoded once');
    const fromDisk = again.items.filter((kv) => kv.constructor.name === 'ListedKeyValue');
    assert.ok(fromDisk.length >= 16, `${fromDisk.length} texts read back from disk`);
    for (const kv of again.items) {
      assert.equal(kv.json, JSON.stringify(kv.value));
      assert.equal(kv.value, first.items.find((x) => x.key === kv.key)!.value, 'the same shared value');
    }
    assert.equal(again.items[0]!.value.v, 2);
  } finally {
    await store.close();
  }
});

test('values read back at open (non-ASCII too) and transient lists: equal values, not kept decoded', async () => {
  const path = freshDir();
  const first = await openLevelStore({ path });
  const values = Array.from({ length: 50 }, (_, i) => ({ i, text: `naïve ✓ ${'x'.repeat(i * 97)}` }));
  for (const [i, v] of values.entries()) await first.create(POD(`p${String(i).padStart(2, '0')}`), v);
  await first.close();

  const store = await openLevelStore({ path });
  try {
    const once = await store.list('/registry/pods/', { transient: true });
    assert.deepEqual(once.items.map((kv) => kv.value), values);
    assert.deepEqual(once.items.map((kv) => kv.json), values.map((v) => JSON.stringify(v)));
    const again = await store.list('/registry/pods/', { transient: true });
    // decoded for each reader: nothing was kept
    assert.notEqual(again.items[3]!.value, once.items[3]!.value);
    const shared = await store.list('/registry/pods/');
    assert.deepEqual(shared.items.map((kv) => kv.value), values);
    assert.equal((await store.get(POD('p03')))!.value, shared.items[3]!.value);
    // a value decoded for everyone is what a transient read gets too
    const after = await store.list('/registry/pods/', { transient: true });
    assert.equal(after.items[3]!.value, shared.items[3]!.value);
  } finally {
    await store.close();
  }
});

test('restart: every retained event has its value and previous value, each version stored once', async () => {
  const path = freshDir();
  const first = await openLevelStore({ path });
  for (let v = 1; v <= 4; v++) await (v === 1 ? first.create(POD('x'), { v }) : first.update(POD('x'), { v }));
  await first.create(POD('y'), { v: 1 });
  await first.update(POD('y'), { v: 2 });
  await first.delete(POD('y'));
  await first.compact(2); // x's create and first update are gone; x v2's put is the first retained
  await first.close();

  const second = await openLevelStore({ path });
  try {
    const events = await drain(second.watch('/registry/pods/', { afterRevision: 2 }), 5);
    assert.deepEqual(
      events.map((e) => [e.type, e.key.slice(-1), e.value, e.prevValue]),
      [
        ['put', 'x', { v: 3 }, { v: 2 }],
        ['put', 'x', { v: 4 }, { v: 3 }],
        ['put', 'y', { v: 1 }, undefined],
        ['put', 'y', { v: 2 }, { v: 1 }],
        ['delete', 'y', undefined, { v: 2 }],
      ],
    );
    // a version shared by two events is one value
    assert.equal(events[0]!.value, events[1]!.prevValue);
  } finally {
    await second.close();
  }
});

test('event records written with their value (the earlier format) still load', async () => {
  const path = freshDir();
  const { Level } = await import('level');
  const db = new Level<string, string>(path, { valueEncoding: 'utf8' });
  const put = (k: string, v: string) => db.put(k, v);
  await put('o:/registry/pods/default/z', '{"c":1,"m":2}\n{"v":2}');
  await put('e:0000000000000001', '{"t":"put","k":"/registry/pods/default/z","c":1,"pm":0}\n{"v":1}\n');
  await put('e:0000000000000002', '{"t":"put","k":"/registry/pods/default/z","c":1,"pm":1}\n{"v":2}\n{"v":1}');
  await put('m:revision', '2');
  await db.close();
  const store = await openLevelStore({ path });
  try {
    const events = await drain(store.watch('/registry/pods/', { afterRevision: 0 }), 2);
    assert.deepEqual(events.map((e) => [e.value, e.prevValue]), [[{ v: 1 }, undefined], [{ v: 2 }, { v: 1 }]]);
    assert.deepEqual((await store.get(POD('z')))!.value, { v: 2 });
  } finally {
    await store.close();
  }
});

test('a batch keeps only its last revision counter op, in place', () => {
  const ops = [
    { type: 'put' as const, key: 'o:a', value: '1' },
    { type: 'put' as const, key: 'm:revision', value: '1' },
    { type: 'put' as const, key: 'o:b', value: '2' },
    { type: 'put' as const, key: 'm:revision', value: '2' },
    { type: 'del' as const, key: 'e:0000000000000001' },
  ];
  assert.deepEqual(lastRevisionOnly(ops).map((op) => op.key), ['o:a', 'o:b', 'm:revision', 'e:0000000000000001']);
  assert.equal(lastRevisionOnly(ops)[2]!.type === 'put' && (lastRevisionOnly(ops)[2] as { value: string }).value, '2');
  const single = ops.slice(0, 3);
  assert.equal(lastRevisionOnly(single), single);
});
