import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../apimachinery/meta.js';
import { keyOf, ObjectStore } from './object-store.js';

const obj = (namespace: string | undefined, name: string, labels: Record<string, string> = {}, rv = '1'): KObject => ({
  metadata: { ...(namespace ? { namespace } : {}), name, labels, resourceVersion: rv },
});
const byLabel = (o: KObject) => Object.entries(o.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`);
const names = (objs: KObject[]) => objs.map(keyOf).sort();

test('ObjectStore: get, list by namespace and all, size; upsert returns what it replaced; remove', () => {
  const s = new ObjectStore();
  assert.equal(s.upsert(obj('a', 'x')), undefined);
  s.upsert(obj('a', 'y'));
  s.upsert(obj('b', 'x'));
  s.upsert(obj(undefined, 'node-1'));
  assert.equal(s.size, 4);
  const prev = s.upsert(obj('a', 'x', {}, '2'));
  assert.equal(prev?.metadata.resourceVersion, '1');
  assert.equal(s.size, 4);
  assert.equal(s.get('a', 'x')?.metadata.resourceVersion, '2');
  assert.equal(s.getByKey('node-1')?.metadata.name, 'node-1');
  assert.deepEqual(names(s.list('a')), ['a/x', 'a/y']);
  assert.deepEqual(names(s.list()), ['a/x', 'a/y', 'b/x', 'node-1']);
  assert.deepEqual(s.list('nope'), []);
  assert.equal(s.remove(obj('a', 'x'))?.metadata.resourceVersion, '2', 'returns the cached object');
  assert.equal(s.remove(obj('a', 'x')), undefined);
  assert.equal(s.size, 3);
  const seen: string[] = [];
  s.forEach((o) => seen.push(keyOf(o)));
  assert.deepEqual(seen.sort(), ['a/y', 'b/x', 'node-1']);
});

test('ObjectStore indexes follow adds, updates that move an object between values, and deletes', () => {
  const s = new ObjectStore();
  s.upsert(obj('a', 'p1', { app: 'web', tier: 'fe' }));
  // an index added late covers what is already cached
  s.addIndex('labels', byLabel);
  s.upsert(obj('a', 'p2', { app: 'web' }));
  s.upsert(obj('b', 'p3', { app: 'db' }));
  assert.deepEqual(names(s.byIndex('labels', 'app=web')), ['a/p1', 'a/p2']);
  assert.equal(s.indexCount('labels', 'app=web'), 2);
  assert.equal(s.indexCount('labels', 'tier=fe'), 1);

  // relabel: leaves the old value, joins the new one; the bucket holds the new object
  s.upsert(obj('a', 'p1', { app: 'db' }, '2'));
  assert.deepEqual(names(s.byIndex('labels', 'app=web')), ['a/p2']);
  assert.deepEqual(names(s.byIndex('labels', 'app=db')), ['a/p1', 'b/p3']);
  assert.equal(s.indexCount('labels', 'tier=fe'), 0);
  assert.deepEqual(s.byIndex('labels', 'tier=fe'), []);
  // same values, new object: the bucket returns the latest version
  s.upsert(obj('a', 'p2', { app: 'web' }, '7'));
  assert.equal(s.byIndex('labels', 'app=web')[0]!.metadata.resourceVersion, '7');

  s.remove(obj('b', 'p3'));
  assert.deepEqual(names(s.byIndex('labels', 'app=db')), ['a/p1']);
  s.remove(obj('a', 'p1'));
  assert.equal(s.indexCount('labels', 'app=db'), 0);
  // byIndex hands out a copy
  s.byIndex('labels', 'app=web').pop();
  assert.equal(s.indexCount('labels', 'app=web'), 1);
});

test('ObjectStore.addIndex is idempotent for the same function, refuses another under the same name', () => {
  const s = new ObjectStore();
  s.upsert(obj('a', 'p1', { app: 'web' }));
  s.addIndex('labels', byLabel);
  s.addIndex('labels', byLabel);
  assert.equal(s.indexCount('labels', 'app=web'), 1, 'not indexed twice');
  assert.throws(() => s.addIndex('labels', (o) => [o.metadata.name as string]), /already exists/);
  assert.throws(() => s.byIndex('nope', 'x'), /no index nope/);
});
