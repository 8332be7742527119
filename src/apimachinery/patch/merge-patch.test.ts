import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch, mergePatchInto } from './merge-patch.js';
import { StatusError } from '../status.js';

test('applyMergePatch: RFC 7386 semantics as evanphx implements them', () => {
  const cases: Array<{ name: string; doc: unknown; patch: unknown; want: unknown }> = [
    { name: 'empty patch', doc: { a: 1 }, patch: {}, want: { a: 1 } },
    { name: 'set and add', doc: { a: 1 }, patch: { a: 2, b: 3 }, want: { a: 2, b: 3 } },
    { name: 'null deletes', doc: { a: 1, b: 2 }, patch: { a: null }, want: { b: 2 } },
    { name: 'null of missing key is a no-op', doc: { a: 1 }, patch: { z: null }, want: { a: 1 } },
    {
      name: 'kubectl label (k=v and k-)',
      doc: { metadata: { name: 'p', labels: { app: 'web', old: 'x' } } },
      patch: { metadata: { labels: { tier: 'fe', old: null } } },
      want: { metadata: { name: 'p', labels: { app: 'web', tier: 'fe' } } },
    },
    {
      name: 'nested merge',
      doc: { spec: { selector: { app: 'a', tier: 'b' }, type: 'ClusterIP' } },
      patch: { spec: { selector: { tier: 'c' } } },
      want: { spec: { selector: { app: 'a', tier: 'c' }, type: 'ClusterIP' } },
    },
    {
      name: 'arrays replace wholesale',
      doc: { spec: { ports: [{ port: 80 }, { port: 443 }] } },
      patch: { spec: { ports: [{ port: 8080 }] } },
      want: { spec: { ports: [{ port: 8080 }] } },
    },
    {
      name: 'a new object has its nulls pruned, also inside arrays',
      doc: {},
      patch: { m: { a: 1, b: null, c: { d: null } }, l: [{ x: null, y: 1 }, null] },
      want: { m: { a: 1, c: {} }, l: [{ y: 1 }, null] },
    },
    { name: 'object replaces scalar', doc: { a: 'x' }, patch: { a: { b: 1, c: null } }, want: { a: { b: 1 } } },
    { name: 'scalar replaces object', doc: { a: { b: 1 } }, patch: { a: 'x' }, want: { a: 'x' } },
    {
      name: 'array replacing an object keeps nested nulls (upstream quirk)',
      doc: { a: { b: 1 } },
      patch: { a: [{ c: null }] },
      want: { a: [{ c: null }] },
    },
    { name: 'array patch replaces the document', doc: { a: 1 }, patch: [1, { b: null }], want: [1, {}] },
    { name: 'non-object document becomes the patch', doc: 'x', patch: { a: 1, b: null }, want: { a: 1 } },
  ];
  for (const c of cases) {
    const doc = structuredClone(c.doc);
    const patch = structuredClone(c.patch);
    assert.deepEqual(applyMergePatch(doc, patch), c.want, c.name);
    assert.deepEqual(doc, c.doc, `${c.name}: doc untouched`);
    assert.deepEqual(patch, c.patch, `${c.name}: patch untouched`);
    // the in-place form gives the same result, merged into the given document
    const own = structuredClone(c.doc);
    const merged = mergePatchInto(own, patch);
    assert.deepEqual(merged, c.want, `${c.name} (in place)`);
    if (typeof own === 'object' && !Array.isArray(c.patch)) assert.equal(merged, own, `${c.name}: merged into the document`);
    assert.deepEqual(patch, c.patch, `${c.name}: patch untouched (in place)`);
  }
});

test('applyMergePatch: null or scalar patch is 400 Invalid JSON Patch', () => {
  for (const patch of [null, 'x', 1, true]) {
    assert.throws(
      () => applyMergePatch({ a: 1 }, patch),
      (err: unknown) =>
        err instanceof StatusError && err.code === 400 && err.reason === 'BadRequest' && err.status.message === 'Invalid JSON Patch',
      String(patch),
    );
  }
});
