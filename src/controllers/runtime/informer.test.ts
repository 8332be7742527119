import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { KObject } from '../../apimachinery/meta.js';
import type { Registry } from '../../registry/registry.js';
import type { ListOptions, ResourceStore } from '../../registry/store.js';
import { Informer } from './informer.js';

const pod = (i: number): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'ns', name: `p${String(i).padStart(5, '0')}`, resourceVersion: String(i + 1) } });

test('the initial list is read in pages at one revision, yielding to the event loop between pages', async () => {
  const objects = Array.from({ length: 2500 }, (_, i) => pod(i));
  const calls: ListOptions[] = [];
  // a task that runs once per event-loop turn: it only advances if the list yields between pages
  let turns = 0;
  let synced = false;
  const turn = (): void => {
    turns++;
    if (!synced) setImmediate(turn);
  };
  const rs = {
    def: { plural: 'pods' },
    async list(_ns: string | undefined, opts: ListOptions = {}) {
      calls.push(opts);
      const start = opts.continue ? Number(opts.continue) : 0;
      const end = Math.min(objects.length, start + (opts.limit ?? objects.length));
      const metadata: { resourceVersion: string; continue?: string } = { resourceVersion: '9000' };
      if (end < objects.length) metadata.continue = String(end);
      return { list: { metadata, items: objects.slice(start, end) } };
    },
  } as unknown as ResourceStore;
  let watchedFrom: string | undefined;
  const stop = new AbortController();
  const registry = {
    watch(_rs: ResourceStore, _ns: string | undefined, req: { resourceVersion: string }) {
      watchedFrom = req.resourceVersion;
      return {
        stop() {},
        async *[Symbol.asyncIterator]() {
          await new Promise((r) => stop.signal.addEventListener('abort', r, { once: true }));
        },
      };
    },
  } as unknown as Registry;
  const informer = new Informer(registry, rs, pino({ level: 'silent' }));
  const added: string[] = [];
  informer.addHandlers({ add: (obj) => added.push(obj.metadata.name as string) });
  const running = informer.run(stop.signal);
  setImmediate(turn);
  await informer.waitForSync();
  synced = true;
  assert.equal(calls.length, 3);
  assert.ok(calls.every((c) => c.limit === 1000));
  assert.deepEqual(calls.map((c) => c.continue), [undefined, '1000', '2000']);
  assert.equal(added.length, 2500);
  assert.equal(informer.list('ns').length, 2500);
  assert.ok(turns >= 2, `the event loop turned between pages (${turns})`);
  // the watch starts at the list's revision
  await new Promise((r) => setImmediate(r));
  assert.equal(watchedFrom, '9000');
  stop.abort();
  await running;
});
