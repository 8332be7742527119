/** Discovery-only commands, explain, describe, wait, and the generators (run, expose, create …). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { URL } from 'node:url';
import { assertLinesInOrder, assertOutput, e2eSuite, eventually, jsonpath, normalize, waitPodsReady } from './harness.js';
import { podYaml, serviceYaml } from './manifests.js';

const NS = 'cli';

e2eSuite('kubectl discovery, describe, wait and generators', (env) => {
  test('version, api-versions, api-resources, get --raw, cluster-info, auth whoami', async () => {
    const e = env();
    const version = await e.ok(['version']);
    assert.match(version, /^Client Version: v1\.33\.\d+\nKustomize Version: v\d+\.\d+\.\d+\nServer Version: v1\.33\.\d+\S*\n$/);
    assert.equal(await e.ok(['version', '-o', 'json']).then((s) => JSON.parse(s).serverVersion.minor), '33');

    const versions = (await e.ok(['api-versions'])).split('\n');
    for (const gv of ['discovery.k8s.io/v1', 'v1']) assert.ok(versions.includes(gv), `api-versions lists ${gv}`);

    const resources = normalize(await e.ok(['api-resources'])).split('\n');
    assert.equal(resources[0], 'NAME  SHORTNAMES  APIVERSION  NAMESPACED  KIND');
    for (const row of [
      'endpoints  ep  v1  true  Endpoints',
      'events  ev  v1  true  Event',
      'namespaces  ns  v1  false  Namespace',
      'nodes  no  v1  false  Node',
      'pods  po  v1  true  Pod',
      'services  svc  v1  true  Service',
    ]) {
      assert.ok(resources.includes(row), `api-resources has ${row}\n${resources.join('\n')}`);
    }
    assert.ok(resources.some((r) => /^endpointslices {2}discovery\.k8s\.io\/v1 {2}true {2}EndpointSlice$/.test(r)), 'endpointslices row (no short names)');
    const wide = normalize(await e.ok(['api-resources', '-o', 'wide'])).split('\n');
    assert.equal(wide[0], 'NAME  SHORTNAMES  APIVERSION  NAMESPACED  KIND  VERBS  CATEGORIES');
    assert.ok(wide.includes('pods  po  v1  true  Pod  create,delete,deletecollection,get,list,patch,update,watch  all'));
    assert.ok(wide.includes('services  svc  v1  true  Service  create,delete,deletecollection,get,list,patch,update,watch  all'));
    assert.ok(wide.includes('namespaces  ns  v1  false  Namespace  create,delete,get,list,patch,update,watch'));
    assert.equal(await e.ok(['api-resources', '--namespaced=false', '--api-group=', '-o', 'name']), 'namespaces\nnodes\n');

    const raw = JSON.parse(await e.ok(['get', '--raw', '/api/v1']));
    assert.equal(raw.kind, 'APIResourceList');
    assert.equal(raw.groupVersion, 'v1');
    const pods = raw.resources.find((r: { name: string }) => r.name === 'pods');
    assert.deepEqual(pods.shortNames, ['po']);
    assert.deepEqual(pods.categories, ['all']);
    assert.equal(await e.ok(['get', '--raw', '/healthz']), 'ok');

    assert.equal(
      await e.ok(['cluster-info']),
      `Kubernetes control plane is running at ${e.srv.url}\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n`,
    );

    const who = normalize(await e.ok(['auth', 'whoami'])).split('\n');
    assert.equal(who[0], 'ATTRIBUTE  VALUE');
    assert.match(who[1]!, /^Username {2}\S+$/);
    assert.match(who[2]!, /^Groups {2}\[.*system:authenticated.*\]$/);
    assert.equal(await e.ok(['auth', 'can-i', 'create', 'services']), 'yes\n');
  });

  test('explain service.spec.ports renders the upstream schema', async () => {
    const out = await env().ok(['explain', 'service.spec.ports']);
    const skeleton = out.split('\n').filter((l) => /^(KIND|VERSION|FIELD|DESCRIPTION|FIELDS):/.test(l) || /^ {2}\S+\t</.test(l) || /^ {2}enum: /.test(l));
    assert.deepEqual(skeleton, [
      'KIND:       Service',
      'VERSION:    v1',
      'FIELD: ports <[]ServicePort>',
      'DESCRIPTION:',
      'FIELDS:',
      '  appProtocol\t<string>',
      '  name\t<string>',
      '  nodePort\t<integer>',
      '  port\t<integer> -required-',
      '  protocol\t<string>',
      '  enum: SCTP, TCP, UDP',
      '  targetPort\t<IntOrString>',
    ]);
    // the descriptions in openapi/ are written for this project (not copied from upstream), so only
    // their presence is checked: every field of the explained type carries one
    assert.match(out, /\nDESCRIPTION:\n {4}\S.*\n/);
    assert.match(out, /\n {2}port\t<integer> -required-\n {4}\S.*\n/);
    assert.match(out, /\n {2}targetPort\t<IntOrString>\n {4}\S.*\n/);
    const recursive = await env().ok(['explain', 'pods.spec.containers.ports', '--recursive']);
    assert.match(recursive, /FIELD: ports <\[\]ContainerPort>/);
    assert.match(recursive, /\n {2}containerPort\t<integer> -required-\n/);
  });

  test('run, expose pod, create namespace, create service clusterip|nodeport (protobuf bodies from 1.32)', async () => {
    const e = env();
    assertOutput(await e.ok(['create', 'namespace', NS]), `namespace/${NS} created\n`);
    assertOutput(await e.ok(['run', 'web', '-n', NS, '--image=nginx:1.25', '--port=80', '--labels=app=web,tier=fe']), 'pod/web created\n');
    assert.equal(await jsonpath(e, ['-n', NS, 'pod', 'web'], '{.spec.containers[0].name} {.spec.containers[0].ports[0].containerPort} {.metadata.labels}'), 'web 80 {"app":"web","tier":"fe"}');
    assertOutput(await e.ok(['expose', 'pod', 'web', '-n', NS]), 'service/web exposed\n');
    const ip = await jsonpath(e, ['-n', NS, 'svc', 'web'], '{.spec.clusterIP}');
    assertOutput(await e.ok(['get', 'svc', 'web', '-n', NS, '-o', 'wide']), `
      NAME   TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE   SELECTOR
      web    ClusterIP   ${ip}   <none>        80/TCP    0s    app=web,tier=fe
    `);

    assertOutput(await e.ok(['create', 'service', 'clusterip', 'my-cs', '-n', NS, '--tcp=5678:8080']), 'service/my-cs created\n');
    assert.equal(
      await jsonpath(e, ['-n', NS, 'svc', 'my-cs'], '{.spec.type} {.spec.ports[0].name} {.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.selector} {.metadata.labels}'),
      'ClusterIP 5678-8080 5678 8080 {"app":"my-cs"} {"app":"my-cs"}',
    );
    assertOutput(await e.ok(['create', 'service', 'nodeport', 'my-np', '-n', NS, '--tcp=5679:8080', '--node-port=30080']), 'service/my-np created\n');
    const npIP = await jsonpath(e, ['-n', NS, 'svc', 'my-np'], '{.spec.clusterIP}');
    assertOutput(await e.ok(['get', 'svc', 'my-np', '-n', NS]), `
      NAME    TYPE       CLUSTER-IP   EXTERNAL-IP   PORT(S)          AGE
      my-np   NodePort   ${npIP}   <none>        5679:30080/TCP   0s
    `);
    assertOutput(await e.ok(['create', 'service', 'clusterip', 'my-headless', '-n', NS, '--clusterip=None']), 'service/my-headless created\n');
    assertOutput(await e.ok(['create', 'service', 'externalname', 'my-en', '-n', NS, '--external-name=db.example.com']), 'service/my-en created\n');
    const dup = await e.run(['create', 'namespace', NS]);
    assert.equal(dup.stderr, `Error from server (AlreadyExists): namespaces "${NS}" already exists\n`);
    await e.ok(['delete', 'svc', 'my-cs', 'my-np', 'my-headless', 'my-en', '-n', NS]);
  });

  test('wait --for=condition=Ready and --for=jsonpath', async () => {
    const e = env();
    assertOutput(await e.ok(['wait', '-n', NS, '--for=condition=Ready', 'pod/web', '--timeout=15s'], { timeoutMs: 25_000 }), 'pod/web condition met\n');
    assertOutput(await e.ok(['wait', '-n', NS, "--for=jsonpath={.status.phase}=Running", 'pod/web', '--timeout=15s'], { timeoutMs: 25_000 }), 'pod/web condition met\n');
    const missing = await e.run(['wait', '-n', NS, '--for=condition=Ready', 'pod/nope', '--timeout=2s']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error from server (NotFound): pods "nope" not found\n');
    e.file('never.yaml', serviceYaml({ name: 'never', namespace: NS, selector: { app: 'never' } }));
    await e.ok(['create', '-f', 'never.yaml']);
    const timeout = await e.run(['wait', '-n', NS, "--for=jsonpath={.spec.type}=NodePort", 'svc/never', '--timeout=1s']);
    assert.equal(timeout.code, 1);
    assert.equal(timeout.stderr, 'error: timed out waiting for the condition on services/never\n');
    await e.ok(['delete', '-f', 'never.yaml']);
  });

  test('wait --for=delete returns when a finalizer is released', async () => {
    const e = env();
    e.file(
      'fin.yaml',
      podYaml({ name: 'fin', namespace: NS, labels: { app: 'fin' } }).replace('  labels:', '  finalizers:\n  - example.com/hold\n  labels:'),
    );
    await e.ok(['create', '-f', 'fin.yaml']);
    assertOutput(await e.ok(['delete', 'pod', 'fin', '-n', NS, '--wait=false']), 'pod "fin" deleted\n');
    await eventually(async () => (await jsonpath(e, ['-n', NS, 'pod', 'fin'], '{.metadata.deletionTimestamp}')) !== '', 'deletionTimestamp on pod/fin');
    // -v=6 logs each response: once the watch's has arrived, the waiter cannot miss the deletion
    const waiter = e.background(['wait', '-n', NS, '--for=delete', 'pod/fin', '--timeout=20s', '-v=6']);
    await eventually(async () => /watch=true/.test(waiter.stderr()), 'kubectl wait to open its watch');
    await e.ok(['patch', 'pod', 'fin', '-n', NS, '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    const done = await waiter.exited;
    assert.equal(done.code, 0, done.stderr.slice(-2000));
    assert.equal(done.stdout, 'pod/fin condition met\n');
    const gone = await e.run(['wait', '-n', NS, '--for=delete', 'pod/fin', '--timeout=2s']);
    assert.equal(gone.code, 0, 'already deleted is success');
    assert.equal(gone.stdout, '');
  });

  test('describe service, endpoints and pod', async () => {
    const e = env();
    const [podIP] = await waitPodsReady(e, NS, ['web']);
    const ip = await jsonpath(e, ['-n', NS, 'svc', 'web'], '{.spec.clusterIP}');
    await eventually(async () => (await jsonpath(e, ['-n', NS, 'ep', 'web'], '{.subsets[0].addresses[0].ip}')) === podIP, 'endpoints/web to list the pod');
    await eventually(
      async () => (await jsonpath(e, ['-n', NS, 'endpointslices', '-l', 'kubernetes.io/service-name=web'], '{.items[0].endpoints[0].addresses[0]}')) === podIP,
      'the EndpointSlice of web to list the pod',
    );
    assertOutput(await e.ok(['describe', 'svc', 'web', '-n', NS]), `
      Name:                     web
      Namespace:                ${NS}
      Labels:                   app=web
                                tier=fe
      Annotations:              <none>
      Selector:                 app=web,tier=fe
      Type:                     ClusterIP
      IP Family Policy:         SingleStack
      IP Families:              IPv4
      IP:                       ${ip}
      IPs:                      ${ip}
      Port:                     <unset>  80/TCP
      TargetPort:               80/TCP
      Endpoints:                ${podIP}:80
      Session Affinity:         None
      Internal Traffic Policy:  Cluster
      Events:                   <none>
    `);
    const ep = await e.run(['describe', 'endpoints', 'web', '-n', NS]);
    assert.equal(ep.code, 0, ep.stderr);
    assertOutput(ep.stdout, `
      Name:         web
      Namespace:    ${NS}
      Labels:       app=web
                    tier=fe
      Annotations:  endpoints.kubernetes.io/last-change-trigger-time: 2026-01-01T00:00:00Z
      Subsets:
        Addresses:          ${podIP}
        NotReadyAddresses:  <none>
        Ports:
          Name     Port  Protocol
          ----     ----  --------
          <unset>  80    TCP

      Events:  <none>
    `);

    const node = await jsonpath(e, ['-n', NS, 'pod', 'web'], '{.spec.nodeName}');
    const hostIP = await jsonpath(e, ['-n', NS, 'pod', 'web'], '{.status.hostIP}');
    assert.notEqual(node, '', 'the pod is bound to a node');
    assertLinesInOrder(await e.ok(['describe', 'pod', 'web', '-n', NS]), [
      'Name:             web',
      `Namespace:        ${NS}`,
      'Priority:         0',
      'Service Account:  default',
      `Node:             ${node}/${hostIP}`,
      'Start Time:       Sat, 22 Nov 2026 06:02:10 +0000',
      'Labels:           app=web',
      '                  tier=fe',
      'Annotations:      <none>',
      'Status:           Running',
      `IP:               ${podIP}`,
      'IPs:',
      `  IP:  ${podIP}`,
      'Containers:',
      '  web:',
      '    Image:          nginx:1.25',
      '    Port:           80/TCP',
      '    Host Port:      0/TCP',
      '    State:          Running',
      '      Started:      Sat, 22 Nov 2026 06:02:11 +0000',
      '    Ready:          True',
      '    Restart Count:  0',
      'Conditions:',
      '  Type                        Status',
      '  Ready                       True',
      '  ContainersReady             True',
      '  PodScheduled                True',
      'QoS Class:                   BestEffort',
      'Events:',
      '  Type    Reason     Age   From               Message',
      '  ----    ------     ----  ----               -------',
      `  Normal  Scheduled  5s    default-scheduler  Successfully assigned ${NS}/web to ${node}`,
      '  Normal  Pulled     5s    kubelet            Container image "nginx:1.25" already present on machine',
      '  Normal  Created    5s    kubelet            Created container: web',
      '  Normal  Started    5s    kubelet            Started container web',
    ]);
  });

  test('pods get the service-account token volume (ServiceAccount admission)', async () => {
    const e = env();
    // kube-apiserver's ServiceAccount admission plugin adds a projected kube-api-access-<5 chars> volume
    const out = await e.ok(['describe', 'pod', 'web', '-n', NS]);
    assert.match(out, /\n {4}Mounts:\n {6}\/var\/run\/secrets\/kubernetes\.io\/serviceaccount from kube-api-access-[a-z0-9]{5} \(ro\)\n/);
    assert.match(out, /\nVolumes:\n {2}kube-api-access-[a-z0-9]{5}:\n {4}Type: +Projected \(a volume that contains injected data from multiple sources\)\n/);

  });

  test('describe namespace lists quotas and limit ranges (none here)', async () => {
    const e = env();
    // kube-apiserver serves resourcequotas and limitranges, so describe prints both sections
    assertOutput(await e.ok(['describe', 'ns', NS]), `
      Name:         ${NS}
      Labels:       kubernetes.io/metadata.name=${NS}
      Annotations:  <none>
      Status:       Active

      No resource quota.

      No LimitRange resource.
    `);

  });

  test('describe node', async () => {
    const e = env();
    const node = await jsonpath(e, ['-n', NS, 'pod', 'web'], '{.spec.nodeName}');
    const internalIP = await jsonpath(e, ['node', node], '{.status.addresses[?(@.type=="InternalIP")].address}');
    const podCount = (await jsonpath(e, ['pods', '-A', '--field-selector', `spec.nodeName=${node}`], '{.items[*].metadata.name}')).split(' ').length;
    assertLinesInOrder(await e.ok(['describe', 'node', node]), [
      `Name:               ${node}`,
      `                    kubernetes.io/hostname=${node}`,
      'Taints:             <none>',
      'Unschedulable:      false',
      'Lease:',
      `  HolderIdentity:  ${node}`,
      'Conditions:',
      '  Ready            True    Sat, 22 Nov 2026 06:02:10 +0000   Sat, 22 Nov 2026 06:02:10 +0000   KubeletReady                 kubelet is posting ready status',
      'Addresses:',
      `  InternalIP:  ${internalIP}`,
      `  Hostname:    ${node}`,
      `Non-terminated Pods:          (${podCount} in total)`,
      '  Namespace                   Name    CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age',
      `  ${NS}                         web     0 (0%)        0 (0%)      0 (0%)           0 (0%)         5s`,
    ]);
  });

  test('the kubernetes Service points at this API server', async () => {
    const e = env();
    const port = new URL(e.srv.url).port;
    assert.equal(await jsonpath(e, ['-n', 'default', 'ep', 'kubernetes'], '{.subsets[0].addresses[0].ip}:{.subsets[0].ports[0].port}'), `127.0.0.1:${port}`);
    assert.equal(await jsonpath(e, ['-n', 'default', 'svc', 'kubernetes'], '{.spec.ports[0].name} {.spec.ports[0].port} {.spec.ports[0].targetPort}'), `https 443 ${port}`);
  });
});
