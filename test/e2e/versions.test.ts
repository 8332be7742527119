/** The same smoke walk with every supported client, kubectl 1.27 … 1.33 (each against its own server). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KUBECTL_MINORS, assertOutput, e2eSuite, eventually, jsonpath, waitPodsReady } from './harness.js';
import { podYaml, serviceYaml } from './manifests.js';

const NS = 'smoke';

for (const minor of KUBECTL_MINORS) {
  e2eSuite(
    `kubectl 1.${minor} smoke`,
    (env) => {
      test('reports its version; create namespace (a protobuf body from 1.32); get ns', async () => {
        const e = env();
        const v = JSON.parse(await e.ok(['version', '-o', 'json']));
        assert.equal(v.clientVersion.minor, minor);
        assertOutput(await e.ok(['create', 'namespace', NS]), `namespace/${NS} created\n`);
        assertOutput(await e.ok(['get', 'ns']), `
          NAME              STATUS   AGE
          default           Active   1s
          kube-node-lease   Active   1s
          kube-public       Active   1s
          kube-system       Active   1s
          ${NS}             Active   0s
        `);
      });

      test('apply twice: created, then unchanged', async () => {
        const e = env();
        e.file(
          'app.yaml',
          [
            serviceYaml({ name: 'web', namespace: NS, labels: { app: 'smoke' }, selector: { app: 'smoke' }, ports: [{ port: 80, targetPort: 8080 }] }),
            podYaml({ name: 'web-1', namespace: NS, labels: { app: 'smoke' }, ports: [{ containerPort: 8080 }] }),
          ].join('---\n'),
        );
        assertOutput(await e.ok(['apply', '-f', 'app.yaml']), 'service/web created\npod/web-1 created\n');
        assertOutput(await e.ok(['apply', '-f', 'app.yaml']), 'service/web unchanged\npod/web-1 unchanged\n');
      });

      test('get -w shows the list and then a change', async () => {
        const e = env();
        const ip = await jsonpath(e, ['svc', 'web', '-n', NS], '{.spec.clusterIP}');
        const w = e.background(['get', 'svc', '-n', NS, '-w']);
        await w.waitFor((l) => l.length >= 2);
        assertOutput(await e.ok(['patch', 'svc', 'web', '-n', NS, '-p', '{"metadata":{"labels":{"watched":"yes"}}}']), 'service/web patched\n');
        const lines = await w.waitFor((l) => l.length >= 3);
        await w.stop();
        assertOutput(lines.join('\n') + '\n', `
          NAME   TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
          web    ClusterIP   ${ip}   <none>        80/TCP    0s
          web    ClusterIP   ${ip}   <none>        80/TCP    0s
        `);
      });

      test('describe svc shows the endpoints', async () => {
        const e = env();
        const ip = await jsonpath(e, ['svc', 'web', '-n', NS], '{.spec.clusterIP}');
        const [podIP] = await waitPodsReady(e, NS, ['web-1']);
        // ≤1.30 read Endpoints, 1.31+ EndpointSlices: wait for both
        await eventually(async () => (await jsonpath(e, ['ep', 'web', '-n', NS], '{.subsets[0].addresses[0].ip}')) === podIP, 'endpoints');
        await eventually(
          async () => (await jsonpath(e, ['endpointslices', '-n', NS, '-l', 'kubernetes.io/service-name=web'], '{.items[0].endpoints[0].addresses[0]}')) === podIP,
          'endpointslice',
        );
        // the Internal Traffic Policy line is printed by kubectl 1.31 and later only
        assertOutput(await e.ok(['describe', 'svc', 'web', '-n', NS]), `
          Name:                     web
          Namespace:                ${NS}
          Labels:                   app=smoke
                                    watched=yes
          Annotations:              <none>
          Selector:                 app=smoke
          Type:                     ClusterIP
          IP Family Policy:         SingleStack
          IP Families:              IPv4
          IP:                       ${ip}
          IPs:                      ${ip}
          Port:                     <unset>  80/TCP
          TargetPort:               8080/TCP
          Endpoints:                ${podIP}:8080
          Session Affinity:         None
          ${Number(minor) >= 31 ? 'Internal Traffic Policy:  Cluster' : ''}
          Events:                   <none>
        `.replace(/\n\s*\n/g, '\n'));
      });

      test('patch --type=merge and --type=json', async () => {
        const e = env();
        assertOutput(await e.ok(['patch', 'svc', 'web', '-n', NS, '--type=merge', '-p', '{"spec":{"sessionAffinity":"ClientIP"}}']), 'service/web patched\n');
        assertOutput(await e.ok(['patch', 'svc', 'web', '-n', NS, '--type=json', '-p', '[{"op":"replace","path":"/spec/ports/0/port","value":81}]']), 'service/web patched\n');
        assert.equal(await jsonpath(e, ['svc', 'web', '-n', NS], '{.spec.sessionAffinity} {.spec.ports[0].port}'), 'ClientIP 81');
      });

      test('explain service.spec.ports', async () => {
        const out = await env().ok(['explain', 'service.spec.ports']);
        const lines = out.split('\n');
        assert.deepEqual(lines.slice(0, 2), ['KIND:       Service', 'VERSION:    v1']);
        assert.ok(lines.includes('FIELD: ports <[]ServicePort>'), out);
        assert.ok(lines.includes('  port\t<integer> -required-'), out);
      });

      test('delete svc,pods -l', async () => {
        const e = env();
        assertOutput(await e.ok(['delete', 'svc,pods', '-l', 'app=smoke', '-n', NS], { timeoutMs: 60_000 }), 'service "web" deleted\npod "web-1" deleted\n');
        const left = await e.run(['get', 'svc,pods', '-n', NS]);
        assert.equal(left.stderr, `No resources found in ${NS} namespace.\n`);
      });
    },
    { minor },
  );
}
