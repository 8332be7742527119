/** The first walk with real kubectl: namespaces, create/get/delete, and the three classic errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { URL } from 'node:url';
import { assertOutput, e2eSuite, eventually, jsonpath, waitPodsReady } from './harness.js';
import { podYaml, serviceYaml } from './manifests.js';

e2eSuite('foundation', (env) => {
  test('get ns lists the four namespaces a fresh cluster has', async () => {
    assertOutput(
      await env().ok(['get', 'ns']),
      `
      NAME              STATUS   AGE
      default           Active   5s
      kube-node-lease   Active   5s
      kube-public       Active   5s
      kube-system       Active   5s
      `,
    );
  });

  test('create -f a Pod and a Service, get svc,po,ep, delete -f', async () => {
    const e = env();
    const port = new URL(e.srv.url).port;
    e.file('pod.yaml', podYaml({ name: 'web', labels: { app: 'web' } }));
    e.file('svc.yaml', serviceYaml({ name: 'web', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] }));
    assertOutput(await e.ok(['create', '-f', 'pod.yaml', '-f', 'svc.yaml']), `
      pod/web created
      service/web created
    `);
    const clusterIP = await jsonpath(e, ['svc', 'web'], '{.spec.clusterIP}');
    assert.match(clusterIP, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/, 'a ClusterIP from 10.96.0.0/12');

    const [podIP] = await waitPodsReady(e, 'default', ['web']);
    await eventually(async () => (await jsonpath(e, ['ep', 'web'], '{.subsets[*].addresses[*].ip}')) === podIP, 'endpoints/web to list the pod');
    const r = await e.run(['get', 'svc,po,ep']);
    assert.equal(r.code, 0, r.stderr);
    assertOutput(
      r.stdout,
      `
      NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
      service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   5s
      service/web          ClusterIP   ${clusterIP}    <none>        80/TCP    1s

      NAME      READY   STATUS    RESTARTS   AGE
      pod/web   1/1     Running   0          1s

      NAME                   ENDPOINTS         AGE
      endpoints/kubernetes   127.0.0.1:${port}   5s
      endpoints/web          ${podIP}:80       1s
      `,
    );
    // kube-apiserver 1.33 marks every v1 Endpoints response with a deprecation warning
    assert.equal(r.stderr, 'Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n');

    assertOutput(await e.ok(['delete', '-f', 'pod.yaml', '-f', 'svc.yaml']), `
      pod "web" deleted
      service "web" deleted
    `);
    // the endpoints controller removes the Endpoints of a deleted Service
    await eventually(async () => (await e.run(['get', 'ep', 'web'])).code === 1, 'endpoints/web to be deleted');
    assertOutput(
      await e.ok(['get', 'svc,po']),
      `
      NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
      service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   5s
      `,
    );
  });

  test('get of a missing object prints NotFound', async () => {
    const r = await env().run(['get', 'pod', 'nope']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'Error from server (NotFound): pods "nope" not found\n');
  });

  test('create -f twice prints AlreadyExists with the file name', async () => {
    const e = env();
    e.file('dup.yaml', serviceYaml({ name: 'dup', selector: { app: 'dup' } }));
    assertOutput(await e.ok(['create', '-f', 'dup.yaml']), 'service/dup created\n');
    const r = await e.run(['create', '-f', 'dup.yaml']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error from server (AlreadyExists): error when creating "dup.yaml": services "dup" already exists\n');
    await e.ok(['delete', 'svc', 'dup']);
  });

  test('an invalid Service is refused with the Invalid message built from the causes', async () => {
    const e = env();
    e.file('bad.yaml', serviceYaml({ name: 'bad', type: 'NodePort', selector: { app: 'bad' }, ports: [{ port: 80, nodePort: 8000 }] }));
    const r = await e.run(['create', '-f', 'bad.yaml']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'The Service "bad" is invalid: spec.ports[0].nodePort: Invalid value: 8000: provided port is not in the valid range. The range of valid ports is 30000-32767\n',
    );
    const gone = await e.run(['get', 'svc', 'bad']);
    assert.equal(gone.stderr, 'Error from server (NotFound): services "bad" not found\n', 'nothing was written');
  });

  test('unknown fields: Strict refuses (400), --validate=warn drops them with a warning', async () => {
    const e = env();
    e.file('unknown.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: unknown\nspec:\n  foo: 1\n  ports:\n  - port: 80\n');
    const strict = await e.run(['create', '-f', 'unknown.yaml']);
    assert.equal(strict.code, 1);
    assert.equal(
      strict.stderr,
      'Error from server (BadRequest): error when creating "unknown.yaml": Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.foo"\n',
    );
    const warn = await e.run(['create', '-f', 'unknown.yaml', '--validate=warn']);
    assert.equal(warn.code, 0, warn.stderr);
    assert.equal(warn.stdout, 'service/unknown created\n');
    assert.equal(warn.stderr, 'Warning: unknown field "spec.foo"\n');
    await e.ok(['delete', 'svc', 'unknown']);
  });

  test('the system namespaces cannot be deleted', async () => {
    const r = await env().run(['delete', 'ns', 'default']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted\n');
  });

  test('several causes are listed one per line under a header', async () => {
    const e = env();
    e.file(
      'bad2.yaml',
      `apiVersion: v1
kind: Service
metadata:
  name: bad2
spec:
  selector: {app: x}
  ports:
  - port: 80
  - port: 81
`,
    );
    const r = await e.run(['create', '-f', 'bad2.yaml']);
    assert.equal(r.code, 1);
    // as kube-apiserver's ValidateService: names are required when there is more than one port
    assert.equal(
      r.stderr,
      [
        'The Service "bad2" is invalid: ',
        '* spec.ports[0].name: Required value',
        '* spec.ports[1].name: Required value',
        '',
      ].join('\n'),
    );
  });
});
