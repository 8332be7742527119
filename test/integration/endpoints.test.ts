/**
 * Endpoints, EndpointSlices and mirroring over HTTPS: the tutorial flow (Service → pods → IPs
 * in Endpoints), readiness, deletion, selector and port changes, selectorless services, watch.
 * Pods get their IP and readiness from the test through the status subresource, and sit on a
 * node of the test's own, so no simulated node or scheduler takes them over.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openWatch, type TestServer } from '../helpers/server.js';

let srv: TestServer;
const NS = 'ep-test';
const NODE = 'ep-test-node';

before(async () => {
  srv = await startServer();
  const ns = await srv.req('post', '/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  assert.equal(ns.status, 201, JSON.stringify(ns.body));
  const node = await srv
    .req('post', '/api/v1/nodes')
    .send({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE, labels: { 'topology.kubernetes.io/zone': 'zone-a' } } });
  assert.equal(node.status, 201, JSON.stringify(node.body));
});
after(async () => {
  await srv.close();
});

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${JSON.stringify(last ?? null)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const base = `/api/v1/namespaces/${NS}`;
const slicesBase = `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices`;

async function createService(name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}): Promise<any> {
  const res = await srv.req('post', `${base}/services`).send({ apiVersion: 'v1', kind: 'Service', metadata: { name, labels }, spec });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

async function createPod(name: string, labels: Record<string, string>, ports: Record<string, unknown>[] = [], finalizers: string[] = []): Promise<any> {
  const res = await srv.req('post', `${base}/pods`).send({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels, finalizers },
    spec: { nodeName: NODE, schedulerName: 'ep-test-manual', containers: [{ name: 'c', image: 'nginx:1.25', ports }] },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

/** What the kubelet would report: an IP, Running, and the Ready condition. */
async function setPodStatus(name: string, ip: string, ready: boolean): Promise<void> {
  const res = await srv
    .req('patch', `${base}/pods/${name}/status`)
    .set('Content-Type', 'application/merge-patch+json')
    .send({
      status: {
        phase: 'Running',
        podIP: ip,
        podIPs: [{ ip }],
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }],
      },
    });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

const getEndpoints = async (name: string) => srv.req('get', `${base}/endpoints/${name}`);

