import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../apimachinery/meta.js';
import type { Service } from '../resources/service-types.js';
import type { EndpointsPod } from './endpoints-pods.js';
import { reconcileServiceSlices, addressTypesForService, type SliceReconcileInput } from './endpoints-slice-reconciler.js';
import type { EndpointSlice } from './endpoints-slices.js';

const SVC: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', labels: { team: 'a' } },
  spec: { clusterIP: '10.96.0.10', ipFamilies: ['IPv4'], selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
};

function pod(i: number, o: { ready?: boolean; deleting?: boolean; node?: string } = {}): EndpointsPod {
  const ip = `10.0.${Math.floor(i / 250)}.${i % 250}`;
  return {
    metadata: { name: `p${i}`, namespace: 'ns', uid: `uid-${i}`, labels: { app: 'web' }, resourceVersion: '1', ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: o.node ?? 'node-1', containers: [] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  };
}

const NODES: Record<string, KObject> = { 'node-1': { metadata: { name: 'node-1', labels: { 'topology.kubernetes.io/zone': 'z1' } } } };

let nameSeq = 0;
/** What the apiserver would store: a name for each created slice and a resourceVersion. */
function apply(existing: EndpointSlice[], plan: ReturnType<typeof reconcileServiceSlices>): EndpointSlice[] {
  const byName = new Map(existing.map((s) => [s.metadata.name as string, s]));
  for (const s of plan.delete) byName.delete(s.metadata.name as string);
  for (const s of plan.update) byName.set(s.metadata.name as string, structuredClone(s));
  for (const s of plan.create) {
    const name = `${s.metadata.generateName}${String(++nameSeq).padStart(5, 'x')}`;
    const { generateName: _g, ...meta } = s.metadata;
    void _g;
    byName.set(name, { ...structuredClone(s), metadata: { ...meta, name, resourceVersion: '1' } });
  }
  return [...byName.values()];
}

function run(pods: EndpointsPod[], existing: EndpointSlice[], extra: Partial<SliceReconcileInput> = {}) {
  const plan = reconcileServiceSlices({ service: SVC, pods, existing, node: (n) => NODES[n], maxEndpointsPerSlice: 100, ...extra });
  return { plan, after: apply(existing, plan) };
}

const count = (slices: EndpointSlice[]) => slices.map((s) => (s.endpoints ?? []).length).sort((a, b) => b - a);

test('no pods: a single placeholder slice, kept across syncs', () => {
  const { plan, after } = run([], []);
  assert.equal(plan.create.length, 1);
  const p = plan.create[0]!;
  assert.deepEqual(p.endpoints, []);
  assert.deepEqual(p.ports, []);
  assert.equal(p.metadata.generateName, 'web-');
  assert.deepEqual(p.metadata.labels, { team: 'a', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
  const again = run([], after);
  assert.deepEqual([again.plan.create.length, again.plan.update.length, again.plan.delete.length], [0, 0, 0]);
});

test('endpoint shape: conditions, node, zone, targetRef; ports with names and protocols', () => {
  const { plan } = run([pod(1), pod(2, { ready: false }), pod(3, { deleting: true })], []);
  assert.equal(plan.create.length, 1);
  const s = plan.create[0]!;
  assert.equal(s.addressType, 'IPv4');
  assert.deepEqual(s.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }]);
  const byName = Object.fromEntries(s.endpoints!.map((e) => [e.targetRef!.name, e]));
  assert.deepEqual(byName.p1, {
    addresses: ['10.0.0.1'],
    conditions: { ready: true, serving: true, terminating: false },
    targetRef: { kind: 'Pod', namespace: 'ns', name: 'p1', uid: 'uid-1' },
    nodeName: 'node-1',
    zone: 'z1',
  });
  assert.deepEqual(byName.p2!.conditions, { ready: false, serving: false, terminating: false });
  assert.deepEqual(byName.p3!.conditions, { ready: false, serving: true, terminating: true });
});

test('250 pods pack into slices of at most 100; the placeholder is reused for the first', () => {
  const first = run([], []);
  const pods = Array.from({ length: 250 }, (_, i) => pod(i));
  const { plan, after } = run(pods, first.after);
  assert.equal(plan.update.length, 1, 'placeholder recycled');
  assert.equal(plan.create.length, 2);
  assert.deepEqual(count(after), [100, 100, 50]);
  assert.equal(after.length, 3);
});

test('minimal churn: one pod going away touches one slice; a new pod fills free room', () => {
  const pods = Array.from({ length: 250 }, (_, i) => pod(i));
  const start = run(pods, []).after;
  const removed = run(pods.filter((p) => p.metadata.name !== 'p7'), start);
  assert.deepEqual([removed.plan.create.length, removed.plan.update.length, removed.plan.delete.length], [0, 1, 0]);
  const added = run([...pods.filter((p) => p.metadata.name !== 'p7'), pod(300)], removed.after);
  assert.deepEqual([added.plan.create.length, added.plan.update.length, added.plan.delete.length], [0, 1, 0]);
  assert.deepEqual(count(added.after), [100, 100, 50]);
  // nothing changed: nothing written
  const idle = run([...pods.filter((p) => p.metadata.name !== 'p7'), pod(300)], added.after);
  assert.deepEqual([idle.plan.create.length, idle.plan.update.length, idle.plan.delete.length], [0, 0, 0]);
  // a readiness change is an in-place update of the one slice holding the pod
  const flipped = run([...pods.filter((p) => p.metadata.name !== 'p7' && p.metadata.name !== 'p8'), pod(8, { ready: false }), pod(300)], added.after);
  assert.deepEqual([flipped.plan.create.length, flipped.plan.update.length, flipped.plan.delete.length], [0, 1, 0]);
});

test('all pods gone: slices are deleted down to one placeholder', () => {
  const start = run(Array.from({ length: 150 }, (_, i) => pod(i)), []).after;
  const { plan, after } = run([], start);
  assert.equal(after.length, 1);
  assert.deepEqual(after[0]!.endpoints, []);
  assert.equal(plan.create.length, 0, 'the placeholder takes the place of a deleted slice');
});

test('service label changes are copied onto existing slices', () => {
  const start = run([pod(1)], []).after;
  const relabelled = { ...SVC, metadata: { ...SVC.metadata, labels: { team: 'b' } } };
  const plan = reconcileServiceSlices({ service: relabelled, pods: [pod(1)], existing: start, node: (n) => NODES[n] });
  assert.equal(plan.update.length, 1);
  assert.equal(plan.update[0]!.metadata.labels!.team, 'b');
});

test('slices not owned by this service (same name, new uid) are replaced', () => {
  const start = run([pod(1)], []).after;
  const reborn = { ...SVC, metadata: { ...SVC.metadata, uid: 'svc-uid-2' } };
  const plan = reconcileServiceSlices({ service: reborn, pods: [pod(1)], existing: start, node: (n) => NODES[n] });
  assert.equal(plan.delete.length, 1);
  assert.equal(plan.create.length, 1);
  assert.equal(plan.create[0]!.metadata.ownerReferences![0]!.uid, 'svc-uid-2');
});

test('a pod on an unknown node is left out and reported', () => {
  const { plan } = run([pod(1), pod(2, { node: 'ghost' })], []);
  assert.deepEqual(plan.missingNodes, [{ pod: 'p2', node: 'ghost' }]);
  assert.deepEqual(plan.create[0]!.endpoints!.map((e) => e.targetRef!.name), ['p1']);
});

test('address types follow the service families; headless without families gets both', () => {
  assert.deepEqual(addressTypesForService(SVC), ['IPv4']);
  assert.deepEqual(addressTypesForService({ ...SVC, spec: { ...SVC.spec, ipFamilies: ['IPv6', 'IPv4'] } }), ['IPv6', 'IPv4']);
  assert.deepEqual(addressTypesForService({ ...SVC, spec: { clusterIP: 'None' } }), ['IPv4', 'IPv6']);
});

test('the trigger time is set on written slices', () => {
  const { plan } = run([pod(1)], [], { triggerTime: '2024-01-01T00:00:00Z' });
  assert.equal(plan.create[0]!.metadata.annotations!['endpoints.kubernetes.io/last-change-trigger-time'], '2024-01-01T00:00:00Z');
});
