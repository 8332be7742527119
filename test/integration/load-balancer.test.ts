/** LoadBalancer Services over HTTPS: ingress IPs from the pool, classes, type changes, restarts, a disabled pool. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.js';

const POOL = '192.168.77.10-192.168.77.19';

let srv: TestServer;
before(async () => {
  srv = await startServer({ flags: [`--load-balancer-ip-range=${POOL}`] });
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

async function createService(s: TestServer, name: string, spec: Record<string, unknown>): Promise<any> {
  const res = await s.req('post', '/api/v1/namespaces/default/services').send({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

async function patchService(s: TestServer, name: string, patch: object): Promise<any> {
  const res = await s.req('patch', `/api/v1/namespaces/default/services/${name}`).set('Content-Type', 'application/merge-patch+json').send(patch);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

const getService = async (s: TestServer, name: string) => (await s.req('get', `/api/v1/namespaces/default/services/${name}`)).body;

/** Waits until the service has an ingress IP and returns it. */
const ingressOf = (s: TestServer, name: string) =>
  until(`${name} ingress`, async () => (await getService(s, name)).status?.loadBalancer?.ingress?.[0]?.ip as string | undefined);

function inPool(ip: string): boolean {
  const last = Number(ip.split('.')[3]);
  return ip.startsWith('192.168.77.') && last >= 10 && last <= 19;
}

test('a LoadBalancer service gets an ingress IP from the pool (ipMode VIP), a ClusterIP and node ports', async () => {
  const created = await createService(srv, 'lb-a', { type: 'LoadBalancer' });
  assert.deepEqual(created.status, { loadBalancer: {} });
  assert.ok(created.spec.clusterIP);
  const port = created.spec.ports[0].nodePort;
  assert.ok(port >= 30000 && port <= 32767, String(port));
  const ip = await ingressOf(srv, 'lb-a');
  assert.ok(inPool(ip), ip);
  const svc = await getService(srv, 'lb-a');
  assert.deepEqual(svc.status.loadBalancer, { ingress: [{ ip, ipMode: 'VIP' }] });
  assert.equal(svc.spec.clusterIP, created.spec.clusterIP);

  await createService(srv, 'lb-b', { type: 'LoadBalancer' });
  const other = await ingressOf(srv, 'lb-b');
  assert.ok(inPool(other), other);
  assert.notEqual(other, ip);
});

test('spec.loadBalancerIP is honoured when in the pool and free; otherwise the service stays pending', async () => {
  await createService(srv, 'lb-want', { type: 'LoadBalancer', loadBalancerIP: '192.168.77.19' });
  assert.equal(await ingressOf(srv, 'lb-want'), '192.168.77.19');
  await createService(srv, 'lb-taken', { type: 'LoadBalancer', loadBalancerIP: '192.168.77.19' });
  await createService(srv, 'lb-outside', { type: 'LoadBalancer', loadBalancerIP: '10.1.2.3' });
  // one worker handles services in order: once this one has its IP, the two above were decided
  await createService(srv, 'lb-marker-1', { type: 'LoadBalancer' });
  await ingressOf(srv, 'lb-marker-1');
  assert.deepEqual((await getService(srv, 'lb-taken')).status, { loadBalancer: {} });
  assert.deepEqual((await getService(srv, 'lb-outside')).status, { loadBalancer: {} });

  // deleting the holder frees the address for the service that asked for it
  assert.equal((await srv.req('delete', '/api/v1/namespaces/default/services/lb-want')).status, 200);
  assert.equal(await ingressOf(srv, 'lb-taken'), '192.168.77.19');
});

test('services of another loadBalancerClass are left alone; ours is served', async () => {
  await createService(srv, 'lb-foreign', { type: 'LoadBalancer', loadBalancerClass: 'example.com/other' });
  await createService(srv, 'lb-ours', { type: 'LoadBalancer', loadBalancerClass: 'kubelevel.io/lb' });
  const ip = await ingressOf(srv, 'lb-ours');
  assert.ok(inPool(ip), ip);
  assert.deepEqual((await getService(srv, 'lb-foreign')).status, { loadBalancer: {} });
  // another implementation's status is not touched either
  const foreign = await getService(srv, 'lb-foreign');
  foreign.status = { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } };
  assert.equal((await srv.req('put', '/api/v1/namespaces/default/services/lb-foreign/status').send(foreign)).status, 200);
  await createService(srv, 'lb-marker-2', { type: 'LoadBalancer' });
  await ingressOf(srv, 'lb-marker-2');
  assert.deepEqual((await getService(srv, 'lb-foreign')).status.loadBalancer, { ingress: [{ hostname: 'lb.example.com' }] });
});

