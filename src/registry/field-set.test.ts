import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, fieldElement as f, keyElement, pathString, valueElement } from './field-set.js';

test('FieldsV1 round-trips with "." markers and upstream element order', () => {
  const json = {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': {
      'f:ports': {
        '.': {},
        'k:{"port":443,"protocol":"TCP"}': { '.': {}, 'f:port': {} },
        'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:targetPort': {} },
      },
      'f:selector': {},
    },
  };
  const set = FieldSet.fromFieldsV1(json);
  assert.ok(set.has([f('spec'), f('ports')]));
  assert.ok(set.has([f('spec'), f('ports'), keyElement({ protocol: 'TCP', port: 80 }), f('targetPort')]));
  assert.ok(!set.has([f('spec')]));
  const out = set.toFieldsV1();
  assert.deepEqual(out, json);
  // numeric key values sort numerically (80 before 443), as upstream's value ordering
  const ports = Object.keys((out['f:spec'] as Record<string, Record<string, unknown>>)['f:ports']!);
  assert.deepEqual(ports, ['.', 'k:{"port":80,"protocol":"TCP"}', 'k:{"port":443,"protocol":"TCP"}']);
});

test('key elements are canonical: fields sorted by name', () => {
  assert.equal(keyElement({ protocol: 'TCP', port: 80 }), 'k:{"port":80,"protocol":"TCP"}');
  const set = FieldSet.fromFieldsV1({ 'k:{"protocol":"TCP","port":80}': {} });
  assert.ok(set.has([keyElement({ port: 80, protocol: 'TCP' })]));
});

test('paths print as upstream conflict paths', () => {
  assert.equal(pathString([f('spec'), f('ports'), keyElement({ port: 80, protocol: 'TCP' }), f('targetPort')]), '.spec.ports[port=80,protocol="TCP"].targetPort');
  assert.equal(pathString([f('metadata'), f('finalizers'), valueElement('a')]), '.metadata.finalizers[="a"]');
  assert.equal(pathString([f('spec'), f('containers'), keyElement({ name: 'web' }), f('image')]), '.spec.containers[name="web"].image');
});

test('union, difference, intersection and recursiveDifference', () => {
  const a = FieldSet.of([f('spec'), f('a')], [f('spec'), f('b')], [f('status'), f('phase')]);
  const b = FieldSet.of([f('spec'), f('b')], [f('spec'), f('c')]);
  assert.deepEqual(a.union(b).toFieldsV1(), { 'f:spec': { 'f:a': {}, 'f:b': {}, 'f:c': {} }, 'f:status': { 'f:phase': {} } });
  assert.deepEqual(a.difference(b).toFieldsV1(), { 'f:spec': { 'f:a': {} }, 'f:status': { 'f:phase': {} } });
  assert.deepEqual(a.intersection(b).toFieldsV1(), { 'f:spec': { 'f:b': {} } });
  assert.deepEqual(a.recursiveDifference(FieldSet.of([f('status')])).toFieldsV1(), { 'f:spec': { 'f:a': {}, 'f:b': {} } });
  // a plain difference keeps what lies below a removed member
  assert.deepEqual(a.difference(FieldSet.of([f('status')])).toFieldsV1(), a.toFieldsV1());
  assert.ok(a.difference(a).isEmpty());
  assert.ok(a.equals(a.clone()));
});

test('paths() iterates members before children, in order', () => {
  const s = FieldSet.of([f('spec'), f('z')], [f('spec'), f('a'), f('x')], [f('kind')]);
  assert.deepEqual(s.paths().map(pathString), ['.kind', '.spec.z', '.spec.a.x']);
});

test('malformed FieldsV1 is rejected', () => {
  assert.throws(() => FieldSet.fromFieldsV1({ 'x:bad': {} }));
  assert.throws(() => FieldSet.fromFieldsV1([]));
});
