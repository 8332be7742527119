import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AllocationTransaction } from './transaction.js';
import { IPAllocator } from './ip-allocator.js';
import { PortAllocator } from './port-allocator.js';
import { ErrAllocated } from './allocator-errors.js';
import { seededRandom } from './bitmap.js';

function allocators() {
  return {
    ips: new IPAllocator('10.96.0.0/24', { random: seededRandom(1) }),
    ports: new PortAllocator('30000-30100', { random: seededRandom(2) }),
  };
}

test('revert gives back everything the request took', () => {
  const { ips, ports } = allocators();
  const tx = new AllocationTransaction();
  const ip = tx.allocateNext(ips);
  tx.allocate(ports, 30050);
  const np = tx.allocateNext(ports);
  assert.deepEqual([ips.has(ip), ports.has(30050), ports.has(np)], [true, true, true]);
  tx.finish(false);
  assert.deepEqual([ips.used(), ports.used()], [0, 0]);
  assert.equal(tx.isDone, true);
});

test('a failed explicit allocation leaves earlier ones to revert', () => {
  const { ips, ports } = allocators();
  ports.allocate(30007);
  const tx = new AllocationTransaction();
  tx.allocate(ips, '10.96.0.10');
  assert.throws(() => tx.allocate(ports, 30007), ErrAllocated);
  tx.revert();
  assert.deepEqual([ips.has('10.96.0.10'), ports.has(30007)], [false, true]);
});

test('commit keeps allocations and performs deferred releases', () => {
  const { ips, ports } = allocators();
  ports.allocate(30001);
  const tx = new AllocationTransaction();
  tx.releaseOnCommit(ports, 30001);
  tx.allocate(ports, 30002);
  assert.equal(ports.has(30001), true, 'release is deferred');
  tx.commit();
  assert.deepEqual([ports.has(30001), ports.has(30002), ips.used()], [false, true, 0]);
});

test('revert drops deferred releases; a finished transaction refuses more work', () => {
  const { ports } = allocators();
  ports.allocate(30001);
  const tx = new AllocationTransaction();
  tx.releaseOnCommit(ports, 30001);
  tx.revert();
  assert.equal(ports.has(30001), true);
  assert.throws(() => tx.commit(), /already finished/);
  assert.throws(() => tx.allocateNext(ports), /already finished/);
});
