import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { KObject } from '../apimachinery/meta.js';
import { notFound } from '../apimachinery/status.js';
import { EventRecorder, EventTTL, type EventsClient } from './event-recorder.js';

/** An in-memory stand-in for the events client: namespace/name → event. */
function fakeEvents(): EventsClient & { store: Map<string, KObject>; listCalls: Array<{ limit?: number; transient?: boolean }> } {
  const store = new Map<string, KObject>();
  const gr = { group: '', resource: 'events' };
  const listCalls: Array<{ limit?: number; transient?: boolean }> = [];
  let snapshot: KObject[] = [];
  return {
    store,
    listCalls,
    async create(namespace, obj) {
      const stored = structuredClone({ ...obj, metadata: { ...obj.metadata, namespace, uid: `uid-${store.size}` } });
      store.set(`${namespace}/${obj.metadata.name}`, stored);
      return stored;
    },
    async mutate(namespace, name, fn) {
      const cur = store.get(`${namespace}/${name}`);
      if (!cur) throw notFound(gr, name);
      const next = fn(structuredClone(cur));
      store.set(`${namespace}/${name}`, next);
      return next;
    },
    // pages over a snapshot, as the registry's continue tokens do (the offset is the token here)
    async list(_namespace, opts = {}) {
      listCalls.push({ limit: opts.limit, transient: opts.transient });
      if (!opts.continue) snapshot = [...store.keys()].sort().map((k) => store.get(k)!);
      const all = snapshot;
      const from = opts.continue ? Number(opts.continue) : 0;
      const to = opts.limit ? from + opts.limit : all.length;
      return { items: all.slice(from, to), resourceVersion: '1', ...(to < all.length ? { continue: String(to) } : {}) };
    },
    async deleteIfExists(namespace, name) {
      store.delete(`${namespace}/${name}`);
    },
  };
}

const log = pino({ level: 'silent' });
const pod = { kind: 'Pod', namespace: 'default', name: 'web', uid: 'u1', apiVersion: 'v1', resourceVersion: '7' };
const kubelet = { component: 'kubelet', host: 'kubelevel-node-1' };

test('record creates an Event shaped as client-go writes it', async () => {
  const events = fakeEvents();
  const now = Date.parse('2025-01-01T12:00:00.250Z');
  const rec = new EventRecorder({ events, now: () => now, log });
  await rec.record({ ...pod, fieldPath: 'spec.containers{c}' }, 'Normal', 'Started', 'Started container c', kubelet);
  assert.equal(events.store.size, 1);
  const ev = [...events.store.values()][0]!;
  assert.match(ev.metadata.name as string, /^web\.[0-9a-f]{16}$/);
  assert.equal(ev.metadata.name, `web.${(BigInt(now) * 1_000_000n).toString(16)}`);
  assert.deepEqual(
    { ...ev, metadata: undefined },
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: undefined,
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1', apiVersion: 'v1', resourceVersion: '7', fieldPath: 'spec.containers{c}' },
      reason: 'Started',
      message: 'Started container c',
      source: { component: 'kubelet', host: 'kubelevel-node-1' },
      firstTimestamp: '2025-01-01T12:00:00Z',
      lastTimestamp: '2025-01-01T12:00:00Z',
      count: 1,
      type: 'Normal',
      reportingComponent: 'kubelet',
      reportingInstance: 'kubelevel-node-1',
    },
  );
});

