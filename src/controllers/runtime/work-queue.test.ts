import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { WorkQueue } from './work-queue.js';
import { runWorkers } from './controller.js';

test('WorkQueue: FIFO over many keys (past the internal compaction), duplicates waiting once', async () => {
  const q = new WorkQueue();
  for (let i = 0; i < 5000; i++) q.add(`k${i}`);
  q.add('k0');
  assert.equal(q.length, 5000);
  for (let i = 0; i < 3000; i++) {
    const k = await q.get();
    assert.equal(k, `k${i}`);
    q.done(k!);
  }
  for (let i = 5000; i < 6000; i++) q.add(`k${i}`);
  for (let i = 3000; i < 6000; i++) {
    const k = await q.get();
    assert.equal(k, `k${i}`);
    q.done(k!);
  }
  assert.equal(q.length, 0);
});

test('WorkQueue: a key added while processing comes back once after done', async () => {
  const q = new WorkQueue();
  q.add('a');
  const a = await q.get();
  q.add('a');
  q.add('a');
  assert.equal(q.length, 0, 'not handed out twice at once');
  q.done(a!);
  assert.equal(q.length, 1);
  assert.equal(await q.get(), 'a');
});

test('runWorkers steps aside for I/O while draining a backlog of syncs that never await I/O', async () => {
  const q = new WorkQueue();
  const ac = new AbortController();
  const total = 40_000;
  let synced = 0;
  let timerFiredAt = -1;
  for (let i = 0; i < total; i++) q.add(`k${i}`);
  const sync = async () => {
    const until = performance.now() + 0.01;
    while (performance.now() < until);
    if (++synced === total) ac.abort();
  };
  setTimeout(() => (timerFiredAt = synced), 0);
  // many workers: the pool pauses as one, not once per worker
  await runWorkers(q, sync, { workers: 64, log: pino({ level: 'silent' }), signal: ac.signal });
  assert.equal(synced, total);
  assert.ok(timerFiredAt >= 0 && timerFiredAt < total / 4, `a timer ran early in the backlog (after ${timerFiredAt} of ${total} syncs)`);
});
