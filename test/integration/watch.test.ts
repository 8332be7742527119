/** Watch over real sockets: framing, initial events, resourceVersion, selectors, 410, bookmarks, timeouts, Tables, WebSocket. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startServer, openWatch, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => {
  srv = await startServer({ appOptions: { bookmarkIntervalMs: 200 } });
  await srv.req('post', '/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'w' } });
});
after(async () => {
  await srv.close();
});

const cm = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name, labels },
});

test('headers are flushed before any event; resourceVersion=0 starts with synthetic ADDED events', async () => {
  await srv.req('post', '/api/v1/namespaces/w/endpoints').send(cm('a', { k: 'v' }));
  await srv.req('post', '/api/v1/namespaces/w/endpoints').send(cm('b', { k: 'v' }));
  const w = await openWatch(srv, '/api/v1/namespaces/w/endpoints?watch=true&resourceVersion=0&labelSelector=k%3Dv');
  assert.equal(w.status, 200, 'status arrives before any change happens');
  assert.equal(w.headers['content-type'], 'application/json');
  assert.equal(w.headers['transfer-encoding'], 'chunked');
  const initial = await w.next(2);
  assert.deepEqual(initial.map((e) => [e.type, e.object.metadata.name]).sort(), [['ADDED', 'a'], ['ADDED', 'b']]);
  await srv.req('patch', '/api/v1/namespaces/w/endpoints/a').set('Content-Type', 'application/merge-patch+json').send({ metadata: { annotations: { x: '1' } } });
  const [mod] = await w.next();
  assert.equal(mod!.type, 'MODIFIED');
  assert.equal(mod!.object.metadata.annotations.x, '1');
  assert.equal(mod!.object.kind, 'Endpoints');
  w.close();
});

test('a watch from a list resourceVersion sees exactly the later changes, in order, with no initial events', async () => {
  const list = await srv.req('get', '/api/v1/namespaces/w/endpoints');
  const rv = list.body.metadata.resourceVersion;
  await srv.req('post', '/api/v1/namespaces/w/endpoints').send(cm('c'));
  await srv.req('delete', '/api/v1/namespaces/w/endpoints/c');
  // the watch starts after the changes: they are replayed from history
  const w = await openWatch(srv, `/api/v1/namespaces/w/endpoints?watch=1&resourceVersion=${rv}`);
  const evs = await w.next(2);
  assert.deepEqual(evs.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'c'], ['DELETED', 'c']]);
  assert.ok(Number(evs[1]!.object.metadata.resourceVersion) > Number(evs[0]!.object.metadata.resourceVersion));
  w.close();
});

test('selectors apply to old and new object: leaving the selection is DELETED, entering is ADDED', async () => {
  await srv.req('post', '/api/v1/namespaces/w/endpoints').send(cm('sel', { tier: 'fe' }));
  const rv = (await srv.req('get', '/api/v1/namespaces/w/endpoints/sel')).body.metadata.resourceVersion;
  const w = await openWatch(srv, `/api/v1/namespaces/w/endpoints?watch=true&resourceVersion=${rv}&labelSelector=tier%3Dfe`);
  const patch = (tier: string) =>
    srv.req('patch', '/api/v1/namespaces/w/endpoints/sel').set('Content-Type', 'application/merge-patch+json').send({ metadata: { labels: { tier } } });
  await patch('be');
  await patch('fe');
  const evs = await w.next(2);
  assert.deepEqual(evs.map((e) => [e.type, e.object.metadata.labels.tier]), [['DELETED', 'be'], ['ADDED', 'fe']]);
  w.close();
});

test('a named watch (legacy /watch/ path and fieldSelector) sees only that object', async () => {
  await srv.req('post', '/api/v1/namespaces/w/endpoints').send(cm('one'));
  await srv.req('post', '/api/v1/namespaces/w/endpoints').send(cm('two'));
  const legacy = await openWatch(srv, '/api/v1/watch/namespaces/w/endpoints/one');
  const [first] = await legacy.next();
  assert.deepEqual([first!.type, first!.object.metadata.name], ['ADDED', 'one']);
  await srv.req('patch', '/api/v1/namespaces/w/endpoints/two').set('Content-Type', 'application/merge-patch+json').send({ metadata: { labels: { a: 'b' } } });
  await srv.req('patch', '/api/v1/namespaces/w/endpoints/one').set('Content-Type', 'application/merge-patch+json').send({ metadata: { labels: { a: 'b' } } });
  const [next] = await legacy.next();
  assert.deepEqual([next!.type, next!.object.metadata.name], ['MODIFIED', 'one']);
  legacy.close();
});

test('a resourceVersion older than the retained history is a 410 Expired ERROR event', async () => {
  await srv.req('post', '/api/v1/namespaces/w/endpoints').send(cm('old'));
  await srv.app.store.compact(srv.app.store.currentRevision() - 1);
  const w = await openWatch(srv, '/api/v1/namespaces/w/endpoints?watch=true&resourceVersion=2');
  const [ev] = await w.next();
  assert.equal(ev!.type, 'ERROR');
  assert.equal(ev!.object.kind, 'Status');
  assert.equal(ev!.object.code, 410);
  assert.equal(ev!.object.reason, 'Expired');
  assert.match(ev!.object.message, /^too old resource version: 2 \(\d+\)$/);
  await w.ended;
  const list = await srv.req('get', '/api/v1/namespaces/w/endpoints?resourceVersion=2&resourceVersionMatch=Exact');
  assert.equal(list.status, 410);
  assert.equal(list.body.reason, 'Expired');
});

test('bookmarks when asked, timeoutSeconds ends the stream', async () => {
  const rv = (await srv.req('get', '/api/v1/namespaces/w/endpoints')).body.metadata.resourceVersion;
  const w = await openWatch(srv, `/api/v1/namespaces/w/endpoints?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=1`);
  const [bm] = await w.next(1, 3000);
  assert.equal(bm!.type, 'BOOKMARK');
  assert.deepEqual(Object.keys(bm!.object).sort(), ['apiVersion', 'kind', 'metadata']);
  assert.equal(bm!.object.kind, 'Endpoints');
  assert.ok(Number(bm!.object.metadata.resourceVersion) >= Number(rv));
  const started = Date.now();
  await w.ended;
  assert.ok(Date.now() - started < 3000, 'the server ends the watch after timeoutSeconds');
  const plain = await openWatch(srv, `/api/v1/namespaces/w/endpoints?watch=true&resourceVersion=${rv}&timeoutSeconds=1`);
  await plain.ended;
  await assert.rejects(plain.next(1, 100), /ended|timed out/);
});

test('Table watches stream one-row Tables, column definitions only in the first event', async () => {
  const rv = (await srv.req('get', '/api/v1/namespaces/w/endpoints')).body.metadata.resourceVersion;
  const w = await openWatch(srv, `/api/v1/namespaces/w/endpoints?watch=true&resourceVersion=${rv}`, {
    Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
  });
  await srv.req('post', '/api/v1/namespaces/w/endpoints').send(cm('t1'));
  await srv.req('post', '/api/v1/namespaces/w/endpoints').send(cm('t2'));
  const [a, b] = await w.next(2);
  assert.equal(a!.object.kind, 'Table');
  assert.equal(a!.object.rows.length, 1);
  assert.equal(a!.object.rows[0].cells[0], 't1');
  assert.ok(Array.isArray(a!.object.columnDefinitions));
  assert.equal(b!.object.columnDefinitions, null);
  assert.equal(b!.object.rows[0].object.kind, 'PartialObjectMetadata');
  w.close();
});

test('a watcher that stops reading does not block writes or other watchers', async () => {
  const stalled = await openWatch(srv, '/api/v1/namespaces/w/endpoints?watch=true');
  stalled.close(); // never read again: the socket is gone
  const live = await openWatch(srv, `/api/v1/namespaces/w/endpoints?watch=true&resourceVersion=${srv.app.store.currentRevision()}`);
  for (let i = 0; i < 20; i++) await srv.req('post', '/api/v1/namespaces/w/endpoints').send(cm(`burst-${i}`));
  const evs = await live.next(20);
  assert.deepEqual(evs.map((e) => e.object.metadata.name), Array.from({ length: 20 }, (_, i) => `burst-${i}`));
  live.close();
});

test('watch over WebSocket: one JSON event per message', async () => {
  const url = srv.url.replace('https', 'wss') + '/api/v1/namespaces/w/endpoints?watch=true&resourceVersion=0&fieldSelector=metadata.name%3Da';
  const ws = new WebSocket(url, { ca: srv.ca, headers: { Authorization: `Bearer ${srv.token}` } });
  const messages: any[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      messages.push(JSON.parse(String(data)));
      if (messages.length === 1) resolve();
    });
    ws.on('error', reject);
  });
  assert.equal(messages[0].type, 'ADDED');
  assert.equal(messages[0].object.metadata.name, 'a');
  ws.close();
});

test('bad watch parameters are ordinary Status errors', async () => {
  const res = await srv.req('get', '/api/v1/namespaces/w/endpoints?watch=true&resourceVersion=abc');
  assert.equal(res.status, 400);
  assert.equal(res.body.kind, 'Status');
  const sel = await srv.req('get', '/api/v1/namespaces/w/endpoints?watch=true&fieldSelector=nope%3D1');
  assert.equal(sel.status, 400);
});
