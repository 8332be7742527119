import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerTokenOf, createAuthenticator, parseTokenFile, tlsServerOptions } from './authn.js';
import type { Authenticator, UserInfo } from './authn.js';
import { ensurePki, issueClientCertificate } from './pki.js';
import type { Pki } from './pki.js';

const ADMIN: UserInfo = { username: 'kubelevel-admin', groups: ['system:masters', 'system:authenticated'] };

const TOKEN_FILE_CASES: { name: string; text: string; expect: [string, UserInfo][] }[] = [
  { name: 'three columns', text: 'abc,alice,1001\n', expect: [['abc', { username: 'alice', uid: '1001', groups: [] }]] },
  {
    name: 'quoted group list',
    text: 'abc,alice,1001,"dev,system:nodes"\n',
    expect: [['abc', { username: 'alice', uid: '1001', groups: ['dev', 'system:nodes'] }]],
  },
  { name: 'unquoted single group', text: 'abc,alice,1001,dev', expect: [['abc', { username: 'alice', uid: '1001', groups: ['dev'] }]] },
  { name: 'empty uid is omitted', text: 'abc,alice,', expect: [['abc', { username: 'alice', groups: [] }]] },
  {
    name: 'quoted fields with escaped quotes, commas and CRLF',
    text: '"a,b","bob ""the builder""",2\r\n"t2",carol,3,""\r\n',
    expect: [
      ['a,b', { username: 'bob "the builder"', uid: '2', groups: [] }],
      ['t2', { username: 'carol', uid: '3', groups: [] }],
    ],
  },
  {
    name: 'blank lines skipped, empty token skipped, duplicate token keeps the last record',
    text: '\nt1,first,1\n\n,nobody,9\nt1,second,2\n',
    expect: [['t1', { username: 'second', uid: '2', groups: [] }]],
  },
  {
    name: 'quoted group field spanning lines',
    text: 't1,dave,4,"a,\nb"\nt2,erin,5\n',
    expect: [
      ['t1', { username: 'dave', uid: '4', groups: ['a', '\nb'] }],
      ['t2', { username: 'erin', uid: '5', groups: [] }],
    ],
  },
];

for (const { name, text, expect } of TOKEN_FILE_CASES) {
  test(`parseTokenFile: ${name}`, () => {
    assert.deepEqual([...parseTokenFile(text, 'tokens.csv')], expect);
  });
}

const TOKEN_FILE_ERRORS: { name: string; text: string; message: RegExp }[] = [
  {
    name: 'too few columns',
    text: 'abc,alice\n',
    message: /^token file 'tokens\.csv' must have at least 3 columns \(token, user name, user uid\), found 2$/,
  },
  { name: 'bare quote', text: 'ok,a,1\nab"c,alice,1\n', message: /^tokens\.csv:2: bare " in non-quoted-field$/ },
  { name: 'unterminated quote', text: 'abc,alice,1,"dev\n', message: /^tokens\.csv:1: extraneous or missing " in quoted-field$/ },
  { name: 'text after closing quote', text: '"abc"x,alice,1\n', message: /extraneous or missing " in quoted-field/ },
];

for (const { name, text, message } of TOKEN_FILE_ERRORS) {
  test(`parseTokenFile rejects: ${name}`, () => {
    assert.throws(() => parseTokenFile(text, 'tokens.csv'), { message });
  });
}

const BEARER_CASES: { header: string | string[] | undefined; expect: string | undefined }[] = [
  { header: 'Bearer abc', expect: 'abc' },
  { header: 'bearer abc', expect: 'abc' },
  { header: '  BEARER abc  ', expect: 'abc' },
  { header: ['Bearer first', 'Bearer second'], expect: 'first' },
  { header: 'Bearer', expect: undefined },
  { header: 'Bearer  abc', expect: undefined }, // as upstream: the token is exactly the second space-separated part
  { header: 'Basic YWxpY2U6cHc=', expect: undefined },
  { header: '', expect: undefined },
  { header: undefined, expect: undefined },
];

for (const { header, expect } of BEARER_CASES) {
  test(`bearerTokenOf(${JSON.stringify(header)})`, () => {
    assert.equal(bearerTokenOf(header), expect);
  });
}

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kubelevel-authn-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('token authentication without TLS: admin token, token-file users, bad or missing tokens', async (t) => {
  const dir = await tempDir(t);
  const tokenFile = join(dir, 'tokens.csv');
  await writeFile(tokenFile, 'dev-token,jane,42,"dev,system:authenticated"\nadmin,mallory,66,system:masters\n');
  const authn = createAuthenticator({ adminToken: 'admin', tokenFile });
  const ask = (authorization?: string): UserInfo | undefined =>
    authn.authenticate({ headers: authorization === undefined ? {} : { authorization }, socket: {} });

  assert.deepEqual(ask('Bearer admin'), ADMIN, 'the admin token wins over a token-file entry with the same token');
  assert.deepEqual(ask('Bearer dev-token'), { username: 'jane', uid: '42', groups: ['dev', 'system:authenticated'] });
  assert.equal(ask('Bearer dev-tokeN'), undefined);
  assert.equal(ask('Bearer '), undefined);
  assert.equal(ask(), undefined);

  const copy = ask('Bearer dev-token')!;
  copy.groups.push('system:masters');
  assert.deepEqual(ask('Bearer dev-token')!.groups, ['dev', 'system:authenticated'], 'results are fresh copies');
});

test('createAuthenticator fails on an unreadable or malformed token file', async (t) => {
  const dir = await tempDir(t);
  assert.throws(() => createAuthenticator({ adminToken: 'a', tokenFile: join(dir, 'missing.csv') }), /ENOENT/);
  const bad = join(dir, 'bad.csv');
  await writeFile(bad, 'only,two\n');
  assert.throws(() => createAuthenticator({ adminToken: 'a', tokenFile: bad }), /must have at least 3 columns/);
  assert.throws(() => createAuthenticator({ adminToken: '' }), /admin token must not be empty/);
});

test('tlsServerOptions: our CA plus every certificate of the client CA bundle', async (t) => {
  const dir = await tempDir(t);
  const pki = await ensurePki(join(dir, 'a'), {});
  const other = await ensurePki(join(dir, 'b'), {});
  const opts = tlsServerOptions(pki, { clientCaPem: `${other.caPem}\n${pki.caPem}` });
  assert.equal(opts.key, pki.keyPem);
  assert.equal(opts.cert, pki.certPem);
  assert.equal(opts.requestCert, true);
  assert.equal(opts.rejectUnauthorized, false);
  assert.deepEqual(opts.ca.map((c) => c.trim()), [pki.caPem.trim(), other.caPem.trim(), pki.caPem.trim()]);
  assert.deepEqual(tlsServerOptions(pki).ca, [pki.caPem]);
  assert.throws(() => tlsServerOptions(pki, { clientCaPem: 'not a pem' }), /no PEM certificate/);
});

interface Client {
  readonly host?: string;
  readonly token?: string;
  readonly cert?: { certPem: string; keyPem: string };
}

/** One HTTPS request on a fresh connection; the server answers with the authenticator's verdict as JSON. */
function whoAmI(server: Server, pki: Pki, client: Client): Promise<UserInfo | null> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request({
      host: client.host ?? '127.0.0.1',
      port,
      path: '/whoami',
      ca: pki.caPem,
      agent: false,
      ...(client.token !== undefined ? { headers: { authorization: `Bearer ${client.token}` } } : {}),
      ...(client.cert ? { cert: client.cert.certPem, key: client.cert.keyPem } : {}),
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve(JSON.parse(body) as UserInfo | null));
    });
    req.on('error', reject);
    req.end();
  });
}

