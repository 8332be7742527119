import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { KObject } from '../apimachinery/meta.js';
import type { Client } from '../client/client.js';
import type { Service } from '../resources/service-types.js';
import type { InformerFactory } from './runtime/informer-factory.js';
import { keyOf } from './runtime/informer.js';
import { ObjectStore, type IndexFunc } from './runtime/object-store.js';
import { isOurs, LOAD_BALANCER_CLASS, LoadBalancerController, LoadBalancerPool } from './load-balancer.js';

test('LoadBalancerPool hands out the lowest free address, honours claims, and refuses foreign or outside ones', () => {
  const pool = new LoadBalancerPool({ first: '10.0.0.1', last: '10.0.0.3', family: 'ipv4' });
  assert.equal(pool.size, 3n);
  assert.equal(pool.claimNext('a'), '10.0.0.1');
  assert.equal(pool.claimNext('a'), '10.0.0.1', 'idempotent');
  assert.equal(pool.claim('b', '10.0.0.3'), true);
  assert.equal(pool.claim('c', '10.0.0.3'), false, 'held by b');
  assert.equal(pool.claim('c', '10.0.0.9'), false, 'outside');
  assert.equal(pool.claim('c', 'fd00::1'), false, 'other family');
  assert.equal(pool.claimNext('c'), '10.0.0.2');
  assert.equal(pool.claimNext('d'), undefined, 'exhausted');
  assert.equal(pool.holderOf('10.0.0.3'), 'b');
  assert.equal(pool.release('b'), true);
  assert.equal(pool.release('b'), false);
  assert.equal(pool.claimNext('d'), '10.0.0.3');
  // claiming another address moves the holder
  assert.equal(pool.claim('a', '10.0.0.1'), true);
  pool.release('c');
  assert.equal(pool.claim('a', '10.0.0.2'), true);
  assert.equal(pool.holderOf('10.0.0.1'), undefined);
  assert.equal(pool.addressOf('a'), '10.0.0.2');
});

test('LoadBalancerPool works on IPv6 ranges in canonical form, however large', () => {
  const pool = new LoadBalancerPool({ first: 'fd00:1::', last: 'fd00:1::ffff:ffff:ffff:ffff', family: 'ipv6' });
  assert.equal(pool.size, 2n ** 64n);
  assert.equal(pool.claimNext('a'), 'fd00:1::');
  assert.equal(pool.claim('b', 'FD00:1:0::0:10'), true);
  assert.equal(pool.addressOf('b'), 'fd00:1::10');
  assert.equal(pool.claimNext('c'), 'fd00:1::1');
});

test('isOurs: type LoadBalancer with no class or ours', () => {
  const cases: [Service['spec'], boolean][] = [
    [{ type: 'LoadBalancer' }, true],
    [{ type: 'LoadBalancer', loadBalancerClass: LOAD_BALANCER_CLASS }, true],
    [{ type: 'LoadBalancer', loadBalancerClass: 'example.com/other' }, false],
    [{ type: 'NodePort' }, false],
    [{ type: 'ClusterIP' }, false],
  ];
  for (const [spec, want] of cases) assert.equal(isOurs({ metadata: { name: 's' }, spec } as Service), want, JSON.stringify(spec));
});

// ---- sync(key) against a fake cache and a fake client ----

function harness(services: Service[], range = { first: '10.0.0.1', last: '10.0.0.2', family: 'ipv4' as const }) {
  // the informer's store, kept in step with the map the tests edit
  const store = new ObjectStore();
  class StoreMap extends Map<string, Service> {
    override set(k: string, v: Service) {
      store.upsert(v);
      return super.set(k, v);
    }
    override delete(k: string) {
      const v = super.get(k);
      if (v) store.remove(v);
      return super.delete(k);
    }
  }
  const cache = new StoreMap(services.map((s) => [keyOf(s), s]));
  const writes: { key: string; loadBalancer: unknown }[] = [];
  const client = {
    services: {
      async mutate(ns: string, name: string, fn: (o: KObject) => KObject) {
        const key = `${ns}/${name}`;
        const next = fn(structuredClone(cache.get(key)!)) as Service;
        cache.set(key, next);
        writes.push({ key, loadBalancer: next.status?.loadBalancer });
        return next;
      },
    },
  } as unknown as Client;
  const informers = {
    for: () => ({
      addHandlers() {},
      waitForSync: async () => {},
      getByKey: (k: string) => store.getByKey(k),
      list: (ns?: string) => store.list(ns),
      addIndex: (name: string, fn: IndexFunc) => store.addIndex(name, fn),
      byIndex: (name: string, value: string) => store.byIndex(name, value),
      indexCount: (name: string, value: string) => store.indexCount(name, value),
    }),
  } as unknown as InformerFactory;
  const c = new LoadBalancerController({ client, informers, logger: pino({ level: 'silent' }), range });
  return { c, cache, writes };
}

