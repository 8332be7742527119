import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeEvent,
  decodeObject,
  decodeRevision,
  deepFreeze,
  encodeEvent,
  encodeObject,
  eventKey,
  parseJSON,
  StoredEvent,
  ValueCell,
  prefixEnd,
  toJson,
} from './records.js';

test('eventKey sorts lexically in revision order', () => {
  const revisions = [1, 9, 10, 99, 100, 12345, 2 ** 40, Number.MAX_SAFE_INTEGER];
  const keys = revisions.map(eventKey);
  assert.deepEqual([...keys].sort(), keys);
  assert.equal(eventKey(42), 'e:0000000000000042');
});

test('prefixEnd bounds exactly the keys under a prefix', () => {
  const cases: Array<[string, string[], string[]]> = [
    [
      '/registry/pods/',
      ['/registry/pods/', '/registry/pods/ns/a', '/registry/pods/\uffee'],
      ['/registry/pods0', '/registry/podsx/a', '/registry/pod'],
    ],
    ['o:', ['o:', 'o:/x'], ['o;', 'e:1', 'm:revision']],
  ];
  for (const [prefix, inside, outside] of cases) {
    const end = prefixEnd(prefix)!;
    for (const k of inside) assert.ok(k >= prefix && k < end, `${k} under ${prefix}`);
    for (const k of outside) assert.ok(!(k >= prefix && k < end), `${k} not under ${prefix}`);
  }
  assert.equal(prefixEnd(''), undefined);
});

test('object records round-trip', () => {
  const json = toJson('k', { a: 'line\nbreak', b: [1, { c: null }] });
  const record = encodeObject({ key: 'k', value: null, createRevision: 3, modRevision: 7 }, json);
  assert.deepEqual(decodeObject(record), { createRevision: 3, modRevision: 7, valueJson: json });
});

test('event records round-trip', () => {
  const cases = [
    { type: 'put' as const, value: { n: 1 }, prev: undefined, pm: 0 },
    { type: 'put' as const, value: { n: 2, s: 'a\nb' }, prev: { n: 1 }, pm: 4 },
    { type: 'delete' as const, value: undefined, prev: { n: 2 }, pm: 5 },
  ];
  for (const c of cases) {
    const cell = (v: unknown) => (v === undefined ? undefined : new ValueCell(JSON.stringify(v), parseJSON));
    const event = new StoredEvent(c.type, '/registry/pods/ns/a', 6, 4, cell(c.value), cell(c.prev));
    const valueJson = c.value === undefined ? undefined : JSON.stringify(c.value);
    const prevJson = c.prev === undefined ? undefined : JSON.stringify(c.prev);
    const decoded = decodeEvent(encodeEvent({ event, prevModRevision: c.pm }, valueJson, prevJson));
    assert.deepEqual(decoded, {
      type: c.type, key: '/registry/pods/ns/a', createRevision: 4, prevModRevision: c.pm, valueJson, prevJson,
    });
    assert.equal(event.created, c.type === 'put' && c.prev === undefined);
  }
});

test('decodeRevision', () => {
  assert.equal(decodeRevision(undefined), 0);
  assert.equal(decodeRevision('123'), 123);
  for (const bad of ['-1', 'x', '1.5']) assert.throws(() => decodeRevision(bad), /corrupt/);
});

test('deepFreeze freezes nested objects and arrays; toJson rejects the unserializable', () => {
  const v = deepFreeze({ a: { b: [{ c: 1 }] } });
  assert.ok(Object.isFrozen(v.a.b[0]) && Object.isFrozen(v.a.b));
  assert.throws(() => toJson('k', undefined), TypeError);
});

test('a ValueCell keeps text until read, then hands out one frozen decoded value', () => {
  let decodes = 0;
  const cell = new ValueCell('{"a":{"b":[1,2]}}', (json) => {
    decodes++;
    return JSON.parse(json);
  });
  assert.equal(cell.json, '{"a":{"b":[1,2]}}');
  assert.equal(decodes, 0);
  const v = cell.value as { a: { b: number[] } };
  assert.deepEqual(v, { a: { b: [1, 2] } });
  assert.ok(Object.isFrozen(v) && Object.isFrozen(v.a) && Object.isFrozen(v.a.b));
  assert.equal(cell.value, v);
  assert.equal(decodes, 1);
  assert.equal(cell.json, '{"a":{"b":[1,2]}}');
});

test('a demoted cell goes back to its text and decodes anew; without its text at hand it stays decoded', () => {
  const json = JSON.stringify({ kind: 'Pod', n: 1 });
  const cell = new ValueCell(json, parseJSON);
  const first = cell.value;
  assert.ok(cell.hasText); // decoding remembered the text
  cell.demote();
  const second = cell.value;
  assert.notEqual(second, first);
  assert.deepEqual(second, first);
  assert.equal(cell.json, json);

  const bytes = Buffer.from(`xx${json}yy`);
  const loaded = new ValueCell({ buf: bytes, start: 2, end: 2 + json.length }, parseJSON);
  assert.ok(loaded.hasText);
  assert.equal(loaded.json, json);
  assert.deepEqual(loaded.peek(), { kind: 'Pod', n: 1 });
  assert.notEqual(loaded.peek(), loaded.peek()); // peek keeps nothing
  assert.equal(loaded.value, loaded.value);
});