test('ClusterIP stays across ClusterIP -> LoadBalancer -> NodePort -> ClusterIP; the status and the IP go with the type', async () => {
  const created = await createService(srv, 'lb-flip', {});
  const clusterIP = created.spec.clusterIP;
  assert.equal(created.spec.ports[0].nodePort, undefined);

  const lb = await patchService(srv, 'lb-flip', { spec: { type: 'LoadBalancer' } });
  assert.equal(lb.spec.clusterIP, clusterIP);
  const nodePort = lb.spec.ports[0].nodePort;
  assert.ok(nodePort >= 30000 && nodePort <= 32767, String(nodePort));
  const ip = await ingressOf(srv, 'lb-flip');

  const np = await patchService(srv, 'lb-flip', { spec: { type: 'NodePort' } });
  assert.equal(np.spec.clusterIP, clusterIP);
  assert.equal(np.spec.ports[0].nodePort, nodePort);
  await until('status cleared', async () => {
    const s = await getService(srv, 'lb-flip');
    return Object.keys(s.status.loadBalancer ?? {}).length === 0 ? true : undefined;
  });
  // the freed address can be asked for again
  await createService(srv, 'lb-reuse', { type: 'LoadBalancer', loadBalancerIP: ip });
  assert.equal(await ingressOf(srv, 'lb-reuse'), ip);

  const back = await patchService(srv, 'lb-flip', { spec: { type: 'ClusterIP', ports: [{ port: 80 }] } });
  assert.equal(back.spec.clusterIP, clusterIP);
  assert.equal(back.spec.ports[0].nodePort, undefined);
});

test('ClusterIP back from LoadBalancer clears status.loadBalancer', async () => {
  await createService(srv, 'lb-back', { type: 'LoadBalancer' });
  await ingressOf(srv, 'lb-back');
  const back = await patchService(srv, 'lb-back', { spec: { type: 'ClusterIP', ports: [{ port: 80 }] } });
  assert.equal(back.spec.type, 'ClusterIP');
  const cleared = await until('status cleared', async () => {
    const s = await getService(srv, 'lb-back');
    return Object.keys(s.status.loadBalancer ?? {}).length === 0 ? s : undefined;
  });
  assert.deepEqual(cleared.status, { loadBalancer: {} });
});

test('assignments survive a restart; an exhausted pool leaves services pending until an address frees', async () => {
  const first = await startServer({ flags: ['--load-balancer-ip-range=192.168.78.10-192.168.78.11'] });
  let second: TestServer | undefined;
  try {
    await createService(first, 'one', { type: 'LoadBalancer' });
    assert.equal(await ingressOf(first, 'one'), '192.168.78.10');
    await first.close(true);

    second = await startServer({ dataDir: first.dataDir, flags: ['--load-balancer-ip-range=192.168.78.10-192.168.78.11'] });
    const s = second;
    await createService(s, 'two', { type: 'LoadBalancer' });
    assert.equal(await ingressOf(s, 'two'), '192.168.78.11');
    assert.equal((await getService(s, 'one')).status.loadBalancer.ingress[0].ip, '192.168.78.10');

    // the pool is exhausted: three waits; it is queued before two's type change, so it was looked at first
    await createService(s, 'three', { type: 'LoadBalancer' });
    await patchService(s, 'two', { spec: { type: 'ClusterIP', ports: [{ port: 80 }] } });
    assert.equal(await ingressOf(s, 'three'), '192.168.78.11');
    assert.deepEqual((await getService(s, 'two')).status, { loadBalancer: {} });
  } finally {
    await second?.close();
  }
});

test('with --load-balancer-ip-range= the service keeps node ports and EXTERNAL-IP <pending>', async () => {
  const off = await startServer({ flags: ['--load-balancer-ip-range='] });
  try {
    const created = await createService(off, 'lb-off', { type: 'LoadBalancer' });
    assert.ok(created.spec.ports[0].nodePort >= 30000);
    const table = await off.req('get', '/api/v1/namespaces/default/services/lb-off').set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io');
    assert.equal(table.status, 200);
    const col = table.body.columnDefinitions.findIndex((c: any) => c.name === 'External-IP');
    assert.equal(table.body.rows[0].cells[col], '<pending>');
  } finally {
    await off.close();
  }
});
