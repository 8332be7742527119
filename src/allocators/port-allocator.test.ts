import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PortAllocator, formatPortRange, parsePortRange } from './port-allocator.js';
import { ErrAllocated, ErrFull, ErrNotInRange } from './allocator-errors.js';
import { lowestFirst, seededRandom } from './bitmap.js';

test('parsePortRange accepts kube notations', () => {
  const table: Array<[string, { base: number; size: number }, string]> = [
    ['30000-32767', { base: 30000, size: 2768 }, '30000-32767'],
    ['30000+2767', { base: 30000, size: 2768 }, '30000-32767'],
    [' 8080 ', { base: 8080, size: 1 }, '8080-8080'],
    ['', { base: 0, size: 0 }, ''],
  ];
  for (const [text, want, str] of table) {
    const pr = parsePortRange(text);
    assert.deepEqual(pr, want, text);
    assert.equal(formatPortRange(pr), str, text);
  }
});

test('parsePortRange errors match PortRange.Set', () => {
  const table: Array<[string, string]> = [
    ['30000-70000', 'the port range cannot be greater than 65535: 30000-70000'],
    ['65000+1000', 'the port range cannot be greater than 65535: 65000+1000'],
    ['32767-30000', 'end port cannot be less than start port: 32767-30000'],
    ['1-2+3', 'unable to parse port range: 1-2+3'],
    ['abc', 'strconv.Atoi: parsing "abc": invalid syntax'],
  ];
  for (const [text, message] of table) assert.throws(() => parsePortRange(text), { name: 'TypeError', message }, text);
});

test('explicit allocation and kube messages', () => {
  const p = new PortAllocator('30000-32767');
  assert.deepEqual([p.range, p.size, p.free()], ['30000-32767', 2768, 2768]);
  p.allocate(30080);
  assert.equal(p.has(30080), true);
  assert.throws(() => p.allocate(30080), (err: unknown) => err instanceof ErrAllocated && err.message === 'provided port is already allocated');
  for (const port of [29999, 32768, 80]) {
    assert.throws(() => p.allocate(port), (err: unknown) => {
      assert.ok(err instanceof ErrNotInRange);
      assert.equal(err.message, 'provided port is not in the valid range. The range of valid ports is 30000-32767');
      return true;
    });
  }
});

test('dynamic allocation skips the static band 30000-30085 until the rest is full', () => {
  const p = new PortAllocator('30000-32767', { random: lowestFirst });
  assert.equal(p.allocateNext(), 30086);
  const small = new PortAllocator('100-109', { random: lowestFirst });
  assert.equal(small.allocateNext(), 100, 'ranges of 16 or fewer ports have no static band');
});

test('exhaustion, release and reuse, never handing out a port twice', () => {
  const p = new PortAllocator('30000+99', { random: seededRandom(9) });
  const seen = new Set<number>();
  p.allocate(30005);
  seen.add(30005);
  for (let i = 0; i < 99; i++) {
    const port = p.allocateNext();
    assert.ok(port >= 30000 && port <= 30099 && !seen.has(port), String(port));
    seen.add(port);
  }
  assert.throws(() => p.allocateNext(), (err: unknown) => err instanceof ErrFull && err.message === 'range is full');
  p.release(30042);
  p.release(30042);
  p.release(12);
  assert.deepEqual([p.used(), p.free()], [99, 1]);
  assert.equal(p.allocateNext(), 30042);
});

test('forEach and snapshot/restore', () => {
  const p = new PortAllocator('30000-32767');
  for (const port of [32767, 30000, 31000]) p.allocate(port);
  const listed: number[] = [];
  p.forEach((port) => listed.push(port));
  assert.deepEqual(listed, [30000, 31000, 32767]);
  const q = new PortAllocator('30000+2767');
  q.restore(p.snapshot());
  assert.deepEqual([q.used(), q.has(31000)], [3, true]);
  assert.throws(() => new PortAllocator('30000-30010').restore(p.snapshot()), /does not match/);
});
