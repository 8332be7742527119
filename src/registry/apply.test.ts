import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../apimachinery/meta.js';
import { StatusError } from '../apimachinery/status.js';
import { loadSchemas } from './schema.js';
import { computeApply, LAST_APPLIED_ANNOTATION, type ApplyRequest } from './apply.js';
import { trackUpdate } from './managed-fields.js';

const schemas = loadSchemas();
const T0 = Date.UTC(2024, 0, 1, 10, 0, 0);
const T1 = Date.UTC(2024, 0, 1, 11, 0, 0);

function apply(kind: string, live: KObject | undefined, config: KObject, manager: string, extra: Partial<ApplyRequest> = {}): KObject {
  return computeApply({
    live,
    config,
    identity: { manager, apiVersion: 'v1', hasStatus: true },
    force: false,
    now: T0,
    meta: schemas.patchMeta('', 'v1', kind),
    ...extra,
  });
}

function svcConfig(ports: Array<Record<string, unknown>>, labels: Record<string, string> = { app: 'web' }): KObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', labels }, spec: { selector: { app: 'web' }, ports } };
}

/** What the store adds on create: defaults and system metadata. */
function stored(obj: KObject): KObject {
  const out = structuredClone(obj);
  out.metadata.uid = 'u1';
  out.metadata.resourceVersion = '7';
  for (const p of (out.spec as { ports: Array<Record<string, unknown>> }).ports) p.protocol ??= 'TCP';
  return out;
}

function causesOf(fn: () => unknown): { message: string; code: number; causes: unknown } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError);
    return { message: err.status.message!, code: err.status.code, causes: err.status.details?.causes };
  }
  assert.fail('expected a conflict');
}

test('apply-create owns exactly the configuration (Apply entry, no "." on plain parents)', () => {
  const obj = apply('Service', undefined, svcConfig([{ port: 80, targetPort: 8080 }]), 'kubectl');
  assert.deepEqual(obj.metadata.managedFields, [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'v1',
      time: '2024-01-01T10:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:targetPort': {} } }, 'f:selector': {} },
      },
    },
  ]);
});

test('re-applying the same configuration changes nothing, time included', () => {
  const live = stored(apply('Service', undefined, svcConfig([{ port: 80, targetPort: 8080 }]), 'kubectl'));
  const again = apply('Service', live, svcConfig([{ port: 80, targetPort: 8080 }]), 'kubectl', { now: T1 });
  assert.deepEqual(again, live);
});

test('ports merge by port+protocol; a dropped port and label are removed; a changed value takes effect', () => {
  const live = stored(apply('Service', undefined, svcConfig([{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443 }], { app: 'web', tier: 'fe' }), 'kubectl'));
  const next = apply('Service', live, svcConfig([{ port: 80, targetPort: 9090 }]), 'kubectl', { now: T1 });
  assert.deepEqual((next.spec as { ports: unknown }).ports, [{ port: 80, protocol: 'TCP', targetPort: 9090 }]);
  assert.deepEqual(next.metadata.labels, { app: 'web' });
  assert.equal(next.metadata.uid, 'u1');
  assert.equal(next.metadata.managedFields![0]!.time, '2024-01-01T11:00:00Z');
});

test('a field another manager also owns survives when the applier drops it', () => {
  const live = stored(apply('Service', undefined, svcConfig([{ port: 80 }], { app: 'web', tier: 'fe' }), 'a'));
  const shared = apply('Service', live, svcConfig([{ port: 80 }], { tier: 'fe' }), 'b');
  const dropped = apply('Service', shared, svcConfig([{ port: 80 }], { app: 'web' }), 'a');
  assert.deepEqual(dropped.metadata.labels, { app: 'web', tier: 'fe' });
  const gone = apply('Service', dropped, svcConfig([{ port: 80 }], {}), 'b');
  assert.deepEqual(gone.metadata.labels, { app: 'web' });
});

