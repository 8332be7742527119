import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeObjectBody } from './body.js';

test('decodeObjectBody: JSON and YAML bodies come back as fresh JSON values', () => {
  const json = decodeObjectBody('application/json', Buffer.from('{"kind":"Pod","metadata":{"name":"a"}}'));
  assert.deepEqual(json, { kind: 'Pod', metadata: { name: 'a' } });
  const yaml = decodeObjectBody('application/yaml; charset=utf-8', Buffer.from('kind: Pod\nmetadata:\n  name: a\nspec:\n  x: .nan\n  y: .inf\n'));
  // what JSON would carry: no NaN or Infinity (a create stores and answers exactly this)
  assert.deepEqual(yaml, { kind: 'Pod', metadata: { name: 'a' }, spec: { x: null, y: null } });
  assert.equal(decodeObjectBody('application/json', Buffer.alloc(0)), undefined);
});
