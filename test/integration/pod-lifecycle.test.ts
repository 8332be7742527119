/**
 * The simulated nodes over real HTTPS: Node and Lease objects, scheduling, the kubelet's status
 * and events, graceful deletion, pod IPs (unique, reused, kept across restarts).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => {
  srv = await startServer({ flags: ['--nodes', '3'] });
  // the kubelets register right after start-up
  await until('nodes registered', async () => {
    const leases = (await srv.req('get', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases')).body.items ?? [];
    return leases.length === 3 ? true : undefined;
  });
});
after(async () => {
  await srv.close();
});

const NODES = ['kubelevel-node-1', 'kubelevel-node-2', 'kubelevel-node-3'];

/** Polls `probe` until it returns something, or fails after `timeoutMs`. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${JSON.stringify(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function podBody(name: string, spec: Record<string, unknown> = {}, labels: Record<string, string> = {}) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } };
}

async function getPod(s: TestServer, name: string, ns = 'default'): Promise<any | undefined> {
  const res = await s.req('get', `/api/v1/namespaces/${ns}/pods/${name}`);
  return res.status === 200 ? res.body : undefined;
}

function isReady(pod: any): boolean {
  return pod?.status?.phase === 'Running' && pod.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');
}

async function runningPod(s: TestServer, name: string, ns = 'default'): Promise<any> {
  return until(`pod ${name} running`, async () => {
    const p = await getPod(s, name, ns);
    return isReady(p) ? p : undefined;
  });
}

async function createPod(s: TestServer, body: object, ns = 'default'): Promise<any> {
  const res = await s.req('post', `/api/v1/namespaces/${ns}/pods`).send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

/** A pod created after some change and seen Running proves the controller processed that change. */
async function barrier(s: TestServer, name: string): Promise<void> {
  await createPod(s, podBody(name));
  await runningPod(s, name);
}

test('every simulated node is registered Ready, with addresses, podCIDR, capacity and nodeInfo', async () => {
  const res = await srv.req('get', '/api/v1/nodes');
  assert.equal(res.status, 200);
  const nodes = res.body.items.filter((n: any) => NODES.includes(n.metadata.name));
  assert.equal(nodes.length, 3);
  nodes.sort((a: any, b: any) => a.metadata.name.localeCompare(b.metadata.name));
  nodes.forEach((n: any, i: number) => {
    assert.equal(n.spec.podCIDR, `10.244.${i}.0/24`);
    assert.deepEqual(n.spec.podCIDRs, [`10.244.${i}.0/24`]);
    assert.deepEqual(n.status.addresses, [
      { type: 'InternalIP', address: `172.18.0.${i + 2}` },
      { type: 'Hostname', address: n.metadata.name },
    ]);
    assert.deepEqual(
      n.status.conditions.map((c: any) => [c.type, c.status, c.reason]),
      [
        ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
        ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
        ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
        ['Ready', 'True', 'KubeletReady'],
      ],
    );
    for (const c of n.status.conditions) {
      assert.match(c.lastHeartbeatTime, /Z$/);
      assert.match(c.lastTransitionTime, /Z$/);
    }
    assert.equal(n.status.capacity.pods, '110');
    assert.equal(n.status.allocatable.cpu, '8');
    assert.equal(n.status.nodeInfo.kubeletVersion, 'v1.33.0');
    assert.equal(n.status.nodeInfo.operatingSystem, 'linux');
    assert.equal(n.metadata.labels['kubernetes.io/hostname'], n.metadata.name);
    assert.equal(n.metadata.labels['kubernetes.io/os'], 'linux');
    assert.equal(n.metadata.labels['kubernetes.io/arch'], n.status.nodeInfo.architecture);
    assert.equal('node-role.kubernetes.io/control-plane' in n.metadata.labels, i === 0);
  });
  const events = await until('node events', async () => {
    const r = await srv.req('get', '/api/v1/namespaces/default/events').query({ fieldSelector: 'involvedObject.kind=Node,involvedObject.name=kubelevel-node-1' });
    return r.body.items.length >= 7 ? r.body.items : undefined;
  });
  assert.deepEqual(
    events.map((e: any) => e.reason),
    ['Starting', 'NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID', 'NodeAllocatableEnforced', 'RegisteredNode', 'NodeReady'],
  );
});