async function slicesOf(service: string): Promise<any[]> {
  const res = await srv.req('get', `${slicesBase}?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${service}`)}`);
  assert.equal(res.status, 200);
  return res.body.items;
}

/** "ip:port" of every ready address, sorted. */
function readyPairs(ep: any): string[] {
  const out: string[] = [];
  for (const ss of ep?.subsets ?? []) for (const a of ss.addresses ?? []) for (const p of ss.ports ?? [{ port: '' }]) out.push(`${a.ip}:${p.port}`);
  return out.sort();
}
function notReadyIPs(ep: any): string[] {
  return (ep?.subsets ?? []).flatMap((ss: any) => (ss.notReadyAddresses ?? []).map((a: any) => a.ip)).sort();
}
function sliceIPs(slices: any[], pred: (e: any) => boolean = () => true): string[] {
  return slices.flatMap((s) => (s.endpoints ?? []).filter(pred).flatMap((e: any) => e.addresses)).sort();
}

test('tutorial flow: pods labelled app=MyApp appear as podIP:9376 in Endpoints and in an EndpointSlice', async (t) => {
  const svc = await createService('my-service', { selector: { app: 'MyApp' }, ports: [{ protocol: 'TCP', port: 80, targetPort: 9376 }] }, { team: 'blue' });
  // a service without ready pods still gets its (empty) Endpoints and a placeholder slice
  const empty = await until('empty endpoints', async () => ((await getEndpoints('my-service')).status === 200 ? (await getEndpoints('my-service')).body : undefined));
  assert.equal(empty.subsets, undefined);
  assert.equal(empty.metadata.labels.team, 'blue');
  const placeholder = await until('placeholder slice', async () => ((await slicesOf('my-service')).length === 1 ? (await slicesOf('my-service'))[0] : undefined));
  assert.deepEqual(placeholder.endpoints ?? [], []);

  for (const [i, ip] of ['10.244.1.11', '10.244.1.12'].entries()) {
    await createPod(`myapp-${i}`, { app: 'MyApp' });
    await setPodStatus(`myapp-${i}`, ip, true);
  }
  await createPod('other', { app: 'Other' });
  await setPodStatus('other', '10.244.1.99', true);

  const ep = await until('two addresses', async () => {
    const body = (await getEndpoints('my-service')).body;
    return readyPairs(body).length === 2 ? body : undefined;
  });
  assert.deepEqual(readyPairs(ep), ['10.244.1.11:9376', '10.244.1.12:9376']);
  assert.equal(ep.subsets.length, 1);
  assert.deepEqual(ep.subsets[0].ports, [{ port: 9376, protocol: 'TCP' }]);
  const addr = ep.subsets[0].addresses[0];
  assert.equal(addr.nodeName, NODE);
  assert.deepEqual({ ...addr.targetRef, uid: undefined }, { kind: 'Pod', namespace: NS, name: 'myapp-0', uid: undefined });
  assert.match(addr.targetRef.uid, /^[0-9a-f-]{36}$/);
  assert.match(ep.metadata.annotations['endpoints.kubernetes.io/last-change-trigger-time'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const slice = await until('slice with two endpoints', async () => {
    const s = await slicesOf('my-service');
    return s.length === 1 && sliceIPs(s).length === 2 ? s[0] : undefined;
  });
  assert.equal(slice.metadata.name, placeholder.metadata.name, 'the placeholder slice is reused');
  assert.match(slice.metadata.name, /^my-service-[a-z0-9]{5}$/);
  assert.equal(slice.addressType, 'IPv4');
  assert.deepEqual(slice.metadata.labels, {
    team: 'blue',
    'kubernetes.io/service-name': 'my-service',
    'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
  });
  assert.deepEqual(slice.metadata.ownerReferences, [
    { apiVersion: 'v1', kind: 'Service', name: 'my-service', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true },
  ]);
  assert.deepEqual(slice.ports, [{ name: '', port: 9376, protocol: 'TCP' }]);
  const e0 = slice.endpoints.find((e: any) => e.addresses[0] === '10.244.1.11');
  assert.deepEqual(e0.conditions, { ready: true, serving: true, terminating: false });
  assert.equal(e0.nodeName, NODE);
  assert.equal(e0.zone, 'zone-a');
  assert.equal(e0.targetRef.name, 'myapp-0');

  // pod ready → Endpoints updated: the latency a client would see
  // a finalizer holds the pod in Terminating once deleted, however fast the node finishes it
  await createPod('myapp-late', { app: 'MyApp' }, [], ['ep-test/hold']);
  const started = Date.now();
  await setPodStatus('myapp-late', '10.244.1.13', true);
  await until('third address', async () => (readyPairs((await getEndpoints('my-service')).body).includes('10.244.1.13:9376') ? true : undefined));
  const latency = Date.now() - started;
  t.diagnostic(`pod ready → Endpoints updated in ${latency} ms (polling every 10 ms)`);
  assert.ok(latency < 5000, `${latency} ms`);
});

test('readiness false moves the address to notReadyAddresses; the slice says ready=false', async () => {
  await setPodStatus('myapp-1', '10.244.1.12', false);
  const ep = await until('not ready', async () => {
    const body = (await getEndpoints('my-service')).body;
    return notReadyIPs(body).includes('10.244.1.12') ? body : undefined;
  });
  assert.deepEqual(readyPairs(ep), ['10.244.1.11:9376', '10.244.1.13:9376']);
  const slices = await until('slice not ready', async () => {
    const s = await slicesOf('my-service');
    return sliceIPs(s, (e) => e.conditions.ready === false).includes('10.244.1.12') ? s : undefined;
  });
  const e = slices.flatMap((s) => s.endpoints).find((x: any) => x.addresses[0] === '10.244.1.12');
  assert.deepEqual(e.conditions, { ready: false, serving: false, terminating: false });
  await setPodStatus('myapp-1', '10.244.1.12', true);
  await until('ready again', async () => (readyPairs((await getEndpoints('my-service')).body).length === 3 ? true : undefined));
});

test('deleting a pod: a terminating pod leaves Endpoints at once, stays in the slice as terminating, then goes', async () => {
  const del = await srv.req('delete', `${base}/pods/myapp-late`);
  assert.equal(del.status, 200);
  assert.ok(del.body.metadata.deletionTimestamp, 'graceful deletion on a node');
  await until('address gone', async () => (readyPairs((await getEndpoints('my-service')).body).includes('10.244.1.13:9376') ? undefined : true));
  const ep = (await getEndpoints('my-service')).body;
  assert.ok(!notReadyIPs(ep).includes('10.244.1.13'));
  const slices = await until('terminating in slice', async () => {
    const s = await slicesOf('my-service');
    return sliceIPs(s, (e) => e.conditions.terminating === true).includes('10.244.1.13') ? s : undefined;
  });
  const e = slices.flatMap((s) => s.endpoints).find((x: any) => x.addresses[0] === '10.244.1.13');
  assert.deepEqual(e.conditions, { ready: false, serving: true, terminating: true });

  const release = await srv
    .req('patch', `${base}/pods/myapp-late`)
    .set('Content-Type', 'application/merge-patch+json')
    .send({ metadata: { finalizers: null } });
  assert.equal(release.status, 200, JSON.stringify(release.body));
  await srv.req('delete', `${base}/pods/myapp-late?gracePeriodSeconds=0`);
  await until('pod gone', async () => ((await srv.req('get', `${base}/pods/myapp-late`)).status === 404 ? true : undefined));
  await until('gone from slice', async () => (sliceIPs(await slicesOf('my-service')).includes('10.244.1.13') ? undefined : true));
});

test('a watch on endpoints sees the controller follow the pods', async () => {
  const list = await srv.req('get', `${base}/endpoints`);
  const w = await openWatch(srv, `${base}/endpoints?watch=1&fieldSelector=metadata.name%3Dmy-service&resourceVersion=${list.body.metadata.resourceVersion}`);
  try {
    await createPod('myapp-w', { app: 'MyApp' });
    await setPodStatus('myapp-w', '10.244.1.14', true);
    for (;;) {
      const [ev] = await w.next(1, 5000);
      assert.equal(ev!.type, 'MODIFIED');
      if (readyPairs(ev!.object).includes('10.244.1.14:9376')) break;
    }
  } finally {
    w.close();
  }
});

test('changing the selector and the ports updates Endpoints; named targetPorts resolve per pod', async () => {
  await createService('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
  await createPod('web-a', { app: 'web', tier: 'front' }, [{ name: 'http', containerPort: 8080 }]);
  await setPodStatus('web-a', '10.244.2.1', true);
  await createPod('web-b', { app: 'web' }, [{ name: 'http', containerPort: 8081 }]);
  await setPodStatus('web-b', '10.244.2.2', true);
  await createPod('web-c', { app: 'web' }, [{ name: 'other', containerPort: 9999 }]);
  await setPodStatus('web-c', '10.244.2.3', true);
  const ep = await until('named ports', async () => {
    const body = (await getEndpoints('web')).body;
    return readyPairs(body).length === 2 ? body : undefined;
  });
  // web-c has no port named http: it is in no subset
  assert.deepEqual(readyPairs(ep), ['10.244.2.1:8080', '10.244.2.2:8081']);
  assert.equal(ep.subsets.length, 2);
  for (const ss of ep.subsets) assert.equal(ss.ports[0].name, 'http');

  const narrowed = await srv
    .req('patch', `${base}/services/web`)
    .set('Content-Type', 'application/merge-patch+json')
    .send({ spec: { selector: { app: 'web', tier: 'front' }, ports: [{ name: 'http', port: 80, targetPort: 7000 }] } });
  assert.equal(narrowed.status, 200, JSON.stringify(narrowed.body));
  await until('selector change', async () => {
    const body = (await getEndpoints('web')).body;
    return JSON.stringify(readyPairs(body)) === JSON.stringify(['10.244.2.1:7000']) ? true : undefined;
  });
  await until('slices follow', async () => {
    const s = await slicesOf('web');
    return JSON.stringify(sliceIPs(s)) === JSON.stringify(['10.244.2.1']) && s[0].ports[0].port === 7000 ? true : undefined;
  });
});

test('a selectorless service keeps its hand-written Endpoints, mirrored into a slice', async () => {
  await createService('external-db', { ports: [{ port: 5432, targetPort: 8000 }] });
  const created = await srv.req('post', `${base}/endpoints`).send({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'external-db', labels: { owner: 'me' } },
    subsets: [{ addresses: [{ ip: '1.2.3.4' }], ports: [{ port: 8000 }] }],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const mirrored = await until('mirrored slice', async () => {
    const s = await slicesOf('external-db');
    return s.length === 1 ? s[0] : undefined;
  });
  assert.equal(mirrored.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslicemirroring-controller.k8s.io');
  assert.equal(mirrored.metadata.labels.owner, 'me');
  assert.equal(mirrored.addressType, 'IPv4');
  assert.deepEqual(mirrored.endpoints, [{ addresses: ['1.2.3.4'], conditions: { ready: true } }]);
  assert.deepEqual(mirrored.ports, [{ name: '', port: 8000, protocol: 'TCP' }]);
  assert.deepEqual(mirrored.metadata.ownerReferences[0].kind, 'Endpoints');

  // touching the service makes both controllers look at it again; the Endpoints stay as written
  await srv.req('patch', `${base}/services/external-db`).set('Content-Type', 'application/merge-patch+json').send({ metadata: { labels: { touched: 'yes' } } });
  const edited = await srv
    .req('patch', `${base}/endpoints/external-db`)
    .set('Content-Type', 'application/merge-patch+json')
    .send({ subsets: [{ addresses: [{ ip: '1.2.3.4' }, { ip: '5.6.7.8' }], ports: [{ port: 8000 }] }] });
  assert.equal(edited.status, 200);
  await until('mirror follows the edit', async () => (sliceIPs(await slicesOf('external-db')).length === 2 ? true : undefined));
  const after = (await getEndpoints('external-db')).body;
  assert.equal(after.metadata.resourceVersion, edited.body.metadata.resourceVersion, 'nobody rewrote the user Endpoints');
  assert.deepEqual(after.subsets, [{ addresses: [{ ip: '1.2.3.4' }, { ip: '5.6.7.8' }], ports: [{ port: 8000, protocol: 'TCP' }] }]);

  // the default kubernetes Endpoints is not mirrored (skip-mirror)
  const k8s = await srv.req('get', `/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=${encodeURIComponent('kubernetes.io/service-name=kubernetes')}`);
  assert.deepEqual(
    k8s.body.items.map((s: any) => s.metadata.labels['endpointslice.kubernetes.io/managed-by']),
    ['endpointslice-controller.k8s.io'],
  );
});

test('an edited managed Endpoints is put back', async () => {
  const before = (await getEndpoints('my-service')).body;
  const res = await srv.req('put', `${base}/endpoints/my-service`).send({ ...before, subsets: [{ addresses: [{ ip: '9.9.9.9' }], ports: [{ port: 1 }] }] });
  assert.equal(res.status, 200);
  await until('restored', async () => {
    const body = (await getEndpoints('my-service')).body;
    return readyPairs(body).includes('10.244.1.11:9376') && !readyPairs(body).includes('9.9.9.9:1') ? true : undefined;
  });
});

test('deleting the service removes its Endpoints and EndpointSlices', async () => {
  assert.ok((await slicesOf('my-service')).length > 0);
  const del = await srv.req('delete', `${base}/services/my-service`);
  assert.equal(del.status, 200);
  await until('endpoints gone', async () => ((await getEndpoints('my-service')).status === 404 ? true : undefined));
  await until('slices gone', async () => ((await slicesOf('my-service')).length === 0 ? true : undefined));
  const ep = await getEndpoints('my-service');
  assert.equal(ep.body.reason, 'NotFound');
});

test('headless service without ports: one subset of addresses, no ports; the headless label', async () => {
  await createService('hl', { clusterIP: 'None', selector: { app: 'hl' } });
  await createPod('hl-0', { app: 'hl' });
  await setPodStatus('hl-0', '10.244.3.1', true);
  await createPod('hl-1', { app: 'hl' });
  await setPodStatus('hl-1', '10.244.3.2', false);
  const ep = await until('headless endpoints', async () => {
    const body = (await getEndpoints('hl')).body;
    return body.subsets?.[0]?.addresses?.length === 1 && notReadyIPs(body).length === 1 ? body : undefined;
  });
  assert.equal(ep.subsets.length, 1);
  assert.equal(ep.subsets[0].ports, undefined);
  assert.equal(ep.metadata.labels['service.kubernetes.io/headless'], '');
  const slices = await until('headless slice', async () => {
    const s = await slicesOf('hl');
    return sliceIPs(s).length === 2 ? s : undefined;
  });
  assert.equal(slices[0].metadata.labels['service.kubernetes.io/headless'], '');
  assert.deepEqual(slices[0].ports, []);
});

test('with the simulated node: a new pod is scheduled, started and listed, and leaves when deleted', async (t) => {
  await createService('sim', { selector: { app: 'sim' }, ports: [{ port: 80, targetPort: 9376 }] });
  const started = Date.now();
  const res = await srv.req('post', `${base}/pods`).send({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'sim-0', labels: { app: 'sim' } },
    spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] },
  });
  assert.equal(res.status, 201);
  const ep = await until('scheduled pod in endpoints', async () => {
    const body = (await getEndpoints('sim')).body;
    return readyPairs(body).length === 1 ? body : undefined;
  });
  t.diagnostic(`pod created → listed in Endpoints in ${Date.now() - started} ms (includes scheduling and start-up)`);
  const pod = (await srv.req('get', `${base}/pods/sim-0`)).body;
  assert.deepEqual(readyPairs(ep), [`${pod.status.podIP}:9376`]);
  assert.equal(ep.subsets[0].addresses[0].nodeName, pod.spec.nodeName);
  await until('sim slice', async () => (sliceIPs(await slicesOf('sim')).includes(pod.status.podIP) ? true : undefined));
  assert.equal((await srv.req('delete', `${base}/pods/sim-0`)).status, 200);
  await until('pod left endpoints', async () => (readyPairs((await getEndpoints('sim')).body).length === 0 ? true : undefined));
  await until('pod left the slice', async () => (sliceIPs(await slicesOf('sim')).length === 0 ? true : undefined));
});
