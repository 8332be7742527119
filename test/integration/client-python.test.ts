/**
 * User flow 13 with the official Python client (Debian's python3-kubernetes): typed list and
 * watch decode our objects, and the loop keeps working across a server restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startServer, type TestServer, freePort } from '../helpers/server.js';

// Debian's package installs for the system interpreter
const PYTHON = '/usr/bin/python3';
const hasClient = spawnSync(PYTHON, ['-c', 'import kubernetes'], { stdio: 'ignore' }).status === 0;


test('python kubernetes client: list + watch, typed decoding, restart', async (t) => {
  if (!hasClient) {
    if (process.env.CI === 'true') assert.fail('python3-kubernetes is not installed (.ci/run installs it)');
    t.skip('python3-kubernetes is not installed: apt-get install python3-kubernetes');
    return;
  }
  const port = await freePort();
  let srv: TestServer = await startServer({ flags: ['--secure-port', String(port)] });
  const dataDir = srv.dataDir;
  t.after(() => srv.close());
  await srv.req('post', '/api/v1/namespaces/default/pods').send({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'py-pod' }, spec: { containers: [{ name: 'c', image: 'nginx' }] },
  });

  const py = spawn(PYTHON, ['test/fixtures/python-informer.py', srv.app.kubeconfigPath, 'default'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => py.kill('SIGKILL'));
  const lines: any[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: py.stdout! }).on('line', (l) => {
    lines.push(JSON.parse(l));
    for (const w of waiters.splice(0)) w();
  });
  let stderr = '';
  py.stderr!.on('data', (d) => (stderr += d));
  const waitFor = async (what: string, pred: (l: any) => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = lines.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(lines)} ${stderr}`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, 200);
        waiters.push(() => {
          clearTimeout(timer);
          r();
        });
      });
    }
  };

  const first = await waitFor('first list', (l) => l.kind === 'list');
  assert.ok(first.services.includes('kubernetes'));
  assert.deepEqual(first.pods, ['py-pod']);
  assert.ok(first.endpoints.includes('kubernetes'));
  const created = await srv.req('post', '/api/v1/namespaces/default/services').send({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'py-svc' }, spec: { ports: [{ port: 8080 }] },
  });
  const ev = await waitFor('ADDED event', (l) => l.kind === 'event' && l.name === 'py-svc');
  assert.equal(ev.type, 'ADDED');
  assert.equal(ev.clusterIP, created.body.spec.clusterIP);
  assert.deepEqual(ev.ports, [8080]);

  await srv.close(true);
  srv = await startServer({ dataDir, flags: ['--secure-port', String(port)] });
  await srv.req('post', '/api/v1/namespaces/default/services').send({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'py-after' }, spec: { ports: [{ port: 81 }] },
  });
  await waitFor('event or relist after restart', (l) => (l.kind === 'event' && l.name === 'py-after') || (l.kind === 'list' && l.services.includes('py-after')));
});
