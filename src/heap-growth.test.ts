import { test } from 'node:test';
import assert from 'node:assert/strict';
import { growthPercentFor } from './heap-growth.js';

const MiB = 2 ** 20;

test('heap growth: generous while small, less near the soft limit, never below 25%', () => {
  assert.equal(growthPercentFor(200 * MiB), 60);
  assert.equal(growthPercentFor(900 * MiB), 60);
  assert.equal(growthPercentFor(1100 * MiB), 39);
  assert.equal(growthPercentFor(1400 * MiB), 25);
  assert.equal(growthPercentFor(3000 * MiB), 25);
  assert.equal(growthPercentFor(0), 60);
});
