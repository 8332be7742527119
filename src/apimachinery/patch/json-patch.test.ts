import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch } from './json-patch.js';
import { StatusError } from '../status.js';

const base = () => ({
  metadata: { name: 'web', labels: { app: 'web', 'a/b': 'x', 'm~n': 'y' } },
  spec: { ports: [{ port: 80 }, { port: 443 }], selector: { app: 'web' } },
});

test('applyJsonPatch: every operation', () => {
  const cases: Array<{ name: string; ops: unknown[]; want: unknown }> = [
    {
      name: 'add key',
      ops: [{ op: 'add', path: '/metadata/labels/tier', value: 'fe' }],
      want: { ...base(), metadata: { name: 'web', labels: { app: 'web', 'a/b': 'x', 'm~n': 'y', tier: 'fe' } } },
    },
    {
      name: 'add replaces an existing key',
      ops: [{ op: 'add', path: '/metadata/name', value: 'db' }],
      want: { ...base(), metadata: { ...base().metadata, name: 'db' } },
    },
    {
      name: 'add at array index and append with -',
      ops: [
        { op: 'add', path: '/spec/ports/0', value: { port: 22 } },
        { op: 'add', path: '/spec/ports/-', value: { port: 9000 } },
      ],
      want: { ...base(), spec: { ...base().spec, ports: [{ port: 22 }, { port: 80 }, { port: 443 }, { port: 9000 }] } },
    },
    {
      name: 'add at index == length appends',
      ops: [{ op: 'add', path: '/spec/ports/2', value: { port: 1 } }],
      want: { ...base(), spec: { ...base().spec, ports: [{ port: 80 }, { port: 443 }, { port: 1 }] } },
    },
    {
      name: 'negative index counts from the end (evanphx v4)',
      ops: [{ op: 'remove', path: '/spec/ports/-1' }],
      want: { ...base(), spec: { ...base().spec, ports: [{ port: 80 }] } },
    },
    {
      name: 'remove key and element',
      ops: [
        { op: 'remove', path: '/metadata/labels/app' },
        { op: 'remove', path: '/spec/ports/0' },
      ],
      want: { metadata: { name: 'web', labels: { 'a/b': 'x', 'm~n': 'y' } }, spec: { ports: [{ port: 443 }], selector: { app: 'web' } } },
    },
    {
      name: 'pointer escapes ~1 and ~0',
      ops: [
        { op: 'replace', path: '/metadata/labels/a~1b', value: 'X' },
        { op: 'remove', path: '/metadata/labels/m~0n' },
      ],
      want: { ...base(), metadata: { name: 'web', labels: { app: 'web', 'a/b': 'X' } } },
    },
    {
      name: 'replace element',
      ops: [{ op: 'replace', path: '/spec/ports/1/port', value: 8443 }],
      want: { ...base(), spec: { ...base().spec, ports: [{ port: 80 }, { port: 8443 }] } },
    },
    {
      name: 'replace of a missing key adds it (evanphx v4)',
      ops: [{ op: 'replace', path: '/spec/type', value: 'NodePort' }],
      want: { ...base(), spec: { ...base().spec, type: 'NodePort' } },
    },
    {
      name: 'move',
      ops: [{ op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/name' }],
      want: { ...base(), metadata: { name: 'web', labels: { 'a/b': 'x', 'm~n': 'y', name: 'web' } } },
    },
    {
      name: 'copy is deep',
      ops: [
        { op: 'copy', from: '/spec/selector', path: '/metadata/labels' },
        { op: 'add', path: '/metadata/labels/extra', value: '1' },
      ],
      want: { metadata: { name: 'web', labels: { app: 'web', extra: '1' } }, spec: base().spec },
    },
    {
      name: 'test passes then add',
      ops: [
        { op: 'test', path: '/spec/ports', value: [{ port: 80 }, { port: 443 }] },
        { op: 'test', path: '/metadata/missing', value: null },
        { op: 'add', path: '/spec/x', value: 1 },
      ],
      want: { ...base(), spec: { ...base().spec, x: 1 } },
    },
    {
      name: 'missing value means null',
      ops: [{ op: 'add', path: '/spec/x' }],
      want: { ...base(), spec: { ...base().spec, x: null } },
    },
  ];
  for (const c of cases) {
    const doc = base();
    const before = structuredClone(doc);
    const ops = structuredClone(c.ops);
    assert.deepEqual(applyJsonPatch(doc, ops), c.want, c.name);
    assert.deepEqual(doc, before, `${c.name}: input untouched`);
    assert.deepEqual(ops, c.ops, `${c.name}: ops untouched`);
  }
});

test('applyJsonPatch: a failing operation is kube’s generic 422', () => {
  const cases: Array<[string, unknown[], string]> = [
    ['test fails', [{ op: 'test', path: '/metadata/name', value: 'db' }], 'testing value /metadata/name failed: test failed'],
    ['remove missing key', [{ op: 'remove', path: '/metadata/nope' }], 'Unable to remove nonexistent key: nope: missing value'],
    ['missing parent', [{ op: 'add', path: '/status/phase', value: 'x' }], 'add operation does not apply: doc is missing path: "/status/phase": missing value'],
    ['index out of range', [{ op: 'add', path: '/spec/ports/5', value: 1 }], 'Unable to access invalid index: 5: invalid index referenced'],
    ['replace out of range', [{ op: 'replace', path: '/spec/ports/2', value: 1 }], 'Unable to access invalid index: 2: invalid index referenced'],
    ['bad index', [{ op: 'add', path: '/spec/ports/x', value: 1 }], "value was not a proper array index: 'x'"],
    ['unknown op', [{ op: 'frob', path: '/a' }], 'Unexpected kind: frob'],
    ['no op', [{ path: '/a' }], 'Unexpected kind: unknown'],
    ['no path', [{ op: 'add', value: 1 }], 'add operation failed to decode path: missing value'],
    ['root path', [{ op: 'replace', path: '', value: {} }], 'replace operation does not apply: doc is missing path: : missing value'],
    ['move from missing', [{ op: 'move', from: '/nope', path: '/x' }], 'Unable to remove nonexistent key: nope: missing value'],
    ['copy from missing', [{ op: 'copy', from: '/nope', path: '/x' }], 'copy operation does not apply: doc is missing from path: /nope: missing value'],
    ['earlier ops are discarded too', [{ op: 'add', path: '/x', value: 1 }, { op: 'test', path: '/x', value: 2 }], 'testing value /x failed: test failed'],
  ];
  for (const [name, ops, cause] of cases) {
    const doc = base();
    assert.throws(
      () => applyJsonPatch(doc, ops),
      (err: unknown) => {
        assert.ok(err instanceof StatusError, name);
        assert.equal(err.code, 422, name);
        assert.equal(err.reason, 'Invalid', name);
        assert.equal(err.status.message, 'the server rejected our request due to an error in our request', name);
        assert.deepEqual(err.status.details, { causes: [{ reason: 'UnexpectedServerResponse', message: cause }] }, name);
        assert.equal((err.cause as Error).message, cause, name);
        return true;
      },
    );
    assert.deepEqual(doc, base(), `${name}: input untouched`);
  }
});

test('applyJsonPatch: a body that is not a list of operations is a 400; too many is a 413', () => {
  const cases: Array<[unknown, number, string]> = [
    [{ op: 'add' }, 400, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['x', 400, 'json: cannot unmarshal string into Go value of type jsonpatch.Patch'],
    [[1], 400, 'json: cannot unmarshal number into Go value of type jsonpatch.Operation'],
    [[[]], 400, 'json: cannot unmarshal array into Go value of type jsonpatch.Operation'],
    [
      Array.from({ length: 10001 }, () => ({ op: 'test', path: '/metadata/name', value: 'web' })),
      413,
      'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    ],
  ];
  for (const [ops, code, message] of cases) {
    assert.throws(
      () => applyJsonPatch(base(), ops),
      (err: unknown) => err instanceof StatusError && err.code === code && err.status.message === message,
      message,
    );
  }
  assert.deepEqual(applyJsonPatch(base(), null), base());
  assert.deepEqual(applyJsonPatch(base(), []), base());
});
