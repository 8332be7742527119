import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ipaddr from 'ipaddr.js';
import { ensurePki, issueClientCertificate } from './pki.js';

const OID_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const DAY_MS = 24 * 60 * 60 * 1000;

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kubelevel-pki-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Node prints IPv6 SANs fully expanded and upper-case ("IP Address:0:0:0:0:0:0:0:1"); normalize both kinds. */
function sansOf(pem: string): { dns: string[]; ips: string[] } {
  const raw = new X509Certificate(pem).subjectAltName ?? '';
  const entries = raw.split(', ').filter((s) => s !== '');
  return {
    dns: entries.filter((e) => e.startsWith('DNS:')).map((e) => e.slice(4)),
    ips: entries.filter((e) => e.startsWith('IP Address:')).map((e) => {
      const ip = ipaddr.parse(e.slice('IP Address:'.length));
      return ip.kind() === 'ipv6' ? (ip as ipaddr.IPv6).toRFC5952String() : ip.toString();
    }),
  };
}

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

test('first start creates CA, serving certificate and admin token; a second start reuses them', async (t) => {
  const dir = await tempDir(t);
  const first = await ensurePki(dir, {});
  const files = ['pki/ca.crt', 'pki/ca.key', 'pki/apiserver.crt', 'pki/apiserver.key', 'admin-token'];
  const before = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));

  assert.equal(before[0], first.caPem);
  assert.equal(before[1], first.caKeyPem);
  assert.equal(before[2], first.certPem);
  assert.equal(before[3], first.keyPem);
  assert.equal(before[4]!.trim(), first.adminToken);
  assert.equal(await modeOf(join(dir, 'pki/ca.key')), 0o600);
  assert.equal(await modeOf(join(dir, 'pki/apiserver.key')), 0o600);
  assert.equal(await modeOf(join(dir, 'admin-token')), 0o600);
  assert.match(first.adminToken, /^[A-Za-z0-9_-]{43,}$/); // 32 random bytes, base64url

  const second = await ensurePki(dir, {});
  assert.deepEqual(second, first);
  const after = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
  assert.deepEqual(after, before);
});

test('the CA and the serving certificate have the fields kubectl checks', async (t) => {
  const dir = await tempDir(t);
  const pki = await ensurePki(dir, { hosts: ['kubelevel.example', '10.0.0.5'], ips: ['10.96.0.1', 'fd00:0:0::1'] });
  const ca = new X509Certificate(pki.caPem);
  const cert = new X509Certificate(pki.certPem);

  assert.equal(ca.subject, 'CN=kubelevel-ca');
  assert.equal(ca.ca, true);
  const caYears = (Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / (365 * DAY_MS);
  assert.ok(caYears > 9.9 && caYears < 10.1, `CA validity ${caYears} years`);
  assert.equal(ca.checkIssued(ca), true);

  assert.equal(cert.ca, false);
  assert.equal(cert.checkIssued(ca), true);
  assert.equal(cert.verify(ca.publicKey), true);
  assert.deepEqual(cert.keyUsage, [OID_SERVER_AUTH]);
  assert.equal(cert.checkPrivateKey(createPrivateKey(pki.keyPem)), true);

  const sans = sansOf(pki.certPem);
  assert.deepEqual(sans.dns.sort(), ['kubelevel.example', 'localhost']);
  assert.deepEqual(sans.ips.sort(), ['10.0.0.5', '10.96.0.1', '127.0.0.1', '::1', 'fd00::1']);
  assert.match(cert.subjectAltName ?? '', /IP Address:0:0:0:0:0:0:0:1/);
  assert.ok(cert.checkIP('127.0.0.1'));
  assert.ok(cert.checkIP('::1'));
  assert.ok(cert.checkHost('localhost'));
});

test('changed SANs re-issue only the serving certificate', async (t) => {
  const dir = await tempDir(t);
  const first = await ensurePki(dir, { ips: ['10.96.0.1'] });
  const same = await ensurePki(dir, { ips: ['10.96.0.1'], hosts: ['LOCALHOST'] });
  assert.equal(same.certPem, first.certPem, 'same SAN set (case-insensitive DNS, duplicates) keeps the certificate');

  const changed = await ensurePki(dir, { ips: ['10.96.0.1', '192.168.7.7'] });
  assert.notEqual(changed.certPem, first.certPem);
  assert.notEqual(changed.keyPem, first.keyPem);
  assert.equal(changed.caPem, first.caPem);
  assert.equal(changed.caKeyPem, first.caKeyPem);
  assert.equal(changed.adminToken, first.adminToken);
  assert.ok(sansOf(changed.certPem).ips.includes('192.168.7.7'));
  assert.equal(await readFile(join(dir, 'pki/apiserver.crt'), 'utf8'), changed.certPem);
  assert.equal(new X509Certificate(changed.certPem).checkIssued(new X509Certificate(first.caPem)), true);
});

test('a serving certificate near expiry or unreadable is re-issued; the CA is kept', async (t) => {
  const dir = await tempDir(t);
  const first = await ensurePki(dir, {});
  const later = new Date(Date.now() + 340 * DAY_MS);
  const renewed = await ensurePki(dir, { now: () => later });
  assert.notEqual(renewed.certPem, first.certPem);
  assert.equal(renewed.caPem, first.caPem);
  assert.ok(Date.parse(new X509Certificate(renewed.certPem).validTo) > later.getTime() + 300 * DAY_MS);

  await writeFile(join(dir, 'pki/apiserver.crt'), 'garbage');
  const repaired = await ensurePki(dir, { now: () => later });
  assert.match(repaired.certPem, /^-----BEGIN CERTIFICATE-----/);
  assert.equal(new X509Certificate(repaired.certPem).checkIssued(new X509Certificate(first.caPem)), true);
});

test('a half-present or expired CA is an error, never silently replaced', async (t) => {
  const dir = await tempDir(t);
  await ensurePki(dir, {});
  await assert.rejects(ensurePki(dir, { now: () => new Date(Date.now() + 11 * 365 * DAY_MS) }), /CA certificate .*ca\.crt expired/);
  await unlink(join(dir, 'pki/ca.key'));
  await assert.rejects(ensurePki(dir, {}), /found only one of .*ca\.crt and .*ca\.key/);
});

test('invalid extra IP SANs are rejected', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(ensurePki(dir, { ips: ['not-an-ip'] }), /invalid IP address for the serving certificate: "not-an-ip"/);
});

test('issueClientCertificate: CN is the user, O values are the groups, clientAuth EKU, signed by the CA', async (t) => {
  const dir = await tempDir(t);
  const pki = await ensurePki(dir, {});
  const client = issueClientCertificate(pki, { commonName: 'jane', organizations: ['dev', 'ops'] });
  const cert = new X509Certificate(client.certPem);
  assert.equal(cert.subject, 'CN=jane\nO=dev\nO=ops');
  assert.deepEqual(cert.keyUsage, [OID_CLIENT_AUTH]);
  assert.equal(cert.checkIssued(new X509Certificate(pki.caPem)), true);
  assert.equal(cert.verify(new X509Certificate(pki.caPem).publicKey), true);
  assert.match(client.keyPem, /^-----BEGIN RSA PRIVATE KEY-----/);
  assert.throws(() => issueClientCertificate(pki, { commonName: '' }), /commonName must not be empty/);
});
