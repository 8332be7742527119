/** The user flows 1–12 of docs/user-flows.md, each as a real-kubectl walk with the output a cluster prints. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { assertLinesInOrder, assertOutput, e2eSuite, eventually, jsonpath, normalize, waitForJsonpath, waitPodsReady, type E2E } from './harness.js';
import { podYaml, serviceYaml } from './manifests.js';

/** Sorted the way the endpoints controller sorts addresses (byte order of the IP strings). */
const byIP = (ips: string[]) => [...ips].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** The ENDPOINTS cell of `kubectl get ep <name>` once it equals `want`. */
async function endpointsCell(e: E2E, ns: string, name: string, want: string): Promise<void> {
  await eventually(async () => {
    const out = normalize(await e.ok(['get', 'ep', name, '-n', ns, '--no-headers']));
    return out === `${name}  ${want}  <age>\n` ? true : undefined;
  }, `endpoints/${name} to show ${want}`);
}

/** The ready addresses of an EndpointSlice-backed service, in the slice's own order (what describe prints). */
async function sliceAddresses(e: E2E, ns: string, svc: string): Promise<string[]> {
  const out = await jsonpath(e, ['endpointslices', '-n', ns, '-l', `kubernetes.io/service-name=${svc}`], '{range .items[*].endpoints[*]}{.addresses[0]} {end}');
  return out.trim().split(' ').filter(Boolean);
}

