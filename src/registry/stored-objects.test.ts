import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyMetadata, decodeStoredObject } from './stored-objects.js';
import { withResourceVersion } from './object-meta.js';
import type { KObject } from '../apimachinery/meta.js';

const managedFields = [
  { manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } } },
  { manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:01Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:phase': {} } }, subresource: 'status' },
];
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', uid: 'u-1', labels: { app: 'a' }, managedFields, annotations: { x: 'y' } },
  spec: { containers: [{ name: 'c', image: 'i' }] },
  status: { phase: 'Running' },
};
const text = JSON.stringify(pod);

test('a decoded stored object serializes exactly as stored, managedFields in their place', () => {
  const obj = decodeStoredObject(text) as KObject;
  assert.equal(JSON.stringify(obj), text);
  assert.deepEqual(Object.keys(obj.metadata), ['name', 'namespace', 'uid', 'labels', 'managedFields', 'annotations']);
  assert.deepEqual(obj.metadata.managedFields, managedFields);
  assert.deepEqual(structuredClone(obj), pod);
  assert.deepEqual({ ...obj.metadata }.managedFields, managedFields);
});

test('stored objects and every managedFields read are frozen', () => {
  const obj = decodeStoredObject(text) as KObject;
  assert.ok(Object.isFrozen(obj) && Object.isFrozen(obj.metadata) && Object.isFrozen(obj.metadata.labels));
  assert.ok(Object.isFrozen((obj.spec as { containers: object[] }).containers[0]));
  const mf = obj.metadata.managedFields!;
  assert.ok(Object.isFrozen(mf) && Object.isFrozen(mf[0]!.fieldsV1));
  assert.throws(() => {
    obj.metadata.managedFields = [];
  }, TypeError);
  assert.throws(() => {
    (mf as unknown[]).push({});
  }, TypeError);
  assert.deepEqual(obj.metadata.managedFields, managedFields);
});

test('objects without managedFields decode as plain frozen JSON', () => {
  for (const v of [{ metadata: { name: 'x' } }, { metadata: { name: 'x', managedFields: [] } }, [1, 2], 'str', null, { metadata: 'odd' }]) {
    const json = JSON.stringify(v);
    const out = decodeStoredObject(json);
    assert.equal(JSON.stringify(out), json);
  }
});

test('served copies keep managedFields as text and take overrides like a spread', () => {
  const obj = decodeStoredObject(text) as KObject;
  const served = withResourceVersion(obj, 42);
  assert.equal(served.metadata.resourceVersion, '42');
  assert.equal(JSON.stringify(served), JSON.stringify({ ...pod, metadata: { ...pod.metadata, resourceVersion: '42' } }));
  // a copy is mutable: assigning or deleting managedFields replaces the text
  const copy = copyMetadata(obj.metadata);
  copy.managedFields = [];
  assert.deepEqual(copy.managedFields, []);
  assert.deepEqual(obj.metadata.managedFields, managedFields);
  const other = copyMetadata(obj.metadata, { managedFields: [managedFields[1]!] as never });
  assert.deepEqual(other.managedFields, [managedFields[1]]);
  assert.deepEqual(Object.keys(other), Object.keys(obj.metadata));
  const gone = copyMetadata(obj.metadata);
  delete gone.managedFields;
  assert.equal(JSON.stringify(gone), JSON.stringify({ ...pod.metadata, managedFields: undefined }));
});
