import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints } from './endpoints-builder.js';
import type { EndpointSlice } from './endpoints-slices.js';
import { reconcileMirroredSlices } from './endpoints-mirroring-reconciler.js';

function endpoints(subsets: Endpoints['subsets'], meta: Partial<Endpoints['metadata']> = {}): Endpoints {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'db', namespace: 'ns', uid: 'ep-uid', ...meta }, subsets };
}

/** What the apiserver would store for the planned writes. */
function apply(existing: EndpointSlice[], plan: ReturnType<typeof reconcileMirroredSlices>): EndpointSlice[] {
  const byName = new Map(existing.map((s) => [s.metadata.name as string, s]));
  for (const s of plan.delete) byName.delete(s.metadata.name as string);
  for (const s of plan.update) byName.set(s.metadata.name as string, s);
  plan.create.forEach((s, i) => {
    const name = `${s.metadata.generateName}m${byName.size}${i}`;
    byName.set(name, { ...s, metadata: { ...s.metadata, name, resourceVersion: '1' } });
  });
  return [...byName.values()];
}

test('a user Endpoints is mirrored: labels, annotations, owner, ready/not-ready, ports', () => {
  const ep = endpoints(
    [{ addresses: [{ ip: '1.2.3.4', hostname: 'a', nodeName: 'n1' }], notReadyAddresses: [{ ip: '1.2.3.5' }], ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] }],
    { labels: { owner: 'me' }, annotations: { note: 'x', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'endpoints.kubernetes.io/last-change-trigger-time': 't' } },
  );
  const plan = reconcileMirroredSlices(ep, []);
  assert.equal(plan.create.length, 1);
  const s = plan.create[0]!;
  assert.equal(s.metadata.generateName, 'db-');
  assert.deepEqual(s.metadata.labels, { owner: 'me', 'kubernetes.io/service-name': 'db', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io' });
  assert.deepEqual(s.metadata.annotations, { note: 'x' });
  assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Endpoints', name: 'db', uid: 'ep-uid', controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(s.endpoints, [
    { addresses: ['1.2.3.4'], conditions: { ready: true }, hostname: 'a', nodeName: 'n1' },
    { addresses: ['1.2.3.5'], conditions: { ready: false } },
  ]);
  assert.deepEqual(s.ports, [{ name: 'pg', port: 5432, protocol: 'TCP' }]);
  // the same again: no writes
  const again = reconcileMirroredSlices(ep, apply([], plan));
  assert.deepEqual([again.create.length, again.update.length, again.delete.length], [0, 0, 0]);
});

test('IPv4 and IPv6 addresses go to slices of their own type; invalid IPs are skipped', () => {
  const plan = reconcileMirroredSlices(endpoints([{ addresses: [{ ip: '1.2.3.4' }, { ip: 'fd00::1' }, { ip: 'not-an-ip' }], ports: [{ port: 80 }] }]), []);
  assert.deepEqual(plan.create.map((s) => s.addressType).sort(), ['IPv4', 'IPv6']);
  assert.equal(plan.skipped, 1);
});

test('an address change updates the existing slice; emptied subsets delete it', () => {
  const first = apply([], reconcileMirroredSlices(endpoints([{ addresses: [{ ip: '1.2.3.4' }], ports: [{ port: 80 }] }]), []));
  const changed = reconcileMirroredSlices(endpoints([{ addresses: [{ ip: '1.2.3.4' }, { ip: '1.2.3.6' }], ports: [{ port: 80 }] }]), first);
  assert.deepEqual([changed.create.length, changed.update.length, changed.delete.length], [0, 1, 0]);
  assert.equal(changed.update[0]!.metadata.name, first[0]!.metadata.name);
  const emptied = reconcileMirroredSlices(endpoints([]), first);
  assert.deepEqual([emptied.create.length, emptied.update.length, emptied.delete.length], [0, 0, 1]);
  // a port change recycles the old slice instead of deleting and creating
  const reported = reconcileMirroredSlices(endpoints([{ addresses: [{ ip: '1.2.3.4' }], ports: [{ port: 81 }] }]), first);
  assert.deepEqual([reported.create.length, reported.update.length, reported.delete.length], [0, 1, 0]);
  assert.equal(reported.update[0]!.ports![0]!.port, 81);
});

test('at most 1000 addresses of a subset are mirrored', () => {
  const addrs = Array.from({ length: 1002 }, (_, i) => ({ ip: `10.0.${Math.floor(i / 250)}.${i % 250}` }));
  const plan = reconcileMirroredSlices(endpoints([{ addresses: addrs, ports: [{ port: 80 }] }]), []);
  assert.equal(plan.create[0]!.endpoints!.length, 1000);
  assert.equal(plan.skipped, 2);
});