e2eSuite('user flows', (env) => {
  test('setup: one namespace per flow', async () => {
    const e = env();
    for (let i = 1; i <= 12; i++) await e.ok(['create', 'namespace', `flow${i}`]);
  });

  test('1. a ClusterIP Service in front of pods', async () => {
    const e = env();
    const ns = 'flow1';
    e.file('service.yaml', serviceYaml({ name: 'my-service', namespace: ns, selector: { app: 'MyApp' }, ports: [{ protocol: 'TCP', port: 80, targetPort: 9376 }] }));
    assertOutput(await e.ok(['apply', '-f', 'service.yaml']), 'service/my-service created\n');
    const ip = await jsonpath(e, ['svc', 'my-service', '-n', ns], '{.spec.clusterIP}');
    assert.match(ip, /^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/, 'a virtual IP from 10.96.0.0/12');
    assertOutput(await e.ok(['get', 'svc', '-n', ns]), `
      NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
      my-service   ClusterIP   ${ip}   <none>        80/TCP    1s
    `);
    e.file('pods.yaml', [1, 2].map((i) => podYaml({ name: `myapp-${i}`, namespace: ns, labels: { app: 'MyApp' }, ports: [{ containerPort: 9376 }] })).join('---\n'));
    await e.ok(['apply', '-f', 'pods.yaml']);
    const ips = byIP(await waitPodsReady(e, ns, ['myapp-1', 'myapp-2']));
    await endpointsCell(e, ns, 'my-service', ips.map((p) => `${p}:9376`).join(','));
    assertOutput(await e.ok(['get', 'endpoints', 'my-service', '-n', ns]), `
      NAME         ENDPOINTS                         AGE
      my-service   ${ips[0]}:9376,${ips[1]}:9376   1s
    `);
    await eventually(async () => (await sliceAddresses(e, ns, 'my-service')).length === 2, 'the EndpointSlice to list both pods');
    const slice = await sliceAddresses(e, ns, 'my-service');
    assertOutput(await e.ok(['describe', 'svc', 'my-service', '-n', ns]), `
      Name:                     my-service
      Namespace:                ${ns}
      Labels:                   <none>
      Annotations:              <none>
      Selector:                 app=MyApp
      Type:                     ClusterIP
      IP Family Policy:         SingleStack
      IP Families:              IPv4
      IP:                       ${ip}
      IPs:                      ${ip}
      Port:                     <unset>  80/TCP
      TargetPort:               9376/TCP
      Endpoints:                ${slice.map((p) => `${p}:9376`).join(',')}
      Session Affinity:         None
      Internal Traffic Policy:  Cluster
      Events:                   <none>
    `);
  });

  test('2. endpoints follow the pods (get endpoints --watch)', async () => {
    const e = env();
    const ns = 'flow1';
    const ip = await jsonpath(e, ['svc', 'my-service', '-n', ns], '{.spec.clusterIP}');
    const [ip1, ip2] = await waitPodsReady(e, ns, ['myapp-1', 'myapp-2']);
    const w = e.background(['get', 'endpoints', 'my-service', '-n', ns, '--watch']);
    await w.waitFor((l) => l.length >= 2);
    assertOutput(await e.ok(['delete', 'pod', 'myapp-2', '-n', ns]), 'pod "myapp-2" deleted\n');
    // the watch must show the service with only myapp-1 left
    const cell = (line: string) => normalize(line).split('  ')[1] ?? '';
    await w.waitFor((l) => l.slice(1).some((x) => cell(x) === `${ip1}:9376`));
    e.file('pod3.yaml', podYaml({ name: 'myapp-3', namespace: ns, labels: { app: 'MyApp' }, ports: [{ containerPort: 9376 }] }));
    assertOutput(await e.ok(['create', '-f', 'pod3.yaml']), 'pod/myapp-3 created\n');
    const [ip3] = await waitPodsReady(e, ns, ['myapp-3']);
    const both = byIP([ip1!, ip3!]).map((p) => `${p}:9376`).join(',');
    const lines = await w.waitFor((l) => l.slice(1).some((x) => cell(x) === both));
    await w.stop();
    assert.equal(normalize(lines[0]!), 'NAME  ENDPOINTS  AGE');
    // every row is my-service; consecutive duplicates (e.g. annotation-only updates) collapse
    const cells = lines.slice(1).map((l) => {
      assert.equal(normalize(l).split('  ')[0], 'my-service');
      return cell(l);
    });
    const distinct = cells.filter((c, i) => i === 0 || c !== cells[i - 1]);
    assert.deepEqual(distinct, [byIP([ip1!, ip2!]).map((p) => `${p}:9376`).join(','), `${ip1}:9376`, both]);
    assert.equal(await jsonpath(e, ['svc', 'my-service', '-n', ns], '{.spec.clusterIP}'), ip, 'the Service IP never changes');
    // a kubelet's host-local IPAM hands out addresses round-robin: a just-freed IP is not reused at once
    assert.notEqual(ip3, ip2, 'a new pod gets a new IP');
  });

  test('3. kubectl run + expose', async () => {
    const e = env();
    const ns = 'flow3';
    assertOutput(
      await e.ok(['run', 'alpaca-prod', '-n', ns, '--image=gcr.io/kuar-demo/kuard-amd64:blue', '--port=8080', '--labels=ver=1,app=alpaca,env=prod']),
      'pod/alpaca-prod created\n',
    );
    assertOutput(await e.ok(['expose', 'pod', 'alpaca-prod', '-n', ns]), 'service/alpaca-prod exposed\n');
    const ip = await jsonpath(e, ['svc', 'alpaca-prod', '-n', ns], '{.spec.clusterIP}');
    assertOutput(await e.ok(['get', 'services', '-n', ns, '-o', 'wide']), `
      NAME          TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)    AGE   SELECTOR
      alpaca-prod   ClusterIP   ${ip}   <none>        8080/TCP   0s    app=alpaca,env=prod,ver=1
    `);
    assert.equal(await e.ok(['get', 'pods', '-n', ns, '-l', 'app=alpaca', '-o', 'jsonpath={.items[0].metadata.name}']), 'alpaca-prod');
    const [podIP] = await waitPodsReady(e, ns, ['alpaca-prod']);
    await endpointsCell(e, ns, 'alpaca-prod', `${podIP}:8080`);
  });

  test('4. headless Service: no virtual IP, Endpoints still list the pods', async () => {
    const e = env();
    const ns = 'flow4';
    e.file(
      'headless.yaml',
      [
        serviceYaml({ name: 'headless', namespace: ns, clusterIP: 'None', selector: { app: 'hl' }, ports: [{ port: 80 }] }),
        podYaml({ name: 'hl-1', namespace: ns, labels: { app: 'hl' } }),
      ].join('---\n'),
    );
    assertOutput(await e.ok(['apply', '-f', 'headless.yaml']), 'service/headless created\npod/hl-1 created\n');
    assertOutput(await e.ok(['get', 'svc', 'headless', '-n', ns]), `
      NAME       TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
      headless   ClusterIP   None         <none>        80/TCP    0s
    `);
    const [podIP] = await waitPodsReady(e, ns, ['hl-1']);
    await endpointsCell(e, ns, 'headless', `${podIP}:80`);
    // as the endpoints controller: headless Services' Endpoints carry service.kubernetes.io/headless
    assert.equal(await jsonpath(e, ['ep', 'headless', '-n', ns], '{.metadata.labels}'), '{"service.kubernetes.io/headless":""}');
    assert.equal(await jsonpath(e, ['svc', 'headless', '-n', ns], '{.spec.clusterIPs}'), '["None"]');
  });

  test('5. a Service without a selector and a hand-written Endpoints', async () => {
    const e = env();
    const ns = 'flow5';
    e.file(
      'external.yaml',
      `${serviceYaml({ name: 'my-service', namespace: ns, ports: [{ protocol: 'TCP', port: 80, targetPort: 8000 }] })}---
apiVersion: v1
kind: Endpoints
metadata:
  name: my-service
  namespace: ${ns}
subsets:
- addresses:
  - ip: 1.2.3.4
  ports:
  - port: 8000
`,
    );
    const r = await e.run(['apply', '-f', 'external.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assertOutput(r.stdout, 'service/my-service created\nendpoints/my-service created\n');
    assert.equal(r.stderr, 'Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n');
    const rv = await jsonpath(e, ['ep', 'my-service', '-n', ns], '{.metadata.resourceVersion}');
    // poke the controllers: a label on the Service and a pod in the namespace; then a barrier that
    // proves they ran (another Service's Endpoints pick the pod up)
    await e.ok(['label', 'svc', 'my-service', '-n', ns, 'poked=yes']);
    e.file(
      'barrier.yaml',
      [podYaml({ name: 'barrier', namespace: ns, labels: { app: 'barrier' } }), serviceYaml({ name: 'barrier', namespace: ns, selector: { app: 'barrier' } })].join('---\n'),
    );
    await e.ok(['apply', '-f', 'barrier.yaml']);
    const [barrierIP] = await waitPodsReady(e, ns, ['barrier']);
    await endpointsCell(e, ns, 'barrier', `${barrierIP}:80`);
    assertOutput(await e.ok(['get', 'ep', 'my-service', '-n', ns]), `
      NAME         ENDPOINTS      AGE
      my-service   1.2.3.4:8000   1s
    `);
    assert.equal(await jsonpath(e, ['ep', 'my-service', '-n', ns], '{.metadata.resourceVersion}'), rv, 'nobody rewrote the Endpoints');
    // the EndpointSlice mirroring controller makes the address visible to 1.31+ describe
    await eventually(async () => (await sliceAddresses(e, ns, 'my-service')).join() === '1.2.3.4', 'a mirrored EndpointSlice');
    assertLinesInOrder(await e.ok(['describe', 'svc', 'my-service', '-n', ns]), [
      'Selector:                 <none>',
      'Port:                     <unset>  80/TCP',
      'TargetPort:               8000/TCP',
      'Endpoints:                1.2.3.4:8000',
    ]);
  });

  test('6. multi-port: named TCP and UDP ports on the same number; names are required', async () => {
    const e = env();
    const ns = 'flow6';
    e.file(
      'dns.yaml',
      [
        serviceYaml({
          name: 'dns',
          namespace: ns,
          selector: { app: 'dns' },
          ports: [
            { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 5353 },
            { name: 'dns-udp', port: 53, protocol: 'UDP', targetPort: 5353 },
          ],
        }),
        podYaml({ name: 'dns-1', namespace: ns, labels: { app: 'dns' }, ports: [{ containerPort: 5353, protocol: 'TCP' }, { containerPort: 5353, protocol: 'UDP' }] }),
      ].join('---\n'),
    );
    assertOutput(await e.ok(['apply', '-f', 'dns.yaml']), 'service/dns created\npod/dns-1 created\n');
    const ip = await jsonpath(e, ['svc', 'dns', '-n', ns], '{.spec.clusterIP}');
    assertOutput(await e.ok(['get', 'svc', 'dns', '-n', ns]), `
      NAME   TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)         AGE
      dns    ClusterIP   ${ip}   <none>        53/TCP,53/UDP   0s
    `);
    const [podIP] = await waitPodsReady(e, ns, ['dns-1']);
    await endpointsCell(e, ns, 'dns', `${podIP}:5353,${podIP}:5353`);
    await eventually(async () => (await sliceAddresses(e, ns, 'dns')).length === 1, 'the EndpointSlice');
    assertLinesInOrder(await e.ok(['describe', 'svc', 'dns', '-n', ns]), [
      'Port:                     dns-tcp  53/TCP',
      'TargetPort:               5353/TCP',
      `Endpoints:                ${podIP}:5353`,
      'Port:                     dns-udp  53/UDP',
      'TargetPort:               5353/UDP',
      `Endpoints:                ${podIP}:5353`,
      'Session Affinity:         None',
    ]);
    e.file('unnamed.yaml', serviceYaml({ name: 'unnamed', namespace: ns, selector: { app: 'dns' }, ports: [{ name: 'a', port: 80 }, { port: 81 }] }));
    const r = await e.run(['apply', '-f', 'unnamed.yaml']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'The Service "unnamed" is invalid: spec.ports[1].name: Required value\n');
  });

  test('7. NodePort: an explicit port, a refused port, and ClusterIP → NodePort by patch and edit', async () => {
    const e = env();
    const ns = 'flow7';
    e.file('np.yaml', serviceYaml({ name: 'web', namespace: ns, type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, nodePort: 30001 }] }));
    assertOutput(await e.ok(['apply', '-f', 'np.yaml']), 'service/web created\n');
    const ip = await jsonpath(e, ['svc', 'web', '-n', ns], '{.spec.clusterIP}');
    assertOutput(await e.ok(['get', 'svc', 'web', '-n', ns]), `
      NAME   TYPE       CLUSTER-IP   EXTERNAL-IP   PORT(S)        AGE
      web    NodePort   ${ip}   <none>        80:30001/TCP   0s
    `);
    assert.equal(await jsonpath(e, ['svc', 'web', '-n', ns], '{.spec.externalTrafficPolicy}'), 'Cluster');

    e.file('np-bad.yaml', serviceYaml({ name: 'bad', namespace: ns, type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 8000 }] }));
    const bad = await e.run(['apply', '-f', 'np-bad.yaml']);
    assert.equal(bad.code, 1);
    assert.equal(
      bad.stderr,
      'The Service "bad" is invalid: spec.ports[0].nodePort: Invalid value: 8000: provided port is not in the valid range. The range of valid ports is 30000-32767\n',
    );
    e.file('np-dup.yaml', serviceYaml({ name: 'dup', namespace: ns, type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30001 }] }));
    const dup = await e.run(['apply', '-f', 'np-dup.yaml']);
    assert.equal(dup.code, 1);
    assert.equal(dup.stderr, 'The Service "dup" is invalid: spec.ports[0].nodePort: Invalid value: 30001: provided port is already allocated\n');

    e.file('cip.yaml', serviceYaml({ name: 'cip', namespace: ns, selector: { app: 'web' }, ports: [{ port: 80 }] }));
    await e.ok(['apply', '-f', 'cip.yaml']);
    const cip = await jsonpath(e, ['svc', 'cip', '-n', ns], '{.spec.clusterIP}');
    assertOutput(await e.ok(['patch', 'svc', 'cip', '-n', ns, '-p', '{"spec":{"type":"NodePort"}}']), 'service/cip patched\n');
    const port = Number(await jsonpath(e, ['svc', 'cip', '-n', ns], '{.spec.ports[0].nodePort}'));
    assert.ok(port >= 30000 && port <= 32767, `allocated nodePort ${port} in range`);
    assertOutput(await e.ok(['get', 'svc', 'cip', '-n', ns]), `
      NAME   TYPE       CLUSTER-IP   EXTERNAL-IP   PORT(S)        AGE
      cip    NodePort   ${cip}   <none>        80:${port}/TCP   0s
    `);
    // and back: a ClusterIP Service has no node ports
    assertOutput(await e.ok(['patch', 'svc', 'cip', '-n', ns, '-p', '{"spec":{"type":"ClusterIP"}}']), 'service/cip patched\n');
    assert.equal(await jsonpath(e, ['svc', 'cip', '-n', ns], '{.spec.ports[0].nodePort}|{.spec.externalTrafficPolicy}'), '|');

    const script = e.file('to-nodeport.sh', '#!/bin/sh\nsed -i "s/type: ClusterIP/type: NodePort/" "$1"\n');
    chmodSync(join(e.dir, script), 0o755);
    assertOutput(await e.ok(['edit', 'svc', 'cip', '-n', ns], { env: { EDITOR: join(e.dir, script), KUBE_EDITOR: join(e.dir, script) } }), 'service/cip edited\n');
    assert.equal(await jsonpath(e, ['svc', 'cip', '-n', ns], '{.spec.type}'), 'NodePort');
    assert.match(await jsonpath(e, ['svc', 'cip', '-n', ns], '{.spec.ports[0].nodePort}'), /^3\d{4}$/);
    assert.equal(await jsonpath(e, ['svc', 'cip', '-n', ns], '{.spec.clusterIP}'), cip, 'the ClusterIP is kept');
  });

  test('8. LoadBalancer: apply the type change, an EXTERNAL-IP appears, the CLUSTER-IP stays', async () => {
    const e = env();
    const ns = 'flow8';
    e.file('lb.yaml', serviceYaml({ name: 'lb', namespace: ns, selector: { app: 'lb' }, ports: [{ port: 443, targetPort: 8443 }] }));
    assertOutput(await e.ok(['apply', '-f', 'lb.yaml']), 'service/lb created\n');
    const ip = await jsonpath(e, ['svc', 'lb', '-n', ns], '{.spec.clusterIP}');
    e.file('lb.yaml', serviceYaml({ name: 'lb', namespace: ns, type: 'LoadBalancer', selector: { app: 'lb' }, ports: [{ port: 443, targetPort: 8443 }] }));
    assertOutput(await e.ok(['apply', '-f', 'lb.yaml']), 'service/lb configured\n');
    const ext = await waitForJsonpath(e, ['svc', 'lb', '-n', ns], '{.status.loadBalancer.ingress[0].ip}', (v) => v !== '', 'an ingress IP');
    const nodePort = await jsonpath(e, ['svc', 'lb', '-n', ns], '{.spec.ports[0].nodePort}');
    assertOutput(await e.ok(['get', 'svc', 'lb', '-n', ns]), `
      NAME   TYPE           CLUSTER-IP   EXTERNAL-IP   PORT(S)         AGE
      lb     LoadBalancer   ${ip}   ${ext}   443:${nodePort}/TCP   0s
    `);
    // kube-apiserver defaults ipMode to VIP when an ingress IP is set (LoadBalancerIPMode, GA in 1.32)
    assert.equal(await jsonpath(e, ['svc', 'lb', '-n', ns], '{.status.loadBalancer.ingress[0].ipMode}'), 'VIP');
    assert.equal(await jsonpath(e, ['svc', 'lb', '-n', ns], '{.spec.allocateLoadBalancerNodePorts}'), 'true');
    assertLinesInOrder(await e.ok(['describe', 'svc', 'lb', '-n', ns]), [
      'Type:                     LoadBalancer',
      `IP:                       ${ip}`,
      `LoadBalancer Ingress:     ${ext} (VIP)`,
      'Port:                     <unset>  443/TCP',
      'TargetPort:               8443/TCP',
      `NodePort:                 <unset>  ${nodePort}/TCP`,
      'Session Affinity:         None',
      'External Traffic Policy:  Cluster',
      'Internal Traffic Policy:  Cluster',
    ]);
  });

  test('9. ExternalName: no cluster IP, EXTERNAL-IP shows the name', async () => {
    const e = env();
    const ns = 'flow9';
    e.file('en.yaml', serviceYaml({ name: 'my-database', namespace: ns, type: 'ExternalName', externalName: 'my.database.example.com', ports: [] }));
    assertOutput(await e.ok(['apply', '-f', 'en.yaml']), 'service/my-database created\n');
    assertOutput(await e.ok(['get', 'svc', '-n', ns]), `
      NAME          TYPE           CLUSTER-IP   EXTERNAL-IP               PORT(S)   AGE
      my-database   ExternalName   <none>       my.database.example.com   <none>    0s
    `);
    assert.equal(await jsonpath(e, ['svc', 'my-database', '-n', ns], '{.spec.clusterIP}|{.spec.clusterIPs}|{.spec.ipFamilies}'), '||');
    assertLinesInOrder(await e.ok(['describe', 'svc', 'my-database', '-n', ns]), [
      'Type:              ExternalName',
      'IP Families:       <none>',
      'IP:',
      'IPs:               <none>',
      'External Name:     my.database.example.com',
      'Session Affinity:  None',
    ]);
  });

  test('10. session affinity ClientIP is accepted and shown by describe', async () => {
    const e = env();
    const ns = 'flow10';
    e.file('sticky.yaml', serviceYaml({ name: 'sticky', namespace: ns, sessionAffinity: 'ClientIP', selector: { app: 'sticky' }, ports: [{ port: 80 }] }));
    assertOutput(await e.ok(['apply', '-f', 'sticky.yaml']), 'service/sticky created\n');
    assert.equal(await jsonpath(e, ['svc', 'sticky', '-n', ns], '{.spec.sessionAffinityConfig.clientIP.timeoutSeconds}'), '10800');
    assertLinesInOrder(await e.ok(['describe', 'svc', 'sticky', '-n', ns]), ['Session Affinity:         ClientIP', 'Internal Traffic Policy:  Cluster']);
  });

  test('11. readiness: a pod that is not ready is listed under NotReadyAddresses', async () => {
    const e = env();
    const ns = 'flow11';
    e.file(
      'ready.yaml',
      [serviceYaml({ name: 'rs', namespace: ns, selector: { app: 'rs' }, ports: [{ port: 80 }] }), podYaml({ name: 'rs-1', namespace: ns, labels: { app: 'rs' } })].join('---\n'),
    );
    await e.ok(['apply', '-f', 'ready.yaml']);
    const [podIP] = await waitPodsReady(e, ns, ['rs-1']);
    await endpointsCell(e, ns, 'rs', `${podIP}:80`);
    // as a kubelet reports it: the Ready condition with a new transition time (the endpoints
    // controller's last-change-trigger-time comes from it, and only when it changed)
    const readySince = await jsonpath(e, ['pod', 'rs-1', '-n', ns], '{.status.conditions[?(@.type=="Ready")].lastTransitionTime}');
    const later = (ts: string, s: number) => new Date(Date.parse(ts) + s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    assertOutput(
      await e.ok(['patch', 'pod', 'rs-1', '-n', ns, '--subresource=status', '-p', `{"status":{"conditions":[{"type":"Ready","status":"False","lastTransitionTime":"${later(readySince, 1)}"}]}}`]),
      'pod/rs-1 patched\n',
    );
    await waitForJsonpath(e, ['ep', 'rs', '-n', ns], '{.subsets[0].notReadyAddresses[0].ip}', (v) => v === podIP, 'the pod under notReadyAddresses');
    const d = await e.run(['describe', 'endpoints', 'rs', '-n', ns]);
    assertOutput(d.stdout, `
      Name:         rs
      Namespace:    ${ns}
      Labels:       <none>
      Annotations:  endpoints.kubernetes.io/last-change-trigger-time: 2026-01-01T00:00:00Z
      Subsets:
        Addresses:          <none>
        NotReadyAddresses:  ${podIP}
        Ports:
          Name     Port  Protocol
          ----     ----  --------
          <unset>  80    TCP

      Events:  <none>
    `);
    // the ENDPOINTS column only shows ready addresses
    assert.equal(normalize(await e.ok(['get', 'ep', 'rs', '-n', ns, '--no-headers'])), 'rs  <age>\n');
    assert.equal(await jsonpath(e, ['endpointslices', '-n', ns, '-l', 'kubernetes.io/service-name=rs'], '{.items[0].endpoints[0].conditions.ready}'), 'false');
    assertLinesInOrder(await e.ok(['describe', 'svc', 'rs', '-n', ns]), ['TargetPort:               80/TCP', 'Endpoints:', 'Session Affinity:         None']);
    await e.ok(['patch', 'pod', 'rs-1', '-n', ns, '--subresource=status', '-p', `{"status":{"conditions":[{"type":"Ready","status":"True","lastTransitionTime":"${later(readySince, 2)}"}]}}`]);
    await endpointsCell(e, ns, 'rs', `${podIP}:80`);
  });

  test('12. clean up: delete services,pods -l app; delete ns removes everything in it', async () => {
    const e = env();
    const ns = 'flow12';
    e.file(
      'cleanup.yaml',
      [
        serviceYaml({ name: 'a', namespace: ns, labels: { app: 'a' }, selector: { app: 'a' } }),
        serviceYaml({ name: 'keep', namespace: ns, selector: { app: 'a' } }),
        podYaml({ name: 'a-1', namespace: ns, labels: { app: 'a' } }),
        podYaml({ name: 'b-1', namespace: ns, labels: { app: 'b' } }),
        podYaml({ name: 'unlabelled', namespace: ns }),
      ].join('---\n'),
    );
    await e.ok(['apply', '-f', 'cleanup.yaml']);
    await waitPodsReady(e, ns, ['a-1', 'b-1', 'unlabelled']);
    assertOutput(await e.ok(['delete', 'services,pods', '-l', 'app', '-n', ns], { timeoutMs: 60_000 }), `
      service "a" deleted
      pod "a-1" deleted
      pod "b-1" deleted
    `);
    assert.equal(await e.ok(['get', 'svc,pods', '-n', ns, '-o', 'name']), 'service/keep\npod/unlabelled\n');
    assertOutput(await e.ok(['delete', 'ns', ns], { timeoutMs: 60_000 }), `namespace "${ns}" deleted\n`);
    const gone = await e.run(['get', 'ns', ns]);
    assert.equal(gone.stderr, `Error from server (NotFound): namespaces "${ns}" not found\n`);
    const left = await e.run(['get', 'svc,pods', '-n', ns]);
    assert.equal(left.stdout, '');
    assert.equal(left.stderr, `No resources found in ${ns} namespace.\n`);
    // a namespace of the same name starts empty
    await e.ok(['create', 'ns', ns]);
    assert.equal((await e.run(['get', 'all', '-n', ns])).stderr, `No resources found in ${ns} namespace.\n`);
  });
});
