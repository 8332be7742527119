/** Namespace deletion end to end: Terminating, content removal, conditions, finalize, DELETED, restarts. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openWatch, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv.close();
});

const HOLD = 'example.com/hold';

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function createNamespace(s: TestServer, name: string): Promise<any> {
  const res = await s.req('post', '/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  assert.equal(res.status, 201);
  return res.body;
}

async function fill(s: TestServer, ns: string, opts: { holdService?: boolean; podOnNode?: string } = {}): Promise<void> {
  const pod = await s.req('post', `/api/v1/namespaces/${ns}/pods`).send({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels: { app: 'a' } },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...(opts.podOnNode ? { nodeName: opts.podOnNode } : {}) },
  });
  assert.equal(pod.status, 201);
  const svc = await s.req('post', `/api/v1/namespaces/${ns}/services`).send({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', ...(opts.holdService ? { finalizers: [HOLD] } : {}) },
    spec: { selector: { app: 'a' }, ports: [{ port: 80 }] },
  });
  assert.equal(svc.status, 201);
  const ep = await s.req('put', `/api/v1/namespaces/${ns}/endpoints/e`).send({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'e' },
    subsets: [{ addresses: [{ ip: '10.244.0.9' }], ports: [{ port: 80 }] }],
  });
  assert.ok(ep.status === 200 || ep.status === 201, String(ep.status));
}

const gone = (s: TestServer, path: string) => async () => ((await s.req('get', path)).status === 404 ? true : undefined);

test('DELETE marks the namespace Terminating, refuses new content, then removes its content and itself', async () => {
  await createNamespace(srv, 'doomed-a');
  await fill(srv, 'doomed-a', { holdService: true });
  const del = await srv.req('delete', '/api/v1/namespaces/doomed-a');
  assert.equal(del.status, 200);
  assert.equal(del.body.kind, 'Namespace');
  assert.equal(del.body.status.phase, 'Terminating');
  assert.ok(del.body.metadata.deletionTimestamp);

  const late = await srv.req('post', '/api/v1/namespaces/doomed-a/pods').send({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'late' }, spec: { containers: [{ name: 'c', image: 'nginx' }] },
  });
  assert.equal(late.status, 403);
  assert.equal(late.body.message, 'pods "late" is forbidden: unable to create new content in namespace doomed-a because it is being terminated');

  // the held service keeps the namespace; the conditions say why, with upstream's wording
  const ns = await until('finalizer condition', async () => {
    const r = await srv.req('get', '/api/v1/namespaces/doomed-a');
    const c = r.body.status?.conditions?.find((x: any) => x.type === 'NamespaceFinalizersRemaining');
    return c?.status === 'True' ? r.body : undefined;
  });
  const cond = (t: string) => ns.status.conditions.find((x: any) => x.type === t);
  assert.deepEqual(
    ns.status.conditions.map((c: any) => c.type),
    ['NamespaceDeletionDiscoveryFailure', 'NamespaceDeletionGroupVersionParsingFailure', 'NamespaceDeletionContentFailure', 'NamespaceContentRemaining', 'NamespaceFinalizersRemaining'],
  );
  assert.equal(cond('NamespaceContentRemaining').reason, 'SomeResourcesRemain');
  assert.equal(cond('NamespaceContentRemaining').message, 'Some resources are remaining: services. has 1 resource instances');
  assert.equal(cond('NamespaceFinalizersRemaining').reason, 'SomeFinalizersRemain');
  assert.equal(cond('NamespaceFinalizersRemaining').message, `Some content in the namespace has finalizers remaining: ${HOLD} in 1 resource instances`);
  assert.equal(cond('NamespaceDeletionDiscoveryFailure').status, 'False');
  assert.equal(cond('NamespaceDeletionDiscoveryFailure').reason, 'ResourcesDiscovered');
  assert.equal(ns.status.phase, 'Terminating');
  assert.deepEqual(ns.spec.finalizers, ['kubernetes']);
  // everything without a finalizer is already gone
  assert.equal((await srv.req('get', '/api/v1/namespaces/doomed-a/pods/p')).status, 404);
  assert.equal((await srv.req('get', '/api/v1/namespaces/doomed-a/endpoints/e')).status, 404);
  const held = await srv.req('get', '/api/v1/namespaces/doomed-a/services/s');
  assert.equal(held.status, 200);
  assert.ok(held.body.metadata.deletionTimestamp);

  const released = await srv.req('patch', '/api/v1/namespaces/doomed-a/services/s')
    .set('Content-Type', 'application/merge-patch+json')
    .send({ metadata: { finalizers: null } });
  assert.equal(released.status, 200);
  await until('namespace gone', gone(srv, '/api/v1/namespaces/doomed-a'));
  assert.equal((await srv.req('get', '/api/v1/namespaces/doomed-a/services/s')).status, 404);
});

test('a watch on namespaces sees MODIFIED (Terminating) and finally DELETED', async (t) => {
  const created = await createNamespace(srv, 'doomed-w');
  await fill(srv, 'doomed-w');
  const w = await openWatch(srv, `/api/v1/namespaces?watch=1&fieldSelector=metadata.name%3Ddoomed-w&resourceVersion=${created.metadata.resourceVersion}`);
  t.after(() => w.close());
  const del = await srv.req('delete', '/api/v1/namespaces/doomed-w');
  assert.equal(del.status, 200);
  const events: any[] = [];
  while (events.at(-1)?.type !== 'DELETED') events.push(...(await w.next(1, 5000)));
  assert.equal(events[0].type, 'MODIFIED');
  assert.equal(events[0].object.status.phase, 'Terminating');
  assert.ok(events.slice(0, -1).every((e) => e.type === 'MODIFIED'), JSON.stringify(events.map((e) => e.type)));
  assert.equal(events.at(-1).object.metadata.name, 'doomed-w');
  for (const path of ['pods/p', 'services/s', 'endpoints/e']) {
    assert.equal((await srv.req('get', `/api/v1/namespaces/doomed-w/${path}`)).status, 404, path);
  }
});

test('a terminating pod on a node holds the namespace until it is gone', async () => {
  await createNamespace(srv, 'doomed-p');
  await fill(srv, 'doomed-p', { podOnNode: 'no-such-node' });
  assert.equal((await srv.req('delete', '/api/v1/namespaces/doomed-p')).status, 200);
  const pod = await until('pod terminating', async () => {
    const r = await srv.req('get', '/api/v1/namespaces/doomed-p/pods/p');
    return r.body.metadata?.deletionTimestamp ? r.body : undefined;
  });
  assert.equal(pod.metadata.deletionGracePeriodSeconds, 30);
  // pods go first: the rest waits for them, as OrderedNamespaceDeletion
  const ns = await until('content condition', async () => {
    const r = await srv.req('get', '/api/v1/namespaces/doomed-p');
    const c = r.body.status?.conditions?.find((x: any) => x.type === 'NamespaceContentRemaining');
    return c?.status === 'True' ? r.body : undefined;
  });
  assert.equal(ns.status.conditions.find((x: any) => x.type === 'NamespaceContentRemaining').message, 'Some resources are remaining: pods. has 1 resource instances');
  assert.equal((await srv.req('get', '/api/v1/namespaces/doomed-p/services/s')).status, 200);
  // what the kubelet does once the containers stopped
  assert.equal((await srv.req('delete', '/api/v1/namespaces/doomed-p/pods/p').send({ gracePeriodSeconds: 0 })).status, 200);
  await until('namespace gone', gone(srv, '/api/v1/namespaces/doomed-p'));
  assert.equal((await srv.req('get', '/api/v1/namespaces/doomed-p/services/s')).status, 404);
});

test('finalize changes spec.finalizers only; emptying it on a terminating namespace deletes it', async () => {
  const created = await createNamespace(srv, 'fin');
  const body = structuredClone(created);
  body.spec.finalizers = ['kubernetes', 'example.com/mine'];
  body.metadata.labels = { ...body.metadata.labels, sneaky: 'yes' };
  body.status = { phase: 'Terminating' };
  const res = await srv.req('put', '/api/v1/namespaces/fin/finalize').send(body);
  assert.equal(res.status, 200);
  assert.equal(res.body.kind, 'Namespace');
  assert.deepEqual(res.body.spec.finalizers, ['kubernetes', 'example.com/mine']);
  assert.equal(res.body.metadata.labels.sneaky, undefined);
  assert.equal(res.body.status.phase, 'Active');

  const stale = await srv.req('put', '/api/v1/namespaces/fin/finalize').send(body);
  assert.equal(stale.status, 409);
  assert.equal(stale.body.reason, 'Conflict');
  const bad = await srv.req('put', '/api/v1/namespaces/fin/finalize').send({ metadata: { name: 'fin' }, spec: { finalizers: ['nodomain'] } });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.details.causes[0].field, 'spec.finalizers[0]');
  assert.match(bad.body.message, /name is neither a standard finalizer name nor is it fully qualified/);
  const post = await srv.req('post', '/api/v1/namespaces/fin/finalize').send(body);
  assert.equal(post.status, 405);

  // a foreign finalizer keeps a terminating namespace after the controller removed its own
  assert.equal((await srv.req('delete', '/api/v1/namespaces/fin')).status, 200);
  const waiting = await until('kubernetes finalizer removed', async () => {
    const r = await srv.req('get', '/api/v1/namespaces/fin');
    return r.status === 200 && !r.body.spec.finalizers.includes('kubernetes') ? r.body : undefined;
  });
  assert.deepEqual(waiting.spec.finalizers, ['example.com/mine']);
  assert.equal(waiting.status.phase, 'Terminating');
  const done = await srv.req('put', '/api/v1/namespaces/fin/finalize').send({ metadata: { name: 'fin' }, spec: { finalizers: [] } });
  assert.equal(done.status, 200);
  assert.equal((await srv.req('get', '/api/v1/namespaces/fin')).status, 404);
});

test('status updates of a terminating namespace do not delete it early', async () => {
  await createNamespace(srv, 'doomed-s');
  await fill(srv, 'doomed-s', { holdService: true });
  assert.equal((await srv.req('delete', '/api/v1/namespaces/doomed-s')).status, 200);
  const ns = (await srv.req('get', '/api/v1/namespaces/doomed-s')).body;
  delete ns.metadata.resourceVersion;
  ns.status.conditions = [{ type: 'Custom', status: 'True', reason: 'Test', message: 'x' }];
  const upd = await srv.req('put', '/api/v1/namespaces/doomed-s/status').send(ns);
  assert.equal(upd.status, 200);
  const after = await srv.req('get', '/api/v1/namespaces/doomed-s');
  assert.equal(after.status, 200);
  assert.equal(after.body.status.phase, 'Terminating');
});

test('discovery lists namespaces/finalize (update) and namespaces/status', async () => {
  const res = await srv.req('get', '/api/v1');
  const byName = new Map(res.body.resources.map((r: any) => [r.name, r]));
  assert.deepEqual((byName.get('namespaces/finalize') as any)?.verbs, ['update']);
  assert.deepEqual((byName.get('namespaces/status') as any)?.verbs, ['get', 'patch', 'update']);
});

test('a namespace left Terminating at shutdown is finished after a restart', async () => {
  const first = await startServer();
  let second: TestServer | undefined;
  try {
    await createNamespace(first, 'doomed-r');
    await fill(first, 'doomed-r', { holdService: true });
    assert.equal((await first.req('delete', '/api/v1/namespaces/doomed-r')).status, 200);
    await until('pod removed', gone(first, '/api/v1/namespaces/doomed-r/pods/p'));
    await first.close(true);

    second = await startServer({ dataDir: first.dataDir });
    const s = second;
    const ns = await s.req('get', '/api/v1/namespaces/doomed-r');
    assert.equal(ns.status, 200);
    assert.equal(ns.body.status.phase, 'Terminating');
    const released = await s.req('patch', '/api/v1/namespaces/doomed-r/services/s')
      .set('Content-Type', 'application/merge-patch+json')
      .send({ metadata: { finalizers: null } });
    assert.equal(released.status, 200);
    await until('namespace gone after restart', gone(s, '/api/v1/namespaces/doomed-r'));
  } finally {
    await second?.close();
  }
});
