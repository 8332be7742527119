/** `kubectl get` in all its output modes, selectors, paging, sorting and watches. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertOutput, e2eSuite, jsonpath, normalize, waitPodsReady } from './harness.js';
import { podYaml, serviceYaml } from './manifests.js';

const NS = 'getns';

e2eSuite('kubectl get', (env) => {
  let ipA = '';
  let ipB = '';

  test('setup: a namespace with two services', async () => {
    const e = env();
    assertOutput(await e.ok(['create', 'namespace', NS]), `namespace/${NS} created\n`);
    e.file(
      'svcs.yaml',
      [
        serviceYaml({ name: 'svc-a', namespace: NS, labels: { app: 'a', tier: 'front' }, selector: { app: 'a' }, ports: [{ port: 90, targetPort: 8080 }] }),
        serviceYaml({ name: 'svc-b', namespace: NS, labels: { app: 'b', tier: 'back' }, selector: { app: 'b' }, ports: [{ port: 81 }] }),
      ].join('---\n'),
    );
    assertOutput(await e.ok(['create', '-f', 'svcs.yaml']), `
      service/svc-a created
      service/svc-b created
    `);
    ipA = await jsonpath(e, ['-n', NS, 'svc', 'svc-a'], '{.spec.clusterIP}');
    ipB = await jsonpath(e, ['-n', NS, 'svc', 'svc-b'], '{.spec.clusterIP}');
    assert.notEqual(ipA, ipB);
  });

  test('default table and -o wide', async () => {
    const e = env();
    assertOutput(await e.ok(['get', 'svc', '-n', NS]), `
      NAME    TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
      svc-a   ClusterIP   ${ipA}   <none>        90/TCP    1s
      svc-b   ClusterIP   ${ipB}   <none>        81/TCP    1s
    `);
    assertOutput(await e.ok(['get', 'svc', '-n', NS, '-o', 'wide']), `
      NAME    TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE   SELECTOR
      svc-a   ClusterIP   ${ipA}   <none>        90/TCP    1s    app=a
      svc-b   ClusterIP   ${ipB}   <none>        81/TCP    1s    app=b
    `);
    assertOutput(await e.ok(['get', 'svc/svc-b', '-n', NS, '--no-headers']), `
      svc-b   ClusterIP   ${ipB}   <none>   81/TCP   1s
    `);
    assertOutput(await e.ok(['get', 'svc', 'svc-a', '-n', NS, '--show-kind']), `
      NAME            TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
      service/svc-a   ClusterIP   ${ipA}   <none>        90/TCP    1s
    `);
    assertOutput(await e.ok(['get', 'svc', '-n', NS, '-L', 'tier']), `
      NAME    TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE   TIER
      svc-a   ClusterIP   ${ipA}   <none>        90/TCP    1s    front
      svc-b   ClusterIP   ${ipB}   <none>        81/TCP    1s    back
    `);
  });

  test('-o yaml prints the stored, defaulted object', async () => {
    const e = env();
    const [uid, rv, ts] = (await jsonpath(e, ['-n', NS, 'svc', 'svc-a'], '{.metadata.uid} {.metadata.resourceVersion} {.metadata.creationTimestamp}')).split(' ');
    assert.equal(
      await e.ok(['get', 'svc', 'svc-a', '-n', NS, '-o', 'yaml']),
      `apiVersion: v1
kind: Service
metadata:
  creationTimestamp: "${ts}"
  labels:
    app: a
    tier: front
  name: svc-a
  namespace: ${NS}
  resourceVersion: "${rv}"
  uid: ${uid}
spec:
  clusterIP: ${ipA}
  clusterIPs:
  - ${ipA}
  internalTrafficPolicy: Cluster
  ipFamilies:
  - IPv4
  ipFamilyPolicy: SingleStack
  ports:
  - port: 90
    protocol: TCP
    targetPort: 8080
  selector:
    app: a
  sessionAffinity: None
  type: ClusterIP
status:
  loadBalancer: {}
`,
    );
    assert.match(ts!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(rv!, /^\d+$/);
  });

  test('-o json of a list is a v1 List', async () => {
    const out = JSON.parse(await env().ok(['get', 'svc', '-n', NS, '-o', 'json']));
    assert.equal(out.kind, 'List');
    assert.equal(out.apiVersion, 'v1');
    assert.deepEqual(out.metadata, { resourceVersion: '' });
    assert.deepEqual(
      out.items.map((s: { kind: string; apiVersion: string; metadata: { name: string } }) => `${s.apiVersion}/${s.kind}/${s.metadata.name}`),
      ['v1/Service/svc-a', 'v1/Service/svc-b'],
    );
  });

  test('-o name, jsonpath and custom-columns', async () => {
    const e = env();
    assert.equal(await e.ok(['get', 'svc', '-n', NS, '-o', 'name']), 'service/svc-a\nservice/svc-b\n');
    assert.equal(await e.ok(['get', 'svc', '-n', NS, '-o', 'jsonpath={.items[*].metadata.name}']), 'svc-a svc-b');
    assert.equal(
      await e.ok(['get', 'svc', '-n', NS, '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.ports[0].port}{"\\n"}{end}']),
      'svc-a=90\nsvc-b=81\n',
    );
    assertOutput(await e.ok(['get', 'svc', '-n', NS, '-o', 'custom-columns=NAME:.metadata.name,APP:.metadata.labels.app,PORT:.spec.ports[0].port,NONE:.spec.externalName']), `
      NAME    APP   PORT   NONE
      svc-a   a     90     <none>
      svc-b   b     81     <none>
    `);
  });

  test('label selectors and field selectors', async () => {
    const e = env();
    assert.equal(await e.ok(['get', 'svc', '-n', NS, '-l', 'app=a', '-o', 'name']), 'service/svc-a\n');
    assert.equal(await e.ok(['get', 'svc', '-n', NS, '-l', 'app!=a', '-o', 'name']), 'service/svc-b\n');
    assert.equal(await e.ok(['get', 'svc', '-n', NS, '-l', 'tier in (front,back),app notin (b)', '-o', 'name']), 'service/svc-a\n');
    assert.equal(await e.ok(['get', 'svc', '-n', NS, '-l', 'tier', '-o', 'name']), 'service/svc-a\nservice/svc-b\n');
    const none = await e.run(['get', 'svc', '-n', NS, '-l', '!tier']);
    assert.equal(none.code, 0);
    assert.equal(none.stdout, '');
    assert.equal(none.stderr, `No resources found in ${NS} namespace.\n`);
    assert.equal(await e.ok(['get', 'svc', '-n', NS, '--field-selector', 'metadata.name=svc-b', '-o', 'name']), 'service/svc-b\n');
    assert.equal(await e.ok(['get', 'svc', '-n', NS, '--field-selector', 'metadata.name!=svc-b,metadata.namespace=getns', '-o', 'name']), 'service/svc-a\n');
    const bad = await e.run(['get', 'pods', '-n', NS, '--field-selector', 'foo=bar']);
    assert.equal(bad.code, 1);
    assert.equal(
      bad.stderr,
      'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "foo=bar": field label not supported: foo\n',
    );
  });

  test('-A adds a NAMESPACE column; --chunk-size=1 pages through the same rows', async () => {
    const e = env();
    const kube = await jsonpath(e, ['-n', 'default', 'svc', 'kubernetes'], '{.spec.clusterIP}');
    const expected = `
      NAMESPACE   NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
      default     kubernetes   ClusterIP   ${kube}    <none>        443/TCP   1s
      ${NS}       svc-a        ClusterIP   ${ipA}   <none>        90/TCP    1s
      ${NS}       svc-b        ClusterIP   ${ipB}   <none>        81/TCP    1s
    `;
    assertOutput(await e.ok(['get', 'svc', '-A']), expected);
    assertOutput(await e.ok(['get', 'svc', '--all-namespaces', '--chunk-size=1']), expected);
    assert.equal(await e.ok(['get', 'svc', '-A', '--chunk-size=1', '-o', 'name']), 'service/kubernetes\nservice/svc-a\nservice/svc-b\n');
  });

  test('--show-labels and --sort-by', async () => {
    const e = env();
    assertOutput(await e.ok(['get', 'svc', '-n', NS, '--show-labels']), `
      NAME    TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE   LABELS
      svc-a   ClusterIP   ${ipA}   <none>        90/TCP    1s    app=a,tier=front
      svc-b   ClusterIP   ${ipB}   <none>        81/TCP    1s    app=b,tier=back
    `);
    assertOutput(await e.ok(['get', 'svc', '-n', NS, '--sort-by=.spec.ports[0].port']), `
      NAME    TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
      svc-b   ClusterIP   ${ipB}   <none>        81/TCP    1s
      svc-a   ClusterIP   ${ipA}   <none>        90/TCP    1s
    `);
    assert.equal(await e.ok(['get', 'svc', '-n', NS, '--sort-by=.metadata.labels.tier', '-o', 'name']), 'service/svc-b\nservice/svc-a\n');
  });

  test('get -w prints the list, then one row per change; --output-watch-events names them', async () => {
    const e = env();
    const w = e.background(['get', 'svc', '-n', NS, '-w']);
    await w.waitFor((l) => l.length >= 3);
    await e.ok(['label', 'svc', 'svc-b', '-n', NS, 'watched=yes']);
    const lines = await w.waitFor((l) => l.length >= 4);
    await w.stop();
    assertOutput(lines.join('\n') + '\n', `
      NAME    TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
      svc-a   ClusterIP   ${ipA}   <none>        90/TCP    1s
      svc-b   ClusterIP   ${ipB}   <none>        81/TCP    1s
      svc-b   ClusterIP   ${ipB}   <none>        81/TCP    1s
    `);

    const ev = e.background(['get', 'svc', '-n', NS, '-w', '--output-watch-events']);
    await ev.waitFor((l) => l.length >= 3);
    e.file('tmp.yaml', serviceYaml({ name: 'svc-tmp', namespace: NS, selector: { app: 'tmp' }, clusterIP: 'None', ports: [] }));
    await e.ok(['create', '-f', 'tmp.yaml']);
    await e.ok(['delete', '-f', 'tmp.yaml']);
    const evLines = await ev.waitFor((l) => l.length >= 5);
    await ev.stop();
    assertOutput(evLines.join('\n') + '\n', `
      EVENT      NAME      TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
      ADDED      svc-a     ClusterIP   ${ipA}   <none>        90/TCP    1s
      ADDED      svc-b     ClusterIP   ${ipB}   <none>        81/TCP    1s
      ADDED      svc-tmp   ClusterIP   None         <none>        <none>    0s
      DELETED    svc-tmp   ClusterIP   None         <none>        <none>    0s
    `);
  });

  test('--watch-only prints only changes; a named watch starts from the current row', async () => {
    const e = env();
    const only = e.background(['get', 'svc', '-n', NS, '--watch-only']);
    const named = e.background(['get', 'svc', 'svc-a', '-n', NS, '-w']);
    await named.waitFor((l) => l.length >= 2);
    // neither watch says when it is established: change svc-a until both have printed a row for it
    let n = 0;
    await changeUntil(() => e.ok(['annotate', '--overwrite', 'svc', 'svc-a', '-n', NS, `note=${++n}`]), () => only.lines().length >= 2 && named.lines().length >= 3);
    const onlyLines = only.lines().slice(0, 2);
    const namedLines = named.lines().slice(0, 3);
    await only.stop();
    await named.stop();
    assertOutput(onlyLines.join('\n') + '\n', `
      NAME    TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
      svc-a   ClusterIP   ${ipA}   <none>        90/TCP    1s
    `);
    assertOutput(namedLines.join('\n') + '\n', `
      NAME    TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
      svc-a   ClusterIP   ${ipA}   <none>        90/TCP    1s
      svc-a   ClusterIP   ${ipA}   <none>        90/TCP    1s
    `);
  });

  test('pods: -o wide, status.phase field selector, -A with a selector, get all', async () => {
    const e = env();
    e.file(
      'pods.yaml',
      [
        podYaml({ name: 'pa', namespace: NS, labels: { app: 'a', tier: 'front' }, ports: [{ containerPort: 8080 }] }),
        podYaml({ name: 'pb', namespace: NS, labels: { app: 'b', tier: 'back' } }),
      ].join('---\n'),
    );
    assertOutput(await e.ok(['create', '-f', 'pods.yaml']), `
      pod/pa created
      pod/pb created
    `);
    const [pa, pb] = await waitPodsReady(e, NS, ['pa', 'pb']);
    const [nodeA, nodeB] = (await jsonpath(e, ['-n', NS, 'pods'], '{.items[*].spec.nodeName}')).split(' ');
    assertOutput(await e.ok(['get', 'pods', '-n', NS, '-o', 'wide']), `
      NAME   READY   STATUS    RESTARTS   AGE   IP       NODE      NOMINATED NODE   READINESS GATES
      pa     1/1     Running   0          1s    ${pa}   ${nodeA}   <none>           <none>
      pb     1/1     Running   0          1s    ${pb}   ${nodeB}   <none>           <none>
    `);
    assert.equal(await e.ok(['get', 'pods', '-n', NS, '--field-selector', 'status.phase=Running,metadata.name!=pa', '-o', 'name']), 'pod/pb\n');
    assert.equal(await e.ok(['get', 'pods', '-n', NS, '--field-selector', `spec.nodeName=${nodeA}`, '-o', 'name']).then((s) => s.includes('pod/pa')), true);
    assertOutput(await e.ok(['get', 'pods', '-A', '-l', 'app=a']), `
      NAMESPACE   NAME   READY   STATUS    RESTARTS   AGE
      ${NS}       pa     1/1     Running   0          1s
    `);
    assertOutput(await e.ok(['get', 'all', '-n', NS]), `
      NAME     READY   STATUS    RESTARTS   AGE
      pod/pa   1/1     Running   0          1s
      pod/pb   1/1     Running   0          1s

      NAME            TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
      service/svc-a   ClusterIP   ${ipA}   <none>        90/TCP    1s
      service/svc-b   ClusterIP   ${ipB}   <none>        81/TCP    1s
    `);
  });

  test('an empty namespace prints "No resources found" on stderr', async () => {
    const r = await env().run(['get', 'pods,svc', '-n', 'does-not-exist']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'No resources found in does-not-exist namespace.\n');
    assert.equal(normalize('a   5m3s   b'), 'a  <age>  b');
  });
});

/** Repeats `action` (every 300 ms, up to 10 s) until `done()` holds. */
async function changeUntil(action: () => Promise<unknown>, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('the watch never printed the change');
    await action();
    const until = Date.now() + 300;
    while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }
}
