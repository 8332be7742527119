import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AllocationBitmap, lowestFirst, seededRandom } from './bitmap.js';

test('allocate, has, release and counters', () => {
  const b = new AllocationBitmap(100);
  assert.equal(b.allocate(5), true);
  assert.equal(b.allocate(5), false);
  assert.equal(b.has(5), true);
  assert.equal(b.has(6), false);
  assert.deepEqual([b.used(), b.free()], [1, 99]);
  assert.equal(b.release(5), true);
  assert.equal(b.release(5), false, 'releasing a free slot is a no-op');
  assert.equal(b.release(1000), false, 'releasing out of range is a no-op');
  assert.deepEqual([b.used(), b.free()], [0, 100]);
});

test('allocate out of range throws like kube', () => {
  const b = new AllocationBitmap(10);
  for (const bad of [-1, 10, 1.5]) {
    assert.throws(() => b.allocate(bad), { name: 'RangeError', message: `offset ${bad} out of range [0,10]` });
  }
});

test('allocateNext hands out every slot exactly once, then undefined', () => {
  for (const size of [1, 31, 32, 33, 64, 100, 2768]) {
    const b = new AllocationBitmap(size, { random: seededRandom(size) });
    const seen = new Set<number>();
    for (let i = 0; i < size; i++) {
      const n = b.allocateNext();
      assert.ok(n !== undefined && n >= 0 && n < size, `size ${size}: ${n}`);
      assert.ok(!seen.has(n), `size ${size}: ${n} handed out twice`);
      seen.add(n);
    }
    assert.equal(b.allocateNext(), undefined);
    assert.equal(b.free(), 0);
  }
});

test('allocateNext prefers the upper band and falls back to the lower band', () => {
  const b = new AllocationBitmap(40, { offset: 8, random: seededRandom(7) });
  const first = Array.from({ length: 32 }, () => b.allocateNext()!);
  assert.ok(first.every((n) => n >= 8), `upper band first: ${first.join(',')}`);
  const rest = Array.from({ length: 8 }, () => b.allocateNext()!).sort((x, y) => x - y);
  assert.deepEqual(rest, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(b.allocateNext(), undefined);
});

test('lowestFirst makes allocation contiguous within the band and reuses released slots', () => {
  const b = new AllocationBitmap(10, { offset: 2, random: lowestFirst });
  assert.deepEqual([b.allocateNext(), b.allocateNext(), b.allocateNext()], [2, 3, 4]);
  b.release(3);
  assert.equal(b.allocateNext(), 3);
});

test('scan wraps around from a random start', () => {
  const b = new AllocationBitmap(64, { random: () => 0.99 });
  for (let i = 60; i < 64; i++) b.allocate(i);
  assert.equal(b.allocateNext(), 0);
});

test('forEach visits taken slots in order, across word boundaries', () => {
  const b = new AllocationBitmap(100);
  for (const i of [99, 0, 31, 32, 63, 64]) b.allocate(i);
  const seen: number[] = [];
  b.forEach((i) => seen.push(i));
  assert.deepEqual(seen, [0, 31, 32, 63, 64, 99]);
});

test('snapshot and restore round-trip, recounting used slots', () => {
  const a = new AllocationBitmap(70);
  for (const i of [1, 33, 69]) a.allocate(i);
  const b = new AllocationBitmap(70);
  b.restore(a.snapshot());
  assert.equal(b.used(), 3);
  assert.deepEqual([b.has(1), b.has(33), b.has(69), b.has(2)], [true, true, true, false]);
  assert.throws(() => b.restore(new Uint8Array(3)), /does not match/);
});

test('a /12-sized bitmap allocates from its upper band and stays consistent', () => {
  const size = 1048574;
  const b = new AllocationBitmap(size, { offset: 256, random: seededRandom(1) });
  for (let i = 0; i < 20000; i++) b.allocateNext();
  assert.equal(b.used(), 20000);
  let count = 0;
  b.forEach(() => count++);
  assert.equal(count, 20000);
});

test('invalid sizes and offsets are rejected', () => {
  assert.throws(() => new AllocationBitmap(-1), RangeError);
  assert.throws(() => new AllocationBitmap(10, { offset: 10 }), RangeError);
  assert.equal(new AllocationBitmap(0).allocateNext(), undefined);
});
