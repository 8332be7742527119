import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { openLevelStore } from './src/storage/leveldb/level-store.js';
const dir = mkdtempSync(join(tmpdir(), 'bench-'));
const s = await openLevelStore({ path: dir });
const pod = (i: number) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: `ns${i % 50}`, labels: { app: `a${i % 10}` }, uid: 'u'.repeat(36) }, spec: { containers: [{ name: 'c', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }], nodeName: 'node-1' }, status: { phase: 'Running', podIP: '10.0.0.1', conditions: [{ type: 'Ready', status: 'True' }] } });
for (let base = 0; base < 150_000; base += 1000) {
  await Promise.all(Array.from({ length: 1000 }, (_, j) => s.create(`/registry/pods/ns${(base + j) % 50}/p${base + j}`, pod(base + j))));
}
await s.close();
const db = new Level<string, string>(dir, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
await db.open();
let t = Date.now(); let n = 0;
const it = db.iterator({ gt: 'o:', lt: 'o;' });
for (;;) { const c = await it.nextv(1024); if (!c.length) break; n += c.length; }
await it.close();
console.log('raw iterate objects', n, Date.now() - t);
t = Date.now(); n = 0;
const it2 = db.iterator({ gt: 'e:', lt: 'e;' });
for (;;) { const c = await it2.nextv(1024); if (!c.length) break; n += c.length; }
await it2.close();
console.log('raw iterate events', n, Date.now() - t);
await db.close();
t = Date.now();
const s2 = await openLevelStore({ path: dir });
console.log('open', Date.now() - t);
await s2.close();
console.log(dir);
