/** Writes through kubectl: apply (client- and server-side), diff, patch, label, annotate, replace, edit, delete. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { assertOutput, e2eSuite, eventually, jsonpath } from './harness.js';
import { podYaml, serviceYaml } from './manifests.js';

const NS = 'writes';

e2eSuite('kubectl writes', (env) => {
  test('setup: namespace', async () => {
    assertOutput(await env().ok(['create', 'ns', NS]), `namespace/${NS} created\n`);
  });

  test('client-side apply: created, unchanged, configured', async () => {
    const e = env();
    e.file('web.yaml', serviceYaml({ name: 'web', namespace: NS, labels: { app: 'web' }, selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }));
    assertOutput(await e.ok(['apply', '-f', 'web.yaml']), 'service/web created\n');
    const ip = await jsonpath(e, ['-n', NS, 'svc', 'web'], '{.spec.clusterIP}');
    const lastApplied = JSON.parse(await jsonpath(e, ['-n', NS, 'svc', 'web'], '{.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}'));
    assert.deepEqual(lastApplied.spec, { ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'web' } });
    assertOutput(await e.ok(['apply', '-f', 'web.yaml']), 'service/web unchanged\n');
    const rvBefore = await jsonpath(e, ['-n', NS, 'svc', 'web'], '{.metadata.resourceVersion}');
    assertOutput(await e.ok(['apply', '-f', 'web.yaml']), 'service/web unchanged\n');
    assert.equal(await jsonpath(e, ['-n', NS, 'svc', 'web'], '{.metadata.resourceVersion}'), rvBefore, 'unchanged sends nothing');

    e.file('web.yaml', serviceYaml({ name: 'web', namespace: NS, labels: { app: 'web', v: '2' }, selector: { app: 'web' }, ports: [{ port: 80, targetPort: 9090 }, { name: 'metrics', port: 9100 }].map((p, i) => (i === 0 ? { ...p, name: 'http' } : p)) }));
    assertOutput(await e.ok(['apply', '-f', 'web.yaml']), 'service/web configured\n');
    assert.equal(await jsonpath(e, ['-n', NS, 'svc', 'web'], '{.spec.clusterIP}'), ip, 'the ClusterIP survives apply');
    assert.equal(
      await jsonpath(e, ['-n', NS, 'svc', 'web'], '{range .spec.ports[*]}{.name}:{.port}>{.targetPort}/{.protocol} {end}'),
      'http:80>9090/TCP metrics:9100>9100/TCP ',
    );
    assertOutput(await e.ok(['apply', '-f', 'web.yaml']), 'service/web unchanged\n');
  });

  test('apply --dry-run=server reports and persists nothing; diff shows the change', async () => {
    const e = env();
    e.file('web2.yaml', serviceYaml({ name: 'web', namespace: NS, labels: { app: 'web', v: '2' }, selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 7070 }, { name: 'metrics', port: 9100 }] }));
    const rv = await jsonpath(e, ['-n', NS, 'svc', 'web'], '{.metadata.resourceVersion}');
    assertOutput(await e.ok(['apply', '--dry-run=server', '-f', 'web2.yaml']), 'service/web configured (server dry run)\n');
    assert.equal(await jsonpath(e, ['-n', NS, 'svc', 'web'], '{.metadata.resourceVersion}/{.spec.ports[0].targetPort}'), `${rv}/9090`);

    e.file('new.yaml', serviceYaml({ name: 'brand-new', namespace: NS, selector: { app: 'x' } }));
    assertOutput(await e.ok(['apply', '--dry-run=server', '-f', 'new.yaml']), 'service/brand-new created (server dry run)\n');
    assert.equal((await e.run(['get', 'svc', 'brand-new', '-n', NS])).stderr, `Error from server (NotFound): services "brand-new" not found\n`);

    const same = await e.run(['diff', '-f', 'web.yaml']);
    assert.equal(same.code, 0, same.stderr);
    assert.equal(same.stdout, '');

    const d = await e.run(['diff', '-f', 'web2.yaml']);
    assert.equal(d.code, 1, `diff exits 1 when there are differences\n${d.stderr}`);
    const lines = d.stdout.split('\n');
    assert.match(lines[0]!, /^diff -u -N \S+\/LIVE-\d+\/v1\.Service\.writes\.web \S+\/MERGED-\d+\/v1\.Service\.writes\.web$/);
    const changed = lines.filter((l) => /^[-+] /.test(l) || /^[-+]\S/.test(l)).filter((l) => !l.startsWith('---') && !l.startsWith('+++'));
    assert.deepEqual(
      changed.filter((l) => !/^[-+]\s+generation: /.test(l)),
      ['-    targetPort: 9090', '+    targetPort: 7070'],
      d.stdout,
    );
  });

  test('server-side apply creates, re-applies and merges', async () => {
    const e = env();
    e.file('ssa.yaml', serviceYaml({ name: 'ssa', namespace: NS, selector: { app: 'ssa' }, ports: [{ port: 80 }] }));
    assertOutput(await e.ok(['apply', '--server-side', '-f', 'ssa.yaml']), 'service/ssa serverside-applied\n');
    assertOutput(await e.ok(['apply', '--server-side', '-f', 'ssa.yaml']), 'service/ssa serverside-applied\n');
    e.file('ssa2.yaml', serviceYaml({ name: 'ssa', namespace: NS, labels: { owner: 'me' }, selector: { app: 'ssa' }, ports: [{ port: 80, targetPort: 8080 }] }));
    assertOutput(await e.ok(['apply', '--server-side', '-f', 'ssa2.yaml']), 'service/ssa serverside-applied\n');
    assert.equal(await jsonpath(e, ['-n', NS, 'svc', 'ssa'], '{.metadata.labels.owner} {.spec.ports[0].targetPort}'), 'me 8080');
    e.file('ssa3.yaml', serviceYaml({ name: 'ssa', namespace: NS, labels: { owner: 'me' }, selector: { app: 'ssa' }, ports: [{ port: 80, targetPort: 9090 }] }));
    const conflict = await e.run(['apply', '--server-side', '--field-manager=other', '-f', 'ssa3.yaml']);
    assert.equal(conflict.code, 1);
    assert.ok(
      conflict.stderr.startsWith('error: Apply failed with 1 conflict: conflict with "kubectl": .spec.ports[port=80,protocol="TCP"].targetPort\nPlease review the fields above'),
      conflict.stderr,
    );
    const managers = JSON.parse((await jsonpath(e, ['-n', NS, 'svc', 'ssa', '--show-managed-fields'], '{.metadata.managedFields}')) || '[]') as { manager: string; operation: string }[];
    assert.deepEqual(
      managers.map((m) => `${m.manager}/${m.operation}`),
      ['kubectl/Apply'],
    );
  });

  test('patch: strategic (default), merge, json, no-op, and the status subresource', async () => {
    const e = env();
    assertOutput(await e.ok(['patch', 'svc', 'web', '-n', NS, '-p', '{"spec":{"ports":[{"port":80,"targetPort":8081}]}}']), 'service/web patched\n');
    assert.equal(await jsonpath(e, ['-n', NS, 'svc', 'web'], '{range .spec.ports[*]}{.port}>{.targetPort} {end}'), '80>8081 9100>9100 ', 'strategic merge by port');
    assertOutput(await e.ok(['patch', 'svc', 'web', '-n', NS, '--type=merge', '-p', '{"metadata":{"labels":{"patched":"merge"}}}']), 'service/web patched\n');
    assertOutput(
      await e.ok(['patch', 'svc', 'web', '-n', NS, '--type=json', '-p', '[{"op":"replace","path":"/spec/ports/1/port","value":9200},{"op":"remove","path":"/metadata/labels/v"}]']),
      'service/web patched\n',
    );
    assert.equal(await jsonpath(e, ['-n', NS, 'svc', 'web'], '{.spec.ports[1].port} {.metadata.labels}'), '9200 {"app":"web","patched":"merge"}');
    assertOutput(await e.ok(['patch', 'svc', 'web', '-n', NS, '--type=merge', '-p', '{"metadata":{"labels":{"patched":"merge"}}}']), 'service/web patched (no change)\n');

    e.file('sp.yaml', podYaml({ name: 'sp', namespace: NS, labels: { app: 'sp' } }));
    await e.ok(['create', '-f', 'sp.yaml']);
    assertOutput(
      await e.ok(['patch', 'pod', 'sp', '-n', NS, '--subresource=status', '--type=merge', '-p', '{"status":{"message":"from the status subresource"},"metadata":{"labels":{"ignored":"yes"}}}']),
      'pod/sp patched\n',
    );
    assert.equal(await jsonpath(e, ['-n', NS, 'pod', 'sp'], '{.status.message}|{.metadata.labels.ignored}'), 'from the status subresource|');
    assertOutput(await e.ok(['delete', 'pod', 'sp', '-n', NS]), 'pod "sp" deleted\n');

    const bad = await e.run(['patch', 'svc', 'web', '-n', NS, '--type=json', '-p', '[{"op":"test","path":"/spec/type","value":"NodePort"}]']);
    assert.equal(bad.code, 1);
    // kube-apiserver answers a failed JSON-patch op with NewGenericServerResponse(422): reason Invalid, no
    // kind/name, one cause without a field carrying the json-patch library's message
    assert.equal(bad.stderr, 'The request is invalid: : testing value /spec/type failed: test failed\n');

  });

  test('immutable fields: the ClusterIP, and a pod spec', async () => {
    const e = env();
    // kube-apiserver first copies a changed clusterIP into clusterIPs (an "old client" update), then
    // refuses the change of clusterIPs[0]
    const ip = await e.run(['patch', 'svc', 'web', '-n', NS, '-p', '{"spec":{"clusterIP":"10.96.0.50"}}']);
    assert.equal(ip.code, 1);
    assert.match(ip.stderr, /^The Service "web" is invalid: spec\.clusterIPs\[0\]: Invalid value: .*10\.96\.0\.50.*: may not change once set\n$/);
    e.file('imm.yaml', podYaml({ name: 'imm', namespace: NS, labels: { app: 'imm' } }));
    await e.ok(['create', '-f', 'imm.yaml']);
    const pod = await e.run(['patch', 'pod', 'imm', '-n', NS, '-p', '{"spec":{"containers":[{"name":"app","ports":[{"containerPort":81}]}]}}']);
    assert.equal(pod.code, 1);
    assert.match(
      pod.stderr,
      /^The Pod "imm" is invalid: spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`,/,
    );
    assertOutput(await e.ok(['patch', 'pod', 'imm', '-n', NS, '-p', '{"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}']), 'pod/imm patched\n');
    await e.ok(['delete', 'pod', 'imm', '-n', NS, '--wait=false']);
  });

  test('label and annotate, with --overwrite and key-', async () => {
    const e = env();
    assertOutput(await e.ok(['label', 'svc', 'web', '-n', NS, 'env=prod']), 'service/web labeled\n');
    const clash = await e.run(['label', 'svc', 'web', '-n', NS, 'env=dev']);
    assert.equal(clash.code, 1);
    assert.equal(clash.stderr, "error: 'env' already has a value (prod), and --overwrite is false\n");
    assertOutput(await e.ok(['label', 'svc', 'web', '-n', NS, 'env=dev', '--overwrite']), 'service/web labeled\n');
    assertOutput(await e.ok(['label', 'svc', 'web', '-n', NS, 'env=dev', '--overwrite']), 'service/web not labeled\n');
    assertOutput(await e.ok(['label', 'svc', 'web', '-n', NS, 'env-']), 'service/web unlabeled\n');
    assert.equal(await jsonpath(e, ['-n', NS, 'svc', 'web'], '{.metadata.labels.env}'), '');
    assertOutput(await e.ok(['annotate', 'svc', 'web', '-n', NS, 'team=blue']), 'service/web annotated\n');
    assertOutput(await e.ok(['annotate', 'svc', 'web', '-n', NS, 'team=red', '--overwrite']), 'service/web annotated\n');
    assert.equal(await jsonpath(e, ['-n', NS, 'svc', 'web'], '{.metadata.annotations.team}'), 'red');
    assertOutput(await e.ok(['annotate', 'svc', 'web', '-n', NS, 'team-']), 'service/web annotated\n');
    assertOutput(await e.ok(['label', 'svc', '-n', NS, '--all', 'swept=yes']), 'service/ssa labeled\nservice/web labeled\n');
  });

  test('replace, a stale replace (Conflict), and replace --force', async () => {
    const e = env();
    const live = await e.ok(['get', 'svc', 'ssa', '-n', NS, '-o', 'yaml']);
    e.file('rep.yaml', live.replace('sessionAffinity: None', 'sessionAffinity: ClientIP'));
    assertOutput(await e.ok(['replace', '-f', 'rep.yaml']), 'service/ssa replaced\n');
    assert.equal(await jsonpath(e, ['-n', NS, 'svc', 'ssa'], '{.spec.sessionAffinity}'), 'ClientIP');
    const stale = await e.run(['replace', '-f', 'rep.yaml']);
    assert.equal(stale.code, 1);
    assert.equal(
      stale.stderr,
      'Error from server (Conflict): error when replacing "rep.yaml": Operation cannot be fulfilled on services "ssa": the object has been modified; please apply your changes to the latest version and try again\n',
    );
    // a manifest without clusterIP/nodePort replaces unconditionally and keeps the allocations
    e.file('np-rep.yaml', serviceYaml({ name: 'np-rep', namespace: NS, type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80, targetPort: 8080 }] }));
    await e.ok(['create', '-f', 'np-rep.yaml']);
    const alloc = await jsonpath(e, ['-n', NS, 'svc', 'np-rep'], '{.spec.clusterIP} {.spec.ports[0].nodePort}');
    e.file('np-rep.yaml', serviceYaml({ name: 'np-rep', namespace: NS, type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80, targetPort: 9090 }] }));
    assertOutput(await e.ok(['replace', '-f', 'np-rep.yaml']), 'service/np-rep replaced\n');
    assert.equal(await jsonpath(e, ['-n', NS, 'svc', 'np-rep'], '{.spec.clusterIP} {.spec.ports[0].nodePort}'), alloc);
    await e.ok(['delete', 'svc', 'np-rep', '-n', NS]);
    const uid = await jsonpath(e, ['-n', NS, 'svc', 'ssa'], '{.metadata.uid}');
    assertOutput(await e.ok(['replace', '--force', '-f', 'rep.yaml']), 'service "ssa" deleted\nservice/ssa replaced\n');
    assert.notEqual(await jsonpath(e, ['-n', NS, 'svc', 'ssa'], '{.metadata.uid}'), uid, 'a new object');
  });

  test('edit with $EDITOR changing a field; an unchanged edit is cancelled', async () => {
    const e = env();
    const script = e.file('editor.sh', '#!/bin/sh\nsed -i "s/sessionAffinity: None/sessionAffinity: ClientIP/" "$1"\n');
    chmodSync(join(e.dir, script), 0o755);
    const editor = join(e.dir, script);
    assertOutput(await e.ok(['edit', 'svc', 'web', '-n', NS], { env: { EDITOR: editor, KUBE_EDITOR: editor } }), 'service/web edited\n');
    assert.equal(await jsonpath(e, ['-n', NS, 'svc', 'web'], '{.spec.sessionAffinity}'), 'ClientIP');
    const again = await e.run(['edit', 'svc', 'web', '-n', NS], { env: { EDITOR: editor, KUBE_EDITOR: editor } });
    assert.equal(again.code, 0);
    assert.equal(again.stdout + again.stderr, 'Edit cancelled, no changes made.\n');
  });

  test('delete -l, delete svc,pods -l, delete --all, and a forced delete', async () => {
    const e = env();
    e.file(
      'del.yaml',
      [
        podYaml({ name: 'd1', namespace: NS, labels: { app: 'del' } }),
        podYaml({ name: 'd2', namespace: NS, labels: { app: 'del' } }),
        podYaml({ name: 'keep', namespace: NS, labels: { app: 'keep' } }),
        podYaml({ name: 'rest', namespace: NS, labels: { app: 'rest' } }),
        serviceYaml({ name: 'del', namespace: NS, labels: { app: 'del' }, selector: { app: 'del' } }),
      ].join('---\n'),
    );
    await e.ok(['create', '-f', 'del.yaml']);
    assertOutput(await e.ok(['delete', 'pods', '-l', 'app=del', '-n', NS]), 'pod "d1" deleted\npod "d2" deleted\n');
    assertOutput(await e.ok(['delete', 'svc,pods', '-l', 'app=del', '-n', NS]), 'service "del" deleted\n');
    const none = await e.run(['delete', 'pods', '-l', 'app=del', '-n', NS]);
    assert.equal(none.code, 0);
    assert.equal(none.stdout, 'No resources found\n');
    assertOutput(await e.ok(['delete', 'pod', 'keep', '-n', NS, '--grace-period=0', '--force']), 'pod "keep" force deleted\n');

    assertOutput(await e.ok(['delete', 'pods', '--all', '-n', NS]), 'pod "rest" deleted\n');
    await eventually(async () => (await e.run(['get', 'pods', '-n', NS])).stderr === `No resources found in ${NS} namespace.\n`, 'no pods left');
    const forced = await e.run(['delete', 'svc', 'web', '-n', NS, '--grace-period=0', '--force']);
    assert.equal(forced.code, 0);
    assert.equal(forced.stdout, 'service "web" force deleted\n');
    assert.equal(
      forced.stderr,
      'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n',
    );
    assertOutput(await e.ok(['delete', 'svc', '--all', '-n', NS]), 'service "ssa" deleted\n');
    const missing = await e.run(['delete', '-f', 'web.yaml']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error from server (NotFound): error when deleting "web.yaml": services "web" not found\n');
  });
});
