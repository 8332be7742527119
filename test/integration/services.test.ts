/** Service allocation over HTTPS: kube's messages, concurrency, exhaustion, dual-stack, type changes. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => {
  // a small range makes exhaustion reachable; two families make dual-stack possible
  srv = await startServer({
    flags: ['--nodes', '0', '--service-cluster-ip-range', '10.97.0.0/24,fd00:10:97::/120', '--service-node-port-range', '30000-30099'],
  });
});
after(async () => {
  await srv.close();
});

const svc = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec });
const create = (body: object) => srv.req('post', '/api/v1/namespaces/default/services').send(body);

test('concurrent creates never share a ClusterIP or a NodePort', async () => {
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) => create(svc(`c${i}`, { type: 'NodePort', ports: [{ port: 80 }] }))),
  );
  for (const r of results) assert.equal(r.status, 201, JSON.stringify(r.body));
  const ips = results.map((r) => r.body.spec.clusterIP);
  const ports = results.map((r) => r.body.spec.ports[0].nodePort);
  assert.equal(new Set(ips).size, 40);
  assert.equal(new Set(ports).size, 40);
  for (const p of ports) assert.ok(p >= 30000 && p <= 30099);
  const del = await Promise.all(results.map((r) => srv.req('delete', `/api/v1/namespaces/default/services/${r.body.metadata.name}`)));
  for (const d of del) assert.equal(d.status, 200);
});

test('explicit ClusterIP and NodePort: honoured when free, refused with kube\'s wording otherwise', async () => {
  const ok = await create(svc('fixed', { type: 'NodePort', clusterIP: '10.97.0.77', ports: [{ port: 80, nodePort: 30042 }] }));
  assert.equal(ok.status, 201);
  assert.equal(ok.body.spec.clusterIP, '10.97.0.77');
  assert.deepEqual(ok.body.spec.clusterIPs, ['10.97.0.77']);
  const taken = await create(svc('taken', { type: 'NodePort', clusterIP: '10.97.0.77', ports: [{ port: 80 }] }));
  assert.equal(taken.status, 422);
  assert.equal(taken.body.details.causes[0].field, 'spec.clusterIPs');
  assert.match(taken.body.details.causes[0].message, /failed to allocate IP 10\.97\.0\.77: provided IP is already allocated/);
  const outside = await create(svc('outside', { clusterIP: '10.1.2.3', ports: [{ port: 80 }] }));
  assert.equal(outside.status, 422);
  assert.match(outside.body.message, /the provided IP \(10\.1\.2\.3\) is not in the valid range\. The range of valid IPs is 10\.97\.0\.0\/24/);
  const portTaken = await create(svc('port-taken', { type: 'NodePort', ports: [{ port: 80, nodePort: 30042 }] }));
  assert.equal(portTaken.status, 422);
  assert.equal(portTaken.body.message, 'Service "port-taken" is invalid: spec.ports[0].nodePort: Invalid value: 30042: provided port is already allocated');
  const portOutside = await create(svc('port-outside', { type: 'NodePort', ports: [{ port: 80, nodePort: 8000 }] }));
  assert.equal(
    portOutside.body.message,
    'Service "port-outside" is invalid: spec.ports[0].nodePort: Invalid value: 8000: provided port is not in the valid range. The range of valid ports is 30000-30099',
  );
  const malformed = await create(svc('malformed', { clusterIP: 'abc', ports: [{ port: 80 }] }));
  assert.equal(malformed.status, 422);
  // nothing half-written: the failed requests left no allocation behind
  await srv.req('delete', '/api/v1/namespaces/default/services/fixed');
  const again = await create(svc('again', { type: 'NodePort', clusterIP: '10.97.0.77', ports: [{ port: 80, nodePort: 30042 }] }));
  assert.equal(again.status, 201, 'a deleted Service frees its IP and node port');
  await srv.req('delete', '/api/v1/namespaces/default/services/again');
});

test('type changes: NodePort allocates, ClusterIP releases, the ClusterIP never changes, headless and ExternalName', async () => {
  const base = (await create(svc('morph', { selector: { app: 'm' }, ports: [{ port: 80, targetPort: 8080 }] }))).body;
  const patch = (p: object) =>
    srv.req('patch', '/api/v1/namespaces/default/services/morph').set('Content-Type', 'application/strategic-merge-patch+json').send(p);
  const np = await patch({ spec: { type: 'NodePort' } });
  assert.equal(np.status, 200);
  const nodePort = np.body.spec.ports[0].nodePort;
  assert.ok(nodePort >= 30000);
  assert.equal(np.body.spec.clusterIP, base.spec.clusterIP);
  assert.equal(np.body.spec.externalTrafficPolicy, 'Cluster');
  const back = await patch({ spec: { type: 'ClusterIP' } });
  assert.equal(back.status, 200);
  assert.equal(back.body.spec.ports[0].nodePort, undefined, 'switching back to ClusterIP releases the node port');
  assert.equal(back.body.spec.clusterIP, base.spec.clusterIP);
  const changed = await patch({ spec: { clusterIP: '10.97.0.99' } });
  assert.equal(changed.status, 422);
  assert.match(changed.body.message, /spec\.clusterIPs\[0\]: Invalid value: .*: may not change once set/);
  const headless = await create(svc('headless', { clusterIP: 'None', selector: { app: 'h' }, ports: [{ port: 80 }] }));
  assert.equal(headless.body.spec.clusterIP, 'None');
  assert.deepEqual(headless.body.spec.clusterIPs, ['None']);
  const ext = await create(svc('ext', { type: 'ExternalName', externalName: 'my.database.example.com' }));
  assert.equal(ext.status, 201);
  assert.equal(ext.body.spec.clusterIP, undefined);
  const badExt = await create(svc('bad-ext', { type: 'ExternalName', externalName: 'Not_A_Name' }));
  assert.equal(badExt.status, 422);
  assert.equal(badExt.body.details.causes[0].field, 'spec.externalName');
  const affinity = await create(svc('sticky', { sessionAffinity: 'ClientIP', ports: [{ port: 80 }] }));
  assert.equal(affinity.body.spec.sessionAffinityConfig.clientIP.timeoutSeconds, 10800);
  const badAffinity = await create(svc('sticky-bad', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } }, ports: [{ port: 80 }] }));
  assert.equal(badAffinity.status, 422);
  assert.match(badAffinity.body.message, /timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400/);
  const lbLocal = await create(svc('lb-local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }));
  assert.equal(lbLocal.status, 201);
  assert.ok(lbLocal.body.spec.healthCheckNodePort >= 30000, 'LoadBalancer + Local gets a healthCheckNodePort');
  for (const n of ['morph', 'headless', 'ext', 'sticky', 'lb-local']) await srv.req('delete', `/api/v1/namespaces/default/services/${n}`);
});

test('multi-port Services need unique names; the same port over TCP and UDP is allowed', async () => {
  const unnamed = await create(svc('mp', { ports: [{ port: 53, protocol: 'TCP', name: 'a' }, { port: 53, protocol: 'UDP' }] }));
  assert.equal(unnamed.status, 422);
  assert.equal(unnamed.body.message, 'Service "mp" is invalid: spec.ports[1].name: Required value');
  const dup = await create(svc('mp', { ports: [{ port: 53, protocol: 'TCP', name: 'a' }, { port: 54, name: 'a' }] }));
  assert.equal(dup.body.message, 'Service "mp" is invalid: spec.ports[1].name: Duplicate value: "a"');
  const ok = await create(svc('mp', { type: 'NodePort', ports: [{ port: 53, protocol: 'TCP', name: 'dns-tcp' }, { port: 53, protocol: 'UDP', name: 'dns-udp' }] }));
  assert.equal(ok.status, 201);
  assert.equal(ok.body.spec.ports[0].nodePort, ok.body.spec.ports[1].nodePort, 'TCP and UDP of one port share a node port');
  await srv.req('delete', '/api/v1/namespaces/default/services/mp');
});

test('dual-stack: PreferDualStack gets one address per configured family', async () => {
  const res = await create(svc('dual', { ipFamilyPolicy: 'PreferDualStack', ports: [{ port: 80 }] }));
  assert.equal(res.status, 201);
  assert.deepEqual(res.body.spec.ipFamilies, ['IPv4', 'IPv6']);
  assert.equal(res.body.spec.clusterIPs.length, 2);
  assert.match(res.body.spec.clusterIPs[1], /^fd00:10:97::/);
  const v6 = await create(svc('v6', { ipFamilies: ['IPv6'], ports: [{ port: 80 }] }));
  assert.equal(v6.status, 201);
  assert.match(v6.body.spec.clusterIP, /^fd00:10:97::/);
  await srv.req('delete', '/api/v1/namespaces/default/services/dual');
  await srv.req('delete', '/api/v1/namespaces/default/services/v6');
});

test('an exhausted range is a 500 with kube\'s message, and nothing is stored', async () => {
  const made: string[] = [];
  let failure: any;
  for (let i = 0; i < 300 && !failure; i++) {
    const r = await create(svc(`fill-${i}`, { ports: [{ port: 80 }] }));
    if (r.status === 201) made.push(r.body.metadata.name);
    else failure = r;
  }
  assert.ok(failure, 'a /24 runs out');
  assert.equal(failure.status, 500);
  assert.equal(failure.body.reason, 'InternalError');
  assert.match(failure.body.message, /failed to allocate a serviceIP: range is full/);
  const list = await srv.req('get', '/api/v1/namespaces/default/services?labelSelector=');
  assert.equal(list.body.items.filter((s: any) => s.metadata.name.startsWith('fill-')).length, made.length);
  await srv.req('delete', `/api/v1/namespaces/default/services/${made[0]}`);
  const after = await create(svc('after-free', { ports: [{ port: 80 }] }));
  assert.equal(after.status, 201, 'a freed address is usable again');
});
