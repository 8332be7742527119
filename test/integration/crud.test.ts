/** Every verb of the generic REST layer over real HTTPS, with kube's codes, reasons and wording. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { startServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => {
  // no simulated nodes: these tests check pods exactly as stored, which a kubelet would change
  srv = await startServer({ flags: ['--nodes', '0'] });
});
after(async () => {
  await srv.close();
});

const pod = (name: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  // a scheduler nobody runs: the simulated node leaves these pods Pending, so tests see only their own writes
  spec: { schedulerName: 'test-scheduler', containers: [{ name: 'c', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] },
  ...extra,
});

test('public endpoints answer without credentials; everything else is 401 Status', async () => {
  const v = await supertest(srv.url).get('/version').ca(srv.ca);
  assert.equal(v.status, 200);
  assert.equal(v.body.major, '1');
  assert.equal(v.body.minor, '33');
  assert.match(v.body.gitVersion, /^v1\.33\.0-kubelevel/);
  for (const p of ['/healthz', '/livez', '/readyz']) {
    const r = await supertest(srv.url).get(p).ca(srv.ca);
    assert.equal(r.status, 200, p);
    assert.equal(r.text, 'ok');
  }
  const anon = await supertest(srv.url).get('/api/v1/pods').ca(srv.ca);
  assert.equal(anon.status, 401);
  assert.deepEqual(anon.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  const bad = await supertest(srv.url).get('/api').ca(srv.ca).set('Authorization', 'Bearer nope');
  assert.equal(bad.status, 401);
});

test('system namespaces exist from the first start', async () => {
  const res = await srv.req('get', '/api/v1/namespaces');
  assert.equal(res.status, 200);
  assert.equal(res.body.kind, 'NamespaceList');
  const names = res.body.items.map((n: any) => n.metadata.name).sort();
  for (const n of ['default', 'kube-node-lease', 'kube-public', 'kube-system']) assert.ok(names.includes(n), n);
  const def = res.body.items.find((n: any) => n.metadata.name === 'default');
  assert.equal(def.status.phase, 'Active');
  assert.deepEqual(def.spec.finalizers, ['kubernetes']);
  assert.equal(def.metadata.labels['kubernetes.io/metadata.name'], 'default');
});

test('create applies kube defaults and system metadata; get returns the same object', async () => {
  const res = await srv.req('post', '/api/v1/namespaces/default/pods').send(pod('web-1', { app: 'web' }));
  assert.equal(res.status, 201);
  const p = res.body;
  assert.equal(p.kind, 'Pod');
  assert.equal(p.apiVersion, 'v1');
  assert.match(p.metadata.uid, /^[0-9a-f-]{36}$/);
  assert.match(p.metadata.resourceVersion, /^\d+$/);
  assert.match(p.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(p.metadata.namespace, 'default');
  assert.equal(p.spec.restartPolicy, 'Always');
  assert.equal(p.spec.dnsPolicy, 'ClusterFirst');
  assert.equal(p.spec.terminationGracePeriodSeconds, 30);
  assert.equal(p.spec.schedulerName, 'test-scheduler');
  assert.equal(p.spec.containers[0].imagePullPolicy, 'IfNotPresent');
  assert.equal(p.spec.containers[0].terminationMessagePath, '/dev/termination-log');
  assert.equal(p.spec.containers[0].ports[0].protocol, 'TCP');
  assert.equal(p.status.phase, 'Pending');
  assert.equal(p.status.qosClass, 'BestEffort');
  const plain = await srv.req('post', '/api/v1/namespaces/default/pods').send({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'plain' }, spec: { containers: [{ name: 'c', image: 'nginx' }] },
  });
  assert.equal(plain.body.spec.schedulerName, 'default-scheduler');
  assert.equal(plain.body.spec.containers[0].imagePullPolicy, 'Always', 'untagged images are pulled Always');
  const got = await srv.req('get', '/api/v1/namespaces/default/pods/web-1');
  assert.equal(got.status, 200);
  assert.equal(got.body.metadata.uid, p.metadata.uid);
  assert.equal(got.body.metadata.resourceVersion, p.metadata.resourceVersion);
});

test('errors: NotFound, AlreadyExists, missing namespace, name mismatch', async () => {
  const nf = await srv.req('get', '/api/v1/namespaces/default/pods/nope');
  assert.equal(nf.status, 404);
  assert.equal(nf.body.reason, 'NotFound');
  assert.equal(nf.body.message, 'pods "nope" not found');
  assert.deepEqual(nf.body.details, { name: 'nope', kind: 'pods' });

  await srv.req('post', '/api/v1/namespaces/default/pods').send(pod('dup'));
  const dup = await srv.req('post', '/api/v1/namespaces/default/pods').send(pod('dup'));
  assert.equal(dup.status, 409);
  assert.equal(dup.body.reason, 'AlreadyExists');
  assert.equal(dup.body.message, 'pods "dup" already exists');

  const nons = await srv.req('post', '/api/v1/namespaces/ghost/pods').send(pod('x'));
  assert.equal(nons.status, 404);
  assert.equal(nons.body.message, 'namespaces "ghost" not found');

  const mismatch = await srv.req('put', '/api/v1/namespaces/default/pods/dup').send(pod('other'));
  assert.equal(mismatch.status, 400);
  assert.equal(mismatch.body.reason, 'BadRequest');
  assert.equal(mismatch.body.message, 'the name of the object (other) does not match the name on the URL (dup)');

  const slice = await srv.req('get', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/nope');
  assert.equal(slice.body.message, 'endpointslices.discovery.k8s.io "nope" not found');
  assert.deepEqual(slice.body.details, { name: 'nope', group: 'discovery.k8s.io', kind: 'endpointslices' });
});

test('generateName gives prefix plus five random characters', async () => {
  const res = await srv.req('post', '/api/v1/namespaces/default/pods').send({ ...pod(''), metadata: { generateName: 'gen-' } });
  assert.equal(res.status, 201);
  assert.match(res.body.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
});

test('update: stale resourceVersion is a 409 Conflict, a fresh one succeeds, no-op keeps the RV', async () => {
  const created = (await srv.req('post', '/api/v1/namespaces/default/services').send({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'upd' }, spec: { ports: [{ port: 80 }], selector: { app: 'upd' } },
  })).body;
  const rv = created.metadata.resourceVersion;
  const changed = structuredClone(created);
  changed.metadata.labels = { tier: 'a' };
  const ok = await srv.req('put', '/api/v1/namespaces/default/services/upd').send(changed);
  assert.equal(ok.status, 200);
  assert.ok(Number(ok.body.metadata.resourceVersion) > Number(rv));
  const stale = await srv.req('put', '/api/v1/namespaces/default/services/upd').send(changed);
  assert.equal(stale.status, 409);
  assert.equal(stale.body.reason, 'Conflict');
  assert.equal(
    stale.body.message,
    'Operation cannot be fulfilled on services "upd": the object has been modified; please apply your changes to the latest version and try again',
  );
  const same = await srv.req('put', '/api/v1/namespaces/default/services/upd').send(ok.body);
  assert.equal(same.status, 200);
  assert.equal(same.body.metadata.resourceVersion, ok.body.metadata.resourceVersion, 'a no-op update must not bump the RV');
});

test('validation failures are one 422 Invalid with every cause', async () => {
  const res = await srv.req('post', '/api/v1/namespaces/default/pods').send({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'Bad_Name' }, spec: { containers: [{ name: 'c' }], restartPolicy: 'Sometimes' },
  });
  assert.equal(res.status, 422);
  assert.equal(res.body.reason, 'Invalid');
  assert.equal(res.body.details.kind, 'Pod');
  assert.equal(res.body.details.name, 'Bad_Name');
  const fields = res.body.details.causes.map((c: any) => c.field).sort();
  assert.deepEqual(fields, ['metadata.name', 'spec.containers[0].image', 'spec.restartPolicy']);
  const rp = res.body.details.causes.find((c: any) => c.field === 'spec.restartPolicy');
  assert.equal(rp.reason, 'FieldValueNotSupported');
  assert.equal(rp.message, 'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"');
  assert.match(res.body.message, /^Pod "Bad_Name" is invalid: \[/);
});

test('fieldValidation: Strict rejects unknown fields, Warn answers with a Warning header, Ignore drops them', async () => {
  const body = { ...pod('fv-1'), spec: { containers: [{ name: 'c', image: 'nginx', bogus: 1 }] } };
  const strict = await srv.req('post', '/api/v1/namespaces/default/pods?fieldValidation=Strict').send(body);
  assert.equal(strict.status, 400);
  assert.equal(strict.body.message, 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].bogus"');
  const warn = await srv.req('post', '/api/v1/namespaces/default/pods?fieldValidation=Warn').send(body);
  assert.equal(warn.status, 201);
  assert.equal(warn.headers.warning, '299 - "unknown field \\"spec.containers[0].bogus\\""');
  assert.equal(warn.body.spec.containers[0].bogus, undefined);
  const ignore = await srv.req('post', '/api/v1/namespaces/default/pods?fieldValidation=Ignore').send({ ...body, metadata: { name: 'fv-2' } });
  assert.equal(ignore.status, 201);
  assert.equal(ignore.headers.warning, undefined);
});

test('malformed bodies, wrong content types and oversized bodies are Status errors', async () => {
  const bad = await srv.req('post', '/api/v1/namespaces/default/pods').set('Content-Type', 'application/json').send('{"kind":');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.kind, 'Status');
  assert.equal(bad.body.reason, 'BadRequest');
  const wrong = await srv.req('post', '/api/v1/namespaces/default/pods').set('Content-Type', 'text/plain').send('hello');
  assert.equal(wrong.status, 415);
  assert.equal(wrong.body.reason, 'UnsupportedMediaType');
  const big = await srv
    .req('post', '/api/v1/namespaces/default/pods')
    .set('Content-Type', 'application/json')
    .send(JSON.stringify({ ...pod('big'), metadata: { name: 'big', annotations: { a: 'x'.repeat(4 * 1024 * 1024) } } }));
  assert.equal(big.status, 413);
  assert.equal(big.body.reason, 'RequestEntityTooLarge');
  const patch = await srv.req('patch', '/api/v1/namespaces/default/pods/web-1').set('Content-Type', 'application/xml').send('<x/>');
  assert.equal(patch.status, 415);
  const unknownPath = await srv.req('get', '/api/v1/widgets');
  assert.equal(unknownPath.status, 404);
  assert.equal(unknownPath.body.kind, 'Status');
  const health = await srv.req('get', '/healthz');
  assert.equal(health.status, 200, 'the server keeps serving');
});

test('label and field selectors, including unsupported fields', async () => {
  await srv.req('post', '/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sel' } });
  for (const [name, labels] of [['a', { app: 'x', tier: 'fe' }], ['b', { app: 'x', tier: 'be' }], ['c', { app: 'y' }]] as const) {
    assert.equal((await srv.req('post', '/api/v1/namespaces/sel/pods').send(pod(name, labels))).status, 201);
  }
  const names = async (q: string) =>
    (await srv.req('get', `/api/v1/namespaces/sel/pods?${q}`)).body.items.map((p: any) => p.metadata.name).sort().join(',');
  assert.equal(await names('labelSelector=app%3Dx'), 'a,b');
  assert.equal(await names('labelSelector=app%3D%3Dx,tier!%3Dfe'), 'b');
  assert.equal(await names('labelSelector=tier+in+(fe,be)'), 'a,b');
  assert.equal(await names('labelSelector=tier+notin+(fe)'), 'b,c');
  assert.equal(await names('labelSelector=!tier'), 'c');
  assert.equal(await names('labelSelector=tier'), 'a,b');
  assert.equal(await names('fieldSelector=metadata.name%3Db'), 'b');
  assert.equal(await names('fieldSelector=metadata.name!%3Db,metadata.namespace%3Dsel'), 'a,c');
  assert.equal(await names('fieldSelector=status.phase%3DPending'), 'a,b,c');
  const all = await srv.req('get', '/api/v1/pods?fieldSelector=metadata.namespace%3Dsel');
  assert.equal(all.body.items.length, 3);
  const unsupported = await srv.req('get', '/api/v1/namespaces/sel/pods?fieldSelector=spec.foo%3Dx');
  assert.equal(unsupported.status, 400);
  assert.equal(unsupported.body.reason, 'BadRequest');
  assert.match(unsupported.body.message, /field label not supported: spec\.foo/);
  const badLabel = await srv.req('get', '/api/v1/namespaces/sel/pods?labelSelector=a%20in%20(');
  assert.equal(badLabel.status, 400);
});

test('limit + continue pages stably at the first page\'s revision', async () => {
  await srv.req('post', '/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'paging' } });
  for (let i = 0; i < 7; i++) await srv.req('post', '/api/v1/namespaces/paging/pods').send(pod(`p${i}`));
  const first = await srv.req('get', '/api/v1/namespaces/paging/pods?limit=3');
  assert.deepEqual(first.body.items.map((p: any) => p.metadata.name), ['p0', 'p1', 'p2']);
  assert.ok(first.body.metadata.continue);
  assert.equal(first.body.metadata.remainingItemCount, 4);
  // changes after the first page do not show up in later pages
  await srv.req('delete', '/api/v1/namespaces/paging/pods/p4').send({ gracePeriodSeconds: 0 });
  await srv.req('post', '/api/v1/namespaces/paging/pods').send(pod('p3a'));
  const second = await srv.req('get', `/api/v1/namespaces/paging/pods?limit=3&continue=${encodeURIComponent(first.body.metadata.continue)}`);
  assert.equal(second.status, 200);
  assert.deepEqual(second.body.items.map((p: any) => p.metadata.name), ['p3', 'p4', 'p5']);
  assert.equal(second.body.metadata.resourceVersion, first.body.metadata.resourceVersion);
  // counted at the list's revision: p3a (created since) does not count, p4 (deleted since) does
  assert.equal(second.body.metadata.remainingItemCount, 1);
  const third = await srv.req('get', `/api/v1/namespaces/paging/pods?limit=3&continue=${encodeURIComponent(second.body.metadata.continue)}`);
  assert.deepEqual(third.body.items.map((p: any) => p.metadata.name), ['p6']);
  assert.equal(third.body.metadata.continue, undefined);
  const garbage = await srv.req('get', '/api/v1/namespaces/paging/pods?limit=3&continue=garbage');
  assert.equal(garbage.status, 400);
});

test('dryRun=All validates and answers but persists nothing', async () => {
  const res = await srv.req('post', '/api/v1/namespaces/default/pods?dryRun=All').send(pod('dry'));
  assert.equal(res.status, 201);
  assert.equal(res.body.metadata.name, 'dry');
  assert.equal((await srv.req('get', '/api/v1/namespaces/default/pods/dry')).status, 404);
  const svc = await srv.req('post', '/api/v1/namespaces/default/services?dryRun=All').send({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'dry' }, spec: { ports: [{ port: 80 }] },
  });
  assert.equal(svc.status, 201);
  assert.ok(svc.body.spec.clusterIP);
  assert.equal((await srv.req('get', '/api/v1/namespaces/default/services/dry')).status, 404);
  const del = await srv.req('delete', '/api/v1/namespaces/default/pods/web-1').send({ dryRun: ['All'] });
  assert.equal(del.status, 200);
  assert.equal((await srv.req('get', '/api/v1/namespaces/default/pods/web-1')).status, 200);
});

test('delete: preconditions, returned object, deletecollection by label', async () => {
  const created = (await srv.req('post', '/api/v1/namespaces/default/services').send({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'del', labels: { del: 'yes' } }, spec: { ports: [{ port: 80 }] },
  })).body;
  const wrongUid = await srv.req('delete', '/api/v1/namespaces/default/services/del').send({ preconditions: { uid: 'nope' } });
  assert.equal(wrongUid.status, 409);
  assert.match(wrongUid.body.message, /Precondition failed: UID in precondition: nope, UID in object meta: /);
  const ok = await srv.req('delete', '/api/v1/namespaces/default/services/del').send({ preconditions: { uid: created.metadata.uid } });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.kind, 'Service');
  assert.equal((await srv.req('get', '/api/v1/namespaces/default/services/del')).status, 404);
  const again = await srv.req('delete', '/api/v1/namespaces/default/services/del');
  assert.equal(again.status, 404);

  for (const n of ['dc1', 'dc2']) {
    await srv.req('post', '/api/v1/namespaces/default/endpoints').send({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: n, labels: { dc: 'yes' } } });
  }
  const coll = await srv.req('delete', '/api/v1/namespaces/default/endpoints?labelSelector=dc%3Dyes');
  assert.equal(coll.status, 200);
  assert.equal(coll.body.kind, 'EndpointsList');
  assert.equal(coll.body.items.length, 2);
  const left = await srv.req('get', '/api/v1/namespaces/default/endpoints?labelSelector=dc%3Dyes');
  assert.equal(left.body.items.length, 0);
});

test('finalizers turn delete into a deletionTimestamp until the last one is removed', async () => {
  const ep = (await srv.req('post', '/api/v1/namespaces/default/endpoints').send({
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'fin', finalizers: ['example.com/hold'] },
  })).body;
  const del = await srv.req('delete', '/api/v1/namespaces/default/endpoints/fin');
  assert.equal(del.status, 200);
  const marked = (await srv.req('get', '/api/v1/namespaces/default/endpoints/fin')).body;
  assert.ok(marked.metadata.deletionTimestamp);
  assert.equal(marked.metadata.uid, ep.metadata.uid);
  const released = await srv
    .req('patch', '/api/v1/namespaces/default/endpoints/fin')
    .set('Content-Type', 'application/merge-patch+json')
    .send({ metadata: { finalizers: null } });
  assert.equal(released.status, 200);
  assert.equal((await srv.req('get', '/api/v1/namespaces/default/endpoints/fin')).status, 404);
});

test('status subresource: only status changes through it, and main updates keep status', async () => {
  await srv.req('post', '/api/v1/namespaces/default/pods').send(pod('st'));
  const cur = (await srv.req('get', '/api/v1/namespaces/default/pods/st')).body;
  const viaStatus = structuredClone(cur);
  viaStatus.status.phase = 'Running';
  viaStatus.metadata.labels = { sneaky: 'yes' };
  const res = await srv.req('put', '/api/v1/namespaces/default/pods/st/status').send(viaStatus);
  assert.equal(res.status, 200);
  assert.equal(res.body.status.phase, 'Running');
  assert.equal(res.body.metadata.labels?.sneaky, undefined);
  const viaMain = structuredClone(res.body);
  viaMain.status.phase = 'Failed';
  const main = await srv.req('put', '/api/v1/namespaces/default/pods/st').send(viaMain);
  assert.equal(main.status, 200);
  assert.equal(main.body.status.phase, 'Running');
  const get = await srv.req('get', '/api/v1/namespaces/default/pods/st/status');
  assert.equal(get.status, 200);
  assert.equal(get.body.status.phase, 'Running');
});

test('a terminating namespace refuses new content with 403', async () => {
  await srv.req('post', '/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
  // content held by a finalizer keeps the namespace Terminating (the namespace controller would remove it otherwise)
  await srv.req('post', '/api/v1/namespaces/doomed/endpoints').send({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'hold', finalizers: ['example.com/hold'] } });
  const del = await srv.req('delete', '/api/v1/namespaces/doomed');
  assert.equal(del.status, 200);
  assert.equal(del.body.status.phase, 'Terminating');
  const res = await srv.req('post', '/api/v1/namespaces/doomed/pods').send(pod('late'));
  assert.equal(res.status, 403);
  assert.equal(res.body.reason, 'Forbidden');
  assert.equal(res.body.message, 'pods "late" is forbidden: unable to create new content in namespace doomed because it is being terminated');
  const immortal = await srv.req('delete', '/api/v1/namespaces/default');
  assert.equal(immortal.status, 403);
  assert.equal(immortal.body.message, 'namespaces "default" is forbidden: this namespace may not be deleted');
});
