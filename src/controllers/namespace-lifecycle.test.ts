import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { KObject } from '../apimachinery/meta.js';
import { notFound } from '../apimachinery/status.js';
import type { Client } from '../client/client.js';
import type { Registry } from '../registry/registry.js';
import type { DeleteOptions, ResourceDefinition } from '../registry/resource-definition.js';
import type { InformerFactory } from './runtime/informer-factory.js';
import { failingConditions, mergeConditions, NamespaceLifecycleController, type NamespaceCondition } from './namespace-lifecycle.js';

const NOW = Date.parse('2025-01-01T00:00:10Z');
const DELETED_AT = '2025-01-01T00:00:00Z';

test('mergeConditions adds the five owned conditions in their ok form, then only changes what differs', () => {
  const conditions: NamespaceCondition[] = [];
  assert.equal(mergeConditions(conditions, [], NOW), true);
  assert.deepEqual(
    conditions.map((c) => [c.type, c.status, c.reason, c.message]),
    [
      ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered', 'All resources successfully discovered'],
      ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
      ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
      ['NamespaceContentRemaining', 'False', 'ContentRemoved', 'All content successfully removed'],
      ['NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
    ],
  );
  assert.equal(mergeConditions(conditions, [], NOW + 1000), false);

  const remaining = failingConditions({ remaining: new Map([['pods.', 2]]), finalizers: new Map(), errors: [], estimateSeconds: 30 }, NOW + 2000);
  assert.equal(mergeConditions(conditions, remaining, NOW + 2000), true);
  const c = conditions.find((x) => x.type === 'NamespaceContentRemaining')!;
  assert.deepEqual(c, {
    type: 'NamespaceContentRemaining',
    status: 'True',
    lastTransitionTime: '2025-01-01T00:00:12Z',
    reason: 'SomeResourcesRemain',
    message: 'Some resources are remaining: pods. has 2 resource instances',
  });
  // same status, new message: the transition time stays
  const fewer = failingConditions({ remaining: new Map([['pods.', 1]]), finalizers: new Map(), errors: [], estimateSeconds: 30 }, NOW + 5000);
  assert.equal(mergeConditions(conditions, fewer, NOW + 5000), true);
  assert.equal(c.message, 'Some resources are remaining: pods. has 1 resource instances');
  assert.equal(c.lastTransitionTime, '2025-01-01T00:00:12Z');
});

test('failingConditions words remaining content, finalizers and errors as upstream, sorted', () => {
  const out = failingConditions(
    {
      remaining: new Map([['services.', 1], ['endpointslices.discovery.k8s.io', 3]]),
      finalizers: new Map([['z.io/b', 1], ['a.io/a', 2]]),
      errors: ['second', 'first'],
      estimateSeconds: 15,
    },
    NOW,
  );
  assert.deepEqual(
    out.map((c) => [c.type, c.reason, c.message]),
    [
      ['NamespaceDeletionContentFailure', 'ContentDeletionFailed', 'Failed to delete all resource types, 2 remaining: first, second'],
      ['NamespaceContentRemaining', 'SomeResourcesRemain', 'Some resources are remaining: endpointslices.discovery.k8s.io has 3 resource instances, services. has 1 resource instances'],
      ['NamespaceFinalizersRemaining', 'SomeFinalizersRemain', 'Some content in the namespace has finalizers remaining: a.io/a in 2 resource instances, z.io/b in 1 resource instances'],
    ],
  );
});

// ---- sync(key) against fake caches and a fake client ----

const def = (group: string, plural: string, namespaced = true, verbs?: string[]) => ({ group, version: 'v1', plural, namespaced, verbs }) as unknown as ResourceDefinition;

const DEFS = [def('', 'namespaces', false), def('', 'pods'), def('', 'services'), def('', 'endpoints'), def('', 'nodes', false), def('', 'bindings', true, ['create'])];

interface World {
  ns: KObject | undefined;
  objects: Map<string, KObject[]>;
  /** `plural/name` deleted by the controller, in order. */
  deletes: string[];
  deleteOpts: DeleteOptions[];
  finalizeBodies: unknown[];
  statusWrites: number;
  nsDeletes: DeleteOptions[];
  /** Deletions that only mark the object (graceful pods, finalizers). */
  sticky: (plural: string, obj: KObject) => boolean;
}

function fakes(world: World) {
  const resource = (plural: string) => ({
    async list(namespace: string) {
      return { items: (world.objects.get(plural) ?? []).filter((o) => o.metadata.namespace === namespace), resourceVersion: '1' };
    },
    async deleteIfExists(_ns: string, name: string, opts: DeleteOptions) {
      world.deletes.push(`${plural}/${name}`);
      world.deleteOpts.push(opts);
      const list = world.objects.get(plural) ?? [];
      const obj = list.find((o) => o.metadata.name === name);
      if (!obj) return;
      if (world.sticky(plural, obj)) obj.metadata.deletionTimestamp = DELETED_AT;
      else world.objects.set(plural, list.filter((o) => o !== obj));
    },
  });
  const namespaces = {
    async get() {
      if (!world.ns) throw notFound({ group: '', resource: 'namespaces' }, 'x');
      return structuredClone(world.ns);
    },
    async mutate(_ns: undefined, _name: string, fn: (o: KObject) => KObject) {
      world.statusWrites++;
      world.ns = fn(structuredClone(world.ns!));
      return world.ns;
    },
    async subresource(_ns: undefined, _name: string, sub: string, verb: string, body: { spec: { finalizers: string[] } }) {
      assert.equal(sub, 'finalize');
      assert.equal(verb, 'update');
      world.finalizeBodies.push(body);
      world.ns = { ...world.ns!, spec: { finalizers: body.spec.finalizers } };
      return structuredClone(world.ns);
    },
    async deleteIfExists(_ns: undefined, _name: string, opts: DeleteOptions) {
      world.nsDeletes.push(opts);
      world.ns = undefined;
    },
  };
  const client = { namespaces, resource: (_g: string, plural: string) => resource(plural) } as unknown as Client;
  const registry = { resources: () => DEFS.map((d) => ({ def: d })) } as unknown as Registry;
  const informer = (plural: string) => ({
    addHandlers() {},
    waitForSync: async () => {},
    get: (_ns: undefined, name: string) => (plural === 'namespaces' && world.ns?.metadata.name === name ? world.ns : undefined),
    list: (namespace: string) => (world.objects.get(plural) ?? []).filter((o) => o.metadata.namespace === namespace),
  });
  const informers = { for: (_g: string, plural: string) => informer(plural) } as unknown as InformerFactory;
  return new NamespaceLifecycleController({ registry, client, informers, logger: pino({ level: 'silent' }), now: () => NOW });
}

function world(objects: Record<string, KObject[]>, sticky: World['sticky'] = () => false): World {
  return {
    ns: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'x', uid: 'ns-uid', deletionTimestamp: DELETED_AT },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Terminating' },
    } as KObject,
    objects: new Map(Object.entries(objects)),
    deletes: [],
    deleteOpts: [],
    finalizeBodies: [],
    statusWrites: 0,
    nsDeletes: [],
    sticky,
  };
}