const svc = (name: string, spec: Service['spec'], status: Service['status'] = { loadBalancer: {} }, created = '2025-01-01T00:00:00Z'): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', creationTimestamp: created },
  spec,
  status,
});

test('sync assigns distinct addresses through the status, with ipMode VIP, and writes nothing when current', async () => {
  const h = harness([svc('a', { type: 'LoadBalancer' }), svc('b', { type: 'LoadBalancer' }), svc('c', { type: 'LoadBalancer' })]);
  await h.c.sync('default/a');
  await h.c.sync('default/b');
  await h.c.sync('default/c');
  assert.deepEqual(h.writes, [
    { key: 'default/a', loadBalancer: { ingress: [{ ip: '10.0.0.1', ipMode: 'VIP' }] } },
    { key: 'default/b', loadBalancer: { ingress: [{ ip: '10.0.0.2', ipMode: 'VIP' }] } },
  ]);
  await h.c.sync('default/a');
  assert.equal(h.writes.length, 2, 'no write when the status is already right');
  assert.deepEqual(h.cache.get('default/c')!.status, { loadBalancer: {} }, 'exhausted: pending');
});

test('sync frees the address of a deleted or retyped service and clears its status', async () => {
  const h = harness([svc('a', { type: 'LoadBalancer' }), svc('b', { type: 'LoadBalancer', loadBalancerIP: '10.0.0.1' })]);
  await h.c.sync('default/a');
  await h.c.sync('default/b');
  assert.deepEqual(h.cache.get('default/b')!.status, { loadBalancer: {} }, 'requested address is taken');
  const a = h.cache.get('default/a')!;
  h.cache.set('default/a', { ...a, spec: { type: 'ClusterIP' } });
  await h.c.sync('default/a');
  assert.deepEqual(h.cache.get('default/a')!.status, { loadBalancer: {} });
  assert.equal(h.c.pool.holderOf('10.0.0.1'), undefined);
  await h.c.sync('default/b');
  assert.deepEqual(h.cache.get('default/b')!.status, { loadBalancer: { ingress: [{ ip: '10.0.0.1', ipMode: 'VIP' }] } });
  h.cache.delete('default/b');
  await h.c.sync('default/b');
  assert.equal(h.c.pool.holderOf('10.0.0.1'), undefined);
});

test('sync leaves another class alone, even its status', async () => {
  const foreign = svc('f', { type: 'LoadBalancer', loadBalancerClass: 'example.com/other' }, { loadBalancer: { ingress: [{ hostname: 'x' }] } });
  const h = harness([foreign]);
  await h.c.sync('default/f');
  assert.deepEqual(h.writes, []);
});

test('rebuild keeps recorded addresses (oldest wins a duplicate) so new services get others', async () => {
  const ing = (ip: string) => ({ loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } });
  const h = harness([
    svc('old', { type: 'LoadBalancer' }, ing('10.0.0.2'), '2025-01-01T00:00:00Z'),
    svc('dup', { type: 'LoadBalancer' }, ing('10.0.0.2'), '2025-01-02T00:00:00Z'),
    svc('new', { type: 'LoadBalancer' }, { loadBalancer: {} }, '2025-01-03T00:00:00Z'),
  ], { first: '10.0.0.1', last: '10.0.0.3', family: 'ipv4' });
  h.c.rebuild();
  assert.equal(h.c.pool.holderOf('10.0.0.2'), 'default/old');
  await h.c.sync('default/new');
  await h.c.sync('default/dup');
  await h.c.sync('default/old');
  assert.deepEqual(h.writes.map((w) => [w.key, (w.loadBalancer as { ingress: { ip: string }[] }).ingress[0]!.ip]), [
    ['default/new', '10.0.0.1'],
    ['default/dup', '10.0.0.3'],
  ]);
});