test('each node has a heartbeat Lease in kube-node-lease that the kubelet renews', async () => {
  const res = await srv.req('get', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases');
  assert.equal(res.status, 200);
  assert.equal(res.body.kind, 'LeaseList');
  const node1 = (await srv.req('get', '/api/v1/nodes/kubelevel-node-1')).body;
  for (const name of NODES) {
    const lease = res.body.items.find((l: any) => l.metadata.name === name);
    assert.ok(lease, name);
    assert.equal(lease.spec.holderIdentity, name);
    assert.equal(lease.spec.leaseDurationSeconds, 40);
    assert.match(lease.spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  }
  assert.deepEqual(res.body.items.find((l: any) => l.metadata.name === 'kubelevel-node-1').metadata.ownerReferences, [
    { apiVersion: 'v1', kind: 'Node', name: 'kubelevel-node-1', uid: node1.metadata.uid },
  ]);
  // an expired renewTime is renewed at once (the kubelet renews every 10 s)
  const old = new Date(Date.now() - 60_000).toISOString().replace('Z', '000Z');
  const patched = await srv
    .req('patch', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/kubelevel-node-2')
    .set('Content-Type', 'application/merge-patch+json')
    .send({ spec: { renewTime: old } });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  const renewed = await until('lease renewed', async () => {
    const l = (await srv.req('get', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/kubelevel-node-2')).body;
    return Date.now() - Date.parse(l.spec.renewTime) < 5000 ? l : undefined;
  });
  assert.equal(renewed.spec.holderIdentity, 'kubelevel-node-2');
  const table = await srv.req('get', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases').set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io');
  assert.deepEqual(table.body.columnDefinitions.map((c: any) => c.name), ['Name', 'Holder', 'Age']);
});

test('a new pod is scheduled and becomes Running and Ready as a kubelet reports it', async (t) => {
  const started = Date.now();
  const created = await createPod(srv, podBody('web', { initContainers: [{ name: 'init', image: 'busybox:1.36' }] }));
  assert.equal(created.status.phase, 'Pending');
  const pod = await until('pod web ready', async () => {
    const p = await getPod(srv, 'web');
    return isReady(p) ? p : undefined;
  }, 2000);
  const latency = Date.now() - started;
  t.diagnostic(`create → Ready: ${latency} ms`);
  assert.ok(NODES.includes(pod.spec.nodeName));
  const node = (await srv.req('get', `/api/v1/nodes/${pod.spec.nodeName}`)).body;
  const hostIP = node.status.addresses.find((a: any) => a.type === 'InternalIP').address;
  const s = pod.status;
  assert.equal(s.hostIP, hostIP);
  assert.deepEqual(s.hostIPs, [{ ip: hostIP }]);
  assert.match(s.podIP, /^10\.244\.\d+\.\d+$/);
  assert.ok(s.podIP.startsWith(node.spec.podCIDR.replace(/0\/24$/, '')), `${s.podIP} in ${node.spec.podCIDR}`);
  assert.deepEqual(s.podIPs, [{ ip: s.podIP }]);
  assert.equal(s.qosClass, 'BestEffort');
  assert.match(s.startTime, /Z$/);
  assert.deepEqual(
    s.conditions.map((c: any) => [c.type, c.status]),
    [
      ['PodReadyToStartContainers', 'True'],
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
      ['PodScheduled', 'True'],
    ],
  );
  for (const c of s.conditions) assert.match(c.lastTransitionTime, /Z$/);
  assert.equal(s.containerStatuses.length, 1);
  const cs = s.containerStatuses[0];
  assert.equal(cs.name, 'c');
  assert.equal(cs.image, 'docker.io/library/nginx:latest');
  assert.match(cs.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  assert.match(cs.containerID, /^containerd:\/\/[0-9a-f]{64}$/);
  assert.equal(cs.ready, true);
  assert.equal(cs.started, true);
  assert.equal(cs.restartCount, 0);
  assert.match(cs.state.running.startedAt, /Z$/);
  const init = s.initContainerStatuses[0];
  assert.equal(init.name, 'init');
  assert.equal(init.image, 'docker.io/library/busybox:1.36');
  assert.deepEqual([init.state.terminated.reason, init.state.terminated.exitCode, init.ready], ['Completed', 0, true]);
});

test('the pod tells its story in events: Scheduled, then Pulled/Created/Started per container', async () => {
  const pod = await runningPod(srv, 'web');
  const res = await srv.req('get', '/api/v1/namespaces/default/events').query({ fieldSelector: 'involvedObject.name=web' });
  assert.equal(res.status, 200);
  const events = res.body.items;
  const story = events.map((e: any) => [e.reason, e.involvedObject.fieldPath ?? '', e.message]);
  assert.deepEqual(story, [
    ['Scheduled', '', `Successfully assigned default/web to ${pod.spec.nodeName}`],
    ['Pulled', 'spec.initContainers{init}', 'Container image "busybox:1.36" already present on machine'],
    ['Created', 'spec.initContainers{init}', 'Created container: init'],
    ['Started', 'spec.initContainers{init}', 'Started container init'],
    ['Pulled', 'spec.containers{c}', 'Container image "nginx" already present on machine'],
    ['Created', 'spec.containers{c}', 'Created container: c'],
    ['Started', 'spec.containers{c}', 'Started container c'],
  ]);
  const scheduled = events[0];
  assert.deepEqual(scheduled.source, { component: 'default-scheduler' });
  assert.equal(scheduled.involvedObject.uid, pod.metadata.uid);
  assert.equal(scheduled.involvedObject.kind, 'Pod');
  assert.equal(scheduled.count, 1);
  assert.match(scheduled.metadata.name, /^web\.[0-9a-f]{16}$/);
  const started = events[6];
  assert.deepEqual(started.source, { component: 'kubelet', host: pod.spec.nodeName });
  assert.equal(started.reportingComponent, 'kubelet');
  assert.equal(started.type, 'Normal');
  assert.ok(started.firstTimestamp && started.lastTimestamp);
});

test('pods spread over the nodes (fewest pods first) and get distinct IPs', async () => {
  const ns = 'spread';
  assert.equal((await srv.req('post', '/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).status, 201);
  const before = new Map<string, number>();
  for (const p of (await srv.req('get', '/api/v1/pods')).body.items) before.set(p.spec.nodeName, (before.get(p.spec.nodeName) ?? 0) + 1);
  for (let i = 0; i < 6; i++) await createPod(srv, podBody(`s${i}`), ns);
  const pods = await Promise.all(Array.from({ length: 6 }, (_, i) => runningPod(srv, `s${i}`, ns)));
  const after = new Map(before);
  for (const p of pods) after.set(p.spec.nodeName, (after.get(p.spec.nodeName) ?? 0) + 1);
  const counts = NODES.map((n) => after.get(n) ?? 0);
  assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `unbalanced: ${counts}`);
  const all = (await srv.req('get', '/api/v1/pods')).body.items.map((p: any) => p.status.podIP).filter(Boolean);
  assert.equal(new Set(all).size, all.length, `duplicate IPs: ${all}`);
});

test('a status write with an invalid pod IP is refused as upstream; podIP wins over a disagreeing podIPs', async () => {
  await createPod(srv, podBody('ipcheck', { nodeName: 'no-such-node' }));
  const patch = (status: Record<string, unknown>) =>
    srv.req('patch', '/api/v1/namespaces/default/pods/ipcheck/status').set('Content-Type', 'application/merge-patch+json').send({ status });
  const bad = await patch({ podIP: '10.256.0.1' });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.reason, 'Invalid');
  assert.equal(bad.body.message, 'Pod "ipcheck" is invalid: status.podIPs[0]: Invalid value: "10.256.0.1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
  const ok = await patch({ podIP: '10.250.0.7', podIPs: [{ ip: '10.250.0.6' }] });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body.status.podIPs, [{ ip: '10.250.0.7' }]);
  await srv.req('delete', '/api/v1/namespaces/default/pods/ipcheck').send({ gracePeriodSeconds: 0 });
});

test('a pod naming a node that does not exist stays Pending, untouched', async () => {
  const created = await createPod(srv, podBody('lost', { nodeName: 'no-such-node' }));
  await barrier(srv, 'after-lost');
  const pod = await getPod(srv, 'lost');
  assert.equal(pod.status.phase, 'Pending');
  assert.equal(pod.metadata.resourceVersion, created.metadata.resourceVersion);
  assert.equal(pod.status.podIP, undefined);
  // bound to a node, so DELETE is graceful; with no kubelet to wait for it goes after the same short delay
  const res = await srv.req('delete', '/api/v1/namespaces/default/pods/lost');
  assert.ok(res.body.metadata.deletionTimestamp);
  await until('lost pod gone', async () => ((await srv.req('get', '/api/v1/namespaces/default/pods/lost')).status === 404 ? true : undefined), 2500);
});

test('cordoned nodes get no new pods; with none left the pod is Unschedulable until one is uncordoned', async () => {
  const cordon = (name: string, unschedulable: boolean) =>
    srv.req('patch', `/api/v1/nodes/${name}`).set('Content-Type', 'application/merge-patch+json').send({ spec: { unschedulable } });
  assert.equal((await cordon('kubelevel-node-1', true)).status, 200);
  assert.equal((await cordon('kubelevel-node-2', true)).status, 200);
  await createPod(srv, podBody('only-3'));
  assert.equal((await runningPod(srv, 'only-3')).spec.nodeName, 'kubelevel-node-3');
  assert.equal((await cordon('kubelevel-node-3', true)).status, 200);
  await createPod(srv, podBody('nowhere'));
  const pending = await until('Unschedulable condition', async () => {
    const p = await getPod(srv, 'nowhere');
    return p?.status?.conditions?.find((c: any) => c.type === 'PodScheduled' && c.reason === 'Unschedulable') ? p : undefined;
  });
  const cond = pending.status.conditions.find((c: any) => c.type === 'PodScheduled');
  assert.equal(cond.status, 'False');
  assert.match(cond.message, /^0\/3 nodes are available: 3 node\(s\) were unschedulable\./);
  const events = await srv.req('get', '/api/v1/namespaces/default/events').query({ fieldSelector: 'involvedObject.name=nowhere,reason=FailedScheduling' });
  assert.equal(events.body.items.length, 1);
  assert.equal(events.body.items[0].type, 'Warning');
  assert.equal((await cordon('kubelevel-node-2', false)).status, 200);
  assert.equal((await runningPod(srv, 'nowhere')).spec.nodeName, 'kubelevel-node-2');
  for (const n of ['kubelevel-node-1', 'kubelevel-node-3']) assert.equal((await cordon(n, false)).status, 200);
});

test('a Ready=False written to /status by a user stays', async () => {
  await createPod(srv, podBody('flaky'));
  await runningPod(srv, 'flaky');
  const patched = await srv
    .req('patch', '/api/v1/namespaces/default/pods/flaky/status')
    .set('Content-Type', 'application/strategic-merge-patch+json')
    .send({ status: { conditions: [{ type: 'Ready', status: 'False', reason: 'ByHand' }] } });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  // a spec/metadata change makes the controller look at the pod again
  const labelled = await srv.req('patch', '/api/v1/namespaces/default/pods/flaky').set('Content-Type', 'application/merge-patch+json').send({ metadata: { labels: { poke: 'yes' } } });
  assert.equal(labelled.status, 200);
  await barrier(srv, 'after-flaky');
  const pod = await getPod(srv, 'flaky');
  const ready = pod.status.conditions.find((c: any) => c.type === 'Ready');
  assert.deepEqual([ready.status, ready.reason], ['False', 'ByHand']);
  assert.equal(pod.metadata.resourceVersion, labelled.body.metadata.resourceVersion);
});

test('DELETE answers with a terminating pod, which is gone within a second or two', async () => {
  await createPod(srv, podBody('doomed'));
  const pod = await runningPod(srv, 'doomed');
  const ip = pod.status.podIP;
  const started = Date.now();
  const res = await srv.req('delete', '/api/v1/namespaces/default/pods/doomed');
  assert.equal(res.status, 200);
  assert.ok(res.body.metadata.deletionTimestamp);
  assert.equal(res.body.metadata.deletionGracePeriodSeconds, 30);
  await until('pod gone', async () => ((await srv.req('get', '/api/v1/namespaces/default/pods/doomed')).status === 404 ? true : undefined), 2500);
  assert.ok(Date.now() - started < 2500);
  const killing = await srv.req('get', '/api/v1/namespaces/default/events').query({ fieldSelector: 'involvedObject.name=doomed,reason=Killing' });
  assert.deepEqual(killing.body.items.map((e: any) => [e.message, e.involvedObject.fieldPath]), [['Stopping container c', 'spec.containers{c}']]);
  // round-robin, as host-local IPAM: the next pod on that node gets the next address, not the freed one
  await createPod(srv, podBody('heir', { nodeName: pod.spec.nodeName }));
  assert.notEqual((await runningPod(srv, 'heir')).status.podIP, ip);
});

test("a freed pod IP is reused once the node's range wraps around", async () => {
  // a /29 cluster CIDR: the only node gets it whole, pods get .2 to .6
  const small = await startServer({ flags: ['--cluster-cidr', '10.244.0.0/29'] });
  try {
    for (let i = 0; i < 5; i++) await createPod(small, podBody(`w${i}`));
    const pods = await Promise.all(Array.from({ length: 5 }, (_, i) => runningPod(small, `w${i}`)));
    assert.deepEqual(pods.map((p) => p.status.podIP).sort(), ['10.244.0.2', '10.244.0.3', '10.244.0.4', '10.244.0.5', '10.244.0.6']);
    const freed = pods[1].status.podIP;
    assert.equal((await small.req('delete', '/api/v1/namespaces/default/pods/w1')).status, 200);
    await until('w1 gone', async () => ((await small.req('get', '/api/v1/namespaces/default/pods/w1')).status === 404 ? true : undefined), 2500);
    await createPod(small, podBody('w5'));
    assert.equal((await runningPod(small, 'w5')).status.podIP, freed);
  } finally {
    await small.close();
  }
});

test('DELETE with gracePeriodSeconds=0 removes the pod at once', async () => {
  await createPod(srv, podBody('quick'));
  await runningPod(srv, 'quick');
  const res = await srv.req('delete', '/api/v1/namespaces/default/pods/quick').send({ kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 });
  assert.equal(res.status, 200);
  assert.equal((await srv.req('get', '/api/v1/namespaces/default/pods/quick')).status, 404);
});

test('a deleted simulated Node registers again a few seconds later', async () => {
  const old = (await srv.req('get', '/api/v1/nodes/kubelevel-node-3')).body;
  assert.equal((await srv.req('delete', '/api/v1/nodes/kubelevel-node-3')).status, 200);
  const back = await until(
    'node re-registered',
    async () => {
      const r = await srv.req('get', '/api/v1/nodes/kubelevel-node-3');
      return r.status === 200 && r.body.metadata.uid !== old.metadata.uid ? r.body : undefined;
    },
    6000,
  );
  assert.equal(back.spec.podCIDR, '10.244.2.0/24');
  const lease = await until('lease owned by the new node', async () => {
    const l = (await srv.req('get', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/kubelevel-node-3')).body;
    return l.metadata.ownerReferences?.[0]?.uid === back.metadata.uid ? l : undefined;
  });
  assert.equal(lease.spec.holderIdentity, 'kubelevel-node-3');
});

test('a restart keeps running pods and their IPs, and new pods get other addresses', async () => {
  const first = await startServer();
  let second: TestServer | undefined;
  try {
    for (const name of ['a', 'b']) await createPod(first, podBody(name));
    const before = await Promise.all(['a', 'b'].map((n) => runningPod(first, n)));
    await first.close(true);
    second = await startServer({ dataDir: first.dataDir });
    await barrier(second, 'c');
    const after = await Promise.all(['a', 'b'].map((n) => getPod(second!, n)));
    for (let i = 0; i < 2; i++) {
      assert.equal(after[i].status.podIP, before[i].status.podIP);
      assert.equal(after[i].metadata.resourceVersion, before[i].metadata.resourceVersion);
    }
    const c = await getPod(second, 'c');
    assert.ok(!before.some((p) => p.status.podIP === c.status.podIP), `${c.status.podIP} reassigned`);
    assert.equal(c.status.podIP, '10.244.0.4');
  } finally {
    if (second) await second.close();
    else await first.close();
  }
});