test('containers merge by name, keeping live order and fields set by others', () => {
  const cfg = (containers: Array<Record<string, unknown>>): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers } });
  const live = apply('Pod', undefined, cfg([{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }]), 'kubectl');
  (live.spec as { containers: Array<Record<string, unknown>> }).containers[0]!.imagePullPolicy = 'IfNotPresent';
  const next = apply('Pod', live, cfg([{ name: 'c', image: 'c:1' }, { name: 'a', image: 'a:2' }]), 'kubectl');
  assert.deepEqual((next.spec as { containers: unknown }).containers, [
    { name: 'c', image: 'c:1' },
    { name: 'a', image: 'a:2', imagePullPolicy: 'IfNotPresent' },
  ]);
});

test('changing a field another manager owns conflicts; force takes it over', () => {
  const created = stored(svcConfig([{ port: 80, targetPort: 8080 }]));
  created.metadata.managedFields = trackUpdate(undefined, created, undefined, {
    manager: 'kubectl-client-side-apply', apiVersion: 'v1', hasStatus: true, now: T0, meta: schemas.patchMeta('', 'v1', 'Service'),
  });
  const cfg = svcConfig([{ port: 80, targetPort: 9090 }]);
  const c = causesOf(() => apply('Service', created, cfg, 'other'));
  assert.equal(c.code, 409);
  assert.equal(c.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .spec.ports[port=80,protocol="TCP"].targetPort');
  assert.deepEqual(c.causes, [
    { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using v1', field: '.spec.ports[port=80,protocol="TCP"].targetPort' },
  ]);
  // the same values are no conflict: both own them
  const shared = apply('Service', created, svcConfig([{ port: 80, targetPort: 8080 }]), 'other');
  assert.deepEqual(shared.metadata.managedFields!.map((e) => e.manager), ['other', 'kubectl-client-side-apply']);

  const forced = apply('Service', created, cfg, 'other', { force: true });
  assert.equal((forced.spec as { ports: Array<{ targetPort: number }> }).ports[0]!.targetPort, 9090);
  const csa = forced.metadata.managedFields!.find((e) => e.manager === 'kubectl-client-side-apply')!;
  assert.ok(!JSON.stringify(csa.fieldsV1).includes('targetPort'));
});

test('several conflicts list each manager and path', () => {
  const live = stored(apply('Service', undefined, svcConfig([{ port: 80, targetPort: 8080 }], { app: 'web' }), 'alpha'));
  const c = causesOf(() => apply('Service', live, svcConfig([{ port: 80, targetPort: 1 }], { app: 'x' }), 'beta'));
  assert.equal(c.message, 'Apply failed with 2 conflicts: conflicts with "alpha":\n- .metadata.labels.app\n- .spec.ports[port=80,protocol="TCP"].targetPort');
  assert.equal((c.causes as unknown[]).length, 2);
});

test('kubectl taking over a client-side-applied object: fields in the last-applied annotation do not conflict', () => {
  const base = svcConfig([{ port: 80, targetPort: 8080 }]);
  const live = stored(base);
  live.metadata.annotations = { [LAST_APPLIED_ANNOTATION]: JSON.stringify(base) };
  live.metadata.managedFields = trackUpdate(undefined, live, undefined, {
    manager: 'kubectl-client-side-apply', apiVersion: 'v1', hasStatus: true, now: T0, meta: schemas.patchMeta('', 'v1', 'Service'),
  });
  const changed = svcConfig([{ port: 80, targetPort: 9090 }]);
  assert.equal(causesOf(() => apply('Service', live, changed, 'someone')).code, 409);
  const next = apply('Service', live, changed, 'kubectl');
  assert.equal((next.spec as { ports: Array<{ targetPort: number }> }).ports[0]!.targetPort, 9090);
  // and kubectl's applies keep the annotation in step with what it applied
  assert.deepEqual(JSON.parse(next.metadata.annotations![LAST_APPLIED_ANNOTATION]!).spec.ports, [{ port: 80, targetPort: 9090 }]);
});
