import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../apimachinery/meta.js';
import { WriteTracker } from './endpoints-write-tracker.js';
import { formatRFC3339Nano, TriggerTimeTracker } from './endpoints-trigger-time.js';

const obj = (name: string, rv: string): KObject => ({ metadata: { name, resourceVersion: rv } });

test('WriteTracker: the cache is stale until it has caught up with our writes', () => {
  const t = new WriteTracker();
  t.wrote('ns/svc', obj('s1', '10'));
  assert.equal(t.isStale('ns/svc', () => undefined), true, 'created, not yet in the cache');
  assert.equal(t.isStale('ns/svc', () => obj('s1', '9')), true);
  assert.equal(t.observeUpdate('ns/svc', obj('s1', '9')), true, 'older than our write: ours');
  assert.equal(t.observeUpdate('ns/svc', obj('s1', '10')), true, 'our write');
  assert.equal(t.isStale('ns/svc', () => undefined), false, 'nothing expected any more');
  assert.equal(t.observeUpdate('ns/svc', obj('s1', '11')), false, 'someone else');
  t.deleted('ns/svc', 's1');
  assert.equal(t.isStale('ns/svc', () => obj('s1', '11')), true);
  assert.equal(t.observeDelete('ns/svc', obj('s1', '11')), true);
  assert.equal(t.observeDelete('ns/svc', obj('s2', '12')), false, 'a delete we did not do');
});

test('WriteTracker: an expectation the informer never confirms expires', () => {
  let now = 1000;
  const t = new WriteTracker(() => now);
  t.wrote('ns/svc', obj('s1', '10'));
  assert.equal(t.isStale('ns/svc', () => undefined), true);
  now += 31_000;
  assert.equal(t.isStale('ns/svc', () => undefined), false);
});

test('TriggerTimeTracker: service creation first, then the earliest changed pod transition', () => {
  const t = new TriggerTimeTracker();
  const svc = { metadata: { name: 's', namespace: 'ns', creationTimestamp: '2024-01-01T00:00:00Z' } };
  const pod = (name: string, at: string) => ({ metadata: { name }, status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at }] } });
  assert.equal(t.compute(svc, [pod('a', '2024-01-01T00:00:05Z')]), '2024-01-01T00:00:00Z');
  assert.equal(t.compute(svc, [pod('a', '2024-01-01T00:00:05Z')]), undefined, 'nothing changed');
  assert.equal(t.compute(svc, [pod('a', '2024-01-01T00:00:09Z'), pod('b', '2024-01-01T00:00:07Z')]), '2024-01-01T00:00:07Z');
  assert.equal(formatRFC3339Nano(Date.parse('2024-01-01T00:00:00.250Z')), '2024-01-01T00:00:00.25Z');
});
