import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listEncoding } from './encoding.js';
import type { KeyValue } from '../storage/storage.js';

const item = (i: number, size: number): KeyValue => {
  const value = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}` }, spec: { pad: 'x'.repeat(size) } };
  return { key: `/registry/pods/default/p${i}`, value, json: JSON.stringify(value), createRevision: i + 1, modRevision: i + 1 };
};

test('a list encodes as one JSON text, or as pieces of it of about 64 KB', () => {
  const items = Array.from({ length: 40 }, (_, i) => item(i, 5000));
  const enc = listEncoding('PodList', 'v1', { resourceVersion: '99', continue: 'abc' }, items);
  const whole = enc.encode();
  const chunks = enc.encodeChunks();
  assert.ok(chunks.length >= 3, `${chunks.length} pieces`);
  assert.ok(chunks.slice(0, -1).every((c) => c.length >= 64 * 1024 && c.length < 64 * 1024 + 6000));
  assert.equal(chunks.join(''), whole);
  const parsed = JSON.parse(whole) as { metadata: unknown; items: Array<{ metadata: { name: string; resourceVersion: string } }> };
  assert.deepEqual(parsed.metadata, { resourceVersion: '99', continue: 'abc' });
  assert.deepEqual(parsed.items.map((p) => [p.metadata.name, p.metadata.resourceVersion]).slice(0, 2), [['p0', '1'], ['p1', '2']]);

  for (const small of [[], [item(0, 10)]]) {
    const e = listEncoding('PodList', 'v1', { resourceVersion: '1' }, small);
    assert.deepEqual(e.encodeChunks(), [e.encode()]);
    assert.equal((JSON.parse(e.encode()) as { items: unknown[] }).items.length, small.length);
  }
});
