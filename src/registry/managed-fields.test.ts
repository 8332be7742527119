import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject, ManagedFieldsEntry } from '../apimachinery/meta.js';
import { loadSchemas } from './schema.js';
import {
  ANCIENT_CHANGES_MANAGER,
  capUpdateManagers,
  decodeManagedFields,
  managerFromUserAgent,
  resolveManager,
  trackUpdate,
  type TrackOptions,
} from './managed-fields.js';
import { FieldSet, fieldElement as f } from './field-set.js';

const schemas = loadSchemas();
const T0 = Date.UTC(2024, 0, 1, 10, 0, 0, 600);
const T1 = Date.UTC(2024, 0, 1, 11, 0, 0);

function opts(kind: string, manager: string, extra: Partial<TrackOptions> = {}): TrackOptions {
  return { manager, apiVersion: 'v1', hasStatus: true, now: T0, meta: schemas.patchMeta('', 'v1', kind), ...extra };
}

function service(): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5', creationTimestamp: '2024-01-01T00:00:00Z', labels: { app: 'web' } },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }], type: 'ClusterIP', sessionAffinity: 'None', clusterIP: '10.0.0.1' },
    status: { loadBalancer: {} },
  };
}

test('create of a Service: Update entry in kube FieldsV1 format, status and system metadata not owned', () => {
  const mf = trackUpdate(undefined, service(), undefined, opts('Service', 'kubectl-create'));
  assert.deepEqual(mf, [
    {
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'v1',
      time: '2024-01-01T10:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:clusterIP': {},
          'f:ports': { '.': {}, 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:protocol': {}, 'f:targetPort': {} } },
          'f:selector': {},
          'f:sessionAffinity': {},
          'f:type': {},
        },
      },
    },
  ]);
  assert.deepEqual(Object.keys(mf![0]!), ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1']);
});

test('create of a Pod: containers keyed by name, container ports by containerPort+protocol, finalizers by value', () => {
  const pod: KObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', finalizers: ['example.com/x'] },
    spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: {} }], restartPolicy: 'Always' },
    status: { phase: 'Pending' },
  };
  const mf = trackUpdate(undefined, pod, undefined, opts('Pod', 'kubectl-run'));
  assert.deepEqual(mf![0]!.fieldsV1, {
    'f:metadata': { 'f:finalizers': { '.': {}, 'v:"example.com/x"': {} } },
    'f:spec': {
      'f:containers': {
        '.': {},
        'k:{"name":"nginx"}': {
          '.': {},
          'f:image': {},
          'f:name': {},
          'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
          'f:resources': {},
        },
      },
      'f:restartPolicy': {},
    },
  });
});

