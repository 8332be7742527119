import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EncodedEventCache } from './watch-stream.js';

test('EncodedEventCache encodes each key once and shares the line', () => {
  const cache = new EncodedEventCache(8);
  let calls = 0;
  const encode = () => `line-${++calls}\n`;
  assert.equal(cache.lineFor('pods|MODIFIED|ns/a|5', encode), 'line-1\n');
  assert.equal(cache.lineFor('pods|MODIFIED|ns/a|5', encode), 'line-1\n');
  // same object and revision but another event type is other content
  assert.equal(cache.lineFor('pods|DELETED|ns/a|5', encode), 'line-2\n');
  assert.equal(calls, 2);
});

test('EncodedEventCache stays bounded, dropping the oldest entry first', () => {
  const cache = new EncodedEventCache(3);
  for (let i = 0; i < 5; i++) cache.lineFor(`k${i}`, () => `v${i}`);
  assert.equal(cache.size, 3);
  assert.equal(cache.lineFor('k4', () => 'again'), 'v4');
  assert.equal(cache.lineFor('k0', () => 'again'), 'again');
});
