import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../apimachinery/meta.js';
import { defaultClock, rfc3339, sameIgnoringRV } from './object-meta.js';

test('rfc3339: second precision, whatever order the times come in', () => {
  const t = Date.UTC(2024, 0, 1, 10, 0, 0);
  for (const [ms, want] of [
    [t + 999, '2024-01-01T10:00:00Z'],
    [t, '2024-01-01T10:00:00Z'],
    [t + 1000, '2024-01-01T10:00:01Z'],
    [t - 1, '2024-01-01T09:59:59Z'],
    [t + 500, '2024-01-01T10:00:00Z'],
  ] as const) {
    assert.equal(rfc3339(ms), want, String(ms));
  }
});

test('randomSuffix: n characters of kube alphabet, different across calls (past one block of random bytes)', () => {
  const clock = defaultClock();
  const seen = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const s = clock.randomSuffix(5);
    assert.match(s, /^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    seen.add(s);
  }
  assert.ok(seen.size > 490, `${seen.size} distinct of 500`);
  assert.equal(clock.randomSuffix(0), '');
  assert.equal(clock.randomSuffix(2000).length, 2000);
});

test('sameIgnoringRV: resourceVersion and managedFields aside, JSON equality (absent = undefined); managedFields never read', () => {
  const obj = (meta: Record<string, unknown>, rest: Record<string, unknown> = {}): KObject => {
    const o = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...meta }, spec: { a: 1 }, ...rest } as KObject;
    Object.defineProperty(o.metadata, 'managedFields', {
      enumerable: true,
      get() {
        throw new Error('managedFields read');
      },
    });
    return o;
  };
  assert.equal(sameIgnoringRV(obj({ resourceVersion: '1' }), obj({ resourceVersion: '2' })), true);
  assert.equal(sameIgnoringRV(obj({ labels: { a: 'x' } }), obj({})), false);
  assert.equal(sameIgnoringRV(obj({}), obj({ labels: { a: 'x' } })), false);
  assert.equal(sameIgnoringRV(obj({ labels: undefined }), obj({})), true);
  assert.equal(sameIgnoringRV(obj({}, { status: { phase: 'Running' } }), obj({})), false);
  assert.equal(sameIgnoringRV(obj({}), obj({}, { status: { phase: 'Running' } })), false);
  assert.equal(sameIgnoringRV(obj({}, { status: undefined }), obj({})), true);
  assert.equal(sameIgnoringRV(obj({}, { spec: { a: 2 } }), obj({})), false);
});
