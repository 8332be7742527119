import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../resources/service-types.js';
import { ObjectStore } from './runtime/object-store.js';
import { selectorMatches, servicesForPodChange, type EndpointsPod } from './endpoints-pods.js';
import {
  POD_LABELS,
  POD_NODE,
  POD_NODE_ACTIVE,
  SERVICE_SELECTOR,
  SLICE_SERVICE,
  podLabelValues,
  podNodeActiveValues,
  podNodeValues,
  podsSelectedBy,
  serviceSelectorValues,
  servicesForPodEvent,
  sliceServiceValues,
} from './indexes.js';

const pod = (ns: string, name: string, labels: Record<string, string>, rv = '1', extra: Partial<EndpointsPod> = {}): EndpointsPod => ({
  metadata: { namespace: ns, name, labels, resourceVersion: rv },
  ...extra,
});
const svc = (ns: string, name: string, selector?: Record<string, string>): Service =>
  ({ metadata: { namespace: ns, name }, spec: selector ? { selector } : {} }) as Service;

function podStore(pods: EndpointsPod[]): ObjectStore {
  const s = new ObjectStore();
  s.addIndex(POD_LABELS, podLabelValues);
  for (const p of pods) s.upsert(p);
  return s;
}

test('podsSelectedBy returns exactly the namespace pods a selector matches', () => {
  const pods: EndpointsPod[] = [];
  for (let i = 0; i < 60; i++) pods.push(pod(`ns-${i % 3}`, `p${i}`, { app: `a${i % 4}`, tier: i % 2 ? 'fe' : 'be', ...(i % 5 === 0 ? { extra: 'x' } : {}) }));
  const store = podStore(pods);
  const selectors: Record<string, string>[] = [{ app: 'a1' }, { app: 'a1', tier: 'fe' }, { tier: 'be', extra: 'x' }, { app: 'nope' }, { app: 'a2', tier: 'nope' }];
  for (const ns of ['ns-0', 'ns-1', 'ns-2', 'ns-9']) {
    for (const sel of selectors) {
      const want = pods.filter((p) => p.metadata.namespace === ns && selectorMatches(sel, p.metadata.labels)).map((p) => p.metadata.name).sort();
      const got = podsSelectedBy(store, ns, sel).map((p) => p.metadata.name).sort();
      assert.deepEqual(got, want, `${ns} ${JSON.stringify(sel)}`);
    }
  }
});

test('servicesForPodEvent finds the same services as a scan of the namespace, on add, relabel and delete', () => {
  const services = [
    svc('ns', 'web', { app: 'web' }),
    svc('ns', 'web-fe', { app: 'web', tier: 'fe' }),
    svc('ns', 'db', { app: 'db' }),
    svc('ns', 'no-selector'),
    svc('other', 'web', { app: 'web' }),
  ];
  const store = new ObjectStore();
  store.addIndex(SERVICE_SELECTOR, serviceSelectorValues);
  for (const s of services) store.upsert(s);
  const inNs = services.filter((s) => s.metadata.namespace === 'ns');
  const ready = { status: { podIP: '10.0.0.1', conditions: [{ type: 'Ready', status: 'True' }] } };
  const cases: [EndpointsPod | undefined, EndpointsPod | undefined][] = [
    [undefined, pod('ns', 'p', { app: 'web', tier: 'fe' })],
    [pod('ns', 'p', { app: 'web' }), undefined],
    [pod('ns', 'p', { app: 'web' }), pod('ns', 'p', { app: 'db' }, '2')],
    [pod('ns', 'p', { app: 'web' }), pod('ns', 'p', { app: 'web', tier: 'fe' }, '2', ready)],
    [pod('ns', 'p', { app: 'web' }), pod('ns', 'p', { app: 'web' }, '2', ready)],
    [pod('ns', 'p', { app: 'web' }), pod('ns', 'p', { app: 'web' }, '1', ready)],
    [undefined, pod('ns', 'p', { unrelated: 'x' })],
  ];
  for (const [prev, next] of cases) {
    assert.deepEqual([...servicesForPodEvent(store, prev, next)].sort(), [...servicesForPodChange(inNs, prev, next)].sort(), JSON.stringify([prev, next]));
  }
});

test('slice, node and active-node index values', () => {
  assert.deepEqual(sliceServiceValues({ metadata: { namespace: 'ns', name: 's', labels: { 'kubernetes.io/service-name': 'web' } } }), ['ns/web']);
  assert.deepEqual(sliceServiceValues({ metadata: { namespace: 'ns', name: 's' } }), []);
  const bound = (phase?: string) => pod('ns', 'p', {}, '1', { spec: { nodeName: 'n1' }, status: phase ? { phase } : {} });
  assert.deepEqual(podNodeValues(pod('ns', 'p', {})), ['']);
  assert.deepEqual(podNodeValues(bound()), ['n1']);
  assert.deepEqual(podNodeActiveValues(pod('ns', 'p', {})), []);
  assert.deepEqual(podNodeActiveValues(bound('Running')), ['n1']);
  assert.deepEqual(podNodeActiveValues(bound('Succeeded')), []);
  assert.deepEqual(podNodeActiveValues(bound('Failed')), []);
  // the names are distinct: the shared pods informer holds them side by side
  assert.equal(new Set([POD_LABELS, POD_NODE, POD_NODE_ACTIVE, SERVICE_SELECTOR, SLICE_SERVICE]).size, 5);
});
