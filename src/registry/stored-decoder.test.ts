import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StoredObjectDecoder } from './stored-decoder.js';

type Decoded = { metadata: { name: string; managedFields: Array<{ manager: string; fieldsV1: object }> } };

const pod = (name: string, manager: string, fields: object): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, managedFields: [{ manager, operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: fields }] } });

test('identical managedFields field sets decode to one shared object', () => {
  const d = new StoredObjectDecoder();
  const fields = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } };
  const a = d.decode(pod('a', 'kubectl', fields)) as Decoded;
  const b = d.decode(pod('b', 'kubectl', fields)) as Decoded;
  const c = d.decode(pod('c', 'kubectl', { 'f:spec': {} })) as Decoded;
  assert.equal(a.metadata.managedFields[0]!.fieldsV1, b.metadata.managedFields[0]!.fieldsV1);
  assert.notEqual(a.metadata.managedFields[0]!.fieldsV1, c.metadata.managedFields[0]!.fieldsV1);
  assert.deepEqual(b.metadata.managedFields[0]!.fieldsV1, fields);
  assert.notEqual(a.metadata, b.metadata);
  assert.equal(d.size, 2);
});

test('the table is bounded, and values without managedFields pass through', () => {
  const d = new StoredObjectDecoder(2);
  for (let i = 0; i < 5; i++) d.decode(pod(`p${i}`, 'm', { [`f:x${i}`]: {} }));
  assert.ok(d.size <= 2);
  assert.deepEqual(d.decode('{"a":1}'), { a: 1 });
  assert.equal(d.decode('null'), null);
  assert.deepEqual(d.decode('{"metadata":{"managedFields":[null,{"manager":"m"}]}}'), { metadata: { managedFields: [null, { manager: 'm' }] } });
});