async function startServer(pki: Pki, authn: Authenticator, clientCaPem?: string): Promise<Server> {
  const server = createServer(tlsServerOptions(pki, clientCaPem === undefined ? {} : { clientCaPem }), (req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(authn.authenticate(req) ?? null));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

test('real TLS handshake: bearer token, client certificates and anonymous clients', async (t) => {
  const dir = await tempDir(t);
  const pki = await ensurePki(join(dir, 'server'), {});
  const foreign = await ensurePki(join(dir, 'foreign'), {});
  const trusted = await ensurePki(join(dir, 'trusted'), {});
  const authn = createAuthenticator({ adminToken: pki.adminToken });
  const server = await startServer(pki, authn, trusted.caPem);
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));

  assert.deepEqual(await whoAmI(server, pki, { token: pki.adminToken }), ADMIN);
  assert.deepEqual(await whoAmI(server, pki, { host: 'localhost', token: pki.adminToken }), ADMIN, 'DNS SAN localhost verifies');

  const jane = issueClientCertificate(pki, { commonName: 'jane', organizations: ['dev', 'ops'] });
  assert.deepEqual(await whoAmI(server, pki, { cert: jane }), { username: 'jane', groups: ['dev', 'ops', 'system:authenticated'] });

  const solo = issueClientCertificate(pki, { commonName: 'solo' });
  assert.deepEqual(await whoAmI(server, pki, { cert: solo }), { username: 'solo', groups: ['system:authenticated'] });

  const fromClientCaFile = issueClientCertificate(trusted, { commonName: 'bob', organizations: ['qa'] });
  assert.deepEqual(await whoAmI(server, pki, { cert: fromClientCaFile }), { username: 'bob', groups: ['qa', 'system:authenticated'] });

  const untrusted = issueClientCertificate(foreign, { commonName: 'eve', organizations: ['system:masters'] });
  assert.equal(await whoAmI(server, pki, { cert: untrusted }), null, 'a certificate from an unknown CA authenticates nobody');
  assert.deepEqual(await whoAmI(server, pki, { cert: untrusted, token: pki.adminToken }), ADMIN, 'falls back to the token');

  assert.equal(await whoAmI(server, pki, { token: 'wrong' }), null);
  assert.equal(await whoAmI(server, pki, {}), null);
});

test('client certificates are ignored when x509 authentication is disabled', async (t) => {
  const dir = await tempDir(t);
  const pki = await ensurePki(dir, {});
  const server = await startServer(pki, createAuthenticator({ adminToken: pki.adminToken, clientCa: false }));
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  const jane = issueClientCertificate(pki, { commonName: 'jane' });
  assert.equal(await whoAmI(server, pki, { cert: jane }), null);
  assert.deepEqual(await whoAmI(server, pki, { cert: jane, token: pki.adminToken }), ADMIN);
});
