/** Server-side apply and managedFields over real HTTPS, with kube's codes and messages. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openWatch, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => {
  srv = await startServer({ flags: ['--nodes', '0'] }); // no kubelet racing the tests' own writes
});
after(async () => {
  await srv.close();
});

const NS = '/api/v1/namespaces/default';
const APPLY = 'application/apply-patch+yaml';

const svcYaml = (name: string, targetPort: number, labels = 'app: web') => `
apiVersion: v1
kind: Service
metadata:
  name: ${name}
${labels ? `  labels: {${labels}}\n` : ''}spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: ${targetPort}
`;

function apply(path: string, body: string, query: string) {
  return srv.req('patch', `${path}?${query}`).set('Content-Type', APPLY).send(body);
}

test('apply creates (201) with an Apply entry that GET shows; a second identical apply changes nothing', async () => {
  const res = await apply(`${NS}/services/ssa-create`, svcYaml('ssa-create', 8080), 'fieldManager=kubectl');
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const [entry] = res.body.metadata.managedFields;
  assert.equal(entry.manager, 'kubectl');
  assert.equal(entry.operation, 'Apply');
  assert.equal(entry.apiVersion, 'v1');
  assert.match(entry.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(entry.fieldsV1, {
    'f:metadata': { 'f:labels': { 'f:app': {} } },
    'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:targetPort': {} } }, 'f:selector': {} },
  });
  assert.match(res.body.spec.clusterIP, /^\d+\.\d+\.\d+\.\d+$/);
  const got = await srv.req('get', `${NS}/services/ssa-create`);
  assert.deepEqual(got.body.metadata.managedFields, res.body.metadata.managedFields);

  const w = await openWatch(srv, `${NS}/services?watch=1&fieldSelector=metadata.name%3Dssa-create&resourceVersion=${res.body.metadata.resourceVersion}`);
  try {
    const again = await apply(`${NS}/services/ssa-create`, svcYaml('ssa-create', 8080), 'fieldManager=kubectl');
    assert.equal(again.status, 200);
    assert.equal(again.body.metadata.resourceVersion, res.body.metadata.resourceVersion);
    assert.deepEqual(again.body.metadata.managedFields, res.body.metadata.managedFields);
    // the next event on the watch is the next real change, not the no-op apply
    const changed = await apply(`${NS}/services/ssa-create`, svcYaml('ssa-create', 9090, ''), 'fieldManager=kubectl');
    assert.equal(changed.status, 200);
    assert.notEqual(changed.body.metadata.resourceVersion, res.body.metadata.resourceVersion);
    assert.equal(changed.body.spec.ports[0].targetPort, 9090);
    assert.equal(changed.body.metadata.labels, undefined, 'the dropped label is removed');
    const [ev] = await w.next(1);
    assert.equal(ev!.type, 'MODIFIED');
    assert.equal(ev!.object.metadata.resourceVersion, changed.body.metadata.resourceVersion);
  } finally {
    w.close();
  }
});

test('two appliers: a conflicting change is a 409 with kube\'s message and causes; force=true takes over', async () => {
  const path = `${NS}/services/ssa-conflict`;
  assert.equal((await apply(path, svcYaml('ssa-conflict', 8080), 'fieldManager=alice')).status, 201);
  const res = await apply(path, svcYaml('ssa-conflict', 9090), 'fieldManager=bob');
  assert.equal(res.status, 409);
  assert.deepEqual(res.body, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Apply failed with 1 conflict: conflict with "alice": .spec.ports[port=80,protocol="TCP"].targetPort',
    reason: 'Conflict',
    details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.ports[port=80,protocol="TCP"].targetPort' }] },
    code: 409,
  });
  const forced = await apply(path, svcYaml('ssa-conflict', 9090), 'fieldManager=bob&force=true');
  assert.equal(forced.status, 200);
  assert.equal(forced.body.spec.ports[0].targetPort, 9090);
  const alice = forced.body.metadata.managedFields.find((e: { manager: string }) => e.manager === 'alice');
  assert.ok(!JSON.stringify(alice.fieldsV1).includes('targetPort'));
  const bob = forced.body.metadata.managedFields.find((e: { manager: string }) => e.manager === 'bob');
  assert.ok(JSON.stringify(bob.fieldsV1).includes('targetPort'));
});

test('an Update manager conflicts as "<m>" using v1', async () => {
  const body = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ssa-upd' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } };
  const created = await srv.req('post', `${NS}/services?fieldManager=kubectl-create`).send(body);
  assert.equal(created.status, 201);
  assert.equal(created.body.metadata.managedFields[0].operation, 'Update');
  const res = await apply(`${NS}/services/ssa-upd`, svcYaml('ssa-upd', 9090), 'fieldManager=kubectl');
  assert.equal(res.status, 409);
  assert.equal(res.body.message, 'Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .spec.ports[port=80,protocol="TCP"].targetPort');
});

test('apply checks its options and the applied object as kube does', async () => {
  const path = `${NS}/services/ssa-bad`;
  const noManager = await srv.req('patch', path).set('Content-Type', APPLY).send(svcYaml('ssa-bad', 1));
  assert.equal(noManager.status, 422);
  assert.equal(noManager.body.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  const wrongKind = await apply(path, svcYaml('ssa-bad', 1).replace('kind: Service', 'kind: Pod'), 'fieldManager=m');
  assert.equal(wrongKind.status, 400);
  assert.equal(wrongKind.body.message, 'invalid object type: /v1, Kind=Pod');
  const withFields = await apply(path, JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ssa-bad', managedFields: [] } }), 'fieldManager=m');
  assert.equal(withFields.status, 400);
  assert.equal(withFields.body.message, 'metadata.managedFields must be nil');
});

test('every write records its manager; the User-Agent names it by default; a no-op patch keeps RV and managedFields', async () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ssa-pod', labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  const created = await srv.req('post', `${NS}/pods`).set('User-Agent', 'curl/8.5.0').send(pod);
  assert.equal(created.status, 201);
  assert.deepEqual(created.body.metadata.managedFields.map((e: { manager: string }) => e.manager), ['curl']);
  assert.ok(!('f:status' in created.body.metadata.managedFields[0].fieldsV1), 'status is not the creator\'s');

  const merge = (patch: unknown) => srv.req('patch', `${NS}/pods/ssa-pod?fieldManager=kubectl-label`).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify(patch));
  const labelled = await merge({ metadata: { labels: { tier: 'fe' } } });
  assert.equal(labelled.status, 200);
  const mf = labelled.body.metadata.managedFields;
  // (in-process controllers may have written the pod meanwhile, under their own manager)
  const label = mf.find((e: { manager: string }) => e.manager === 'kubectl-label');
  assert.deepEqual(label.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:tier': {} } } });
  assert.equal(label.operation, 'Update');
  assert.ok(mf.some((e: { manager: string }) => e.manager === 'curl'));

  const noop = await merge({ metadata: { labels: { tier: 'fe' } } });
  assert.equal(noop.body.metadata.resourceVersion, labelled.body.metadata.resourceVersion);
  assert.deepEqual(noop.body.metadata.managedFields, mf);

  const status = await srv
    .req('patch', `${NS}/pods/ssa-pod/status?fieldManager=kubelet-test`)
    .set('Content-Type', 'application/strategic-merge-patch+json')
    .send(JSON.stringify({ status: { conditions: [{ type: 'example.com/Checked', status: 'True' }] } }));
  assert.equal(status.status, 200);
  const kubelet = status.body.metadata.managedFields.find((e: { manager: string }) => e.manager === 'kubelet-test');
  assert.equal(kubelet.subresource, 'status');
  assert.deepEqual(Object.keys(kubelet.fieldsV1), ['f:status']);
  // (conditions itself is the writer's too when no controller had set one yet)
  assert.deepEqual(kubelet.fieldsV1['f:status']['f:conditions']['k:{"type":"example.com/Checked"}'], { '.': {}, 'f:status': {}, 'f:type': {} });
});

test('apply to /status records subresource status and leaves spec alone', async () => {
  const path = `${NS}/services/ssa-status`;
  assert.equal((await apply(path, svcYaml('ssa-status', 8080), 'fieldManager=kubectl')).status, 201);
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ssa-status' }, spec: { type: 'NodePort' }, status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } } });
  const res = await apply(`${path}/status`, body, 'fieldManager=lb');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.status.loadBalancer.ingress, [{ ip: '192.0.2.1' }]);
  assert.equal(res.body.spec.type, 'ClusterIP');
  const lb = res.body.metadata.managedFields.find((e: { manager: string }) => e.manager === 'lb');
  assert.equal(lb.operation, 'Apply');
  assert.equal(lb.subresource, 'status');
  assert.deepEqual(lb.fieldsV1, { 'f:status': { 'f:loadBalancer': { 'f:ingress': {} } } });
});

test('client-side apply, then server-side apply as kubectl does it (kubectl-last-applied, then kubectl)', async () => {
  const cfg = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ssa-csa', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } };
  const annotation = JSON.stringify(cfg) + '\n';
  const csa = { ...cfg, metadata: { ...cfg.metadata, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': annotation } } };
  const created = await srv.req('post', `${NS}/services?fieldManager=kubectl-client-side-apply`).send(csa);
  assert.equal(created.status, 201);
  // kubectl apply --server-side with a changed port: allowed by the annotation, no conflict
  const changed = { ...cfg, spec: { ...cfg.spec, ports: [{ port: 80, targetPort: 9090 }] } };
  const ssa = await apply(`${NS}/services/ssa-csa`, JSON.stringify(changed), 'fieldManager=kubectl');
  assert.equal(ssa.status, 200, JSON.stringify(ssa.body));
  assert.equal(ssa.body.spec.ports[0].targetPort, 9090);
  const kept = ssa.body.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
  assert.equal(JSON.parse(kept).spec.ports[0].targetPort, 9090);
  // kubectl's saveLastApplyAnnotationIfNecessary: the annotation alone under kubectl-last-applied
  const justAnnotation = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ssa-csa', namespace: 'default', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': kept } } };
  const la = await apply(`${NS}/services/ssa-csa`, JSON.stringify(justAnnotation), 'fieldManager=kubectl-last-applied');
  assert.equal(la.status, 200, JSON.stringify(la.body));
  const entry = la.body.metadata.managedFields.find((e: { manager: string }) => e.manager === 'kubectl-last-applied');
  assert.deepEqual(entry.fieldsV1, { 'f:metadata': { 'f:annotations': { 'f:kubectl.kubernetes.io/last-applied-configuration': {} } } });
  assert.equal(entry.time, undefined, 'an apply that changes nothing records no time, as upstream');
  assert.equal(la.body.spec.ports[0].targetPort, 9090);
});