test('a repeat bumps count and lastTimestamp; a different message is a new event; cluster-scoped objects go to default', async () => {
  const events = fakeEvents();
  let now = Date.parse('2025-01-01T12:00:00Z');
  const rec = new EventRecorder({ events, now: () => now, log });
  await rec.record(pod, 'Warning', 'BackOff', 'Back-off', kubelet);
  now += 5000;
  await rec.record(pod, 'Warning', 'BackOff', 'Back-off', kubelet);
  await rec.record(pod, 'Warning', 'BackOff', 'other', kubelet);
  await rec.record({ kind: 'Node', name: 'n1', uid: 'n1' }, 'Normal', 'Starting', 'Starting kubelet.', kubelet);
  const all = [...events.store.values()];
  assert.equal(all.length, 3);
  const first = all.find((e) => e.message === 'Back-off')!;
  assert.equal(first.count, 2);
  assert.equal(first.firstTimestamp, '2025-01-01T12:00:00Z');
  assert.equal(first.lastTimestamp, '2025-01-01T12:00:05Z');
  const node = all.find((e) => e.reason === 'Starting')!;
  assert.equal(node.metadata.namespace, 'default');
  // names stay unique even within one millisecond
  assert.equal(new Set(all.map((e) => e.metadata.name)).size, 3);
});

test('an event deleted meanwhile is created again on repeat', async () => {
  const events = fakeEvents();
  const rec = new EventRecorder({ events, now: () => 1_700_000_000_000, log });
  await rec.record(pod, 'Normal', 'Pulled', 'x', kubelet);
  events.store.clear();
  await rec.record(pod, 'Normal', 'Pulled', 'x', kubelet);
  assert.equal(events.store.size, 1);
  assert.equal([...events.store.values()][0]!.count, 1);
});

test('the spam filter bounds events per source and object', async () => {
  const events = fakeEvents();
  let now = 1_700_000_000_000;
  const rec = new EventRecorder({ events, now: () => now, log });
  for (let i = 0; i < 40; i++) await rec.record(pod, 'Normal', 'Spam', `message ${i}`, kubelet);
  assert.equal(events.store.size, 25);
  now += 5 * 60_000;
  await rec.record(pod, 'Normal', 'Spam', 'after refill', kubelet);
  assert.equal(events.store.size, 26);
  // another object has its own budget
  await rec.record({ ...pod, name: 'other', uid: 'u2' }, 'Normal', 'Spam', 'hi', kubelet);
  assert.equal(events.store.size, 27);
});

test('record never rejects when the write fails', async () => {
  const events = fakeEvents();
  events.create = async () => {
    throw new Error('storage closed');
  };
  const rec = new EventRecorder({ events, now: () => 0, log });
  await rec.record(pod, 'Normal', 'Pulled', 'x', kubelet);
  assert.equal(events.store.size, 0);
});

test('EventTTL sweeps events last seen more than an hour ago', async () => {
  const events = fakeEvents();
  const t0 = Date.parse('2025-01-01T12:00:00Z');
  let now = t0;
  const rec = new EventRecorder({ events, now: () => now, log });
  await rec.record(pod, 'Normal', 'Old', 'old', kubelet);
  await rec.record(pod, 'Normal', 'Bumped', 'bumped', kubelet);
  now = t0 + 50 * 60_000;
  await rec.record(pod, 'Normal', 'Bumped', 'bumped', kubelet);
  await rec.record(pod, 'Normal', 'Recent', 'recent', kubelet);
  now = t0 + 61 * 60_000;
  const ttl = new EventTTL({ events, now: () => now, log });
  assert.equal(await ttl.sweep(), 1);
  assert.deepEqual([...events.store.values()].map((e) => e.reason).sort(), ['Bumped', 'Recent']);
});

test('EventTTL reads the events in pages, once each, and sweeps every page', async () => {
  const events = fakeEvents();
  const t0 = Date.parse('2025-01-01T12:00:00Z');
  for (let i = 0; i < 1203; i++) {
    const seen = new Date(i % 3 === 0 ? t0 : t0 + 30 * 60_000).toISOString().replace('.000Z', 'Z');
    const name = `e${String(i).padStart(4, '0')}`;
    events.store.set(`default/${name}`, { apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'default' }, lastTimestamp: seen });
  }
  const ttl = new EventTTL({ events, now: () => t0 + 61 * 60_000, log });
  assert.equal(await ttl.sweep(), 401);
  assert.equal(events.store.size, 802);
  assert.ok(events.listCalls.length >= 3);
  assert.ok(events.listCalls.every((c) => c.transient === true && c.limit === 500));
});
