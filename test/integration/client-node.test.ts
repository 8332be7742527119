/**
 * User flow 13: a controller written with the official JavaScript client (@kubernetes/client-node)
 * lists and watches through informers, and keeps working across a server restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startServer, type TestServer, freePort } from '../helpers/server.js';


async function until(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('client-node informers list, watch, and recover after a restart', async (t) => {
  const port = await freePort();
  let srv: TestServer = await startServer({ flags: ['--secure-port', String(port)] });
  const dataDir = srv.dataDir;
  t.after(() => srv.close());

  const kc = new k8s.KubeConfig();
  kc.loadFromFile(srv.app.kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name: 'informed', labels: { app: 'i' } }, spec: { selector: { app: 'i' }, ports: [{ port: 80, targetPort: 9376 }] } },
  });

  const seen: string[] = [];
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/services', () =>
    core.listNamespacedService({ namespace: 'default' }),
  );
  informer.on('add', (svc) => seen.push(`add:${svc.metadata?.name}`));
  informer.on('update', (svc) => seen.push(`update:${svc.metadata?.name}`));
  informer.on('delete', (svc) => seen.push(`delete:${svc.metadata?.name}`));
  // the documented client-node pattern: restart the informer after an error
  let stopped = false;
  informer.on('error', () => {
    if (!stopped) setTimeout(() => void informer.start().catch(() => {}), 200);
  });
  t.after(async () => {
    stopped = true;
    await informer.stop();
  });
  await informer.start();
  await until('initial list', () => seen.includes('add:informed') && seen.includes('add:kubernetes'));
  const cached = informer.get('informed', 'default');
  assert.equal(cached?.spec?.ports?.[0]?.targetPort, 9376, 'typed decoding of IntOrString works');

  await core.patchNamespacedService({ name: 'informed', namespace: 'default', body: { metadata: { labels: { app: 'i', v: '2' } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  await until('update event', () => seen.includes('update:informed'));

  await srv.close(true);
  srv = await startServer({ dataDir, flags: ['--secure-port', String(port)] });
  const core2 = kc.makeApiClient(k8s.CoreV1Api);
  await core2.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'after-restart' }, spec: { ports: [{ port: 81 }] } } });
  await until('event after restart', () => seen.includes('add:after-restart'), 20_000);
  await core2.deleteNamespacedService({ name: 'informed', namespace: 'default' });
  await until('delete after restart', () => seen.includes('delete:informed'), 20_000);
  assert.equal(informer.get('informed', 'default'), undefined);
});

test('client-node typed reads of pods, endpoints and nodes decode', async (t) => {
  const srv = await startServer();
  t.after(() => srv.close());
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(srv.app.kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const created = await core.createNamespacedPod({
    namespace: 'default',
    body: { metadata: { name: 'typed' }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }] } },
  });
  assert.equal(created.spec?.restartPolicy, 'Always');
  const eps = await core.listNamespacedEndpoints({ namespace: 'default' });
  assert.ok(eps.items.some((e) => e.metadata?.name === 'kubernetes'));
  const ns = await core.readNamespace({ name: 'default' });
  assert.equal(ns.status?.phase, 'Active');
  const nodes = await core.listNode();
  assert.ok(Array.isArray(nodes.items));
  await assert.rejects(core.readNamespacedPod({ name: 'missing', namespace: 'default' }), (err: any) => err.code === 404);
});
