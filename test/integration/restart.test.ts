/** The server as a process: SIGTERM ends it cleanly, and a restart keeps every object, the revision and the allocations. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import supertest from 'supertest';
import { freePort } from '../helpers/server.js';

interface Proc {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}


function startProcess(dataDir: string, port: number): Promise<Proc> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--data-dir', dataDir, '--secure-port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"url":"(https:[^"]+)"/.exec(out);
      if (m && out.includes('kubelevel is serving')) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, exited });
      }
    });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}${err}`)));
  });
}

test('SIGTERM exits 0; a restart keeps objects, revisions and allocations', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelevel-restart-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const token = () => readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  const ca = () => readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8');
  const req = (url: string, method: 'get' | 'post', path: string) => supertest(url)[method](path).ca(ca()).set('Authorization', `Bearer ${token()}`);

  const port = await freePort();
  const first = await startProcess(dataDir, port);
  const svc = await req(first.url, 'post', '/api/v1/namespaces/default/services').send({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'keep' }, spec: { type: 'NodePort', ports: [{ port: 80 }] },
  });
  assert.equal(svc.status, 201);
  const kubeSvc = (await req(first.url, 'get', '/api/v1/namespaces/default/services/kubernetes')).body;
  // an open watch must not keep the process from exiting
  const w = req(first.url, 'get', '/api/v1/pods?watch=true');
  w.end(() => {});
  await new Promise((r) => setTimeout(r, 200));
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0);

  const second = await startProcess(dataDir, port);
  t.after(() => second.child.kill('SIGKILL'));
  const again = await req(second.url, 'get', '/api/v1/namespaces/default/services/keep');
  assert.equal(again.status, 200);
  assert.equal(again.body.metadata.uid, svc.body.metadata.uid);
  assert.equal(again.body.spec.clusterIP, svc.body.spec.clusterIP);
  assert.equal(again.body.spec.ports[0].nodePort, svc.body.spec.ports[0].nodePort);
  const kubeAgain = (await req(second.url, 'get', '/api/v1/namespaces/default/services/kubernetes')).body;
  assert.equal(kubeAgain.metadata.uid, kubeSvc.metadata.uid, 'the kubernetes Service is kept when the flags did not change');
  // the allocator was rebuilt: asking for the same IP or node port is refused
  const clash = await req(second.url, 'post', '/api/v1/namespaces/default/services').send({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'clash' },
    spec: { type: 'NodePort', clusterIP: svc.body.spec.clusterIP, ports: [{ port: 80, nodePort: svc.body.spec.ports[0].nodePort }] },
  });
  assert.equal(clash.status, 422);
  const fields = clash.body.details.causes.map((c: any) => c.field);
  assert.ok(fields.includes('spec.clusterIPs'), JSON.stringify(clash.body));
  const created = await req(second.url, 'post', '/api/v1/namespaces/default/services').send({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'after' }, spec: { ports: [{ port: 80 }] },
  });
  assert.ok(Number(created.body.metadata.resourceVersion) > Number(svc.body.metadata.resourceVersion), 'revisions keep increasing across restarts');
  assert.notEqual(created.body.spec.clusterIP, svc.body.spec.clusterIP);
  second.child.kill('SIGINT');
  assert.equal(await second.exited, 0);
});
