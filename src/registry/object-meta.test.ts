import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultClock, rfc3339 } from './object-meta.js';

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
