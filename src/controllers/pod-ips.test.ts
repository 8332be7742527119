import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrFull } from '../allocators/allocator-errors.js';
import { PodIPAllocator, cidrContains, nthSubnet } from './pod-ips.js';

test('allocate hands out addresses in order, skipping network and gateway', () => {
  const a = new PodIPAllocator();
  assert.equal(a.allocate('10.244.0.0/24', 'default/a'), '10.244.0.2');
  assert.equal(a.allocate('10.244.0.0/24', 'default/b'), '10.244.0.3');
  assert.equal(a.allocate('10.244.1.0/24', 'default/c'), '10.244.1.2');
  assert.deepEqual(a.owned('default/a'), ['10.244.0.2']);
  assert.equal(a.ownerOf('10.244.0.3'), 'default/b');
  assert.equal(a.size, 3);
});

test('round-robin as host-local IPAM: a freed address comes back only after the range wraps', () => {
  const a = new PodIPAllocator();
  // /29: .0 network, .1 gateway, .7 broadcast → .2-.6
  const got = Array.from({ length: 4 }, (_, i) => a.allocate('10.0.0.0/29', `p${i}`));
  assert.deepEqual(got, ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5']);
  assert.deepEqual(a.release('p0'), ['10.0.0.2']);
  assert.deepEqual(a.release('p0'), []);
  assert.equal(a.allocate('10.0.0.0/29', 'p4'), '10.0.0.6');
  assert.equal(a.allocate('10.0.0.0/29', 'p5'), '10.0.0.2');
  assert.throws(() => a.allocate('10.0.0.0/29', 'p6'), ErrFull);
  a.release('p2');
  assert.equal(a.allocate('10.0.0.0/29', 'p6'), '10.0.0.4');
});

test('reserve rebuilds state: reserved addresses are skipped, the cursor resumes after the highest; a conflicting owner is refused', () => {
  const a = new PodIPAllocator();
  assert.equal(a.reserve('10.244.0.2', 'x'), true);
  assert.equal(a.reserve('10.244.0.2', 'x'), true);
  assert.equal(a.reserve('10.244.0.2', 'y'), false);
  assert.equal(a.reserve('not-an-ip', 'y'), false);
  assert.equal(a.reserve('10.244.0.9', 'y'), true);
  assert.equal(a.reserve('10.244.1.50', 'other-node'), true);
  assert.equal(a.allocate('10.244.0.0/24', 'z'), '10.244.0.10');
});

test('IPv6 ranges allocate canonical addresses', () => {
  const a = new PodIPAllocator();
  assert.equal(a.allocate('fd00:10:244::/64', 'a'), 'fd00:10:244::2');
  assert.equal(a.reserve('fd00:10:244:0:0:0:0:3', 'b'), true);
  assert.equal(a.allocate('fd00:10:244::/64', 'c'), 'fd00:10:244::4');
  assert.equal(a.allocate('10.244.0.0/24', 'd'), '10.244.0.2');
});

test('nthSubnet and cidrContains', () => {
  const cases: [string, number, number, string | undefined][] = [
    ['10.244.0.0/16', 24, 0, '10.244.0.0/24'],
    ['10.244.0.0/16', 24, 2, '10.244.2.0/24'],
    ['10.244.0.0/16', 24, 255, '10.244.255.0/24'],
    ['10.244.0.0/16', 24, 256, undefined],
    ['10.244.0.0/16', 8, 0, undefined],
    ['fd00:10:244::/56', 64, 1, 'fd00:10:244:1::/64'],
  ];
  for (const [cidr, mask, i, want] of cases) assert.equal(nthSubnet(cidr, mask, i), want, `${cidr} /${mask} #${i}`);
  assert.equal(cidrContains('10.244.1.0/24', '10.244.1.7'), true);
  assert.equal(cidrContains('10.244.1.0/24', '10.244.2.7'), false);
  assert.equal(cidrContains('10.244.1.0/24', 'fd00::1'), false);
});