const obj = (name: string, namespace = 'x', extra: Partial<KObject['metadata']> = {}, rest: Record<string, unknown> = {}): KObject =>
  ({ metadata: { name, namespace, ...extra }, ...rest }) as KObject;

test('sync ignores a namespace that is not being deleted', async () => {
  const w = world({ pods: [obj('p')] });
  delete w.ns!.metadata.deletionTimestamp;
  await fakes(w).sync('x');
  assert.deepEqual(w.deletes, []);
  assert.equal(w.statusWrites, 0);
  assert.deepEqual(w.finalizeBodies, []);
});

test('sync deletes every namespaced deletable resource in the namespace, finalizes, then deletes the namespace', async () => {
  const w = world({
    pods: [obj('p'), obj('elsewhere', 'y')],
    services: [obj('s')],
    endpoints: [obj('e')],
    nodes: [obj('n', undefined as unknown as string)],
  });
  const c = fakes(w);
  await c.sync('x');
  assert.deepEqual(w.deletes, ['pods/p', 'services/s', 'endpoints/e']);
  assert.ok(w.deleteOpts.every((o) => o.propagationPolicy === 'Background'));
  assert.equal((w.objects.get('pods') ?? []).length, 1, 'other namespaces are untouched');
  assert.deepEqual(w.finalizeBodies, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', uid: 'ns-uid' }, spec: { finalizers: [] } }]);
  assert.deepEqual(w.nsDeletes, [{ preconditions: { uid: 'ns-uid' } }]);
  assert.equal(w.ns, undefined);
});

test('pods go first: while a graceful pod terminates, nothing else is deleted and the namespace waits', async () => {
  const w = world(
    { pods: [obj('p', 'x', {}, { spec: { nodeName: 'n1', terminationGracePeriodSeconds: 30 } })], services: [obj('s')] },
    (plural) => plural === 'pods',
  );
  await fakes(w).sync('x');
  assert.deepEqual(w.deletes, ['pods/p']);
  assert.deepEqual(w.finalizeBodies, []);
  const conds = (w.ns!.status as { conditions: NamespaceCondition[] }).conditions;
  const remaining = conds.find((c) => c.type === 'NamespaceContentRemaining')!;
  assert.equal(remaining.status, 'True');
  assert.equal(remaining.message, 'Some resources are remaining: pods. has 1 resource instances');
  assert.equal(conds.find((c) => c.type === 'NamespaceDeletionContentFailure')!.status, 'False');

  // the kubelet removed it: the next pass finishes the job
  w.objects.set('pods', []);
  await fakes(w).sync('x');
  assert.deepEqual(w.deletes, ['pods/p', 'services/s']);
  assert.equal(w.ns, undefined);
});

test('content that stays without a finalizer or a grace period is a ContentDeletionFailed condition', async () => {
  const w = world({ services: [obj('stuck')] }, () => true);
  await fakes(w).sync('x');
  const conds = (w.ns!.status as { conditions: NamespaceCondition[] }).conditions;
  const failure = conds.find((c) => c.type === 'NamespaceDeletionContentFailure')!;
  assert.equal(failure.reason, 'ContentDeletionFailed');
  assert.equal(failure.message, 'Failed to delete all resource types, 1 remaining: unexpected items still remain in namespace: x for gvr: /v1, Resource=services');
  assert.deepEqual(w.finalizeBodies, []);
});

test('objects held by finalizers are reported and keep the namespace', async () => {
  const w = world({ endpoints: [obj('e', 'x', { finalizers: ['example.com/hold'] })] }, (_p, o) => (o.metadata.finalizers ?? []).length > 0);
  await fakes(w).sync('x');
  const conds = (w.ns!.status as { conditions: NamespaceCondition[] }).conditions;
  assert.equal(conds.find((c) => c.type === 'NamespaceFinalizersRemaining')!.message, 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
  assert.equal(conds.find((c) => c.type === 'NamespaceDeletionContentFailure')!.status, 'False');
  assert.deepEqual(w.finalizeBodies, []);
  // a second pass with nothing new writes no status and deletes nothing twice
  const writes = w.statusWrites;
  await fakes(w).sync('x');
  assert.equal(w.statusWrites, writes);
  assert.deepEqual(w.deletes, ['endpoints/e']);
});

test('an already finalized namespace is just deleted; foreign spec finalizers are kept by finalize', async () => {
  const done = world({});
  (done.ns as unknown as { spec: { finalizers: string[] } }).spec.finalizers = [];
  await fakes(done).sync('x');
  assert.deepEqual(done.finalizeBodies, []);
  assert.deepEqual(done.nsDeletes, [{ preconditions: { uid: 'ns-uid' } }]);

  const foreign = world({});
  (foreign.ns as unknown as { spec: { finalizers: string[] } }).spec.finalizers = ['kubernetes', 'example.com/mine'];
  await fakes(foreign).sync('x');
  assert.deepEqual((foreign.finalizeBodies[0] as { spec: unknown }).spec, { finalizers: ['example.com/mine'] });
  assert.deepEqual(foreign.nsDeletes, []);
  assert.ok(foreign.ns);
});