test('update: the writer owns what it changed; unchanged fields keep their owner; removed fields leave every owner', () => {
  const created = service();
  created.metadata.managedFields = trackUpdate(undefined, created, undefined, opts('Service', 'kubectl-create'));
  const next = structuredClone(created);
  (next.spec as { ports: Array<Record<string, unknown>> }).ports[0]!.targetPort = 9090;
  delete next.metadata.labels;
  const mf = trackUpdate(created, next, next.metadata.managedFields, opts('Service', 'kubectl-edit', { now: T1 }))!;
  const byManager = Object.fromEntries(mf.map((e) => [e.manager, e]));
  assert.deepEqual(byManager['kubectl-edit']!.fieldsV1, { 'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { 'f:targetPort': {} } } } });
  assert.equal(byManager['kubectl-edit']!.time, '2024-01-01T11:00:00Z');
  const create = FieldSet.fromFieldsV1(byManager['kubectl-create']!.fieldsV1);
  assert.ok(create.has([f('spec'), f('type')]));
  assert.ok(!create.has([f('metadata'), f('labels'), f('app')]));
  assert.equal(byManager['kubectl-create']!.time, '2024-01-01T10:00:00Z');
  // entries sort by operation, then time
  assert.deepEqual(mf.map((e) => e.manager), ['kubectl-create', 'kubectl-edit']);
});

test('a write that changes nothing leaves managedFields exactly as they were', () => {
  const created = service();
  created.metadata.managedFields = trackUpdate(undefined, created, undefined, opts('Service', 'kubectl-create'));
  const same = structuredClone(created);
  assert.deepEqual(trackUpdate(created, same, same.metadata.managedFields, opts('Service', 'other', { now: T1 })), created.metadata.managedFields);
  // a client that drops managedFields (an old PUT) does not erase them
  delete same.metadata.managedFields;
  assert.deepEqual(trackUpdate(created, same, undefined, opts('Service', 'other', { now: T1 })), created.metadata.managedFields);
});

test('repeated updates by one manager merge into one entry with a fresh time', () => {
  const obj = service();
  obj.metadata.managedFields = trackUpdate(undefined, obj, undefined, opts('Service', 'ctl'));
  const next = structuredClone(obj);
  next.metadata.labels = { app: 'web', tier: 'fe' };
  const mf = trackUpdate(obj, next, next.metadata.managedFields, opts('Service', 'ctl', { now: T1 }))!;
  assert.equal(mf.length, 1);
  assert.equal(mf[0]!.time, '2024-01-01T11:00:00Z');
  assert.ok(FieldSet.fromFieldsV1(mf[0]!.fieldsV1).has([f('metadata'), f('labels'), f('tier')]));
  assert.ok(FieldSet.fromFieldsV1(mf[0]!.fieldsV1).has([f('spec'), f('type')]));
});

test('status writes record subresource: status and own only status', () => {
  const prev = service();
  prev.metadata.managedFields = trackUpdate(undefined, prev, undefined, opts('Service', 'kubectl-create'));
  const next = structuredClone(prev);
  next.status = { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } };
  const mf = trackUpdate(prev, next, next.metadata.managedFields, opts('Service', 'lb-controller', { subresource: 'status', now: T1 }))!;
  const lb = mf.find((e) => e.manager === 'lb-controller')!;
  assert.equal(lb.subresource, 'status');
  assert.deepEqual(lb.fieldsV1, { 'f:status': { 'f:loadBalancer': { 'f:ingress': {} } } });
  assert.equal(Object.keys(lb).at(-1), 'subresource');
});

test('client-provided managedFields are honoured on update; [{}] clears them', () => {
  const prev = service();
  prev.metadata.managedFields = trackUpdate(undefined, prev, undefined, opts('Service', 'kubectl-create'));
  const next = structuredClone(prev);
  next.metadata.managedFields = [{}] as ManagedFieldsEntry[];
  assert.equal(trackUpdate(prev, next, next.metadata.managedFields, opts('Service', 'x')), undefined);
});

test('more than ten Update managers: the oldest merge into ancient-changes', () => {
  const entries = decodeManagedFields(
    Array.from({ length: 12 }, (_, i) => ({
      manager: `m${String(i).padStart(2, '0')}`,
      operation: 'Update' as const,
      apiVersion: 'v1',
      time: new Date(Date.UTC(2024, 0, 1, i)).toISOString().replace('.000Z', 'Z'),
      fieldsType: 'FieldsV1' as const,
      fieldsV1: { [`f:f${i}`]: {} },
    })),
  );
  const capped = capUpdateManagers(entries);
  assert.equal(capped.length, 10);
  const ancient = capped.find((e) => e.manager === ANCIENT_CHANGES_MANAGER)!;
  assert.deepEqual(ancient.set.toFieldsV1(), { 'f:f0': {}, 'f:f1': {}, 'f:f2': {} });
  assert.equal(ancient.time, '2024-01-01T02:00:00Z');
});

test('the default manager is the User-Agent up to its first "/"', () => {
  assert.equal(managerFromUserAgent('kubectl/v1.30.0 (linux/amd64) kubernetes/7c48c2b'), 'kubectl');
  assert.equal(managerFromUserAgent('curl/8.5.0'), 'curl');
  assert.equal(managerFromUserAgent('Go-http-client/1.1'), 'Go-http-client');
  assert.equal(managerFromUserAgent('a\u0001b'), 'ab');
  assert.equal(managerFromUserAgent('x'.repeat(200)).length, 128);
  assert.equal(resolveManager('mine', 'curl/8'), 'mine');
  assert.equal(resolveManager(undefined, 'curl/8'), 'curl');
  assert.equal(resolveManager(undefined, ''), '');
  assert.equal(resolveManager(undefined, undefined), 'kube-controller-manager');
});
