/**
 * The controllers' initial resync after a restart writes nothing when nothing changed: pods,
 * events, Endpoints and EndpointSlices (managed and mirrored) keep their resourceVersions.
 * Only the simulated kubelet's heartbeat (Node status, Lease) may move.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.js';

const NS = 'resync';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const RESOURCES = [
  '/api/v1/pods',
  '/api/v1/services',
  '/api/v1/endpoints',
  '/apis/discovery.k8s.io/v1/endpointslices',
  '/api/v1/events',
  '/api/v1/namespaces',
];

/** path + namespace/name → resourceVersion, for everything but the heartbeat objects. */
async function versions(srv: TestServer): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const path of RESOURCES) {
    const res = await srv.req('get', path);
    assert.equal(res.status, 200);
    for (const o of res.body.items) {
      // default/kubernetes follows --secure-port, which is 0 (a new port) at every start here
      if (o.metadata.namespace === 'default' && o.metadata.name === 'kubernetes') continue;
      out.set(`${path} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.resourceVersion);
    }
  }
  return out;
}

const pod = (name: string, labels: Record<string, string>, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }], ...spec },
});
const service = (name: string, selector?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { ...(selector ? { selector } : {}), ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
});

async function readyAddresses(srv: TestServer, name: string): Promise<number> {
  const res = await srv.req('get', `/api/v1/namespaces/${NS}/endpoints/${name}`);
  if (res.status !== 200) return -1;
  return (res.body.subsets ?? []).reduce((n: number, ss: { addresses?: unknown[] }) => n + (ss.addresses?.length ?? 0), 0);
}

async function sliceCount(srv: TestServer, service: string): Promise<number> {
  const res = await srv.req('get', `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${service}`)}`);
  return res.body.items.length;
}

/**
 * A barrier: a new service and pod after the restart, whose Endpoints, slice and Running status
 * come out of the same FIFO queues as the resync of everything before them.
 */
async function barrier(srv: TestServer, name: string): Promise<void> {
  assert.equal((await srv.req('post', `/api/v1/namespaces/${NS}/services`).send(service(name, { app: name }))).status, 201);
  assert.equal((await srv.req('post', `/api/v1/namespaces/${NS}/pods`).send(pod(name, { app: name }))).status, 201);
  await until(`${name} endpoints`, async () => ((await readyAddresses(srv, name)) === 1 ? true : undefined));
  await until(`${name} slice`, async () => ((await sliceCount(srv, name)) === 1 ? true : undefined));
}

test('a restart with nothing changed: the controllers resync without writing', async (t) => {
  let srv = await startServer();
  let closed = false;
  const dataDir = srv.dataDir;
  t.after(async () => {
    if (!closed) await srv.close();
  });
  assert.equal((await srv.req('post', '/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } })).status, 201);
  const create = async (kind: string, body: object) => assert.equal((await srv.req('post', `/api/v1/namespaces/${NS}/${kind}`).send(body)).status, 201);
  await create('services', service('web', { app: 'web' }));
  await create('services', service('db', { app: 'db' }));
  for (let i = 0; i < 4; i++) await create('pods', pod(`web-${i}`, { app: 'web' }));
  await create('pods', pod('db-0', { app: 'db' }));
  // unschedulable: a PodScheduled=False condition and a FailedScheduling event
  await create('pods', pod('stuck', { app: 'web' }, { nodeSelector: { nowhere: 'true' } }));
  // selectorless with a user's Endpoints: mirrored into a slice
  await create('services', service('external'));
  await create('endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'external' },
    subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ name: 'http', port: 8080 }] }],
  });
  await until('web endpoints', async () => ((await readyAddresses(srv, 'web')) === 4 ? true : undefined));
  await until('db endpoints', async () => ((await readyAddresses(srv, 'db')) === 1 ? true : undefined));
  await until('mirrored slice', async () => ((await sliceCount(srv, 'external')) === 1 ? true : undefined));
  await until('stuck pod marked', async () => {
    const p = (await srv.req('get', `/api/v1/namespaces/${NS}/pods/stuck`)).body;
    return p.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'PodScheduled' && c.status === 'False') ? true : undefined;
  });
  await barrier(srv, 'settle-1');

  const before = await versions(srv);
  await srv.close(true);
  closed = true;
  srv = await startServer({ dataDir });
  closed = false;
  await barrier(srv, 'settle-2');
  const after = await versions(srv);

  const changed = [...before].filter(([k, rv]) => after.get(k) !== rv).map(([k]) => k);
  assert.deepEqual(changed, [], 'objects rewritten or removed by the resync');
  assert.ok(before.size > 20, `the check covers the cluster (${before.size} objects)`);
});
