import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyValue } from '../storage.js';
import { EventHistory } from './event-history.js';
import { KeyIndex, collectPage, countAsOf, scanAsOf } from './key-index.js';
import { parseJSON, StoredEvent, StoredKeyValue, ValueCell } from './records.js';

const cell = (value: unknown): ValueCell => new ValueCell(JSON.stringify(value), parseJSON);
const kv = (key: string, rev: number, value: unknown = { rev }): StoredKeyValue =>
  new StoredKeyValue(key, cell(value), rev, rev);

function indexOf(keys: string[]): KeyIndex {
  const index = new KeyIndex();
  keys.forEach((k, i) => index.set(kv(k, i + 1)));
  return index;
}

test('scan and count respect prefix and startKey', () => {
  const index = indexOf(['/a/1', '/a/2', '/a/3', '/ab/1', '/b/1']);
  const cases: Array<[string, string | undefined, string[]]> = [
    ['/a/', undefined, ['/a/1', '/a/2', '/a/3']],
    ['/a/', '/a/2', ['/a/2', '/a/3']],
    ['/a/', '/', ['/a/1', '/a/2', '/a/3']],
    ['/a/', '/zzz', []],
    ['/a', undefined, ['/a/1', '/a/2', '/a/3', '/ab/1']],
    ['', '/ab/', ['/ab/1', '/b/1']],
  ];
  for (const [prefix, start, want] of cases) {
    assert.deepEqual([...index.scan(prefix, start)].map((x) => x.key), want, `${prefix} ${start}`);
    assert.equal(index.count(prefix, start), want.length, `count ${prefix} ${start}`);
  }
});

test('collectPage: limit, nextKey, remaining, filter', () => {
  const items = ['/a', '/b', '/c', '/d'].map((k, i) => kv(k, i + 1));
  const countFrom = (key: string): number => items.filter((x) => x.key >= key).length;
  const cases = [
    { opts: {}, keys: ['/a', '/b', '/c', '/d'], nextKey: undefined, remaining: undefined },
    { opts: { limit: 0 }, keys: ['/a', '/b', '/c', '/d'], nextKey: undefined, remaining: undefined },
    { opts: { limit: 4 }, keys: ['/a', '/b', '/c', '/d'], nextKey: undefined, remaining: undefined },
    { opts: { limit: 3 }, keys: ['/a', '/b', '/c'], nextKey: '/d', remaining: 1 },
    // a known count from the start (a later page of a list at one revision) is used, not recounted
    { opts: { limit: 2, startCount: 40 }, keys: ['/a', '/b'], nextKey: '/c', remaining: 38 },
    {
      opts: { limit: 1, filter: (x: KeyValue) => x.key !== '/a' },
      keys: ['/b'],
      nextKey: '/c',
      remaining: undefined,
    },
  ];
  for (const c of cases) {
    const page = collectPage(items, c.opts, countFrom);
    assert.deepEqual(page.items.map((x) => x.key), c.keys);
    assert.equal(page.nextKey, c.nextKey);
    assert.equal(page.remaining, c.remaining);
  }
});

test('scanAsOf rebuilds an older state from history', () => {
  // rev 1: create /p/a, 2: create /p/b, 3: update /p/a, 4: delete /p/b, 5: create /p/c, 6: create /p/b
  const history = new EventHistory(0);
  const a1 = kv('/p/a', 1);
  const b2 = kv('/p/b', 2);
  const entries = [
    { event: new StoredEvent('put', '/p/a', 1, 1, a1.cell, undefined), prevModRevision: 0 },
    { event: new StoredEvent('put', '/p/b', 2, 2, b2.cell, undefined), prevModRevision: 0 },
    { event: new StoredEvent('put', '/p/a', 3, 1, cell({ rev: 3 }), a1.cell), prevModRevision: 1 },
    { event: new StoredEvent('delete', '/p/b', 4, 2, undefined, b2.cell), prevModRevision: 2 },
    { event: new StoredEvent('put', '/p/c', 5, 5, cell({ rev: 5 }), undefined), prevModRevision: 0 },
    { event: new StoredEvent('put', '/p/b', 6, 6, cell({ rev: 6 }), undefined), prevModRevision: 0 },
  ];
  entries.forEach((e) => history.append(e));
  const index = new KeyIndex();
  index.set(new StoredKeyValue('/p/a', cell({ rev: 3 }), 1, 3));
  index.set(kv('/p/b', 6));
  index.set(kv('/p/c', 5));

  const at = (rev: number, start?: string): Array<[string, number]> =>
    [...scanAsOf(index, history.stateAt('/p/', rev), '/p/', start)].map((x) => [x.key, x.modRevision]);
  assert.deepEqual(at(0), []);
  assert.deepEqual(at(2), [['/p/a', 1], ['/p/b', 2]]);
  assert.deepEqual(at(3), [['/p/a', 3], ['/p/b', 2]]);
  assert.deepEqual(at(4), [['/p/a', 3]]);
  assert.deepEqual(at(5), [['/p/a', 3], ['/p/c', 5]]);
  assert.deepEqual(at(6), [['/p/a', 3], ['/p/b', 6], ['/p/c', 5]]);
  assert.deepEqual(at(2, '/p/b'), [['/p/b', 2]]);
  assert.deepEqual([...scanAsOf(index, history.stateAt('/p/', 2), '/p/')][1]!.createRevision, 2);
  // countAsOf agrees with walking the scan, from every start key
  for (let rev = 0; rev <= 6; rev++) {
    for (const start of [undefined, '/p/a', '/p/b', '/p/bb', '/p/c', '/p/d']) {
      const states = history.stateAt('/p/', rev);
      assert.equal(countAsOf(index, states, '/p/', start), [...scanAsOf(index, states, '/p/', start)].length, `rev ${rev} from ${start}`);
    }
  }
});

test('EventHistory: lookup by revision, compaction, and no holes', () => {
  const history = new EventHistory(10);
  assert.equal(history.lastRevision(), 10);
  const put = (r: number) => ({ event: new StoredEvent('put', '/k', r, 11, cell({ r }), undefined), prevModRevision: 0 });
  assert.throws(() => history.append(put(12)), /out of order/);
  for (let r = 11; r <= 15; r++) history.append(put(r));
  assert.equal(history.eventAt(13)?.revision, 13);
  history.compactThrough(13);
  assert.equal(history.compactedRevision(), 13);
  assert.equal(history.eventAt(13), undefined);
  assert.equal(history.eventAt(14)?.revision, 14);
  assert.equal(history.length, 2);
  history.compactThrough(12);
  assert.equal(history.compactedRevision(), 13);
});
