import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IPAllocator, formatIP, parseIP, parseRange } from './ip-allocator.js';
import { ErrAllocated, ErrFull, ErrNotInRange } from './allocator-errors.js';
import { lowestFirst, seededRandom } from './bitmap.js';

test('range math', () => {
  const cases: Array<{ cidr: string; norm: string; family: string; size: number; first?: string }> = [
    { cidr: '10.96.0.0/12', norm: '10.96.0.0/12', family: 'IPv4', size: 1048574, first: '10.96.0.1' },
    { cidr: '10.96.0.10/12', norm: '10.96.0.0/12', family: 'IPv4', size: 1048574, first: '10.96.0.1' },
    { cidr: '192.168.1.0/24', norm: '192.168.1.0/24', family: 'IPv4', size: 254, first: '192.168.1.1' },
    { cidr: '192.168.1.0/30', norm: '192.168.1.0/30', family: 'IPv4', size: 2, first: '192.168.1.1' },
    { cidr: '192.168.1.0/31', norm: '192.168.1.0/31', family: 'IPv4', size: 0 },
    { cidr: '192.168.1.7/32', norm: '192.168.1.7/32', family: 'IPv4', size: 0 },
    { cidr: 'fd00:10:96::/64', norm: 'fd00:10:96::/64', family: 'IPv6', size: 65535, first: 'fd00:10:96::1' },
    { cidr: 'fd00::/120', norm: 'fd00::/120', family: 'IPv6', size: 255, first: 'fd00::1' },
    { cidr: 'fd00::/128', norm: 'fd00::/128', family: 'IPv6', size: 0 },
  ];
  for (const c of cases) {
    const a = new IPAllocator(c.cidr);
    assert.deepEqual([a.cidr, a.family, a.size, a.free(), a.used()], [c.norm, c.family, c.size, c.size, 0], c.cidr);
    if (c.first) assert.equal(a.firstAddress(), c.first, c.cidr);
    else assert.throws(() => a.firstAddress(), ErrFull, c.cidr);
  }
});

test('parseRange rejects garbage', () => {
  for (const bad of ['10.96.0.0', '10.96.0.0/33', '10.96.0/12', 'fd00::/129', 'x/1', '10.96.0.0/']) {
    assert.throws(() => parseRange(bad), { name: 'TypeError', message: `invalid CIDR address: ${bad}` }, bad);
  }
});

test('parseIP/formatIP round-trip, sloppy IPv4 and IPv4-mapped IPv6', () => {
  assert.equal(formatIP(parseIP('010.096.000.001')!.value, 'IPv4'), '10.96.0.1');
  assert.deepEqual(parseIP('::ffff:10.96.0.1'), parseIP('10.96.0.1'));
  assert.equal(formatIP(parseIP('FD00:0:0::0001')!.value, 'IPv6'), 'fd00::1');
  assert.equal(parseIP('256.1.1.1'), undefined);
  assert.equal(parseIP('fe80::1%eth0'), undefined);
});

test('contains excludes network and broadcast', () => {
  const a = new IPAllocator('192.168.1.0/24');
  const table: Array<[string, boolean]> = [
    ['192.168.1.0', false], ['192.168.1.1', true], ['192.168.1.254', true], ['192.168.1.255', false],
    ['192.168.2.1', false], ['fd00::1', false], ['nonsense', false],
  ];
  for (const [ip, want] of table) assert.equal(a.contains(ip), want, ip);
  const v6 = new IPAllocator('fd00::/120');
  assert.equal(v6.contains('fd00::ff'), true, 'IPv6 has no broadcast address');
  assert.equal(v6.contains('fd00::'), false);
});

test('IPv6 ranges wider than 65536 are capped', () => {
  const a = new IPAllocator('fd00::/64');
  assert.equal(a.contains('fd00::ffff'), true);
  assert.equal(a.contains('fd00::1:0'), false);
  a.allocate('fd00::ffff');
  assert.equal(a.has('fd00::ffff'), true);
});

test('explicit allocation errors carry kube messages', () => {
  const a = new IPAllocator('10.96.0.0/12');
  a.allocate('10.96.0.10');
  assert.throws(() => a.allocate('10.96.0.10'), (err: unknown) => {
    assert.ok(err instanceof ErrAllocated);
    assert.equal(err.message, 'provided IP is already allocated');
    return true;
  });
  for (const ip of ['10.0.0.1', '10.96.0.0', '10.111.255.255']) {
    assert.throws(() => a.allocate(ip), (err: unknown) => {
      assert.ok(err instanceof ErrNotInRange);
      assert.equal(err.validRange, '10.96.0.0/12');
      assert.equal(err.message, `the provided IP (${ip}) is not in the valid range. The range of valid IPs is 10.96.0.0/12`);
      return true;
    }, ip);
  }
});

test('exhaustion, release and reuse', () => {
  const a = new IPAllocator('10.0.0.0/29', { random: seededRandom(3) });
  const got = Array.from({ length: 6 }, () => a.allocateNext()).sort();
  assert.deepEqual(got, ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
  assert.throws(() => a.allocateNext(), { name: 'ErrFull', message: 'range is full' });
  a.release('10.0.0.4');
  a.release('10.0.0.4');
  a.release('172.16.0.1');
  assert.deepEqual([a.used(), a.free(), a.has('10.0.0.4')], [5, 1, false]);
  assert.equal(a.allocateNext(), '10.0.0.4');
});

test('dynamic allocation avoids the static band until the rest is full', () => {
  const a = new IPAllocator('10.0.0.0/24', { random: lowestFirst });
  // /24: band of 16 usable addresses (10.0.0.1-10.0.0.16) kept for explicit requests.
  assert.equal(a.allocateNext(), '10.0.0.17');
  for (let i = 0; i < 254 - 16 - 1; i++) a.allocateNext();
  assert.equal(a.allocateNext(), '10.0.0.1');
  const big = new IPAllocator('10.96.0.0/12', { random: lowestFirst });
  assert.equal(big.allocateNext(), '10.96.1.1', '/12: band of 256 addresses');
});

test('allocateNext never hands out the same address twice, interleaved with explicit allocations', () => {
  const a = new IPAllocator('10.1.0.0/26', { random: seededRandom(42) });
  const taken = new Set<string>();
  for (let i = 0; i < 62; i++) {
    if (i % 3 === 0) {
      const explicit = `10.1.0.${62 - i / 3}`;
      if (!a.has(explicit)) {
        a.allocate(explicit);
        assert.ok(!taken.has(explicit));
        taken.add(explicit);
        continue;
      }
    }
    const ip = a.allocateNext();
    assert.ok(!taken.has(ip), `${ip} handed out twice`);
    taken.add(ip);
  }
  assert.equal(taken.size, 62);
  assert.throws(() => a.allocateNext(), ErrFull);
  const listed: string[] = [];
  a.forEach((ip) => listed.push(ip));
  assert.deepEqual(new Set(listed), taken);
});

test('snapshot/restore into a fresh allocator', () => {
  const a = new IPAllocator('fd00::/120');
  a.allocate('fd00::5');
  a.allocate('fd00::ff');
  const b = new IPAllocator('fd00::/120');
  b.restore(a.snapshot());
  assert.deepEqual([b.has('fd00::5'), b.has('fd00::ff'), b.used()], [true, true, 2]);
  assert.throws(() => new IPAllocator('fd00::/121').restore(a.snapshot()), /does not match/);
});
