/**
 * --controllers over HTTPS: with the endpoints and endpointslice controllers off (to run your own
 * against kubelevel), a Service with a selector gets neither Endpoints nor EndpointSlices, while
 * the rest (ClusterIP allocation, the simulated node, the load balancer, mirroring, the apiserver's
 * own `kubernetes` endpoints) works as usual. With an empty list the API server runs alone.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.js';

const NS = 'ctl-flag';
const base = `/api/v1/namespaces/${NS}`;
const slicesBase = `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices`;

let srv: TestServer;
before(async () => {
  srv = await startServer({ flags: ['--controllers=*,-endpoints-controller,-endpointslice', '--load-balancer-ip-range=192.168.78.10-192.168.78.19'] });
  const ns = await srv.req('post', '/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  assert.equal(ns.status, 201, JSON.stringify(ns.body));
});
after(async () => {
  await srv.close();
});

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function post(s: TestServer, path: string, body: Record<string, unknown>): Promise<any> {
  const res = await s.req('post', path).send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

const slicesOf = async (s: TestServer, basePath: string, service: string): Promise<any[]> => {
  const res = await s.req('get', `${basePath}?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${service}`)}`);
  assert.equal(res.status, 200);
  return res.body.items;
};

test('endpoints and endpointslice controllers off: a selected, ready pod gets no Endpoints or EndpointSlice; the rest works', async () => {
  const svc = await post(srv, `${base}/services`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
  });
  assert.ok(svc.spec.clusterIP, 'ClusterIP allocated');
  assert.ok(svc.spec.ports[0].nodePort >= 30000, 'NodePort allocated');
  await post(srv, `${base}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', image: 'nginx:1.25', ports: [{ containerPort: 8080 }] }] },
  });
  // a selectorless Service with hand-written Endpoints: the mirroring controller is still on
  await post(srv, `${base}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext' }, spec: { ports: [{ port: 5432 }] } });
  await post(srv, `${base}/endpoints`, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'ext' },
    subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 5432 }] }],
  });

  // the controllers that are on did their part: the pod scheduled and Ready, the ingress IP, the mirrored slice
  const pod = await until('pod web-0 ready', async () => {
    const p = (await srv.req('get', `${base}/pods/web-0`)).body;
    return p.status?.podIP && p.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') ? p : undefined;
  });
  assert.ok(pod.spec.nodeName);
  const ingress = await until('web ingress', async () => (await srv.req('get', `${base}/services/web`)).body.status?.loadBalancer?.ingress?.[0]?.ip as string | undefined);
  assert.match(ingress, /^192\.168\.78\./);
  const mirrored = await until('mirrored slice for ext', async () => {
    const items = await slicesOf(srv, slicesBase, 'ext');
    return items.length > 0 ? items : undefined;
  });
  assert.equal(mirrored[0].metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslicemirroring-controller.k8s.io');
  assert.deepEqual(mirrored[0].endpoints.map((e: any) => e.addresses[0]), ['192.0.2.10']);

  // nothing wrote endpoints for the selector: that is left to the user's own controller
  assert.equal((await srv.req('get', `${base}/endpoints/web`)).status, 404);
  assert.deepEqual(await slicesOf(srv, slicesBase, 'web'), []);
  // the apiserver's own endpoints for `kubernetes` are not a controller's
  assert.equal((await srv.req('get', '/api/v1/namespaces/default/endpoints/kubernetes')).status, 200);
  assert.equal((await slicesOf(srv, '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', 'kubernetes')).length, 1);
});

test('--controllers= and --nodes=0: the API server alone still allocates and stores, and writes nothing more', async () => {
  const alone = await startServer({ flags: ['--controllers=', '--nodes=0'] });
  try {
    const svc = await post(alone, '/api/v1/namespaces/default/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    assert.ok(svc.spec.clusterIP);
    assert.ok(svc.spec.ports[0].nodePort >= 30000);
    await post(alone, '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-0', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] },
    });
    const pod = (await alone.req('get', '/api/v1/namespaces/default/pods/web-0')).body;
    assert.equal(pod.spec.nodeName, undefined);
    assert.equal(pod.status.phase, 'Pending');
    assert.equal((await alone.req('get', '/api/v1/nodes')).body.items.length, 0);
    assert.equal((await alone.req('get', '/api/v1/namespaces/default/endpoints/web')).status, 404);
    assert.equal((await alone.req('get', '/api/v1/namespaces/default/endpoints/kubernetes')).status, 200);
  } finally {
    await alone.close();
  }
});
